#pragma once
// Unified social credit codes (统一社会信用代码) per GB 32100-2015: 18 characters from the
// 31-character set 0-9 A-H J-N P-R T U W-Y (no I, O, Z, S, V):
//   1     registration authority (1 机构编制, 5 民政, 9 工商/市场监管, Y 其他, ...)
//   2     organisation type within that authority (a digit)
//   3-8   region code of the registering authority (GB/T 2260; 100000 for national level)
//   9-17  organisation code (GB 11714: 8 body characters + its own MOD 11 check character)
//   18    check character: weights 3^(i-1) mod 31, value 31 - (sum mod 31), 31 -> 0

#include <string>
#include <string_view>

#include "core/result.hpp"

namespace cg::model {

struct Uscc {
  std::string text;       // normalised: 18 upper-case characters
  char authority = '9';   // registration authority code
  char type = '1';        // organisation type code
  std::string region;     // 6 digits
  std::string org_code;   // 9 characters, GB 11714 (including its check character)
};

// Value of a character in the GB 32100 code set (0-9 -> 0-9, A -> 10, ..., Y -> 30), or -1.
int UsccCharValue(char c);
// Chinese name of a registration authority code ("工商" for '9'), or nullptr if unknown.
const char* UsccAuthorityName(char authority);

// GB 11714 check character ('0'-'9' or 'X') of an 8-character organisation code body of
// digits and upper-case letters (A = 10 ... Z = 35); asserts on other input.
char OrgCodeCheckChar(std::string_view body8);
// GB 32100 check character of the first 17 characters, all from the code set; asserts otherwise.
char UsccCheckChar(std::string_view first17);

// Parses and validates a code. Surrounding ASCII whitespace is ignored and lower-case letters
// are normalised to upper case. kInvalid names the position and what is wrong: length, a
// character outside the code set, unknown authority, non-digit type or region, or which check
// character (organisation code or final) was expected and found.
Result<Uscc> ParseUscc(std::string_view text);

// Builds a valid code for synthetic data, computing both check characters. `org_body8` is the
// organisation code without its check character, from the code set. Bad arguments abort.
std::string MakeUscc(char authority, char type, std::string_view region6, std::string_view org_body8);

}  // namespace cg::model
