// The field app's server side: household visits, idempotent creations for offline replay,
// conflict answers with the current record and its history, audited and rate-limited ID searches.
#include <gtest/gtest.h>

#include "api/test_city.hpp"

namespace cg::api {
namespace {

using nlohmann::json;
using testing::TestCity;

json Body(const Response& r) { return json::parse(r.body, nullptr, false); }

// A household in grid A (ga's grid) with one member; returns {household id, person id}.
std::pair<std::int64_t, std::int64_t> SeedHousehold(TestCity& city, const TestCity::Login& ga) {
  const std::string id = model::MakeResidentId("150203", Date{1941, 4, 5}, 17);
  json person = {{"grid_code", "150203010008001"}, {"name", "赵老伯"}, {"id_number", id},
                 {"ethnicity", "01"}, {"residence_status", "registered"}};
  auto p = city.Call("POST", "/api/v1/persons", person.dump(), ga.cookie, ga.csrf);
  EXPECT_EQ(p.status, 201) << p.body;
  std::int64_t pid = Body(p)["id"];
  json household = {{"grid_code", "150203010008001"}, {"head_person_id", std::to_string(pid)},
                    {"members", std::to_string(pid) + ":02"}};
  auto h = city.Call("POST", "/api/v1/households", household.dump(), ga.cookie, ga.csrf);
  EXPECT_EQ(h.status, 201) << h.body;
  return {Body(h)["id"].get<std::int64_t>(), pid};
}

TEST(VisitsApi, RecordListReplayAndScope) {
  TestCity city("visits_basic");
  auto ids = city.SeedGridB();
  auto ga = city.LogIn("ga");
  auto [hid, pid] = SeedHousehold(city, ga);
  const std::string path = "/api/v1/households/" + std::to_string(hid) + "/visits";
  json visit = {{"client_id", "0b6e6a4e-visit-1"},
                {"checklist", {{"residents_present", true}, {"safety", "燃气灶已检查"}}},
                {"notes", "老人身体良好"},
                {"changed_records", {"person:" + std::to_string(pid)}}};
  auto r = city.Call("POST", path + "?source=field_app", visit.dump(), ga.cookie, ga.csrf);
  ASSERT_EQ(r.status, 201) << r.body;
  auto v = Body(r);
  EXPECT_EQ(v["household_id"], hid);
  EXPECT_EQ(v["grid_code"], "150203010008001");
  EXPECT_EQ(v["checklist"]["residents_present"], "yes");
  EXPECT_EQ(v["changed_records"][0], "person:" + std::to_string(pid));
  // The replay (same client_id, same body) returns the first visit.
  auto again = city.Call("POST", path + "?source=field_app", visit.dump(), ga.cookie, ga.csrf);
  ASSERT_EQ(again.status, 201) << again.body;
  EXPECT_EQ(Body(again)["id"], v["id"]);
  // The same id with other content is refused, not silently merged.
  json other = visit;
  other["notes"] = "别的内容";
  EXPECT_EQ(city.Call("POST", path, other.dump(), ga.cookie, ga.csrf).status, 409);
  auto list = Body(city.Call("GET", path, "", ga.cookie));
  EXPECT_EQ(list["total"], 1);
  auto grid = Body(city.Call("GET", "/api/v1/visits?grid=150203010008001", "", ga.cookie));
  EXPECT_EQ(grid["total"], 1);
  // The change log announces the visit on the household, from the field app.
  auto feed = Body(city.Call("GET", "/api/v1/changes?since=" + std::to_string(v["change_seq"].get<int>() - 1), "",
                             ga.cookie));
  ASSERT_FALSE(feed["items"].empty());
  EXPECT_EQ(feed["items"][0]["field"], "visit");
  EXPECT_EQ(feed["items"][0]["entity"], "household");
  EXPECT_EQ(feed["items"][0]["source"], "field_app");
  EXPECT_EQ(feed["items"][0]["new_value"], std::to_string(v["id"].get<int>()));

  // gb (grid B) sees neither the household nor its visits; ga cannot visit grid B's household.
  auto gb = city.LogIn("gb");
  EXPECT_EQ(city.Call("GET", path, "", gb.cookie).status, 404);
  EXPECT_EQ(city.Call("POST", path, visit.dump(), gb.cookie, gb.csrf).status, 404);
  EXPECT_EQ(Body(city.Call("GET", "/api/v1/visits", "", gb.cookie))["total"], 0);
  EXPECT_EQ(city.Call("GET", "/api/v1/visits?grid=150203010008001", "", gb.cookie).status, 404);
  const std::string foreign = "/api/v1/households/" + ids.at("households") + "/visits";
  json fresh = visit;
  fresh["client_id"] = "0b6e6a4e-visit-2";
  EXPECT_EQ(city.Call("POST", foreign, fresh.dump(), ga.cookie, ga.csrf).status, 404);
  // ga's first key reused on another household is a different request: refused, not applied.
  EXPECT_EQ(city.Call("POST", foreign, visit.dump(), ga.cookie, ga.csrf).status, 409);
}

TEST(VisitsApi, HostileBodiesAreRefusedAndWriteNothing) {
  TestCity city("visits_hostile");
  auto ga = city.LogIn("ga");
  auto [hid, pid] = SeedHousehold(city, ga);
  const std::string path = "/api/v1/households/" + std::to_string(hid) + "/visits";
  const std::int64_t now = city.clock.Now();
  std::vector<json> bad = {
      json::object(),                                                      // nothing checked
      {{"checklist", "yes"}},                                              // not an object
      {{"checklist", {{"Bad Item", "x"}}}},                                // item name
      {{"checklist", {{"safety", {1, 2}}}}},                               // value type
      {{"checklist", {{"safety", std::string(600, 'a')}}}},                // too long
      {{"notes", "x"}, {"visited_at", now + 3600'000}},                    // future
      {{"notes", "x"}, {"visited_at", "yesterday"}},                       // not a number
      {{"notes", "x"}, {"changed_records", {"person:1; DROP TABLE x"}}},  // bad reference
      {{"notes", "x"}, {"changed_records", "person:1"}},                   // not an array
      {{"notes", 5}},                                                      // notes type
  };
  for (const auto& b : bad) {
    auto r = city.Call("POST", path, b.dump(), ga.cookie, ga.csrf);
    EXPECT_EQ(r.status, 400) << b.dump() << " -> " << r.body;
    EXPECT_TRUE(Body(r)["error"].contains("message")) << r.body;
  }
  EXPECT_EQ(city.Call("POST", path, "{not json", ga.cookie, ga.csrf).status, 400);
  EXPECT_EQ(city.Call("POST", path, json{{"notes", "x"}}.dump(), ga.cookie, ga.csrf,
                      {{"idempotency-key", std::string(300, 'k')}}).status,
            400);
  EXPECT_EQ(city.Call("POST", "/api/v1/households/0/visits", json{{"notes", "x"}}.dump(), ga.cookie, ga.csrf).status,
            404);
  EXPECT_EQ(city.Call("GET", "/api/v1/visits?from=abc", "", ga.cookie).status, 400);
  EXPECT_EQ(Body(city.Call("GET", path, "", ga.cookie))["total"], 0);
}

TEST(VisitsApi, AnalystsMayNotRecordOrReadVisits) {
  TestCity city("visits_roles");
  auto ga = city.LogIn("ga");
  auto [hid, pid] = SeedHousehold(city, ga);
  auto hash = auth::HashPassword("password-1");
  model::User u;
  u.username = "ana";
  u.role = model::Role::kAnalyst;
  u.scope_code = "150203";
  u.password_hash = *hash;
  ASSERT_TRUE(city.store->CreateUser(u).ok());
  auto ana = city.LogIn("ana");
  const std::string path = "/api/v1/households/" + std::to_string(hid) + "/visits";
  EXPECT_EQ(city.Call("POST", path, json{{"notes", "x"}}.dump(), ana.cookie, ana.csrf).status, 403);
  EXPECT_EQ(city.Call("GET", "/api/v1/visits", "", ana.cookie).status, 403);
}

TEST(SyncApi, IdempotentCreateAndConflictWithCurrentAndHistory) {
  TestCity city("sync_conflict");
  auto ga = city.LogIn("ga");
  const std::string id = model::MakeResidentId("150203", Date{1985, 6, 7}, 31);
  json person = {{"grid_code", "150203010008001"}, {"name", "钱小红"}, {"id_number", id},
                 {"ethnicity", "01"}, {"residence_status", "registered"}};
  std::map<std::string, std::string> key = {{"idempotency-key", "offline-op-42"}};
  auto first = city.Call("POST", "/api/v1/persons?source=field_app", person.dump(), ga.cookie, ga.csrf, key);
  ASSERT_EQ(first.status, 201) << first.body;
  auto replay = city.Call("POST", "/api/v1/persons?source=field_app", person.dump(), ga.cookie, ga.csrf, key);
  ASSERT_EQ(replay.status, 201) << replay.body;
  EXPECT_EQ(Body(replay)["id"], Body(first)["id"]);
  EXPECT_EQ(Body(city.Call("GET", "/api/v1/persons?q=钱小红", "", ga.cookie))["total"], 1);
  // Without a key, the same body is a duplicate ID number.
  EXPECT_EQ(city.Call("POST", "/api/v1/persons", person.dump(), ga.cookie, ga.csrf).status, 409);

  const std::string path = "/api/v1/persons/" + std::to_string(Body(first)["id"].get<int>());
  auto alice = city.LogIn("alice");
  ASSERT_EQ(city.Call("PATCH", path, json{{"version", 1}, {"name", "钱晓红"}}.dump(), alice.cookie, alice.csrf).status,
            200);
  // ga's queued edit from version 1 conflicts: 409 with the current record and its history.
  auto stale = city.Call("PATCH", path + "?source=field_app", json{{"version", 1}, {"name", "钱小虹"}}.dump(),
                         ga.cookie, ga.csrf);
  ASSERT_EQ(stale.status, 409) << stale.body;
  auto j = Body(stale);
  EXPECT_EQ(j["error"]["code"], "conflict");
  EXPECT_EQ(j["current"]["version"], 2);
  EXPECT_EQ(j["current"]["fields"]["name"], "钱晓红");
  bool saw = false;
  for (const auto& c : j["history"]) saw = saw || (c["field"] == "name" && c["new_value"] == "钱晓红");
  EXPECT_TRUE(saw) << stale.body;
  EXPECT_EQ(stale.body.find(id), std::string::npos);
  // Choosing "mine" means patching again at the current version; the field app marks it.
  auto resolved = city.Call("PATCH", path + "?source=field_app", json{{"version", 2}, {"name", "钱小虹"}}.dump(),
                            ga.cookie, ga.csrf);
  ASSERT_EQ(resolved.status, 200) << resolved.body;
  auto h = Body(city.Call("GET", path + "/history", "", ga.cookie));
  EXPECT_EQ(h["items"].back()["source"], "field_app");
  EXPECT_EQ(h["items"].back()["old_value"], "钱晓红");  // nothing lost: both values are in the log
}

// The field app's "新增户" made offline: the new head, then the household naming it, each sent
// with its own key; a replay returns the first household and writes nothing, and a head id the
// phone never got from the server (its temporary, negative id) is refused without a write.
TEST(SyncApi, HouseholdCreationReplaysOnceAndRefusesAnUnresolvedHead) {
  TestCity city("sync_household");
  auto ga = city.LogIn("ga");
  const std::string grid = "150203010008001";
  auto count = [&] { return Body(city.Call("GET", "/api/v1/households?grid=" + grid, "", ga.cookie))["total"].get<int>(); };
  const int before = count();
  const std::string id = model::MakeResidentId("150203", Date{1979, 3, 4}, 41);
  json person = {{"grid_code", grid}, {"name", "孙新户"}, {"id_number", id}, {"ethnicity", "01"},
                 {"residence_status", "registered"}};
  auto p = city.Call("POST", "/api/v1/persons?source=field_app", person.dump(), ga.cookie, ga.csrf,
                     {{"idempotency-key", "op-head"}});
  ASSERT_EQ(p.status, 201) << p.body;
  const std::string pid = std::to_string(Body(p)["id"].get<std::int64_t>());
  json household = {{"grid_code", grid}, {"head_person_id", pid}, {"members", pid + ":02"}, {"attributes", json::object()}};
  std::map<std::string, std::string> key = {{"idempotency-key", "op-household"}};
  auto first = city.Call("POST", "/api/v1/households?source=field_app", household.dump(), ga.cookie, ga.csrf, key);
  ASSERT_EQ(first.status, 201) << first.body;
  auto replay = city.Call("POST", "/api/v1/households?source=field_app", household.dump(), ga.cookie, ga.csrf, key);
  ASSERT_EQ(replay.status, 201) << replay.body;
  EXPECT_EQ(Body(replay)["id"], Body(first)["id"]);
  EXPECT_EQ(count(), before + 1);
  EXPECT_EQ(Body(first)["members"], json::parse(R"([{"person_id":)" + pid + R"(,"relation":"02"}])"));
  const std::string path = "/api/v1/households/" + std::to_string(Body(first)["id"].get<std::int64_t>());
  auto history = Body(city.Call("GET", path + "/history", "", ga.cookie))["items"];
  ASSERT_FALSE(history.empty());
  for (const auto& c : history) EXPECT_EQ(c["source"], "field_app") << c.dump();
  // The same key on another body is not a replay.
  json other = household;
  other.erase("members");
  EXPECT_EQ(city.Call("POST", "/api/v1/households?source=field_app", other.dump(), ga.cookie, ga.csrf, key).status, 409);
  // A temporary id left in place (its creation was refused) names no record: 400, nothing written.
  json unresolved = household;
  unresolved["head_person_id"] = "-1";
  unresolved["members"] = "-1:02";
  auto bad = city.Call("POST", "/api/v1/households?source=field_app", unresolved.dump(), ga.cookie, ga.csrf,
                       {{"idempotency-key", "op-household-2"}});
  EXPECT_EQ(bad.status, 400) << bad.body;
  EXPECT_EQ(count(), before + 1);
}

TEST(SearchApi, IdSearchesAreAuditedAndRateLimitedPerUser) {
  TestCity city("search_audit");
  auto ga = city.LogIn("ga");
  const std::string id = model::MakeResidentId("150203", Date{1970, 1, 1}, 55);
  json person = {{"grid_code", "150203010008001"}, {"name", "孙一"}, {"id_number", id},
                 {"ethnicity", "01"}, {"residence_status", "registered"}};
  ASSERT_EQ(city.Call("POST", "/api/v1/persons", person.dump(), ga.cookie, ga.csrf).status, 201);
  // Name searches are neither audited nor limited.
  for (int i = 0; i < 5; ++i) EXPECT_EQ(city.Call("GET", "/api/v1/persons?q=孙", "", ga.cookie).status, 200);
  auto none = city.store->ListAudit(0, 1000);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
  auto tail = city.Call("GET", "/api/v1/persons?q=" + id.substr(14), "", ga.cookie);
  ASSERT_EQ(tail.status, 200);
  EXPECT_EQ(Body(tail)["total"], 1);
  auto audit = city.store->ListAudit(0, 1000);
  ASSERT_TRUE(audit.ok());
  ASSERT_EQ(audit->size(), 1u);
  EXPECT_EQ(audit->at(0).action, "search_id");
  EXPECT_EQ(audit->at(0).field, "id_tail");
  EXPECT_EQ(audit->at(0).reason.find(id.substr(14)), std::string::npos);  // the value is not logged
  for (int i = 1; i < kIdSearchesPerHour; ++i) {
    ASSERT_EQ(city.Call("GET", "/api/v1/persons?q=" + id, "", ga.cookie).status, 200) << i;
  }
  auto limited = city.Call("GET", "/api/v1/persons?q=" + id.substr(14), "", ga.cookie);
  EXPECT_EQ(limited.status, 429) << limited.body;
  // Another user is not limited by ga's searches; an hour later ga may search again.
  auto gb = city.LogIn("gb");
  EXPECT_EQ(city.Call("GET", "/api/v1/persons?q=" + id.substr(14), "", gb.cookie).status, 200);
  city.clock.Advance(3600'001);
  ga = city.LogIn("ga");
  EXPECT_EQ(city.Call("GET", "/api/v1/persons?q=" + id.substr(14), "", ga.cookie).status, 200);
  auto all = city.store->ListAudit(0, 1000);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), static_cast<std::size_t>(kIdSearchesPerHour) + 2);
  EXPECT_TRUE(city.store->VerifyAuditChain().ok());
}

TEST(SearchApi, InitialsTraditionalCharactersAndTailsThroughTheIndex) {
  TestCity city("search_index");
  auto ga = city.LogIn("ga");
  const std::string id = model::MakeResidentId("150203", Date{1966, 6, 6}, 71);
  for (auto [name, idn] : {std::pair{"张晓明", id}, std::pair{"王小红", model::MakeResidentId("150203", Date{1977, 7, 7}, 72)}}) {
    json person = {{"grid_code", "150203010008001"}, {"name", name}, {"id_number", idn},
                   {"ethnicity", "01"}, {"residence_status", "registered"}};
    ASSERT_EQ(city.Call("POST", "/api/v1/persons", person.dump(), ga.cookie, ga.csrf).status, 201);
  }
  json address = {{"grid_code", "150203010008001"}, {"road", "钢铁大街"}, {"number", "12号"}};
  ASSERT_EQ(city.Call("POST", "/api/v1/addresses", address.dump(), ga.cookie, ga.csrf).status, 201);
  auto names = [&](const std::string& family, const std::string& q, const TestCity::Login& who) {
    auto r = city.Call("GET", "/api/v1/" + family + "?q=" + q, "", who.cookie);
    EXPECT_EQ(r.status, 200) << r.body;
    std::vector<std::string> out;
    const json body = Body(r);  // kept alive: Body(r)["items"] in the loop would dangle
    for (const auto& item : body["items"]) out.push_back(item["fields"].value("name", item["fields"].value("road", "")));
    return out;
  };
  EXPECT_EQ(names("persons", "zxm", ga), std::vector<std::string>{"张晓明"});      // pinyin initials
  EXPECT_EQ(names("persons", "ZXM", ga), std::vector<std::string>{"张晓明"});
  EXPECT_EQ(names("persons", "張曉", ga), std::vector<std::string>{"张晓明"});     // traditional typed
  EXPECT_EQ(names("persons", "小", ga), std::vector<std::string>{"王小红"});  // 晓 is not 小
  EXPECT_EQ(names("persons", "小红", ga), std::vector<std::string>{"王小红"});
  EXPECT_EQ(names("persons", id.substr(14), ga), std::vector<std::string>{"张晓明"});  // ID tail by hash
  EXPECT_EQ(names("addresses", "钢铁大街12", ga), std::vector<std::string>{"钢铁大街"});
  // A new write is searchable at once, and the scope still applies.
  auto list = Body(city.Call("GET", "/api/v1/persons?q=zxm", "", ga.cookie));
  const std::string path = "/api/v1/persons/" + std::to_string(list["items"][0]["id"].get<int>());
  ASSERT_EQ(city.Call("PATCH", path, json{{"version", 1}, {"name", "赵晓明"}}.dump(), ga.cookie, ga.csrf).status, 200);
  EXPECT_EQ(names("persons", "zhaoxiao", ga), std::vector<std::string>{});
  EXPECT_EQ(names("persons", "zxm", ga), std::vector<std::string>{"赵晓明"});
  EXPECT_TRUE(names("persons", "zxm", city.LogIn("gb")).empty());
  EXPECT_EQ(city.Call("GET", "/api/v1/persons?q=zxm&grid=150203010008001", "", city.LogIn("gb").cookie).status, 404);
}

}  // namespace
}  // namespace cg::api
