#include "model/uscc.hpp"

#include <cassert>
#include <cstdio>
#include <cstdlib>

#include "model/id_number.hpp"

namespace cg::model {
namespace {

constexpr std::string_view kCodeSet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
static_assert(kCodeSet.size() == 31);

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

[[noreturn]] void Fatal(const char* what) {
  std::fprintf(stderr, "fatal: %s\n", what);
  std::abort();
}

char Upper(char c) { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c; }

// GB 11714 value: digits 0-9, letters A-Z 10-35 (the full Latin alphabet, unlike GB 32100).
int OrgCharValue(char c) {
  if (IsDigit(c)) return c - '0';
  if (c >= 'A' && c <= 'Z') return c - 'A' + 10;
  return -1;
}

std::string Pos(std::size_t i) { return "uscc: character " + std::to_string(i + 1); }

}  // namespace

int UsccCharValue(char c) {
  const auto p = kCodeSet.find(c);
  return p == std::string_view::npos ? -1 : static_cast<int>(p);
}

const char* UsccAuthorityName(char authority) {
  switch (authority) {
    case '1': return "机构编制";
    case '2': return "外交";
    case '3': return "司法行政";
    case '4': return "文化";
    case '5': return "民政";
    case '6': return "旅游";
    case '7': return "宗教";
    case '8': return "工会";
    case '9': return "工商";
    case 'A': return "中央军委改革和编制办公室";
    case 'N': return "农业";
    case 'Y': return "其他";
    default: return nullptr;
  }
}

char OrgCodeCheckChar(std::string_view body8) {
  assert(body8.size() == 8);
  constexpr int kWeights[8] = {3, 7, 9, 10, 5, 8, 4, 2};
  int sum = 0;
  for (std::size_t i = 0; i < 8; ++i) {
    const int v = OrgCharValue(body8[i]);
    assert(v >= 0);
    sum += v * kWeights[i];
  }
  const int c = 11 - sum % 11;
  return c == 11 ? '0' : c == 10 ? 'X' : static_cast<char>('0' + c);
}

char UsccCheckChar(std::string_view first17) {
  assert(first17.size() == 17);
  int sum = 0;
  int weight = 1;  // 3^(i-1) mod 31
  for (std::size_t i = 0; i < 17; ++i) {
    const int v = UsccCharValue(first17[i]);
    assert(v >= 0);
    sum += v * weight;
    weight = weight * 3 % 31;
  }
  const int c = 31 - sum % 31;
  return kCodeSet[c == 31 ? 0 : c];
}

Result<Uscc> ParseUscc(std::string_view text) {
  const std::string_view trimmed = TrimAscii(text);
  if (trimmed.empty()) return MakeError(ErrorCode::kInvalid, "uscc: is empty");
  CG_RETURN_IF_ERROR(CheckPrintableAscii("uscc", trimmed));
  if (trimmed.size() != 18) {
    return MakeError(ErrorCode::kInvalid,
                     "uscc: must be 18 characters, got " + std::to_string(trimmed.size()));
  }
  std::string t(trimmed);
  for (std::size_t i = 0; i < t.size(); ++i) {
    t[i] = Upper(t[i]);
    if (UsccCharValue(t[i]) < 0) {
      std::string msg = Pos(i) + " ";
      if (t[i] == ' ') {
        msg += "is a space";
      } else {
        msg += "'" + std::string(1, t[i]) + "' is not allowed";
      }
      if (t[i] == 'I' || t[i] == 'O' || t[i] == 'Z' || t[i] == 'S' || t[i] == 'V') {
        msg += " (the code set excludes I, O, Z, S and V)";
      } else {
        msg += " (only 0-9 and A-Y without I, O, S, V)";
      }
      return MakeError(ErrorCode::kInvalid, msg);
    }
  }
  if (UsccAuthorityName(t[0]) == nullptr) {
    return MakeError(ErrorCode::kInvalid, "uscc: character 1 '" + std::string(1, t[0]) +
                                              "' is not a registration authority code");
  }
  if (t[1] < '1' || t[1] > '9') {
    return MakeError(ErrorCode::kInvalid, "uscc: character 2 (organisation type) must be a digit "
                                          "1-9, got '" + std::string(1, t[1]) + "'");
  }
  for (std::size_t i = 2; i < 8; ++i) {
    if (!IsDigit(t[i])) {
      return MakeError(ErrorCode::kInvalid, Pos(i) + " (region code, characters 3-8) must be a "
                                            "digit, got '" + std::string(1, t[i]) + "'");
    }
  }
  const char org_expected = OrgCodeCheckChar(std::string_view(t).substr(8, 8));
  if (t[16] != org_expected) {
    return MakeError(ErrorCode::kInvalid,
                     std::string("uscc: organisation code check character (character 17) "
                                 "expected ") + org_expected + ", got " + t[16]);
  }
  const char expected = UsccCheckChar(std::string_view(t).substr(0, 17));
  if (t[17] != expected) {
    return MakeError(ErrorCode::kInvalid,
                     std::string("uscc: check character (character 18) expected ") + expected +
                         ", got " + t[17]);
  }
  Uscc u;
  u.authority = t[0];
  u.type = t[1];
  u.region = t.substr(2, 6);
  u.org_code = t.substr(8, 9);
  u.text = std::move(t);
  return u;
}

std::string MakeUscc(char authority, char type, std::string_view region6, std::string_view org_body8) {
  if (UsccAuthorityName(authority) == nullptr) Fatal("MakeUscc: unknown authority code");
  if (type < '1' || type > '9') Fatal("MakeUscc: type must be a digit 1-9");
  if (region6.size() != 6) Fatal("MakeUscc: region must be 6 digits");
  for (char c : region6) {
    if (!IsDigit(c)) Fatal("MakeUscc: region must be 6 digits");
  }
  if (org_body8.size() != 8) Fatal("MakeUscc: organisation code body must be 8 characters");
  for (char c : org_body8) {
    if (UsccCharValue(c) < 0) Fatal("MakeUscc: organisation code body outside the code set");
  }
  std::string s;
  s += authority;
  s += type;
  s += region6;
  s += org_body8;
  s += OrgCodeCheckChar(org_body8);
  s += UsccCheckChar(s);
  return s;
}

}  // namespace cg::model
