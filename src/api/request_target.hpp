#pragma once
// Parsing of the request target (path and query string) into a Request. Outside input: fuzzed.

#include <optional>
#include <string>
#include <string_view>

#include "api/http_types.hpp"
#include "core/result.hpp"

namespace cg::api {

// Decodes %XX escapes (and '+' as space when `plus_is_space`). nullopt on a bad escape.
std::optional<std::string> PercentDecode(std::string_view in, bool plus_is_space);
// Fills req.path (decoded) and req.query from an origin-form target ("/a/b?x=1&y=2").
// kInvalid on a target that is not origin-form, a bad escape, a NUL in the path or more
// than 256 query parameters.
Status ParseTarget(std::string_view target, Request& req);

}  // namespace cg::api
