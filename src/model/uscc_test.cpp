#include "model/uscc.hpp"

#include <gtest/gtest.h>

namespace cg::model {
namespace {

std::string ErrorOf(std::string_view text) {
  auto r = ParseUscc(text);
  if (r.ok()) return "";
  EXPECT_EQ(r.error().code, ErrorCode::kInvalid);
  return r.error().message;
}

// GB 32100-2015's example code, checked by hand.
//   Organisation code M000100Y4 (GB 11714, A=10 ... Z=35, weights 3 7 9 10 5 8 4 2):
//     M=22*3=66, 0, 0, 0, 1*5=5, 0, 0, Y=34*2=68; sum 139; 139 mod 11 = 7; 11-7 = 4 -> '4'.
//   Final check (code set values M=21, Y=30; weights 3^(i-1) mod 31 =
//   1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28):
//     9*1 + 1*3 + 3*9 + 5*27 + 0*19 + 1*26 + 0*16 + 0*17 + 21*20 + 0*29 + 0*25 + 0*13 + 1*8
//     + 0*24 + 0*10 + 30*30 + 4*28 = 1640; 1640 mod 31 = 28; 31-28 = 3 -> '3'.
TEST(UsccTest, StandardExample) {
  EXPECT_EQ(OrgCodeCheckChar("M000100Y"), '4');
  EXPECT_EQ(UsccCheckChar("91350100M000100Y4"), '3');
  auto u = ParseUscc("91350100M000100Y43");
  ASSERT_TRUE(u.ok()) << u.error().message;
  EXPECT_EQ(u->authority, '9');
  EXPECT_EQ(u->type, '1');
  EXPECT_EQ(u->region, "350100");
  EXPECT_EQ(u->org_code, "M000100Y4");
  EXPECT_STREQ(UsccAuthorityName(u->authority), "工商");
}

// Generated codes, with the generator's output checked by hand.
//   MakeUscc('5', '2', "150203", "12345678"):
//     org code: 1*3 + 2*7 + 3*9 + 4*10 + 5*5 + 6*8 + 7*4 + 8*2 = 201; 201 mod 11 = 3; 11-3 = 8.
//     final: 5*1 + 2*3 + 1*9 + 5*27 + 0*19 + 2*26 + 0*16 + 3*17 + 1*20 + 2*29 + 3*25 + 4*13
//            + 5*8 + 6*24 + 7*10 + 8*30 + 8*28 = 1181; 1181 mod 31 = 3; 31-3 = 28 -> 'W'.
//   MakeUscc('9', '1', "150203", "MA0QW8LT"):
//     org code (M=22 A=10 Q=26 W=32 L=21 T=29): 66 + 70 + 0 + 260 + 160 + 64 + 84 + 58 = 762;
//       762 mod 11 = 3; 11-3 = 8.
//     final (M=21 A=10 Q=24 W=28 L=20 T=26): 9 + 3 + 9 + 135 + 0 + 52 + 0 + 51 + 420 + 290 + 0
//       + 312 + 224 + 192 + 200 + 780 + 224 = 2901; 2901 mod 31 = 18; 31-18 = 13 -> 'D'.
TEST(UsccTest, GeneratorMatchesHandCalculation) {
  EXPECT_EQ(MakeUscc('5', '2', "150203", "12345678"), "52150203123456788W");
  EXPECT_EQ(MakeUscc('9', '1', "150203", "MA0QW8LT"), "91150203MA0QW8LT8D");
  EXPECT_EQ(MakeUscc('9', '1', "350100", "M000100Y"), "91350100M000100Y43");
  for (const char* code : {"52150203123456788W", "91150203MA0QW8LT8D"}) {
    EXPECT_TRUE(ParseUscc(code).ok()) << ErrorOf(code);
  }
}

TEST(UsccTest, GeneratedCodesParseBack) {
  const std::string_view set = "0123456789ABCDEFGHJKLMNPQRTUWXY";
  int zero_check = 0, x_org_check = 0;
  for (int i = 0; i < 2000; ++i) {
    std::string body;
    for (int k = 0; k < 8; ++k) body += set[(i * 7 + k * 13 + i / 31 * k) % 31];
    const char authority = "1359Y"[i % 5];
    const std::string code = MakeUscc(authority, static_cast<char>('1' + i % 3), "150203", body);
    auto u = ParseUscc(code);
    ASSERT_TRUE(u.ok()) << code << ": " << u.error().message;
    EXPECT_EQ(u->text, code);
    if (code[17] == '0') ++zero_check;
    if (code[16] == 'X') ++x_org_check;
  }
  EXPECT_GT(zero_check, 0);   // the "31 -> 0" branch
  EXPECT_GT(x_org_check, 0);  // the organisation code check "10 -> X" branch
}

TEST(UsccTest, EverySingleCharacterCorruptionIsRejected) {
  const std::string_view set = "0123456789ABCDEFGHJKLMNPQRTUWXYIOZSV -";
  for (const char* code : {"52150203123456788W", "91150203MA0QW8LT8D", "91350100M000100Y43"}) {
    for (std::size_t i = 0; i < 18; ++i) {
      for (char c : set) {
        if (c == code[i]) continue;
        std::string bad = code;
        bad[i] = c;
        EXPECT_FALSE(ParseUscc(bad).ok()) << bad;
      }
    }
  }
}

TEST(UsccTest, Messages) {
  EXPECT_EQ(ErrorOf(""), "uscc: is empty");
  EXPECT_EQ(ErrorOf("91350100M000100Y4"), "uscc: must be 18 characters, got 17");
  EXPECT_EQ(ErrorOf("91350100M000100Y44"),
            "uscc: check character (character 18) expected 3, got 4");
  EXPECT_EQ(ErrorOf("91350100M000100Y53"),
            "uscc: organisation code check character (character 17) expected 4, got 5");
  EXPECT_EQ(ErrorOf("91350100M0001O0Y43"),
            "uscc: character 14 'O' is not allowed (the code set excludes I, O, Z, S and V)");
  EXPECT_EQ(ErrorOf("B1350100M000100Y43"),
            "uscc: character 1 'B' is not a registration authority code");
  EXPECT_EQ(ErrorOf("9A350100M000100Y43"),
            "uscc: character 2 (organisation type) must be a digit 1-9, got 'A'");
  EXPECT_EQ(ErrorOf("913501A0M000100Y43"),
            "uscc: character 7 (region code, characters 3-8) must be a digit, got 'A'");
  EXPECT_EQ(ErrorOf("９1350100M000100Y43"),
            "uscc: character 1 is the full-width digit '９'; use the half-width (ASCII) digits 0-9");
}

TEST(UsccTest, LowerCaseAndWhitespaceNormalised) {
  auto u = ParseUscc(" 91350100m000100y43\n");
  ASSERT_TRUE(u.ok()) << u.error().message;
  EXPECT_EQ(u->text, "91350100M000100Y43");
}

}  // namespace
}  // namespace cg::model
