// Deliberation over HTTP: a staff member opens a topic, a resident verifies by ID number and
// name and votes once; an unverified account, a grid worker, a second vote and a vote after
// closing are refused with a clear 4xx and change no count; comments are moderated with an
// audit entry; a meeting's decision opens a case; the public copy never shows who voted.
#include <gtest/gtest.h>

#include "api/test_city.hpp"

namespace cg::api {
namespace {

using testing::TestCity;

nlohmann::json Json(const Response& r) { return nlohmann::json::parse(r.body, nullptr, false); }

constexpr Timestamp kDay = 86'400'000;

TEST(TopicsApi, AVerifiedResidentVotesOnceAndTheCountIsLive) {
  TestCity city("topics_api");
  auto jin = city.LogIn("jin");
  auto alice = city.LogIn("alice");
  auto ga = city.LogIn("ga");
  auto rita = city.LogIn("rita");
  // The person rita is, in 甲网格, and an unverified resident account.
  const std::string id_number = model::MakeResidentId("150203", Date{1948, 5, 6}, 17);
  auto person = city.Call("POST", "/api/v1/persons",
                          nlohmann::json{{"grid_code", "150203010008001"}, {"name", "李桂兰"}, {"id_number", id_number},
                                         {"ethnicity", "01"}, {"residence_status", "registered"}}
                              .dump(),
                          alice.cookie, alice.csrf);
  ASSERT_EQ(person.status, 201) << person.body;
  model::User ron;
  ron.username = "ron";
  ron.role = model::Role::kResident;
  ron.scope_code = "150203010008001";
  ron.password_hash = *auth::HashPassword("password-1");
  ASSERT_TRUE(city.store->CreateUser(ron).ok());
  auto ronl = city.LogIn("ron");

  const nlohmann::json draft = {{"org_code", "150203010008"}, {"title", "3号楼是否加装电梯"},
                                {"background", "居民提议加装电梯，费用按楼层分摊。"},
                                {"options", {"同意", "不同意"}}, {"closes_at", city.clock.Now() + 7 * kDay}};
  EXPECT_EQ(city.Call("POST", "/api/v1/topics", draft.dump(), ga.cookie, ga.csrf).status, 403);
  EXPECT_EQ(city.Call("POST", "/api/v1/topics", draft.dump(), rita.cookie, rita.csrf).status, 403);
  for (auto [field, value] : {std::pair{"options", nlohmann::json({"同意"})},
                              std::pair{"options", nlohmann::json("同意")},
                              std::pair{"closes_at", nlohmann::json(1.5)},
                              std::pair{"title", nlohmann::json("")}, std::pair{"mode", nlohmann::json("poll")}}) {
    auto bad = draft;
    bad[field] = value;
    auto r = city.Call("POST", "/api/v1/topics", bad.dump(), jin.cookie, jin.csrf);
    EXPECT_EQ(r.status, 400) << field << ": " << r.body;
    EXPECT_NE(Json(r)["error"]["message"].get<std::string>().find(field), std::string::npos) << r.body;
  }
  auto above = draft;
  above["org_code"] = "150203010";
  EXPECT_EQ(city.Call("POST", "/api/v1/topics", above.dump(), jin.cookie, jin.csrf).status, 404);
  auto opened = city.Call("POST", "/api/v1/topics", draft.dump(), jin.cookie, jin.csrf);
  ASSERT_EQ(opened.status, 201) << opened.body;
  const std::string topic = "/api/v1/topics/" + std::to_string(Json(opened)["id"].get<std::int64_t>());
  auto listed = Json(city.Call("GET", "/api/v1/topics", "", jin.cookie));
  ASSERT_EQ(listed["total"], 1);
  EXPECT_FALSE(listed["items"][0]["area_name"].get<std::string>().empty());
  auto view = Json(city.Call("GET", topic, "", rita.cookie));
  EXPECT_EQ(view["state"], "open");
  EXPECT_EQ(view["standing"], "unverified");
  const auto yes = view["options"][0]["id"].get<std::int64_t>(), no = view["options"][1]["id"].get<std::int64_t>();

  // Unverified: read and comment only.
  EXPECT_EQ(city.Call("POST", topic + "/votes", nlohmann::json{{"option_id", yes}}.dump(), rita.cookie, rita.csrf).status,
            403);
  // Verification: a wrong name is refused like an unknown number; the right pair links.
  auto wrong = city.Call("POST", "/api/v1/me/verification",
                         nlohmann::json{{"id_number", id_number}, {"name", "李桂"}}.dump(), rita.cookie, rita.csrf);
  EXPECT_EQ(wrong.status, 404) << wrong.body;
  EXPECT_EQ(city.Call("POST", "/api/v1/me/verification", nlohmann::json{{"id_number", "12345"}, {"name", "李桂兰"}}.dump(),
                      rita.cookie, rita.csrf)
                .status,
            400);
  EXPECT_EQ(city.Call("POST", "/api/v1/me/verification",
                      nlohmann::json{{"id_number", id_number}, {"name", "李桂兰"}}.dump(), ga.cookie, ga.csrf)
                .status,
            403);
  auto verified = city.Call("POST", "/api/v1/me/verification",
                            nlohmann::json{{"id_number", id_number}, {"name", "李桂兰"}}.dump(), rita.cookie, rita.csrf);
  ASSERT_EQ(verified.status, 200) << verified.body;
  EXPECT_EQ(verified.body.find(id_number), std::string::npos) << "the number is never echoed";
  EXPECT_EQ(Json(city.Call("GET", "/api/v1/me/verification", "", rita.cookie))["verified"], true);
  EXPECT_EQ(city.Call("POST", "/api/v1/me/verification",
                      nlohmann::json{{"id_number", id_number}, {"name", "李桂兰"}}.dump(), ronl.cookie, ronl.csrf)
                .status,
            409)
      << "one account per person";
  auto audit = city.store->ListAudit(0, 1000);
  ASSERT_TRUE(audit.ok());
  int verifications = 0;
  for (const auto& e : *audit) verifications += e.action == "verify_resident";
  EXPECT_EQ(verifications, 4) << "every attempt by a resident account audited";

  // One vote; refusals write nothing.
  auto vote = city.Call("POST", topic + "/votes", nlohmann::json{{"option_id", yes}}.dump(), rita.cookie, rita.csrf);
  ASSERT_EQ(vote.status, 201) << vote.body;
  auto again = city.Call("POST", topic + "/votes", nlohmann::json{{"option_id", no}}.dump(), rita.cookie, rita.csrf);
  EXPECT_EQ(again.status, 409) << again.body;
  EXPECT_EQ(city.Call("POST", topic + "/votes", nlohmann::json{{"option_id", no}}.dump(), ronl.cookie, ronl.csrf).status,
            403);
  EXPECT_EQ(city.Call("POST", topic + "/votes", nlohmann::json{{"option_id", no}}.dump(), jin.cookie, jin.csrf).status,
            403);
  EXPECT_EQ(city.Call("POST", topic + "/votes", nlohmann::json{{"option_id", "1"}}.dump(), rita.cookie, rita.csrf).status,
            400);
  EXPECT_EQ(city.Call("POST", topic + "/votes", "{not json", rita.cookie, rita.csrf).status, 400);
  view = Json(city.Call("GET", topic, "", rita.cookie));
  EXPECT_EQ(view["standing"], "voted");
  EXPECT_EQ(view["my_vote"], yes);
  EXPECT_EQ(view["options"][0]["votes"], 1);
  EXPECT_EQ(view["options"][1]["votes"], 0);
  EXPECT_EQ(view["votes"], 1);
  auto seen_by_ron = Json(city.Call("GET", topic, "", ronl.cookie));
  EXPECT_EQ(seen_by_ron["my_vote"], 0) << "votes are secret to other residents";
  EXPECT_EQ(city.Call("GET", topic, "", city.LogIn("gb").cookie).status, 200) << "grid B is in 金华社区";

  // Comments: anyone who can read; a script is kept as text; staff hide with a reason, audited.
  auto comment = city.Call("POST", topic + "/comments", nlohmann::json{{"body", "<img src=x onerror=alert(1)>广告"}}.dump(),
                           ronl.cookie, ronl.csrf);
  ASSERT_EQ(comment.status, 201) << comment.body;
  const auto cid = Json(comment)["id"].get<std::int64_t>();
  const std::string hide = topic + "/comments/" + std::to_string(cid) + "/hide";
  EXPECT_EQ(city.Call("POST", hide, nlohmann::json{{"reason", "广告内容"}}.dump(), rita.cookie, rita.csrf).status, 403);
  EXPECT_EQ(city.Call("POST", hide, nlohmann::json{{"reason", "广"}}.dump(), jin.cookie, jin.csrf).status, 400);
  ASSERT_EQ(city.Call("POST", hide, nlohmann::json{{"reason", "广告内容，与议题无关"}}.dump(), jin.cookie, jin.csrf).status, 200);
  EXPECT_EQ(city.Call("POST", hide, nlohmann::json{{"reason", "广告内容，与议题无关"}}.dump(), jin.cookie, jin.csrf).status, 409);
  EXPECT_EQ(Json(city.Call("GET", topic + "/comments", "", rita.cookie))["total"], 0);
  EXPECT_EQ(Json(city.Call("GET", topic + "/comments", "", jin.cookie))["items"][0]["hidden"], true);

  // A meeting and the case its decision opens (once).
  auto meeting = city.Call("POST", topic + "/meetings",
                           nlohmann::json{{"held_at", city.clock.Now()}, {"place", "金华社区议事厅"},
                                          {"attendees", "王主任\n居民代表李桂兰"}, {"minutes", "讨论加装电梯"},
                                          {"decision", "同意加装，由社区对接施工单位"}}
                               .dump(),
                           jin.cookie, jin.csrf);
  ASSERT_EQ(meeting.status, 201) << meeting.body;
  const std::string mcase = topic + "/meetings/" + std::to_string(Json(meeting)["id"].get<std::int64_t>()) + "/case";
  auto opened_case = city.Call("POST", mcase, nlohmann::json{{"type", "snap_report"}, {"category", "street_light"}}.dump(),
                               jin.cookie, jin.csrf);
  ASSERT_EQ(opened_case.status, 201) << opened_case.body;
  const std::string case_id = Json(opened_case)["case_public_id"];
  EXPECT_FALSE(case_id.empty());
  EXPECT_EQ(city.Call("POST", mcase, nlohmann::json{{"type", "snap_report"}, {"category", "street_light"}}.dump(), jin.cookie,
                      jin.csrf)
                .status,
            409);
  auto the_case = city.Call("GET", "/api/v1/cases/" + case_id, "", jin.cookie);
  ASSERT_EQ(the_case.status, 200) << the_case.body;
  EXPECT_NE(the_case.body.find("同意加装"), std::string::npos);

  // The same decision opens a governance project (十百千) once, owned by the topic's community.
  const std::string mproject = mcase.substr(0, mcase.size() - 4) + "project";
  EXPECT_EQ(city.Call("POST", mproject, nlohmann::json{{"category", "community"}, {"end_date", "2026-12-31"}}.dump(),
                      ga.cookie, ga.csrf)
                .status,
            403) << "a grid worker of the area does not run it";
  auto bad_project = city.Call("POST", mproject, nlohmann::json{{"category", "nonsense"}, {"end_date", "2026-12-31"}}.dump(),
                               jin.cookie, jin.csrf);
  EXPECT_EQ(bad_project.status, 400) << bad_project.body;
  EXPECT_EQ(city.Call("POST", mproject, nlohmann::json{{"category", "community"}}.dump(), jin.cookie, jin.csrf).status, 400);
  auto opened_project = city.Call("POST", mproject,
                                  nlohmann::json{{"category", "community"}, {"end_date", "2026-12-31"}}.dump(),
                                  jin.cookie, jin.csrf);
  ASSERT_EQ(opened_project.status, 201) << opened_project.body;
  const auto project_id = Json(opened_project)["project_id"].get<std::int64_t>();
  EXPECT_GT(project_id, 0);
  EXPECT_EQ(Json(opened_project)["case_public_id"], case_id) << "the case link stays";
  EXPECT_EQ(city.Call("POST", mproject, nlohmann::json{{"category", "community"}, {"end_date", "2026-12-31"}}.dump(),
                      jin.cookie, jin.csrf)
                .status,
            409);
  auto project = city.Call("GET", "/api/v1/projects/" + std::to_string(project_id), "", jin.cookie);
  ASSERT_EQ(project.status, 200) << project.body;
  EXPECT_EQ(Json(project)["owner_code"], "150203010008");
  EXPECT_NE(project.body.find("议事协商决定"), std::string::npos);

  // The public copy: counts, no standing, no codes of grids, no hidden comment.
  const std::string pub = "/api/v1/public/topics/" + std::to_string(Json(opened)["id"].get<std::int64_t>());
  auto p = city.Call("GET", pub);
  ASSERT_EQ(p.status, 200) << p.body;
  EXPECT_EQ(Json(p)["options"][0]["votes"], 1);
  EXPECT_FALSE(Json(p).contains("my_vote"));
  EXPECT_EQ(p.body.find("onerror"), std::string::npos) << "the hidden comment";
  EXPECT_EQ(Json(city.Call("GET", "/api/v1/public/topics?unit=150203010008"))["total"], 1);
  EXPECT_EQ(city.Call("GET", "/api/v1/public/topics?unit=150203010008001").status, 400) << "never by grid";

  // After closing: final, and a vote is refused.
  city.clock.Advance(8 * kDay);
  rita = city.LogIn("rita");  // the session has expired meanwhile
  auto late = city.Call("POST", topic + "/votes", nlohmann::json{{"option_id", no}}.dump(), rita.cookie, rita.csrf);
  EXPECT_EQ(late.status, 409) << late.body;
  EXPECT_EQ(Json(city.Call("GET", pub))["final"], true);
  EXPECT_EQ(Json(city.Call("GET", pub))["votes"], 1);
}

}  // namespace
}  // namespace cg::api
