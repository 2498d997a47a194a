#pragma once
// Text normalisation for search (docs/field-app.md): traditional Chinese characters to
// simplified (ICU "Hant-Hans"), full-width ASCII to ASCII, ASCII lower case; and the pinyin
// initials of a name (ICU "Han-Latin/Names" for the surname, "Han-Latin" for the rest, then
// "Latin-ASCII"). Both work per code point through tables filled lazily from ICU, so indexing
// millions of names costs a table lookup per character. Thread-safe.

#include <string>
#include <string_view>

#include "core/utf8.hpp"

namespace cg::base {

// `text` (UTF-8) simplified, full-width ASCII folded, ASCII lower-cased, invalid UTF-8 dropped.
std::string NormalizeSearchText(std::string_view text);

// Lower-case pinyin initials of a normalised name, one letter per Han character ("王小明" ->
// "wxm"); ASCII letters and digits are kept, anything else is skipped.
std::string PinyinInitials(std::string_view normalized);

}  // namespace cg::base
