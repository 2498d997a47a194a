// ChangeFeed and the person fields derived at write time, on SQLite and PostgreSQL.

#include "base/change_feed.hpp"

#include <gtest/gtest.h>

#include <map>
#include <thread>

#include "base/service.hpp"
#include "base/test_store.hpp"
#include "model/id_number.hpp"

namespace cg::base {
namespace {

using model::BaseEntity;
using model::OrgKind;

constexpr char kKey[] = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
constexpr char kGridA[] = "150203010008001";
constexpr char kGridB[] = "150203010008002";

// Keeps the last state of every person it is told about.
class Recorder : public Projection {
 public:
  bool Wants(BaseEntity e) const override { return e == BaseEntity::kPerson; }
  void Upsert(const store::BaseRecord& r) override {
    ++upserts;
    persons[r.id] = r;
  }
  void Remove(BaseEntity, std::int64_t id) override {
    ++removes;
    persons.erase(id);
  }
  std::map<std::int64_t, store::BaseRecord> persons;
  int upserts = 0, removes = 0;
};

class Households : public Projection {
 public:
  bool Wants(BaseEntity e) const override { return e == BaseEntity::kHousehold; }
  void Upsert(const store::BaseRecord& r) override { ids[r.id] = r.grid_code; }
  void Remove(BaseEntity, std::int64_t id) override { ids.erase(id); }
  std::map<std::int64_t, std::string> ids;
};

class ChangeFeedTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    db_ = std::make_unique<cg::testing::BackendStore>(GetParam());
    if (db_->skipped) GTEST_SKIP() << db_->error;
    ASSERT_TRUE(db_->error.empty()) << db_->error;
    using cg::testing::TestUnit;
    ASSERT_TRUE(db_->store
                    ->UpsertOrgUnits({TestUnit("1502", OrgKind::kCity, "包头市"),
                                      TestUnit("150203", OrgKind::kDistrict, "昆都仑区"),
                                      TestUnit("150203010", OrgKind::kStreet, "街道"),
                                      TestUnit("150203010008", OrgKind::kCommunity, "金华社区"),
                                      TestUnit(kGridA, OrgKind::kGrid, "甲"), TestUnit(kGridB, OrgKind::kGrid, "乙")})
                    .ok());
    auto keys = privacy::KeyRing::FromHex(kKey);
    ASSERT_TRUE(keys.ok());
    keys_ = std::make_unique<privacy::KeyRing>(std::move(keys).value());
    auto dict = forms::Dictionary::LoadDirectory("data/elements");
    ASSERT_TRUE(dict.ok()) << dict.error().message;
    dict_ = std::make_unique<forms::Dictionary>(std::move(dict).value());
    clock_.Set(1'780'275'600'000);  // 2026-06-01
    service_ = std::make_unique<Service>(*db_->store, *keys_, *dict_, clock_);
  }

  Result<store::BaseRecord> AddPerson(const std::string& grid, const std::string& name, Date birth, int seq,
                                      model::Fields attributes = {}) {
    return service_->Create(model::Scope::System(), BaseEntity::kPerson,
                            {{"grid_code", grid},
                             {"name", name},
                             {"id_number", model::MakeResidentId("150203", birth, seq)},
                             {"ethnicity", "01"},
                             {"residence_status", "registered"}},
                            std::move(attributes), {}, nullptr);
  }

  std::unique_ptr<cg::testing::BackendStore> db_;
  std::unique_ptr<privacy::KeyRing> keys_;
  std::unique_ptr<forms::Dictionary> dict_;
  ManualClock clock_;
  std::unique_ptr<Service> service_;
};

TEST_P(ChangeFeedTest, PersonsCarrySexAndBirthDateDerivedFromTheIdNumber) {
  auto p = AddPerson(kGridA, "张老", Date{1940, 5, 6}, 123);  // odd sequence: male
  ASSERT_TRUE(p.ok()) << p.error().message;
  EXPECT_EQ(p->fields.at("sex"), "male");
  EXPECT_EQ(p->fields.at("birth_date"), "1940-05-06");
  auto stored = db_->store->GetRecord(model::Scope::System(), BaseEntity::kPerson, p->id);
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->fields.at("birth_date"), "1940-05-06");
  // Changing the ID number re-derives both, and the change log records them.
  auto patched = service_->Patch(model::Scope::System(), BaseEntity::kPerson, p->id, 1,
                                 {{"id_number", model::MakeResidentId("150203", Date{1950, 7, 8}, 124)}}, {}, {},
                                 nullptr);
  ASSERT_TRUE(patched.ok()) << patched.error().message;
  EXPECT_EQ(patched->fields.at("sex"), "female");
  EXPECT_EQ(patched->fields.at("birth_date"), "1950-07-08");
  auto history = db_->store->History(model::Scope::System(), BaseEntity::kPerson, p->id);
  ASSERT_TRUE(history.ok());
  bool logged = false;
  for (const auto& c : *history)
    logged = logged || (c.field == "birth_date" && c.old_value == "1940-05-06" && c.new_value == "1950-07-08");
  EXPECT_TRUE(logged);
  // A patch of another field keeps them.
  auto renamed = service_->Patch(model::Scope::System(), BaseEntity::kPerson, p->id, 2, {{"name", "张二"}}, {}, {},
                                 nullptr);
  ASSERT_TRUE(renamed.ok()) << renamed.error().message;
  EXPECT_EQ(renamed->fields.at("birth_date"), "1950-07-08");
  // Never typed: a client sending them gets field errors.
  std::vector<model::FieldError> errors;
  auto typed = service_->Patch(model::Scope::System(), BaseEntity::kPerson, p->id, 3, {{"sex", "male"}}, {}, {},
                               &errors);
  EXPECT_FALSE(typed.ok());
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].field, "sex");
  // Present keeps its shape: masked ID, sex and birth date.
  auto shown = service_->Present(*renamed);
  EXPECT_EQ(shown.at("sex"), "female");
  EXPECT_EQ(shown.at("birth_date"), "1950-07-08");
  EXPECT_NE(shown.at("id_number").find("********"), std::string::npos);
}

TEST_P(ChangeFeedTest, SnapshotThenCatchUpFollowsCreatesUpdatesDeletesAndMoves) {
  // Enough records to page the snapshot (5,000 a page).
  auto first = AddPerson(kGridA, "甲一", Date{1950, 1, 1}, 1);
  ASSERT_TRUE(first.ok()) << first.error().message;
  auto second = AddPerson(kGridB, "乙一", Date{1990, 1, 1}, 2);
  ASSERT_TRUE(second.ok());

  ChangeFeed feed(*db_->store);
  Recorder persons;
  Households households;
  feed.Add(&persons);
  feed.Add(&households);
  EXPECT_FALSE(feed.CatchUp().ok());  // not started
  ASSERT_TRUE(feed.Start().ok());
  EXPECT_FALSE(feed.Start().ok());  // once
  ASSERT_EQ(persons.persons.size(), 2u);
  EXPECT_EQ(persons.persons.at(first->id).fields.at("name"), "甲一");
  auto last = db_->store->LastChangeSeq();
  ASSERT_TRUE(last.ok());
  EXPECT_EQ(feed.seq(), *last);
  EXPECT_GT(feed.seq(), 0);

  // Nothing new: nothing applied.
  int before = persons.upserts;
  ASSERT_TRUE(feed.CatchUp().ok());
  EXPECT_EQ(persons.upserts, before);

  // Several changes to one record between catch-ups: one re-read, final state.
  auto v2 = service_->Patch(model::Scope::System(), BaseEntity::kPerson, first->id, 1, {{"name", "甲二"}},
                            {{"person.elderly_living_alone", "true"}}, {}, nullptr);
  ASSERT_TRUE(v2.ok()) << v2.error().message;
  auto v3 = service_->Patch(model::Scope::System(), BaseEntity::kPerson, first->id, 2, {{"grid_code", kGridB}}, {},
                            {}, nullptr);
  ASSERT_TRUE(v3.ok()) << v3.error().message;
  auto third = AddPerson(kGridA, "甲三", Date{2000, 1, 1}, 3);
  ASSERT_TRUE(third.ok());
  before = persons.upserts;
  ASSERT_TRUE(feed.CatchUp().ok());
  EXPECT_EQ(persons.upserts - before, 2);
  EXPECT_EQ(persons.persons.at(first->id).fields.at("name"), "甲二");
  EXPECT_EQ(persons.persons.at(first->id).grid_code, kGridB);
  EXPECT_EQ(persons.persons.at(first->id).fields.at("person.elderly_living_alone"), "true");
  EXPECT_EQ(persons.persons.at(third->id).fields.at("birth_date"), "2000-01-01");

  // A household goes only to the projection that wants households.
  auto hh = service_->Create(model::Scope::System(), BaseEntity::kHousehold,
                             {{"grid_code", kGridA}, {"head_person_id", std::to_string(third->id)},
                              {"members", std::to_string(third->id) + ":02"}},
                             {}, {}, nullptr);
  ASSERT_TRUE(hh.ok()) << hh.error().message;
  before = persons.upserts;
  ASSERT_TRUE(feed.CatchUp().ok());
  EXPECT_EQ(persons.upserts, before);
  EXPECT_EQ(households.ids.at(hh->id), kGridA);

  // Deletion: removed.
  ASSERT_TRUE(db_->store->DeleteRecord(model::Scope::System(), BaseEntity::kPerson, second->id, 1, {}).ok());
  ASSERT_TRUE(feed.CatchUp().ok());
  EXPECT_EQ(persons.persons.count(second->id), 0u);
  EXPECT_EQ(persons.removes, 1);
  EXPECT_EQ(feed.seq(), *db_->store->LastChangeSeq());
}

TEST_P(ChangeFeedTest, ServiceCatchesUpAfterEachWrite) {
  ChangeFeed feed(*db_->store);
  Recorder persons;
  feed.Add(&persons);
  ASSERT_TRUE(feed.Start().ok());
  EXPECT_TRUE(persons.persons.empty());
  service_->SetChangeFeed(&feed);
  auto p = AddPerson(kGridA, "即时", Date{1944, 2, 2}, 9);
  ASSERT_TRUE(p.ok());
  ASSERT_EQ(persons.persons.count(p->id), 1u);  // no explicit CatchUp
  auto patched = service_->Patch(model::Scope::System(), BaseEntity::kPerson, p->id, 1, {},
                                 {{"person.disabled", "true"}}, {}, nullptr);
  ASSERT_TRUE(patched.ok()) << patched.error().message;
  EXPECT_EQ(persons.persons.at(p->id).fields.at("person.disabled"), "true");
  // A failed write changes nothing and does not disturb the feed.
  auto bad = service_->Patch(model::Scope::System(), BaseEntity::kPerson, p->id, 1, {{"name", "旧版本"}}, {}, {},
                             nullptr);
  EXPECT_FALSE(bad.ok());
  EXPECT_EQ(persons.persons.at(p->id).version, 2);
}

TEST_P(ChangeFeedTest, SnapshotPagesAndConcurrentCatchUpsAreSerialised) {
  // Direct store writes, several snapshot and change-log pages of 16.
  const int n = 50;
  for (int i = 0; i < n; ++i) {
    store::BaseRecord r;
    r.entity = BaseEntity::kHousehold;
    r.grid_code = i % 2 ? kGridA : kGridB;
    r.fields = {{"grid_code", r.grid_code}, {"head_person_id", "1"}};
    ASSERT_TRUE(db_->store->CreateRecord(model::Scope::System(), r, {}, nullptr).ok());
  }
  ChangeFeed feed(*db_->store, 16);
  Households households;
  feed.Add(&households);
  ASSERT_TRUE(feed.Start().ok());
  EXPECT_EQ(households.ids.size(), static_cast<std::size_t>(n));
  // 40 changes, caught up in pages of 16.
  for (int i = 0; i < 40; ++i) {
    store::BaseRecord r;
    r.entity = BaseEntity::kHousehold;
    r.grid_code = kGridB;
    r.fields = {{"grid_code", kGridB}, {"head_person_id", "2"}};
    ASSERT_TRUE(db_->store->CreateRecord(model::Scope::System(), r, {}, nullptr).ok());
  }
  ASSERT_TRUE(feed.CatchUp().ok());
  EXPECT_EQ(households.ids.size(), static_cast<std::size_t>(n + 40));
  EXPECT_EQ(feed.seq(), *db_->store->LastChangeSeq());
  // Writers and catch-ups from several threads: the end state matches the store.
  std::vector<std::thread> threads;
  for (int t = 0; t < 3; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 20; ++i) {
        store::BaseRecord r;
        r.entity = BaseEntity::kHousehold;
        r.grid_code = kGridA;
        r.fields = {{"grid_code", kGridA}, {"head_person_id", std::to_string(t)}};
        EXPECT_TRUE(db_->store->CreateRecord(model::Scope::System(), r, {}, nullptr).ok());
        EXPECT_TRUE(feed.CatchUp().ok());
      }
    });
  }
  for (auto& t : threads) t.join();
  ASSERT_TRUE(feed.CatchUp().ok());
  EXPECT_EQ(households.ids.size(), static_cast<std::size_t>(n + 40 + 60));
}

TEST_P(ChangeFeedTest, ResyncRebuildsOneProjection) {
  auto p = AddPerson(kGridA, "重建", Date{1960, 1, 1}, 11);
  ASSERT_TRUE(p.ok());
  ChangeFeed feed(*db_->store);
  Recorder persons;
  Households households;
  feed.Add(&persons);
  feed.Add(&households);
  EXPECT_FALSE(feed.Resync(&persons, nullptr).ok());  // not started
  ASSERT_TRUE(feed.Start().ok());
  persons.persons.clear();
  persons.persons[999] = {};  // stale state the reset must clear
  bool reset = false;
  ASSERT_TRUE(feed.Resync(&persons, [&] {
                    reset = true;
                    persons.persons.clear();
                  }).ok());
  EXPECT_TRUE(reset);
  ASSERT_EQ(persons.persons.size(), 1u);
  EXPECT_EQ(persons.persons.begin()->first, p->id);
}

INSTANTIATE_TEST_SUITE_P(Backends, ChangeFeedTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace cg::base
