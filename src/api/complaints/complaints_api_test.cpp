// Complaint sessions over HTTP: staff of a community hold a session and record a complaint in
// person, which opens a complaint case handled by the community; a resident submits online
// only inside the window and at most five times; bad input is a 400 naming the field with
// nothing written; staff outside the area get 404, a grid worker 403; closing the cases
// turns the session to 整改完成; the public copy never names who complained.
#include <gtest/gtest.h>

#include "api/test_city.hpp"

namespace cg::api {
namespace {

using testing::TestCity;

nlohmann::json Json(const Response& r) { return nlohmann::json::parse(r.body, nullptr, false); }

constexpr Timestamp kDay = 86'400'000;

TEST(ComplaintsApi, SessionToRectificationList) {
  TestCity city("complaints_api");
  auto jin = city.LogIn("jin");
  auto ga = city.LogIn("ga");
  auto rita = city.LogIn("rita");
  auto alice = city.LogIn("alice");
  const Timestamp now = city.clock.Now();
  const nlohmann::json draft = {{"org_code", "150203010008"}, {"title", "金华社区居民吐槽大会"},
                                {"place", "社区活动室"}, {"held_at", now + 5 * kDay},
                                {"opens_at", now + kDay}, {"closes_at", now + 5 * kDay}};
  EXPECT_EQ(city.Call("POST", "/api/v1/complaint-sessions", draft.dump(), ga.cookie, ga.csrf).status, 403);
  EXPECT_EQ(city.Call("POST", "/api/v1/complaint-sessions", draft.dump(), rita.cookie, rita.csrf).status, 403);
  for (auto [field, value] : {std::pair{"held_at", nlohmann::json(now)}, std::pair{"title", nlohmann::json("")},
                              std::pair{"held_at", nlohmann::json("tomorrow")},
                              std::pair{"org_code", nlohmann::json("150203010008001")}}) {
    auto bad = draft;
    bad[field] = value;
    auto r = city.Call("POST", "/api/v1/complaint-sessions", bad.dump(), jin.cookie, jin.csrf);
    EXPECT_EQ(r.status, 400) << field << ": " << r.body;
    EXPECT_NE(Json(r)["error"]["message"].get<std::string>().find(field), std::string::npos) << r.body;
  }
  auto outside = draft;
  outside["org_code"] = "150203010009";
  EXPECT_EQ(city.Call("POST", "/api/v1/complaint-sessions", outside.dump(), jin.cookie, jin.csrf).status, 404);
  EXPECT_EQ(Json(city.Call("GET", "/api/v1/complaint-sessions", "", jin.cookie))["total"], 0) << "nothing written";

  auto created = city.Call("POST", "/api/v1/complaint-sessions", draft.dump(), jin.cookie, jin.csrf);
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(Json(created)["status"], "upcoming");
  const std::string id = std::to_string(Json(created)["id"].get<std::int64_t>());
  const std::string path = "/api/v1/complaint-sessions/" + id;
  auto listed = Json(city.Call("GET", "/api/v1/complaint-sessions?limit=10&offset=0", "", jin.cookie));
  ASSERT_EQ(listed["total"], 1);
  EXPECT_EQ(listed["items"][0]["area_name"], "金华社区");

  // Online before the window: 409. Staff record in person at any time.
  const nlohmann::json online = {{"text", "<script>alert(1)</script>小区门口乱停车"}, {"category", "parking"}};
  EXPECT_EQ(city.Call("POST", path + "/complaints", online.dump(), rita.cookie, rita.csrf).status, 409);
  for (auto [field, value] : {std::pair{"text", nlohmann::json("  ")},
                              std::pair{"text", nlohmann::json(std::string(2001, 'x'))},
                              std::pair{"category", nlohmann::json("noise")}}) {
    auto bad = online;
    bad[field] = value;
    auto r = city.Call("POST", path + "/complaints", bad.dump(), jin.cookie, jin.csrf);
    EXPECT_EQ(r.status, 400) << field << ": " << r.body;
    EXPECT_NE(Json(r)["error"]["message"].get<std::string>().find(field), std::string::npos) << r.body;
  }
  // A grid worker sees no session (none is a grid's): 404, as if there were none.
  EXPECT_EQ(city.Call("POST", path + "/complaints", online.dump(), ga.cookie, ga.csrf).status, 404);
  const nlohmann::json in_person = {{"text", "楼道堆放杂物，存在消防隐患"}, {"category", "safety"},
                                    {"resident_name", "张大爷"}};
  auto raised = city.Call("POST", path + "/complaints", in_person.dump(), jin.cookie, jin.csrf);
  ASSERT_EQ(raised.status, 201) << raised.body;
  auto complaint = Json(raised);
  EXPECT_EQ(complaint["channel"], "in_person");
  ASSERT_TRUE(complaint["case"].is_object()) << raised.body;
  EXPECT_EQ(complaint["case"]["state"], "registered");
  EXPECT_EQ(complaint["case"]["handling_unit_code"], "150203010008");
  EXPECT_EQ(complaint["case"]["closed"], false);
  EXPECT_GT(complaint["case"]["due_at"].get<Timestamp>(), now + 5 * kDay) << "5 working days for safety";
  const std::string case_id = complaint["case"]["id"];
  auto kase = Json(city.Call("GET", "/api/v1/cases/" + case_id, "", jin.cookie));
  EXPECT_EQ(kase["type"], "complaint");
  EXPECT_EQ(kase["category"], "safety");

  // Inside the window a resident submits online, five times at most.
  city.clock.Set(now + 2 * kDay);
  jin = city.LogIn("jin");  // the sessions have expired meanwhile
  rita = city.LogIn("rita");
  for (int i = 0; i < 5; ++i) {
    auto r = city.Call("POST", path + "/complaints", online.dump(), rita.cookie, rita.csrf);
    ASSERT_EQ(r.status, 201) << r.body;
    EXPECT_EQ(Json(r)["channel"], "online");
  }
  EXPECT_EQ(city.Call("POST", path + "/complaints", online.dump(), rita.cookie, rita.csrf).status, 409);
  auto view = Json(city.Call("GET", path, "", jin.cookie));
  EXPECT_EQ(view["status"], "collecting");
  EXPECT_EQ(view["manage"], true);
  ASSERT_EQ(view["complaints"].size(), 6u);
  EXPECT_EQ(view["counts"]["total"], 6);
  EXPECT_EQ(view["counts"]["open"], 6);
  EXPECT_EQ(view["complaints"][0]["resident_name"], "张大爷");

  // The public copy: texts as written, never who complained or the staff case id.
  auto pub = city.Call("GET", "/api/v1/public/complaint-sessions/" + id);
  ASSERT_EQ(pub.status, 200);
  EXPECT_EQ(pub.body.find("张大爷"), std::string::npos);
  EXPECT_EQ(pub.body.find("user_id"), std::string::npos);
  EXPECT_NE(pub.body.find("\\u003cscript") == std::string::npos ? pub.body.find("<script>") : 0, std::string::npos);
  EXPECT_FALSE(Json(pub)["complaints"][0]["case"].contains("id"));
  EXPECT_EQ(Json(city.Call("GET", "/api/v1/public/complaint-sessions?unit=150203010008"))["total"], 1);
  EXPECT_EQ(city.Call("GET", "/api/v1/public/complaint-sessions").status, 400);

  // Held; each case is closed by the community's staff with a reply: 整改完成.
  city.clock.Set(now + 6 * kDay);
  jin = city.LogIn("jin");
  alice = city.LogIn("alice");
  EXPECT_EQ(Json(city.Call("GET", path, "", jin.cookie))["status"], "rectifying");
  for (const auto& c : view["complaints"]) {
    const std::string cid = c["case"]["id"];
    auto current = Json(city.Call("GET", "/api/v1/cases/" + cid, "", jin.cookie));
    nlohmann::json body = {{"input", {{"reply", "已清理，已施划车位"}}}, {"version", current["version"]}};
    auto r = city.Call("POST", "/api/v1/cases/" + cid + "/transitions/rectify", body.dump(), jin.cookie, jin.csrf);
    ASSERT_EQ(r.status, 200) << r.body;
  }
  auto done = Json(city.Call("GET", "/api/v1/public/complaint-sessions/" + id));
  EXPECT_EQ(done["status"], "closed");
  EXPECT_EQ(done["counts"]["closed"], 6);
  EXPECT_EQ(done["complaints"][0]["case"]["state_name"], "已整改");
  EXPECT_EQ(done["complaints"][0]["case"]["reply"], "已清理，已施划车位");
  EXPECT_EQ(Json(city.Call("GET", path, "", alice.cookie))["manage"], true) << "the city's staff manage below";
}

TEST(ComplaintsApi, OutsideTheAreaIsNotFound) {
  TestCity city("complaints_scope");
  auto alice = city.LogIn("alice");
  auto jin = city.LogIn("jin");
  auto ga = city.LogIn("ga");
  const Timestamp now = city.clock.Now();
  const nlohmann::json draft = {{"org_code", "150203010009"}, {"title", "丙社区吐槽大会"}, {"place", "广场"},
                                {"held_at", now + kDay}};
  auto created = city.Call("POST", "/api/v1/complaint-sessions", draft.dump(), alice.cookie, alice.csrf);
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string path = "/api/v1/complaint-sessions/" + std::to_string(Json(created)["id"].get<std::int64_t>());
  EXPECT_EQ(city.Call("GET", path, "", jin.cookie).status, 404);
  EXPECT_EQ(city.Call("GET", path, "", ga.cookie).status, 404);
  const nlohmann::json c = {{"text", "路灯不亮"}, {"category", "services"}};
  EXPECT_EQ(city.Call("POST", path + "/complaints", c.dump(), jin.cookie, jin.csrf).status, 404);
  EXPECT_EQ(city.Call("GET", "/api/v1/complaint-sessions?unit=150203010009", "", jin.cookie).status, 404);
  EXPECT_EQ(city.Call("GET", "/api/v1/complaint-sessions/abc", "", alice.cookie).status, 404);
  // No online window: a resident cannot submit; the owner's staff can.
  auto rita = city.LogIn("rita");
  EXPECT_EQ(city.Call("POST", path + "/complaints", c.dump(), rita.cookie, rita.csrf).status, 409);
  EXPECT_EQ(city.Call("POST", path + "/complaints", c.dump(), alice.cookie, alice.csrf).status, 201);
}

}  // namespace
}  // namespace cg::api
