#include "cases/engine.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "cases/test_util.hpp"

namespace cg::cases {
namespace {

using model::Role;
using test::Local;

// The Baotou demo tree: grid 001 of 金华社区 (150203010008), 市府东路街道 (150203010),
// 昆都仑区 (150203); 青山区 (150204) is another district.
constexpr char kGrid[] = "150203010008001";
constexpr char kCommunity[] = "150203010008";
constexpr char kStreet[] = "150203010";
constexpr char kDistrict[] = "150203";

const Actor kReporter{100, Role::kResident, kCommunity};
const Actor kOtherResident{101, Role::kResident, kCommunity};
const Actor kCommunityStaff{201, Role::kStaff, kCommunity};
const Actor kStreetStaff{202, Role::kStaff, kStreet};
const Actor kDistrictStaff{203, Role::kStaff, kDistrict};
const Actor kOtherDistrictStaff{204, Role::kStaff, "150204"};
const Actor kNeighbourCommunityStaff{205, Role::kStaff, "150203010005"};
const Actor kGridWorker{301, Role::kGridWorker, kGrid};
const Actor kOtherGridWorker{302, Role::kGridWorker, "150203010008002"};
const Actor kAnalyst{401, Role::kAnalyst, kDistrict};
const Actor kOfficial{501, Role::kStaff, kStreet};

class EngineTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto calendar = Calendar::LoadDirectory(test::DataDir("calendar"));
    ASSERT_TRUE(calendar.ok()) << calendar.error().message;
    calendar_ = new Calendar(std::move(*calendar));
    auto registry = CaseTypeRegistry::LoadDirectory(test::DataDir("case-types"));
    ASSERT_TRUE(registry.ok()) << registry.error().message;
    registry_ = new CaseTypeRegistry(std::move(*registry));
    auto routing = RoutingTable::LoadFile(test::DataDir("case-types/routing.toml"), registry_);
    ASSERT_TRUE(routing.ok()) << routing.error().message;
    routing_ = new RoutingTable(std::move(*routing));
  }

  const CaseType& Snap() const { return *registry_->Find("snap_report"); }
  const CaseType& Qa() const { return *registry_->Find("public_qa"); }

  Case NewSnap(const std::string& category, Timestamp now, const Actor& reporter = kReporter) {
    auto r = Create(Snap(), category, kGrid,
                    {{"description", "人行道砖块松动"}, {"location", "109.8213,40.6572"}}, reporter, now,
                    *calendar_, *routing_);
    EXPECT_TRUE(r.ok()) << r.error().message;
    r->created.id = "C1";
    return r->created;
  }

  // Applies a transition that must succeed.
  Case Step(const CaseType& type, const Case& c, const std::string& transition, const Actor& actor,
            std::map<std::string, std::string> input, Timestamp now,
            std::vector<Notification>* notifications = nullptr) {
    auto r = Apply(type, c, transition, actor, input, now, *calendar_);
    EXPECT_TRUE(r.ok()) << transition << ": " << r.error().message;
    if (!r.ok()) return c;
    if (notifications) *notifications = r->notifications;
    return r->updated;
  }

  ErrorCode Fails(const CaseType& type, const Case& c, const std::string& transition, const Actor& actor,
                  std::map<std::string, std::string> input, Timestamp now) {
    auto r = Apply(type, c, transition, actor, input, now, *calendar_);
    EXPECT_FALSE(r.ok()) << transition << " should fail";
    return r.ok() ? ErrorCode::kInternal : r.error().code;
  }

  // A snap_report case dispatched to the grid worker and signed for, handled by the community.
  Case HandlingCase(Timestamp now) {
    Case c = NewSnap("garbage", now);
    c = Step(Snap(), c, "file", kCommunityStaff, {}, now);
    c = Step(Snap(), c, "dispatch", kCommunityStaff, {{"assignee_user_id", "301"}}, now);
    return Step(Snap(), c, "sign", kGridWorker, {}, now);
  }

  static bool Has(const std::vector<Notification>& ns, RecipientKind kind, const std::string& org,
                  std::optional<std::int64_t> user = std::nullopt) {
    return std::any_of(ns.begin(), ns.end(), [&](const Notification& n) {
      return n.recipient == kind && n.org_code == org && n.user_id == user;
    });
  }

  static Calendar* calendar_;
  static CaseTypeRegistry* registry_;
  static RoutingTable* routing_;
};

Calendar* EngineTest::calendar_ = nullptr;
CaseTypeRegistry* EngineTest::registry_ = nullptr;
RoutingTable* EngineTest::routing_ = nullptr;

TEST_F(EngineTest, CreateRoutesValidatesAndOpens) {
  const Timestamp t0 = Local(2026, 11, 23, 9, 0);  // Monday
  auto r = Create(Snap(), "garbage", kGrid, {{"description", "垃圾桶满溢"}, {"location", "109.82,40.65"}},
                  kReporter, t0, *calendar_, *routing_);
  ASSERT_TRUE(r.ok()) << r.error().message;
  const Case& c = r->created;
  EXPECT_EQ(c.type, "snap_report");
  EXPECT_EQ(c.state, "reported");
  EXPECT_EQ(c.handling_unit_code, kCommunity);
  EXPECT_EQ(r->rule_id, "default");
  EXPECT_EQ(c.reporter_user_id, 100);
  EXPECT_FALSE(c.assignee_user_id);
  EXPECT_EQ(c.opened_at, t0);
  EXPECT_EQ(c.state_entered_at, t0);
  EXPECT_EQ(c.due_at, Local(2026, 11, 23, 11, 0));  // 2 working hours
  EXPECT_EQ(c.warn_at, Local(2026, 11, 23, 10, 36));  // 80 % of them
  ASSERT_EQ(c.timeline.size(), 1u);
  EXPECT_EQ(c.timeline[0].event, "create");
  EXPECT_EQ(c.timeline[0].actor_user_id, 100);
  ASSERT_EQ(r->notifications.size(), 2u);
  EXPECT_TRUE(Has(r->notifications, RecipientKind::kHandlingUnit, kCommunity));
  EXPECT_TRUE(Has(r->notifications, RecipientKind::kGrid, kGrid));
  EXPECT_EQ(r->notifications[0].event, "create");

  // Routed by a rule: road damage in Kundulun goes to the district.
  r = Create(Snap(), "road_damage", kGrid, {{"description", "坑"}, {"location", "109.82,40.65"}}, std::nullopt, t0,
             *calendar_, *routing_);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->created.handling_unit_code, kDistrict);
  EXPECT_EQ(r->rule_id, "kdl-road-damage");
  EXPECT_FALSE(r->created.reporter_user_id);  // anonymous public report
  EXPECT_EQ(r->created.timeline[0].actor_role, "public");
}

TEST_F(EngineTest, CreateRejectsBadInput) {
  const Timestamp t0 = Local(2026, 11, 23, 9, 0);
  const std::map<std::string, std::string> ok{{"description", "坑"}, {"location", "109.82,40.65"}};
  auto r = Create(Snap(), "potholes", kGrid, ok, kReporter, t0, *calendar_, *routing_);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalid);
  EXPECT_EQ(r.error().message, "case type 'snap_report' has no category 'potholes'");
  r = Create(Snap(), "garbage", "15020301000", ok, kReporter, t0, *calendar_, *routing_);
  EXPECT_EQ(r.error().code, ErrorCode::kInvalid);
  r = Create(Snap(), "garbage", kGrid, {{"location", "109.82,40.65"}}, kReporter, t0, *calendar_, *routing_);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "field 'description': required");
  r = Create(Snap(), "garbage", kGrid, {{"description", "坑"}, {"location", "north"}}, kReporter, t0, *calendar_,
             *routing_);
  EXPECT_EQ(r.error().code, ErrorCode::kInvalid);
  r = Create(Snap(), "garbage", kGrid, {{"description", std::string(501, 'x')}, {"location", "109.82,40.65"}},
             kReporter, t0, *calendar_, *routing_);
  EXPECT_EQ(r.error().code, ErrorCode::kInvalid);
  r = Create(Snap(), "garbage", kGrid, ok, kAnalyst, t0, *calendar_, *routing_);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kForbidden);
  // Questions are asked by name.
  r = Create(Qa(), "policy", kGrid,
             {{"official_user_id", "501"}, {"official_unit_code", kStreet}, {"title", "t"}, {"question", "q"}},
             std::nullopt, t0, *calendar_, *routing_);
  EXPECT_EQ(r.error().code, ErrorCode::kForbidden);
}

// report -> file -> dispatch -> sign -> feedback -> verify -> close -> evaluate.
TEST_F(EngineTest, FullSnapReportLoop) {
  const Timestamp t0 = Local(2026, 11, 23, 9, 0);
  std::vector<Notification> ns;
  Case c = NewSnap("garbage", t0);

  c = Step(Snap(), c, "file", kCommunityStaff, {{"note", "属实"}}, t0 + 600'000, &ns);
  EXPECT_EQ(c.state, "filed");
  EXPECT_EQ(c.due_at, Local(2026, 11, 23, 11, 10));
  ASSERT_EQ(ns.size(), 1u);
  EXPECT_TRUE(Has(ns, RecipientKind::kReporter, "", 100));
  EXPECT_EQ(ns[0].case_id, "C1");
  EXPECT_EQ(ns[0].event, "file");

  c = Step(Snap(), c, "dispatch", kCommunityStaff, {{"assignee_user_id", "301"}}, Local(2026, 11, 23, 9, 30), &ns);
  EXPECT_EQ(c.state, "dispatched");
  EXPECT_EQ(c.assignee_user_id, 301);
  EXPECT_EQ(c.handling_unit_code, kCommunity);
  EXPECT_EQ(c.due_at, Local(2026, 11, 23, 16, 0));  // 4 working hours over lunch
  EXPECT_TRUE(Has(ns, RecipientKind::kAssignee, "", 301));
  EXPECT_TRUE(Has(ns, RecipientKind::kHandlingUnit, kCommunity));
  EXPECT_EQ(ns.size(), 2u);  // the handling unit did not change: no previous unit

  c = Step(Snap(), c, "sign", kGridWorker, {}, Local(2026, 11, 23, 10, 0));
  EXPECT_EQ(c.state, "handling");
  EXPECT_EQ(c.due_at, Local(2026, 11, 26, 18, 0));  // 3 working days

  c = Step(Snap(), c, "feedback", kGridWorker, {{"result", "已清运"}, {"result_photos", "u-77"}},
           Local(2026, 11, 24, 15, 0), &ns);
  EXPECT_EQ(c.state, "feedback");
  EXPECT_EQ(c.fields.at("result"), "已清运");
  EXPECT_TRUE(Has(ns, RecipientKind::kGrid, kGrid));

  c = Step(Snap(), c, "verify", kStreetStaff, {}, Local(2026, 11, 24, 16, 0));
  EXPECT_EQ(c.state, "verified");
  c = Step(Snap(), c, "close", kCommunityStaff, {}, Local(2026, 11, 24, 17, 0), &ns);
  EXPECT_EQ(c.state, "closed");
  EXPECT_TRUE(Has(ns, RecipientKind::kReporter, "", 100));

  c = Step(Snap(), c, "evaluate", kReporter, {{"rating", "satisfied"}, {"comment", "很快"}},
           Local(2026, 11, 25, 8, 0), &ns);
  EXPECT_EQ(c.state, "evaluated");
  EXPECT_EQ(c.due_at, 0);
  EXPECT_EQ(c.fields.at("rating"), "satisfied");
  EXPECT_EQ(c.fields.at("description"), "人行道砖块松动");
  EXPECT_TRUE(Has(ns, RecipientKind::kAssignee, "", 301));

  ASSERT_EQ(c.timeline.size(), 8u);
  const char* events[] = {"create", "file", "dispatch", "sign", "feedback", "verify", "close", "evaluate"};
  for (size_t i = 0; i < 8; ++i) EXPECT_EQ(c.timeline[i].event, events[i]);
  EXPECT_EQ(c.timeline[1].note, "属实");
  EXPECT_EQ(c.timeline[1].actor_user_id, 201);
  EXPECT_EQ(c.timeline[1].actor_role, "staff");
  EXPECT_EQ(c.timeline[1].from_state, "reported");
  EXPECT_EQ(c.timeline[1].to_state, "filed");
  EXPECT_FALSE(c.late);
  EXPECT_EQ(Evaluate(Snap(), c, Local(2026, 12, 31, 9, 0), *calendar_).kind, EvaluationKind::kNone);
  // Terminal: nothing more.
  EXPECT_EQ(Fails(Snap(), c, "reopen", kReporter, {{"reopen_reason", "x"}}, Local(2026, 11, 25, 9, 0)),
            ErrorCode::kInvalid);
}

TEST_F(EngineTest, RejectPath) {
  const Timestamp t0 = Local(2026, 11, 23, 9, 0);
  Case c = NewSnap("noise", t0);
  EXPECT_EQ(Fails(Snap(), c, "reject", kCommunityStaff, {}, t0), ErrorCode::kInvalid);  // reason required
  std::vector<Notification> ns;
  c = Step(Snap(), c, "reject", kCommunityStaff, {{"reason", "非本辖区"}}, t0, &ns);
  EXPECT_EQ(c.state, "rejected");
  EXPECT_EQ(c.fields.at("reason"), "非本辖区");
  EXPECT_TRUE(Has(ns, RecipientKind::kReporter, "", 100));
  auto r = Apply(Snap(), c, "file", kCommunityStaff, {}, t0, *calendar_);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalid);
  EXPECT_EQ(r.error().message, "transition 'file' is not allowed from state 'rejected'");
}

TEST_F(EngineTest, ReturnAndVerifyFailPaths) {
  const Timestamp t0 = Local(2026, 11, 23, 9, 0);
  Case c = NewSnap("garbage", t0);
  c = Step(Snap(), c, "file", kCommunityStaff, {}, t0);
  c = Step(Snap(), c, "dispatch", kCommunityStaff, {{"assignee_user_id", "301"}}, t0);
  // The grid worker returns it: back to filed, unassigned.
  EXPECT_EQ(Fails(Snap(), c, "return", kGridWorker, {}, t0), ErrorCode::kInvalid);
  c = Step(Snap(), c, "return", kGridWorker, {{"return_reason", "不属于本网格"}}, t0);
  EXPECT_EQ(c.state, "filed");
  EXPECT_FALSE(c.assignee_user_id);
  // Re-dispatched by the street to another of its communities, with a previous-unit notice.
  std::vector<Notification> ns;
  c = Step(Snap(), c, "dispatch", kStreetStaff, {{"unit_code", "150203010005"}, {"assignee_user_id", "305"}}, t0, &ns);
  EXPECT_EQ(c.handling_unit_code, "150203010005");
  EXPECT_TRUE(Has(ns, RecipientKind::kPreviousHandlingUnit, kCommunity));
  EXPECT_TRUE(Has(ns, RecipientKind::kHandlingUnit, "150203010005"));
  EXPECT_TRUE(Has(ns, RecipientKind::kAssignee, "", 305));
  EXPECT_EQ(c.timeline.back().handling_unit_code, "150203010005");

  const Actor assignee{305, Role::kGridWorker, "150203010005003"};
  c = Step(Snap(), c, "sign", assignee, {}, t0);
  c = Step(Snap(), c, "feedback", assignee, {{"result", "已处理"}}, t0);
  // Verification fails: back to handling with a fresh deadline.
  c = Step(Snap(), c, "verify_fail", kStreetStaff, {{"verify_reason", "仍有垃圾"}}, Local(2026, 11, 24, 9, 0), &ns);
  EXPECT_EQ(c.state, "handling");
  EXPECT_EQ(c.state_entered_at, Local(2026, 11, 24, 9, 0));
  EXPECT_EQ(c.due_at, Local(2026, 11, 27, 18, 0));
  EXPECT_TRUE(Has(ns, RecipientKind::kAssignee, "", 305));
}

TEST_F(EngineTest, ReopenPath) {
  const Timestamp t0 = Local(2026, 11, 23, 9, 0);
  Case c = HandlingCase(t0);
  c = Step(Snap(), c, "feedback", kGridWorker, {{"result", "已清运"}}, t0);
  c = Step(Snap(), c, "verify", kGridWorker, {}, t0);
  c = Step(Snap(), c, "close", kCommunityStaff, {}, t0);
  // Another resident may not reopen it; the reporter may, with a reason.
  EXPECT_EQ(Fails(Snap(), c, "reopen", kOtherResident, {{"reopen_reason", "x"}}, t0), ErrorCode::kForbidden);
  std::vector<Notification> ns;
  c = Step(Snap(), c, "reopen", kReporter, {{"reopen_reason", "又堆满了"}}, Local(2026, 11, 24, 9, 0), &ns);
  EXPECT_EQ(c.state, "dispatched");
  EXPECT_EQ(c.assignee_user_id, 301);
  EXPECT_TRUE(Has(ns, RecipientKind::kAssignee, "", 301));
  EXPECT_TRUE(Has(ns, RecipientKind::kHandlingUnit, kCommunity));
  EXPECT_EQ(c.due_at, Local(2026, 11, 24, 15, 30));  // 4 working hours over lunch
}

TEST_F(EngineTest, WithdrawOnlyByTheReporter) {
  const Timestamp t0 = Local(2026, 11, 23, 9, 0);
  Case c = NewSnap("noise", t0);
  EXPECT_EQ(Fails(Snap(), c, "withdraw", kOtherResident, {}, t0), ErrorCode::kForbidden);
  EXPECT_EQ(Fails(Snap(), c, "withdraw", kCommunityStaff, {}, t0), ErrorCode::kForbidden);
  c = Step(Snap(), c, "withdraw", kReporter, {}, t0);
  EXPECT_EQ(c.state, "withdrawn");
  // An anonymous report cannot be withdrawn by anyone (no reporter to match; user 0 never is).
  Case anon = NewSnap("noise", t0);
  anon.reporter_user_id.reset();
  EXPECT_EQ(Fails(Snap(), anon, "withdraw", Actor{0, Role::kResident, kCommunity}, {}, t0), ErrorCode::kForbidden);
}

TEST_F(EngineTest, WrongRoleIsForbidden) {
  const Timestamp t0 = Local(2026, 11, 23, 9, 0);
  Case c = NewSnap("garbage", t0);
  auto r = Apply(Snap(), c, "file", kGridWorker, {}, t0, *calendar_);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kForbidden);
  EXPECT_NE(r.error().message.find("role 'grid_worker'"), std::string::npos);
  EXPECT_EQ(Fails(Snap(), c, "file", kAnalyst, {}, t0), ErrorCode::kForbidden);
  EXPECT_EQ(Fails(Snap(), c, "file", kReporter, {}, t0), ErrorCode::kForbidden);
  c = Step(Snap(), c, "file", kCommunityStaff, {}, t0);
  EXPECT_EQ(Fails(Snap(), c, "dispatch", kReporter, {}, t0), ErrorCode::kForbidden);
  c = Step(Snap(), c, "dispatch", kCommunityStaff, {{"assignee_user_id", "301"}}, t0);
  // Only the reporter rates, only the case grid's worker (or the assignee) signs.
  EXPECT_EQ(Fails(Snap(), c, "sign", kOtherGridWorker, {}, t0), ErrorCode::kForbidden);
}

TEST_F(EngineTest, StaffOfAnotherUnitIsForbidden) {
  const Timestamp t0 = Local(2026, 11, 23, 9, 0);
  Case c = NewSnap("garbage", t0);
  auto r = Apply(Snap(), c, "file", kOtherDistrictStaff, {}, t0, *calendar_);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kForbidden);
  EXPECT_EQ(r.error().message,
            "role 'staff' at '150204' may not take transition 'file' on a case handled by '150203010008'");
  EXPECT_EQ(Fails(Snap(), c, "file", kNeighbourCommunityStaff, {}, t0), ErrorCode::kForbidden);
  // Ancestors of the handling unit may.
  EXPECT_EQ(Step(Snap(), c, "file", kDistrictStaff, {}, t0).state, "filed");
  c = Step(Snap(), c, "file", kStreetStaff, {}, t0);
  // A dispatcher cannot send the case outside their own scope.
  EXPECT_EQ(Fails(Snap(), c, "dispatch", kCommunityStaff, {{"unit_code", kStreet}}, t0), ErrorCode::kForbidden);
  EXPECT_EQ(Fails(Snap(), c, "dispatch", kStreetStaff, {{"unit_code", "150204001001"}}, t0), ErrorCode::kForbidden);
}

TEST_F(EngineTest, InvalidTransitionsAndInputs) {
  const Timestamp t0 = Local(2026, 11, 23, 9, 0);
  Case c = NewSnap("garbage", t0);
  auto r = Apply(Snap(), c, "teleport", kCommunityStaff, {}, t0, *calendar_);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalid);
  EXPECT_EQ(r.error().message, "case type 'snap_report' has no transition 'teleport'");
  EXPECT_EQ(Fails(Snap(), c, "close", kCommunityStaff, {}, t0), ErrorCode::kInvalid);
  r = Apply(Snap(), c, "file", kCommunityStaff, {{"colour", "red"}}, t0, *calendar_);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "unknown input 'colour'");
  EXPECT_EQ(Fails(Snap(), c, "file", kCommunityStaff, {{"note", std::string(2001, 'x')}}, t0), ErrorCode::kInvalid);
  c = Step(Snap(), c, "file", kCommunityStaff, {}, t0);
  EXPECT_EQ(Fails(Snap(), c, "dispatch", kCommunityStaff, {{"assignee_user_id", "abc"}}, t0), ErrorCode::kInvalid);
  // Wrong type for the case.
  EXPECT_EQ(Fails(Qa(), c, "accept", kCommunityStaff, {}, t0), ErrorCode::kInvalid);
  // A failed Apply leaves nothing changed: the input case is a value.
  EXPECT_EQ(c.state, "filed");
}

TEST_F(EngineTest, DeadlinesSkipHolidayWeekAndUseMakeUpSaturday) {
  // Signed for on Wednesday Sep 30: 3 working days skip the National Day week (Oct 1-7)
  // and count Thursday Oct 8, Friday Oct 9 and the make-up Saturday Oct 10.
  Case c = HandlingCase(Local(2026, 9, 30, 10, 0));
  EXPECT_EQ(c.state, "handling");
  EXPECT_EQ(c.due_at, Local(2026, 10, 10, 18, 0));
  // Reported on a Friday afternoon: 2 working hours end on Monday morning.
  Case weekend = NewSnap("garbage", Local(2026, 11, 27, 17, 0));
  EXPECT_EQ(weekend.due_at, Local(2026, 11, 30, 9, 30));
  // Reported on Saturday Oct 10 (a working day) at 17:00: due Monday Oct 12 09:30.
  Case makeup = NewSnap("garbage", Local(2026, 10, 10, 17, 0));
  EXPECT_EQ(makeup.due_at, Local(2026, 10, 12, 9, 30));
  // Reported during the holiday: the clock starts on Oct 8.
  Case holiday = NewSnap("garbage", Local(2026, 10, 3, 11, 0));
  EXPECT_EQ(holiday.due_at, Local(2026, 10, 8, 10, 30));
  // Nothing happens during the holiday although days pass.
  EXPECT_EQ(Evaluate(Snap(), holiday, Local(2026, 10, 7, 23, 0), *calendar_).kind, EvaluationKind::kNone);
}

TEST_F(EngineTest, WarningOnceThenEscalationUpToTheCeiling) {
  const Timestamp t0 = Local(2026, 11, 23, 9, 0);
  Case c = NewSnap("garbage", t0);  // community; due 11:00, warn 10:36
  EXPECT_EQ(Evaluate(Snap(), c, Local(2026, 11, 23, 10, 0), *calendar_).kind, EvaluationKind::kNone);

  Evaluation e = Evaluate(Snap(), c, Local(2026, 11, 23, 10, 40), *calendar_);
  ASSERT_EQ(e.kind, EvaluationKind::kWarning);
  EXPECT_TRUE(e.updated.warned);
  EXPECT_EQ(e.updated.timeline.back().event, "warning");
  EXPECT_TRUE(Has(e.notifications, RecipientKind::kHandlingUnit, kCommunity));
  c = e.updated;
  // Raised once.
  EXPECT_EQ(Evaluate(Snap(), c, Local(2026, 11, 23, 10, 41), *calendar_).kind, EvaluationKind::kNone);
  EXPECT_EQ(Evaluate(Snap(), c, Local(2026, 11, 23, 10, 59), *calendar_).kind, EvaluationKind::kNone);

  // Breach: community -> street, with a fresh 2-hour deadline from now.
  e = Evaluate(Snap(), c, Local(2026, 11, 23, 11, 0), *calendar_);
  ASSERT_EQ(e.kind, EvaluationKind::kEscalation);
  c = e.updated;
  EXPECT_EQ(c.handling_unit_code, kStreet);
  EXPECT_EQ(c.escalation_level, 1);
  EXPECT_TRUE(c.late);
  EXPECT_FALSE(c.warned);
  EXPECT_EQ(c.due_at, Local(2026, 11, 23, 15, 30));
  EXPECT_EQ(c.state, "reported");
  EXPECT_EQ(c.timeline.back().event, "escalate");
  EXPECT_EQ(c.timeline.back().handling_unit_code, kStreet);
  EXPECT_TRUE(Has(e.notifications, RecipientKind::kHandlingUnit, kStreet));
  EXPECT_TRUE(Has(e.notifications, RecipientKind::kPreviousHandlingUnit, kCommunity));
  EXPECT_EQ(e.notifications[0].event, "escalate");
  // Idempotent at the same instant.
  EXPECT_EQ(Evaluate(Snap(), c, Local(2026, 11, 23, 11, 0), *calendar_).kind, EvaluationKind::kNone);
  // The community no longer handles it; the street does.
  EXPECT_EQ(Fails(Snap(), c, "file", kCommunityStaff, {}, Local(2026, 11, 23, 11, 5)), ErrorCode::kForbidden);

  // Warned again for the new deadline, then street -> district.
  EXPECT_EQ(c.warn_at, Local(2026, 11, 23, 15, 6));  // 96 working minutes after 11:00
  e = Evaluate(Snap(), c, Local(2026, 11, 23, 15, 10), *calendar_);
  EXPECT_EQ(e.kind, EvaluationKind::kWarning);
  c = e.updated;
  e = Evaluate(Snap(), c, Local(2026, 11, 23, 15, 30), *calendar_);
  ASSERT_EQ(e.kind, EvaluationKind::kEscalation);
  c = e.updated;
  EXPECT_EQ(c.handling_unit_code, kDistrict);
  EXPECT_EQ(c.escalation_level, 2);
  EXPECT_EQ(c.due_at, Local(2026, 11, 23, 17, 30));

  // The district is the ceiling: the breach is flagged once and never goes to the city.
  e = Evaluate(Snap(), c, Local(2026, 11, 24, 10, 0), *calendar_);
  ASSERT_EQ(e.kind, EvaluationKind::kOverdue);
  c = e.updated;
  EXPECT_EQ(c.handling_unit_code, kDistrict);
  EXPECT_EQ(c.escalation_level, 2);
  EXPECT_TRUE(c.breached);
  EXPECT_EQ(c.timeline.back().event, "overdue");
  EXPECT_EQ(Evaluate(Snap(), c, Local(2026, 11, 30, 10, 0), *calendar_).kind, EvaluationKind::kNone);

  // Filing it late marks the timeline entry late; the new state starts a fresh clock.
  c = Step(Snap(), c, "file", kDistrictStaff, {}, Local(2026, 11, 24, 11, 0));
  EXPECT_TRUE(c.timeline.back().late);
  EXPECT_FALSE(c.breached);
  EXPECT_EQ(c.handling_unit_code, kDistrict);
}

TEST_F(EngineTest, EvaluationWindowOfTheReporterIsNeverLate) {
  const Timestamp t0 = Local(2026, 11, 23, 9, 0);
  Case c = HandlingCase(t0);
  c = Step(Snap(), c, "feedback", kGridWorker, {{"result", "已清运"}}, t0);
  c = Step(Snap(), c, "verify", kGridWorker, {}, t0);
  c = Step(Snap(), c, "close", kCommunityStaff, {}, t0);
  EXPECT_NE(c.due_at, 0);
  EXPECT_EQ(c.warn_at, 0);
  EXPECT_EQ(Evaluate(Snap(), c, Local(2026, 12, 31, 9, 0), *calendar_).kind, EvaluationKind::kNone);
  c = Step(Snap(), c, "archive", kCommunityStaff, {}, Local(2026, 12, 31, 9, 0));
  EXPECT_FALSE(c.timeline.back().late);
  EXPECT_FALSE(c.late);
}

TEST_F(EngineTest, FlagPolicyNeverEscalatesAndCustomTypesNeedNoRouting) {
  auto type = ParseCaseType(R"(code = "check"
name = "走访"
name_en = "Welfare check"
initial_state = "due"
[create]
roles = ["grid_worker"]
[[states]]
code = "due"
name = "待走访"
name_en = "Due"
deadline_hours = 1
overdue = "flag"
[[states]]
code = "done"
name = "已走访"
name_en = "Done"
terminal = true
[[transitions]]
code = "visit"
name = "走访"
name_en = "Visit"
from = ["due"]
to = "done"
allow = [{ role = "grid_worker", relation = "case_grid" }]
)",
                            "check.toml");
  ASSERT_TRUE(type.ok()) << type.error().message;
  const Timestamp t0 = Local(2026, 11, 23, 9, 0);
  auto r = Create(*type, "", kGrid, {}, kGridWorker, t0, *calendar_, RoutingTable());
  ASSERT_TRUE(r.ok()) << r.error().message;
  Case c = r->created;
  EXPECT_EQ(c.handling_unit_code, kCommunity);
  EXPECT_EQ(c.reporter_user_id, 301);
  EXPECT_TRUE(r->notifications.size() == 1 && r->notifications[0].org_code == kCommunity);
  Evaluation e = Evaluate(*type, c, Local(2026, 11, 23, 10, 0), *calendar_);
  ASSERT_EQ(e.kind, EvaluationKind::kOverdue);
  EXPECT_EQ(e.updated.handling_unit_code, kCommunity);
  EXPECT_EQ(Evaluate(*type, e.updated, Local(2026, 11, 23, 11, 0), *calendar_).kind, EvaluationKind::kNone);
  EXPECT_EQ(Fails(*type, e.updated, "visit", kOtherGridWorker, {}, t0), ErrorCode::kForbidden);
  Case done = Step(*type, e.updated, "visit", kGridWorker, {}, Local(2026, 11, 23, 11, 0));
  EXPECT_TRUE(done.timeline.back().late);
  // A category on a type without categories is invalid.
  EXPECT_FALSE(Create(*type, "x", kGrid, {}, kGridWorker, t0, *calendar_, RoutingTable()).ok());
}

Case NewQuestion(const CaseType& qa, Timestamp now, const Calendar& calendar, const RoutingTable& routing) {
  auto r = Create(qa, "livelihood", kGrid,
                  {{"official_user_id", "501"},
                   {"official_unit_code", kStreet},
                   {"title", "小区供暖何时到位"},
                   {"question", "今年的供暖什么时候开始?"},
                   {"public", "true"}},
                  kReporter, now, calendar, routing);
  EXPECT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->rule_id, "field:official_unit_code");
  return r->created;
}

TEST_F(EngineTest, PublicQaAnsweredOnTime) {
  const Timestamp t0 = Local(2026, 11, 23, 9, 0);
  Case c = NewQuestion(Qa(), t0, *calendar_, *routing_);
  EXPECT_EQ(c.handling_unit_code, kStreet);
  EXPECT_EQ(c.assignee_user_id, 501);
  EXPECT_EQ(c.due_at, Local(2026, 11, 24, 18, 0));
  c = Step(Qa(), c, "accept", kOfficial, {}, Local(2026, 11, 23, 10, 0));
  // The answer is due 5 working days after the question, not after acceptance.
  EXPECT_EQ(c.due_at, Local(2026, 11, 30, 18, 0));
  std::vector<Notification> ns;
  c = Step(Qa(), c, "answer", kOfficial, {{"answer", "11月15日已开始供暖,小区管网正在检修。"}},
           Local(2026, 11, 27, 10, 0), &ns);
  EXPECT_EQ(c.state, "answered");
  EXPECT_FALSE(c.timeline.back().late);
  EXPECT_FALSE(c.late);
  EXPECT_TRUE(Has(ns, RecipientKind::kReporter, "", 100));
  EXPECT_EQ(Qa().FindState(c.state)->public_status, PublicStatus::kClosed);
  // The asker follows up, is answered again, and closes it.
  c = Step(Qa(), c, "follow_up", kReporter, {{"follow_up_question", "检修何时完成?"}}, Local(2026, 11, 27, 11, 0));
  EXPECT_EQ(c.state, "accepted");
  c = Step(Qa(), c, "answer", kOfficial, {{"answer", "本周内。"}}, Local(2026, 11, 27, 15, 0));
  c = Step(Qa(), c, "close", kReporter, {{"rating", "satisfied"}}, Local(2026, 11, 27, 16, 0));
  EXPECT_EQ(c.state, "closed");
  // Only the named official (or staff of the unit) answers.
  Case other = NewQuestion(Qa(), t0, *calendar_, *routing_);
  other = Step(Qa(), other, "accept", kStreetStaff, {}, t0);
  EXPECT_EQ(Fails(Qa(), other, "answer", kCommunityStaff, {{"answer", "x"}}, t0), ErrorCode::kForbidden);
  EXPECT_EQ(Fails(Qa(), other, "answer", kDistrictStaff, {{"answer", "x"}}, t0), ErrorCode::kForbidden);
}

TEST_F(EngineTest, PublicQaAnsweredAfterTheDeadlineIsLate) {
  const Timestamp t0 = Local(2026, 11, 23, 9, 0);
  Case c = NewQuestion(Qa(), t0, *calendar_, *routing_);
  c = Step(Qa(), c, "accept", kOfficial, {}, Local(2026, 11, 23, 10, 0));
  EXPECT_EQ(c.due_at, Local(2026, 11, 30, 18, 0));
  // Answered a working day late, before any Evaluate ran.
  Case answered = Step(Qa(), c, "answer", kOfficial, {{"answer", "已协调处理。"}}, Local(2026, 12, 1, 10, 0));
  EXPECT_EQ(answered.state, "answered");
  EXPECT_TRUE(answered.timeline.back().late);
  EXPECT_TRUE(answered.late);

  // With the deadline job: breached, escalated from the street to the district with a fresh
  // deadline; the answer is still late against the question's own deadline.
  Evaluation e = Evaluate(Qa(), c, Local(2026, 12, 1, 9, 0), *calendar_);
  ASSERT_EQ(e.kind, EvaluationKind::kEscalation);
  c = e.updated;
  EXPECT_EQ(c.handling_unit_code, kDistrict);
  EXPECT_GT(c.due_at, Local(2026, 12, 1, 10, 0));
  c = Step(Qa(), c, "answer", kOfficial, {{"answer", "已协调处理。"}}, Local(2026, 12, 1, 10, 0));
  EXPECT_TRUE(c.timeline.back().late);
  EXPECT_TRUE(c.late);
}

// 吐槽大会: each category of a complaint has its own limit, which replaces the deadline of
// every state counted from the case's opening; the session's unit (a field) handles it.
TEST_F(EngineTest, CategoryDeadlineReplacesTheCaseOpenedDeadline) {
  const CaseType& type = *registry_->Find("complaint");
  const Timestamp now = Local(2026, 3, 2, 10, 0);  // a Monday
  auto make = [&](const std::string& category) {
    auto r = Create(type, category, kCommunity,
                    {{"description", "楼道堆物"}, {"session_unit_code", kCommunity}, {"session_id", "3"}},
                    Actor{kCommunityStaff.user_id, Role::kStaff, kCommunity}, now, *calendar_, *routing_);
    EXPECT_TRUE(r.ok()) << r.error().message;
    return r->created;
  };
  Case safety = make("safety");
  Case parking = make("parking");
  EXPECT_EQ(safety.handling_unit_code, kCommunity);
  EXPECT_EQ(safety.due_at, calendar_->AddWorkingDays(now, 5));
  EXPECT_EQ(parking.due_at, calendar_->AddWorkingDays(now, 15));
  // Accepting keeps the limit: it counts from the opening, with the category's days.
  auto accepted = Apply(type, safety, "accept", kCommunityStaff, {}, now + 3600'000, *calendar_);
  ASSERT_TRUE(accepted.ok()) << accepted.error().message;
  EXPECT_EQ(accepted->updated.due_at, safety.due_at);
  auto closed = Apply(type, accepted->updated, "rectify", kCommunityStaff, {}, now + 7200'000, *calendar_);
  EXPECT_FALSE(closed.ok()) << "the reply is required";
  closed = Apply(type, accepted->updated, "rectify", kCommunityStaff, {{"reply", "已清理"}}, now + 7200'000, *calendar_);
  ASSERT_TRUE(closed.ok()) << closed.error().message;
  EXPECT_EQ(closed->updated.fields.at("reply"), "已清理");
}

// 人民调解: a police-referred dispute needs its station and case number; acceptance needs both
// parties' consent; sessions keep their inputs on the timeline; an agreement opens the 30-day
// judicial-confirmation window (calendar days), inside which alone an application is taken.
TEST_F(EngineTest, MediationConsentSessionsAndTheConfirmationWindow) {
  const CaseType& type = *registry_->Find("mediation");
  const Timestamp t0 = Local(2026, 9, 28, 10, 0);  // a Monday; the National Day week follows
  std::map<std::string, std::string> fields{{"description", "楼上漏水，双方对维修费用有争议"},
                                            {"source", "police_referral"},
                                            {"applicant_kind", "person"},
                                            {"applicant_name", "张桂兰"},
                                            {"respondent_kind", "person"},
                                            {"respondent_name", "李建国"}};
  auto r = Create(type, "neighbour", kGrid, fields, kCommunityStaff, t0, *calendar_, *routing_);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "field 'police_station': required when source is police_referral");
  fields["police_station"] = "少先路派出所";
  fields["police_case_no"] = "J1502030020260928001";
  r = Create(type, "neighbour", kGrid, fields, kCommunityStaff, t0, *calendar_, *routing_);
  ASSERT_TRUE(r.ok()) << r.error().message;
  Case c = r->created;
  EXPECT_EQ(c.handling_unit_code, kCommunity);
  EXPECT_EQ(c.state, "applied");

  // Art. 17: no consent, no mediation; a refusal ends the case with the reason.
  auto no = Apply(type, c, "accept", kCommunityStaff, {{"applicant_consent", "true"}, {"respondent_consent", "false"}},
                  t0, *calendar_);
  ASSERT_FALSE(no.ok());
  EXPECT_EQ(no.error().code, ErrorCode::kInvalid);
  EXPECT_EQ(no.error().message, "input 'respondent_consent': must be true (被申请人同意调解)");
  EXPECT_EQ(Fails(type, c, "accept", kCommunityStaff, {{"applicant_consent", "true"}}, t0), ErrorCode::kInvalid);
  Case refused = Step(type, c, "refuse", kCommunityStaff,
                      {{"refusing_party", "respondent"}, {"refusal_reason", "被申请人要求直接起诉"}}, t0);
  EXPECT_EQ(refused.state, "refused");
  EXPECT_EQ(refused.fields.at("refusal_reason"), "被申请人要求直接起诉");

  c = Step(type, c, "accept", kCommunityStaff, {{"applicant_consent", "true"}, {"respondent_consent", "true"}}, t0);
  c = Step(type, c, "assign", kCommunityStaff, {{"mediator_user_id", "777"}}, t0);
  EXPECT_EQ(c.assignee_user_id, 777);
  EXPECT_EQ(c.due_at, Local(2026, 10, 29, 0, 0));  // 30 calendar days, holidays included
  const Actor mediator{777, Role::kStaff, kCommunity};
  c = Step(type, c, "record_session", mediator,
           {{"session_date", "2026-09-29"}, {"session_place", "金华社区调解室"}, {"session_attendees", "张桂兰、李建国"},
            {"session_summary", "双方陈述，查看漏水现场"}},
           Local(2026, 9, 29, 16, 0));
  c = Step(type, c, "record_session", mediator,
           {{"session_date", "2026-10-09"}, {"session_place", "金华社区调解室"}, {"session_attendees", "张桂兰、李建国、物业"},
            {"session_summary", "物业出具维修报价"}},
           Local(2026, 10, 9, 16, 0));
  int sessions = 0;
  for (const auto& e : c.timeline) sessions += e.event == "record_session";
  EXPECT_EQ(sessions, 2);
  EXPECT_EQ(c.timeline[c.timeline.size() - 2].inputs.at("session_summary"), "双方陈述，查看漏水现场");
  EXPECT_EQ(c.timeline.back().inputs.at("session_date"), "2026-10-09");

  // An agreement without terms is refused, nothing changes.
  EXPECT_EQ(Fails(type, c, "agree", mediator, {{"agreement_date", "2026-10-12"}, {"performance", "immediate"}},
                  Local(2026, 10, 12, 10, 0)),
            ErrorCode::kInvalid);
  c = Step(type, c, "agree", mediator,
           {{"agreement_terms", "李建国于十日内支付维修费1200元。"}, {"agreement_date", "2026-10-12"}, {"performance", "by_term"}},
           Local(2026, 10, 12, 10, 0));
  EXPECT_EQ(c.state, "agreed");
  EXPECT_EQ(c.due_at, Local(2026, 11, 12, 0, 0));  // the window's last day is 2026-11-11
  // No follow-up before the window ends; no application after it.
  auto early = Apply(type, c, "window_ended", mediator, {}, Local(2026, 11, 11, 23, 0), *calendar_);
  ASSERT_FALSE(early.ok());
  EXPECT_NE(early.error().message.find("2026-11-11"), std::string::npos) << early.error().message;
  auto late = Apply(type, c, "apply_confirmation", mediator,
                    {{"court", "昆都仑区人民法院"}, {"confirmation_applied_on", "2026-11-12"}}, Local(2026, 11, 12, 9, 0),
                    *calendar_);
  ASSERT_FALSE(late.ok());
  EXPECT_EQ(late.error().code, ErrorCode::kInvalid);
  EXPECT_NE(late.error().message.find("only allowed until the deadline"), std::string::npos);
  // The window is the parties', never the city's delay.
  EXPECT_EQ(Evaluate(type, c, Local(2026, 11, 20, 9, 0), *calendar_).kind, EvaluationKind::kNone);

  Case confirming = Step(type, c, "apply_confirmation", mediator,
                         {{"court", "昆都仑区人民法院"}, {"confirmation_applied_on", "2026-11-02"}},
                         Local(2026, 11, 2, 9, 0));
  Case confirmed = Step(type, confirming, "court_confirm", mediator,
                        {{"ruling_no", "(2026)内0203民特12号"}, {"court_decided_on", "2026-11-20"}},
                        Local(2026, 11, 20, 9, 0));
  EXPECT_EQ(confirmed.state, "follow_up");
  Case closed = Step(type, confirmed, "follow_up_visit", mediator,
                     {{"visit_date", "2026-11-25"}, {"performed", "fully"}, {"visit_notes", "费用已付清，双方满意"}},
                     Local(2026, 11, 25, 9, 0));
  EXPECT_EQ(closed.state, "closed");
  EXPECT_FALSE(closed.late);
  Case lapsed = Step(type, c, "window_ended", mediator, {}, Local(2026, 11, 12, 9, 0));
  EXPECT_EQ(lapsed.state, "follow_up");
}

// 小事不出村，大事不出镇: a complex dispute goes up by hand, an unsettled one by its deadline,
// never above the district centre.
TEST_F(EngineTest, MediationEscalatesCommunityStreetDistrict) {
  const CaseType& type = *registry_->Find("mediation");
  const Timestamp t0 = Local(2026, 11, 2, 10, 0);
  auto r = Create(type, "land", kGrid,
                  {{"description", "宅基地边界争议"}, {"source", "grid_worker"}, {"applicant_kind", "person"},
                   {"applicant_name", "王二"}, {"respondent_kind", "organisation"}, {"respondent_name", "某村民小组"}},
                  kGridWorker, t0, *calendar_, *routing_);
  ASSERT_TRUE(r.ok()) << r.error().message;
  Case c = Step(type, r->created, "accept", kCommunityStaff,
                {{"applicant_consent", "true"}, {"respondent_consent", "true"}}, t0);
  c = Step(type, c, "assign", kCommunityStaff, {{"mediator_user_id", "777"}}, t0);
  std::vector<Notification> notes;
  c = Step(type, c, "mark_complex", kCommunityStaff, {}, t0 + 3600'000, &notes);
  EXPECT_EQ(c.handling_unit_code, kStreet);
  EXPECT_EQ(c.escalation_level, 1);
  EXPECT_EQ(c.state, "accepted");
  EXPECT_FALSE(c.assignee_user_id.has_value());
  EXPECT_TRUE(Has(notes, RecipientKind::kHandlingUnit, kStreet));
  EXPECT_TRUE(Has(notes, RecipientKind::kPreviousHandlingUnit, kCommunity));
  // The community may no longer act on it.
  EXPECT_EQ(Fails(type, c, "assign", kCommunityStaff, {{"mediator_user_id", "778"}}, t0 + 7200'000),
            ErrorCode::kForbidden);
  c = Step(type, c, "assign", kStreetStaff, {{"mediator_user_id", "778"}}, t0 + 7200'000);
  // Not settled in 30 days: street -> district, the ceiling.
  Evaluation e = Evaluate(type, c, c.due_at, *calendar_);
  ASSERT_EQ(e.kind, EvaluationKind::kEscalation);
  EXPECT_EQ(e.updated.handling_unit_code, kDistrict);
  c = e.updated;
  auto top = Apply(type, c, "mark_complex", kDistrictStaff, {}, c.state_entered_at + 1, *calendar_);
  ASSERT_FALSE(top.ok());
  EXPECT_EQ(top.error().code, ErrorCode::kInvalid);
  EXPECT_EQ(Evaluate(type, c, c.due_at, *calendar_).kind, EvaluationKind::kOverdue);
}

TEST_F(EngineTest, WelfareCheckRunsOnCalendarHours) {
  // An urgent welfare visit on a Saturday night: the two hours run round the clock, the warning
  // comes at half of them, and the breach escalates to the street (the ceiling).
  const CaseType& type = *registry_->Find("welfare_check");
  const Timestamp t0 = Local(2026, 6, 6, 22, 30);  // a Saturday
  const Actor rider{901, Role::kReporter, kCommunity};
  auto r = Create(type, "urgent", kGrid, {{"person_id", "7"}, {"person_name", "王大爷"}, {"health", "urgent"}}, rider,
                  t0, *calendar_, *routing_);
  ASSERT_TRUE(r.ok()) << r.error().message;
  Case c = r->created;
  EXPECT_EQ(c.handling_unit_code, kCommunity);
  EXPECT_EQ(c.due_at, t0 + 2 * 3'600'000);
  EXPECT_EQ(c.warn_at, t0 + 3'600'000);
  EXPECT_TRUE(Has(r->notifications, RecipientKind::kHandlingUnit, kCommunity));
  EXPECT_EQ(Evaluate(type, c, t0 + 3'600'000, *calendar_).kind, EvaluationKind::kWarning);
  Evaluation e = Evaluate(type, c, c.due_at, *calendar_);
  ASSERT_EQ(e.kind, EvaluationKind::kEscalation);
  EXPECT_EQ(e.updated.handling_unit_code, "150203010");
  // The reporter takes no transition; the community's grid worker resolves it.
  EXPECT_EQ(Fails(type, c, "respond", rider, {{"responder", "我"}}, t0), ErrorCode::kForbidden);
  c = Step(type, c, "resolve", kGridWorker, {{"outcome", "family_contacted"}, {"outcome_note", "已联系其女儿送医"}},
           t0 + 1'800'000);
  EXPECT_EQ(c.state, "closed");
}

}  // namespace
}  // namespace cg::cases
