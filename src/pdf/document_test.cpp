#include "pdf/document.hpp"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "pdf/testing.hpp"

namespace cg::pdf {
namespace {

constexpr Timestamp kAt = 1'780'000'000'000;  // 2026-05-28

using testing::Poppler;

int Pages(const std::string& pdf) {
  const std::string info = Poppler("pdfinfo", pdf, false);
  const auto at = info.find("Pages:");
  return at == std::string::npos ? 0 : std::stoi(info.substr(at + 6));
}

std::size_t Count(const std::string& hay, const std::string& needle) {
  std::size_t n = 0;
  for (auto at = hay.find(needle); at != std::string::npos; at = hay.find(needle, at + 1)) ++n;
  return n;
}

Document Agreement() {
  Document d("人民调解协议书", kAt);
  d.Title("人民调解协议书");
  d.Subtitle("（2026）昆调字第 0042 号");
  d.Heading("当事人");
  d.Fields({{"申请人", "张建国，男，1962 年生，住金华社区 3 号楼"}, {"被申请人", "李秀英，女，1971 年生"}});
  d.Heading("纠纷事实");
  d.Paragraph("楼上卫生间漏水，致楼下顶棚受损。双方经调解自愿达成如下协议：");
  d.Table({"序号", "协议内容", "履行期限"}, {1, 6, 2},
          {{"1", "李秀英于十日内修复防水层并赔偿 1500 元", "2026-06-10"}, {"2", "张建国配合入户施工", "2026-06-05"}});
  d.Signatures({"申请人（签名）", "被申请人（签名）", "人民调解员（签名）"});
  return d;
}

TEST(PdfDocument, ChineseTextIsExtractable) {
  auto pdf = Agreement().Render();
  ASSERT_TRUE(pdf.ok()) << pdf.error().message;
  EXPECT_EQ(pdf->rfind("%PDF-", 0), 0u);
  const std::string text = Poppler("pdftotext", *pdf);
  for (const char* want : {"人民调解协议书", "张建国", "李秀英", "赔偿 1500 元", "人民调解员（签名）", "第1页"}) {
    EXPECT_NE(text.find(want), std::string::npos) << want << " not in:\n" << text;
  }
  EXPECT_EQ(Pages(*pdf), 1);
  const std::string info = Poppler("pdfinfo", *pdf, false);
  EXPECT_NE(info.find("人民调解协议书"), std::string::npos) << info;  // metadata title
  EXPECT_NE(info.find("citygrid"), std::string::npos) << info;
}

TEST(PdfDocument, EmbedsTheNotoCjkFonts) {
  auto pdf = Agreement().Render();
  ASSERT_TRUE(pdf.ok());
  const std::string fonts = Poppler("pdffonts", *pdf, false);
  EXPECT_NE(fonts.find("NotoSerifCJK"), std::string::npos) << fonts;
  EXPECT_NE(fonts.find("NotoSansCJK"), std::string::npos) << fonts;
}

TEST(PdfDocument, SameInputSameBytes) {
  auto a = Agreement().Render();
  auto b = Agreement().Render();
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(*a, *b);
}

TEST(PdfDocument, LongTextFlowsOverNumberedPages) {
  Document d("长文", kAt);
  d.Title("长文");
  std::string para;
  for (int i = 0; i < 400; ++i) para += "第" + std::to_string(i) + "句，居民议事协商。";
  d.Paragraph(para + "终句在此");
  auto pdf = d.Render();
  ASSERT_TRUE(pdf.ok());
  const int pages = Pages(*pdf);
  EXPECT_GE(pages, 3);
  const std::string text = Poppler("pdftotext", *pdf);
  EXPECT_NE(text.find("终句在此"), std::string::npos);
  EXPECT_NE(text.find("第" + std::to_string(pages) + "页"), std::string::npos);
}

TEST(PdfDocument, TableHeaderRepeatsOnEachPage) {
  Document d("服务时长", kAt);
  std::vector<std::vector<std::string>> rows;
  for (int i = 0; i < 150; ++i) rows.push_back({std::to_string(i + 1), "活动" + std::to_string(i), "2.5"});
  Document plain = d;
  plain.Table({"序号", "活动名称", "服务时长"}, {1, 5, 2}, rows);
  rows.push_back({"151", std::string(6000, 'x'), "1"});  // a huge cell is cut, not pages of x
  d.Table({"序号", "活动名称", "服务时长"}, {1, 5, 2}, rows);
  auto pdf = d.Render();
  ASSERT_TRUE(pdf.ok());
  const int pages = Pages(*pdf);
  ASSERT_GE(pages, 3);
  const std::string text = Poppler("pdftotext", *pdf);
  EXPECT_EQ(Count(text, "活动名称"), static_cast<std::size_t>(pages));
  EXPECT_NE(text.find("活动149"), std::string::npos);
  auto without = plain.Render();
  ASSERT_TRUE(without.ok());
  EXPECT_LE(pages, Pages(*without) + 1);
}

TEST(PdfDocument, HostileTextIsRefusedOrInert) {
  Document bad("t", kAt);
  bad.Paragraph(std::string("\xff\xfe broken", 9));
  auto r = bad.Render();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalid);

  Document odd("t", kAt);
  odd.Paragraph(std::string("bell\a tab\t nul") + '\0' + "end <b>not bold</b> &amp;");
  odd.Fields({{"", ""}});
  odd.Table({"a"}, {}, {});
  odd.Signatures({});
  auto ok = odd.Render();
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  const std::string text = Poppler("pdftotext", *ok);
  EXPECT_NE(text.find("<b>not bold</b> &amp;"), std::string::npos) << text;  // markup stays text
}

}  // namespace
}  // namespace cg::pdf
