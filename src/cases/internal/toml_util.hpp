#pragma once
// Helpers shared by the loaders of calendar, case-type and routing files: parse with a
// Result instead of an exception, and name "file:line" in every error.

#include <string>
#include <string_view>
#include <toml++/toml.h>

#include "core/result.hpp"

namespace cg::cases::internal {

// "file:line" of `node`, or just "file" when the node has no source position.
inline std::string Where(const std::string& source, const toml::node& node) {
  const auto& begin = node.source().begin;
  if (begin.line == 0) return source;
  return source + ":" + std::to_string(begin.line);
}

inline Error Invalid(const std::string& where, const std::string& what) {
  return MakeError(ErrorCode::kInvalid, where + ": " + what);
}

inline Result<toml::table> ParseToml(std::string_view text, const std::string& source) {
  try {
    return toml::parse(text, source);
  } catch (const toml::parse_error& e) {
    return MakeError(ErrorCode::kInvalid, source + ":" + std::to_string(e.source().begin.line) +
                                              ": TOML syntax error: " + std::string(e.description()));
  }
}

// Reads a whole file; kNotFound naming the path when it cannot be read.
Result<std::string> ReadFile(const std::string& path);

// The regular files in `dir` whose names end with `suffix`, sorted by name.
Result<std::vector<std::string>> ListFiles(const std::string& dir, std::string_view suffix);

}  // namespace cg::cases::internal
