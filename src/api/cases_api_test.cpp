// Cases over the API, end to end on the test city with a ManualClock: the 随手拍 closed loop,
// the public report and rating, 有问必答, deadlines, optimistic concurrency, idempotency, XSS.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "api/test_city.hpp"

namespace cg::api {
namespace {

using nlohmann::json;
using testing::TestCity;

constexpr std::int64_t kMinute = 60'000;

// Sessions that outlive the clock moves of these tests.
Config LongSessions() {
  Config c;
  c.session_idle_ms = 30LL * 24 * 3600 * 1000;
  c.session_absolute_ms = 60LL * 24 * 3600 * 1000;
  return c;
}

json Parse(const Response& r) {
  auto j = json::parse(r.body, nullptr, false);
  EXPECT_FALSE(j.is_discarded()) << r.body;
  return j;
}

struct Client {
  TestCity& city;
  TestCity::Login login;
  Client(TestCity& c, const std::string& user) : city(c), login(c.LogIn(user)) {}
  Response Get(const std::string& target) { return city.Call("GET", target, "", login.cookie); }
  Response Post(const std::string& target, const json& body, std::map<std::string, std::string> headers = {}) {
    return city.Call("POST", target, body.dump(), login.cookie, login.csrf, headers);
  }
  // Takes `name` on case `id` at its current version; returns the response.
  Response Take(const std::string& id, const std::string& name, json input = json::object(), std::string note = "") {
    auto current = Parse(Get("/api/v1/cases/" + id));
    json body = {{"input", input}, {"version", current.value("version", 0)}};
    if (!note.empty()) body["note"] = note;
    return Post("/api/v1/cases/" + id + "/transitions/" + name, body);
  }
};

std::int64_t UserId(TestCity& city, const std::string& username) {
  return city.store->FindUserByUsername(username)->id;
}

json Report(Client& c, const std::string& description = "垃圾桶满了", double lon = 109.2, double lat = 41) {
  auto r = c.Post("/api/v1/cases", {{"type", "snap_report"}, {"category", "garbage"},
                                    {"description", description}, {"lon", lon}, {"lat", lat}});
  EXPECT_EQ(r.status, 201) << r.body;
  return Parse(r);
}

TEST(CasesApi, CaseTypesAreListed) {
  TestCity city("cases_types");
  Client alice(city, "alice");
  auto j = Parse(alice.Get("/api/v1/case-types"));
  ASSERT_TRUE(j["items"].is_array());
  std::set<std::string> codes;
  for (const auto& t : j["items"]) codes.insert(t["code"]);
  EXPECT_TRUE(codes.count("snap_report"));
  EXPECT_TRUE(codes.count("public_qa"));
  EXPECT_EQ(city.Call("GET", "/api/v1/case-types").status, 401);
}

TEST(CasesApi, SnapReportClosedLoop) {
  TestCity city("cases_loop");
  Client rita(city, "rita"), alice(city, "alice"), ga(city, "ga");
  auto created = Report(rita);
  const std::string id = created["id"];
  EXPECT_EQ(created["state"], "reported");
  EXPECT_EQ(created["grid_code"], "150203010008001");
  EXPECT_EQ(created["handling_unit_code"], "150203010008");
  EXPECT_EQ(created["version"], 1);

  auto r = alice.Take(id, "file", json::object(), "立案");
  ASSERT_EQ(r.status, 200) << r.body;
  r = alice.Take(id, "dispatch", {{"unit_code", "150203010008"}, {"assignee_user_id", std::to_string(UserId(city, "ga"))}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Parse(r)["state"], "dispatched");
  r = ga.Take(id, "sign");
  ASSERT_EQ(r.status, 200) << r.body;
  r = ga.Take(id, "feedback", {{"result", "已清运"}}, "已清运");
  ASSERT_EQ(r.status, 200) << r.body;
  r = ga.Take(id, "verify");
  ASSERT_EQ(r.status, 200) << r.body;
  r = alice.Take(id, "close", json::object(), "已结案");
  ASSERT_EQ(r.status, 200) << r.body;
  // Staff cannot rate for the reporter.
  EXPECT_EQ(alice.Take(id, "evaluate", {{"rating", "satisfied"}}).status, 403);
  r = rita.Take(id, "evaluate", {{"rating", "satisfied"}, {"comment", "很快"}});
  ASSERT_EQ(r.status, 200) << r.body;
  auto done = Parse(rita.Get("/api/v1/cases/" + id));
  EXPECT_EQ(done["state"], "evaluated");
  EXPECT_EQ(done["terminal"], true);
  EXPECT_EQ(done["public_status"], "closed");
  EXPECT_EQ(done["fields"]["rating"], "satisfied");
  EXPECT_EQ(done["timeline"].size(), 8u);  // create + 7 transitions

  // The reporter was told about filing, signing and closing.
  auto notes = Parse(rita.Get("/api/v1/notifications"));
  std::set<std::string> events;
  for (const auto& n : notes["items"]) events.insert(n["event"]);
  EXPECT_TRUE(events.count("file") && events.count("sign") && events.count("close")) << notes.dump();
  EXPECT_EQ(notes["unread"], notes["total"]);
  const std::int64_t first = notes["items"][0]["id"];
  EXPECT_EQ(rita.Post("/api/v1/notifications/" + std::to_string(first) + "/read", json::object()).status, 200);
  EXPECT_EQ(Parse(rita.Get("/api/v1/notifications"))["unread"], notes["unread"].get<int>() - 1);
  // Someone else's notification is not found.
  EXPECT_EQ(ga.Post("/api/v1/notifications/" + std::to_string(first) + "/read", json::object()).status, 404);

  // Queue: the case is visible to its grid worker, not to grid B's.
  EXPECT_EQ(Parse(ga.Get("/api/v1/cases"))["total"], 1);
  Client gb(city, "gb");
  EXPECT_EQ(Parse(gb.Get("/api/v1/cases"))["total"], 0);
  EXPECT_EQ(gb.Get("/api/v1/cases/" + id).status, 404);
}

TEST(CasesApi, PublicReportStatusPageAndRatingWithToken) {
  TestCity city("cases_public");
  auto r = city.Call("POST", "/api/v1/public/cases",
                     json({{"category", "garbage"}, {"description", "路边垃圾"}, {"lon", 109.2}, {"lat", 41},
                           {"contact_phone", "13812345678"}})
                         .dump());
  ASSERT_EQ(r.status, 201) << r.body;
  auto sub = Parse(r);
  const std::string pid = sub["public_id"], token = sub["token"];
  auto page = city.Call("GET", "/api/v1/public/cases/" + pid);
  ASSERT_EQ(page.status, 200);
  EXPECT_EQ(Parse(page)["status"], "open");
  EXPECT_EQ(page.body.find("13812345678"), std::string::npos);
  EXPECT_EQ(page.body.find("150203010008001"), std::string::npos);

  // Staff see the contact masked.
  Client alice(city, "alice"), ga(city, "ga");
  auto queue = Parse(alice.Get("/api/v1/cases"));
  ASSERT_EQ(queue["total"], 1);
  const std::string id = queue["items"][0]["id"];
  EXPECT_EQ(Parse(alice.Get("/api/v1/cases/" + id))["fields"]["contact_phone"], "138****5678");
  // At rest only masked; the clear number is sealed, read back only by an audited unmasking.
  EXPECT_EQ(city.store->Cases().GetCaseSystem(id)->c.fields.at("contact_phone"), "138****5678");
  auto sealed = city.store->GetSealedCaseField(std::stoll(id), "contact_phone");
  ASSERT_TRUE(sealed.ok());
  EXPECT_EQ(sealed->cipher.find("13812345678"), std::string::npos);
  const std::string unmask = "/api/v1/cases/" + id + "/unmask";
  EXPECT_EQ(alice.Post(unmask, {{"field", "contact_phone"}, {"reason", "回"}}).status, 400) << "a reason is required";
  EXPECT_EQ(alice.Post(unmask, {{"field", "description"}, {"reason", "联系上报人核实"}}).status, 404);
  EXPECT_EQ(Client(city, "gb").Post(unmask, {{"field", "contact_phone"}, {"reason", "联系上报人核实"}}).status, 404)
      << "another grid's worker";
  auto before = city.store->ListAudit(0, 1000);
  ASSERT_TRUE(before.ok());
  auto shown = alice.Post(unmask, {{"field", "contact_phone"}, {"reason", "联系上报人核实"}});
  ASSERT_EQ(shown.status, 200) << shown.body;
  EXPECT_EQ(Parse(shown)["value"], "13812345678");
  auto after = city.store->ListAudit(0, 1000);
  ASSERT_EQ(after->size(), before->size() + 1);
  EXPECT_EQ(after->back().entity, "case");
  EXPECT_EQ(after->back().field, "contact_phone");
  EXPECT_EQ(after->back().reason, "联系上报人核实");

  json rating = {{"token", token}, {"rating", "satisfied"}};
  EXPECT_EQ(city.Call("POST", "/api/v1/public/cases/" + pid + "/rating", rating.dump()).status, 409);  // not closed
  ASSERT_EQ(alice.Take(id, "file").status, 200);
  ASSERT_EQ(alice.Take(id, "dispatch", {{"assignee_user_id", std::to_string(UserId(city, "ga"))}}).status, 200);
  ASSERT_EQ(ga.Take(id, "sign").status, 200);
  ASSERT_EQ(ga.Take(id, "feedback", {{"result", "done"}}).status, 200);
  ASSERT_EQ(ga.Take(id, "verify").status, 200);
  ASSERT_EQ(alice.Take(id, "close", json::object(), "已处理完毕").status, 200);
  auto closed = Parse(city.Call("GET", "/api/v1/public/cases/" + pid));
  EXPECT_EQ(closed["status"], "closed");
  // Staff's closing note is published; the router's note on the creation is not.
  EXPECT_EQ(closed["timeline"].back()["note"], "已处理完毕");
  EXPECT_EQ(closed["category_name"], "垃圾");
  EXPECT_EQ(closed["category_name_en"], "Garbage");
  EXPECT_EQ(closed["timeline"].back()["state_name"], "已结案");
  EXPECT_EQ(closed["timeline"].back()["state_name_en"], "Closed");
  EXPECT_EQ(closed["timeline"][0]["event"], "create");
  EXPECT_EQ(closed["timeline"][0]["note"], "");
  EXPECT_EQ(Parse(alice.Get("/api/v1/cases/" + id))["timeline"][0]["note"].get<std::string>().rfind("routed by rule ", 0), 0u);

  json wrong = {{"token", "not-the-token"}, {"rating", "satisfied"}};
  EXPECT_EQ(city.Call("POST", "/api/v1/public/cases/" + pid + "/rating", wrong.dump()).status, 403);
  auto ok = city.Call("POST", "/api/v1/public/cases/" + pid + "/rating", rating.dump());
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(Parse(ok)["state"], "evaluated");
  EXPECT_EQ(city.Call("POST", "/api/v1/public/cases/" + pid + "/rating", rating.dump()).status, 409);  // once
  auto staff_view = Parse(alice.Get("/api/v1/cases/" + id));
  EXPECT_TRUE(staff_view["reporter_user_id"].is_null());
  EXPECT_EQ(staff_view["fields"]["rating"], "satisfied");
}

TEST(CasesApi, PublicReportNeedsContactAndIsRateLimited) {
  Config config;
  config.public_reports_per_hour = 2;
  TestCity city("cases_public_limit", config);
  json body = {{"category", "garbage"}, {"description", "x"}, {"lon", 109.2}, {"lat", 41}};
  EXPECT_EQ(city.Call("POST", "/api/v1/public/cases", body.dump()).status, 400);  // no contact
  body["contact_phone"] = "13812345678";
  EXPECT_EQ(city.Call("POST", "/api/v1/public/cases", body.dump()).status, 201);
  EXPECT_EQ(city.Call("POST", "/api/v1/public/cases", body.dump()).status, 201);
  EXPECT_EQ(city.Call("POST", "/api/v1/public/cases", body.dump()).status, 429);
  city.clock.Advance(61 * kMinute);
  EXPECT_EQ(city.Call("POST", "/api/v1/public/cases", body.dump()).status, 201);
}

TEST(CasesApi, QuestionAskedAnsweredPublishedAndCounted) {
  TestCity city("cases_qa", LongSessions());
  Client rita(city, "rita"), jin(city, "jin");
  const std::string jin_id = std::to_string(UserId(city, "jin"));
  auto r = rita.Post("/api/v1/cases", {{"type", "public_qa"}, {"category", "livelihood"},
                                       {"fields", {{"official_user_id", jin_id},
                                                   {"official_unit_code", "150203010008"},
                                                   {"title", "小区停车难"}, {"question", "能否增加车位？"},
                                                   {"public", true}}}});
  ASSERT_EQ(r.status, 201) << r.body;
  const std::string id = Parse(r)["id"];
  EXPECT_EQ(Parse(r)["assignee_user_id"], std::stoll(jin_id));
  // Not published before it is answered.
  EXPECT_EQ(Parse(city.Call("GET", "/api/v1/public/questions"))["total"], 0);
  ASSERT_EQ(jin.Take(id, "accept").status, 200);
  city.clock.Advance(90 * kMinute);
  auto a = jin.Take(id, "answer", {{"answer", "下月新增 40 个车位"}});
  ASSERT_EQ(a.status, 200) << a.body;

  auto qs = city.Call("GET", "/api/v1/public/questions");
  ASSERT_EQ(qs.status, 200);
  auto q = Parse(qs);
  ASSERT_EQ(q["total"], 1);
  EXPECT_EQ(q["items"][0]["answer"], "下月新增 40 个车位");
  EXPECT_EQ(q["items"][0]["office"], "金华社区");
  EXPECT_EQ(qs.body.find("rita"), std::string::npos);

  auto stats = Parse(city.Call("GET", "/api/v1/public/officials/stats"));
  ASSERT_EQ(stats["items"].size(), 1u);
  EXPECT_EQ(stats["items"][0]["questions"], 1);
  EXPECT_EQ(stats["items"][0]["answered"], 1);
  EXPECT_DOUBLE_EQ(stats["items"][0]["answer_rate"].get<double>(), 1.0);
  EXPECT_EQ(stats["items"][0]["median_answer_ms"], 90 * kMinute);
}

TEST(CasesApi, PublicOfficialsListOnlySeededAccounts) {
  TestCity city("cases_officials");
  // data/officials.toml names sfd_secretary among others; only existing accounts are listed.
  EXPECT_EQ(Parse(city.Call("GET", "/api/v1/public/officials"))["items"].size(), 0u);
  model::User u;
  u.username = "sfd_secretary";
  u.display_name = "市府东路街道党工委书记";
  u.role = model::Role::kStaff;
  u.scope_code = "150203010";
  u.password_hash = "x";
  auto created = city.store->CreateUser(u);
  ASSERT_TRUE(created.ok());
  auto list = Parse(city.Call("GET", "/api/v1/public/officials"));
  ASSERT_EQ(list["items"].size(), 1u);
  EXPECT_EQ(list["items"][0]["user_id"], created->id);
  EXPECT_EQ(list["items"][0]["title"], "市府东路街道党工委书记");
  EXPECT_EQ(list["items"][0]["unit_code"], "150203010");
  EXPECT_EQ(list["items"][0]["unit_name"], "市府东路街道");
  EXPECT_FALSE(list["items"][0].contains("username"));
}

TEST(CasesApi, PublicNearbyCasesOffersOpenDuplicates) {
  TestCity city("cases_nearby", LongSessions());
  Client rita(city, "rita");
  auto first = Report(rita, "垃圾 <b>桶</b> 满了", 109.2, 41);
  Report(rita, "far away", 109.3, 41);
  auto near = city.Call("GET", "/api/v1/public/nearby-cases?category=garbage&lon=109.2002&lat=41.0001");
  ASSERT_EQ(near.status, 200) << near.body;
  auto j = Parse(near);
  ASSERT_EQ(j["items"].size(), 1u);
  EXPECT_EQ(j["items"][0]["public_id"], first["public_id"]);
  EXPECT_EQ(j["items"][0]["description"], "垃圾 <b>桶</b> 满了");
  EXPECT_EQ(near.body.find("<b>"), std::string::npos);  // encoded for any HTML context
  EXPECT_EQ(near.body.find("grid"), std::string::npos);
  EXPECT_EQ(near.body.find("reporter"), std::string::npos);
  // Another category, hostile and missing parameters.
  EXPECT_EQ(Parse(city.Call("GET", "/api/v1/public/nearby-cases?category=noise&lon=109.2&lat=41"))["items"].size(), 0u);
  EXPECT_EQ(city.Call("GET", "/api/v1/public/nearby-cases?category=nope&lon=109.2&lat=41").status, 400);
  EXPECT_EQ(city.Call("GET", "/api/v1/public/nearby-cases?category=garbage&lon=abc&lat=41").status, 400);
  EXPECT_EQ(city.Call("GET", "/api/v1/public/nearby-cases?category=garbage&lon=109.2").status, 400);
  EXPECT_EQ(city.Call("GET", "/api/v1/public/nearby-cases?type=public_qa&category=other&lon=109.2&lat=41").status, 400);
}

TEST(CasesApi, PublicMapStopsAboveGrids) {
  TestCity city("cases_public_map");
  auto districts = city.Call("GET", "/api/v1/public/areas.geojson");
  ASSERT_EQ(districts.status, 200) << districts.body;
  auto d = Parse(districts);
  ASSERT_EQ(d["features"].size(), 1u);
  EXPECT_EQ(d["features"][0]["properties"]["name"], "昆都仑区");
  EXPECT_TRUE(d["features"][0]["geometry"].is_object());
  auto communities = Parse(city.Call("GET", "/api/v1/public/areas.geojson?parent=150203010"));
  EXPECT_EQ(communities["features"].size(), 2u);
  EXPECT_EQ(city.Call("GET", "/api/v1/public/areas.geojson?parent=150203010008").status, 400);  // grids
  EXPECT_EQ(city.Call("GET", "/api/v1/public/areas.geojson?parent=150203010008002").status, 400);
  EXPECT_EQ(city.Call("GET", "/api/v1/public/areas.geojson?parent=15x").status, 400);
  EXPECT_EQ(city.Call("GET", "/api/v1/public/areas.geojson?parent=999999").status, 404);
  auto here = city.Call("GET", "/api/v1/public/locate?lon=109.7&lat=41");
  ASSERT_EQ(here.status, 200) << here.body;
  EXPECT_NE(here.body.find("金华社区"), std::string::npos);
  EXPECT_EQ(here.body.find("乙网格"), std::string::npos);
  EXPECT_EQ(here.body.find("150203010008002"), std::string::npos);
  EXPECT_EQ(city.Call("GET", "/api/v1/public/locate?lon=120&lat=41").status, 404);
  EXPECT_EQ(city.Call("GET", "/api/v1/public/locate?lon=109.7").status, 400);
}

TEST(CasesApi, DeadlineWarningThenEscalationByMovingTheClock) {
  TestCity city("cases_deadline", LongSessions());
  Client rita(city, "rita"), jin(city, "jin");
  auto created = Report(rita);
  const std::string id = created["id"];
  // "reported" is due in 2 working hours (11:00); warning at 80 % (10:36).
  EXPECT_EQ(*city.app->EvaluateDueCases(), 0);
  city.clock.Advance(100 * kMinute);  // 10:40
  EXPECT_EQ(*city.app->EvaluateDueCases(), 1);
  EXPECT_EQ(*city.app->EvaluateDueCases(), 0);  // once per state entry
  auto warned = Parse(jin.Get("/api/v1/cases/" + id));
  EXPECT_EQ(warned["warned"], true);
  EXPECT_EQ(warned["timeline"].back()["event"], "warning");
  auto notes = Parse(jin.Get("/api/v1/notifications"));
  EXPECT_EQ(notes["items"][0]["event"], "warning");

  city.clock.Advance(30 * kMinute);  // 11:10, breached
  EXPECT_EQ(*city.app->EvaluateDueCases(), 1);
  Client alice(city, "alice");
  auto escalated = Parse(alice.Get("/api/v1/cases/" + id));
  EXPECT_EQ(escalated["handling_unit_code"], "150203010");
  EXPECT_EQ(escalated["escalation_level"], 1);
  EXPECT_EQ(escalated["timeline"].back()["event"], "escalate");
  auto overdue = Parse(alice.Get("/api/v1/cases?overdue=true"));
  EXPECT_EQ(overdue["total"], 0);  // escalation gave a fresh deadline
  // The public status page lists the deadline job's entries without their internal notes.
  auto page = city.Call("GET", "/api/v1/public/cases/" + created["public_id"].get<std::string>());
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_EQ(Parse(page)["timeline"].back()["event"], "escalate");
  EXPECT_EQ(page.body.find("deadline"), std::string::npos) << page.body;
  EXPECT_EQ(page.body.find("escalated from"), std::string::npos) << page.body;
}

TEST(CasesApi, StaleVersionIsAConflict) {
  TestCity city("cases_conflict");
  Client rita(city, "rita"), alice(city, "alice");
  const std::string id = Report(rita)["id"];
  auto first = alice.Post("/api/v1/cases/" + id + "/transitions/file", json::object(), {{"if-match", "\"1\""}});
  ASSERT_EQ(first.status, 200) << first.body;
  auto second = alice.Post("/api/v1/cases/" + id + "/transitions/reject", {{"input", {{"reason", "dup"}}}},
                           {{"if-match", "\"1\""}});
  EXPECT_EQ(second.status, 409) << second.body;
  EXPECT_EQ(alice.Post("/api/v1/cases/" + id + "/transitions/reject", {{"input", {{"reason", "dup"}}}}).status, 400);
  EXPECT_EQ(Parse(alice.Get("/api/v1/cases/" + id))["state"], "filed");
}

TEST(CasesApi, RetriedSubmissionWithIdempotencyKeyIsNotDuplicated) {
  TestCity city("cases_idem");
  Client rita(city, "rita");
  json body = {{"type", "snap_report"}, {"category", "garbage"}, {"description", "x"}, {"lon", 109.2}, {"lat", 41}};
  auto a = rita.Post("/api/v1/cases", body, {{"idempotency-key", "abc-123"}});
  auto b = rita.Post("/api/v1/cases", body, {{"idempotency-key", "abc-123"}});
  ASSERT_EQ(a.status, 201) << a.body;
  ASSERT_EQ(b.status, 200) << b.body;
  EXPECT_EQ(Parse(a)["id"], Parse(b)["id"]);
  EXPECT_EQ(Parse(b)["replayed"], true);
  EXPECT_EQ(Parse(rita.Get("/api/v1/cases"))["total"], 1);
  // The same key from another user is another submission.
  Client ga(city, "ga");
  EXPECT_EQ(ga.Post("/api/v1/cases", body, {{"idempotency-key", "abc-123"}}).status, 201);
  // Nearby duplicates are pointed out.
  auto c = Parse(rita.Post("/api/v1/cases", body));
  EXPECT_GE(c["possible_duplicates"].size(), 1u);
}

TEST(CasesApi, XssPayloadIsStoredVerbatimAndReturnedEscaped) {
  TestCity city("cases_xss");
  Client rita(city, "rita");
  const std::string payload = "<script>alert('x')</script><img src=x onerror=alert(1)>&amp;";
  const std::string id = Report(rita, payload)["id"];
  auto r = rita.Get("/api/v1/cases/" + id);
  EXPECT_EQ(r.content_type.rfind("application/json", 0), 0u);
  EXPECT_EQ(r.body.find("<script>"), std::string::npos);
  EXPECT_EQ(r.body.find("<img"), std::string::npos);
  EXPECT_EQ(Parse(r)["description"], payload);
  EXPECT_EQ(city.store->Cases().GetCaseSystem(id)->description, payload);
}

TEST(CasesApi, BadInputIsRefused) {
  TestCity city("cases_bad");
  Client rita(city, "rita");
  EXPECT_EQ(rita.Post("/api/v1/cases", {{"type", "nope"}}).status, 400);
  EXPECT_EQ(rita.Post("/api/v1/cases", {{"type", "snap_report"}, {"category", "garbage"}, {"description", "x"},
                                        {"lon", 120.0}, {"lat", 30.0}}).status, 400);  // outside the city
  EXPECT_EQ(rita.Post("/api/v1/cases", {{"type", "snap_report"}, {"category", "nope"}, {"description", "x"},
                                        {"lon", 109.2}, {"lat", 41.0}}).status, 400);
  EXPECT_EQ(rita.Get("/api/v1/cases/abc").status, 404);
  EXPECT_EQ(rita.Get("/api/v1/cases?limit=0").status, 400);
}

}  // namespace
}  // namespace cg::api
