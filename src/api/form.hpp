#pragma once
// application/x-www-form-urlencoded bodies (HTML forms, Open311 GeoReport v2 POSTs).

#include <map>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace cg::api {

// Parses "a=1&b=x+y&attribute%5Bk%5D=v" into name -> values in order of appearance. '+' is a
// space, %XX a byte; names and values must be valid UTF-8 after decoding and hold no NUL.
// kInvalid on a bad escape, invalid UTF-8, more than `max_pairs` pairs or an empty name.
// Empty segments ("a=1&&b=2") are skipped; "a" alone is a with value "".
Result<std::multimap<std::string, std::string>> ParseForm(std::string_view body, std::size_t max_pairs = 1000);

// Whether `s` is valid UTF-8 (no overlongs, no surrogates, at most U+10FFFF).
bool IsValidUtf8(std::string_view s);

}  // namespace cg::api
