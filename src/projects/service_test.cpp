// The project service over a real SQLite store: validation naming the field, status following
// the injected clock, scope, reports updating indicators, and the roll-up per level and child
// (the store's own contract runs on both backends).
#include "projects/service.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <random>

namespace cg::projects {
namespace {

constexpr std::int64_t kDayMs = 86'400'000;

model::OrgUnit Unit(std::string code, model::OrgKind kind, std::string parent, std::string name) {
  model::OrgUnit u;
  u.code = std::move(code);
  u.kind = kind;
  u.name = std::move(name);
  u.parent_code = std::move(parent);
  return u;
}

class ProjectServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("cg_projects_" + std::to_string(std::random_device{}()));
    std::filesystem::create_directories(dir_);
    auto s = store::Store::Open("sqlite://" + (dir_ / "t.db").string());
    ASSERT_TRUE(s.ok()) << s.error().message;
    store_ = std::move(s).value();
    ASSERT_TRUE(store_->Migrate().ok());
    ASSERT_TRUE(store_->UpsertOrgUnits({Unit("1502", model::OrgKind::kCity, "", "包头市"),
                                        Unit("150203", model::OrgKind::kDistrict, "1502", "昆都仑区"),
                                        Unit("150204", model::OrgKind::kDistrict, "1502", "青山区"),
                                        Unit("150203010", model::OrgKind::kStreet, "150203", "市府东路街道"),
                                        Unit("150203010008", model::OrgKind::kCommunity, "150203010", "金华社区"),
                                        Unit("150203010008001", model::OrgKind::kGrid, "150203010008", "一网格")})
                    .ok());
    service_ = std::make_unique<Service>(*store_, clock_);  // clock: 2026-01-01 08:00 CST
  }
  void TearDown() override {
    service_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  NewProject Draft(const std::string& owner) {
    NewProject p;
    p.owner_code = owner;
    p.title = "民情恳谈";
    p.category = "dialogue";
    p.goals = "每月一次";
    p.start_date = "2026-01-01";
    p.end_date = "2026-12-31";
    p.milestones = {{"首场恳谈", "2026-01-10", ""}, {"年度总结", "2026-12-20", ""}};
    p.indicators = {{"恳谈场次", "场", 12, 0}};
    return p;
  }
  static void ExpectInvalid(const Status& s, const std::string& field) {
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().code, ErrorCode::kInvalid);
    EXPECT_TRUE(s.error().message.starts_with(field)) << s.error().message;
  }
  template <class T>
  static void ExpectInvalid(const Result<T>& r, const std::string& field) {
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::kInvalid);
    EXPECT_TRUE(r.error().message.starts_with(field)) << r.error().message;
  }

  std::filesystem::path dir_;
  std::unique_ptr<store::Store> store_;
  ManualClock clock_;
  std::unique_ptr<Service> service_;
  const model::Scope street_ = model::Scope::Subtree("150203010");
};

TEST_F(ProjectServiceTest, RefusesBadInputNamingTheFieldAndWritesNothing) {
  auto bad = [&](auto edit, const std::string& field) {
    NewProject p = Draft("150203010");
    edit(p);
    ExpectInvalid(service_->Create(street_, 1, p), field);
  };
  bad([](NewProject& p) { p.title = "  "; }, "title");
  bad([](NewProject& p) { p.category = "fun"; }, "category");
  bad([](NewProject& p) { p.start_date = "2026-02-30"; }, "start_date");
  bad([](NewProject& p) { p.end_date = "2025-12-31"; }, "end_date");
  bad([](NewProject& p) { p.milestones[1].due_date = "2025-12-31"; }, "milestones[1].due_date");
  bad([](NewProject& p) { p.milestones[0].completed_on = "2026-05-01"; }, "milestones[0].completed_on");
  bad([](NewProject& p) { p.indicators[0].target = -1; }, "indicators[0].target");
  bad([](NewProject& p) { p.indicators[0].target = std::nan(""); }, "indicators[0].target");
  bad([](NewProject& p) { p.indicators.push_back(p.indicators[0]); }, "indicators[1].name");
  bad([](NewProject& p) { p.owner_code = "150203010008001"; }, "owner_code");
  bad([](NewProject& p) { p.owner_code = "abc"; }, "owner_code");
  // Outside the caller's scope: not found, as for any other domain.
  auto foreign = service_->Create(street_, 1, Draft("150204"));
  ASSERT_FALSE(foreign.ok());
  EXPECT_EQ(foreign.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(service_->List(model::Scope::System(), "", "", "", false, {50, 0})->total, 0);
  ExpectInvalid(service_->List(street_, "", "county", "", false, {50, 0}), "level");
  ExpectInvalid(service_->List(street_, "", "", "late", false, {50, 0}), "status");
}

TEST_F(ProjectServiceTest, StatusFollowsTheClockAndMilestones) {
  auto p = service_->Create(street_, 1, Draft("150203010"));
  ASSERT_TRUE(p.ok()) << p.error().message;
  EXPECT_EQ(p->project.status, "under_way") << "its start date is today";
  const auto first = p->milestones[0].id;
  clock_.Advance(10 * kDayMs);  // 2026-01-11: the first milestone (due 01-10) is overdue
  EXPECT_EQ(service_->Get(street_, p->project.id)->project.status, "stalled");
  ExpectInvalid(service_->Complete(street_, 1, p->project.id, first, "2026-01-12"), "completed_on");
  ExpectInvalid(service_->Reschedule(street_, 1, p->project.id, first, "2025-12-01"), "due_date");
  ASSERT_TRUE(service_->Complete(street_, 1, p->project.id, first, "").ok());
  auto now = service_->Get(street_, p->project.id);
  EXPECT_EQ(now->project.status, "under_way");
  EXPECT_EQ(now->milestones[0].completed_on, "2026-01-11") << "today, China time";
  // A new milestone due yesterday stalls it again; it cannot be due before the start.
  ExpectInvalid(service_->AddMilestone(street_, 1, p->project.id, {"补充", "2025-06-01", ""}), "milestone.due_date");
  auto added = service_->AddMilestone(street_, 1, p->project.id, {"补充", "2026-01-10", ""});
  ASSERT_TRUE(added.ok()) << added.error().message;
  EXPECT_EQ(service_->Get(street_, p->project.id)->project.status, "stalled");
  ASSERT_TRUE(service_->SetDone(street_, 1, p->project.id, true).ok());
  EXPECT_EQ(service_->Get(street_, p->project.id)->project.status, "done");
  // A community below the owner cannot touch it.
  const auto community = model::Scope::Subtree("150203010008");
  EXPECT_EQ(service_->SetDone(community, 1, p->project.id, false).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(service_->Get(community, p->project.id).error().code, ErrorCode::kNotFound);
}

TEST_F(ProjectServiceTest, ReportsUpdateIndicatorsAndTextIsKeptAsText) {
  NewProject d = Draft("150203010");
  d.title = "<script>alert(1)</script>恳谈";
  auto p = service_->Create(street_, 1, d);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->project.title, "<script>alert(1)</script>恳谈");
  const auto ind = p->indicators[0].id;
  ExpectInvalid(service_->Report(street_, 1, p->project.id, {"", {{ind, 3}}, {}}), "body");
  ExpectInvalid(service_->Report(street_, 1, p->project.id, {"第三场", {{ind, -3}}, {}}), "values.");
  ExpectInvalid(service_->Report(street_, 1, p->project.id, {"第三场", {{ind, 3}, {ind, 4}}, {}}), "values.");
  ExpectInvalid(service_->Report(street_, 1, p->project.id, {"第三场", {{ind + 100, 3}}, {}}), "indicator");
  auto r = service_->Report(street_, 1, p->project.id, {"第三场恳谈，收集意见21条", {{ind, 3}}, {}});
  ASSERT_TRUE(r.ok()) << r.error().message;
  auto after = service_->Get(street_, p->project.id);
  EXPECT_EQ(after->indicators[0].current, 3);
  EXPECT_EQ(after->reports.size(), 1u);
}

TEST_F(ProjectServiceTest, RollsUpPerLevelAndChild) {
  const auto city = model::Scope::Subtree("1502");
  NewProject c = Draft("1502");
  c.milestones = {{"一期", "2026-01-05", ""}};  // overdue on 01-06
  ASSERT_TRUE(service_->Create(city, 1, c).ok());
  ASSERT_TRUE(service_->Create(city, 1, Draft("150203")).ok());
  NewProject q = Draft("150204");
  q.start_date = "2026-03-01";
  q.milestones = {{"开业", "2026-04-01", ""}};
  ASSERT_TRUE(service_->Create(city, 1, q).ok());
  ASSERT_TRUE(service_->Create(city, 1, Draft("150203010")).ok());
  NewProject hidden = Draft("150203010008");
  hidden.published = false;
  ASSERT_TRUE(service_->Create(city, 1, hidden).ok());
  clock_.Advance(5 * kDayMs);  // 2026-01-06
  auto r = service_->RollUp(city, "1502", false);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->total.projects, 5);
  EXPECT_EQ(r->total.stalled, 1);
  EXPECT_EQ(r->total.planned, 1);
  EXPECT_EQ(r->total.under_way, 3);
  EXPECT_EQ(r->by_level[0].projects, 1);
  EXPECT_EQ(r->by_level[0].stalled, 1);
  EXPECT_EQ(r->by_level[1].projects, 2);
  EXPECT_EQ(r->by_level[2].projects, 2) << "street level counts the community's project";
  EXPECT_EQ(r->total.milestones_overdue, 1);
  ASSERT_EQ(r->by_child.size(), 3u);  // 昆都仑区, 青山区, then the city's own
  EXPECT_EQ(r->by_child[0].name, "昆都仑区");
  EXPECT_EQ(r->by_child[0].tally.projects, 3);
  EXPECT_EQ(r->by_child[1].name, "青山区");
  EXPECT_EQ(r->by_child[2].code, "1502");
  EXPECT_EQ(r->by_child[2].tally.stalled, 1);
  // The public roll-up counts published projects only; a district cannot roll up the city.
  EXPECT_EQ(service_->RollUp(model::Scope::System(), "1502", true)->total.projects, 4);
  EXPECT_EQ(service_->RollUp(model::Scope::Subtree("150203"), "1502", false).error().code, ErrorCode::kNotFound);
  auto district = service_->RollUp(model::Scope::Subtree("150203"), "150203", false);
  ASSERT_TRUE(district.ok());
  ASSERT_EQ(district->by_child.size(), 2u);
  EXPECT_EQ(district->by_child[0].code, "150203010");
  EXPECT_EQ(district->by_child[0].tally.projects, 2);
  ExpectInvalid(service_->RollUp(city, "15x", false), "under");
}

}  // namespace
}  // namespace cg::projects
