// Governance projects over HTTP: staff create and run a project, a milestone past due stalls it,
// the roll-up counts it, progress reports carry re-encoded photos, the public page lists only
// published projects; every refusal is a clear 4xx that writes nothing.
#include <gtest/gtest.h>

#include "api/test_city.hpp"
#include "media/testing/test_images.hpp"

namespace cg::api {
namespace {

using testing::FilePart;
using testing::Multipart;
using testing::MultipartHeaders;
using testing::TestCity;
namespace ti = media::test_images;

nlohmann::json Json(const Response& r) { return nlohmann::json::parse(r.body, nullptr, false); }

// The test city's clock is 2026-06-01 (Beijing time).
nlohmann::json Draft(const std::string& owner) {
  return {{"owner_code", owner},
          {"title", "居民吐槽大会"},
          {"category", "dialogue"},
          {"goals", "每季度一场，问题当场认领"},
          {"start_date", "2026-03-01"},
          {"end_date", "2026-12-31"},
          {"milestones", {{{"title", "第一场"}, {"due_date", "2026-04-15"}}, {{"title", "第二场"}, {"due_date", "2026-07-15"}}}},
          {"indicators", {{{"name", "认领问题"}, {"unit", "个"}, {"target", 40}}}}};
}

TEST(ProjectsApi, CreateStallRollUpAndPublish) {
  TestCity city("projects_api");
  auto alice = city.LogIn("alice");  // staff of the city
  auto jin = city.LogIn("jin");      // staff of 金华社区
  auto ga = city.LogIn("ga");        // grid worker of 甲网格

  // Refusals: role, scope, fields — and nothing written.
  EXPECT_EQ(city.Call("POST", "/api/v1/projects", Draft("150203010008").dump(), ga.cookie, ga.csrf).status, 403);
  EXPECT_EQ(city.Call("POST", "/api/v1/projects", Draft("150203010009").dump(), jin.cookie, jin.csrf).status, 404)
      << "丙社区 is not 金华社区's";
  for (auto [field, edit] : std::vector<std::pair<std::string, std::function<void(nlohmann::json&)>>>{
           {"milestones[0].due_date", [](nlohmann::json& d) { d["milestones"][0]["due_date"] = "2026-02-01"; }},
           {"start_date", [](nlohmann::json& d) { d["start_date"] = "2026-02-30"; }},
           {"category", [](nlohmann::json& d) { d["category"] = "party-time"; }},
           {"indicators[0].target", [](nlohmann::json& d) { d["indicators"][0]["target"] = "many"; }},
           {"owner_code", [](nlohmann::json& d) { d["owner_code"] = "150203010008001"; }},
           {"published", [](nlohmann::json& d) { d["published"] = "yes"; }}}) {
    auto bad = Draft("150203010008");
    edit(bad);
    auto r = city.Call("POST", "/api/v1/projects", bad.dump(), jin.cookie, jin.csrf);
    EXPECT_EQ(r.status, 400) << field << ": " << r.body;
    EXPECT_NE(r.body.find(field), std::string::npos) << r.body;
  }
  auto unknown_level = city.Call("GET", "/api/v1/projects?level=county", "", jin.cookie);
  EXPECT_EQ(unknown_level.status, 400);
  EXPECT_NE(unknown_level.body.find("level"), std::string::npos);
  EXPECT_EQ(city.Call("GET", "/api/v1/public/projects?level=county").status, 400);
  EXPECT_EQ(Json(city.Call("GET", "/api/v1/projects", "", alice.cookie))["total"], 0) << "nothing was written";

  // A community project whose first milestone (04-15) is past due on 06-01: stalled.
  auto draft = Draft("150203010008");
  draft["title"] = "<script>alert('x')</script>吐槽大会";
  auto created = city.Call("POST", "/api/v1/projects", draft.dump(), jin.cookie, jin.csrf);
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(created.body.find("<script>"), std::string::npos) << "escaped in JSON";
  auto p = Json(created);
  EXPECT_EQ(p["title"], "<script>alert('x')</script>吐槽大会");
  EXPECT_EQ(p["status"], "stalled");
  EXPECT_EQ(p["level"], "street");
  EXPECT_EQ(p["milestones"][0]["state"], "overdue");
  EXPECT_EQ(p["milestones"][1]["state"], "open");
  const std::string id = std::to_string(p["id"].get<int>());
  const std::string first = std::to_string(p["milestones"][0]["id"].get<int>());
  const std::string second = std::to_string(p["milestones"][1]["id"].get<int>());
  const std::string ind = std::to_string(p["indicators"][0]["id"].get<int>());

  // Scope: the grid worker below it and the city's staff above it.
  EXPECT_EQ(city.Call("GET", "/api/v1/projects/" + id, "", ga.cookie).status, 404);
  EXPECT_EQ(city.Call("POST", "/api/v1/projects/" + id + "/done", R"({"done":true})", ga.cookie, ga.csrf).status, 404);
  EXPECT_EQ(city.Call("GET", "/api/v1/projects/" + id, "", alice.cookie).status, 200);
  auto street = Json(city.Call("GET", "/api/v1/projects?level=street&status=stalled", "", alice.cookie));
  EXPECT_EQ(street["total"], 1);
  EXPECT_EQ(Json(city.Call("GET", "/api/v1/projects?level=city", "", alice.cookie))["total"], 0);

  // The roll-up counts it at street level and under its district; the public one too.
  auto rollup = Json(city.Call("GET", "/api/v1/projects/rollup?under=1502", "", alice.cookie));
  EXPECT_EQ(rollup["total"]["stalled"], 1);
  EXPECT_EQ(rollup["by_level"]["street"]["stalled"], 1);
  EXPECT_EQ(rollup["total"]["milestones_overdue"], 1);
  ASSERT_EQ(rollup["by_child"].size(), 1u);
  EXPECT_EQ(rollup["by_child"][0]["name"], "昆都仑区");
  EXPECT_EQ(city.Call("GET", "/api/v1/projects/rollup?under=1502", "", jin.cookie).status, 404) << "above jin";
  EXPECT_EQ(Json(city.Call("GET", "/api/v1/public/projects/rollup?under=1502"))["total"]["stalled"], 1);
  auto pub = Json(city.Call("GET", "/api/v1/public/projects"));
  ASSERT_EQ(pub["total"], 1);
  EXPECT_EQ(pub["items"][0]["status"], "stalled");
  EXPECT_FALSE(pub["items"][0].contains("created_by"));
  EXPECT_FALSE(Json(city.Call("GET", "/api/v1/public/projects/" + id)).contains("history"));

  // Milestone changes: exactly one of due_date / completed; not before the start; not in the future.
  const std::string ms = "/api/v1/projects/" + id + "/milestones/";
  EXPECT_EQ(city.Call("POST", ms + first, "{}", jin.cookie, jin.csrf).status, 400);
  EXPECT_EQ(city.Call("POST", ms + first, R"({"due_date":"2026-01-01"})", jin.cookie, jin.csrf).status, 400);
  EXPECT_EQ(city.Call("POST", ms + first, R"({"completed":true,"completed_on":"2026-06-02"})", jin.cookie, jin.csrf)
                .status,
            400);
  EXPECT_EQ(city.Call("POST", ms + "999999", R"({"completed":true})", jin.cookie, jin.csrf).status, 404);
  auto done = Json(city.Call("POST", ms + first, R"({"completed":true,"completed_on":"2026-04-20"})", jin.cookie,
                             jin.csrf));
  EXPECT_EQ(done["status"], "under_way");
  EXPECT_EQ(done["milestones"][0]["state"], "late");
  // Rescheduling the second into the past stalls it again.
  auto moved = Json(city.Call("POST", ms + second, R"({"due_date":"2026-05-31"})", jin.cookie, jin.csrf));
  EXPECT_EQ(moved["status"], "stalled");
  EXPECT_EQ(moved["history"][0]["action"], "milestone_due");

  // A progress report with a photo and the indicator's value; a non-image is refused.
  const std::string reports = "/api/v1/projects/" + id + "/reports";
  auto not_image = city.Call("POST", reports,
                             Multipart({{"body", "第二场"}, {"value." + ind, "18"}},
                                       {FilePart{"photo", "x.jpg", "image/jpeg", "this is not an image"}}),
                             jin.cookie, jin.csrf, MultipartHeaders());
  EXPECT_EQ(not_image.status, 400) << not_image.body;
  EXPECT_NE(not_image.body.find("photo"), std::string::npos) << not_image.body;
  EXPECT_EQ(city.Call("POST", reports, Multipart({{"body", "x"}, {"value.abc", "1"}}, {}), jin.cookie, jin.csrf,
                      MultipartHeaders())
                .status,
            400);
  EXPECT_EQ(city.Call("POST", reports, R"({"body":"x","values":{")" + ind + R"(":"many"}})", jin.cookie, jin.csrf)
                .status,
            400);
  auto reported = city.Call("POST", reports,
                            Multipart({{"body", "第二场吐槽大会，认领问题18个"}, {"value." + ind, "18"}},
                                      {FilePart{"photo", "a.jpg", "image/jpeg", ti::JpegWithExif(640, 480, ti::GpsSpec{{40, 39, 0}, "N", {109, 50, 0}, "E"})}}),
                            jin.cookie, jin.csrf, MultipartHeaders());
  ASSERT_EQ(reported.status, 201) << reported.body;
  auto after = Json(reported);
  EXPECT_EQ(after["indicators"][0]["current"], 18);
  ASSERT_EQ(after["progress_reports"].size(), 1u);
  const std::string url = after["progress_reports"][0]["photos"][0]["url"];
  auto photo = city.Call("GET", url, "", jin.cookie);
  ASSERT_EQ(photo.status, 200);
  EXPECT_EQ(photo.content_type, "image/jpeg");
  EXPECT_EQ(photo.body.find(ti::kMake), std::string::npos) << "metadata stripped";
  EXPECT_EQ(city.Call("GET", url, "", ga.cookie).status, 404);
  auto pub_detail = Json(city.Call("GET", "/api/v1/public/projects/" + id));
  const std::string pub_url = pub_detail["progress_reports"][0]["photos"][0]["thumb_url"];
  EXPECT_EQ(city.Call("GET", pub_url).status, 200);

  // Hidden from the public page: its detail and photos 404 there, staff still see it.
  auto hidden = city.Call("POST", "/api/v1/projects/" + id + "/published", R"({"published":false})", jin.cookie,
                          jin.csrf);
  ASSERT_EQ(hidden.status, 200) << hidden.body;
  EXPECT_EQ(city.Call("GET", "/api/v1/public/projects/" + id).status, 404);
  EXPECT_EQ(city.Call("GET", pub_url).status, 404);
  EXPECT_EQ(Json(city.Call("GET", "/api/v1/public/projects"))["total"], 0);
  EXPECT_EQ(city.Call("POST", "/api/v1/projects/" + id + "/published", R"({"published":false})", jin.cookie, jin.csrf)
                .status,
            409);
  // Done wins over stalled.
  auto closed = Json(city.Call("POST", "/api/v1/projects/" + id + "/done", R"({"done":true})", jin.cookie, jin.csrf));
  EXPECT_EQ(closed["status"], "done");
  EXPECT_EQ(closed["done_on"], "2026-06-01");

  // Every route is in the OpenAPI document.
  auto openapi = city.Call("GET", "/api/openapi.json");
  for (const char* path : {"/api/v1/projects", "/api/v1/projects/rollup", "/api/v1/public/projects",
                           "/api/v1/projects/{id}/milestones/{milestone_id}"}) {
    EXPECT_NE(openapi.body.find(std::string("\"") + path + "\""), std::string::npos) << path;
  }
}

}  // namespace
}  // namespace cg::api
