// Welfare checks over HTTP: a community enrols an elderly person living alone and assigns a
// reporter; the reporter sees name, address and a masked phone — no ID number — records visits
// (idempotent, with a photo), and an urgent visit opens a welfare_check case the community is
// notified of at once; a person not visited in time shows on the overdue list and the deadline
// job opens one case for the spell. A reporter reaching for a person not assigned to them gets
// 404 and the attempt is audited; every refusal writes nothing.
#include <gtest/gtest.h>

#include "api/test_city.hpp"
#include "media/testing/test_images.hpp"

namespace cg::api {
namespace {

using testing::TestCity;
using testing::kMonday0900;

nlohmann::json Json(const Response& r) { return nlohmann::json::parse(r.body, nullptr, false); }

constexpr Timestamp kDay = 86'400'000;

struct WelfareCity : TestCity {
  WelfareCity() : TestCity("welfare_api") {}
  Login jin = LogIn("jin");
  Login rider = LogIn("rider");
  std::int64_t rider_id = store->FindUserByUsername("rider")->id;
  std::string id_number = model::MakeResidentId("150203", Date{1940, 5, 6}, 321);

  Response Post(const Login& who, const std::string& path, const nlohmann::json& body) {
    return Call("POST", path, body.dump(), who.cookie, who.csrf);
  }
  std::int64_t Person(const std::string& name, const std::string& id, bool alone) {
    const std::int64_t address = CreateAs(jin, "/api/v1/addresses",
                                          {{"grid_code", "150203010008001"}, {"road", "钢铁大街"}, {"number", "12"},
                                           {"building", "3"}, {"room", "501"}});
    nlohmann::json body = {{"grid_code", "150203010008001"}, {"name", name}, {"id_number", id},
                           {"phone", "13812345678"}, {"ethnicity", "01"}, {"residence_status", "registered"},
                           {"address_id", std::to_string(address)}};
    if (alone) body["attributes"] = {{"person.elderly_living_alone", "true"}};
    return CreateAs(jin, "/api/v1/persons", body);
  }
  std::int64_t VisitCount() {
    auto list = store->ListWelfareVisits(model::Scope::System(), {}, store::Page{1, 0});
    return list.ok() ? list->total : -1;
  }
};

TEST(WelfareApi, AReportersVisitsAndTheUrgentCase) {
  WelfareCity city;
  const std::int64_t wang = city.Person("王大爷", city.id_number, true);
  const std::int64_t young = city.Person("李青年", model::MakeResidentId("150203", Date{1995, 1, 2}, 11), false);

  // Enrolment: staff only, care tag required, the reporter must be a reporter of the community.
  EXPECT_EQ(city.Post(city.rider, "/api/v1/welfare/subjects", {{"person_id", wang}}).status, 403);
  auto untagged = city.Post(city.jin, "/api/v1/welfare/subjects", {{"person_id", young}});
  EXPECT_EQ(untagged.status, 400);
  EXPECT_NE(untagged.body.find("care tag"), std::string::npos);
  const std::int64_t ga_id = city.store->FindUserByUsername("ga")->id;
  EXPECT_EQ(city.Post(city.jin, "/api/v1/welfare/subjects", {{"person_id", wang}, {"reporter_user_id", ga_id}}).status,
            400);
  EXPECT_EQ(city.Post(city.jin, "/api/v1/welfare/subjects", {{"person_id", wang}, {"interval_days", 0}}).status, 400);
  auto enrolled = city.Post(city.jin, "/api/v1/welfare/subjects",
                            {{"person_id", wang}, {"interval_days", 3}, {"reporter_user_id", city.rider_id}});
  ASSERT_EQ(enrolled.status, 201) << enrolled.body;
  EXPECT_EQ(Json(enrolled)["due_at"], kMonday0900 + 3 * kDay);
  auto reporters = Json(city.Call("GET", "/api/v1/welfare/reporters", "", city.jin.cookie));
  ASSERT_EQ(reporters["total"], 1);
  EXPECT_EQ(reporters["items"][0]["subjects"], 1);

  // The reporter's list: name, address, masked phone; never the ID number.
  auto mine = city.Call("GET", "/api/v1/welfare/my-elders", "", city.rider.cookie);
  ASSERT_EQ(mine.status, 200) << mine.body;
  auto items = Json(mine)["items"];
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0]["name"], "王大爷");
  EXPECT_EQ(items[0]["address"], "钢铁大街 12号 3栋 501室");
  EXPECT_EQ(items[0]["phone_masked"], "138****5678");
  EXPECT_EQ(mine.body.find(city.id_number.substr(6, 8)), std::string::npos);
  EXPECT_EQ(mine.body.find("13812345678"), std::string::npos);
  EXPECT_EQ(mine.body.find("id_number"), std::string::npos);

  // Least privilege: base data, the roster and other people are out of reach.
  EXPECT_EQ(city.Call("GET", "/api/v1/persons", "", city.rider.cookie).status, 403);
  EXPECT_EQ(city.Call("GET", "/api/v1/welfare/overdue", "", city.rider.cookie).status, 403);
  EXPECT_EQ(city.Call("GET", "/api/v1/persons/" + std::to_string(wang), "", city.rider.cookie).status, 403);
  const auto audit_before = city.store->ListAudit(0, 1000)->size();
  EXPECT_EQ(city.Call("GET", "/api/v1/welfare/my-elders/" + std::to_string(young), "", city.rider.cookie).status, 404);
  auto stray = city.Post(city.rider, "/api/v1/welfare/visits", {{"person_id", young}, {"health", "well"}});
  EXPECT_EQ(stray.status, 404);
  auto audit = *city.store->ListAudit(0, 1000);
  ASSERT_EQ(audit.size(), audit_before + 2);
  EXPECT_EQ(audit.back().action, "welfare_denied");
  EXPECT_EQ(audit.back().entity_id, young);
  EXPECT_EQ(city.VisitCount(), 0);

  // Bad input: a clear 400, nothing written.
  for (const nlohmann::json& bad : {nlohmann::json{{"person_id", wang}, {"health", "fine"}},
                                    nlohmann::json{{"person_id", wang}, {"health", "well"}, {"meal", "maybe"}},
                                    nlohmann::json{{"person_id", wang}, {"health", "well"},
                                                   {"visited_at", kMonday0900 + kDay}},
                                    nlohmann::json{{"person_id", wang}, {"health", "well"},
                                                   {"visited_at", kMonday0900 - 8 * kDay}},
                                    nlohmann::json{{"health", "well"}}}) {
    auto r = city.Post(city.rider, "/api/v1/welfare/visits", bad);
    EXPECT_EQ(r.status, 400) << bad.dump() << " " << r.body;
  }
  EXPECT_EQ(city.VisitCount(), 0);

  // A visit, replayed from the offline queue: one visit, the due time moved on.
  city.clock.Advance(3'600'000);
  city.rider = city.LogIn("rider");  // sessions time out when idle
  city.jin = city.LogIn("jin");
  nlohmann::json well = {{"person_id", wang}, {"health", "well"}, {"meal", true}, {"need", "想要助听器"},
                         {"visited_at", kMonday0900 + 1'800'000}, {"idempotency_key", "off-1"}};
  auto first = city.Post(city.rider, "/api/v1/welfare/visits", well);
  ASSERT_EQ(first.status, 201) << first.body;
  EXPECT_EQ(Json(first)["case_id"], "");
  auto replay = city.Post(city.rider, "/api/v1/welfare/visits", well);
  EXPECT_EQ(replay.status, 200);
  EXPECT_EQ(Json(replay)["visit"]["id"], Json(first)["visit"]["id"]);
  EXPECT_EQ(city.VisitCount(), 1);
  auto after = Json(city.Call("GET", "/api/v1/welfare/my-elders/" + std::to_string(wang), "", city.rider.cookie));
  EXPECT_EQ(after["due_at"], kMonday0900 + 1'800'000 + 3 * kDay);
  EXPECT_EQ(after["visits"].size(), 1u);
  EXPECT_EQ(after["last_health"], "well");

  // Urgent, with a photo: a case for the community at once, notified; the reporter sees it.
  const std::string photo = media::test_images::Gradient(64, 48);
  auto urgent = city.Call("POST", "/api/v1/welfare/visits",
                          testing::Multipart({{"person_id", std::to_string(wang)}, {"health", "urgent"},
                                              {"note", "敲门无人应，邻居说昨晚听到摔倒声"}, {"idempotency_key", "off-2"}},
                                             {{"photo", "door.jpg", "image/jpeg", photo}}),
                          city.rider.cookie, city.rider.csrf, testing::MultipartHeaders());
  ASSERT_EQ(urgent.status, 201) << urgent.body;
  const std::string case_id = Json(urgent)["case_id"];
  ASSERT_FALSE(case_id.empty());
  ASSERT_FALSE(Json(urgent)["visit"]["photo_url"].is_null());
  auto jpeg = city.Call("GET", Json(urgent)["visit"]["photo_url"], "", city.rider.cookie);
  EXPECT_EQ(jpeg.status, 200);
  EXPECT_EQ(jpeg.content_type, "image/jpeg");
  EXPECT_EQ(jpeg.body.substr(0, 2), "\xff\xd8");
  auto c = Json(city.Call("GET", "/api/v1/cases/" + case_id, "", city.jin.cookie));
  EXPECT_EQ(c["type"], "welfare_check");
  EXPECT_EQ(c["category"], "urgent");
  EXPECT_EQ(c["handling_unit_code"], "150203010008");
  EXPECT_EQ(c["fields"]["person_name"], "王大爷");
  EXPECT_EQ(c["due_at"], city.clock.Now() + 2 * 3'600'000);  // calendar hours: round the clock
  auto notes = Json(city.Call("GET", "/api/v1/notifications", "", city.jin.cookie));
  bool notified = false;
  for (const auto& n : notes["items"]) notified |= n["case_id"] == case_id && n["event"] == "create";
  EXPECT_TRUE(notified) << notes.dump();
  EXPECT_EQ(city.Call("GET", "/api/v1/cases/" + case_id, "", city.rider.cookie).status, 200);
  EXPECT_EQ(Json(city.Call("GET", "/api/v1/cases", "", city.rider.cookie))["total"], 1);
  // The reporter takes no transition on it (the route is not theirs).
  EXPECT_EQ(city.Post(city.rider, "/api/v1/cases/" + case_id + "/transitions/resolve", {{"input", nlohmann::json::object()}}).status,
            403);
}

TEST(WelfareApi, OverdueListAndTheDeadlineJob) {
  WelfareCity city;
  const std::int64_t wang = city.Person("王大爷", city.id_number, true);
  ASSERT_EQ(city.Post(city.jin, "/api/v1/welfare/subjects", {{"person_id", wang}, {"interval_days", 2}}).status, 201);
  auto overdue = [&] { return Json(city.Call("GET", "/api/v1/welfare/overdue?under=150203010008", "", city.jin.cookie)); };
  EXPECT_EQ(overdue()["total"], 0);
  ASSERT_EQ(*city.app->EvaluateWelfare(), 0);

  city.clock.Advance(2 * kDay + 60'000);
  city.jin = city.LogIn("jin");  // sessions time out when idle
  auto list = overdue();
  ASSERT_EQ(list["total"], 1);
  EXPECT_EQ(list["items"][0]["name"], "王大爷");
  EXPECT_EQ(list["items"][0]["days_overdue"], 1);
  // Scoped: the other community and a grid worker of another grid see nothing of it.
  auto ga = city.LogIn("ga");
  EXPECT_EQ(Json(city.Call("GET", "/api/v1/welfare/overdue", "", ga.cookie))["total"], 1);  // grid A is his
  auto gb = city.LogIn("gb");
  EXPECT_EQ(Json(city.Call("GET", "/api/v1/welfare/overdue", "", gb.cookie))["total"], 0);
  EXPECT_EQ(city.Call("GET", "/api/v1/welfare/overdue?under=150203010009", "", city.jin.cookie).status, 404);
  EXPECT_EQ(city.Call("GET", "/api/v1/welfare/overdue?limit=0", "", city.jin.cookie).status, 400);

  // The deadline job opens one case for the spell, and only one.
  auto opened = city.app->EvaluateDueCases();
  ASSERT_TRUE(opened.ok()) << opened.error().message;
  EXPECT_GE(*opened, 1);
  EXPECT_EQ(*city.app->EvaluateWelfare(), 0);
  list = overdue();
  const std::string case_id = list["items"][0]["overdue_case_id"];
  ASSERT_FALSE(case_id.empty());
  auto c = Json(city.Call("GET", "/api/v1/cases/" + case_id, "", city.jin.cookie));
  EXPECT_EQ(c["category"], "overdue");
  EXPECT_EQ(c["fields"]["days_overdue"], "1");
  auto notes = Json(city.Call("GET", "/api/v1/notifications", "", city.jin.cookie));
  bool notified = false;
  for (const auto& n : notes["items"]) notified |= n["case_id"] == case_id;
  EXPECT_TRUE(notified);

  // A grid worker's visit ends the spell.
  auto visit = city.Post(ga, "/api/v1/welfare/visits", {{"person_id", wang}, {"health", "unwell"}, {"medicine", true}});
  ASSERT_EQ(visit.status, 201) << visit.body;
  EXPECT_EQ(overdue()["total"], 0);
  auto subjects = Json(city.Call("GET", "/api/v1/welfare/subjects", "", city.jin.cookie));
  EXPECT_EQ(subjects["items"][0]["overdue_case_id"], "");
  EXPECT_EQ(subjects["items"][0]["last_health"], "unwell");

  // Changing the interval moves the due time; a bad change writes nothing.
  auto patch = [&](const nlohmann::json& body) {
    return city.Call("PATCH", "/api/v1/welfare/subjects/" + std::to_string(wang), body.dump(), city.jin.cookie,
                     city.jin.csrf);
  };
  EXPECT_EQ(patch({{"interval_days", 91}}).status, 400);
  EXPECT_EQ(patch({{"reporter_user_id", city.store->FindUserByUsername("ga")->id}}).status, 400);
  auto changed = patch({{"interval_days", 7}, {"reporter_user_id", city.rider_id}});
  ASSERT_EQ(changed.status, 200) << changed.body;
  EXPECT_EQ(Json(changed)["interval_days"], 7);
  EXPECT_EQ(Json(changed)["reporter_user_id"], city.rider_id);
  EXPECT_EQ(city.Call("PATCH", "/api/v1/welfare/subjects/999", "{}", city.jin.cookie, city.jin.csrf).status, 404);
}

}  // namespace
}  // namespace cg::api
