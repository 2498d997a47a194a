#include "store/internal/common.hpp"

#include <charconv>

#include "core/utf8.hpp"
#include "geo/wkb.hpp"

namespace cg::store::internal {

namespace {

// Decodes the last UTF-8 code point of `s`; returns its start offset and value, or nullopt
// if `s` does not end in a well-formed sequence.
std::optional<std::pair<size_t, char32_t>> LastCodePoint(std::string_view s) {
  size_t start = s.size();
  int continuation = 0;
  while (start > 0 && continuation < 4) {
    unsigned char c = static_cast<unsigned char>(s[start - 1]);
    if ((c & 0xC0) != 0x80) break;
    --start;
    ++continuation;
  }
  if (start == 0) return std::nullopt;
  --start;
  unsigned char lead = static_cast<unsigned char>(s[start]);
  int len = lead < 0x80 ? 1 : (lead >> 5) == 0x6 ? 2 : (lead >> 4) == 0xE ? 3 : (lead >> 3) == 0x1E ? 4 : 0;
  if (len != continuation + 1) return std::nullopt;
  char32_t cp = len == 1 ? lead : len == 2 ? (lead & 0x1F) : len == 3 ? (lead & 0x0F) : (lead & 0x07);
  for (size_t i = start + 1; i < s.size(); ++i) cp = (cp << 6) | (static_cast<unsigned char>(s[i]) & 0x3F);
  return std::make_pair(start, cp);
}

}  // namespace

std::optional<std::string> PrefixEnd(std::string_view prefix) {
  std::string s(prefix);
  while (!s.empty()) {
    auto last = LastCodePoint(s);
    if (!last) {
      // Not UTF-8: fall back to bytes (SQLite compares bytes; PostgreSQL rejects such text anyway).
      unsigned char b = static_cast<unsigned char>(s.back());
      s.pop_back();
      if (b != 0xFF) {
        s += static_cast<char>(b + 1);
        return s;
      }
      continue;
    }
    auto [start, cp] = *last;
    s.resize(start);
    if (cp == 0x10FFFF) continue;
    char32_t next = cp + 1;
    if (next == 0xD800) next = 0xE000;  // skip surrogates
    AppendUtf8(s, next);
    return s;
  }
  return std::nullopt;
}

CodeRange RangeOf(std::string_view prefix) {
  CodeRange r;
  r.lo = std::string(prefix);
  if (prefix.empty()) return r;
  r.unbounded_hi = false;
  if (auto end = PrefixEnd(prefix)) {
    r.hi = std::move(*end);
  } else {
    // Only U+10FFFF characters: no successor exists, so bound by the prefix followed by four of
    // them (misses only codes that continue with four more, which no real code does).
    r.hi = std::string(prefix);
    for (int i = 0; i < 4; ++i) r.hi += "\xF4\x8F\xBF\xBF";
  }
  return r;
}

Status ValidatePage(const Page& page) {
  if (page.limit < 0 || page.offset < 0) {
    return MakeError(ErrorCode::kInvalid, "page limit and offset must not be negative");
  }
  return {};
}

Status ValidateUnit(const model::OrgUnit& unit) {
  if (unit.code.empty()) return MakeError(ErrorCode::kInvalid, "org unit code is empty");
  if (unit.name.empty()) return MakeError(ErrorCode::kInvalid, "org unit " + unit.code + " has no name");
  if (unit.parent_code == unit.code) {
    return MakeError(ErrorCode::kInvalid, "org unit " + unit.code + " is its own parent");
  }
  return {};
}

Status ValidateUser(const model::User& user) {
  if (user.username.empty()) return MakeError(ErrorCode::kInvalid, "username is empty");
  return {};
}

std::optional<std::string> GeometryBytes(const geo::MultiPolygon& geometry) {
  if (geometry.empty()) return std::nullopt;
  return geo::EncodeWkb(geometry);
}

std::string DoubleText(double value) {
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, value);
  return std::string(buf, res.ptr);
}

std::optional<std::int64_t> ParseDecimalId(std::string_view id) {
  if (id.empty() || id.size() > 18) return std::nullopt;
  std::int64_t v = 0;
  for (char ch : id) {
    if (ch < '0' || ch > '9') return std::nullopt;
    v = v * 10 + (ch - '0');
  }
  return v;
}

}  // namespace cg::store::internal
