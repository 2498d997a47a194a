#include "model/id_number.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "model/masking.hpp"
#include "model/phone.hpp"
#include "model/uscc.hpp"

namespace cg::model {
namespace {

constexpr Date kToday{2026, 11, 24};

std::string ErrorOf(std::string_view text, Date today = kToday) {
  auto r = ParseResidentId(text, today);
  if (r.ok()) return "";
  EXPECT_EQ(r.error().code, ErrorCode::kInvalid);
  return r.error().message;
}

TEST(DateTest, LeapYearsAndValidity) {
  EXPECT_TRUE(IsLeapYear(2000));
  EXPECT_FALSE(IsLeapYear(1900));
  EXPECT_TRUE(IsLeapYear(2024));
  EXPECT_FALSE(IsLeapYear(2023));
  EXPECT_TRUE(IsValidDate(2024, 2, 29));
  EXPECT_FALSE(IsValidDate(2023, 2, 29));
  EXPECT_FALSE(IsValidDate(2023, 4, 31));
  EXPECT_FALSE(IsValidDate(2023, 13, 1));
  EXPECT_FALSE(IsValidDate(2023, 0, 1));
  EXPECT_FALSE(IsValidDate(2023, 1, 0));
}

TEST(DateTest, ParseFormatCompare) {
  auto d = ParseDate("2024-02-29");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(*d, (Date{2024, 2, 29}));
  EXPECT_EQ(FormatDate(*d), "2024-02-29");
  EXPECT_EQ(FormatDate(Date{987, 3, 4}), "0987-03-04");
  EXPECT_NE(ParseDate("2023-02-29").error().message.find("not a leap year"), std::string::npos);
  EXPECT_FALSE(ParseDate("2023-2-28").ok());
  EXPECT_FALSE(ParseDate("2023/02/28").ok());
  EXPECT_FALSE(ParseDate("").ok());
  EXPECT_FALSE(ParseDate("2023-02-28 ").ok());
  EXPECT_LT((Date{2023, 12, 31}), (Date{2024, 1, 1}));
  EXPECT_LT((Date{2024, 1, 31}), (Date{2024, 2, 1}));
  EXPECT_GT((Date{2024, 2, 2}), (Date{2024, 2, 1}));
}

TEST(DateTest, AgeAt) {
  EXPECT_EQ(AgeAt({1946, 11, 24}, kToday), 80);
  EXPECT_EQ(AgeAt({1946, 11, 25}, kToday), 79);
  EXPECT_EQ(AgeAt({2000, 2, 29}, {2023, 2, 28}), 22);
  EXPECT_EQ(AgeAt({2000, 2, 29}, {2023, 3, 1}), 23);
  EXPECT_EQ(AgeAt({2000, 2, 29}, {2024, 2, 29}), 24);
  EXPECT_EQ(AgeAt(kToday, kToday), 0);
}

TEST(DateTest, DaysAndTimestamps) {
  EXPECT_EQ(DaysSinceEpoch({1970, 1, 1}), 0);
  EXPECT_EQ(DaysSinceEpoch({2000, 3, 1}), 11017);
  EXPECT_EQ(DaysSinceEpoch({1969, 12, 31}), -1);
  for (std::int64_t d = -800000; d < 800000; d += 997) {
    EXPECT_EQ(DaysSinceEpoch(DateFromDays(d)), d);
  }
  // 2026-01-01T00:00:00Z is 08:00 in Beijing, and 2025-12-31T20:00:00Z is already 1 January there.
  EXPECT_EQ(DateAt(1'767'225'600'000), (Date{2026, 1, 1}));
  EXPECT_EQ(DateAt(1'767'225'600'000 - 4 * 3'600'000), (Date{2026, 1, 1}));
  EXPECT_EQ(DateAt(1'767'225'600'000 - 4 * 3'600'000, 0), (Date{2025, 12, 31}));
  EXPECT_EQ(DateAt(-1, 0), (Date{1969, 12, 31}));
}

// Two numbers from GB 11643-1999's own examples, checked by hand:
//   11010519491231002X: digits 1 1 0 1 0 5 1 9 4 9 1 2 3 1 0 0 2, weights 2^(18-i) mod 11 =
//   7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2; products 7 9 0 5 0 20 2 9 24 27 7 18 30 5 0 0 4, sum 167,
//   167 mod 11 = 2 -> check "X" (table 1 0 X 9 8 7 6 5 4 3 2).
//   440524188001010014: products 28 36 0 25 16 16 2 8 48 0 0 9 0 5 0 0 2, sum 195,
//   195 mod 11 = 8 -> check "4".
TEST(ResidentIdTest, StandardExamples) {
  EXPECT_EQ(ResidentIdCheckChar("11010519491231002"), 'X');
  EXPECT_EQ(ResidentIdCheckChar("44052418800101001"), '4');
  auto a = ParseResidentId("11010519491231002X", kToday);
  ASSERT_TRUE(a.ok()) << a.error().message;
  EXPECT_EQ(a->region, "110105");
  EXPECT_EQ(a->birth_date, (Date{1949, 12, 31}));
  EXPECT_EQ(a->sequence, "002");
  EXPECT_EQ(a->sex, Sex::kFemale);
  auto b = ParseResidentId("440524188001010014", kToday);
  ASSERT_TRUE(b.ok()) << b.error().message;
  EXPECT_EQ(b->birth_date, (Date{1880, 1, 1}));
  EXPECT_EQ(b->sex, Sex::kMale);
  EXPECT_STREQ(SexName(b->sex), "male");
}

TEST(ResidentIdTest, GeneratedNumbersParseBack) {
  const char* regions[] = {"150203", "150204", "150205", "110101", "650102", "810000", "820000",
                           "710000", "830000", "540102"};
  int n = 0;
  for (const char* region : regions) {
    for (int seq = 0; seq < 1000; seq += 37) {
      const Date birth{1930 + seq % 90, 1 + seq % 12, 1 + seq % 28};
      const std::string id = MakeResidentId(region, birth, seq);
      ASSERT_EQ(id.size(), 18u);
      auto r = ParseResidentId(id, kToday);
      ASSERT_TRUE(r.ok()) << id << ": " << r.error().message;
      EXPECT_EQ(r->text, id);
      EXPECT_EQ(r->region, region);
      EXPECT_EQ(r->birth_date, birth);
      EXPECT_EQ(r->sex, seq % 2 == 1 ? Sex::kMale : Sex::kFemale);
      ++n;
    }
  }
  EXPECT_EQ(n, 280);  // 10 regions x 28 sequences
}

TEST(ResidentIdTest, CheckCharacterX) {
  // Find generated numbers whose check character is X and exercise upper and lower case.
  int found = 0;
  for (int seq = 0; seq < 1000 && found < 5; ++seq) {
    const std::string id = MakeResidentId("150203", {1985, 6, 15}, seq);
    if (id.back() != 'X') continue;
    ++found;
    std::string lower = id;
    lower.back() = 'x';
    auto r = ParseResidentId(lower, kToday);
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->text, id);  // normalised to upper case
    EXPECT_EQ(r->text.back(), 'X');
    std::string zero = id;
    zero.back() = '0';
    EXPECT_EQ(ErrorOf(zero), "id_number: check digit expected X, got 0");
  }
  EXPECT_EQ(found, 5);
}

TEST(ResidentIdTest, EverySingleCharacterCorruptionIsRejected) {
  const std::string replacements = "0123456789Xx A-/.";
  int tried = 0;
  for (int seq : {1, 2, 17, 450, 999}) {
    for (Date birth : {Date{1950, 3, 1}, Date{2000, 2, 29}, Date{2019, 12, 31}}) {
      const std::string id = MakeResidentId("150203", birth, seq);
      ASSERT_TRUE(ParseResidentId(id, kToday).ok());
      for (std::size_t i = 0; i < id.size(); ++i) {
        for (char c : replacements) {
          if (c == id[i] || (i == 17 && (c == 'x' || c == 'X') && id[i] == 'X')) continue;
          std::string bad = id;
          bad[i] = c;
          EXPECT_FALSE(ParseResidentId(bad, kToday).ok()) << bad;
          ++tried;
        }
      }
      // Adjacent transpositions are caught as well (MOD 11-2 weights of neighbours differ).
      for (std::size_t i = 0; i + 1 < id.size(); ++i) {
        if (id[i] == id[i + 1]) continue;
        std::string bad = id;
        std::swap(bad[i], bad[i + 1]);
        EXPECT_FALSE(ParseResidentId(bad, kToday).ok()) << bad;
      }
    }
  }
  EXPECT_GT(tried, 4000);
}

TEST(ResidentIdTest, LeapDays) {
  EXPECT_TRUE(ParseResidentId(MakeResidentId("150203", {2000, 2, 29}, 11), kToday).ok());
  EXPECT_TRUE(ParseResidentId(MakeResidentId("150203", {2024, 2, 29}, 12), kToday).ok());
  // 1900 and 2023 are not leap years: build the text by hand with a correct check digit.
  for (std::string first17 : {"15020319000229011", "15020320230229011", "15020320230230011"}) {
    const std::string id = first17 + ResidentIdCheckChar(first17);
    EXPECT_NE(ErrorOf(id).find("impossible birth date"), std::string::npos) << ErrorOf(id);
  }
  EXPECT_EQ(ErrorOf(std::string("15020319000229011") + ResidentIdCheckChar("15020319000229011")),
            "id_number: impossible birth date 1900-02-29 (characters 7-14): 1900 is not a leap year");
  const std::string month13 = std::string("15020319901301011") + ResidentIdCheckChar("15020319901301011");
  EXPECT_EQ(ErrorOf(month13), "id_number: impossible birth date 1990-13-01 (characters 7-14)");
  const std::string old = std::string("15020318000101011") + ResidentIdCheckChar("15020318000101011");
  EXPECT_NE(ErrorOf(old).find("before 1850"), std::string::npos);
}

TEST(ResidentIdTest, FutureBirthDate) {
  const std::string tomorrow = MakeResidentId("150203", {2026, 11, 25}, 1);
  EXPECT_EQ(ErrorOf(tomorrow),
            "id_number: birth date 2026-11-25 is in the future (today is 2026-11-24)");
  EXPECT_TRUE(ParseResidentId(tomorrow, Date{2026, 11, 25}).ok());
  EXPECT_TRUE(ParseResidentId(MakeResidentId("150203", kToday, 1), kToday).ok());
}

TEST(ResidentIdTest, WhitespaceAndLength) {
  const std::string id = MakeResidentId("150203", {1990, 5, 20}, 123);
  auto r = ParseResidentId("  " + id + "\t\n", kToday);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->text, id);
  EXPECT_EQ(ErrorOf(id.substr(0, 6) + " " + id.substr(6)), "id_number: must be 18 characters, got 19");
  std::string inner = id;
  inner[6] = ' ';
  EXPECT_EQ(ErrorOf(inner), "id_number: character 7 must be a digit, got a space");
  EXPECT_EQ(ErrorOf(""), "id_number: is empty");
  EXPECT_EQ(ErrorOf("   "), "id_number: is empty");
  EXPECT_EQ(ErrorOf(id.substr(0, 17)), "id_number: must be 18 characters, got 17");
  EXPECT_EQ(ErrorOf("150203900520123"),
            "id_number: must be 18 characters, got 15 (15-digit first-generation numbers are not "
            "accepted)");
  EXPECT_EQ(ErrorOf(id.substr(0, 17) + "A"),
            "id_number: character 18 (the check character) must be a digit or X, got 'A'");
  std::string tab = id;
  tab[3] = '\t';
  EXPECT_EQ(ErrorOf(tab), "id_number: character 4 is a control character (0x09)");
}

TEST(ResidentIdTest, FullWidthAndNonAscii) {
  // "１５０２０３..." typed with a Chinese input method in full-width mode.
  const std::string full = "１５０２０３１９９００５２０１２３４";
  EXPECT_EQ(ErrorOf(full),
            "id_number: character 1 is the full-width digit '１'; use the half-width (ASCII) "
            "digits 0-9");
  const std::string id = MakeResidentId("150203", {1990, 5, 20}, 123);
  EXPECT_EQ(ErrorOf(id.substr(0, 10) + "０" + id.substr(11)),
            "id_number: character 11 is the full-width digit '０'; use the half-width (ASCII) "
            "digits 0-9");
  EXPECT_EQ(ErrorOf(id.substr(0, 17) + "Ｘ"),
            "id_number: character 18 is the full-width letter 'Ｘ'; use half-width (ASCII) letters");
  EXPECT_EQ(ErrorOf("身份证" + id), "id_number: character 1 ('身') is not an ASCII character");
  EXPECT_EQ(ErrorOf(id.substr(0, 5) + "\xff" + id.substr(6)),
            "id_number: character 6 is not valid UTF-8");
  EXPECT_EQ(ErrorOf(id.substr(0, 5) + "\xe3\x80\x80" + id.substr(6)),
            "id_number: character 6 is a full-width space");
}

TEST(ResidentIdTest, Regions) {
  EXPECT_EQ(ErrorOf(MakeResidentId("990101", {1990, 1, 1}, 1)),
            "id_number: unknown region: '99' (characters 1-2) is not a GB/T 2260 province code");
  EXPECT_FALSE(ParseResidentId(MakeResidentId("100000", {1990, 1, 1}, 1), kToday).ok());
  EXPECT_FALSE(ParseResidentId(MakeResidentId("660000", {1990, 1, 1}, 1), kToday).ok());
  EXPECT_FALSE(ParseResidentId(MakeResidentId("840000", {1990, 1, 1}, 1), kToday).ok());
  for (int p : {11, 15, 23, 37, 46, 50, 54, 65, 71, 81, 82}) EXPECT_TRUE(IsProvinceCode(p)) << p;
  for (int p : {0, 10, 16, 20, 24, 38, 47, 49, 55, 60, 66, 70, 72, 80, 84, 99}) {
    EXPECT_FALSE(IsProvinceCode(p)) << p;
  }
}

TEST(ResidentIdTest, MessagesNeverEchoTheNumber) {
  const std::string id = MakeResidentId("150203", {1990, 5, 20}, 123);
  std::string bad = id;
  bad[17] = bad[17] == '1' ? '2' : '1';
  const std::string msg = ErrorOf(bad);
  EXPECT_EQ(msg.find(id.substr(0, 10)), std::string::npos) << msg;
}

TEST(MaskingTest, ResidentIdAndPhone) {
  EXPECT_EQ(MaskResidentId("150203199005201234"), "150203********1234");
  EXPECT_EQ(MaskResidentId("15020319900520123X"), "150203********123X");
  EXPECT_EQ(MaskResidentId("1502031990"), "**********");
  EXPECT_EQ(MaskResidentId(""), "");
  EXPECT_EQ(MaskPhone("13812345678"), "138****5678");
  EXPECT_EQ(MaskPhone("1381234567"), "**********");
}

// Replays the fuzz corpus (seeds and any crash the fuzzer found) through every parser.
TEST(FuzzCorpusTest, Replays) {
  const std::filesystem::path dir = "fuzz/corpus/id_number";
  ASSERT_TRUE(std::filesystem::is_directory(dir));
  int n = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream buf;
    buf << in.rdbuf();
    const std::string text = buf.str();
    auto id = ParseResidentId(text, kToday);
    if (id.ok()) {
      EXPECT_EQ(MaskResidentId(id->text).substr(6, 8), "********");
    }
    (void)ParseUscc(text).ok();
    (void)ParseMobilePhone(text).ok();
    (void)ParseDate(text).ok();
    ++n;
  }
  EXPECT_GE(n, 6);
}

}  // namespace
}  // namespace cg::model
