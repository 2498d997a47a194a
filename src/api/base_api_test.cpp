// Base data over HTTP: validation errors by field, duplicates, masks, history, optimistic
// concurrency, unmasking with the audit log, and no plaintext ID/phone in the SQLite files.
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

#include "api/test_city.hpp"

namespace cg::api {
namespace {

using nlohmann::json;
using testing::TestCity;

json Body(const Response& r) { return json::parse(r.body, nullptr, false); }

json PersonBody(const std::string& id_number, const std::string& phone = "13812345678") {
  return {{"grid_code", "150203010008001"}, {"name", "王小明"}, {"id_number", id_number},
          {"phone", phone}, {"ethnicity", "01"}, {"residence_status", "registered"},
          {"attributes", {{"person.elderly_living_alone", true}}}};
}

std::set<std::string> ErrorFields(const Response& r) {
  std::set<std::string> out;
  const json j = Body(r);
  for (const auto& f : j["error"]["fields"]) out.insert(f["field"].get<std::string>());
  return out;
}

TEST(BaseApi, CreateShowsMaskedValuesAndDerivedFields) {
  TestCity city("base_create");
  auto ga = city.LogIn("ga");
  const std::string id = model::MakeResidentId("150203", Date{1944, 5, 6}, 36);  // even: female
  auto r = city.Call("POST", "/api/v1/persons", PersonBody(id).dump(), ga.cookie, ga.csrf);
  ASSERT_EQ(r.status, 201) << r.body;
  auto j = Body(r);
  EXPECT_EQ(j["fields"]["id_number"], "150203********" + id.substr(14));
  EXPECT_EQ(j["fields"]["phone"], "138****5678");
  EXPECT_EQ(j["fields"]["sex"], "female");
  EXPECT_EQ(j["fields"]["birth_date"], "1944-05-06");
  EXPECT_EQ(j["attributes"]["person.elderly_living_alone"], "true");
  EXPECT_EQ(r.body.find(id), std::string::npos);
  EXPECT_EQ(r.body.find("13812345678"), std::string::npos);

  // Duplicate ID number (in any grid) is refused.
  auto alice = city.LogIn("alice");
  auto dup = PersonBody(id, "13900000000");
  dup["grid_code"] = "150203010008002";
  auto d = city.Call("POST", "/api/v1/persons", dup.dump(), alice.cookie, alice.csrf);
  EXPECT_EQ(d.status, 409) << d.body;
  EXPECT_TRUE(ErrorFields(d).count("id_number")) << d.body;

  // Search: exact ID, tail, phone, name part; all within scope.
  for (std::string q : {id, id.substr(14), std::string("13812345678"), std::string("小明")}) {
    auto s = city.Call("GET", "/api/v1/persons?q=" + q, "", ga.cookie);
    ASSERT_EQ(s.status, 200) << s.body;
    EXPECT_EQ(Body(s)["total"], 1) << q;
  }
  auto gb = city.LogIn("gb");
  auto s = city.Call("GET", "/api/v1/persons?q=" + id, "", gb.cookie);
  EXPECT_EQ(Body(s)["total"], 0);
}

TEST(BaseApi, FieldLevelValidationErrors) {
  TestCity city("base_invalid");
  auto ga = city.LogIn("ga");
  std::string good = model::MakeResidentId("150203", Date{1980, 1, 2}, 11);
  std::string bad_check = good.substr(0, 17) + (good[17] == '1' ? "2" : "1");
  std::string future = model::MakeResidentId("150203", Date{2030, 1, 1}, 11);
  struct Case {
    json body;
    std::string field;
  } cases[] = {
      {PersonBody(bad_check), "id_number"},
      {PersonBody(future), "id_number"},
      {PersonBody(good, "12345"), "phone"},
      {[&] { auto b = PersonBody(good); b["ethnicity"] = "77"; return b; }(), "ethnicity"},
      {[&] { auto b = PersonBody(good); b.erase("name"); return b; }(), "name"},
      {[&] { auto b = PersonBody(good); b["attributes"]["person.disability_grade"] = "9"; return b; }(),
       "person.disability_grade"},
      {[&] { auto b = PersonBody(good); b["attributes"]["person.nonsense"] = "1"; return b; }(), "person.nonsense"},
      {[&] { auto b = PersonBody(good); b["house_id"] = "999"; return b; }(), "house_id"},
  };
  for (const auto& c : cases) {
    auto r = city.Call("POST", "/api/v1/persons", c.body.dump(), ga.cookie, ga.csrf);
    EXPECT_EQ(r.status, 400) << c.field << ": " << r.body;
    EXPECT_TRUE(ErrorFields(r).count(c.field)) << c.field << ": " << r.body;
    EXPECT_EQ(r.body.find(good.substr(6, 8)), std::string::npos) << "echoes the ID: " << r.body;
  }
  auto ok = city.Call("POST", "/api/v1/persons", PersonBody(good).dump(), ga.cookie, ga.csrf);
  EXPECT_EQ(ok.status, 201) << ok.body;
}

TEST(BaseApi, PatchHistoryAndStaleVersion) {
  TestCity city("base_patch");
  auto ga = city.LogIn("ga");
  const std::string id = model::MakeResidentId("150203", Date{1990, 7, 8}, 51);
  auto created = Body(city.Call("POST", "/api/v1/persons", PersonBody(id).dump(), ga.cookie, ga.csrf));
  const std::string path = "/api/v1/persons/" + std::to_string(created["id"].get<int>());
  auto p = city.Call("PATCH", path, json{{"version", 1}, {"name", "王晓明"}, {"phone", "13700001111"}}.dump(),
                     ga.cookie, ga.csrf);
  ASSERT_EQ(p.status, 200) << p.body;
  EXPECT_EQ(Body(p)["version"], 2);
  auto stale = city.Call("PATCH", path, json{{"version", 1}, {"name", "X"}}.dump(), ga.cookie, ga.csrf);
  EXPECT_EQ(stale.status, 409) << stale.body;
  auto h = city.Call("GET", path + "/history", "", ga.cookie);
  ASSERT_EQ(h.status, 200);
  bool saw_name = false, saw_phone = false;
  const json history = Body(h);
  for (const auto& c : history["items"]) {
    if (c["field"] == "name" && c["old_value"] == "王小明") {
      EXPECT_EQ(c["new_value"], "王晓明");
      saw_name = true;
    }
    if (c["field"] == "phone" && c["old_value"] == "138****5678") {
      EXPECT_EQ(c["new_value"], "137****1111");
      saw_phone = true;
    }
  }
  EXPECT_TRUE(saw_name && saw_phone) << h.body;
  EXPECT_EQ(h.body.find("13700001111"), std::string::npos);
  // The change feed carries the same rows for the grid.
  auto feed = city.Call("GET", "/api/v1/changes?since=0", "", ga.cookie);
  ASSERT_EQ(feed.status, 200);
  EXPECT_GE(Body(feed)["items"].size(), 8u);
}

TEST(BaseApi, UnmaskIsForStaffAndAudited) {
  TestCity city("base_unmask");
  auto ga = city.LogIn("ga");
  const std::string id = model::MakeResidentId("150203", Date{1960, 2, 3}, 77);
  auto created = Body(city.Call("POST", "/api/v1/persons", PersonBody(id).dump(), ga.cookie, ga.csrf));
  const std::string path = "/api/v1/persons/" + std::to_string(created["id"].get<int>()) + "/unmask";
  // A grid worker may not unmask.
  auto refused = city.Call("POST", path, json{{"field", "id_number"}, {"reason", "核实低保资格"}}.dump(), ga.cookie, ga.csrf);
  EXPECT_EQ(refused.status, 403);
  auto alice = city.LogIn("alice");
  auto no_reason = city.Call("POST", path, json{{"field", "id_number"}, {"reason", "看看"}}.dump(), alice.cookie, alice.csrf);
  EXPECT_EQ(no_reason.status, 400);
  auto r = city.Call("POST", path, json{{"field", "id_number"}, {"reason", "核实低保资格"}}.dump(), alice.cookie, alice.csrf);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Body(r)["value"], id);
  auto phone = city.Call("POST", path, json{{"field", "phone"}, {"reason", "联系家属"}}.dump(), alice.cookie, alice.csrf);
  EXPECT_EQ(Body(phone)["value"], "13812345678");
  auto audit = city.store->ListAudit(0, 10);
  ASSERT_TRUE(audit.ok());
  ASSERT_EQ(audit->size(), 2u);
  EXPECT_EQ(audit->at(0).reason, "核实低保资格");
  EXPECT_EQ(audit->at(0).field, "id_number");
  EXPECT_TRUE(city.store->VerifyAuditChain().ok());
}

TEST(BaseApi, AnalystsAndResidentsAreRefused) {
  TestCity city("base_roles");
  auto ids = city.SeedGridB();
  auto hash = auth::HashPassword("password-1");
  model::User u;
  u.username = "ana";
  u.role = model::Role::kAnalyst;
  u.scope_code = "1502";
  u.password_hash = *hash;
  ASSERT_TRUE(city.store->CreateUser(u).ok());
  auto ana = city.LogIn("ana");
  EXPECT_EQ(city.Call("GET", "/api/v1/persons", "", ana.cookie).status, 403);
  EXPECT_EQ(city.Call("GET", "/api/v1/persons/" + ids["persons"], "", ana.cookie).status, 403);
  EXPECT_EQ(city.Call("GET", "/api/v1/changes", "", ana.cookie).status, 403);
  EXPECT_EQ(city.Call("POST", "/api/v1/persons", PersonBody(TestCity::kGridBIdNumber()).dump(), ana.cookie, ana.csrf).status, 403);
}

TEST(BaseApi, NoPlaintextIdOrPhoneInTheDatabaseFiles) {
  TestCity city("base_plaintext");
  city.SeedGridB();
  auto ga = city.LogIn("ga");
  std::vector<std::string> secrets = {TestCity::kGridBIdNumber(), TestCity::kGridBPhone};
  for (int i = 0; i < 20; ++i) {
    std::string id = model::MakeResidentId("150203", Date{1970 + i, 1 + i % 12, 1 + i}, 100 + i);
    std::string phone = "1391234" + std::to_string(1000 + i);
    secrets.push_back(id);
    secrets.push_back(phone);
    auto r = city.Call("POST", "/api/v1/persons", PersonBody(id, phone).dump(), ga.cookie, ga.csrf);
    ASSERT_EQ(r.status, 201) << r.body;
    auto j = Body(r);
    // An update rewrites both values, so old ciphertexts and log rows are in the files too.
    auto p = city.Call("PATCH", "/api/v1/persons/" + std::to_string(j["id"].get<int>()),
                       json{{"version", 1}, {"phone", "1380000" + std::to_string(1000 + i)}}.dump(), ga.cookie, ga.csrf);
    ASSERT_EQ(p.status, 200) << p.body;
    secrets.push_back("1380000" + std::to_string(1000 + i));
  }
  std::string bytes;
  std::size_t files = 0;
  for (const char* suffix : {"", "-wal", "-journal", "-shm"}) {
    std::ifstream in(city.dir / (std::string("t.db") + suffix), std::ios::binary);
    if (!in) continue;
    ++files;
    bytes.append(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  ASSERT_GE(files, 1u);
  ASSERT_GT(bytes.size(), 10'000u);
  ASSERT_NE(bytes.find("王小明"), std::string::npos) << "the scan must see the data it looks through";
  for (const auto& s : secrets) EXPECT_EQ(bytes.find(s), std::string::npos) << "plaintext in the database files: " << s;
}

}  // namespace
}  // namespace cg::api
