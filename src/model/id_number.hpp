#pragma once
// Resident identity numbers (公民身份号码) per GB 11643-1999: 6-digit region code (GB/T 2260),
// 8-digit birth date, 3-digit sequence (odd = male, even = female) and an ISO 7064 MOD 11-2
// check character (0-9 or X). Pure functions: "today" is a parameter, no clock is read.
// Error messages never repeat the whole number (it is personal data); they name the position
// and the character at fault.

#include <string>
#include <string_view>

#include "core/date.hpp"
#include "core/result.hpp"

namespace cg::model {

enum class Sex { kMale, kFemale };
const char* SexName(Sex sex);  // "male" or "female"

struct ResidentId {
  std::string text;    // normalised: 18 ASCII characters, check character upper-case
  std::string region;  // the full 6-digit region code as written (not checked beyond the province)
  Date birth_date;
  std::string sequence;  // the 3-digit sequence code (positions 15-17)
  Sex sex = Sex::kMale;  // from the 17th digit: odd male, even female
};

// True for the GB/T 2260 province-level codes 11-15, 21-23, 31-37, 41-46, 50-54, 61-65, 71
// (Taiwan), 81 (Hong Kong), 82 (Macao), and 83, which the residence permits for Taiwan
// residents (台湾居民居住证, numbers 830000...) use.
bool IsProvinceCode(int two_digits);

// The ISO 7064 MOD 11-2 check character ('0'-'9' or 'X') of 17 ASCII digits. The caller
// guarantees the precondition (it asserts).
char ResidentIdCheckChar(std::string_view first17);

// Parses and validates an ID number. Surrounding ASCII whitespace is ignored, a lower-case 'x'
// check character is accepted and normalised to 'X'. kInvalid with a message naming what is
// wrong: length, a character (full-width digits get their own hint), unknown province, a birth
// date that does not exist or lies after `today`, or the check digit expected and found.
Result<ResidentId> ParseResidentId(std::string_view text, Date today);

// Builds a valid ID number for synthetic data from a 6-digit region, a birth date and a
// sequence 0..999 (its parity is the sex), computing the check character. Bad arguments are
// a bug in the caller and abort.
std::string MakeResidentId(std::string_view region6, Date birth, int sequence3);

// Shared by the identifier parsers: Ok when `text` is printable ASCII; otherwise kInvalid
// "<field>: character N ..." describing the first offending character (full-width digits and
// letters, other non-ASCII text, control bytes), without echoing the rest of the input.
Status CheckPrintableAscii(std::string_view field, std::string_view text);

// `text` without leading and trailing ASCII whitespace.
std::string_view TrimAscii(std::string_view text);

}  // namespace cg::model
