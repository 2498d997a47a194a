// Spreadsheet imports over HTTP on the test city: upload + preview, dry run, real run in the
// background, per-row results (JSON and CSV), the review queue, roles, scope and hostile uploads.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "api/test_city.hpp"
#include "model/masking.hpp"

namespace cg::api {
namespace {

using nlohmann::json;
using testing::TestCity;

using testing::FilePart;
using testing::Multipart;
using testing::MultipartHeaders;

std::string Upload(const std::string& filename, const std::string& data, const std::string& sheet = "") {
  std::vector<std::pair<std::string, std::string>> fields;
  if (!sheet.empty()) fields.push_back({"sheet", sheet});
  return Multipart(fields, {{"file", filename, "application/octet-stream", data}});
}

json Body(const Response& r) {
  auto j = json::parse(r.body, nullptr, false);
  EXPECT_FALSE(j.is_discarded()) << r.body.substr(0, 200);
  return j;
}

// Waits for a background import to leave "running" (the job is small; the loop only bounds a hang).
json WaitFor(TestCity& city, const TestCity::Login& who, std::int64_t id) {
  json job;
  for (int i = 0; i < 600; ++i) {
    job = Body(city.Call("GET", "/api/v1/imports/" + std::to_string(id), "", who.cookie));
    if (job["status"] != "running") return job;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ADD_FAILURE() << "import still running: " << job.dump();
  return job;
}

TEST(ImportsApi, UploadPreviewDryRunRunReviewAndResults) {
  TestCity city("imports_flow");
  auto jin = city.LogIn("jin");  // staff of community 150203010008
  const std::string a = model::MakeResidentId("150203", Date{1950, 3, 4}, 11);
  const std::string b = model::MakeResidentId("150203", Date{1990, 7, 8}, 22);
  json existing = {{"grid_code", "150203010008001"}, {"name", "王秀英"}, {"id_number", a},
                   {"ethnicity", "01"},              {"residence_status", "registered"}, {"phone", "13800000001"}};
  auto p = city.Call("POST", "/api/v1/persons", existing.dump(), jin.cookie, jin.csrf);
  ASSERT_EQ(p.status, 201) << p.body;
  const std::int64_t pa = Body(p)["id"];
  std::string csv = "序号,姓名,身份证号码,民族,联系电话,独居老人,人口类型,网格编码\n"
                    "1,王秀英," + a + ",汉族,13800000009,是,户籍,150203010008001\n"
                    "2,张伟," + b + ",汉族,,否,流动,150203010008001\n"
                    "3,坏行,123,汉族,,,户籍,150203010008001\n";
  auto up = city.Call("POST", "/api/v1/imports/uploads", Upload("民政台账.csv", csv), jin.cookie, jin.csrf,
                      MultipartHeaders());
  ASSERT_EQ(up.status, 201) << up.body;
  auto preview = Body(up);
  EXPECT_EQ(preview["file_name"], "民政台账.csv");
  EXPECT_EQ(preview["header"][1], "姓名");
  EXPECT_EQ(preview["suggested"][0], "");
  EXPECT_EQ(preview["suggested"][2], "person.id_number");
  EXPECT_EQ(preview["suggested"][7], "grid_code");
  EXPECT_EQ(preview["sample"].size(), 3u);
  EXPECT_EQ(preview["encoding"], "UTF-8");
  EXPECT_FALSE(preview["targets"].empty());
  const std::string upload_id = preview["upload_id"];

  // Dry run: results, nothing written.
  json start = {{"upload_id", upload_id}, {"scope", "150203010008"}, {"dry_run", true},
                {"mapping", preview["suggested"]}};
  auto dry = city.Call("POST", "/api/v1/imports", start.dump(), jin.cookie, jin.csrf);
  ASSERT_EQ(dry.status, 202) << dry.body;
  auto dry_job = WaitFor(city, jin, Body(dry)["id"]);
  EXPECT_EQ(dry_job["status"], "done") << dry_job.dump();
  EXPECT_EQ(dry_job["dry_run"], true);
  EXPECT_EQ(dry_job["counts"]["created"], 1);
  EXPECT_EQ(dry_job["counts"]["review"], 1);
  EXPECT_EQ(dry_job["counts"]["invalid"], 1);
  auto persons = Body(city.Call("GET", "/api/v1/persons", "", jin.cookie));
  EXPECT_EQ(persons["total"], 1);

  // The real run; the edited mapping drops the phone column: no conflict, the attribute is filled.
  start["dry_run"] = false;
  start["mapping"][4] = nullptr;
  auto run = city.Call("POST", "/api/v1/imports", start.dump(), jin.cookie, jin.csrf);
  ASSERT_EQ(run.status, 202) << run.body;
  const std::int64_t job_id = Body(run)["id"];
  auto job = WaitFor(city, jin, job_id);
  EXPECT_EQ(job["status"], "done") << job.dump();
  EXPECT_EQ(job["done_rows"], 3);
  EXPECT_EQ(job["total_rows"], 3);
  EXPECT_EQ(job["counts"]["created"], 1);
  EXPECT_EQ(job["counts"]["updated"], 1);
  EXPECT_EQ(job["counts"]["invalid"], 1);
  const std::string base = "/api/v1/imports/" + std::to_string(job_id);
  auto rows = Body(city.Call("GET", base + "/rows", "", jin.cookie));
  ASSERT_EQ(rows["total"], 3);
  EXPECT_EQ(rows["items"][0]["outcome"], "updated");
  EXPECT_EQ(rows["items"][0]["record_id"], pa);
  EXPECT_EQ(rows["items"][0]["detail"]["filled"], "person.elderly_living_alone");
  EXPECT_EQ(rows["items"][2]["outcome"], "invalid");
  EXPECT_NE(rows["items"][2]["detail"]["reason"].get<std::string>().find("person.id_number"), std::string::npos);
  auto invalid = Body(city.Call("GET", base + "/rows?outcome=invalid", "", jin.cookie));
  EXPECT_EQ(invalid["total"], 1);
  EXPECT_EQ(city.Call("GET", base + "/rows?outcome=maybe", "", jin.cookie).status, 400);
  auto history = Body(city.Call("GET", "/api/v1/persons/" + std::to_string(pa) + "/history", "", jin.cookie));
  EXPECT_EQ(history["items"].back()["source"], "import");

  // Again with the phone column: the differing phone goes to review; the record keeps its own.
  start["mapping"] = preview["suggested"];
  auto again = city.Call("POST", "/api/v1/imports", start.dump(), jin.cookie, jin.csrf);
  ASSERT_EQ(again.status, 202) << again.body;
  const std::int64_t job2 = Body(again)["id"];
  auto j2 = WaitFor(city, jin, job2);
  EXPECT_EQ(j2["counts"]["review"], 1) << j2.dump();
  EXPECT_EQ(j2["counts"]["unchanged"], 1);
  const std::string base2 = "/api/v1/imports/" + std::to_string(job2);
  auto review = Body(city.Call("GET", base2 + "/rows?outcome=review", "", jin.cookie));
  ASSERT_EQ(review["total"], 1);
  auto item = review["items"][0];
  EXPECT_EQ(item["review"], "conflict");
  EXPECT_EQ(item["detail"]["conflicts"], "person.phone");
  EXPECT_EQ(item["detail"]["existing.person.phone"], "138****0001");
  EXPECT_EQ(item["values"]["person.id_number"], model::MaskResidentId(a));
  EXPECT_EQ(item["values"]["person.phone"], "138****0009");
  EXPECT_EQ(review.dump().find(a), std::string::npos) << "no clear ID number in the review queue";
  auto person = Body(city.Call("GET", "/api/v1/persons/" + std::to_string(pa), "", jin.cookie));
  EXPECT_EQ(person["fields"]["phone"], "138****0001");

  const std::string resolve = base2 + "/rows/2/resolve";
  EXPECT_EQ(city.Call("POST", resolve, json{{"action", "merge"}}.dump(), jin.cookie, jin.csrf).status, 400);
  EXPECT_EQ(city.Call("POST", resolve, json{{"action", "link"}, {"take", "person.phone"}}.dump(), jin.cookie,
                      jin.csrf)
                .status,
            400);
  EXPECT_EQ(city.Call("POST", resolve, json{{"action", "link"}}.dump(), "", "").status, 401);
  auto took = city.Call("POST", resolve, json{{"action", "link"}, {"take", json::array({"person.phone"})}}.dump(), jin.cookie,
                        jin.csrf);
  ASSERT_EQ(took.status, 200) << took.body;
  EXPECT_EQ(Body(took)["outcome"], "updated");
  EXPECT_EQ(Body(took)["detail"]["taken"], "person.phone");
  person = Body(city.Call("GET", "/api/v1/persons/" + std::to_string(pa), "", jin.cookie));
  EXPECT_EQ(person["fields"]["phone"], "138****0009");
  EXPECT_EQ(city.Call("POST", resolve, json{{"action", "skip"}}.dump(), jin.cookie, jin.csrf).status, 409);
  EXPECT_EQ(Body(city.Call("GET", base2, "", jin.cookie))["counts"]["review"], 0);

  // Every row's fate as CSV for Excel.
  auto report = city.Call("GET", base + "/rows.csv", "", jin.cookie);
  ASSERT_EQ(report.status, 200);
  EXPECT_EQ(report.content_type, "text/csv; charset=utf-8");
  EXPECT_NE(report.body.find("2,updated,,"), std::string::npos) << report.body;
  EXPECT_EQ(report.body.find(a), std::string::npos);

  auto list = Body(city.Call("GET", "/api/v1/imports", "", jin.cookie));
  EXPECT_EQ(list["total"], 3);
}

constexpr char kNul[] = "姓名,身份证号码\n张\0三,1\n";

TEST(ImportsApi, RolesScopeAndHostileUploads) {
  TestCity city("imports_hostile");
  auto jin = city.LogIn("jin");
  auto ga = city.LogIn("ga");
  const std::string csv = "姓名,身份证号码,民族,人口类型\n张三," +
                          model::MakeResidentId("150203", Date{1980, 1, 1}, 3) + ",汉族,户籍\n";
  // Grid workers and residents do not import.
  EXPECT_EQ(city.Call("POST", "/api/v1/imports/uploads", Upload("a.csv", csv), ga.cookie, ga.csrf,
                      MultipartHeaders())
                .status,
            403);
  EXPECT_EQ(city.Call("GET", "/api/v1/imports", "", ga.cookie).status, 403);
  auto hostile = [&](const std::string& name, const std::string& data) {
    return city.Call("POST", "/api/v1/imports/uploads", Upload(name, data), jin.cookie, jin.csrf, MultipartHeaders());
  };
  std::vector<std::pair<std::string, std::string>> bad = {
      {"cut.xlsx", std::string("PK\x03\x04\x14\x00\x00\x00", 8) + "truncated"},
      {"old.xls", std::string("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) + std::string(600, '\0')},
      {"quote.csv", "姓名,身份证号码\n\"张三,1\n"},
      {"nul.csv", std::string(kNul, sizeof kNul - 1)},
      {"big-cell.csv", "姓名\n" + std::string(2 << 20, 'x') + "\n"},
  };
  for (const auto& [name, data] : bad) {
    auto r = hostile(name, data);
    EXPECT_TRUE(r.status == 400 || r.status == 413) << name << ": " << r.status << " " << r.body;
    auto e = Body(r)["error"];
    EXPECT_TRUE(e["message"].get<std::string>().starts_with("file: ")) << name << ": " << r.body;
  }
  EXPECT_EQ(city.Call("POST", "/api/v1/imports/uploads", "not multipart", jin.cookie, jin.csrf).status, 400);
  EXPECT_EQ(hostile("empty.csv", "").status, 400);

  auto up = Body(hostile("a.csv", csv));
  ASSERT_TRUE(up.contains("upload_id")) << up.dump();
  // Outside the caller's scope: not found; someone else's upload: not found.
  json start = {{"upload_id", up["upload_id"]}, {"scope", "150203010009"}};
  EXPECT_EQ(city.Call("POST", "/api/v1/imports", start.dump(), jin.cookie, jin.csrf).status, 404);
  auto alice = city.LogIn("alice");
  start["scope"] = "150203010008001";
  EXPECT_EQ(city.Call("POST", "/api/v1/imports", start.dump(), alice.cookie, alice.csrf).status, 404);
  for (const json& body : {json{{"upload_id", up["upload_id"]}, {"mapping", "x"}},
                           json{{"upload_id", up["upload_id"]}, {"mapping", json::array({"person.salary", nullptr})}},
                           json{{"upload_id", up["upload_id"]}, {"dry_run", "yes"}}, json{{"scope", "1502"}}}) {
    EXPECT_EQ(city.Call("POST", "/api/v1/imports", body.dump(), jin.cookie, jin.csrf).status, 400) << body.dump();
  }
  auto ok = city.Call("POST", "/api/v1/imports", start.dump(), jin.cookie, jin.csrf);
  ASSERT_EQ(ok.status, 202) << ok.body;
  auto job = WaitFor(city, jin, Body(ok)["id"]);
  EXPECT_EQ(job["counts"]["created"], 1) << job.dump();
  // The grid's worker may not read it; the other grid's worker does not even see it.
  const std::string path = "/api/v1/imports/" + std::to_string(job["id"].get<std::int64_t>());
  EXPECT_EQ(city.Call("GET", path, "", ga.cookie).status, 403);
  auto gb = city.LogIn("gb");
  EXPECT_EQ(city.Call("GET", path, "", gb.cookie).status, 404);
  EXPECT_EQ(city.Call("GET", path + "/rows", "", gb.cookie).status, 404);
  EXPECT_EQ(city.Call("GET", path, "", alice.cookie).status, 200);
  EXPECT_EQ(city.Call("GET", "/api/v1/imports/abc", "", jin.cookie).status, 404);
}

}  // namespace
}  // namespace cg::api
