#include "model/phone.hpp"

#include "model/id_number.hpp"

namespace cg::model {

Result<std::string> ParseMobilePhone(std::string_view text) {
  const std::string_view t = TrimAscii(text);
  if (t.empty()) return MakeError(ErrorCode::kInvalid, "phone: is empty");
  CG_RETURN_IF_ERROR(CheckPrintableAscii("phone", t));
  std::string digits;
  bool plus = false;
  for (std::size_t i = 0; i < t.size(); ++i) {
    const char c = t[i];
    if (c >= '0' && c <= '9') {
      digits += c;
    } else if (c == ' ' || c == '-') {
      continue;
    } else if (c == '+' && i == 0) {
      if (!t.substr(1).starts_with("86")) {
        return MakeError(ErrorCode::kInvalid,
                         "phone: only the +86 country prefix is accepted (mainland mobile numbers)");
      }
      plus = true;
    } else {
      return MakeError(ErrorCode::kInvalid, "phone: character " + std::to_string(i + 1) + " '" +
                                                std::string(1, c) +
                                                "' is not allowed (digits, spaces, hyphens and a "
                                                "leading + only)");
    }
  }
  std::string_view d = digits;
  if (plus) {
    d.remove_prefix(2);
  } else if (d.size() == 15 && d.starts_with("0086")) {
    d.remove_prefix(4);
  } else if (d.size() == 13 && d.starts_with("86")) {
    d.remove_prefix(2);
  }
  if (d.size() != 11) {
    return MakeError(ErrorCode::kInvalid, "phone: a mobile number has 11 digits, got " +
                                              std::to_string(d.size()));
  }
  if (d[0] != '1' || d[1] < '3') {
    return MakeError(ErrorCode::kInvalid, "phone: a mobile number starts with 13-19, got " +
                                              std::string(d.substr(0, 2)));
  }
  return std::string(d);
}

}  // namespace cg::model
