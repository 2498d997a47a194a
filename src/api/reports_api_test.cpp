// Reports over HTTP: the template list, a live report in JSON, xlsx and CSV, scope refusals,
// an admin adding a template (dry run, new form elements, live figures), and the generated
// field form with its burden figures.
#include <gtest/gtest.h>

#include "api/test_city.hpp"
#include "tabular/xlsx.hpp"

namespace cg::api {
namespace {

using nlohmann::json;
using testing::TestCity;

json Body(const Response& r) { return json::parse(r.body, nullptr, false); }

// An 85-year-old in grid A; returns the person's id.
std::int64_t SeedElder(TestCity& city, const TestCity::Login& ga, int serial, bool alone) {
  const std::string id = model::MakeResidentId("150203", Date{1941, 4, 5}, serial);
  json person = {{"grid_code", "150203010008001"}, {"name", "高老伯"},
                 {"id_number", id},                 {"ethnicity", "01"},
                 {"residence_status", "registered"}, {"attributes", {{"person.elderly_living_alone", alone}}}};
  auto r = city.Call("POST", "/api/v1/persons", person.dump(), ga.cookie, ga.csrf);
  EXPECT_EQ(r.status, 201) << r.body;
  return Body(r)["id"].get<std::int64_t>();
}

int Column(const json& report, const std::string& code) {
  const auto& cols = report["template"]["columns"];
  for (std::size_t i = 0; i < cols.size(); ++i)
    if (cols[i]["code"] == code) return static_cast<int>(i);
  ADD_FAILURE() << "no column " << code;
  return 0;
}

TEST(ReportsApi, ListRunAndExport) {
  TestCity city("reports_run");
  auto ga = city.LogIn("ga");
  SeedElder(city, ga, 11, true);
  SeedElder(city, ga, 13, false);
  auto alice = city.LogIn("alice");

  auto list = Body(city.Call("GET", "/api/v1/reports", "", alice.cookie));
  ASSERT_TRUE(list["items"].is_array());
  std::set<std::string> departments;
  for (const auto& t : list["items"]) departments.insert(t["department"].get<std::string>());
  EXPECT_GE(departments.size(), 6u) << list.dump();

  // The district report: one row per street; the rows sum to the total; the community row is in.
  auto r = city.Call("GET", "/api/v1/reports/civil_affairs.elderly?scope=150203", "", alice.cookie);
  ASSERT_EQ(r.status, 200) << r.body;
  auto rep = Body(r);
  EXPECT_EQ(rep["scope"]["name"], "昆都仑区");
  ASSERT_EQ(rep["rows"].size(), 1u);
  EXPECT_EQ(rep["rows"][0]["name"], "市府东路街道");
  const int age80 = Column(rep, "age80_89"), alone = Column(rep, "alone"), pop = Column(rep, "population");
  EXPECT_EQ(rep["total"]["values"][age80], 2);
  EXPECT_EQ(rep["total"]["values"][alone], 1);
  EXPECT_EQ(rep["total"]["values"][pop], 2);
  EXPECT_EQ(rep["rows"][0]["values"][alone], 1);

  // The community report has one row per grid; grid B's row is zero.
  auto com = Body(city.Call("GET", "/api/v1/reports/civil_affairs.elderly?scope=150203010008", "", alice.cookie));
  ASSERT_EQ(com["rows"].size(), 2u);
  EXPECT_EQ(com["rows"][0]["values"][alone], 1);
  EXPECT_EQ(com["rows"][1]["values"][alone], 0);

  // xlsx: a real workbook whose first sheet has the Chinese title and the figures.
  auto x = city.Call("GET", "/api/v1/reports/civil_affairs.elderly?scope=150203&format=xlsx", "", alice.cookie);
  ASSERT_EQ(x.status, 200);
  EXPECT_EQ(x.content_type, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
  std::string disposition;
  for (const auto& [k, v] : x.headers)
    if (k == "Content-Disposition") disposition = v;
  EXPECT_NE(disposition.find("filename*=UTF-8''"), std::string::npos) << disposition;
  tabular::XlsxOptions no_header;
  no_header.header_row = 0;
  auto book = tabular::OpenXlsx(x.body, no_header);
  ASSERT_TRUE(book.ok()) << book.error().message;
  auto table = tabular::ReadAll(**book);
  ASSERT_TRUE(table.ok()) << table.error().message;
  std::string all;
  for (const auto& row : table->rows)
    for (const auto& cell : row) all += cell + "|";
  EXPECT_NE(all.find("老年人口基本情况统计表"), std::string::npos) << all;
  EXPECT_NE(all.find("市府东路街道"), std::string::npos);
  EXPECT_NE(all.find("合计"), std::string::npos);

  // CSV: UTF-8 with BOM, a header line and the total.
  auto c = city.Call("GET", "/api/v1/reports/civil_affairs.elderly?scope=150203&format=csv", "", alice.cookie);
  ASSERT_EQ(c.status, 200);
  EXPECT_EQ(c.body.substr(0, 3), "\xEF\xBB\xBF");
  EXPECT_NE(c.body.find("合计"), std::string::npos);

  // Bad input: unknown format, template and scope code shape.
  EXPECT_EQ(city.Call("GET", "/api/v1/reports/civil_affairs.elderly?format=pdf", "", alice.cookie).status, 400);
  EXPECT_EQ(city.Call("GET", "/api/v1/reports/nope?scope=150203", "", alice.cookie).status, 404);
  EXPECT_EQ(city.Call("GET", "/api/v1/reports/civil_affairs.elderly?scope=abc", "", alice.cookie).status, 400);
}

TEST(ReportsApi, AFieldEditShowsAtOnceAndScopeIsEnforced) {
  TestCity city("reports_live");
  auto ga = city.LogIn("ga");
  auto pid = SeedElder(city, ga, 15, false);
  auto jin = city.LogIn("jin");
  const std::string path = "/api/v1/reports/civil_affairs.elderly?scope=150203010008";
  auto before = Body(city.Call("GET", path, "", jin.cookie));
  const int alone = Column(before, "alone");
  EXPECT_EQ(before["total"]["values"][alone], 0);
  auto p = city.Call("PATCH", "/api/v1/persons/" + std::to_string(pid),
                     json{{"version", 1}, {"attributes", {{"person.elderly_living_alone", true}}}}.dump(), ga.cookie,
                     ga.csrf);
  ASSERT_EQ(p.status, 200) << p.body;
  auto after = Body(city.Call("GET", path, "", jin.cookie));
  EXPECT_EQ(after["total"]["values"][alone], 1);
  EXPECT_GT(after["seq"].get<std::int64_t>(), before["seq"].get<std::int64_t>());

  // jin (community staff) cannot see the district; gb cannot see grid A; a resident reads none.
  EXPECT_EQ(city.Call("GET", "/api/v1/reports/civil_affairs.elderly?scope=150203", "", jin.cookie).status, 404);
  auto gb = city.LogIn("gb");
  auto foreign = city.Call("GET", "/api/v1/reports/civil_affairs.elderly?scope=150203010008001", "", gb.cookie);
  EXPECT_EQ(foreign.status, 404);
  EXPECT_EQ(foreign.body.find("甲网格"), std::string::npos);
  auto own = Body(city.Call("GET", "/api/v1/reports/civil_affairs.elderly", "", gb.cookie));
  EXPECT_EQ(own["scope"]["code"], "150203010008002");
  EXPECT_EQ(own["total"]["values"][alone], 0);
  auto rita = city.LogIn("rita");
  EXPECT_EQ(city.Call("GET", "/api/v1/reports", "", rita.cookie).status, 403);
  EXPECT_EQ(city.Call("GET", path, "", rita.cookie).status, 403);
}

TEST(ReportsApi, AdminAddsATemplateWithoutARebuild) {
  TestCity city("reports_admin");
  auto ga = city.LogIn("ga");
  SeedElder(city, ga, 17, true);
  // An admin account for this test.
  auto hash = auth::HashPassword("password-1");
  model::User admin;
  admin.username = "root";
  admin.role = model::Role::kAdmin;
  admin.scope_code = "1502";
  admin.password_hash = *hash;
  ASSERT_TRUE(city.store->CreateUser(admin).ok());
  auto root = city.LogIn("root");
  auto alice = city.LogIn("alice");

  const std::string toml = R"(code = "community.alone_elderly"
department = "civil_affairs"
title_zh = "独居高龄老人花名册统计"
title_en = "Oldest living alone"
subject = "person"
rows = "children"
[[column]]
code = "alone90"
label_zh = "90周岁以上独居"
label_en = "Aged 90+ alone"
filter = [{ field = "age", op = ">=", value = 80 }, { field = "person.elderly_living_alone", op = "=", value = true }]
)";
  // Staff may not add; bad TOML is a 400 naming the problem; a dry run changes nothing.
  EXPECT_EQ(city.Call("POST", "/api/v1/report-templates", json{{"toml", toml}}.dump(), alice.cookie, alice.csrf).status,
            403);
  auto bad = city.Call("POST", "/api/v1/report-templates", json{{"toml", "code = 1\n[[column"}}.dump(), root.cookie,
                       root.csrf);
  EXPECT_EQ(bad.status, 400) << bad.body;
  auto unknown = city.Call("POST", "/api/v1/report-templates",
                           json{{"toml", toml + "[[column]]\ncode = \"x\"\nlabel_zh = \"x\"\nlabel_en = \"x\"\n"
                                                "filter = [{ field = \"person.no_such\", op = \"set\" }]\n"}}
                               .dump(),
                           root.cookie, root.csrf);
  EXPECT_EQ(unknown.status, 400);
  EXPECT_NE(unknown.body.find("person.no_such"), std::string::npos) << unknown.body;
  auto dry = city.Call("POST", "/api/v1/report-templates?dry_run=1", json{{"toml", toml}}.dump(), root.cookie, root.csrf);
  ASSERT_EQ(dry.status, 200) << dry.body;
  EXPECT_TRUE(Body(dry)["new_elements"].empty()) << "the built-in elderly report already needs the element";
  EXPECT_EQ(city.Call("GET", "/api/v1/reports/community.alone_elderly", "", alice.cookie).status, 404);

  auto added = city.Call("POST", "/api/v1/report-templates", json{{"toml", toml}}.dump(), root.cookie, root.csrf);
  ASSERT_EQ(added.status, 201) << added.body;
  EXPECT_EQ(city.Call("POST", "/api/v1/report-templates", json{{"toml", toml}}.dump(), root.cookie, root.csrf).status,
            409);
  auto rep = Body(city.Call("GET", "/api/v1/reports/community.alone_elderly?scope=1502", "", alice.cookie));
  EXPECT_EQ(rep["total"]["values"][0], 1) << rep.dump();

  // A template needing an element no active template needs shows it as a new form field.
  auto more = city.Call("POST", "/api/v1/report-templates?dry_run=1",
                        json{{"toml", R"(code = "x.blood"
department = "health"
title_zh = "血型统计"
title_en = "Blood types"
subject = "person"
[[column]]
code = "typed"
label_zh = "已登记血型"
label_en = "Typed"
filter = [{ field = "person.blood_type", op = "set" }]
)"}}.dump(),
                        root.cookie, root.csrf);
  if (more.status == 200) {
    auto news = Body(more)["new_elements"];
    ASSERT_EQ(news.size(), 1u) << more.body;
    EXPECT_EQ(news[0]["code"], "person.blood_type");
  } else {
    // The dictionary has no such element: the refusal names it.
    EXPECT_EQ(more.status, 400);
    EXPECT_NE(more.body.find("person.blood_type"), std::string::npos);
  }

  // Built-in templates cannot be removed; the added one can, and its report is gone.
  EXPECT_EQ(city.Call("DELETE", "/api/v1/report-templates/civil_affairs.elderly", "", root.cookie, root.csrf).status,
            409);
  EXPECT_EQ(city.Call("DELETE", "/api/v1/report-templates/community.alone_elderly", "", root.cookie, root.csrf).status,
            204);
  EXPECT_EQ(city.Call("GET", "/api/v1/reports/community.alone_elderly", "", alice.cookie).status, 404);
}

TEST(ReportsApi, GeneratedFormAndBurden) {
  TestCity city("reports_form");
  auto ga = city.LogIn("ga");
  auto r = city.Call("GET", "/api/v1/forms/household", "", ga.cookie);
  ASSERT_EQ(r.status, 200) << r.body;
  auto form = Body(r);
  std::set<std::string> codes;
  int fields = 0;  // what the burden counts: every element plus the required core fields
  for (const auto& s : form["sections"])
    for (const auto& f : s["fields"]) {
      if (!f["core"].get<bool>() || f["required"].get<bool>()) ++fields;
      EXPECT_TRUE(codes.insert(s["entity"].get<std::string>() + ":" + f["code"].get<std::string>()).second)
          << "asked twice: " << f["code"];
    }
  EXPECT_TRUE(codes.count("person:person.elderly_living_alone"));
  EXPECT_EQ(form["burden"]["fields_once"], fields);
  EXPECT_GT(form["burden"]["fields_separate"].get<int>(), form["burden"]["fields_once"].get<int>());
  EXPECT_GE(form["burden"]["departments"].get<int>(), 6);
  EXPECT_EQ(city.Call("GET", "/api/v1/forms/vehicle", "", ga.cookie).status, 404);
}

}  // namespace
}  // namespace cg::api
