#pragma once
// The officials residents may address a public question to (有问必答): an account (by username)
// and the title under which it is shown, e.g. 五当召镇镇长. Loaded from <data_root>/officials.toml;
// docs/cases.md describes the format. The account's scope is the official's unit.

#include <string>
#include <string_view>
#include <vector>

#include "cases/case_type.hpp"
#include "core/result.hpp"

namespace cg::cases {

struct Official {
  std::string username;
  Label title;  // zh and en, e.g. 镇长 / Mayor
};

// Parses an officials file: [[officials]] tables with `username`, `title`, `title_en`.
// kInvalid naming "file:line" for unknown keys, a missing username or title, or a duplicate.
Result<std::vector<Official>> ParseOfficials(std::string_view toml_text, const std::string& source);
// Reads and parses `path`; a missing file is an empty list (a city without public Q&A).
Result<std::vector<Official>> LoadOfficials(const std::string& path);

}  // namespace cg::cases
