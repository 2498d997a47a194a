// Governance projects on both backends (store/project_store.hpp): scope, derived status as of a
// date, milestones, indicators updated by reports, photos, history, roll-up facts, paging.
#include "store/contract_fixture.hpp"

namespace cg::store {
namespace {

using namespace contract;  // NOLINT: the fixture and its helpers

class ProjectContract : public StoreContract {
 protected:
  Project Draft(const std::string& owner, const std::string& title, const std::string& start, bool published = true) {
    Project p;
    p.owner_code = owner;
    p.title = title;
    p.category = "service";
    p.goals = title + "的目标";
    p.start_date = start;
    p.end_date = "2026-12-31";
    p.published = published;
    p.created_by = 7;
    p.created_at = 1000;
    return p;
  }
  std::int64_t Create(const Project& p, std::vector<ProjectMilestone> ms = {}, std::vector<ProjectIndicator> is = {}) {
    auto r = store_->CreateProject(Scope::System(), p, ms, is);
    EXPECT_TRUE(r.ok()) << r.error().message;
    return r.ok() ? *r : 0;
  }
  static ProjectMilestone Milestone(const std::string& title, const std::string& due, const std::string& done = "") {
    ProjectMilestone m;
    m.title = title;
    m.due_date = due;
    m.completed_on = done;
    return m;
  }
};

TEST_P(ProjectContract, StatusFollowsTheDatesAndWritesAreScopedAndAudited) {
  LoadSmallTree();
  const Scope street = Scope::Subtree("150203010");
  const Scope jinhua = Scope::Subtree("150203010008");
  // Refusals: outside the scope, no such unit, a grid.
  EXPECT_CODE(store_->CreateProject(jinhua, Draft("150203010", "越权", "2026-01-01"), {}, {}), ErrorCode::kNotFound);
  EXPECT_CODE(store_->CreateProject(street, Draft("150203010777", "无此单位", "2026-01-01"), {}, {}),
              ErrorCode::kNotFound);
  EXPECT_CODE(store_->CreateProject(street, Draft("150203010008001", "网格", "2026-01-01"), {}, {}),
              ErrorCode::kInvalid);

  ProjectIndicator cases{0, "调解案件", "件", 120, 0, 0};
  auto id = store_->CreateProject(
      street, Draft("150203010", "民情恳谈", "2026-03-01"),
      {Milestone("启动", "2026-03-15"), Milestone("中期", "2026-06-30")}, {cases});
  ASSERT_OK(id);
  // Before the start: planned; the depth is the owner's.
  auto d = store_->GetProject(street, *id, "2026-02-01", false);
  ASSERT_OK(d);
  EXPECT_EQ(d->project.status, "planned");
  EXPECT_EQ(d->project.depth, 2);
  EXPECT_EQ(d->project.owner_name, "市府东路街道");
  ASSERT_EQ(d->milestones.size(), 2u);
  EXPECT_EQ(d->milestones[0].title, "启动");
  ASSERT_EQ(d->indicators.size(), 1u);
  ASSERT_EQ(d->events.size(), 1u);
  EXPECT_EQ(d->events[0].action, "create");
  // Started, nothing overdue yet (due today is not overdue).
  EXPECT_EQ(store_->GetProject(street, *id, "2026-03-15", false)->project.status, "under_way");
  // The day after a due date with the milestone open: stalled.
  auto late = store_->GetProject(street, *id, "2026-03-16", false);
  EXPECT_EQ(late->project.status, "stalled");
  EXPECT_EQ(late->project.milestones_overdue, 1);
  // Scope: a community below the owner does not see it; a sibling district neither.
  EXPECT_CODE(store_->GetProject(jinhua, *id, "2026-03-16", false), ErrorCode::kNotFound);
  EXPECT_CODE(store_->GetProject(Scope::Subtree("150204"), *id, "2026-03-16", false), ErrorCode::kNotFound);
  EXPECT_CODE(store_->UpdateMilestone(jinhua, *id, d->milestones[0].id, {"", "2026-03-16", false}, 7, 2000),
              ErrorCode::kNotFound);

  // Completing the overdue milestone late clears the stall; completing twice conflicts.
  ASSERT_OK(store_->UpdateMilestone(street, *id, d->milestones[0].id, {"", "2026-03-20", false}, 7, 2000));
  EXPECT_CODE(store_->UpdateMilestone(street, *id, d->milestones[0].id, {"", "2026-03-21", false}, 7, 2001),
              ErrorCode::kConflict);
  EXPECT_CODE(store_->UpdateMilestone(street, *id, 999999, {"2026-04-01", "", false}, 7, 2001), ErrorCode::kNotFound);
  EXPECT_EQ(store_->GetProject(street, *id, "2026-03-21", false)->project.status, "under_way");
  // Rescheduling the open one into the past stalls it again.
  ASSERT_OK(store_->UpdateMilestone(street, *id, d->milestones[1].id, {"2026-03-18", "", false}, 7, 2002));
  EXPECT_EQ(store_->GetProject(street, *id, "2026-03-21", false)->project.status, "stalled");

  // A report sets the indicator's value, keeps its photos, and is in the history.
  ProjectReport report;
  report.body = "本月调解106件";
  report.values = {{d->indicators[0].id, 106}};
  report.created_by = 7;
  report.created_at = 3000;
  const ProjectPhoto photo{std::string("\xff\xd8\xff\0copy", 8), std::string("\xff\xd8thumb", 7), 1600, 1200};
  auto rid = store_->AddProjectReport(street, *id, report, {photo, photo});
  ASSERT_OK(rid);
  ProjectReport foreign = report;
  foreign.values = {{999999, 5}};
  EXPECT_CODE(store_->AddProjectReport(street, *id, foreign, {photo}), ErrorCode::kInvalid);
  auto after = store_->GetProject(street, *id, "2026-03-21", false);
  ASSERT_OK(after);
  EXPECT_EQ(after->indicators[0].current, 106);
  EXPECT_EQ(after->indicators[0].updated_at, 3000);
  ASSERT_EQ(after->reports.size(), 1u) << "the refused report wrote nothing";
  EXPECT_EQ(after->reports[0].photos, 2);
  ASSERT_EQ(after->reports[0].values.size(), 1u);
  EXPECT_EQ(after->reports[0].values[0].second, 106);
  EXPECT_EQ(after->project.reports, 1);
  EXPECT_EQ(*store_->GetProjectPhoto(*id, *rid, 1, false), photo.jpeg);
  EXPECT_EQ(*store_->GetProjectPhoto(*id, *rid, 0, true), photo.thumbnail);
  EXPECT_CODE(store_->GetProjectPhoto(*id, *rid, 2, false), ErrorCode::kNotFound);
  EXPECT_CODE(store_->GetProjectPhoto(*id + 1, *rid, 0, false), ErrorCode::kNotFound);

  // Done wins over stalled; done twice conflicts; reopening brings the stall back.
  ASSERT_OK(store_->SetProjectDone(street, *id, "2026-03-22", 7, 4000));
  EXPECT_CODE(store_->SetProjectDone(street, *id, "2026-03-23", 7, 4001), ErrorCode::kConflict);
  EXPECT_EQ(store_->GetProject(street, *id, "2026-03-25", false)->project.status, "done");
  ASSERT_OK(store_->SetProjectDone(street, *id, "", 7, 4002));
  EXPECT_EQ(store_->GetProject(street, *id, "2026-03-25", false)->project.status, "stalled");
  // Unpublished: gone from public reads, still there for staff.
  ASSERT_OK(store_->SetProjectPublished(street, *id, false, 7, 4003));
  EXPECT_CODE(store_->SetProjectPublished(street, *id, false, 7, 4004), ErrorCode::kConflict);
  EXPECT_CODE(store_->GetProject(Scope::System(), *id, "2026-03-25", true), ErrorCode::kNotFound);
  ASSERT_OK(store_->GetProject(Scope::System(), *id, "2026-03-25", false));

  // Every change is in the history, newest first.
  auto history = store_->GetProject(street, *id, "2026-03-25", false)->events;
  std::vector<std::string> actions;
  for (const auto& e : history) actions.push_back(e.action);
  EXPECT_EQ(actions, (std::vector<std::string>{"unpublish", "reopen", "done", "report", "milestone_due",
                                               "milestone_done", "create"}));
}

TEST_P(ProjectContract, ListsFilterByLevelStatusAndPlaceAndFactsRollUp) {
  LoadSmallTree();
  const auto city = Create(Draft("1502", "智慧包头", "2026-01-01"), {Milestone("一期", "2026-02-01", "2026-01-30")});
  const auto kdl = Create(Draft("150203", "云·智中心", "2026-01-01"), {Milestone("上线", "2026-02-01")});
  const auto qs = Create(Draft("150204", "企业服务中心", "2026-05-01"), {Milestone("开业", "2026-06-01")});
  const auto street = Create(Draft("150203010", "吐槽大会", "2026-01-01"),
                             {Milestone("首场", "2026-01-10", "2026-01-12"), Milestone("次场", "2026-04-01")});
  const auto community = Create(Draft("150203010008", "志愿者之家", "2026-01-01", false));
  ASSERT_OK(store_->SetProjectDone(Scope::System(), community, "2026-02-01", 7, 5000));
  const std::string today = "2026-03-01";
  auto all = store_->ListProjects(Scope::System(), {"", -1, "", false, today}, {50, 0});
  ASSERT_OK(all);
  ASSERT_EQ(all->total, 5);
  // City first, then by owner code.
  EXPECT_EQ(all->items[0].id, city);
  EXPECT_EQ(all->items[1].id, kdl);
  EXPECT_EQ(all->items[2].id, qs);
  EXPECT_EQ(all->items[0].status, "under_way");
  EXPECT_EQ(all->items[1].status, "stalled");
  EXPECT_EQ(all->items[2].status, "planned");
  EXPECT_EQ(all->items[3].status, "under_way");
  EXPECT_EQ(all->items[4].status, "done");
  EXPECT_EQ(all->items[3].milestones, 2);
  EXPECT_EQ(all->items[3].milestones_done, 1);

  auto streets = store_->ListProjects(Scope::System(), {"", 2, "", false, today}, {50, 0});
  EXPECT_EQ(streets->total, 2) << "street level includes the communities";
  auto stalled = store_->ListProjects(Scope::System(), {"", -1, "stalled", false, today}, {50, 0});
  ASSERT_EQ(stalled->total, 1);
  EXPECT_EQ(stalled->items[0].id, kdl);
  auto published = store_->ListProjects(Scope::System(), {"", -1, "", true, today}, {50, 0});
  EXPECT_EQ(published->total, 4);
  auto paged = store_->ListProjects(Scope::System(), {"", -1, "", false, today}, {2, 2});
  EXPECT_EQ(paged->total, 5);
  ASSERT_EQ(paged->items.size(), 2u);
  EXPECT_EQ(paged->items[0].id, qs);
  EXPECT_EQ(paged->items[1].id, street);
  // Scoped: a district sees its subtree only, and no filter reaches outside it.
  const Scope kundulun = Scope::Subtree("150203");
  auto mine = store_->ListProjects(kundulun, {"", -1, "", false, today}, {50, 0});
  EXPECT_EQ(mine->total, 3);
  EXPECT_CODE(store_->ListProjects(kundulun, {"150204", -1, "", false, today}, {50, 0}), ErrorCode::kNotFound);
  EXPECT_CODE(store_->ListProjects(kundulun, {"1502", -1, "", false, today}, {50, 0}), ErrorCode::kNotFound);

  auto facts = store_->ListProjectFacts(Scope::System(), "1502", today, false);
  ASSERT_OK(facts);
  ASSERT_EQ(facts->size(), 5u);
  int on_time = 0, late = 0, open = 0, overdue = 0;
  for (const auto& f : *facts) {
    on_time += f.milestones_on_time;
    late += f.milestones_late;
    open += f.milestones_open;
    overdue += f.milestones_overdue;
  }
  EXPECT_EQ(on_time, 1);
  EXPECT_EQ(late, 1);
  EXPECT_EQ(open, 3);
  EXPECT_EQ(overdue, 1);
  EXPECT_EQ(store_->ListProjectFacts(kundulun, "150203", today, true)->size(), 2u);
  EXPECT_CODE(store_->ListProjectFacts(kundulun, "150204", today, false), ErrorCode::kNotFound);
  EXPECT_CODE(store_->ListProjectFacts(Scope::System(), "150299", today, false), ErrorCode::kNotFound);
}

INSTANTIATE_TEST_SUITE_P(Backends, ProjectContract, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace cg::store
