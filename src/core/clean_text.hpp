#pragma once
// Cleaning a person's free text for storage (titles, names, bodies): valid UTF-8, trimmed,
// control characters turned into spaces (line breaks and tabs kept when `multiline`), a length
// limit in code points. Used by every domain service that takes text from a form.

#include <cstddef>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace cg {

// Number of code points of valid UTF-8 in `text` (invalid bytes are not counted).
std::size_t CodePoints(std::string_view text);

// Trimmed text of 1..max code points (0..max when not `required`); kInvalid naming `field` for
// text that is not valid UTF-8, empty when required, or too long.
Result<std::string> CleanText(const std::string& field, std::string_view text, std::size_t max, bool multiline,
                              bool required = true);

}  // namespace cg
