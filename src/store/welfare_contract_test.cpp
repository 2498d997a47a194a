// Welfare checks on both backends (store/welfare_store.hpp): enrolment with its checks, the
// reporter's assignment as the only way a reporter reads a subject, visits moving the due time
// (and a late offline visit not moving it back), idempotent visits, the overdue list and the
// deadline job's overdue spell marking.
#include "store/contract_fixture.hpp"

namespace cg::store {
namespace {

using namespace contract;  // NOLINT: the fixture and its helpers

constexpr Timestamp kDay = 86'400'000;

class WelfareContract : public StoreContract {
 protected:
  std::int64_t Person(const std::string& grid, const std::string& name, const std::string& idx) {
    auto r = store_->CreateRecord(Scope::System(), FakePerson(grid, name, idx), Ctx(100), FakeSeal());
    EXPECT_TRUE(r.ok());
    return r.ok() ? r->id : 0;
  }
  std::int64_t User(const std::string& name, model::Role role, const std::string& scope) {
    model::User u = MakeUser(name);
    u.role = role;
    u.scope_code = scope;
    auto r = store_->CreateUser(u);
    EXPECT_TRUE(r.ok());
    return r.ok() ? r->id : 0;
  }
  static WelfareSubject Subject(std::int64_t person, int days, std::int64_t reporter, Timestamp at) {
    WelfareSubject s;
    s.person_id = person;
    s.interval_days = days;
    s.reporter_user_id = reporter;
    s.enrolled_by = 1;
    s.enrolled_at = at;
    return s;
  }
  static WelfareVisit Visit(std::int64_t person, std::int64_t visitor, Timestamp at, const std::string& key) {
    WelfareVisit v;
    v.person_id = person;
    v.visitor_user_id = visitor;
    v.visitor_role = "reporter";
    v.visited_at = at;
    v.recorded_at = at;
    v.meal = true;
    v.health = "well";
    v.idempotency_key = key;
    return v;
  }
};

TEST_P(WelfareContract, EnrolChecksScopeIntervalAndReporter) {
  LoadSmallTree();
  const Scope jinhua = Scope::Subtree("150203010008");
  const std::int64_t wang = Person("150203010008001", "王大爷", "1001");
  const std::int64_t other = Person("150203010009001", "李奶奶", "1002");
  const std::int64_t rider = User("rider", model::Role::kReporter, "150203010008");
  const std::int64_t far_rider = User("rider9", model::Role::kReporter, "150203010009");
  const std::int64_t worker = User("worker", model::Role::kGridWorker, "150203010008001");

  EXPECT_CODE(store_->EnrolWelfareSubject(jinhua, Subject(other, 3, 0, kDay)), ErrorCode::kNotFound);
  EXPECT_CODE(store_->EnrolWelfareSubject(jinhua, Subject(wang, 0, 0, kDay)), ErrorCode::kInvalid);
  EXPECT_CODE(store_->EnrolWelfareSubject(jinhua, Subject(wang, 91, 0, kDay)), ErrorCode::kInvalid);
  EXPECT_CODE(store_->EnrolWelfareSubject(jinhua, Subject(wang, 3, worker, kDay)), ErrorCode::kInvalid);
  EXPECT_CODE(store_->EnrolWelfareSubject(jinhua, Subject(wang, 3, far_rider, kDay)), ErrorCode::kInvalid);
  auto s = store_->EnrolWelfareSubject(jinhua, Subject(wang, 3, rider, kDay));
  ASSERT_OK(s);
  EXPECT_EQ(s->name, "王大爷");
  EXPECT_EQ(s->grid_code, "150203010008001");
  EXPECT_EQ(s->due_at, 4 * kDay);
  EXPECT_EQ(s->reporter_name, "Test rider");
  EXPECT_CODE(store_->EnrolWelfareSubject(jinhua, Subject(wang, 3, rider, kDay)), ErrorCode::kConflict);

  // The reporter reads the subject only while assigned; the other community not at all.
  ASSERT_OK(store_->GetWelfareSubject(jinhua, wang, rider));
  EXPECT_CODE(store_->GetWelfareSubject(jinhua, wang, far_rider), ErrorCode::kNotFound);
  EXPECT_CODE(store_->GetWelfareSubject(Scope::Subtree("150203010009"), wang, 0), ErrorCode::kNotFound);
  WelfareSubject change = *s;
  change.reporter_user_id = 0;
  change.interval_days = 7;
  change.updated_at = 2 * kDay;
  auto changed = store_->UpdateWelfareSubject(jinhua, change);
  ASSERT_OK(changed);
  EXPECT_EQ(changed->due_at, 8 * kDay);
  EXPECT_CODE(store_->GetWelfareSubject(jinhua, wang, rider), ErrorCode::kNotFound);
}

TEST_P(WelfareContract, VisitsMoveTheDueTimeAndAreIdempotent) {
  LoadSmallTree();
  const Scope jinhua = Scope::Subtree("150203010008");
  const std::int64_t wang = Person("150203010008001", "王大爷", "1001");
  const std::int64_t zhao = Person("150203010008002", "赵奶奶", "1003");
  const std::int64_t rider = User("rider", model::Role::kReporter, "150203010008");
  const std::int64_t rider2 = User("rider2", model::Role::kReporter, "150203010008");
  ASSERT_OK(store_->EnrolWelfareSubject(jinhua, Subject(wang, 3, rider, kDay)));
  ASSERT_OK(store_->EnrolWelfareSubject(jinhua, Subject(zhao, 2, rider2, kDay)));

  // Not assigned: nothing written.
  EXPECT_CODE(store_->RecordWelfareVisit(jinhua, Visit(zhao, rider, 2 * kDay, "k0"), true, nullptr), ErrorCode::kNotFound);
  WelfarePhoto photo{4, 3, std::string("\xff\xd8jpeg\0bytes", 12), "thumb"};
  auto v = store_->RecordWelfareVisit(jinhua, Visit(wang, rider, 2 * kDay, "k1"), true, &photo);
  ASSERT_OK(v);
  EXPECT_GT(v->id, 0);
  EXPECT_TRUE(v->has_photo);
  EXPECT_EQ(v->grid_code, "150203010008001");
  EXPECT_EQ(v->person_name, "王大爷");
  auto again = store_->RecordWelfareVisit(jinhua, Visit(wang, rider, 2 * kDay + 5, "k1"), true, nullptr);
  ASSERT_OK(again);
  EXPECT_EQ(again->id, v->id);
  EXPECT_EQ(again->visited_at, 2 * kDay);
  auto bytes = store_->GetWelfareVisitPhoto(jinhua, v->id, rider, false);
  ASSERT_OK(bytes);
  EXPECT_EQ(*bytes, photo.jpeg);
  EXPECT_CODE(store_->GetWelfareVisitPhoto(jinhua, v->id, rider2, false), ErrorCode::kNotFound);
  EXPECT_CODE(store_->GetWelfareVisitPhoto(Scope::Subtree("150203010009"), v->id, 0, true), ErrorCode::kNotFound);

  auto s = store_->GetWelfareSubject(jinhua, wang, 0);
  ASSERT_OK(s);
  EXPECT_EQ(s->last_visit_at, 2 * kDay);
  EXPECT_EQ(s->due_at, 5 * kDay);
  // A visit made earlier and synced late does not move the last visit back.
  ASSERT_OK(store_->RecordWelfareVisit(jinhua, Visit(wang, rider, kDay + 10, "k2"), true, nullptr));
  EXPECT_EQ(store_->GetWelfareSubject(jinhua, wang, 0)->due_at, 5 * kDay);

  auto visits = store_->ListWelfareVisits(jinhua, {"", wang, 0}, Page{10, 0});
  ASSERT_OK(visits);
  ASSERT_EQ(visits->total, 2);
  EXPECT_EQ(visits->items[0].idempotency_key, "k1");  // newest visit first
  EXPECT_EQ(store_->ListWelfareVisits(Scope::Subtree("150203010009"), {}, Page{10, 0})->total, 0);
}

TEST_P(WelfareContract, OverdueListAndSpells) {
  LoadSmallTree();
  const Scope jinhua = Scope::Subtree("150203010008");
  const std::int64_t wang = Person("150203010008001", "王大爷", "1001");
  const std::int64_t zhao = Person("150203010008002", "赵奶奶", "1003");
  const std::int64_t li = Person("150203010009001", "李奶奶", "1002");
  ASSERT_OK(store_->EnrolWelfareSubject(jinhua, Subject(wang, 3, 0, kDay)));        // due day 4
  ASSERT_OK(store_->EnrolWelfareSubject(jinhua, Subject(zhao, 1, 0, kDay)));        // due day 2
  ASSERT_OK(store_->EnrolWelfareSubject(Scope::System(), Subject(li, 1, 0, kDay)));  // other community

  WelfareQuery q;
  q.overdue_only = true;
  q.now = 3 * kDay;
  auto overdue = store_->ListWelfareSubjects(jinhua, q, Page{10, 0});
  ASSERT_OK(overdue);
  ASSERT_EQ(overdue->total, 1);
  EXPECT_EQ(overdue->items[0].person_id, zhao);
  q.now = 5 * kDay;
  overdue = store_->ListWelfareSubjects(jinhua, q, Page{10, 0});
  ASSERT_EQ(overdue->total, 2);
  EXPECT_EQ(overdue->items[0].person_id, zhao);  // most overdue first
  q.under = "150203010009";
  EXPECT_CODE(store_->ListWelfareSubjects(jinhua, q, Page{10, 0}), ErrorCode::kNotFound);
  EXPECT_CODE(store_->ListWelfareSubjects(jinhua, WelfareQuery{}, Page{10, -1}), ErrorCode::kInvalid);

  auto newly = store_->ListNewlyOverdue(5 * kDay, 10);
  ASSERT_OK(newly);
  ASSERT_EQ(newly->size(), 3u);
  EXPECT_EQ((*newly)[0].person_id, zhao);  // due on day 2 like 李奶奶, the lower id first
  auto mark = store_->MarkWelfareOverdue(zhao, 2 * kDay, "C1");
  ASSERT_OK(mark);
  EXPECT_TRUE(*mark);
  EXPECT_FALSE(*store_->MarkWelfareOverdue(zhao, 2 * kDay, "C9"));  // one case per spell
  EXPECT_EQ(store_->GetWelfareSubject(jinhua, zhao, 0)->overdue_case_id, "C1");
  EXPECT_EQ(store_->ListNewlyOverdue(5 * kDay, 10)->size(), 2u);
  // A visit ends the spell: the stale mark is refused, the case id is cleared.
  ASSERT_OK(store_->RecordWelfareVisit(jinhua, Visit(wang, 99, 5 * kDay, ""), false, nullptr));
  auto marked = store_->MarkWelfareOverdue(wang, 4 * kDay, "C2");
  ASSERT_OK(marked);
  EXPECT_FALSE(*marked);
  EXPECT_EQ(store_->GetWelfareSubject(jinhua, wang, 0)->overdue_case_id, "");

  // A person who moves to another community leaves this one's list with the move.
  auto person = store_->GetRecord(Scope::System(), model::BaseEntity::kPerson, zhao);
  ASSERT_OK(person);
  person->grid_code = person->fields["grid_code"] = "150203010009001";
  ASSERT_OK(store_->UpdateRecord(Scope::System(), *person, Ctx(200)));
  q.under = "";
  EXPECT_EQ(store_->ListWelfareSubjects(jinhua, q, Page{10, 0})->total, 0);  // 王大爷 was visited
  EXPECT_EQ(store_->ListWelfareSubjects(Scope::Subtree("150203010009"), q, Page{10, 0})->total, 2);
  EXPECT_EQ(store_->GetWelfareSubject(Scope::Subtree("150203010009"), zhao, 0)->grid_code, "150203010009001");
}

TEST_P(WelfareContract, ReportersListAndSeed) {
  LoadSmallTree();
  const std::int64_t wang = Person("150203010008001", "王大爷", "1001");
  const std::int64_t rider = User("rider", model::Role::kReporter, "150203010008");
  User("rider9", model::Role::kReporter, "150203010009");
  User("worker", model::Role::kGridWorker, "150203010008001");
  WelfareSubject seeded = Subject(wang, 3, rider, kDay);
  seeded.grid_code = "150203010008001";
  ASSERT_OK(store_->SeedWelfareSubjects({seeded}));
  auto reporters = store_->ListWelfareReporters(Scope::Subtree("150203010008"), "");
  ASSERT_OK(reporters);
  ASSERT_EQ(reporters->size(), 1u);
  EXPECT_EQ((*reporters)[0].user_id, rider);
  EXPECT_EQ((*reporters)[0].subjects, 1);
  EXPECT_EQ(store_->ListWelfareReporters(Scope::Subtree("150203010"), "")->size(), 2u);
  EXPECT_EQ(store_->GetWelfareSubject(Scope::System(), wang, rider)->due_at, 4 * kDay);

  // The seed finds the people carrying a care tag.
  BaseRecord alone = FakePerson("150203010008002", "孤老", "2001");
  alone.fields["person.elderly_living_alone"] = "true";
  alone.fields["person.elderly_empty_nest"] = "false";
  auto made = store_->CreateRecord(Scope::System(), alone, Ctx(100), FakeSeal());
  ASSERT_OK(made);
  BaseRecord nest = FakePerson("150203010008002", "空巢", "2002");
  nest.fields["person.elderly_empty_nest"] = "true";
  ASSERT_OK(store_->CreateRecord(Scope::System(), nest, Ctx(100), FakeSeal()));
  auto tagged = store_->PersonsWithTag("person.elderly_living_alone", 0, 10);
  ASSERT_OK(tagged);
  ASSERT_EQ(tagged->size(), 1u);
  EXPECT_EQ((*tagged)[0].first, made->id);
  EXPECT_EQ((*tagged)[0].second, "150203010008002");
  EXPECT_TRUE(store_->PersonsWithTag("person.elderly_living_alone", made->id, 10)->empty());
}

INSTANTIATE_TEST_SUITE_P(Backends, WelfareContract, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace cg::store
