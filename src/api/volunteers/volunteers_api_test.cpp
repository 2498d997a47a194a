// Volunteers over HTTP: staff publish an activity; resident volunteers sign up until it is full
// and then onto the waiting list; a cancellation promotes the first waiting; staff check in and
// record minutes; the hours total per volunteer and per community; the certificate is a PDF;
// bad input and other areas' staff get a clear 4xx and change nothing; the public copy never
// names who signed up.
#include <gtest/gtest.h>

#include "api/test_city.hpp"

namespace cg::api {
namespace {

using testing::TestCity;

nlohmann::json Json(const Response& r) { return nlohmann::json::parse(r.body, nullptr, false); }

constexpr Timestamp kHour = 3'600'000;
constexpr Timestamp kDay = 24 * kHour;

model::User Resident(TestCity& city, const std::string& name, const std::string& display) {
  model::User u;
  u.username = name;
  u.display_name = display;
  u.role = model::Role::kResident;
  u.scope_code = "150203010008001";
  u.password_hash = *auth::HashPassword("password-1");
  auto r = city.store->CreateUser(u);
  if (!r.ok()) throw std::runtime_error(r.error().message);
  return *r;
}

TEST(VolunteersApi, SignUpWaitingListCheckInHoursAndCertificate) {
  TestCity city("volunteers_api");
  auto jin = city.LogIn("jin");
  auto ga = city.LogIn("ga");
  auto rita = city.LogIn("rita");
  Resident(city, "ron", "赵国强");
  auto ron = city.LogIn("ron");
  // Staff of another community (丙社区) and an analyst of the district.
  for (auto [u, role, scope] : {std::tuple{"bing", model::Role::kStaff, "150203010009"},
                                std::tuple{"ana", model::Role::kAnalyst, "150203"}}) {
    model::User user;
    user.username = u;
    user.role = role;
    user.scope_code = scope;
    user.password_hash = *auth::HashPassword("password-1");
    ASSERT_TRUE(city.store->CreateUser(user).ok());
  }
  auto bing = city.LogIn("bing");
  auto ana = city.LogIn("ana");

  // Joining: residents only, a community (not a grid), once.
  const nlohmann::json join = {{"org_code", "150203010008"}, {"skills", {"理发", "急救"}}};
  EXPECT_EQ(city.Call("POST", "/api/v1/me/volunteer", join.dump(), jin.cookie, jin.csrf).status, 403);
  EXPECT_EQ(city.Call("POST", "/api/v1/me/volunteer", nlohmann::json{{"org_code", "150203010008001"}}.dump(),
                      rita.cookie, rita.csrf)
                .status,
            400);
  EXPECT_EQ(city.Call("POST", "/api/v1/me/volunteer", nlohmann::json{{"org_code", "150203010008"}, {"skills", "理发"}}.dump(),
                      rita.cookie, rita.csrf)
                .status,
            400);
  EXPECT_TRUE(Json(city.Call("GET", "/api/v1/me/volunteer", "", rita.cookie))["volunteer"].is_null());
  auto joined = city.Call("POST", "/api/v1/me/volunteer", join.dump(), rita.cookie, rita.csrf);
  ASSERT_EQ(joined.status, 201) << joined.body;
  const auto rita_v = Json(joined)["id"].get<std::int64_t>();
  EXPECT_EQ(city.Call("POST", "/api/v1/me/volunteer", join.dump(), rita.cookie, rita.csrf).status, 409);
  auto ron_joined = city.Call("POST", "/api/v1/me/volunteer", join.dump(), ron.cookie, ron.csrf);
  ASSERT_EQ(ron_joined.status, 201);
  const auto ron_v = Json(ron_joined)["id"].get<std::int64_t>();
  EXPECT_EQ(Json(ron_joined)["name"], "赵国强");

  // Publishing: staff of the area; every field checked.
  const Timestamp start = city.clock.Now() + 2 * kDay;
  const nlohmann::json draft = {{"org_code", "150203010008"}, {"title", "敬老院义剪"},
                                {"description", "为独居老人理发"}, {"place", "金华社区活动室"},
                                {"skills", {"理发"}}, {"starts_at", start}, {"ends_at", start + 3 * kHour},
                                {"capacity", 1}};
  EXPECT_EQ(city.Call("POST", "/api/v1/volunteer-activities", draft.dump(), ga.cookie, ga.csrf).status, 403);
  EXPECT_EQ(city.Call("POST", "/api/v1/volunteer-activities", draft.dump(), bing.cookie, bing.csrf).status, 404);
  for (auto [field, value] : {std::pair{"capacity", nlohmann::json(0)}, std::pair{"capacity", nlohmann::json("5")},
                              std::pair{"starts_at", nlohmann::json(1.5)}, std::pair{"title", nlohmann::json("")},
                              std::pair{"ends_at", nlohmann::json(start - 1)}, std::pair{"skills", nlohmann::json(3)}}) {
    auto bad = draft;
    bad[field] = value;
    auto r = city.Call("POST", "/api/v1/volunteer-activities", bad.dump(), jin.cookie, jin.csrf);
    EXPECT_EQ(r.status, 400) << field << ": " << r.body;
    EXPECT_NE(Json(r)["error"]["message"].get<std::string>().find(field), std::string::npos) << r.body;
  }
  auto script = draft;
  script["title"] = "<script>alert(1)</script>义剪";
  auto created = city.Call("POST", "/api/v1/volunteer-activities", script.dump(), jin.cookie, jin.csrf);
  ASSERT_EQ(created.status, 201) << created.body;
  const auto aid = Json(created)["id"].get<std::int64_t>();
  const std::string act = "/api/v1/volunteer-activities/" + std::to_string(aid);
  EXPECT_EQ(Json(city.Call("GET", "/api/v1/volunteer-activities", "", jin.cookie))["total"], 1);

  // Sign-up: the place goes to rita, ron waits; a second sign-up is a conflict.
  auto first = city.Call("POST", act + "/signups", "", rita.cookie, rita.csrf);
  ASSERT_EQ(first.status, 201) << first.body;
  EXPECT_EQ(Json(first)["status"], "confirmed");
  EXPECT_EQ(city.Call("POST", act + "/signups", "", rita.cookie, rita.csrf).status, 409);
  auto second = city.Call("POST", act + "/signups", "", ron.cookie, ron.csrf);
  EXPECT_EQ(Json(second)["status"], "waiting");
  EXPECT_EQ(Json(second)["position"], 1);
  EXPECT_EQ(city.Call("POST", act + "/signups", "", ga.cookie, ga.csrf).status, 403);
  // A resident cannot cancel someone else's sign-up; other staff cannot see the activity's roster.
  EXPECT_EQ(city.Call("POST", act + "/signups/" + std::to_string(rita_v) + "/cancel", "", ron.cookie, ron.csrf).status,
            404);
  EXPECT_EQ(city.Call("GET", act, "", bing.cookie).status, 404);
  auto roster = Json(city.Call("GET", act, "", jin.cookie));
  ASSERT_EQ(roster["signups"].size(), 2u);
  EXPECT_EQ(roster["signups"][1]["volunteer_name"], "赵国强");
  EXPECT_EQ(roster["places_left"], 0);
  // The public copy: counts, never names.
  auto pub = city.Call("GET", "/api/v1/public/volunteer-activities?unit=150203010008", "");
  ASSERT_EQ(pub.status, 200);
  EXPECT_EQ(Json(pub)["items"][0]["waiting"], 1);
  EXPECT_EQ(pub.body.find("赵国强"), std::string::npos);
  EXPECT_EQ(city.Call("GET", "/api/v1/public/volunteer-activities/" + std::to_string(aid), "").body.find("signups"),
            std::string::npos);
  EXPECT_EQ(city.Call("GET", "/api/v1/public/volunteer-activities", "").status, 400);

  // rita cancels: ron gets the place; she signs up again and waits.
  auto cancelled = city.Call("POST", act + "/signups/" + std::to_string(rita_v) + "/cancel", "", rita.cookie, rita.csrf);
  ASSERT_EQ(cancelled.status, 200) << cancelled.body;
  EXPECT_EQ(Json(cancelled)["promoted_volunteer_id"], ron_v);
  EXPECT_EQ(Json(city.Call("POST", act + "/signups", "", rita.cookie, rita.csrf))["status"], "waiting");
  auto mine = Json(city.Call("GET", act, "", ron.cookie));
  EXPECT_EQ(mine["my_signup"]["status"], "confirmed");
  EXPECT_FALSE(mine.contains("signups"));

  // Check-in from 2 hours before; minutes bounded by the activity; other staff refused.
  const std::string ron_s = act + "/signups/" + std::to_string(ron_v);
  EXPECT_EQ(city.Call("POST", ron_s + "/check-in", "", jin.cookie, jin.csrf).status, 409);
  city.clock.Set(start - kHour);
  jin = city.LogIn("jin");  // sessions time out while the clock moves on
  ron = city.LogIn("ron");
  rita = city.LogIn("rita");
  bing = city.LogIn("bing");
  EXPECT_EQ(city.Call("POST", ron_s + "/check-in", "", bing.cookie, bing.csrf).status, 404);
  EXPECT_EQ(city.Call("POST", ron_s + "/check-in", "", ron.cookie, ron.csrf).status, 403);
  ASSERT_EQ(city.Call("POST", ron_s + "/check-in", "", jin.cookie, jin.csrf).status, 200);
  EXPECT_EQ(city.Call("POST", act + "/signups/" + std::to_string(rita_v) + "/check-in", "", jin.cookie, jin.csrf).status,
            409);  // waiting
  city.clock.Set(start + 4 * kHour);
  jin = city.LogIn("jin");
  ron = city.LogIn("ron");
  rita = city.LogIn("rita");
  bing = city.LogIn("bing");
  ana = city.LogIn("ana");
  EXPECT_EQ(city.Call("POST", act + "/signups", "", rita.cookie, rita.csrf).status, 409);  // started
  auto too_long = city.Call("POST", ron_s + "/minutes", nlohmann::json{{"minutes", 181}}.dump(), jin.cookie, jin.csrf);
  EXPECT_EQ(too_long.status, 400);
  EXPECT_NE(Json(too_long)["error"]["message"].get<std::string>().find("minutes"), std::string::npos);
  EXPECT_EQ(city.Call("POST", ron_s + "/minutes", nlohmann::json{{"minutes", "90"}}.dump(), jin.cookie, jin.csrf).status,
            400);
  auto recorded = city.Call("POST", ron_s + "/minutes", nlohmann::json{{"minutes", 150}}.dump(), jin.cookie, jin.csrf);
  ASSERT_EQ(recorded.status, 200) << recorded.body;
  EXPECT_EQ(Json(recorded)["minutes"], 150);

  // Totals: the volunteer, the community (the analyst reads the district).
  auto me = Json(city.Call("GET", "/api/v1/me/volunteer", "", ron.cookie));
  EXPECT_EQ(me["volunteer"]["minutes"], 150);
  ASSERT_EQ(me["record"].size(), 1u);
  EXPECT_EQ(me["record"][0]["activity"]["title"], "<script>alert(1)</script>义剪");
  auto hours = Json(city.Call("GET", "/api/v1/volunteers/hours?under=150203010", "", ana.cookie));
  ASSERT_EQ(hours["items"].size(), 1u) << hours.dump();
  EXPECT_EQ(hours["items"][0]["name"], "金华社区");
  EXPECT_EQ(hours["items"][0]["volunteers"], 2);
  EXPECT_EQ(hours["items"][0]["minutes"], 150);
  EXPECT_EQ(city.Call("GET", "/api/v1/volunteers/hours?under=150203010", "", jin.cookie).status, 404);
  EXPECT_EQ(city.Call("GET", "/api/v1/volunteers/hours", "", rita.cookie).status, 403);
  auto list = Json(city.Call("GET", "/api/v1/volunteers", "", jin.cookie));
  EXPECT_EQ(list["total"], 2);
  EXPECT_EQ(list["items"][0]["id"], ron_v) << "most hours first";
  EXPECT_EQ(city.Call("GET", "/api/v1/volunteers/" + std::to_string(ron_v), "", bing.cookie).status, 404);

  // The certificate: the volunteer's own and staff's copy are PDFs; other staff get 404.
  auto cert = city.Call("GET", "/api/v1/me/volunteer/certificate.pdf", "", ron.cookie);
  ASSERT_EQ(cert.status, 200) << cert.body;
  EXPECT_EQ(cert.content_type, "application/pdf");
  EXPECT_EQ(cert.body.rfind("%PDF-", 0), 0u);
  EXPECT_EQ(city.Call("GET", "/api/v1/volunteers/" + std::to_string(ron_v) + "/certificate.pdf", "", jin.cookie).status,
            200);
  EXPECT_EQ(city.Call("GET", "/api/v1/volunteers/" + std::to_string(ron_v) + "/certificate.pdf", "", bing.cookie).status,
            404);
  EXPECT_EQ(city.Call("GET", "/api/v1/me/volunteer/certificate.pdf", "", jin.cookie).status, 404);
}

TEST(VolunteersApi, StaffRegisterAResidentOfTheBaseData) {
  TestCity city("volunteers_register");
  auto ids = city.SeedGridB();
  auto jin = city.LogIn("jin");
  auto ga = city.LogIn("ga");
  const nlohmann::json body = {{"person_id", std::stoll(ids["persons"])}, {"skills", {"编织"}}};
  EXPECT_EQ(city.Call("POST", "/api/v1/volunteers", body.dump(), ga.cookie, ga.csrf).status, 403);
  EXPECT_EQ(city.Call("POST", "/api/v1/volunteers", nlohmann::json{{"person_id", 99999}}.dump(), jin.cookie, jin.csrf)
                .status,
            404);
  EXPECT_EQ(city.Call("POST", "/api/v1/volunteers", nlohmann::json{{"person_id", -1}}.dump(), jin.cookie, jin.csrf)
                .status,
            400);
  auto r = city.Call("POST", "/api/v1/volunteers", body.dump(), jin.cookie, jin.csrf);
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(Json(r)["name"], "乙居民");
  EXPECT_EQ(Json(r)["org_code"], "150203010008");
  EXPECT_EQ(Json(r)["verified"], true);
  EXPECT_EQ(r.body.find(TestCity::kGridBIdNumber()), std::string::npos);
  EXPECT_EQ(city.Call("POST", "/api/v1/volunteers", body.dump(), jin.cookie, jin.csrf).status, 409);
}

}  // namespace
}  // namespace cg::api
