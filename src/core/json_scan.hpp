#pragma once
// A pre-parse check for JSON text from outside: rejects documents nested deeper than a limit
// before any parser (or recursive destructor) sees them. Strings, with escapes, are skipped.

#include <string_view>

namespace cg {

// True if no array/object in `text` nests deeper than `max_depth`. Does not validate JSON.
inline bool JsonNestingWithin(std::string_view text, int max_depth) {
  int depth = 0;
  bool in_string = false, escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > max_depth) return false;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return true;
}

}  // namespace cg
