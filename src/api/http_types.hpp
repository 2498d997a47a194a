#pragma once
// Transport-neutral request/response values. The HTTP server (http_server.cpp) converts to
// and from the wire; handlers and tests work with these alone.

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "auth/authenticator.hpp"

namespace cg::api {

struct Request {
  std::string method;                          // "GET", "POST", ...
  std::string path;                            // decoded path, no query string
  std::string raw_target;                      // as received
  std::multimap<std::string, std::string> query;    // decoded query parameters
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  std::string remote_address;
  // Filled by routing and authentication before a handler runs.
  std::map<std::string, std::string> params;   // {name} segments of the route pattern
  std::optional<auth::Principal> principal;

  // First value of a query parameter, or nullopt.
  std::optional<std::string> Query(const std::string& name) const;
  std::string Header(const std::string& lower_name) const;
  // The value of cookie `name`, or "".
  std::string Cookie(const std::string& name) const;
};

struct Response {
  int status = 200;
  std::string content_type = "application/json; charset=utf-8";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  // When set, the server streams this file instead of `body` (static files).
  std::string file_path;

  void AddHeader(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
  }
};

}  // namespace cg::api
