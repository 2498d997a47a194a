// The multipart/form-data parser: framing, headers, limits, hostile variants, and the fuzz
// corpus replayed (fuzz/corpus/multipart).
#include "api/multipart.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace cg::api {
namespace {

const std::string kB = "----cgBoundary7MA4YWxk";

std::string Part(const std::string& disposition, const std::string& content, const std::string& type = "") {
  std::string s = "--" + kB + "\r\nContent-Disposition: " + disposition + "\r\n";
  if (!type.empty()) s += "Content-Type: " + type + "\r\n";
  return s + "\r\n" + content + "\r\n";
}
std::string Close() { return "--" + kB + "--\r\n"; }

TEST(Multipart, BoundaryFromContentType) {
  EXPECT_EQ(*MultipartBoundary("multipart/form-data; boundary=" + kB), kB);
  EXPECT_EQ(*MultipartBoundary("Multipart/Form-Data;boundary=\"a b:c\""), "a b:c");
  EXPECT_EQ(*MultipartBoundary("multipart/form-data; charset=utf-8; BOUNDARY=x"), "x");
  EXPECT_TRUE(IsMultipartFormData(" multipart/form-data ; boundary=x"));
  EXPECT_FALSE(IsMultipartFormData("multipart/mixed; boundary=x"));
  for (const char* bad : {"multipart/form-data", "multipart/form-data; boundary=", "multipart/form-data; boundary=\"\"",
                          "application/json; boundary=x", "multipart/form-data; boundary=\"x ",
                          "multipart/form-data; boundary=\"ends with space \"",
                          "multipart/form-data; boundary=\"a<b\"", "multipart/form-data; boundary=x; boundary=y",
                          "multipart/form-data; boundary"}) {
    EXPECT_FALSE(MultipartBoundary(bad).ok()) << bad;
  }
  EXPECT_FALSE(MultipartBoundary("multipart/form-data; boundary=" + std::string(71, 'a')).ok());
  EXPECT_TRUE(MultipartBoundary("multipart/form-data; boundary=" + std::string(70, 'a')).ok());
}

TEST(Multipart, ParsesFieldsAndFiles) {
  std::string jpeg("\xFF\xD8\xFF\xE0\r\n--not-the-boundary\r\n\0binary", 34);
  std::string body = "preamble is ignored\r\n" + Part("form-data; name=\"category\"", "garbage") +
                     Part("form-data; name=\"description\"", "两行\r\n文字") +
                     Part("form-data; name=\"photo\"; filename=\"IMG 1.txt\"", jpeg, "Text/Plain; charset=x") +
                     Part("form-data; name=empty", "") + Close() + "epilogue";
  auto parts = ParseMultipart(body, kB);
  ASSERT_TRUE(parts.ok()) << parts.error().message;
  ASSERT_EQ(parts->size(), 4u);
  EXPECT_EQ((*parts)[0].name, "category");
  EXPECT_EQ((*parts)[0].data, "garbage");
  EXPECT_FALSE((*parts)[0].filename);
  EXPECT_EQ((*parts)[1].data, "两行\r\n文字");
  EXPECT_EQ((*parts)[2].name, "photo");
  EXPECT_EQ((*parts)[2].filename.value_or(""), "IMG 1.txt");
  EXPECT_EQ((*parts)[2].content_type, "text/plain");
  EXPECT_EQ((*parts)[2].data, jpeg);
  EXPECT_EQ((*parts)[2].index, 2u);
  EXPECT_EQ((*parts)[3].name, "empty");
  EXPECT_EQ((*parts)[3].data, "");
}

TEST(Multipart, QuotedParametersAndPadding) {
  std::string body = "--" + kB + " \t\r\ncontent-disposition:form-data;NAME=\"a\\\"b\";filename=\"C:\\\\x.jpg\"; "
                     "filename*=UTF-8''evil\r\nX-Other: ignored\r\n\r\nv\r\n" + Close();
  auto parts = ParseMultipart(body, kB);
  ASSERT_TRUE(parts.ok()) << parts.error().message;
  ASSERT_EQ(parts->size(), 1u);
  EXPECT_EQ((*parts)[0].name, "a\"b");
  EXPECT_EQ((*parts)[0].filename.value_or(""), "C:\\x.jpg");
  // An empty body with only the closing delimiter has no parts.
  auto none = ParseMultipart(Close(), kB);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
}

TEST(Multipart, RefusesMalformedBodies) {
  const std::string ok_part = Part("form-data; name=\"a\"", "1");
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"no delimiter", "just text"},
      {"unterminated", ok_part},
      {"unterminated content", "--" + kB + "\r\nContent-Disposition: form-data; name=a\r\n\r\nabc"},
      {"no CRLF after delimiter", "--" + kB + "xContent-Disposition: form-data; name=a\r\n\r\n1\r\n" + Close()},
      {"bare LF framing", "--" + kB + "\nContent-Disposition: form-data; name=a\n\n1\n--" + kB + "--\n"},
      {"bare LF in header", "--" + kB + "\r\nContent-Disposition: form-data; name=a\nX: y\r\n\r\n1\r\n" + Close()},
      {"no disposition", "--" + kB + "\r\nContent-Type: text/plain\r\n\r\n1\r\n" + Close()},
      {"no headers", "--" + kB + "\r\n\r\n1\r\n" + Close()},
      {"not form-data", Part("attachment; name=\"a\"", "1") + Close()},
      {"no name", Part("form-data; filename=\"a.jpg\"", "1") + Close()},
      {"empty name", Part("form-data; name=\"\"", "1") + Close()},
      {"unterminated quote", Part("form-data; name=\"a", "1") + Close()},
      {"junk after param", Part("form-data; name=\"a\" junk", "1") + Close()},
      {"duplicate param", Part("form-data; name=a; name=b", "1") + Close()},
      {"two dispositions", "--" + kB + "\r\nContent-Disposition: form-data; name=a\r\nContent-Disposition: "
                           "form-data; name=b\r\n\r\n1\r\n" + Close()},
      {"folded header", "--" + kB + "\r\nContent-Disposition: form-data;\r\n name=a\r\n\r\n1\r\n" + Close()},
      {"no colon", "--" + kB + "\r\nContent-Disposition form-data; name=a\r\n\r\n1\r\n" + Close()},
      {"NUL in header", "--" + kB + "\r\nContent-Disposition: form-data; name=a" + std::string(1, '\0') +
                            "\r\n\r\n1\r\n" + Close()},
      {"invalid UTF-8 name", Part("form-data; name=\"\xC0\xAF\"", "1") + Close()},
      {"boundary in content", "--" + kB + "\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n--" + kB + "X\r\n"},
  };
  for (const auto& [what, body] : bad) {
    auto r = ParseMultipart(body, kB);
    ASSERT_FALSE(r.ok()) << what;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalid) << what << ": " << r.error().message;
    EXPECT_EQ(r.error().message.rfind("multipart: ", 0), 0u) << r.error().message;
  }
}

TEST(Multipart, EnforcesLimits) {
  MultipartLimits limits;
  limits.max_parts = 10;
  limits.max_part_bytes = 100;
  limits.max_header_bytes = 200;
  limits.max_headers = 3;
  std::string many;
  for (int i = 0; i < 1000; ++i) many += Part("form-data; name=\"f" + std::to_string(i) + "\"", "x");
  auto r = ParseMultipart(many + Close(), kB, limits);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kTooLarge);
  EXPECT_NE(r.error().message.find("more than 10 parts"), std::string::npos);

  r = ParseMultipart(Part("form-data; name=\"photo\"", std::string(101, 'x')) + Close(), kB, limits);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kTooLarge);
  EXPECT_NE(r.error().message.find("part 1 ('photo')"), std::string::npos) << r.error().message;
  EXPECT_TRUE(ParseMultipart(Part("form-data; name=\"photo\"", std::string(100, 'x')) + Close(), kB, limits).ok());
  // An unterminated part longer than the limit is "too large", not "unterminated".
  r = ParseMultipart("--" + kB + "\r\nContent-Disposition: form-data; name=a\r\n\r\n" + std::string(1000, 'x'), kB, limits);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kTooLarge);

  std::string huge_header = "--" + kB + "\r\nContent-Disposition: form-data; name=\"" + std::string(100000, 'a') +
                            "\"\r\n\r\n1\r\n" + Close();
  r = ParseMultipart(huge_header, kB, limits);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kTooLarge);
  std::string many_headers = "--" + kB + "\r\nContent-Disposition: form-data; name=a\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n1\r\n" + Close();
  r = ParseMultipart(many_headers, kB, limits);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kTooLarge);
}

TEST(Multipart, FuzzCorpusReplays) {
  const auto dir = std::filesystem::path(CITYGRID_SOURCE_DIR) / "fuzz" / "corpus" / "multipart";
  ASSERT_TRUE(std::filesystem::is_directory(dir));
  int n = 0, parsed = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    std::ifstream in(e.path(), std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    std::string input = ss.str();
    // The harness's layout: the first line is the Content-Type, the rest the body.
    auto nl = input.find('\n');
    if (nl == std::string::npos) continue;
    auto boundary = MultipartBoundary(input.substr(0, nl));
    if (!boundary.ok()) continue;
    std::string_view body(input);
    body.remove_prefix(nl + 1);
    auto r = ParseMultipart(body, *boundary);
    if (r.ok()) {
      ++parsed;
      for (const auto& p : *r) {
        EXPECT_FALSE(p.name.empty());
        EXPECT_GE(p.data.data(), body.data());
        EXPECT_LE(p.data.data() + p.data.size(), body.data() + body.size());
      }
    }
    ++n;
  }
  EXPECT_GT(n, 0);
  EXPECT_GT(parsed, 0);
}

}  // namespace
}  // namespace cg::api
