// Report templates: the shipped ones load against the dictionary; bad ones fail clearly.

#include "reports/template.hpp"

#include <gtest/gtest.h>

#include <set>

namespace cg::reports {
namespace {

const forms::Dictionary& Dict() {
  static const forms::Dictionary d = [] {
    auto r = forms::Dictionary::LoadDirectory("data/elements");
    if (!r.ok()) throw std::runtime_error(r.error().message);
    return std::move(r).value();
  }();
  return d;
}

constexpr char kHead[] = R"(code = "t.test"
department = "civil_affairs"
title_zh = "测试表"
title_en = "Test"
)";

std::string Expect(const std::string& body) {
  auto t = ParseTemplate("t.toml", std::string(kHead) + body, Dict());
  if (t.ok()) return "ok";
  EXPECT_EQ(t.error().code, ErrorCode::kInvalid);
  return t.error().message;
}

TEST(Template, ShippedTemplatesCoverSixDepartmentsAndParse) {
  auto all = LoadTemplateDirectory("data/reports", Dict());
  ASSERT_TRUE(all.ok()) << all.error().message;
  std::set<std::string> departments, codes;
  for (const auto& t : *all) {
    departments.insert(t.department);
    codes.insert(t.code);
    EXPECT_FALSE(t.columns.empty()) << t.code;
    EXPECT_LE(t.sheet_name.size(), 31u * 3);
  }
  EXPECT_GE(departments.size(), 6u);
  for (const char* d : {"civil_affairs", "disabled_federation", "veterans", "health", "statistics", "emergency"})
    EXPECT_TRUE(departments.count(d)) << d;
  EXPECT_TRUE(codes.count("civil_affairs.elderly"));
  // The elderly table: age filters merged with the template filter, a sum and a ratio.
  for (const auto& t : *all) {
    if (t.code != "civil_affairs.elderly") continue;
    const Column* alone80 = t.FindColumn("alone80");
    ASSERT_NE(alone80, nullptr);
    ASSERT_EQ(alone80->filters.size(), 3u);
    EXPECT_EQ(alone80->filters[0].field, "person.deceased_date");
    EXPECT_EQ(alone80->filters[1].field, "age");
    EXPECT_EQ(alone80->filters[1].number, 80);
    const Column* amount = t.FindColumn("allowance_amount");
    ASSERT_NE(amount, nullptr);
    EXPECT_EQ(amount->kind, ColumnKind::kSum);
    EXPECT_EQ(amount->decimals, 2);
    EXPECT_EQ(amount->unit, "元/月");
    EXPECT_EQ(t.FindColumn("ageing_rate")->unit, "%");
    EXPECT_TRUE(t.has_groups());
    auto els = t.Elements();
    EXPECT_TRUE(std::find(els.begin(), els.end(), "person.elderly_living_alone") != els.end());
    EXPECT_TRUE(std::find(els.begin(), els.end(), "age") == els.end());
  }
}

TEST(Template, MinimalTemplateDefaults) {
  auto t = ParseTemplate("t.toml", std::string(kHead) + "[[column]]\ncode = \"n\"\nlabel_zh = \"人数\"\nlabel_en = \"N\"\n", Dict());
  ASSERT_TRUE(t.ok()) << t.error().message;
  EXPECT_EQ(t->subject, model::BaseEntity::kPerson);
  EXPECT_EQ(t->rows, RowLevel::kChildren);
  EXPECT_EQ(t->sheet_name, "测试表");
  EXPECT_EQ(t->columns[0].unit, "人");
  EXPECT_TRUE(t->Elements().empty());
}

TEST(Template, ErrorsNameTheProblem) {
  const std::string col = "[[column]]\ncode = \"c\"\nlabel_zh = \"列\"\nlabel_en = \"C\"\n";
  EXPECT_NE(Expect(col + "filter = [{ field = \"person.no_such\", op = \"=\", value = true }]\n").find("unknown data element 'person.no_such'"),
            std::string::npos);
  EXPECT_NE(Expect(col + "filter = [{ field = \"person.veteran\", op = \"=\", value = \"yes\" }]\n").find("compares with true or false"),
            std::string::npos);
  EXPECT_NE(Expect(col + "filter = [{ field = \"person.veteran\", op = \">=\", value = 1 }]\n").find("takes = or !="),
            std::string::npos);
  EXPECT_NE(Expect(col + "filter = [{ field = \"person.disability_type\", op = \"=\", value = \"9\" }]\n").find("'9' is not an allowed value"),
            std::string::npos);
  EXPECT_NE(Expect(col + "filter = [{ field = \"age\", op = \"=\", value = 80 }]\n").find("'age' takes"), std::string::npos);
  EXPECT_NE(Expect(col + "filter = [{ field = \"age\", op = \">=\", value = \"old\" }]\n").find("needs a number"), std::string::npos);
  EXPECT_NE(Expect(col + "filter = [{ field = \"age\", op = \">=\", value = 80.5 }]\n").find("whole years"), std::string::npos);
  EXPECT_NE(Expect(col + "filter = [{ field = \"age\", op = \"~\", value = 80 }]\n").find("unknown op '~'"), std::string::npos);
  EXPECT_NE(Expect(col + "filter = [{ field = \"person.veteran\", op = \"set\", value = true }]\n").find("takes no value"),
            std::string::npos);
  EXPECT_NE(Expect(col + "filter = [{ field = \"person.chronic_disease\", op = \"=\", value = \"diabetes\" }]\n").find("has or has_any"),
            std::string::npos);
  EXPECT_NE(Expect(col + "filter = [{ field = \"person.disability_grade\", op = \"in\", value = [] }]\n").find("non-empty list"),
            std::string::npos);
  EXPECT_NE(Expect(col + "filter = [{ field = \"household.dibao\", op = \"=\", value = true }]\n").find("attribute of household"),
            std::string::npos);
  EXPECT_NE(Expect(col + "filter = [{ field = \"person.id_number\", op = \"set\" }]\n").find("identifier"), std::string::npos);
  EXPECT_NE(Expect(col + "filter = [{ field = \"sex\", op = \"=\", value = \"other\" }]\n").find("male or female"), std::string::npos);
  EXPECT_NE(Expect(col + "kind = \"sum\"\nsum = \"person.veteran\"\n").find("sums need an integer or decimal"), std::string::npos);
  EXPECT_NE(Expect(col + "kind = \"sum\"\n").find("missing key 'sum'"), std::string::npos);
  EXPECT_NE(Expect(col + "kind = \"ratio\"\nnumerator = \"c\"\ndenominator = \"d\"\n").find("not an earlier column"),
            std::string::npos);
  EXPECT_NE(Expect(col + col).find("duplicate column code"), std::string::npos);
  EXPECT_NE(Expect(col + "colour = \"red\"\n").find("unknown key 'colour'"), std::string::npos);
  EXPECT_NE(Expect("").find("at least one [[column]]"), std::string::npos);
  EXPECT_NE(Expect("subject = \"house\"\n" + col).find("subject must be person or household"), std::string::npos);
  EXPECT_NE(Expect("rows = \"planet\"\n" + col).find("rows must be"), std::string::npos);
  EXPECT_NE(Expect("subject = \"household\"\n" + col + "filter = [{ field = \"age\", op = \">=\", value = 1 }]\n")
                .find("'age' is a person field"),
            std::string::npos);
  EXPECT_NE(Expect(col + "[layout]\nsheet_name = \"a/b\"\n").find("sheet_name"), std::string::npos);
  EXPECT_NE(Expect(col + "label_zh = 3\n").find(":"), std::string::npos);  // TOML: duplicate key
  auto bad_dept = ParseTemplate("t.toml", "code = \"x\"\ndepartment = \"nasa\"\ntitle_zh = \"a\"\ntitle_en = \"a\"\n" + col, Dict());
  ASSERT_FALSE(bad_dept.ok());
  EXPECT_NE(bad_dept.error().message.find("unknown department 'nasa'"), std::string::npos);
  auto bad_code = ParseTemplate("t.toml", "code = \"X Y\"\ndepartment = \"civil_affairs\"\ntitle_zh = \"a\"\ntitle_en = \"a\"\n" + col, Dict());
  ASSERT_FALSE(bad_code.ok());
  auto syntax = ParseTemplate("t.toml", "code = \"x", Dict());
  ASSERT_FALSE(syntax.ok());
  EXPECT_NE(syntax.error().message.find("t.toml:1:"), std::string::npos);
  auto huge = ParseTemplate("t.toml", std::string(300 * 1024, '#'), Dict());
  ASSERT_FALSE(huge.ok());
}

}  // namespace
}  // namespace cg::reports
