#include "cases/officials.hpp"

#include <gtest/gtest.h>

#include "cases/test_util.hpp"

namespace cg::cases {
namespace {

TEST(OfficialsTest, ShippedFileLoads) {
  auto list = LoadOfficials(test::DataDir("officials.toml"));
  ASSERT_TRUE(list.ok()) << list.error().message;
  ASSERT_GE(list->size(), 1u);
  bool mayor = false;
  for (const auto& o : *list) mayor = mayor || (o.username == "wdz_mayor" && o.title.zh == "五当召镇镇长");
  EXPECT_TRUE(mayor);
}

TEST(OfficialsTest, MissingFileIsAnEmptyList) {
  auto list = LoadOfficials(test::DataDir("no-such-officials.toml"));
  ASSERT_TRUE(list.ok());
  EXPECT_TRUE(list->empty());
}

TEST(OfficialsTest, EnglishTitleDefaultsToChinese) {
  auto list = ParseOfficials("[[officials]]\nusername = \"a\"\ntitle = \"镇长\"\n", "x.toml");
  ASSERT_TRUE(list.ok()) << list.error().message;
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].title.en, "镇长");
}

TEST(OfficialsTest, BadFilesNameFileAndLine) {
  struct Case {
    const char* text;
    const char* error;
  } cases[] = {
      {"[[officials]]\nusername = \"a\"\n", "x.toml:1: official 'a' needs a 'title'"},
      {"[[officials]]\ntitle = \"t\"\n", "x.toml:1: official needs a 'username'"},
      {"[[officials]]\nusername = \"a\"\ntitle = \"t\"\nrank = \"x\"\n", "x.toml:4: unknown key 'rank' in official"},
      {"[[officials]]\nusername = 3\ntitle = \"t\"\n", "x.toml:2: 'username' must be a string"},
      {"[[officials]]\nusername = \"a\"\ntitle = \"t\"\n[[officials]]\nusername = \"a\"\ntitle = \"u\"\n",
       "x.toml:4: duplicate official 'a'"},
      {"officials = 1\n", "x.toml:1: 'officials' must be an array of tables [[officials]]"},
      {"mayor = \"a\"\n", "x.toml:1: unknown key 'mayor'"},
      {"[[officials]\n", "x.toml:1: TOML syntax error"},
  };
  for (const auto& c : cases) {
    auto r = ParseOfficials(c.text, "x.toml");
    ASSERT_FALSE(r.ok()) << c.text;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalid);
    EXPECT_EQ(r.error().message.rfind(c.error, 0), 0u) << r.error().message;
  }
}

}  // namespace
}  // namespace cg::cases
