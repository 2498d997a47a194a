#include "model/phone.hpp"

#include <gtest/gtest.h>

namespace cg::model {
namespace {

std::string ErrorOf(std::string_view text) {
  auto r = ParseMobilePhone(text);
  if (r.ok()) return "";
  EXPECT_EQ(r.error().code, ErrorCode::kInvalid);
  return r.error().message;
}

TEST(PhoneTest, Normalises) {
  for (const char* text : {"13800138000", "138 0013 8000", "138-0013-8000", "+86 138 0013 8000",
                           "+8613800138000", "8613800138000", "0086 13800138000",
                           "  13800138000\t", "+86-138-0013-8000"}) {
    auto r = ParseMobilePhone(text);
    ASSERT_TRUE(r.ok()) << text << ": " << r.error().message;
    EXPECT_EQ(*r, "13800138000") << text;
  }
  for (const char* text : {"13012345678", "14512345678", "15912345678", "16612345678",
                           "17712345678", "18812345678", "19912345678"}) {
    EXPECT_TRUE(ParseMobilePhone(text).ok()) << text;
  }
}

TEST(PhoneTest, Rejects) {
  EXPECT_EQ(ErrorOf(""), "phone: is empty");
  EXPECT_EQ(ErrorOf("1380013800"), "phone: a mobile number has 11 digits, got 10");
  EXPECT_EQ(ErrorOf("138001380001"), "phone: a mobile number has 11 digits, got 12");
  EXPECT_EQ(ErrorOf("12800138000"), "phone: a mobile number starts with 13-19, got 12");
  EXPECT_EQ(ErrorOf("23800138000"), "phone: a mobile number starts with 13-19, got 23");
  // A landline (Baotou area code 0472) is not a mobile number.
  EXPECT_EQ(ErrorOf("0472-1234567"), "phone: a mobile number starts with 13-19, got 04");
  EXPECT_EQ(ErrorOf("+1 415 555 0100"),
            "phone: only the +86 country prefix is accepted (mainland mobile numbers)");
  EXPECT_EQ(ErrorOf("+86 138001380"), "phone: a mobile number has 11 digits, got 9");
  EXPECT_EQ(ErrorOf("138(0013)8000"),
            "phone: character 4 '(' is not allowed (digits, spaces, hyphens and a leading + only)");
  EXPECT_EQ(ErrorOf("138+00138000"),
            "phone: character 4 '+' is not allowed (digits, spaces, hyphens and a leading + only)");
  EXPECT_EQ(ErrorOf("１３８００１３８０００"),
            "phone: character 1 is the full-width digit '１'; use the half-width (ASCII) digits 0-9");
}

}  // namespace
}  // namespace cg::model
