// Tests for cg_tabular. Every input is built here: CSV strings, xlsx from our writer, and
// hand-built zips (libzip) for the hostile cases.
#include <gtest/gtest.h>
#include <iconv.h>
#include <zip.h>

#include <pugixml.hpp>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>

#include "tabular/csv.hpp"
#include "tabular/internal/ooxml.hpp"
#include "tabular/internal/zip_archive.hpp"
#include "tabular/xlsx.hpp"

namespace cg::tabular {
namespace {

using Cells = std::vector<std::string>;

Result<Table> Csv(std::string text, CsvOptions options = {}) {
  auto reader = OpenCsv(std::move(text), options);
  if (!reader.ok()) return reader.error();
  return ReadAll(**reader);
}

std::string Convert(const std::string& utf8, const char* to) {
  iconv_t cd = iconv_open(to, "UTF-8");
  EXPECT_NE(cd, reinterpret_cast<iconv_t>(-1));
  std::string in = utf8, out(utf8.size() * 4 + 16, '\0');
  char* ip = in.data();
  char* op = out.data();
  std::size_t il = in.size(), ol = out.size();
  EXPECT_NE(iconv(cd, &ip, &il, &op, &ol), static_cast<std::size_t>(-1));
  iconv_close(cd);
  out.resize(out.size() - ol);
  return out;
}

// --- CSV ------------------------------------------------------------------------------------

TEST(Csv, Rfc4180QuotesDoubledQuotesEmbeddedNewlinesAndCrlf) {
  auto t = Csv("name,note,n\r\n\"Li, Lei\",\"say \"\"hi\"\"\",1\r\n\"two\nlines\",x,2\r\nz,,3\r\n");
  ASSERT_TRUE(t.ok()) << t.error().message;
  EXPECT_EQ(t->header, (Cells{"name", "note", "n"}));
  ASSERT_EQ(t->rows.size(), 3u);
  EXPECT_EQ(t->rows[0], (Cells{"Li, Lei", "say \"hi\"", "1"}));
  EXPECT_EQ(t->rows[1], (Cells{"two\nlines", "x", "2"}));
  EXPECT_EQ(t->rows[2], (Cells{"z", "", "3"}));
  EXPECT_EQ(t->row_numbers, (std::vector<std::size_t>{2, 3, 5}));  // where each record starts
}

TEST(Csv, LfLineEndsBlankLinesAndNoFinalNewline) {
  auto t = Csv("a,b\n1,2\n\n3,4");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->rows, (std::vector<Cells>{{"1", "2"}, {"3", "4"}}));
  EXPECT_EQ(t->row_numbers, (std::vector<std::size_t>{2, 4}));
}

TEST(Csv, DetectsSemicolonTabAndComma) {
  auto semi = OpenCsv("a;b;c\n\"x;y\";2,5;3\n");
  ASSERT_TRUE(semi.ok());
  EXPECT_EQ((*semi)->delimiter(), ';');
  Row row;
  ASSERT_TRUE(*(*semi)->Next(row));
  EXPECT_EQ(row.cells, (Cells{"x;y", "2,5", "3"}));
  auto tab = OpenCsv("a\tb\n1\t2\n");
  ASSERT_TRUE(tab.ok());
  EXPECT_EQ((*tab)->delimiter(), '\t');
  auto comma = OpenCsv("only\n1\n");
  ASSERT_TRUE(comma.ok());
  EXPECT_EQ((*comma)->delimiter(), ',');
  auto sep = Csv("sep=|\na|b\n1|2\n");
  ASSERT_TRUE(sep.ok());
  EXPECT_EQ(sep->header, (Cells{"a", "b"}));
  EXPECT_EQ(sep->row_numbers, (std::vector<std::size_t>{3}));
}

TEST(Csv, Utf8WithAndWithoutBom) {
  for (std::string bom : {"", "\xEF\xBB\xBF"}) {
    auto reader = OpenCsv(bom + "姓名,地址\n张三,昆都仑区\n");
    ASSERT_TRUE(reader.ok());
    EXPECT_EQ((*reader)->encoding(), Encoding::kUtf8);
    EXPECT_EQ((*reader)->header(), (Cells{"姓名", "地址"}));
  }
}

TEST(Csv, Utf16LittleAndBigEndianWithBom) {
  std::string text = "姓名,年龄\r\n李四,30\r\n";
  auto le = OpenCsv("\xFF\xFE" + Convert(text, "UTF-16LE"));
  ASSERT_TRUE(le.ok()) << le.error().message;
  EXPECT_EQ((*le)->encoding(), Encoding::kUtf16Le);
  auto tle = ReadAll(**le);
  ASSERT_TRUE(tle.ok());
  EXPECT_EQ(tle->header, (Cells{"姓名", "年龄"}));
  EXPECT_EQ(tle->rows[0], (Cells{"李四", "30"}));
  auto be = OpenCsv("\xFE\xFF" + Convert(text, "UTF-16BE"));
  ASSERT_TRUE(be.ok());
  EXPECT_EQ((*be)->encoding(), Encoding::kUtf16Be);
  auto tbe = ReadAll(**be);
  ASSERT_TRUE(tbe.ok());
  EXPECT_EQ(tbe->rows[0], (Cells{"李四", "30"}));
}

TEST(Csv, Gb18030FromExcelOnChineseWindowsIsDetectedAndConverted) {
  std::string gbk = Convert("身份证号,姓名,社区\n150203199001011234,王五,金华社区\n", "GB18030");
  auto reader = OpenCsv(gbk);
  ASSERT_TRUE(reader.ok()) << reader.error().message;
  EXPECT_EQ((*reader)->encoding(), Encoding::kGb18030);
  auto t = ReadAll(**reader);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->header, (Cells{"身份证号", "姓名", "社区"}));
  EXPECT_EQ(t->rows[0], (Cells{"150203199001011234", "王五", "金华社区"}));
}

TEST(Csv, GbkAfterAMegabyteOfAsciiIsStillDetected) {
  std::string text = "id,name\n";
  for (int i = 0; text.size() < (3u << 20); ++i) text += std::to_string(i) + ",ascii\n";
  std::size_t ascii_rows = 0;
  for (char c : text) ascii_rows += c == '\n';
  text += Convert("999,张三\n", "GB18030");
  auto reader = OpenCsv(text);
  ASSERT_TRUE(reader.ok()) << reader.error().message;
  EXPECT_EQ((*reader)->encoding(), Encoding::kGb18030);
  auto t = ReadAll(**reader);
  ASSERT_TRUE(t.ok()) << t.error().message;
  EXPECT_EQ(t->rows.back(), (Cells{"999", "张三"}));
  EXPECT_EQ(t->row_numbers.back(), ascii_rows + 1);
}

TEST(Csv, InvalidBytesNameLineAndOffset) {
  // Not UTF-8, and 0x81 0x20 is not GB18030 either.
  auto t = Csv("a,b\n1,2\nx,\x81\x20y\n");
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.error().code, ErrorCode::kInvalid);
  EXPECT_NE(t.error().message.find("GB18030"), std::string::npos) << t.error().message;
  EXPECT_NE(t.error().message.find("line 3"), std::string::npos) << t.error().message;
  EXPECT_NE(t.error().message.find("byte offset 10"), std::string::npos) << t.error().message;

  CsvOptions utf8;
  utf8.encoding = Encoding::kUtf8;
  auto u = Csv("a,b\n1,\xC3\x28\n", utf8);
  ASSERT_FALSE(u.ok());
  EXPECT_NE(u.error().message.find("UTF-8 byte sequence at line 2, byte offset 6"),
            std::string::npos)
      << u.error().message;
}

TEST(Csv, UnterminatedQuoteNamesTheLineWhereTheFieldStarted) {
  auto t = Csv("a,b\n1,2\n3,\"never\nclosed\n\n");
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.error().code, ErrorCode::kInvalid);
  EXPECT_NE(t.error().message.find("unterminated quoted field starting at line 3"),
            std::string::npos)
      << t.error().message;
}

TEST(Csv, GarbageAfterClosingQuoteIsInvalid) {
  auto t = Csv("a\n\"x\"y\n");
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.error().message.find("after the closing quote at line 2"), std::string::npos);
}

TEST(Csv, LimitsGiveClearErrors) {
  CsvOptions small;
  small.max_field_bytes = 8;
  auto field = Csv("a\n123456789\n", small);
  ASSERT_FALSE(field.ok());
  EXPECT_EQ(field.error().code, ErrorCode::kTooLarge);
  EXPECT_NE(field.error().message.find("field at line 2, column 1 is longer than 8 bytes"),
            std::string::npos)
      << field.error().message;

  CsvOptions cols;
  cols.max_columns = 3;
  auto wide = Csv("a,b,c\n1,2,3,4\n", cols);
  ASSERT_FALSE(wide.ok());
  EXPECT_NE(wide.error().message.find("line 2 has more than 3 columns"), std::string::npos);

  CsvOptions rec;
  rec.max_record_bytes = 10;
  auto line = Csv("a\n\"12345\n67890\n\"\n", rec);
  ASSERT_FALSE(line.ok());
  EXPECT_NE(line.error().message.find("record starting at line 2 is longer than 10"),
            std::string::npos)
      << line.error().message;
}

TEST(Csv, FormulaLikeCellsAreData) {
  auto t = Csv("a,b,c,d\n=SUM(A1),+1,-2,@x\n");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->rows[0], (Cells{"=SUM(A1)", "+1", "-2", "@x"}));
}

TEST(Csv, ShortRowsArePaddedAndExtraCellsWarned) {
  auto t = Csv("a,b,c\n1\n1,2,3,4\n");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->rows[0], (Cells{"1", "", ""}));
  EXPECT_EQ(t->rows[1].size(), 4u);
  ASSERT_EQ(t->warnings.size(), 1u);
  EXPECT_EQ(t->warnings[0].row, 3u);
}

TEST(Csv, StreamsFilesAcrossChunkBoundariesInEveryEncoding) {
  std::string text = "编号,姓名,备注\n";
  for (int i = 0; i < 60000; ++i) {
    text += std::to_string(i) + ",张伟" + std::to_string(i) + ",\"多行\n备注，含逗号\"\n";
  }
  ASSERT_GT(text.size(), 2u << 20);
  auto dir = std::filesystem::temp_directory_path() / ("tabular_test_" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  for (const char* enc : {"UTF-8", "GB18030", "UTF-16LE"}) {
    std::string bytes = std::string(enc) == "UTF-16LE" ? "\xFF\xFE" + Convert(text, enc)
                                                       : Convert(text, enc);
    auto path = (dir / "big.csv").string();
    std::ofstream(path, std::ios::binary) << bytes;
    auto reader = OpenCsvFile(path);
    ASSERT_TRUE(reader.ok()) << enc;
    Row row;
    std::size_t n = 0;
    while (true) {
      auto more = (*reader)->Next(row);
      ASSERT_TRUE(more.ok()) << enc << ": " << more.error().message;
      if (!*more) break;
      ASSERT_EQ(row.cells[1], "张伟" + std::to_string(n)) << enc;
      ASSERT_EQ(row.cells[2], "多行\n备注，含逗号");
      ASSERT_EQ(row.number, 2 + 2 * n);
      ++n;
    }
    EXPECT_EQ(n, 60000u) << enc;
  }
  std::filesystem::remove_all(dir);
  EXPECT_EQ(OpenCsvFile("/nonexistent/x.csv").error().code, ErrorCode::kNotFound);
}

TEST(CsvWriter, BomQuotingAndFormulaInjection) {
  Table t;
  t.header = {"姓名", "备注"};
  t.rows = {{"张三", "=HYPERLINK(\"http://x\")"}, {"a,b", "-1"}, {"+86", "@cmd"}, {"line\nbreak", ""}};
  std::string csv = WriteCsv(t);
  EXPECT_EQ(csv.substr(0, 3), "\xEF\xBB\xBF");
  EXPECT_NE(csv.find("\"'=HYPERLINK(\"\"http://x\"\")\""), std::string::npos) << csv;
  EXPECT_NE(csv.find("\"a,b\",'-1\r\n"), std::string::npos) << csv;
  EXPECT_NE(csv.find("'+86,'@cmd\r\n"), std::string::npos);
  auto back = Csv(csv);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->header, t.header);
  EXPECT_EQ(back->rows[0][0], "张三");
  EXPECT_EQ(back->rows[0][1], "'=HYPERLINK(\"http://x\")");
  EXPECT_EQ(back->rows[3], (Cells{"line\nbreak", ""}));
}

// --- OOXML helpers -------------------------------------------------------------------------

TEST(Ooxml, CellReferences) {
  using internal::ParseCellRef;
  EXPECT_EQ(ParseCellRef("A1")->column, 0u);
  EXPECT_EQ(ParseCellRef("$AB$12")->column, 27u);
  EXPECT_EQ(ParseCellRef("XFD1048576")->row, 1048576u);
  EXPECT_FALSE(ParseCellRef("XFD1048577").ok());
  EXPECT_FALSE(ParseCellRef("XFE1").ok());
  EXPECT_FALSE(ParseCellRef("A0").ok());
  EXPECT_FALSE(ParseCellRef("AAAA1").ok());
  EXPECT_FALSE(ParseCellRef("1A").ok());
  EXPECT_FALSE(ParseCellRef("A99999999999").ok());
  EXPECT_EQ(internal::ColumnName(0), "A");
  EXPECT_EQ(internal::ColumnName(16383), "XFD");
}

TEST(Ooxml, NumberFormatsAndDateSerials) {
  using internal::NumFmtKind;
  EXPECT_EQ(internal::ClassifyNumFmt(14, ""), NumFmtKind::kDate);
  EXPECT_EQ(internal::ClassifyNumFmt(31, ""), NumFmtKind::kDate);  // yyyy"年"m"月"d"日"
  EXPECT_EQ(internal::ClassifyNumFmt(22, ""), NumFmtKind::kDateTime);
  EXPECT_EQ(internal::ClassifyNumFmt(0, ""), NumFmtKind::kNumber);
  EXPECT_EQ(internal::ClassifyNumFmt(164, "yyyy\"年\"m\"月\"d\"日\""), NumFmtKind::kDate);
  EXPECT_EQ(internal::ClassifyNumFmt(164, "[$-804]yyyy/m/d;@"), NumFmtKind::kDate);
  EXPECT_EQ(internal::ClassifyNumFmt(164, "[Red]#,##0.00\"days\""), NumFmtKind::kNumber);
  EXPECT_EQ(internal::ClassifyNumFmt(164, "General"), NumFmtKind::kNumber);
  EXPECT_EQ(internal::ClassifyNumFmt(164, "[h]:mm"), NumFmtKind::kTime);
  EXPECT_EQ(internal::ClassifyNumFmt(164, "yyyy-mm-dd hh:mm"), NumFmtKind::kDateTime);
  EXPECT_EQ(internal::ClassifyNumFmt(164, "0.00E+00"), NumFmtKind::kNumber);

  auto iso = [](double s, bool d1904 = false, NumFmtKind k = NumFmtKind::kDate) {
    auto r = internal::SerialToIso(s, d1904, k);
    return r.ok() ? *r : "error";
  };
  EXPECT_EQ(iso(1), "1900-01-01");
  EXPECT_EQ(iso(59), "1900-02-28");
  EXPECT_EQ(iso(60), "1900-02-29");  // Lotus 1-2-3's bug, kept by Excel
  EXPECT_EQ(iso(61), "1900-03-01");
  EXPECT_EQ(iso(45000), "2023-03-15");
  EXPECT_EQ(iso(2958465), "9999-12-31");
  EXPECT_EQ(iso(2958466), "error");
  EXPECT_EQ(iso(-1), "error");
  EXPECT_EQ(iso(0, true), "1904-01-01");
  EXPECT_EQ(iso(45000 - 1462, true), "2023-03-15");
  EXPECT_EQ(iso(45000.5, false, NumFmtKind::kDateTime), "2023-03-15 12:00:00");
  EXPECT_EQ(iso(0.75, false, NumFmtKind::kTime), "18:00:00");
}

TEST(Ooxml, NumbersAndEscapes) {
  bool lost = false;
  EXPECT_EQ(internal::FormatNumber("42", 42, lost), "42");
  EXPECT_FALSE(lost);
  EXPECT_EQ(internal::FormatNumber("1E+3", 1000, lost), "1000");
  EXPECT_EQ(internal::FormatNumber("0.1", 0.1, lost), "0.1");
  EXPECT_EQ(internal::FormatNumber("1.5E-3", 0.0015, lost), "0.0015");
  EXPECT_EQ(internal::FormatNumber("1.10101199003072E+17", 1.10101199003072E+17, lost),
            "110101199003072000");
  EXPECT_TRUE(lost);
  EXPECT_EQ(internal::DecodeEscapes("a_x000D_b_x005F_x0041_"), "a\rb_x0041_");
}

TEST(Zip, EntryNames) {
  using internal::SafeEntryName;
  EXPECT_TRUE(SafeEntryName("xl/worksheets/sheet1.xml"));
  EXPECT_TRUE(SafeEntryName("xl/"));
  EXPECT_FALSE(SafeEntryName("../../x"));
  EXPECT_FALSE(SafeEntryName("xl/../../x"));
  EXPECT_FALSE(SafeEntryName("/etc/passwd"));
  EXPECT_FALSE(SafeEntryName("C:\\x"));
  EXPECT_FALSE(SafeEntryName("xl\\..\\x"));
  EXPECT_FALSE(SafeEntryName("a//b"));
}

// --- xlsx: hand-built packages --------------------------------------------------------------

using Parts = std::map<std::string, std::string>;

std::string Zip(const Parts& parts) {
  zip_error_t err;
  zip_error_init(&err);
  zip_source_t* src = zip_source_buffer_create(nullptr, 0, 0, &err);
  zip_source_keep(src);
  zip_t* za = zip_open_from_source(src, ZIP_TRUNCATE, &err);
  EXPECT_NE(za, nullptr);
  for (const auto& [name, data] : parts) {
    zip_source_t* s = zip_source_buffer(za, data.data(), data.size(), 0);
    EXPECT_GE(zip_file_add(za, name.c_str(), s, ZIP_FL_ENC_UTF_8), 0) << name;
  }
  EXPECT_EQ(zip_close(za), 0);
  std::string out;
  EXPECT_EQ(zip_source_open(src), 0);
  char buf[65536];
  zip_int64_t n;
  while ((n = zip_source_read(src, buf, sizeof buf)) > 0) out.append(buf, static_cast<std::size_t>(n));
  zip_source_close(src);
  zip_source_free(src);
  zip_error_fini(&err);
  return out;
}

const char* kNs = "xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
                  "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"";
const char* kRelNs = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

Parts MiniXlsx(const std::string& sheet_data, const std::string& shared = "",
               const std::string& styles = "", const std::string& workbook_pr = "") {
  Parts p;
  p["[Content_Types].xml"] = "<Types/>";
  p["_rels/.rels"] = std::string("<Relationships><Relationship Id=\"rId1\" Type=\"") + kRelNs +
                     "/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>";
  p["xl/workbook.xml"] = std::string("<workbook ") + kNs + ">" + workbook_pr +
                         "<sheets><sheet name=\"人员\" sheetId=\"1\" r:id=\"rId1\"/>"
                         "<sheet name=\"Other\" sheetId=\"2\" r:id=\"rId2\"/></sheets></workbook>";
  std::string rels = std::string("<Relationships>") +
                     "<Relationship Id=\"rId1\" Type=\"" + kRelNs +
                     "/worksheet\" Target=\"worksheets/sheet1.xml\"/>"
                     "<Relationship Id=\"rId2\" Type=\"" + kRelNs +
                     "/worksheet\" Target=\"/xl/worksheets/sheet2.xml\"/>";
  if (!shared.empty()) {
    rels += std::string("<Relationship Id=\"rId3\" Type=\"") + kRelNs +
            "/sharedStrings\" Target=\"sharedStrings.xml\"/>";
    p["xl/sharedStrings.xml"] = shared;
  }
  if (!styles.empty()) {
    rels += std::string("<Relationship Id=\"rId4\" Type=\"") + kRelNs +
            "/styles\" Target=\"styles.xml\"/>";
    p["xl/styles.xml"] = styles;
  }
  p["xl/_rels/workbook.xml.rels"] = rels + "</Relationships>";
  p["xl/worksheets/sheet1.xml"] = std::string("<?xml version=\"1.0\"?><worksheet ") + kNs +
                                  "><dimension ref=\"A1:XFD1048576\"/><sheetData>" + sheet_data +
                                  "</sheetData></worksheet>";
  p["xl/worksheets/sheet2.xml"] = std::string("<worksheet ") + kNs +
                                  "><sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>other"
                                  "</t></is></c></row></sheetData></worksheet>";
  return p;
}

Result<Table> Xlsx(const std::string& bytes, XlsxOptions options = {}) {
  auto reader = OpenXlsx(bytes, options);
  if (!reader.ok()) return reader.error();
  return ReadAll(**reader);
}

const char* kSharedStrings =
    "<sst count=\"99999999\"><si><t>身份证号</t></si><si><t>姓名</t></si>"
    "<si><r><rPr><b/></rPr><t>张</t></r><r><t xml:space=\"preserve\">三 </t></r>"
    "<rPh sb=\"0\" eb=\"1\"><t>zhang</t></rPh></si><si><t>110101199003071234</t></si>"
    "<si><t>a_x000D_b</t></si></sst>";

TEST(Xlsx, SharedInlineRichTextBooleansGapsAndHugeDimension) {
  std::string sheet =
      "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"C1\" t=\"s\"><v>1</v></c></row>"
      "<row r=\"3\"><c r=\"A3\" t=\"s\"><v>3</v></c><c r=\"B3\" t=\"b\"><v>1</v></c>"
      "<c r=\"C3\" t=\"s\"><v>2</v></c><c r=\"D3\" t=\"inlineStr\"><is><t>内联</t></is></c>"
      "<c r=\"E3\" t=\"e\"><v>#N/A</v></c><c r=\"F3\" t=\"str\"><f>A1&amp;\"x\"</f><v>公式</v></c>"
      "<c r=\"G3\" t=\"s\"><v>4</v></c></row>"
      "<row r=\"4\"><c r=\"A4\" s=\"0\"/></row>"  // styled but empty: skipped
      "<row r=\"5\"><c r=\"B5\"><v>-12.5</v></c></row>";
  auto t = Xlsx(Zip(MiniXlsx(sheet, kSharedStrings)));
  ASSERT_TRUE(t.ok()) << t.error().message;
  EXPECT_EQ(t->header, (Cells{"身份证号", "", "姓名"}));
  ASSERT_EQ(t->rows.size(), 2u);
  EXPECT_EQ(t->rows[0],
            (Cells{"110101199003071234", "TRUE", "张三 ", "内联", "#N/A", "公式", "a\rb"}));
  EXPECT_EQ(t->rows[1], (Cells{"", "-12.5", ""}));
  EXPECT_EQ(t->row_numbers, (std::vector<std::size_t>{3, 5}));
  EXPECT_TRUE(t->warnings.empty());
}

TEST(Xlsx, NamedSheetAndMissingSheet) {
  std::string bytes = Zip(MiniXlsx("<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>h</t></is></c></row>"));
  XlsxOptions named;
  named.sheet = "Other";
  named.header_row = 0;
  auto reader = OpenXlsx(bytes, named);
  ASSERT_TRUE(reader.ok()) << reader.error().message;
  EXPECT_EQ((*reader)->sheet_names(), (Cells{"人员", "Other"}));
  Row row;
  ASSERT_TRUE(*(*reader)->Next(row));
  EXPECT_EQ(row.cells, (Cells{"other"}));
  named.sheet = "nope";
  EXPECT_EQ(OpenXlsx(bytes, named).error().code, ErrorCode::kNotFound);
}

const char* kDateStyles =
    "<styleSheet><numFmts count=\"2\"><numFmt numFmtId=\"164\" formatCode=\"yyyy&quot;年&quot;m&quot;"
    "月&quot;d&quot;日&quot;\"/><numFmt numFmtId=\"165\" formatCode=\"0.00\"/></numFmts>"
    "<cellXfs count=\"5\"><xf numFmtId=\"0\"/><xf numFmtId=\"14\"/><xf numFmtId=\"164\"/>"
    "<xf numFmtId=\"165\"/><xf numFmtId=\"22\"/></cellXfs></styleSheet>";

TEST(Xlsx, DatesFromStylesIn1900And1904Systems) {
  std::string sheet =
      "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>d</t></is></c></row>"
      "<row r=\"2\"><c r=\"A2\" s=\"1\"><v>45000</v></c><c r=\"B2\" s=\"2\"><v>61</v></c>"
      "<c r=\"C2\" s=\"3\"><v>45000</v></c><c r=\"D2\" s=\"4\"><v>45000.25</v></c>"
      "<c r=\"E2\" s=\"1\"><v>60</v></c><c r=\"F2\" s=\"1\" t=\"d\"><v>2024-02-29T00:00:00</v></c></row>";
  auto t = Xlsx(Zip(MiniXlsx(sheet, "", kDateStyles)));
  ASSERT_TRUE(t.ok()) << t.error().message;
  EXPECT_EQ(t->rows[0], (Cells{"2023-03-15", "1900-03-01", "45000", "2023-03-15 06:00:00",
                               "1900-02-29", "2024-02-29"}));
  ASSERT_EQ(t->warnings.size(), 1u);
  EXPECT_NE(t->warnings[0].message.find("1900-02-29 does not exist"), std::string::npos);

  auto t1904 = Xlsx(Zip(MiniXlsx(sheet, "", kDateStyles, "<workbookPr date1904=\"1\"/>")));
  ASSERT_TRUE(t1904.ok());
  EXPECT_EQ(t1904->rows[0][0], "2027-03-16");  // 45000 days after 1904-01-01
}

TEST(Xlsx, LongNumbersStoredAsNumbersAreWarnedAndTextKeepsEveryDigit) {
  std::string sheet =
      "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c></row>"
      "<row r=\"2\"><c r=\"A2\" t=\"s\"><v>3</v></c></row>"
      "<row r=\"3\"><c r=\"A3\"><v>1.10101199003071E+17</v></c></row>";
  auto t = Xlsx(Zip(MiniXlsx(sheet, kSharedStrings)));
  ASSERT_TRUE(t.ok()) << t.error().message;
  EXPECT_EQ(t->rows[0][0], "110101199003071234");
  EXPECT_EQ(t->rows[1][0], "110101199003071008");  // what the double holds, not the ID
  ASSERT_EQ(t->warnings.size(), 1u);
  EXPECT_EQ(t->warnings[0].row, 3u);
  EXPECT_EQ(t->warnings[0].column, 0);
  EXPECT_NE(t->warnings[0].message.find("stored as a number, precision lost"), std::string::npos);
}

void ExpectInvalid(const Result<Table>& t, const std::string& words,
                   ErrorCode code = ErrorCode::kInvalid) {
  ASSERT_FALSE(t.ok()) << "expected an error containing: " << words;
  EXPECT_EQ(t.error().code, code) << t.error().message;
  EXPECT_NE(t.error().message.find(words), std::string::npos) << t.error().message;
}

TEST(XlsxHostile, NotAZipOleAndTruncatedZip) {
  ExpectInvalid(Xlsx("姓名,年龄\n张三,30\n"), "not a zip archive");
  ExpectInvalid(Xlsx(std::string("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) + std::string(600, '\0')),
                "OLE2");
  std::string good = Zip(MiniXlsx("<row r=\"1\"><c r=\"A1\"><v>1</v></c></row>"));
  ExpectInvalid(Xlsx(good.substr(0, good.size() / 2)), "not an xlsx file");
  ExpectInvalid(Xlsx(""), "not a zip archive");
}

TEST(XlsxHostile, ZipBombIsRefusedByRatioTotalAndInflatedBytes) {
  Parts bomb = MiniXlsx("<row r=\"1\"><c r=\"A1\"><v>1</v></c></row>");
  bomb["xl/worksheets/sheet1.xml"] =
      std::string("<worksheet><sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>") +
      std::string(64u << 20, ' ') + "</t></is></c></row></sheetData></worksheet>";
  ExpectInvalid(Xlsx(Zip(bomb)), "zip bomb", ErrorCode::kTooLarge);

  // Under the ratio limit but over the total budget.
  XlsxOptions tight;
  tight.limits.max_total_uncompressed = 4096;
  Parts many = MiniXlsx("");
  std::string rows;
  for (int i = 1; i <= 500; ++i) {
    rows += "<row r=\"" + std::to_string(i) + "\"><c r=\"A" + std::to_string(i) + "\"><v>" +
            std::to_string(i * 7919) + "</v></c></row>";
  }
  ExpectInvalid(Xlsx(Zip(MiniXlsx(rows)), tight), "uncompressed bytes in total",
                ErrorCode::kTooLarge);

  // Declared sizes that lie (patched in both the local header and the central directory).
  std::string bytes = Zip(MiniXlsx(rows));
  const std::string name = "xl/worksheets/sheet1.xml";
  int patched = 0;
  for (std::size_t at = 0; (at = bytes.find(name, at)) != std::string::npos; at += name.size()) {
    if (at >= 46 && bytes.compare(at - 46, 4, "PK\x01\x02") == 0) {
      std::memcpy(&bytes[at - 46 + 24], "\x10\x00\x00\x00", 4);
      ++patched;
    } else if (at >= 30 && bytes.compare(at - 30, 4, "PK\x03\x04") == 0) {
      std::memcpy(&bytes[at - 30 + 22], "\x10\x00\x00\x00", 4);
      ++patched;
    }
  }
  ASSERT_EQ(patched, 2);
  auto lied = Xlsx(bytes);
  ASSERT_FALSE(lied.ok());
  EXPECT_EQ(lied.error().code, ErrorCode::kInvalid) << lied.error().message;
}

TEST(XlsxHostile, DoctypeAndEntityExpansionAreRefused) {
  std::string laughs =
      "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">"
      "<!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">"
      "<!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">]>"
      "<sst><si><t>&lol3;</t></si></sst>";
  ExpectInvalid(Xlsx(Zip(MiniXlsx("", laughs))), "DOCTYPE");
  Parts in_sheet = MiniXlsx("");
  in_sheet["xl/worksheets/sheet1.xml"] =
      "<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><worksheet><sheetData>"
      "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>&e;</t></is></c></row></sheetData></worksheet>";
  ExpectInvalid(Xlsx(Zip(in_sheet)), "DOCTYPE");
  Parts in_workbook = MiniXlsx("");
  in_workbook["xl/workbook.xml"] = "<!DOCTYPE w><workbook/>";
  ExpectInvalid(Xlsx(Zip(in_workbook)), "DOCTYPE");
}

// What the DOCTYPE check stands in front of: pugixml (with our flags) neither keeps the DOCTYPE
// nor expands its entities, internal or external.
TEST(XlsxHostile, PugixmlDoesNotExpandEntities) {
  std::string xml = "<!DOCTYPE r [<!ENTITY e \"boom\"><!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
                    "<r>&e;&x;</r>";
  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_string(xml.c_str(), pugi::parse_default | pugi::parse_ws_pcdata_single));
  EXPECT_EQ(std::string(doc.child("r").text().get()), "&e;&x;");
  EXPECT_EQ(doc.first_child().type(), pugi::node_element);  // no doctype node kept
}

TEST(XlsxHostile, PathTricksInEntriesAndRelationships) {
  Parts p = MiniXlsx("");
  p["../../x"] = "evil";
  ExpectInvalid(Xlsx(Zip(p)), "not a safe relative path");
  Parts rel = MiniXlsx("");
  rel["xl/_rels/workbook.xml.rels"] = std::string("<Relationships><Relationship Id=\"rId1\" Type=\"") +
                                      kRelNs + "/worksheet\" Target=\"../../../etc/passwd\"/>"
                                      "</Relationships>";
  ExpectInvalid(Xlsx(Zip(rel)), "leaves the package");
}

TEST(XlsxHostile, MissingPartsAndBadReferences) {
  ExpectInvalid(Xlsx(Zip(MiniXlsx("<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c></row>"))),
                "no sharedStrings part");
  ExpectInvalid(Xlsx(Zip(MiniXlsx("<row r=\"1\"><c r=\"A1\" t=\"s\"><v>7</v></c></row>",
                                  kSharedStrings))),
                "shared string 7 of 5");
  ExpectInvalid(Xlsx(Zip(MiniXlsx("<row r=\"1048577\"><c r=\"XFD1048577\"><v>1</v></c></row>"))),
                "outside 1..1048576");
  ExpectInvalid(Xlsx(Zip(MiniXlsx("<row r=\"1\"><c r=\"XFD1048577\"><v>1</v></c></row>"))),
                "XFD1048577");
  ExpectInvalid(Xlsx(Zip(MiniXlsx("<row r=\"2\"/><row r=\"1\"/>"))), "comes after row 2");
  ExpectInvalid(Xlsx(Zip(MiniXlsx("<row r=\"1\"><c r=\"B1\"><v>1</v></c><c r=\"A1\"><v>1</v></c></row>"))),
                "out of order");
  ExpectInvalid(Xlsx(Zip(MiniXlsx("<row r=\"1\"><c r=\"A1\"><v>1</v></c>"))), "not well-formed");
  Parts truncated = MiniXlsx("");
  truncated["xl/worksheets/sheet1.xml"] = "<worksheet><sheetData><row r=\"1\"><c r=\"A1\">";
  ExpectInvalid(Xlsx(Zip(truncated)), "ends inside <sheetData>");
  Parts no_sheet = MiniXlsx("");
  no_sheet.erase("xl/worksheets/sheet1.xml");
  ExpectInvalid(Xlsx(Zip(no_sheet)), "missing part xl/worksheets/sheet1.xml");
  Parts no_workbook = MiniXlsx("");
  no_workbook.erase("xl/workbook.xml");
  ExpectInvalid(Xlsx(Zip(no_workbook)), "missing part xl/workbook.xml");
  // The last cell Excel allows is fine, and a huge gap costs nothing up front.
  auto edge = Xlsx(Zip(MiniXlsx("<row r=\"1048576\"><c r=\"XFD1048576\"><v>1</v></c></row>")),
                   XlsxOptions{.sheet = "", .header_row = 0});
  ASSERT_TRUE(edge.ok()) << edge.error().message;
  EXPECT_EQ(edge->rows[0].size(), 16384u);
  EXPECT_EQ(edge->row_numbers[0], 1048576u);
}

TEST(XlsxHostile, OutputAmplificationIsBounded) {
  std::string rows;
  for (int i = 1; i <= 200; ++i) {
    rows += "<row r=\"" + std::to_string(i) + "\"><c r=\"XFD" + std::to_string(i) +
            "\"><v>1</v></c></row>";
  }
  XlsxOptions options;
  options.header_row = 0;
  options.limits.max_total_cells = 1u << 20;
  ExpectInvalid(Xlsx(Zip(MiniXlsx(rows)), options), "expands to more than", ErrorCode::kTooLarge);

  std::string big = "<sst><si><t>" + std::string(100000, 'x') + "</t></si></sst>";
  std::string refs;
  for (int i = 1; i <= 200; ++i) {
    refs += "<row r=\"" + std::to_string(i) + "\"><c r=\"A" + std::to_string(i) +
            "\" t=\"s\"><v>0</v></c></row>";
  }
  options.limits.max_total_text_bytes = 10u << 20;
  ExpectInvalid(Xlsx(Zip(MiniXlsx(refs, big)), options), "bytes of text", ErrorCode::kTooLarge);
}

TEST(Xlsx, EmptySheetsAndFiles) {
  Parts empty = MiniXlsx("");
  empty["xl/worksheets/sheet1.xml"] = "<worksheet><sheetData/></worksheet>";
  auto t = Xlsx(Zip(empty));
  ASSERT_TRUE(t.ok()) << t.error().message;
  EXPECT_TRUE(t->header.empty());
  EXPECT_TRUE(t->rows.empty());
  empty["xl/worksheets/sheet1.xml"] = "<worksheet/>";
  EXPECT_TRUE(Xlsx(Zip(empty)).ok());

  auto path = std::filesystem::temp_directory_path() / ("tabular_file_" + std::to_string(getpid()) + ".xlsx");
  std::ofstream(path, std::ios::binary) << Zip(MiniXlsx("<row><c><v>5</v></c></row><row><c><v>6</v></c></row>"));
  auto reader = OpenXlsxFile(path.string());
  std::filesystem::remove(path);
  ASSERT_TRUE(reader.ok()) << reader.error().message;
  EXPECT_EQ((*reader)->header(), (Cells{"5"}));
  EXPECT_EQ(OpenXlsxFile("/nonexistent.xlsx").error().code, ErrorCode::kNotFound);
}

TEST(XlsxHostile, DeepNestingDoesNotExhaustTheStack) {
  std::string deep;
  for (int i = 0; i < 200000; ++i) deep += "<r>";
  for (int i = 0; i < 200000; ++i) deep += "</r>";
  XlsxOptions options;
  options.limits.max_ratio = 100000;  // the nesting compresses far better than any real sheet
  auto t = Xlsx(Zip(MiniXlsx("<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is>" + deep +
                             "<t>x</t></is></c></row>")),
                options);
  ASSERT_TRUE(t.ok()) << t.error().message;
  EXPECT_EQ(t->header, (Cells{"x"}));  // the nested runs hold no <t>; the direct <t> counts
}

TEST(Xlsx, NamespacePrefixedPartsAsSomeLibrariesWriteThem) {
  Parts p = MiniXlsx("");
  p["xl/workbook.xml"] =
      "<x:workbook xmlns:x=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
      "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">"
      "<x:sheets><x:sheet name=\"S\" sheetId=\"1\" r:id=\"rId1\"/></x:sheets></x:workbook>";
  p["xl/worksheets/sheet1.xml"] =
      "<x:worksheet xmlns:x=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
      "<x:sheetData><x:row r=\"1\"><x:c r=\"A1\" t=\"inlineStr\"><x:is><x:t>名</x:t></x:is></x:c>"
      "</x:row><x:row r=\"2\"><x:c r=\"A2\"><x:v>7</x:v></x:c></x:row></x:sheetData></x:worksheet>";
  auto t = Xlsx(Zip(p));
  ASSERT_TRUE(t.ok()) << t.error().message;
  EXPECT_EQ(t->header, (Cells{"名"}));
  EXPECT_EQ(t->rows, (std::vector<Cells>{{"7"}}));
}

// Seeds and any crash cases kept in fuzz/corpus/ are replayed here (tests run from the source root).
TEST(FuzzCorpus, ReplaysWithoutCrashing) {
  std::size_t files = 0;
  for (const char* dir : {"fuzz/corpus/csv", "fuzz/corpus/xlsx"}) {
    if (!std::filesystem::exists(dir)) continue;
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
      std::ifstream in(entry.path(), std::ios::binary);
      std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      if (std::string(dir).ends_with("csv")) {
        (void)Csv(bytes);
      } else if (bytes.rfind("PK", 0) == 0) {
        (void)Xlsx(bytes);
      } else {  // as xlsx_fuzz does: sheet, sharedStrings and styles XML separated by NUL
        std::vector<std::string> xml(3);
        std::size_t k = 0;
        for (char c : bytes) {
          if (c == '\0' && k < 2) ++k; else xml[k].push_back(c);
        }
        Parts p = MiniXlsx("", xml[1], xml[2]);
        p["xl/worksheets/sheet1.xml"] = xml[0];
        (void)Xlsx(Zip(p));
      }
      ++files;
    }
  }
  EXPECT_GT(files, 0u);
}

// --- xlsx: writer and round trip ------------------------------------------------------------

TEST(XlsxWriter, RoundTripWithTitleMergedHeadersTypesAndChinese) {
  Sheet s;
  s.name = "高龄津贴";
  s.title = "昆都仑区 2026 年 3 月高龄津贴发放表";
  s.header_rows = {{"身份证号", "姓名", "发放情况", "", ""}, {"", "", "金额", "日期", "备注"}};
  s.header_merges = {{0, 0, 1, 0}, {0, 1, 1, 1}, {0, 2, 0, 4}};
  s.columns = {{20, ColumnKind::kText, ""}, {10, ColumnKind::kText, ""},
               {10, ColumnKind::kNumber, "0.00"}, {12, ColumnKind::kDate, ""},
               {30, ColumnKind::kText, ""}};
  s.rows = {{"150203193001011234", "张三", "200", "2026-03-05", "=1+1"},
            {"15020319300101123X", "李四", "350.5", "2026-03-31", "补发，含逗号"},
            {"150203193001011250", "王五", "不详", "未发", ""}};
  s.freeze_columns = 2;
  Workbook wb;
  wb.sheets = {s, SheetFromTable("Sheet2", Table{{"a"}, {{"1"}}, {}, {}})};
  auto bytes = WriteXlsx(wb);
  ASSERT_TRUE(bytes.ok()) << bytes.error().message;

  XlsxOptions opt;
  opt.header_row = 3;  // title in row 1, headers in rows 2-3
  auto reader = OpenXlsx(*bytes, opt);
  ASSERT_TRUE(reader.ok()) << reader.error().message;
  EXPECT_EQ((*reader)->sheet_names(), (Cells{"高龄津贴", "Sheet2"}));
  auto t = ReadAll(**reader);
  ASSERT_TRUE(t.ok()) << t.error().message;
  EXPECT_EQ(t->header, (Cells{"", "", "金额", "日期", "备注"}));
  ASSERT_EQ(t->rows.size(), 3u);
  EXPECT_EQ(t->rows[0], (Cells{"150203193001011234", "张三", "200", "2026-03-05", "=1+1"}));
  EXPECT_EQ(t->rows[1], (Cells{"15020319300101123X", "李四", "350.5", "2026-03-31", "补发，含逗号"}));
  EXPECT_EQ(t->rows[2], (Cells{"150203193001011250", "王五", "不详", "未发", ""}));
  EXPECT_EQ(t->row_numbers, (std::vector<std::size_t>{4, 5, 6}));
  EXPECT_TRUE(t->warnings.empty());

  XlsxOptions top;
  top.header_row = 0;
  auto all = Xlsx(*bytes, top);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->rows[0][0], s.title);
  EXPECT_EQ(all->rows[1], (Cells{"身份证号", "姓名", "发放情况"}));

  // The package carries the merges and the frozen pane.
  auto zip = internal::ZipArchive::Open(*bytes, XlsxLimits{});
  ASSERT_TRUE(zip.ok());
  auto sheet_xml = (*zip)->ReadEntry("xl/worksheets/sheet1.xml");
  ASSERT_TRUE(sheet_xml.ok());
  EXPECT_NE(sheet_xml->find("<mergeCell ref=\"A1:E1\"/>"), std::string::npos);
  EXPECT_NE(sheet_xml->find("<mergeCell ref=\"C2:E2\"/>"), std::string::npos);
  EXPECT_NE(sheet_xml->find("topLeftCell=\"C4\""), std::string::npos);
}

TEST(XlsxWriter, LeavesNoTempFilesAndRejectsBadInput) {
  auto dir = std::filesystem::temp_directory_path() / ("tabular_tmp_" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  const char* old = std::getenv("TMPDIR");
  std::string saved = old ? old : "";
  setenv("TMPDIR", dir.c_str(), 1);
  Workbook wb;
  wb.sheets = {SheetFromTable("ok", Table{{"a"}, {{"1"}}, {}, {}})};
  EXPECT_TRUE(WriteXlsx(wb).ok());
  EXPECT_TRUE(std::filesystem::is_empty(dir));
  wb.sheets[0].name = "a/b";
  EXPECT_EQ(WriteXlsx(wb).error().code, ErrorCode::kInvalid);
  wb.sheets[0].name = "ok";
  wb.sheets[0].header_merges = {{0, 0, 0, 1}, {0, 1, 0, 2}};
  wb.sheets[0].header_rows = {{"a", "b", "c"}};
  EXPECT_NE(WriteXlsx(wb).error().message.find("overlap"), std::string::npos);
  wb.sheets[0].header_merges = {};
  wb.sheets[0].rows = {{"\xC3\x28"}};
  EXPECT_NE(WriteXlsx(wb).error().message.find("not valid UTF-8"), std::string::npos);
  EXPECT_EQ(WriteXlsx(Workbook{}).error().code, ErrorCode::kInvalid);
  EXPECT_TRUE(std::filesystem::is_empty(dir));
  if (old) setenv("TMPDIR", saved.c_str(), 1); else unsetenv("TMPDIR");
  std::filesystem::remove_all(dir);
}

// A NUL byte in otherwise UTF-8 text is named, not reported as broken GB18030 (the detection's
// fallback), on the line where it is.
TEST(Csv, NulByteIsNamedWhereItIs) {
  static constexpr char kText[] = "姓名,身份证号码\n张三,1\n李\0四,2\n";
  auto reader = OpenCsv(std::string(kText, sizeof kText - 1));
  std::string message;
  if (!reader.ok()) {
    message = reader.error().message;
  } else {
    Row row;
    while (true) {
      auto more = (*reader)->Next(row);
      if (!more.ok()) {
        message = more.error().message;
        break;
      }
      ASSERT_TRUE(*more) << "the NUL byte was not reported";
    }
  }
  EXPECT_NE(message.find("NUL"), std::string::npos) << message;
  EXPECT_NE(message.find("line 3"), std::string::npos) << message;
}

}  // namespace
}  // namespace cg::tabular
