// "十百千" governance projects over HTTP (docs/projects.md): staff create and run projects under
// their scope (milestones, progress reports with photos, done, public or not); the public
// accountability page lists published projects and their roll-up. A project route aimed at a
// project outside the caller's scope answers 404 before any role or body check.
#include <charconv>
#include <cmath>
#include <functional>

#include "api/app.hpp"
#include "api/case_json.hpp"
#include "api/errors.hpp"
#include "api/json_body.hpp"
#include "api/multipart.hpp"
#include "api/photo_upload.hpp"

namespace cg::api {
namespace {

using model::Role;

bool CanRun(const Request& req) {
  const Role r = req.principal->user.role;
  return r == Role::kAdmin || r == Role::kStaff;
}

std::string PhotoBase(bool staff, std::int64_t project, std::int64_t report) {
  return std::string(staff ? "/api/v1/projects/" : "/api/v1/public/projects/") + std::to_string(project) +
         "/reports/" + std::to_string(report) + "/photos/";
}

nlohmann::json ProjectJson(const store::Project& p, bool staff) {
  nlohmann::json j = {{"id", p.id},
                      {"owner_code", p.owner_code},
                      {"owner_name", p.owner_name},
                      {"level", projects::LevelName(p.depth)},
                      {"title", p.title},
                      {"category", p.category},
                      {"goals", p.goals},
                      {"start_date", p.start_date},
                      {"end_date", p.end_date},
                      {"done_on", p.done_on},
                      {"status", p.status},
                      {"milestones_total", p.milestones},
                      {"milestones_done", p.milestones_done},
                      {"milestones_overdue", p.milestones_overdue},
                      {"reports", p.reports},
                      {"updated_at", p.updated_at}};
  if (staff) {
    j["published"] = p.published;
    j["created_by"] = p.created_by;
    j["created_at"] = p.created_at;
  }
  return j;
}

nlohmann::json DetailJson(const store::ProjectDetail& d, bool staff, const std::string& today) {
  nlohmann::json j = ProjectJson(d.project, staff);
  j["today"] = today;
  nlohmann::json ms = nlohmann::json::array();
  for (const auto& m : d.milestones) {
    const char* state = !m.completed_on.empty() ? (m.completed_on <= m.due_date ? "on_time" : "late")
                        : m.due_date < today    ? "overdue"
                                                : "open";
    ms.push_back({{"id", m.id}, {"title", m.title}, {"due_date", m.due_date}, {"completed_on", m.completed_on},
                  {"state", state}});
  }
  j["milestones"] = ms;
  nlohmann::json inds = nlohmann::json::array();
  for (const auto& i : d.indicators) {
    inds.push_back({{"id", i.id}, {"name", i.name}, {"unit", i.unit}, {"target", i.target}, {"current", i.current},
                    {"updated_at", i.updated_at}});
  }
  j["indicators"] = inds;
  nlohmann::json reports = nlohmann::json::array();
  for (const auto& r : d.reports) {
    nlohmann::json values = nlohmann::json::array();
    for (const auto& [id, v] : r.values) values.push_back({{"indicator_id", id}, {"value", v}});
    nlohmann::json photos = nlohmann::json::array();
    const std::string base = PhotoBase(staff, d.project.id, r.id);
    for (int n = 0; n < r.photos; ++n) {
      photos.push_back({{"url", base + std::to_string(n)}, {"thumb_url", base + std::to_string(n) + "/thumb"}});
    }
    nlohmann::json rj = {{"id", r.id}, {"body", r.body}, {"values", values}, {"photos", photos},
                         {"created_at", r.created_at}};
    if (staff) rj["created_by"] = r.created_by;
    reports.push_back(rj);
  }
  j["progress_reports"] = reports;
  if (staff) {
    nlohmann::json events = nlohmann::json::array();
    for (const auto& e : d.events) {
      events.push_back({{"id", e.id}, {"at", e.at}, {"actor_user_id", e.actor_user_id}, {"action", e.action},
                        {"detail", e.detail}});
    }
    j["history"] = events;
  }
  return j;
}

nlohmann::json TallyJson(const projects::Tally& t) {
  return {{"projects", t.projects},
          {"planned", t.planned},
          {"under_way", t.under_way},
          {"stalled", t.stalled},
          {"done", t.done},
          {"milestones_on_time", t.milestones_on_time},
          {"milestones_late", t.milestones_late},
          {"milestones_open", t.milestones_open},
          {"milestones_overdue", t.milestones_overdue}};
}

nlohmann::json RollupJson(const projects::Rollup& r) {
  nlohmann::json levels = nlohmann::json::object();
  for (std::size_t i = 0; i < 3; ++i) levels[projects::kLevels[i]] = TallyJson(r.by_level[i]);
  nlohmann::json children = nlohmann::json::array();
  for (const auto& c : r.by_child) {
    nlohmann::json row = TallyJson(c.tally);
    row["code"] = c.code;
    row["name"] = c.name;
    row["own"] = c.code == r.under;
    children.push_back(row);
  }
  return {{"under", r.under}, {"name", r.name}, {"today", r.today}, {"total", TallyJson(r.total)},
          {"by_level", levels}, {"by_child", children}};
}

Result<bool> OptionalBool(const nlohmann::json& body, const char* name, bool fallback) {
  auto it = body.find(name);
  if (it == body.end() || it->is_null()) return fallback;
  if (!it->is_boolean()) return MakeError(ErrorCode::kInvalid, std::string(name) + ": expected true or false");
  return it->get<bool>();
}

Result<double> NumberAt(const nlohmann::json& obj, const std::string& field, bool required) {
  auto it = obj.find(field);
  if (it == obj.end() || it->is_null()) {
    if (required) return MakeError(ErrorCode::kInvalid, field + ": required");
    return 0.0;
  }
  if (!it->is_number()) return MakeError(ErrorCode::kInvalid, field + ": expected a number");
  return it->get<double>();
}

// The query parameters of a list (level, status, under, limit, offset).
struct ListParams {
  std::string under, level, status;
  store::Page page;
};

Result<ListParams> ReadListParams(const Request& req) {
  ListParams p;
  p.under = req.Query("under").value_or("");
  p.level = req.Query("level").value_or("");
  p.status = req.Query("status").value_or("");
  if (p.under.size() > 15) return MakeError(ErrorCode::kInvalid, "under: an org unit code");
  auto page = ParsePage(req, 50, 200);
  if (!page.ok()) return page.error();
  p.page = *page;
  return p;
}

Response ListResponse(const Result<store::Slice<store::Project>>& list, bool staff) {
  if (!list.ok()) return ErrorResponse(list.error());
  nlohmann::json items = nlohmann::json::array();
  for (const auto& p : list->items) items.push_back(ProjectJson(p, staff));
  return SafeJsonResponse({{"items", items}, {"total", list->total}});
}

Response PhotoResponse(Result<std::string> jpeg, const char* cache) {
  if (!jpeg.ok()) return ErrorResponse(jpeg.error());
  Response r;
  r.content_type = "image/jpeg";
  r.body = std::move(jpeg).value();
  r.AddHeader("Cache-Control", cache);
  r.AddHeader("Content-Disposition", "inline");
  return r;
}

// A photo's sequence number (0..3) from the path.
std::optional<int> SeqParam(const Request& req) {
  auto it = req.params.find("seq");
  if (it == req.params.end()) return std::nullopt;
  const std::string& s = it->second;
  int v = -1;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || s.size() > 1 || v < 0) return std::nullopt;
  return v;
}

}  // namespace

void App::RegisterProjectRoutes() {
  // Runs `body` for a project the caller can see and may run (admin, staff): 404 for a project
  // outside the scope (before anything else), then 403 for other roles.
  auto runnable = [this](Request& req, const char* what,
                         const std::function<Response(std::int64_t, const model::Scope&)>& body) -> Response {
    auto id = PositiveParam(req, "id");
    if (!id) return ErrorResponse(404, "not_found", "project not found");
    auto scope = req.principal->scope();
    if (auto seen = projects_->Get(scope, *id); !seen.ok()) return ErrorResponse(seen.error());
    if (!CanRun(req)) return ErrorResponse(403, "forbidden", std::string("only staff ") + what);
    return body(*id, scope);
  };
  auto detail = [this](const model::Scope& scope, std::int64_t id, int status) {
    auto d = projects_->Get(scope, id);
    if (!d.ok()) return ErrorResponse(d.error());
    return SafeJsonResponse(DetailJson(*d, true, projects_->Today()), status);
  };

  router_.Add({"GET", "/api/v1/projects", Access::kUser,
               "Governance projects (十百千) owned in your subtree: level=city|district|street, "
               "status=planned|under_way|stalled|done, under=CODE, limit, offset; city first",
               "projects", [this](Request& req) {
                 auto p = ReadListParams(req);
                 if (!p.ok()) return ErrorResponse(p.error());
                 return ListResponse(
                     projects_->List(req.principal->scope(), p->under, p->level, p->status, false, p->page), true);
               }});
  router_.Add({"POST", "/api/v1/projects", Access::kUser,
               "Create a project (owner_code, title, category, goals, start_date, end_date, published, "
               "milestones [{title, due_date}], indicators [{name, unit, target}]); one transaction",
               "projects", [this, detail](Request& req) {
                 if (!CanRun(req)) return ErrorResponse(403, "forbidden", "only staff create projects");
                 auto body = ParseJsonObject(req);
                 if (!body.ok()) return ErrorResponse(body.error());
                 projects::NewProject np;
                 for (auto [field, out, max] : {std::tuple{"owner_code", &np.owner_code, std::size_t{32}},
                                                std::tuple{"title", &np.title, std::size_t{1000}},
                                                std::tuple{"category", &np.category, std::size_t{32}},
                                                std::tuple{"start_date", &np.start_date, std::size_t{32}},
                                                std::tuple{"end_date", &np.end_date, std::size_t{32}}}) {
                   auto v = StringField(*body, field, true, max);
                   if (!v.ok()) return ErrorResponse(v.error());
                   *out = *v;
                 }
                 auto goals = StringField(*body, "goals", false, 20000);
                 if (!goals.ok()) return ErrorResponse(goals.error());
                 np.goals = *goals;
                 auto published = OptionalBool(*body, "published", true);
                 if (!published.ok()) return ErrorResponse(published.error());
                 np.published = *published;
                 for (const char* list : {"milestones", "indicators"}) {
                   auto it = body->find(list);
                   if (it == body->end() || it->is_null()) continue;
                   if (!it->is_array()) return ErrorResponse(400, "invalid", std::string(list) + ": expected a list");
                   if (it->size() > 50) return ErrorResponse(400, "invalid", std::string(list) + ": too many");
                   for (std::size_t i = 0; i < it->size(); ++i) {
                     const auto& item = (*it)[i];
                     const std::string field = std::string(list) + "[" + std::to_string(i) + "]";
                     if (!item.is_object()) return ErrorResponse(400, "invalid", field + ": expected an object");
                     if (*list == 'm') {
                       projects::NewMilestone m;
                       auto title = StringField(item, "title", true, 1000);
                       auto due = StringField(item, "due_date", true, 32);
                       if (!title.ok()) return ErrorResponse(400, "invalid", field + "." + title.error().message);
                       if (!due.ok()) return ErrorResponse(400, "invalid", field + "." + due.error().message);
                       m.title = *title;
                       m.due_date = *due;
                       np.milestones.push_back(m);
                     } else {
                       projects::NewIndicator ind;
                       auto name = StringField(item, "name", true, 1000);
                       auto unit = StringField(item, "unit", false, 100);
                       auto target = NumberAt(item, "target", true);
                       if (!name.ok()) return ErrorResponse(400, "invalid", field + "." + name.error().message);
                       if (!unit.ok()) return ErrorResponse(400, "invalid", field + "." + unit.error().message);
                       if (!target.ok()) return ErrorResponse(400, "invalid", field + "." + target.error().message);
                       ind.name = *name;
                       ind.unit = *unit;
                       ind.target = *target;
                       np.indicators.push_back(ind);
                     }
                   }
                 }
                 auto created = projects_->Create(req.principal->scope(), req.principal->user.id, np);
                 if (!created.ok()) return ErrorResponse(created.error());
                 return SafeJsonResponse(DetailJson(*created, true, projects_->Today()), 201);
               }});
  router_.Add({"GET", "/api/v1/projects/rollup", Access::kUser,
               "Roll-up of the projects under=CODE (default: your unit): counts by status, milestones on time / "
               "late / open / overdue, per level and per child unit",
               "projects", [this](Request& req) {
                 const std::string under = req.Query("under").value_or(req.principal->scope().root_code());
                 auto r = projects_->RollUp(req.principal->scope(), under, false);
                 if (!r.ok()) return ErrorResponse(r.error());
                 return SafeJsonResponse(RollupJson(*r));
               }});
  router_.Add({"GET", "/api/v1/projects/{id}", Access::kUser,
               "A project with its milestones (on_time, late, open, overdue), indicators, progress reports and "
               "history",
               "projects", [detail](Request& req) {
                 auto id = PositiveParam(req, "id");
                 if (!id) return ErrorResponse(404, "not_found", "project not found");
                 return detail(req.principal->scope(), *id, 200);
               }});
  router_.Add({"POST", "/api/v1/projects/{id}/milestones", Access::kUser,
               "Add a milestone (title, due_date not before the project's start)", "projects",
               [runnable, detail, this](Request& req) {
                 return runnable(req, "add milestones", [&](std::int64_t id, const model::Scope& scope) {
                   auto body = ParseJsonObject(req);
                   if (!body.ok()) return ErrorResponse(body.error());
                   auto title = StringField(*body, "title", true, 1000);
                   if (!title.ok()) return ErrorResponse(title.error());
                   auto due = StringField(*body, "due_date", true, 32);
                   if (!due.ok()) return ErrorResponse(due.error());
                   auto added = projects_->AddMilestone(scope, req.principal->user.id, id, {*title, *due, ""});
                   if (!added.ok()) return ErrorResponse(added.error());
                   return detail(scope, id, 201);
                 });
               }});
  router_.Add({"POST", "/api/v1/projects/{id}/milestones/{milestone_id}", Access::kUser,
               "Change a milestone: {due_date} reschedules it (a date in the past stalls the project), "
               "{completed: true, completed_on?} completes it (default today), {completed: false} reopens it",
               "projects", [runnable, detail, this](Request& req) {
                 return runnable(req, "change milestones", [&](std::int64_t id, const model::Scope& scope) {
                   auto mid = PositiveParam(req, "milestone_id");
                   if (!mid) return ErrorResponse(404, "not_found", "milestone not found");
                   auto body = ParseJsonObject(req);
                   if (!body.ok()) return ErrorResponse(body.error());
                   const bool has_due = body->contains("due_date"), has_done = body->contains("completed");
                   if (has_due == has_done) {
                     return ErrorResponse(400, "invalid", "due_date or completed: give exactly one");
                   }
                   const auto actor = req.principal->user.id;
                   Status s;
                   if (has_due) {
                     auto due = StringField(*body, "due_date", true, 32);
                     if (!due.ok()) return ErrorResponse(due.error());
                     s = projects_->Reschedule(scope, actor, id, *mid, *due);
                   } else {
                     auto done = OptionalBool(*body, "completed", true);
                     if (!done.ok()) return ErrorResponse(done.error());
                     auto on = StringField(*body, "completed_on", false, 32);
                     if (!on.ok()) return ErrorResponse(on.error());
                     s = *done ? projects_->Complete(scope, actor, id, *mid, *on)
                               : projects_->Reopen(scope, actor, id, *mid);
                   }
                   if (!s.ok()) return ErrorResponse(s.error());
                   return detail(scope, id, 200);
                 });
               }});
  router_.Add({"POST", "/api/v1/projects/{id}/reports", Access::kUser,
               "A progress report: multipart/form-data with 'body', 'value.<indicator id>' parts (the indicator's "
               "new value) and up to 4 'photo' parts (JPEG/PNG/WebP, re-encoded, metadata stripped), or JSON "
               "{body, values: {\"<indicator id>\": number}}",
               "projects", [runnable, detail, this](Request& req) {
                 return runnable(req, "report progress", [&](std::int64_t id, const model::Scope& scope) {
                   projects::NewReport nr;
                   if (IsMultipartFormData(req.Header("content-type"))) {
                     auto form = ReadUploadForm(req, upload_options("photo", projects::kMaxReportPhotos));
                     if (!form.ok()) return ErrorResponse(form.error());
                     for (const auto& [name, value] : form->fields) {
                       if (name == "body") {
                         nr.body = value;
                       } else if (name.starts_with("value.")) {
                         std::int64_t ind = 0;
                         const char* b = name.data() + 6;
                         auto [end, ec] = std::from_chars(b, name.data() + name.size(), ind);
                         double v = 0;
                         auto [vend, vec] = std::from_chars(value.data(), value.data() + value.size(), v);
                         if (ec != std::errc() || end != name.data() + name.size() || ind <= 0) {
                           return ErrorResponse(400, "invalid", name + ": not an indicator id");
                         }
                         if (value.empty()) continue;  // left empty in the form: unchanged
                         if (vec != std::errc() || vend != value.data() + value.size()) {
                           return ErrorResponse(400, "invalid", name + ": expected a number");
                         }
                         nr.values.emplace_back(ind, v);
                       } else {
                         return ErrorResponse(400, "invalid", name + ": unknown field");
                       }
                     }
                     for (const auto& p : form->photos) {
                       // Only the re-encoded copy: the original may carry GPS and the device.
                       nr.photos.push_back({p->public_jpeg, p->thumbnail_jpeg, p->public_width, p->public_height});
                     }
                   } else {
                     auto body = ParseJsonObject(req);
                     if (!body.ok()) return ErrorResponse(body.error());
                     auto text = StringField(*body, "body", true, 20000);
                     if (!text.ok()) return ErrorResponse(text.error());
                     nr.body = *text;
                     if (auto it = body->find("values"); it != body->end() && !it->is_null()) {
                       if (!it->is_object()) return ErrorResponse(400, "invalid", "values: expected an object");
                       for (const auto& [key, value] : it->items()) {
                         std::int64_t ind = 0;
                         auto [end, ec] = std::from_chars(key.data(), key.data() + key.size(), ind);
                         if (ec != std::errc() || end != key.data() + key.size() || ind <= 0) {
                           return ErrorResponse(400, "invalid", "values." + key + ": not an indicator id");
                         }
                         if (!value.is_number()) return ErrorResponse(400, "invalid", "values." + key + ": expected a number");
                         nr.values.emplace_back(ind, value.get<double>());
                       }
                     }
                   }
                   auto r = projects_->Report(scope, req.principal->user.id, id, nr);
                   if (!r.ok()) return ErrorResponse(r.error());
                   return detail(scope, id, 201);
                 });
               }});
  router_.Add({"POST", "/api/v1/projects/{id}/done", Access::kUser,
               "Mark a project done today ({done: true}) or reopen it ({done: false})", "projects",
               [runnable, detail, this](Request& req) {
                 return runnable(req, "close projects", [&](std::int64_t id, const model::Scope& scope) {
                   auto body = ParseJsonObject(req);
                   if (!body.ok()) return ErrorResponse(body.error());
                   if (!body->contains("done")) return ErrorResponse(400, "invalid", "done: required (true or false)");
                   auto done = OptionalBool(*body, "done", true);
                   if (!done.ok()) return ErrorResponse(done.error());
                   if (auto s = projects_->SetDone(scope, req.principal->user.id, id, *done); !s.ok()) {
                     return ErrorResponse(s.error());
                   }
                   return detail(scope, id, 200);
                 });
               }});
  router_.Add({"POST", "/api/v1/projects/{id}/published", Access::kUser,
               "Show a project on the public accountability page ({published: true}) or hide it", "projects",
               [runnable, detail, this](Request& req) {
                 return runnable(req, "publish projects", [&](std::int64_t id, const model::Scope& scope) {
                   auto body = ParseJsonObject(req);
                   if (!body.ok()) return ErrorResponse(body.error());
                   if (!body->contains("published")) return ErrorResponse(400, "invalid", "published: required");
                   auto pub = OptionalBool(*body, "published", true);
                   if (!pub.ok()) return ErrorResponse(pub.error());
                   if (auto s = projects_->SetPublished(scope, req.principal->user.id, id, *pub); !s.ok()) {
                     return ErrorResponse(s.error());
                   }
                   return detail(scope, id, 200);
                 });
               }});
  for (const bool is_public : {false, true}) {
    for (const char* suffix : {"", "/thumb"}) {
      const bool thumb = *suffix != '\0';
      const std::string pattern = std::string(is_public ? "/api/v1/public/projects" : "/api/v1/projects") +
                                  "/{id}/reports/{report_id}/photos/{seq}" + suffix;
      router_.Add({"GET", pattern, is_public ? Access::kPublic : Access::kUser,
                   std::string(thumb ? "Thumbnail (JPEG, long side <= 320 px)" : "Photo (JPEG, re-encoded without metadata)") +
                       " of a progress report" + (is_public ? " of a published project" : ""),
                   "projects", [this, thumb, is_public](Request& req) {
                     auto id = PositiveParam(req, "id");
                     auto rid = PositiveParam(req, "report_id");
                     auto seq = SeqParam(req);
                     if (!id || !rid || !seq) return ErrorResponse(404, "not_found", "photo not found");
                     auto scope = is_public ? model::Scope::System() : req.principal->scope();
                     return PhotoResponse(projects_->Photo(scope, *id, *rid, *seq, thumb, is_public),
                                          is_public ? "public, max-age=300" : "private, max-age=3600");
                   }});
    }
  }

  router_.Add({"GET", "/api/v1/public/projects", Access::kPublic,
               "Published governance projects (the public accountability page): level=city|district|street, "
               "status, under=CODE, limit, offset",
               "projects", [this](Request& req) {
                 auto p = ReadListParams(req);
                 if (!p.ok()) return ErrorResponse(p.error());
                 if (p->under.size() > 12) return ErrorResponse(400, "invalid", "under: a city, district, street or community code");
                 return ListResponse(projects_->List(model::Scope::System(), p->under, p->level, p->status, true, p->page),
                                     false);
               }});
  router_.Add({"GET", "/api/v1/public/projects/rollup", Access::kPublic,
               "Roll-up of the published projects under=CODE (default: the whole city)", "projects",
               [this](Request& req) {
                 const std::string under = req.Query("under").value_or("");
                 if (under.size() > 12) return ErrorResponse(400, "invalid", "under: a city, district, street or community code");
                 auto r = projects_->RollUp(model::Scope::System(), under, true);
                 if (!r.ok()) return ErrorResponse(r.error());
                 return SafeJsonResponse(RollupJson(*r));
               }});
  router_.Add({"GET", "/api/v1/public/projects/{id}", Access::kPublic,
               "A published project: milestones, indicators and progress reports (no staff or history)", "projects",
               [this](Request& req) {
                 auto id = PositiveParam(req, "id");
                 if (!id) return ErrorResponse(404, "not_found", "project not found");
                 auto d = projects_->GetPublic(*id);
                 if (!d.ok()) return ErrorResponse(d.error());
                 return SafeJsonResponse(DetailJson(*d, false, projects_->Today()));
               }});
}

}  // namespace cg::api
