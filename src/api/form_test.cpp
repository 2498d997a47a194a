// The form parser and the XML escaper, and the fuzz corpus replayed (fuzz/corpus/open311_form).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "api/form.hpp"
#include "api/xml_writer.hpp"

namespace cg::api {
namespace {

TEST(Form, ParsesPairsPlusAndPercent) {
  auto f = ParseForm("a=1&b=x+y&attribute%5Bk%5D=%E4%B8%AD&empty=&flag&&c=%3D%26");
  ASSERT_TRUE(f.ok()) << f.error().message;
  EXPECT_EQ(f->find("a")->second, "1");
  EXPECT_EQ(f->find("b")->second, "x y");
  EXPECT_EQ(f->find("attribute[k]")->second, "中");
  EXPECT_EQ(f->find("empty")->second, "");
  EXPECT_EQ(f->find("flag")->second, "");
  EXPECT_EQ(f->find("c")->second, "=&");
  EXPECT_EQ(f->size(), 6u);
  EXPECT_TRUE(ParseForm("").ok());
}

TEST(Form, RejectsBadInput) {
  for (const char* bad : {"a=%", "a=%4", "a=%G1", "=x", "a=%00", "a=%C0%AF", "a=%ED%A0%80", "a=%FF"}) {
    EXPECT_FALSE(ParseForm(bad).ok()) << bad;
  }
  std::string many;
  for (int i = 0; i < 11; ++i) many += "a=1&";
  EXPECT_FALSE(ParseForm(many, 10).ok());
}

TEST(Xml, EscapesMarkupAndDropsControls) {
  EXPECT_EQ(XmlEscape("<a href=\"x\">'&'</a>\x01\tok"), "&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;\tok");
  XmlWriter w;
  w.Open("r").Element("d", "<x>").Open("e");
  EXPECT_EQ(w.Finish(), "<?xml version=\"1.0\" encoding=\"utf-8\"?><r><d>&lt;x&gt;</d><e></e></r>");
}

TEST(Form, FuzzCorpusReplays) {
  const auto dir = std::filesystem::path(CITYGRID_SOURCE_DIR) / "fuzz" / "corpus" / "open311_form";
  ASSERT_TRUE(std::filesystem::is_directory(dir));
  int n = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    std::ifstream in(e.path(), std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    auto r = ParseForm(ss.str());
    if (r.ok()) {
      for (const auto& [k, v] : *r) EXPECT_TRUE(IsValidUtf8(k) && IsValidUtf8(v));
    }
    ++n;
  }
  EXPECT_GT(n, 0);
}

}  // namespace
}  // namespace cg::api
