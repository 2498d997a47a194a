// The complaint-session service over a real SQLite store: validation naming the field, roles,
// scope, the online window on the injected clock, the per-resident limit, and the status
// derived from the clock and the complaints' cases.
#include "complaints/service.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <random>

namespace cg::complaints {
namespace {

using model::OrgKind;
using model::Role;

constexpr Timestamp kDay = 86'400'000;
constexpr Timestamp kNow = 1'780'000'000'000;

model::OrgUnit Unit(std::string code, OrgKind kind, std::string parent) {
  model::OrgUnit u;
  u.code = std::move(code);
  u.kind = kind;
  u.name = "单位" + u.code;
  u.parent_code = std::move(parent);
  return u;
}

model::User Account(std::int64_t id, Role role, std::string scope) {
  model::User u;
  u.id = id;
  u.username = "u" + std::to_string(id);
  u.role = role;
  u.scope_code = std::move(scope);
  return u;
}

class ComplaintsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("cg_cmpl_" + std::to_string(std::random_device{}()));
    std::filesystem::create_directories(dir_);
    auto s = store::Store::Open("sqlite://" + (dir_ / "t.db").string());
    ASSERT_TRUE(s.ok()) << s.error().message;
    store_ = std::move(s).value();
    ASSERT_TRUE(store_->Migrate().ok());
    ASSERT_TRUE(store_->UpsertOrgUnits({Unit("1502", OrgKind::kCity, ""), Unit("150203", OrgKind::kDistrict, "1502"),
                                        Unit("150203010", OrgKind::kStreet, "150203"),
                                        Unit("150203010008", OrgKind::kCommunity, "150203010"),
                                        Unit("150203010008001", OrgKind::kGrid, "150203010008"),
                                        Unit("150203010009", OrgKind::kCommunity, "150203010")})
                    .ok());
    auto registry = cases::CaseTypeRegistry::LoadDirectory(std::filesystem::path(CITYGRID_SOURCE_DIR) / "data/case-types");
    ASSERT_TRUE(registry.ok()) << registry.error().message;
    registry_ = std::make_unique<cases::CaseTypeRegistry>(std::move(registry).value());
    clock_.Set(kNow);
    service_ = std::make_unique<Service>(*store_, clock_);
  }
  void TearDown() override {
    service_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  const cases::CaseType& Type() const { return *registry_->Find(kCaseType); }
  SessionDraft Draft() const {
    return {"150203010008", "金华社区居民吐槽大会", "社区活动室", kNow + 10 * kDay, kNow + 1 * kDay, kNow + 9 * kDay};
  }
  store::ComplaintSession Created(SessionDraft d) {
    auto s = service_->Create(jinhua_, staff_, d);
    EXPECT_TRUE(s.ok()) << s.error().message;
    return s.ok() ? *s : store::ComplaintSession{};
  }

  std::filesystem::path dir_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<cases::CaseTypeRegistry> registry_;
  ManualClock clock_;
  std::unique_ptr<Service> service_;
  const model::Scope jinhua_ = model::Scope::Subtree("150203010008");
  const model::User staff_ = Account(7, Role::kStaff, "150203010008");
  const model::User resident_ = Account(31, Role::kResident, "150203010008");
};

TEST_F(ComplaintsTest, SessionDraftsAreValidatedNamingTheField) {
  auto expect = [&](SessionDraft d, ErrorCode code, const std::string& field, const model::User* who = nullptr) {
    auto r = service_->Create(jinhua_, who ? *who : staff_, d);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, code) << r.error().message;
    EXPECT_EQ(r.error().message.rfind(field, 0), 0u) << r.error().message;
  };
  SessionDraft d = Draft();
  d.title = "  ";
  expect(d, ErrorCode::kInvalid, "title");
  d = Draft();
  d.title = std::string(101 * 3, 'x');
  expect(d, ErrorCode::kInvalid, "title");
  d = Draft();
  d.held_at = d.opens_at - 1;
  expect(d, ErrorCode::kInvalid, "held_at: before the online window opens");
  d = Draft();
  d.closes_at = d.opens_at;
  expect(d, ErrorCode::kInvalid, "closes_at");
  d = Draft();
  d.closes_at = d.held_at + 1;
  expect(d, ErrorCode::kInvalid, "closes_at: by the time");
  d = Draft();
  d.held_at = kNow + 400 * kDay;
  d.opens_at = d.closes_at = 0;
  expect(d, ErrorCode::kInvalid, "held_at: at most a year");
  d = Draft();
  d.org_code = "150203010008001";
  expect(d, ErrorCode::kInvalid, "org_code");
  d = Draft();
  d.org_code = "150203010009";
  expect(d, ErrorCode::kNotFound, "org unit not found");
  const model::User worker = Account(40, Role::kGridWorker, "150203010008001");
  expect(Draft(), ErrorCode::kForbidden, "only staff", &worker);
  EXPECT_EQ(store_->ListComplaintSessions(model::Scope::System(), "150203010008", kNow, {})->total, 0)
      << "nothing written";
}

TEST_F(ComplaintsTest, OnlineWindowLimitAndRoles) {
  const auto s = Created(Draft());
  const ComplaintDraft park{"小区门口乱停车，消防通道被占", "parking", "王某"};
  // Before the window: residents are refused; staff may record.
  auto early = service_->BeginComplaint(model::Scope::Subtree("150203010008"), resident_, s.id, park, Type());
  ASSERT_FALSE(early.ok());
  EXPECT_EQ(early.error().code, ErrorCode::kConflict);
  clock_.Set(kNow + 2 * kDay);
  EXPECT_EQ(service_->Get(jinhua_, s.id)->status, "collecting");
  for (int i = 0; i < kMaxPerResident; ++i) {
    auto c = service_->BeginComplaint(model::Scope::Subtree("150203010008"), resident_, s.id, park, Type());
    ASSERT_TRUE(c.ok()) << c.error().message;
    EXPECT_EQ(c->channel, "online");
    EXPECT_EQ(c->resident_name, "") << "an online complaint names its account, never a typed name";
  }
  auto sixth = service_->BeginComplaint(model::Scope::Subtree("150203010008"), resident_, s.id, park, Type());
  ASSERT_FALSE(sixth.ok());
  EXPECT_EQ(sixth.error().code, ErrorCode::kConflict);
  // Text and category are checked before anything is written.
  for (auto [draft, field] : {std::pair{ComplaintDraft{"", "parking", ""}, "text"},
                              std::pair{ComplaintDraft{std::string(2001, 'a'), "parking", ""}, "text"},
                              std::pair{ComplaintDraft{"噪音", "", ""}, "category"},
                              std::pair{ComplaintDraft{"噪音", "noise", ""}, "category"}}) {
    auto r = service_->BeginComplaint(jinhua_, staff_, s.id, draft, Type());
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::kInvalid);
    EXPECT_EQ(r.error().message.rfind(field, 0), 0u) << r.error().message;
  }
  auto in_person = service_->BeginComplaint(jinhua_, staff_, s.id, park, Type());
  ASSERT_TRUE(in_person.ok()) << in_person.error().message;
  EXPECT_EQ(in_person->channel, "in_person");
  EXPECT_EQ(in_person->resident_name, "王某");
  // Staff of another community do not see the session; a grid worker may not record.
  const model::User other = Account(8, Role::kStaff, "150203010009");
  auto outside = service_->BeginComplaint(model::Scope::Subtree("150203010009"), other, s.id, park, Type());
  ASSERT_FALSE(outside.ok());
  EXPECT_EQ(outside.error().code, ErrorCode::kNotFound);
  const model::User worker = Account(40, Role::kGridWorker, "150203010008001");
  EXPECT_EQ(service_->BeginComplaint(jinhua_, worker, s.id, park, Type()).error().code, ErrorCode::kForbidden);
  // In its own grid's scope the session (of the community above) reads as none at all.
  EXPECT_EQ(service_->BeginComplaint(model::Scope::Subtree("150203010008001"), worker, s.id, park, Type()).error().code,
            ErrorCode::kNotFound);
  // After the window closed residents are refused again.
  clock_.Set(kNow + 9 * kDay);
  EXPECT_EQ(service_->BeginComplaint(jinhua_, Account(32, Role::kResident, ""), s.id, park, Type()).error().code,
            ErrorCode::kConflict);
  EXPECT_EQ(service_->Get(jinhua_, s.id)->complaints.size(), 6u);
}

TEST_F(ComplaintsTest, StatusFollowsTheClockAndTheCases) {
  store::ComplaintSession s;
  s.held_at = 1000;
  s.opens_at = 100;
  s.closes_at = 900;
  EXPECT_EQ(StatusOf(s, 50), "upcoming");
  EXPECT_EQ(StatusOf(s, 100), "collecting");
  EXPECT_EQ(StatusOf(s, 950), "upcoming");
  EXPECT_EQ(StatusOf(s, 1000), "held");
  s.complaints = 3;
  s.open = 2;
  s.closed = 1;
  EXPECT_EQ(StatusOf(s, 1000), "rectifying");
  s.open = 0;
  s.closed = 2;  // one complaint's case is still being opened
  EXPECT_EQ(StatusOf(s, 1000), "rectifying");
  s.closed = 3;
  EXPECT_EQ(StatusOf(s, 1000), "closed");
  s.opens_at = s.closes_at = 0;
  EXPECT_FALSE(WindowOpen(s, 500));
}

}  // namespace
}  // namespace cg::complaints
