#pragma once
// Server configuration: defaults, then a TOML file, then CITYGRID_* environment variables,
// then command-line flags (applied by the caller), each overriding the one before.

#include <cstdint>
#include <map>
#include <string>

#include "core/result.hpp"

namespace cg {

struct Config {
  std::string host = "0.0.0.0";
  std::uint16_t port = 8080;
  std::string data_dir = "./data-dir";
  // Empty means "sqlite://<data_dir>/citygrid.db".
  std::string db_url;
  std::string web_root = "./web/dist";
  std::size_t max_body_bytes = 1 << 20;      // 1 MiB for JSON bodies
  // multipart/form-data bodies (case submissions with up to 6 photos) may be this large.
  std::size_t max_upload_bytes = 64 << 20;
  std::size_t max_photo_bytes = 10 << 20;    // one uploaded photo
  // Origin put before paths that leave the server in other systems' hands (Open311 media_url),
  // e.g. "https://city.example.cn"; empty: paths stay relative.
  std::string public_base_url;
  std::size_t threads = 2;
  std::int64_t session_idle_ms = 30LL * 60 * 1000;        // 30 minutes
  std::int64_t session_absolute_ms = 12LL * 3600 * 1000;  // 12 hours
  std::int64_t session_cache_ms = 5'000;  // sessions served from memory this long (0: off)
  int login_max_failures = 5;                 // per username or address, per window
  std::int64_t login_window_ms = 15LL * 60 * 1000;
  bool cookie_secure = false;                 // set true behind TLS
  std::string log_level = "info";
  std::string metrics_token;                  // empty: /metrics only to loopback callers
  // Master key for ID/phone encryption; empty means "<data_dir>/master.key". Never in the DB.
  std::string master_key_file;
  std::string elements_dir = "./data/elements";  // data-element dictionary (*.toml)
  std::string data_root = "./data";           // case-types/ and calendar/ are read from here
  std::int64_t case_eval_interval_ms = 60'000;  // how often the deadline job runs
  std::int64_t feed_interval_ms = 1000;       // how often the change feed picks up other nodes' writes
  int public_reports_per_hour = 10;           // public and Open311 submissions per address
  // Reverse proxies (addresses, CIDR networks, comma-separated) whose X-Forwarded-For is believed,
  // so login limits and public-report limits see the client's address. Empty: none.
  std::string trusted_proxies;

  // The database URL with the default applied.
  std::string EffectiveDbUrl() const;
  // The master key file with the default applied.
  std::string EffectiveMasterKeyFile() const;
};

// Applies `path` (TOML) over `config`. Unknown keys are an error so typos are caught.
Status LoadConfigFile(const std::string& path, Config& config);

// Applies CITYGRID_<KEY> variables (upper-cased key names, e.g. CITYGRID_PORT) from `env`.
Status ApplyEnvironment(const std::map<std::string, std::string>& env, Config& config);

// The process environment as a map, for ApplyEnvironment.
std::map<std::string, std::string> ProcessEnvironment();

}  // namespace cg
