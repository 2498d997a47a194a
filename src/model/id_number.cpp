#include "model/id_number.hpp"

#include <cassert>
#include <cstdio>
#include <cstdlib>

namespace cg::model {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

[[noreturn]] void Fatal(const char* what) {
  std::fprintf(stderr, "fatal: %s\n", what);
  std::abort();
}

// Decodes one UTF-8 sequence at `p`; returns its length (0 if malformed) and the code point.
std::size_t DecodeUtf8(std::string_view s, std::size_t p, char32_t& cp) {
  const auto b0 = static_cast<unsigned char>(s[p]);
  std::size_t n = b0 >= 0xF0 && b0 <= 0xF4 ? 4 : b0 >= 0xE0 ? 3 : b0 >= 0xC2 && b0 < 0xE0 ? 2 : 0;
  if (n == 0 || p + n > s.size()) return 0;
  cp = b0 & (n == 2 ? 0x1F : n == 3 ? 0x0F : 0x07);
  for (std::size_t i = 1; i < n; ++i) {
    const auto b = static_cast<unsigned char>(s[p + i]);
    if ((b & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b & 0x3F);
  }
  const char32_t min = n == 2 ? 0x80 : n == 3 ? 0x800 : 0x10000;
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return n;
}

std::string Quote(char c) {
  if (c == ' ') return "a space";
  return std::string("'") + c + "'";
}

}  // namespace

const char* SexName(Sex sex) { return sex == Sex::kMale ? "male" : "female"; }

bool IsProvinceCode(int p) {
  return (p >= 11 && p <= 15) || (p >= 21 && p <= 23) || (p >= 31 && p <= 37) ||
         (p >= 41 && p <= 46) || (p >= 50 && p <= 54) || (p >= 61 && p <= 65) || p == 71 ||
         p == 81 || p == 82 || p == 83;
}

std::string_view TrimAscii(std::string_view text) {
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; };
  while (!text.empty() && space(text.front())) text.remove_prefix(1);
  while (!text.empty() && space(text.back())) text.remove_suffix(1);
  return text;
}

Status CheckPrintableAscii(std::string_view field, std::string_view text) {
  std::size_t position = 0;  // 1-based character (code point) number
  for (std::size_t p = 0; p < text.size();) {
    ++position;
    const auto b = static_cast<unsigned char>(text[p]);
    const std::string where = std::string(field) + ": character " + std::to_string(position);
    if (b < 0x80) {
      if (b < 0x20 || b == 0x7F) {
        char hex[8];
        std::snprintf(hex, sizeof hex, "0x%02X", b);
        return MakeError(ErrorCode::kInvalid, where + " is a control character (" + hex + ")");
      }
      ++p;
      continue;
    }
    char32_t cp = 0;
    const std::size_t n = DecodeUtf8(text, p, cp);
    if (n == 0) return MakeError(ErrorCode::kInvalid, where + " is not valid UTF-8");
    const std::string shown(text.substr(p, n));
    if (cp >= 0xFF10 && cp <= 0xFF19) {
      return MakeError(ErrorCode::kInvalid,
                       where + " is the full-width digit '" + shown +
                           "'; use the half-width (ASCII) digits 0-9");
    }
    if ((cp >= 0xFF21 && cp <= 0xFF3A) || (cp >= 0xFF41 && cp <= 0xFF5A)) {
      return MakeError(ErrorCode::kInvalid, where + " is the full-width letter '" + shown +
                                                "'; use half-width (ASCII) letters");
    }
    if (cp == 0x3000) return MakeError(ErrorCode::kInvalid, where + " is a full-width space");
    return MakeError(ErrorCode::kInvalid, where + " ('" + shown + "') is not an ASCII character");
  }
  return Status::Ok();
}

char ResidentIdCheckChar(std::string_view first17) {
  assert(first17.size() == 17);
  // Weight of position i (1-based from the left, the check character being position 18) is
  // 2^(18-i) mod 11; the check value c satisfies sum + c == 1 (mod 11).
  int sum = 0;
  int weight = 1;  // 2^0, for the check position; walk right to left
  for (int i = 16; i >= 0; --i) {
    weight = weight * 2 % 11;
    assert(IsDigit(first17[i]));
    sum += (first17[i] - '0') * weight;
  }
  const int c = (12 - sum % 11) % 11;
  return c == 10 ? 'X' : static_cast<char>('0' + c);
}

Result<ResidentId> ParseResidentId(std::string_view text, Date today) {
  constexpr std::string_view kField = "id_number";
  const std::string_view t = TrimAscii(text);
  if (t.empty()) return MakeError(ErrorCode::kInvalid, "id_number: is empty");
  CG_RETURN_IF_ERROR(CheckPrintableAscii(kField, t));
  if (t.size() != 18) {
    std::string msg = "id_number: must be 18 characters, got " + std::to_string(t.size());
    if (t.size() == 15) msg += " (15-digit first-generation numbers are not accepted)";
    return MakeError(ErrorCode::kInvalid, msg);
  }
  for (std::size_t i = 0; i < 17; ++i) {
    if (!IsDigit(t[i])) {
      return MakeError(ErrorCode::kInvalid, "id_number: character " + std::to_string(i + 1) +
                                                " must be a digit, got " + Quote(t[i]));
    }
  }
  char check = t[17];
  if (check == 'x') check = 'X';
  if (!IsDigit(check) && check != 'X') {
    return MakeError(ErrorCode::kInvalid,
                     "id_number: character 18 (the check character) must be a digit or X, got " +
                         Quote(t[17]));
  }
  const int province = (t[0] - '0') * 10 + (t[1] - '0');
  if (!IsProvinceCode(province)) {
    return MakeError(ErrorCode::kInvalid, "id_number: unknown region: '" +
                                              std::string(t.substr(0, 2)) +
                                              "' (characters 1-2) is not a GB/T 2260 province code");
  }
  auto num = [&t](std::size_t pos, std::size_t n) {
    int v = 0;
    for (std::size_t i = pos; i < pos + n; ++i) v = v * 10 + (t[i] - '0');
    return v;
  };
  const Date birth{num(6, 4), num(10, 2), num(12, 2)};
  const std::string birth_text = std::string(t.substr(6, 4)) + "-" + std::string(t.substr(10, 2)) +
                                 "-" + std::string(t.substr(12, 2));
  if (!IsValid(birth)) {
    std::string msg = "id_number: impossible birth date " + birth_text + " (characters 7-14)";
    if (birth.month == 2 && birth.day == 29) msg += ": " + std::to_string(birth.year) + " is not a leap year";
    return MakeError(ErrorCode::kInvalid, msg);
  }
  if (birth.year < 1850) {
    return MakeError(ErrorCode::kInvalid, "id_number: impossible birth date " + birth_text +
                                              " (characters 7-14): before 1850");
  }
  if (birth > today) {
    return MakeError(ErrorCode::kInvalid, "id_number: birth date " + birth_text +
                                              " is in the future (today is " + FormatDate(today) +
                                              ")");
  }
  const char expected = ResidentIdCheckChar(t.substr(0, 17));
  if (check != expected) {
    return MakeError(ErrorCode::kInvalid, std::string("id_number: check digit expected ") +
                                              expected + ", got " + check);
  }
  ResidentId id;
  id.text = std::string(t.substr(0, 17)) + check;
  id.region = std::string(t.substr(0, 6));
  id.birth_date = birth;
  id.sequence = std::string(t.substr(14, 3));
  id.sex = (t[16] - '0') % 2 == 1 ? Sex::kMale : Sex::kFemale;
  return id;
}

std::string MakeResidentId(std::string_view region6, Date birth, int sequence3) {
  if (region6.size() != 6) Fatal("MakeResidentId: region must be 6 digits");
  for (char c : region6) {
    if (!IsDigit(c)) Fatal("MakeResidentId: region must be 6 digits");
  }
  if (!IsValid(birth)) Fatal("MakeResidentId: birth date does not exist");
  if (sequence3 < 0 || sequence3 > 999) Fatal("MakeResidentId: sequence must be 0..999");
  std::string s(region6);
  s += FormatDate(birth).substr(0, 4);
  s += FormatDate(birth).substr(5, 2);
  s += FormatDate(birth).substr(8, 2);
  s += static_cast<char>('0' + sequence3 / 100);
  s += static_cast<char>('0' + sequence3 / 10 % 10);
  s += static_cast<char>('0' + sequence3 % 10);
  s += ResidentIdCheckChar(s);
  return s;
}

}  // namespace cg::model
