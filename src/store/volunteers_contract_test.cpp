// Volunteers on both backends (store/volunteer_store.hpp): registration (one per account and per
// person), activities, the waiting list and its promotion, check-in, minutes with their audit
// entry, a volunteer's record and the totals per unit.
#include "store/contract_fixture.hpp"

namespace cg::store {
namespace {

using namespace contract;  // NOLINT: the fixture and its helpers

class VolunteerContract : public StoreContract {
 protected:
  std::int64_t Resident(const std::string& username) {
    model::User u = MakeUser(username);
    u.role = model::Role::kResident;
    auto r = store_->CreateUser(u);
    EXPECT_TRUE(r.ok()) << r.error().message;
    return r.ok() ? r->id : 0;
  }
  Volunteer Vol(const std::string& unit, const std::string& name, std::int64_t user, std::int64_t person = 0) {
    Volunteer v;
    v.org_code = unit;
    v.name = name;
    v.user_id = user;
    v.person_id = person;
    v.skills = {"急救", "理发"};
    v.registered_by = 7;
    v.registered_at = 100;
    return v;
  }
  VolunteerActivity Activity(const std::string& unit, std::int64_t capacity) {
    VolunteerActivity a;
    a.org_code = unit;
    a.title = "敬老院义剪";
    a.description = "为老人理发";
    a.place = "金华社区活动室";
    a.skills = {"理发"};
    a.starts_at = 10'000;
    a.ends_at = 20'000;
    a.capacity = capacity;
    a.created_by = 7;
    a.created_at = 500;
    return a;
  }
};

TEST_P(VolunteerContract, WaitingListCheckInAndMinutes) {
  LoadSmallTree();
  const Scope jinhua = Scope::Subtree("150203010008");
  const auto u1 = Resident("v1"), u2 = Resident("v2"), u3 = Resident("v3");
  auto v1 = store_->RegisterVolunteer(jinhua, Vol("150203010008", "甲", u1));
  ASSERT_OK(v1);
  EXPECT_EQ(v1->skills, (std::vector<std::string>{"急救", "理发"}));
  EXPECT_CODE(store_->RegisterVolunteer(jinhua, Vol("150203010008", "甲again", u1)), ErrorCode::kConflict);
  EXPECT_CODE(store_->RegisterVolunteer(jinhua, Vol("150203010", "越权", u2)), ErrorCode::kNotFound);
  EXPECT_CODE(store_->RegisterVolunteer(jinhua, Vol("150203010008", "无此人", 0, 999999)), ErrorCode::kNotFound);
  auto v2 = store_->RegisterVolunteer(jinhua, Vol("150203010008", "乙", u2));
  auto v3 = store_->RegisterVolunteer(jinhua, Vol("150203010008", "丙", u3));
  ASSERT_OK(v2);
  ASSERT_OK(v3);
  EXPECT_EQ(store_->GetVolunteerByUser(u2)->id, v2->id);
  EXPECT_CODE(store_->GetVolunteer(Scope::Subtree("150203010009"), v1->id), ErrorCode::kNotFound);

  EXPECT_CODE(store_->CreateVolunteerActivity(jinhua, Activity("150203010", 1)), ErrorCode::kNotFound);
  auto a = store_->CreateVolunteerActivity(jinhua, Activity("150203010008", 1));
  ASSERT_OK(a);
  EXPECT_EQ(a->capacity, 1);

  auto s1 = store_->SignUpVolunteer(a->id, v1->id, 1000);
  ASSERT_OK(s1);
  EXPECT_EQ(s1->signup.status, "confirmed");
  EXPECT_CODE(store_->SignUpVolunteer(a->id, v1->id, 1001), ErrorCode::kConflict);
  auto s2 = store_->SignUpVolunteer(a->id, v2->id, 1002);
  auto s3 = store_->SignUpVolunteer(a->id, v3->id, 1003);
  ASSERT_OK(s2);
  ASSERT_OK(s3);
  EXPECT_EQ(s2->signup.status, "waiting");
  EXPECT_EQ(s2->signup.position, 1);
  EXPECT_EQ(s3->signup.position, 2);
  auto act = store_->GetVolunteerActivity(a->id);
  EXPECT_EQ(act->confirmed, 1);
  EXPECT_EQ(act->waiting, 2);

  // The confirmed volunteer cancels: the first on the waiting list gets the place.
  auto cancelled = store_->CancelVolunteerSignup(a->id, v1->id);
  ASSERT_OK(cancelled);
  EXPECT_EQ(cancelled->signup.status, "cancelled");
  EXPECT_EQ(cancelled->promoted, v2->id);
  EXPECT_CODE(store_->CancelVolunteerSignup(a->id, v1->id), ErrorCode::kNotFound);
  auto roster = store_->ListVolunteerSignups(a->id);
  ASSERT_OK(roster);
  ASSERT_EQ(roster->size(), 2u);
  EXPECT_EQ((*roster)[0].volunteer_id, v2->id);
  EXPECT_EQ((*roster)[0].status, "confirmed");
  EXPECT_EQ((*roster)[1].volunteer_id, v3->id);
  EXPECT_EQ((*roster)[1].position, 1);
  // Coming back puts the volunteer at the end of the queue.
  auto back = store_->SignUpVolunteer(a->id, v1->id, 1010);
  ASSERT_OK(back);
  EXPECT_EQ(back->signup.status, "waiting");
  EXPECT_EQ(back->signup.position, 2);

  EXPECT_CODE(store_->CheckInVolunteer(a->id, v3->id, 10'000), ErrorCode::kConflict);  // waiting
  AuditEntry audit;
  audit.at = 21'000;
  audit.actor_user_id = 7;
  audit.action = "volunteer_minutes";
  audit.entity = "volunteer_signup";
  audit.entity_id = v2->id;
  audit.reason = "activity " + std::to_string(a->id) + ": 90 minutes";
  EXPECT_CODE(store_->RecordVolunteerMinutes(a->id, v2->id, 90, audit), ErrorCode::kConflict);  // not checked in
  ASSERT_OK(store_->CheckInVolunteer(a->id, v2->id, 10'100));
  EXPECT_CODE(store_->CheckInVolunteer(a->id, v2->id, 10'200), ErrorCode::kConflict);
  EXPECT_CODE(store_->CancelVolunteerSignup(a->id, v2->id), ErrorCode::kConflict);  // checked in
  EXPECT_CODE(store_->RecordVolunteerMinutes(a->id, v2->id, -1, audit), ErrorCode::kInvalid);
  auto rec = store_->RecordVolunteerMinutes(a->id, v2->id, 90, audit);
  ASSERT_OK(rec);
  EXPECT_EQ(rec->minutes, 90);
  EXPECT_EQ(rec->hours_by, 7);
  auto log = store_->ListAudit(0, 100);
  ASSERT_OK(log);
  ASSERT_FALSE(log->empty());
  EXPECT_EQ(log->back().action, "volunteer_minutes");

  // A second activity on another day; the record lists the latest first.
  auto later = Activity("150203010008", 5);
  later.title = "垃圾分类宣传";
  later.starts_at = 50'000;
  later.ends_at = 60'000;
  auto b = store_->CreateVolunteerActivity(jinhua, later);
  ASSERT_OK(b);
  ASSERT_OK(store_->SignUpVolunteer(b->id, v2->id, 30'000));
  ASSERT_OK(store_->CheckInVolunteer(b->id, v2->id, 50'000));
  ASSERT_OK(store_->RecordVolunteerMinutes(b->id, v2->id, 120, audit));
  auto record = store_->ListVolunteerRecord(v2->id);
  ASSERT_OK(record);
  ASSERT_EQ(record->size(), 2u);
  EXPECT_EQ((*record)[0].activity_title, "垃圾分类宣传");
  EXPECT_EQ((*record)[1].minutes, 90);
  EXPECT_EQ(store_->GetVolunteer(jinhua, v2->id)->minutes, 210);
  EXPECT_EQ(store_->GetVolunteer(jinhua, v2->id)->activities, 2);

  auto list = store_->ListVolunteers(jinhua, "150203010008", {});
  ASSERT_OK(list);
  EXPECT_EQ(list->total, 3);
  EXPECT_EQ(list->items[0].id, v2->id) << "most minutes first";
  auto soon = store_->ListVolunteerActivities("150203010008001", 25'000, {});
  ASSERT_OK(soon);
  ASSERT_EQ(soon->total, 1) << "a grid sees its community's activities, not the ended ones";
  EXPECT_EQ(soon->items[0].id, b->id);

  auto hours = store_->ListVolunteerHours(Scope::System(), "150203010");
  ASSERT_OK(hours);
  ASSERT_EQ(hours->size(), 1u);
  EXPECT_EQ((*hours)[0].org_code, "150203010008");
  EXPECT_EQ((*hours)[0].volunteers, 3);
  EXPECT_EQ((*hours)[0].active, 1);
  EXPECT_EQ((*hours)[0].minutes, 210);
  EXPECT_CODE(store_->ListVolunteerHours(jinhua, "150203010"), ErrorCode::kNotFound);
}

INSTANTIATE_TEST_SUITE_P(Backends, VolunteerContract, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace cg::store
