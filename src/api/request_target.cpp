#include "api/request_target.hpp"

namespace cg::api {

std::optional<std::string> PercentDecode(std::string_view in, bool plus_is_space) {
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '%') {
      if (i + 2 >= in.size()) return std::nullopt;
      int h = hex(in[i + 1]), l = hex(in[i + 2]);
      if (h < 0 || l < 0) return std::nullopt;
      out.push_back(static_cast<char>(h * 16 + l));
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

// Splits a request target into a decoded path and query parameters. kInvalid on bad escapes
// or a target that is not origin-form.
Status ParseTarget(std::string_view target, Request& req) {
  if (target.empty() || target[0] != '/') return MakeError(ErrorCode::kInvalid, "request target must start with '/'");
  auto q = target.find('?');
  auto path = PercentDecode(target.substr(0, q), false);
  if (!path) return MakeError(ErrorCode::kInvalid, "bad percent-encoding in path");
  if (path->find('\0') != std::string::npos) return MakeError(ErrorCode::kInvalid, "NUL in path");
  req.path = std::move(*path);
  if (q == std::string_view::npos) return {};
  std::string_view qs = target.substr(q + 1);
  while (!qs.empty()) {
    auto amp = qs.find('&');
    std::string_view pair = qs.substr(0, amp);
    if (!pair.empty()) {
      auto eq = pair.find('=');
      auto k = PercentDecode(pair.substr(0, eq), true);
      auto v = PercentDecode(eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1), true);
      if (!k || !v) return MakeError(ErrorCode::kInvalid, "bad percent-encoding in query string");
      if (req.query.size() >= 256) return MakeError(ErrorCode::kInvalid, "too many query parameters");
      req.query.emplace(std::move(*k), std::move(*v));
    }
    if (amp == std::string_view::npos) break;
    qs.remove_prefix(amp + 1);
  }
  return {};
}

}  // namespace cg::api
