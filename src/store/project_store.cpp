// Governance projects (store/project_store.hpp): written once against internal::SqlTx for both
// backends. The derived status is one SQL expression (StatusSql), used by every read.
#include <cstdlib>
#include <sstream>
#include <string>

#include "store/base_store.hpp"
#include "store/internal/area_sql.hpp"
#include "store/internal/codec.hpp"
#include "store/internal/common.hpp"
#include "store/internal/sql_tx.hpp"
#include "store/store.hpp"

namespace cg::store {
namespace {

using internal::Fail;
using internal::Guard;
using internal::SqlRow;
using internal::SqlTx;
using internal::ToInt;
using P = internal::SqlParam;

// Appends `p` and answers its placeholder ("?N").
std::string Bind(std::vector<P>& params, P p) {
  params.push_back(std::move(p));
  return "?" + std::to_string(params.size());
}

// The status of project row `p` on date placeholder `t` (see project_store.hpp).
std::string StatusSql(const std::string& t) {
  return "CASE WHEN p.done_on <> '' THEN 'done' "
         "WHEN EXISTS (SELECT 1 FROM project_milestones m WHERE m.project_id = p.id AND m.completed_on = '' "
         "AND m.due_date < " + t + ") THEN 'stalled' "
         "WHEN p.start_date <= " + t + " OR EXISTS (SELECT 1 FROM project_milestones m WHERE m.project_id = p.id "
         "AND m.completed_on <> '') OR EXISTS (SELECT 1 FROM project_reports r WHERE r.project_id = p.id) "
         "THEN 'under_way' ELSE 'planned' END";
}

// Columns of a Project read (0..19), over projects p joined with org_units o.
std::string ProjectCols(const std::string& t) {
  return "p.id, p.owner_code, o.name, p.depth, p.title, p.category, p.goals, p.start_date, p.end_date, "
         "p.published, p.done_on, p.created_by, p.created_at, p.updated_at, " + StatusSql(t) + " AS status, "
         "(SELECT count(*) FROM project_milestones m WHERE m.project_id = p.id), "
         "(SELECT count(*) FROM project_milestones m WHERE m.project_id = p.id AND m.completed_on <> ''), "
         "(SELECT count(*) FROM project_milestones m WHERE m.project_id = p.id AND m.completed_on = '' "
         "AND m.due_date < " + t + "), "
         "(SELECT count(*) FROM project_reports r WHERE r.project_id = p.id)";
}

Project ReadProject(const SqlRow& r) {
  Project p;
  p.id = ToInt(r[0]);
  p.owner_code = r[1].value_or("");
  p.owner_name = r[2].value_or("");
  p.depth = static_cast<int>(ToInt(r[3]));
  p.title = r[4].value_or("");
  p.category = r[5].value_or("");
  p.goals = r[6].value_or("");
  p.start_date = r[7].value_or("");
  p.end_date = r[8].value_or("");
  p.published = ToInt(r[9]) != 0;
  p.done_on = r[10].value_or("");
  p.created_by = ToInt(r[11]);
  p.created_at = ToInt(r[12]);
  p.updated_at = ToInt(r[13]);
  p.status = r[14].value_or("");
  p.milestones = static_cast<int>(ToInt(r[15]));
  p.milestones_done = static_cast<int>(ToInt(r[16]));
  p.milestones_overdue = static_cast<int>(ToInt(r[17]));
  p.reports = static_cast<int>(ToInt(r[18]));
  return p;
}

double ToDouble(const std::optional<std::string>& v) { return v ? std::strtod(v->c_str(), nullptr) : 0; }

// "id=value" lines of a report's indicator values.
std::string EncodeValues(const std::vector<std::pair<std::int64_t, double>>& values) {
  std::string out;
  for (const auto& [id, v] : values) out += std::to_string(id) + "=" + internal::DoubleText(v) + "\n";
  return out;
}

std::vector<std::pair<std::int64_t, double>> DecodeValues(const std::string& text) {
  std::vector<std::pair<std::int64_t, double>> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    auto eq = line.find('=');
    if (eq == std::string::npos) continue;
    out.emplace_back(std::strtoll(line.c_str(), nullptr, 10), std::strtod(line.c_str() + eq + 1, nullptr));
  }
  return out;
}

void Event(SqlTx& tx, std::int64_t project_id, Timestamp at, std::int64_t actor, const std::string& action,
           const std::string& detail) {
  tx.Run("INSERT INTO project_events(project_id, at, actor_user_id, action, detail) VALUES (?1, ?2, ?3, ?4, ?5)",
         {P::Int(project_id), P::Int(at), P::Int(actor), P::Text(action), P::Text(detail)});
  tx.Run("UPDATE projects SET updated_at = ?2 WHERE id = ?1", {P::Int(project_id), P::Int(at)});
}

// The project's owner code, checked against the scope (and publication); kNotFound otherwise.
std::string RequireProject(SqlTx& tx, const model::Scope& scope, std::int64_t id, bool published_only = false) {
  auto rows = tx.Run("SELECT owner_code, published FROM projects WHERE id = ?1", {P::Int(id)});
  if (rows.empty() || !scope.Contains(rows[0][0].value_or("")) || (published_only && ToInt(rows[0][1]) == 0)) {
    Fail(ErrorCode::kNotFound, "project not found");
  }
  return rows[0][0].value_or("");
}

}  // namespace

Result<std::int64_t> BaseDataStore::CreateProject(const model::Scope& scope, const Project& project,
                                                  const std::vector<ProjectMilestone>& milestones,
                                                  const std::vector<ProjectIndicator>& indicators) {
  if (!scope.Contains(project.owner_code)) return MakeError(ErrorCode::kNotFound, "org unit not found");
  return Guard([&]() -> Result<std::int64_t> {
    std::int64_t id = 0;
    RunBaseTx(true, [&](SqlTx& tx) {
      auto unit = tx.Run("SELECT level FROM org_units WHERE code = ?1", {P::Text(project.owner_code)});
      if (unit.empty()) Fail(ErrorCode::kNotFound, "org unit not found");
      const auto depth = ToInt(unit[0][0]);
      if (depth > 3) Fail(ErrorCode::kInvalid, "owner_code: a grid cannot own a project");
      auto rows = tx.Run(
          "INSERT INTO projects(owner_code, depth, title, category, goals, start_date, end_date, published, done_on, "
          "created_by, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, '', ?9, ?10, ?10) RETURNING id",
          {P::Text(project.owner_code), P::Int(depth), P::Text(project.title), P::Text(project.category),
           P::Text(project.goals), P::Text(project.start_date), P::Text(project.end_date),
           P::Int(project.published ? 1 : 0), P::Int(project.created_by), P::Int(project.created_at)});
      id = ToInt(rows.at(0)[0]);
      for (const auto& m : milestones) {
        tx.Run("INSERT INTO project_milestones(project_id, title, due_date, completed_on, completed_by, created_at) "
               "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
               {P::Int(id), P::Text(m.title), P::Text(m.due_date), P::Text(m.completed_on), P::Int(m.completed_by),
                P::Int(project.created_at)});
      }
      for (const auto& i : indicators) {
        tx.Run("INSERT INTO project_indicators(project_id, name, unit, target, current, updated_at) "
               "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
               {P::Int(id), P::Text(i.name), P::Text(i.unit), P::Text(internal::DoubleText(i.target)),
                P::Text(internal::DoubleText(i.current)), P::Int(project.created_at)});
      }
      Event(tx, id, project.created_at, project.created_by, "create",
            std::to_string(milestones.size()) + " milestones, " + std::to_string(indicators.size()) + " indicators" +
                (project.published ? ", published" : ""));
    });
    return id;
  });
}

Result<ProjectDetail> BaseDataStore::GetProject(const model::Scope& scope, std::int64_t id, const std::string& today,
                                                bool published_only) {
  return Guard([&]() -> Result<ProjectDetail> {
    ProjectDetail d;
    RunBaseTx(false, [&](SqlTx& tx) {
      RequireProject(tx, scope, id, published_only);
      auto rows = tx.Run("SELECT " + ProjectCols("?2") + " FROM projects p JOIN org_units o ON o.code = p.owner_code "
                         "WHERE p.id = ?1",
                         {P::Int(id), P::Text(today)});
      d = {};
      d.project = ReadProject(rows.at(0));
      for (const auto& r : tx.Run("SELECT id, title, due_date, completed_on, completed_by FROM project_milestones "
                                  "WHERE project_id = ?1 ORDER BY due_date, id",
                                  {P::Int(id)})) {
        d.milestones.push_back({ToInt(r[0]), r[1].value_or(""), r[2].value_or(""), r[3].value_or(""), ToInt(r[4])});
      }
      for (const auto& r : tx.Run("SELECT id, name, unit, target, current, updated_at FROM project_indicators "
                                  "WHERE project_id = ?1 ORDER BY id",
                                  {P::Int(id)})) {
        d.indicators.push_back({ToInt(r[0]), r[1].value_or(""), r[2].value_or(""), ToDouble(r[3]), ToDouble(r[4]),
                                ToInt(r[5])});
      }
      for (const auto& r : tx.Run("SELECT id, body, values_text, photo_count, created_by, created_at FROM "
                                  "project_reports WHERE project_id = ?1 ORDER BY id DESC LIMIT 50",
                                  {P::Int(id)})) {
        d.reports.push_back({ToInt(r[0]), r[1].value_or(""), DecodeValues(r[2].value_or("")),
                             static_cast<int>(ToInt(r[3])), ToInt(r[4]), ToInt(r[5])});
      }
      for (const auto& r : tx.Run("SELECT id, at, actor_user_id, action, detail FROM project_events "
                                  "WHERE project_id = ?1 ORDER BY id DESC LIMIT 100",
                                  {P::Int(id)})) {
        d.events.push_back({ToInt(r[0]), ToInt(r[1]), ToInt(r[2]), r[3].value_or(""), r[4].value_or("")});
      }
    });
    return d;
  });
}

Result<Slice<Project>> BaseDataStore::ListProjects(const model::Scope& scope, const ProjectQuery& query, Page page) {
  CG_RETURN_IF_ERROR(internal::ValidatePage(page));
  const std::string under = query.under.empty() ? scope.root_code() : query.under;
  if (!scope.Contains(under)) return MakeError(ErrorCode::kNotFound, "org unit not found");
  return Guard([&]() -> Result<Slice<Project>> {
    Slice<Project> out;
    RunBaseTx(false, [&](SqlTx& tx) {
      std::vector<P> params;
      const std::string t = Bind(params, P::Text(query.today));
      std::string where = " WHERE " + internal::SubtreeSql("p.owner_code", under, params);
      if (query.depth == 0 || query.depth == 1) where += " AND p.depth = " + Bind(params, P::Int(query.depth));
      if (query.depth >= 2) where += " AND p.depth >= 2";
      if (query.published_only) where += " AND p.published = 1";
      std::string inner = "SELECT " + ProjectCols(t) + " FROM projects p JOIN org_units o ON o.code = p.owner_code" +
                          where;
      std::string outer = " FROM (" + inner + ") x";
      if (!query.status.empty()) outer += " WHERE x.status = " + Bind(params, P::Text(query.status));
      out.total = ToInt(tx.Run("SELECT count(*)" + outer, params).at(0)[0]);
      const std::string lim = Bind(params, P::Int(page.limit));
      const std::string off = Bind(params, P::Int(page.offset));
      auto rows = tx.Run("SELECT *" + outer + " ORDER BY x.depth, x.owner_code, x.id LIMIT " + lim + " OFFSET " + off,
                         params);
      out.items.clear();
      for (const auto& r : rows) out.items.push_back(ReadProject(r));
    });
    return out;
  });
}

Result<std::vector<ProjectFacts>> BaseDataStore::ListProjectFacts(const model::Scope& scope, const std::string& under,
                                                                  const std::string& today, bool published_only) {
  if (!scope.Contains(under)) return MakeError(ErrorCode::kNotFound, "org unit not found");
  return Guard([&]() -> Result<std::vector<ProjectFacts>> {
    std::vector<ProjectFacts> out;
    RunBaseTx(false, [&](SqlTx& tx) {
      if (!under.empty()) internal::RequireUnit(tx, under);
      std::vector<P> params;
      const std::string t = Bind(params, P::Text(today));
      std::string where = " WHERE " + internal::SubtreeSql("p.owner_code", under, params);
      if (published_only) where += " AND p.published = 1";
      auto rows = tx.Run(
          "SELECT p.owner_code, p.depth, " + StatusSql(t) + ", "
          "(SELECT count(*) FROM project_milestones m WHERE m.project_id = p.id AND m.completed_on <> '' "
          "AND m.completed_on <= m.due_date), "
          "(SELECT count(*) FROM project_milestones m WHERE m.project_id = p.id AND m.completed_on > m.due_date), "
          "(SELECT count(*) FROM project_milestones m WHERE m.project_id = p.id AND m.completed_on = ''), "
          "(SELECT count(*) FROM project_milestones m WHERE m.project_id = p.id AND m.completed_on = '' "
          "AND m.due_date < " + t + ") FROM projects p" + where + " ORDER BY p.owner_code, p.id",
          params);
      out.clear();
      for (const auto& r : rows) {
        out.push_back({r[0].value_or(""), static_cast<int>(ToInt(r[1])), r[2].value_or(""),
                       static_cast<int>(ToInt(r[3])), static_cast<int>(ToInt(r[4])), static_cast<int>(ToInt(r[5])),
                       static_cast<int>(ToInt(r[6]))});
      }
    });
    return out;
  });
}

Result<std::int64_t> BaseDataStore::AddMilestone(const model::Scope& scope, std::int64_t project_id,
                                                 const ProjectMilestone& m, std::int64_t actor, Timestamp at) {
  return Guard([&]() -> Result<std::int64_t> {
    std::int64_t id = 0;
    RunBaseTx(true, [&](SqlTx& tx) {
      RequireProject(tx, scope, project_id);
      auto rows = tx.Run(
          "INSERT INTO project_milestones(project_id, title, due_date, completed_on, completed_by, created_at) "
          "VALUES (?1, ?2, ?3, '', 0, ?4) RETURNING id",
          {P::Int(project_id), P::Text(m.title), P::Text(m.due_date), P::Int(at)});
      id = ToInt(rows.at(0)[0]);
      Event(tx, project_id, at, actor, "milestone_add", m.title + " (due " + m.due_date + ")");
    });
    return id;
  });
}

Status BaseDataStore::UpdateMilestone(const model::Scope& scope, std::int64_t project_id, std::int64_t milestone_id,
                                      const MilestoneChange& change, std::int64_t actor, Timestamp at) {
  return Guard([&]() -> Status {
    RunBaseTx(true, [&](SqlTx& tx) {
      RequireProject(tx, scope, project_id);
      auto rows = tx.Run("SELECT title, due_date, completed_on FROM project_milestones WHERE id = ?1 AND project_id = ?2",
                         {P::Int(milestone_id), P::Int(project_id)});
      if (rows.empty()) Fail(ErrorCode::kNotFound, "milestone not found");
      const std::string title = rows[0][0].value_or(""), due = rows[0][1].value_or(""),
                        done = rows[0][2].value_or("");
      if (!change.due_date.empty() && change.due_date != due) {
        tx.Run("UPDATE project_milestones SET due_date = ?2 WHERE id = ?1",
               {P::Int(milestone_id), P::Text(change.due_date)});
        Event(tx, project_id, at, actor, "milestone_due", title + ": " + due + " -> " + change.due_date);
      }
      if (!change.completed_on.empty()) {
        if (!done.empty()) Fail(ErrorCode::kConflict, "the milestone was completed on " + done);
        tx.Run("UPDATE project_milestones SET completed_on = ?2, completed_by = ?3 WHERE id = ?1",
               {P::Int(milestone_id), P::Text(change.completed_on), P::Int(actor)});
        Event(tx, project_id, at, actor, "milestone_done", title + " (" + change.completed_on + ")");
      } else if (change.reopen) {
        if (done.empty()) Fail(ErrorCode::kConflict, "the milestone is open");
        tx.Run("UPDATE project_milestones SET completed_on = '', completed_by = 0 WHERE id = ?1",
               {P::Int(milestone_id)});
        Event(tx, project_id, at, actor, "milestone_reopen", title);
      }
    });
    return {};
  });
}

Status BaseDataStore::SetProjectDone(const model::Scope& scope, std::int64_t project_id, const std::string& done_on,
                                     std::int64_t actor, Timestamp at) {
  return Guard([&]() -> Status {
    RunBaseTx(true, [&](SqlTx& tx) {
      RequireProject(tx, scope, project_id);
      const std::string was =
          tx.Run("SELECT done_on FROM projects WHERE id = ?1", {P::Int(project_id)}).at(0)[0].value_or("");
      if (done_on.empty() == was.empty()) {
        Fail(ErrorCode::kConflict, was.empty() ? "the project is not done" : "the project was done on " + was);
      }
      tx.Run("UPDATE projects SET done_on = ?2 WHERE id = ?1", {P::Int(project_id), P::Text(done_on)});
      Event(tx, project_id, at, actor, done_on.empty() ? "reopen" : "done", done_on);
    });
    return {};
  });
}

Status BaseDataStore::SetProjectPublished(const model::Scope& scope, std::int64_t project_id, bool published,
                                          std::int64_t actor, Timestamp at) {
  return Guard([&]() -> Status {
    RunBaseTx(true, [&](SqlTx& tx) {
      RequireProject(tx, scope, project_id);
      const bool was = ToInt(tx.Run("SELECT published FROM projects WHERE id = ?1", {P::Int(project_id)}).at(0)[0]) != 0;
      if (was == published) Fail(ErrorCode::kConflict, published ? "the project is public already" : "the project is not public");
      tx.Run("UPDATE projects SET published = ?2 WHERE id = ?1", {P::Int(project_id), P::Int(published ? 1 : 0)});
      Event(tx, project_id, at, actor, published ? "publish" : "unpublish", "");
    });
    return {};
  });
}

Result<std::int64_t> BaseDataStore::AddProjectReport(const model::Scope& scope, std::int64_t project_id,
                                                     const ProjectReport& report, const std::vector<ProjectPhoto>& photos) {
  return Guard([&]() -> Result<std::int64_t> {
    std::int64_t id = 0;
    RunBaseTx(true, [&](SqlTx& tx) {
      RequireProject(tx, scope, project_id);
      for (const auto& [indicator, value] : report.values) {
        auto r = tx.Run("UPDATE project_indicators SET current = ?3, updated_at = ?4 WHERE id = ?1 AND project_id = ?2 "
                        "RETURNING id",
                        {P::Int(indicator), P::Int(project_id), P::Text(internal::DoubleText(value)),
                         P::Int(report.created_at)});
        if (r.empty()) Fail(ErrorCode::kInvalid, "indicator " + std::to_string(indicator) + ": not one of this project's");
      }
      auto rows = tx.Run(
          "INSERT INTO project_reports(project_id, body, values_text, photo_count, created_by, created_at) "
          "VALUES (?1, ?2, ?3, ?4, ?5, ?6) RETURNING id",
          {P::Int(project_id), P::Text(report.body), P::Text(EncodeValues(report.values)),
           P::Int(static_cast<std::int64_t>(photos.size())), P::Int(report.created_by), P::Int(report.created_at)});
      id = ToInt(rows.at(0)[0]);
      for (std::size_t i = 0; i < photos.size(); ++i) {
        tx.Run("INSERT INTO project_report_photos(report_id, seq, width, height, jpeg, thumbnail) "
               "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
               {P::Int(id), P::Int(static_cast<std::int64_t>(i)), P::Int(photos[i].width), P::Int(photos[i].height),
                P::Text(internal::Hex(photos[i].jpeg)), P::Text(internal::Hex(photos[i].thumbnail))});
      }
      Event(tx, project_id, report.created_at, report.created_by, "report",
            std::to_string(report.values.size()) + " indicators, " + std::to_string(photos.size()) + " photos");
    });
    return id;
  });
}

Result<std::string> BaseDataStore::GetProjectPhoto(std::int64_t project_id, std::int64_t report_id, int seq,
                                                   bool thumbnail) {
  return Guard([&]() -> Result<std::string> {
    std::string out;
    RunBaseTx(false, [&](SqlTx& tx) {
      auto rows = tx.Run(std::string("SELECT ") + (thumbnail ? "f.thumbnail" : "f.jpeg") +
                             " FROM project_report_photos f JOIN project_reports r ON r.id = f.report_id "
                             "WHERE r.project_id = ?1 AND f.report_id = ?2 AND f.seq = ?3",
                         {P::Int(project_id), P::Int(report_id), P::Int(seq)});
      if (rows.empty()) Fail(ErrorCode::kNotFound, "photo not found");
      out = internal::Unhex(rows[0][0].value_or(""));
    });
    return out;
  });
}

}  // namespace cg::store
