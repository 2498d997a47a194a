#pragma once
// Mainland China mobile numbers: 11 digits 1[3-9]XXXXXXXXX.

#include <string>
#include <string_view>

#include "core/result.hpp"

namespace cg::model {

// Normalises a mobile number to its 11 digits: strips surrounding whitespace, inner spaces and
// hyphens, and an optional +86, 86 or 0086 country prefix ("+86 138-0013-8000" ->
// "13800138000"). kInvalid names what is wrong: a character, the length, or the prefix.
Result<std::string> ParseMobilePhone(std::string_view text);

}  // namespace cg::model
