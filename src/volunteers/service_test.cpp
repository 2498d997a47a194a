// The volunteer service over a real SQLite store: joining, publishing with its checks, the
// sign-up and check-in windows on the injected clock, the waiting list, minutes with their
// bounds, and the certificate PDF read back with pdftotext.
#include "volunteers/service.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>

#include "pdf/testing.hpp"

namespace cg::volunteers {
namespace {

using model::OrgKind;
using model::Role;

model::OrgUnit Unit(std::string code, OrgKind kind, std::string name, std::string parent) {
  model::OrgUnit u;
  u.code = std::move(code);
  u.kind = kind;
  u.name = std::move(name);
  u.parent_code = std::move(parent);
  return u;
}

constexpr Timestamp kHour = 3'600'000;
constexpr Timestamp kDay = 24 * kHour;

using pdf::testing::PdfText;

class VolunteersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("cg_vol_" + std::to_string(std::random_device{}()));
    std::filesystem::create_directories(dir_);
    auto s = store::Store::Open("sqlite://" + (dir_ / "t.db").string());
    ASSERT_TRUE(s.ok()) << s.error().message;
    store_ = std::move(s).value();
    ASSERT_TRUE(store_->Migrate().ok());
    ASSERT_TRUE(store_
                    ->UpsertOrgUnits({Unit("1502", OrgKind::kCity, "包头市", ""),
                                      Unit("150203", OrgKind::kDistrict, "昆都仑区", "1502"),
                                      Unit("150203010", OrgKind::kStreet, "少先路街道", "150203"),
                                      Unit("150203010008", OrgKind::kCommunity, "金华社区", "150203010"),
                                      Unit("150203010008001", OrgKind::kGrid, "金华社区第1网格", "150203010008"),
                                      Unit("150203010009", OrgKind::kCommunity, "友谊社区", "150203010")})
                    .ok());
    clock_.Set(1'780'000'000'000);
    service_ = std::make_unique<Service>(*store_, clock_);
  }
  void TearDown() override {
    service_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  model::User Resident(const std::string& name) {
    model::User u;
    u.username = "u" + std::to_string(++users_);
    u.display_name = name;
    u.role = Role::kResident;
    u.scope_code = "150203010008";
    u.password_hash = "x";
    auto r = store_->CreateUser(u);
    EXPECT_TRUE(r.ok()) << r.error().message;
    return r.ok() ? *r : u;
  }
  ActivityDraft Draft(std::int64_t capacity) {
    ActivityDraft d;
    d.org_code = "150203010008";
    d.title = "敬老院义剪";
    d.description = "为老人理发";
    d.place = "金华社区活动室";
    d.skills = {"理发"};
    d.starts_at = clock_.Now() + 2 * kDay;
    d.ends_at = d.starts_at + 3 * kHour;
    d.capacity = capacity;
    return d;
  }

  std::filesystem::path dir_;
  std::unique_ptr<store::Store> store_;
  ManualClock clock_;
  std::unique_ptr<Service> service_;
  int users_ = 0;
  const model::Scope jinhua_ = model::Scope::Subtree("150203010008");
};

TEST_F(VolunteersTest, PublishChecksEveryField) {
  auto d = Draft(10);
  d.title = "";
  EXPECT_EQ(service_->Publish(jinhua_, 7, d).error().code, ErrorCode::kInvalid);
  d = Draft(0);
  auto r = service_->Publish(jinhua_, 7, d);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("capacity"), std::string::npos);
  d = Draft(10);
  d.starts_at = clock_.Now() - kHour;
  d.ends_at = clock_.Now() + kHour;
  EXPECT_NE(service_->Publish(jinhua_, 7, d).error().message.find("starts_at"), std::string::npos);
  d = Draft(10);
  d.ends_at = d.starts_at + 2 * kDay;
  EXPECT_NE(service_->Publish(jinhua_, 7, d).error().message.find("ends_at"), std::string::npos);
  d = Draft(10);
  d.org_code = "150203010008001";  // a grid
  EXPECT_EQ(service_->Publish(jinhua_, 7, d).error().code, ErrorCode::kInvalid);
  d.org_code = "150203010009";  // outside the scope
  EXPECT_EQ(service_->Publish(jinhua_, 7, d).error().code, ErrorCode::kNotFound);
  d = Draft(10);
  d.skills = std::vector<std::string>(11, "x");
  EXPECT_EQ(service_->Publish(jinhua_, 7, d).error().code, ErrorCode::kInvalid);
  EXPECT_EQ(store_->ListVolunteerActivities("150203", 0, {})->total, 0) << "refusals write nothing";
  ASSERT_TRUE(service_->Publish(jinhua_, 7, Draft(10)).ok());
}

TEST_F(VolunteersTest, SignUpWaitCheckInRecordAndCertify) {
  const auto alice = Resident("王秀兰"), bob = Resident("赵国强");
  model::User staff;
  staff.role = Role::kStaff;
  EXPECT_EQ(service_->Join(staff, "150203010008", {}).error().code, ErrorCode::kForbidden);
  EXPECT_EQ(service_->Join(alice, "150203010008001", {}).error().code, ErrorCode::kInvalid);  // a grid
  auto va = service_->Join(alice, "150203010008", {"理发", "理发", "急救"});
  ASSERT_TRUE(va.ok()) << va.error().message;
  EXPECT_EQ(va->name, "王秀兰");
  EXPECT_EQ(va->skills.size(), 2u) << "a skill listed twice counts once";
  EXPECT_EQ(service_->Join(alice, "150203010008", {}).error().code, ErrorCode::kConflict);
  auto vb = service_->Join(bob, "150203010008", {});
  ASSERT_TRUE(vb.ok());

  auto a = service_->Publish(jinhua_, 7, Draft(1));
  ASSERT_TRUE(a.ok()) << a.error().message;
  ASSERT_EQ(service_->SignUp(a->id, va->id)->signup.status, "confirmed");
  auto waiting = service_->SignUp(a->id, vb->id);
  ASSERT_TRUE(waiting.ok());
  EXPECT_EQ(waiting->signup.status, "waiting");
  EXPECT_EQ(waiting->signup.position, 1);

  // Check-in opens 2 hours before the start.
  EXPECT_EQ(service_->CheckIn(jinhua_, a->id, va->id).error().code, ErrorCode::kConflict);
  clock_.Set(a->starts_at - kHour);
  EXPECT_EQ(service_->CheckIn(model::Scope::Subtree("150203010009"), a->id, va->id).error().code,
            ErrorCode::kNotFound);
  ASSERT_TRUE(service_->CheckIn(jinhua_, a->id, va->id).ok());
  clock_.Set(a->starts_at + kHour);
  EXPECT_EQ(service_->SignUp(a->id, vb->id).error().code, ErrorCode::kConflict) << "started";
  EXPECT_EQ(service_->Cancel(a->id, vb->id).error().code, ErrorCode::kConflict);
  EXPECT_EQ(service_->CheckIn(jinhua_, a->id, vb->id).error().code, ErrorCode::kConflict) << "waiting list";

  EXPECT_EQ(service_->RecordMinutes(jinhua_, 7, a->id, va->id, 181).error().code, ErrorCode::kInvalid);
  EXPECT_EQ(service_->RecordMinutes(jinhua_, 7, a->id, va->id, -5).error().code, ErrorCode::kInvalid);
  auto rec = service_->RecordMinutes(jinhua_, 7, a->id, va->id, 0);  // 0: the activity's length
  ASSERT_TRUE(rec.ok()) << rec.error().message;
  EXPECT_EQ(rec->minutes, 180);
  ASSERT_TRUE(service_->RecordMinutes(jinhua_, 7, a->id, va->id, 150).ok());  // a correction
  clock_.Set(a->ends_at + 31 * kDay);
  EXPECT_EQ(service_->RecordMinutes(jinhua_, 7, a->id, va->id, 100).error().code, ErrorCode::kConflict);

  auto me = service_->Me(alice);
  ASSERT_TRUE(me.ok());
  EXPECT_EQ(me->minutes, 150);
  EXPECT_EQ(HoursText(me->minutes), "2 小时 30 分钟");
  auto pdf = service_->Certificate(*me);
  ASSERT_TRUE(pdf.ok()) << pdf.error().message;
  const std::string text = PdfText(*pdf);
  for (const char* want : {"志愿服务时长证明", "王秀兰", "昆都仑区少先路街道金华社区", "敬老院义剪", "2 小时 30 分钟", "2.5"}) {
    EXPECT_NE(text.find(want), std::string::npos) << want << " not in:\n" << text;
  }
}

}  // namespace
}  // namespace cg::volunteers
