#include "core/clean_text.hpp"

#include "core/utf8.hpp"

namespace cg {

std::size_t CodePoints(std::string_view text) {
  std::size_t n = 0;
  ForEachCodePoint(text, [&](char32_t) { ++n; });
  return n;
}

Result<std::string> CleanText(const std::string& field, std::string_view text, std::size_t max, bool multiline,
                              bool required) {
  std::string check;
  ForEachCodePoint(text, [&](char32_t cp) { AppendUtf8(check, cp); });
  if (check.size() != text.size()) return MakeError(ErrorCode::kInvalid, field + ": not valid UTF-8");
  std::string out;
  ForEachCodePoint(text, [&](char32_t cp) {
    if (cp == '\r') return;
    if ((cp < 0x20 && !(multiline && (cp == '\n' || cp == '\t'))) || cp == 0x7f) {
      out += ' ';
      return;
    }
    AppendUtf8(out, cp);
  });
  while (!out.empty() && (out.back() == ' ' || out.back() == '\n' || out.back() == '\t')) out.pop_back();
  std::size_t start = out.find_first_not_of(" \n\t");
  out = start == std::string::npos ? "" : out.substr(start);
  if (out.empty() && required) return MakeError(ErrorCode::kInvalid, field + ": required");
  if (CodePoints(out) > max) {
    return MakeError(ErrorCode::kInvalid, field + ": at most " + std::to_string(max) + " characters");
  }
  return out;
}

}  // namespace cg
