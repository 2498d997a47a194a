#include "core/config.hpp"
#include "core/net_address.hpp"

#include <charconv>
#include <functional>
#include <toml++/toml.h>

extern char** environ;

namespace cg {
namespace {

template <class Int>
Status ParseInt(const std::string& key, const std::string& text, Int& out, Int min, Int max) {
  long long v = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || p != text.data() + text.size() || v < static_cast<long long>(min) ||
      v > static_cast<long long>(max)) {
    return MakeError(ErrorCode::kInvalid, "config key '" + key + "': expected an integer in [" +
                                              std::to_string(min) + ", " + std::to_string(max) +
                                              "], got '" + text + "'");
  }
  out = static_cast<Int>(v);
  return {};
}

Status ParseBool(const std::string& key, const std::string& text, bool& out) {
  if (text == "true" || text == "1" || text == "yes") { out = true; return {}; }
  if (text == "false" || text == "0" || text == "no") { out = false; return {}; }
  return MakeError(ErrorCode::kInvalid, "config key '" + key + "': expected true or false, got '" + text + "'");
}

using Setter = std::function<Status(const std::string& key, const std::string& value, Config&)>;

// One table of keys serves the TOML file and the environment alike.
const std::map<std::string, Setter>& Setters() {
  static const std::map<std::string, Setter> setters = {
      {"host", [](auto&, auto& v, Config& c) { c.host = v; return Status(); }},
      {"port", [](auto& k, auto& v, Config& c) { return ParseInt<std::uint16_t>(k, v, c.port, 0, 65535); }},
      {"data_dir", [](auto&, auto& v, Config& c) { c.data_dir = v; return Status(); }},
      {"db_url", [](auto&, auto& v, Config& c) { c.db_url = v; return Status(); }},
      {"web_root", [](auto&, auto& v, Config& c) { c.web_root = v; return Status(); }},
      {"max_body_bytes", [](auto& k, auto& v, Config& c) { return ParseInt<std::size_t>(k, v, c.max_body_bytes, 1024, std::size_t{1} << 34); }},
      {"max_upload_bytes", [](auto& k, auto& v, Config& c) { return ParseInt<std::size_t>(k, v, c.max_upload_bytes, 1024, std::size_t{1} << 34); }},
      {"max_photo_bytes", [](auto& k, auto& v, Config& c) { return ParseInt<std::size_t>(k, v, c.max_photo_bytes, 1024, std::size_t{1} << 30); }},
      {"public_base_url", [](auto& k, auto& v, Config& c) {
         if (!v.empty() && ((v.rfind("http://", 0) != 0 && v.rfind("https://", 0) != 0) || v.back() == '/'))
           return Status(MakeError(ErrorCode::kInvalid, "config key '" + k + "': expected http(s)://host without a trailing /"));
         c.public_base_url = v; return Status(); }},
      {"threads", [](auto& k, auto& v, Config& c) { return ParseInt<std::size_t>(k, v, c.threads, 1, 256); }},
      {"session_idle_ms", [](auto& k, auto& v, Config& c) { return ParseInt<std::int64_t>(k, v, c.session_idle_ms, 1000, 1LL << 40); }},
      {"session_absolute_ms", [](auto& k, auto& v, Config& c) { return ParseInt<std::int64_t>(k, v, c.session_absolute_ms, 1000, 1LL << 40); }},
      {"session_cache_ms", [](auto& k, auto& v, Config& c) { return ParseInt<std::int64_t>(k, v, c.session_cache_ms, 0, 3'600'000); }},
      {"login_max_failures", [](auto& k, auto& v, Config& c) { return ParseInt<int>(k, v, c.login_max_failures, 1, 1000); }},
      {"login_window_ms", [](auto& k, auto& v, Config& c) { return ParseInt<std::int64_t>(k, v, c.login_window_ms, 1000, 1LL << 40); }},
      {"cookie_secure", [](auto& k, auto& v, Config& c) { return ParseBool(k, v, c.cookie_secure); }},
      {"log_level", [](auto& k, auto& v, Config& c) {
         if (v != "trace" && v != "debug" && v != "info" && v != "warn" && v != "error")
           return Status(MakeError(ErrorCode::kInvalid, "config key 'log_level': expected trace|debug|info|warn|error"));
         c.log_level = v; return Status(); }},
      {"metrics_token", [](auto&, auto& v, Config& c) { c.metrics_token = v; return Status(); }},
      {"master_key_file", [](auto&, auto& v, Config& c) { c.master_key_file = v; return Status(); }},
      {"elements_dir", [](auto&, auto& v, Config& c) { c.elements_dir = v; return Status(); }},
      {"data_root", [](auto&, auto& v, Config& c) { c.data_root = v; return Status(); }},
      {"case_eval_interval_ms", [](auto& k, auto& v, Config& c) { return ParseInt<std::int64_t>(k, v, c.case_eval_interval_ms, 1000, 1LL << 40); }},
      {"feed_interval_ms", [](auto& k, auto& v, Config& c) { return ParseInt<std::int64_t>(k, v, c.feed_interval_ms, 100, 1LL << 40); }},
      {"trusted_proxies", [](auto& k, auto& v, Config& c) {
         if (auto n = NetworkSet::Parse(v); !n.ok())
           return Status(MakeError(ErrorCode::kInvalid, "config key '" + k + "': " + n.error().message));
         c.trusted_proxies = v; return Status(); }},
      {"public_reports_per_hour", [](auto& k, auto& v, Config& c) { return ParseInt<int>(k, v, c.public_reports_per_hour, 1, 1'000'000); }},
  };
  return setters;
}

Status Apply(const std::string& key, const std::string& value, Config& config) {
  auto it = Setters().find(key);
  if (it == Setters().end()) return MakeError(ErrorCode::kInvalid, "unknown config key '" + key + "'");
  return it->second(key, value, config);
}

}  // namespace

std::string Config::EffectiveDbUrl() const {
  return db_url.empty() ? "sqlite://" + data_dir + "/citygrid.db" : db_url;
}

std::string Config::EffectiveMasterKeyFile() const {
  return master_key_file.empty() ? data_dir + "/master.key" : master_key_file;
}

Status LoadConfigFile(const std::string& path, Config& config) {
  toml::table table;
  try {
    table = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    return MakeError(ErrorCode::kInvalid, "config file " + path + ": " + std::string(e.description()));
  }
  for (auto&& [k, node] : table) {
    std::string key(k.str());
    std::string value;
    if (auto s = node.value<std::string>(); s && node.is_string()) value = *s;
    else if (node.is_integer()) value = std::to_string(*node.value<std::int64_t>());
    else if (node.is_boolean()) value = *node.value<bool>() ? "true" : "false";
    else return MakeError(ErrorCode::kInvalid, "config key '" + key + "': expected a string, integer or boolean");
    CG_RETURN_IF_ERROR(Apply(key, value, config));
  }
  return {};
}

Status ApplyEnvironment(const std::map<std::string, std::string>& env, Config& config) {
  for (const auto& [key, setter] : Setters()) {
    std::string name = "CITYGRID_";
    for (char ch : key) name += static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    if (auto it = env.find(name); it != env.end()) CG_RETURN_IF_ERROR(setter(key, it->second, config));
  }
  return {};
}

std::map<std::string, std::string> ProcessEnvironment() {
  std::map<std::string, std::string> env;
  for (char** e = environ; e && *e; ++e) {
    std::string kv(*e);
    auto eq = kv.find('=');
    if (eq != std::string::npos) env[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  return env;
}

}  // namespace cg
