#include "projects/service.hpp"

#include <cmath>
#include <map>
#include <set>

#include "core/clean_text.hpp"
#include "core/date.hpp"
#include "model/org_unit.hpp"

namespace cg::projects {
namespace {

constexpr double kMaxValue = 1e12;

bool KnownCategory(std::string_view c) {
  for (const char* k : kCategories)
    if (c == k) return true;
  return false;
}

// A valid "YYYY-MM-DD" or kInvalid naming `field`.
Status CheckDate(const std::string& field, const std::string& text) {
  if (text.empty()) return MakeError(ErrorCode::kInvalid, field + ": required (YYYY-MM-DD)");
  auto d = ParseDate(text);
  if (!d.ok()) return MakeError(ErrorCode::kInvalid, field + ": " + d.error().message.substr(6));
  return {};
}

Status CheckValue(const std::string& field, double v) {
  if (!std::isfinite(v) || v < 0 || v > kMaxValue) {
    return MakeError(ErrorCode::kInvalid, field + ": a number from 0 to 1e12");
  }
  return {};
}

Result<store::ProjectMilestone> CleanMilestone(const std::string& field, const NewMilestone& m,
                                               const std::string& start, const std::string& today) {
  store::ProjectMilestone out;
  auto title = CleanText(field + ".title", m.title, kMaxTitleChars, false);
  if (!title.ok()) return title.error();
  out.title = *title;
  CG_RETURN_IF_ERROR(CheckDate(field + ".due_date", m.due_date));
  if (m.due_date < start) {
    return MakeError(ErrorCode::kInvalid, field + ".due_date: " + m.due_date + " is before the project's start " + start);
  }
  out.due_date = m.due_date;
  if (!m.completed_on.empty()) {
    CG_RETURN_IF_ERROR(CheckDate(field + ".completed_on", m.completed_on));
    if (m.completed_on > today) return MakeError(ErrorCode::kInvalid, field + ".completed_on: after today");
    if (m.completed_on < start) return MakeError(ErrorCode::kInvalid, field + ".completed_on: before the start");
    out.completed_on = m.completed_on;
  }
  return out;
}

}  // namespace

void Tally::Add(const store::ProjectFacts& f) {
  ++projects;
  if (f.status == "planned") ++planned;
  else if (f.status == "under_way") ++under_way;
  else if (f.status == "stalled") ++stalled;
  else if (f.status == "done") ++done;
  milestones_on_time += f.milestones_on_time;
  milestones_late += f.milestones_late;
  milestones_open += f.milestones_open;
  milestones_overdue += f.milestones_overdue;
}

Result<int> ParseLevel(std::string_view level) {
  if (level.empty()) return -1;
  for (int i = 0; i < 3; ++i)
    if (level == kLevels[i]) return i;
  return MakeError(ErrorCode::kInvalid, "level: one of city, district, street");
}

const char* LevelName(int depth) { return depth <= 0 ? "city" : depth == 1 ? "district" : "street"; }

Status CheckStatus(std::string_view status) {
  if (status.empty()) return {};
  for (const char* s : kStatuses)
    if (status == s) return {};
  return MakeError(ErrorCode::kInvalid, "status: one of planned, under_way, stalled, done");
}

std::string Service::Today() const { return FormatDate(DateAt(clock_.Now())); }

Result<store::ProjectDetail> Service::Create(const model::Scope& scope, std::int64_t actor, const NewProject& in) {
  store::Project p;
  if (in.owner_code.empty()) return MakeError(ErrorCode::kInvalid, "owner_code: required (the owner org unit)");
  auto level = model::LevelOfCode(in.owner_code);
  if (!level) return MakeError(ErrorCode::kInvalid, "owner_code: not an org unit code");
  if (*level > 3) return MakeError(ErrorCode::kInvalid, "owner_code: a grid cannot own a project");
  auto title = CleanText("title", in.title, kMaxTitleChars, false);
  if (!title.ok()) return title.error();
  if (!KnownCategory(in.category)) {
    return MakeError(ErrorCode::kInvalid,
                     "category: one of smart, burden, party, enterprise, dialogue, community, volunteer, safety, service");
  }
  auto goals = CleanText("goals", in.goals, kMaxGoalsChars, true);
  if (!goals.ok()) return goals.error();
  CG_RETURN_IF_ERROR(CheckDate("start_date", in.start_date));
  CG_RETURN_IF_ERROR(CheckDate("end_date", in.end_date));
  if (in.end_date < in.start_date) return MakeError(ErrorCode::kInvalid, "end_date: before start_date");
  if (in.milestones.size() > kMaxMilestones) return MakeError(ErrorCode::kInvalid, "milestones: at most 20");
  if (in.indicators.size() > kMaxIndicators) return MakeError(ErrorCode::kInvalid, "indicators: at most 10");
  const std::string today = Today();
  std::vector<store::ProjectMilestone> milestones;
  for (std::size_t i = 0; i < in.milestones.size(); ++i) {
    auto m = CleanMilestone("milestones[" + std::to_string(i) + "]", in.milestones[i], in.start_date, today);
    if (!m.ok()) return m.error();
    if (!m->completed_on.empty()) m->completed_by = actor;
    milestones.push_back(*m);
  }
  std::vector<store::ProjectIndicator> indicators;
  std::set<std::string> names;
  for (std::size_t i = 0; i < in.indicators.size(); ++i) {
    const std::string field = "indicators[" + std::to_string(i) + "]";
    store::ProjectIndicator ind;
    auto name = CleanText(field + ".name", in.indicators[i].name, 40, false);
    if (!name.ok()) return name.error();
    if (!names.insert(*name).second) return MakeError(ErrorCode::kInvalid, field + ".name: named twice");
    auto unit = CleanText(field + ".unit", in.indicators[i].unit, 10, false, false);
    if (!unit.ok()) return unit.error();
    CG_RETURN_IF_ERROR(CheckValue(field + ".target", in.indicators[i].target));
    CG_RETURN_IF_ERROR(CheckValue(field + ".current", in.indicators[i].current));
    ind.name = *name;
    ind.unit = *unit;
    ind.target = in.indicators[i].target;
    ind.current = in.indicators[i].current;
    indicators.push_back(ind);
  }
  p.owner_code = in.owner_code;
  p.title = *title;
  p.category = in.category;
  p.goals = *goals;
  p.start_date = in.start_date;
  p.end_date = in.end_date;
  p.published = in.published;
  p.created_by = actor;
  p.created_at = clock_.Now();
  auto id = store_.CreateProject(scope, p, milestones, indicators);
  if (!id.ok()) return id.error();
  return store_.GetProject(scope, *id, today, false);
}

Result<store::ProjectDetail> Service::Get(const model::Scope& scope, std::int64_t id) {
  return store_.GetProject(scope, id, Today(), false);
}

Result<store::ProjectDetail> Service::GetPublic(std::int64_t id) {
  return store_.GetProject(model::Scope::System(), id, Today(), true);
}

Result<store::ProjectDetail> Service::Load(const model::Scope& scope, std::int64_t id) { return Get(scope, id); }

Result<store::Slice<store::Project>> Service::List(const model::Scope& scope, const std::string& under,
                                                   std::string_view level, std::string_view status,
                                                   bool published_only, store::Page page) {
  auto depth = ParseLevel(level);
  if (!depth.ok()) return depth.error();
  CG_RETURN_IF_ERROR(CheckStatus(status));
  store::ProjectQuery q;
  q.under = under;
  q.depth = *depth;
  q.status = std::string(status);
  q.published_only = published_only;
  q.today = Today();
  return store_.ListProjects(scope, q, page);
}

Result<std::int64_t> Service::AddMilestone(const model::Scope& scope, std::int64_t actor, std::int64_t project_id,
                                           const NewMilestone& in) {
  auto project = Load(scope, project_id);
  if (!project.ok()) return project.error();
  if (project->milestones.size() >= kMaxMilestones) return MakeError(ErrorCode::kInvalid, "milestones: at most 20");
  NewMilestone open = in;
  open.completed_on.clear();
  auto m = CleanMilestone("milestone", open, project->project.start_date, Today());
  if (!m.ok()) return m.error();
  return store_.AddMilestone(scope, project_id, *m, actor, clock_.Now());
}

Status Service::Reschedule(const model::Scope& scope, std::int64_t actor, std::int64_t project_id,
                           std::int64_t milestone_id, const std::string& due_date) {
  auto project = Load(scope, project_id);
  if (!project.ok()) return project.error();
  CG_RETURN_IF_ERROR(CheckDate("due_date", due_date));
  if (due_date < project->project.start_date) {
    return MakeError(ErrorCode::kInvalid,
                     "due_date: " + due_date + " is before the project's start " + project->project.start_date);
  }
  return store_.UpdateMilestone(scope, project_id, milestone_id, {due_date, "", false}, actor, clock_.Now());
}

Status Service::Complete(const model::Scope& scope, std::int64_t actor, std::int64_t project_id,
                         std::int64_t milestone_id, const std::string& completed_on) {
  auto project = Load(scope, project_id);
  if (!project.ok()) return project.error();
  const std::string today = Today();
  const std::string on = completed_on.empty() ? today : completed_on;
  CG_RETURN_IF_ERROR(CheckDate("completed_on", on));
  if (on > today) return MakeError(ErrorCode::kInvalid, "completed_on: after today");
  if (on < project->project.start_date) return MakeError(ErrorCode::kInvalid, "completed_on: before the project's start");
  return store_.UpdateMilestone(scope, project_id, milestone_id, {"", on, false}, actor, clock_.Now());
}

Status Service::Reopen(const model::Scope& scope, std::int64_t actor, std::int64_t project_id,
                       std::int64_t milestone_id) {
  return store_.UpdateMilestone(scope, project_id, milestone_id, {"", "", true}, actor, clock_.Now());
}

Status Service::SetDone(const model::Scope& scope, std::int64_t actor, std::int64_t project_id, bool done) {
  return store_.SetProjectDone(scope, project_id, done ? Today() : "", actor, clock_.Now());
}

Status Service::SetPublished(const model::Scope& scope, std::int64_t actor, std::int64_t project_id, bool published) {
  return store_.SetProjectPublished(scope, project_id, published, actor, clock_.Now());
}

Result<std::int64_t> Service::Report(const model::Scope& scope, std::int64_t actor, std::int64_t project_id,
                                     const NewReport& in) {
  auto body = CleanText("body", in.body, kMaxReportChars, true);
  if (!body.ok()) return body.error();
  if (in.photos.size() > kMaxReportPhotos) return MakeError(ErrorCode::kInvalid, "photos: at most 4");
  std::set<std::int64_t> seen;
  for (const auto& [id, v] : in.values) {
    const std::string field = "values." + std::to_string(id);
    if (!seen.insert(id).second) return MakeError(ErrorCode::kInvalid, field + ": given twice");
    CG_RETURN_IF_ERROR(CheckValue(field, v));
  }
  store::ProjectReport r;
  r.body = *body;
  r.values = in.values;
  r.created_by = actor;
  r.created_at = clock_.Now();
  return store_.AddProjectReport(scope, project_id, r, in.photos);
}

Result<std::string> Service::Photo(const model::Scope& scope, std::int64_t project_id, std::int64_t report_id,
                                   int seq, bool thumbnail, bool published_only) {
  auto project = store_.GetProject(scope, project_id, Today(), published_only);
  if (!project.ok()) return project.error();
  return store_.GetProjectPhoto(project_id, report_id, seq, thumbnail);
}

Result<Rollup> Service::RollUp(const model::Scope& scope, const std::string& under, bool published_only) {
  if (!under.empty() && !model::LevelOfCode(under)) return MakeError(ErrorCode::kInvalid, "under: not an org unit code");
  Rollup out;
  out.under = under;
  out.today = Today();
  auto facts = store_.ListProjectFacts(scope, under, out.today, published_only);
  if (!facts.ok()) return facts.error();
  std::map<std::string, Tally> per_child;
  const std::size_t child_len = under.empty() ? 6 : under.size() == 4 ? 6 : under.size() + 3;
  for (const auto& f : *facts) {
    out.total.Add(f);
    out.by_level[static_cast<std::size_t>(std::min(f.depth, 2))].Add(f);
    per_child[f.owner_code.size() >= child_len ? f.owner_code.substr(0, child_len) : f.owner_code].Add(f);
  }
  if (!under.empty()) {
    auto unit = store_.GetOrgUnit(model::Scope::System(), under, false);
    if (unit.ok()) out.name = unit->name;
  }
  for (const auto& [code, tally] : per_child) {
    if (code == under) continue;
    auto unit = store_.GetOrgUnit(model::Scope::System(), code, false);
    out.by_child.push_back({code, unit.ok() ? unit->name : code, tally});
  }
  if (auto own = per_child.find(under); own != per_child.end()) {
    out.by_child.push_back({under, out.name, own->second});
  }
  return out;
}

}  // namespace cg::projects
