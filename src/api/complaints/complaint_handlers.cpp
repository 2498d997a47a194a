// Complaint sessions over HTTP (docs/complaints.md, 居民吐槽大会): staff hold sessions and
// record complaints in person; signed-in residents submit online inside a session's window;
// every complaint opens a "complaint" case handled by the session's unit; the session's
// rectification list (整改清单) is read by staff of its area and, without who complained, by
// the public site.
#include "api/app.hpp"
#include "api/case_json.hpp"
#include "api/errors.hpp"
#include "api/json_body.hpp"

#include <map>

#include <fmt/format.h>

namespace cg::api {
namespace {

using model::Role;

constexpr Timestamp kRepairAfterMs = 60'000;  // an unlinked complaint this old lost its request

bool IsStaff(const Request& req) {
  const Role r = req.principal->user.role;
  return r == Role::kAdmin || r == Role::kStaff;
}

nlohmann::json SessionJson(const store::ComplaintSession& s, Timestamp now, const std::string& area_name) {
  return {{"id", s.id},
          {"org_code", s.org_code},
          {"area_name", area_name},
          {"title", s.title},
          {"place", s.place},
          {"held_at", s.held_at},
          {"opens_at", s.opens_at},
          {"closes_at", s.closes_at},
          {"status", complaints::StatusOf(s, now)},
          {"window_open", complaints::WindowOpen(s, now)},
          {"counts", {{"total", s.complaints}, {"open", s.complaints - s.closed}, {"overdue", s.overdue},
                      {"closed", s.closed}}},
          {"created_at", s.created_at}};
}

// One row of the rectification list. The public copy leaves out who complained (the name a
// resident gave in person, the account) and the staff case id.
nlohmann::json ComplaintJson(const store::Complaint& c, const cases::CaseType* type, bool staff,
                             const std::function<std::string(const std::string&)>& area_name) {
  nlohmann::json j = {{"id", c.id}, {"text", c.body}, {"category", c.category}, {"channel", c.channel},
                      {"created_at", c.created_at}};
  if (type) {
    if (const auto* cat = type->FindCategory(c.category)) {
      j["category_name"] = cat->label.zh;
      j["category_name_en"] = cat->label.en;
    }
  }
  if (staff) {
    j["resident_name"] = c.resident_name;
    j["user_id"] = c.user_id;
  }
  if (c.case_public_id.empty() || c.case_state.empty()) {
    j["case"] = nullptr;  // being opened
    return j;
  }
  nlohmann::json k = {{"public_id", c.case_public_id},
                      {"state", c.case_state},
                      {"closed", c.case_terminal},
                      {"due_at", c.due_at},
                      {"overdue", c.overdue},
                      {"handling_unit_code", c.handling_unit_code},
                      {"handling_unit_name", area_name(c.handling_unit_code)},
                      {"reply", c.case_terminal ? c.reply : std::string()}};
  if (type) {
    if (const auto* st = type->FindState(c.case_state)) {
      k["state_name"] = st->label.zh;
      k["state_name_en"] = st->label.en;
    }
  }
  if (staff) k["id"] = c.case_id;
  j["case"] = k;
  return j;
}

}  // namespace

void App::RegisterComplaintRoutes() {
  auto area_name = [this](const std::string& code) {
    auto u = store_.GetOrgUnit(model::Scope::System(), code, false);
    return u.ok() ? u->name : std::string();
  };
  auto list_json = [this, area_name](const store::Slice<store::ComplaintSession>& list) {
    nlohmann::json items = nlohmann::json::array();
    std::map<std::string, std::string> names;
    for (const auto& s : list.items) {
      if (!names.count(s.org_code)) names[s.org_code] = area_name(s.org_code);
      items.push_back(SessionJson(s, clock_.Now(), names[s.org_code]));
    }
    return nlohmann::json{{"items", items}, {"total", list.total}};
  };
  auto view_json = [this, area_name](const complaints::SessionView& v, bool staff) {
    const auto data = case_data();  // keeps the type alive while the list is written
    const cases::CaseType* type = data ? data->registry.Find(complaints::kCaseType) : nullptr;
    nlohmann::json j = SessionJson(v.session, clock_.Now(), area_name(v.session.org_code));
    std::map<std::string, std::string> names;
    auto unit_name = [&](const std::string& code) {
      if (!names.count(code)) names[code] = area_name(code);
      return names[code];
    };
    nlohmann::json items = nlohmann::json::array();
    for (const auto& c : v.complaints) items.push_back(ComplaintJson(c, type, staff, unit_name));
    j["complaints"] = items;
    return j;
  };

  // Opens the case of a recorded complaint and links it; a replay (same key) gives the same case.
  auto open_case = [this](const store::ComplaintSession& session, const store::Complaint& c,
                          const cases::Actor& reporter) -> Result<store::Complaint> {
    CaseSubmission s;
    s.type = complaints::kCaseType;
    s.category = c.category;
    s.grid_code = session.org_code;
    s.fields["description"] = c.body;
    s.fields["session_unit_code"] = session.org_code;
    s.fields["session_id"] = std::to_string(session.id);
    s.fields["session_title"] = session.title.substr(0, 600);
    s.fields["channel"] = c.channel;
    // The case is placed at the middle of the session's unit (its bounding box).
    auto unit = store_.GetOrgUnit(model::Scope::System(), session.org_code, false);
    if (!unit.ok()) return unit.error();
    if (!unit->bbox.Empty()) {
      s.fields["location"] = fmt::format("{:.6f},{:.6f}", (unit->bbox.min_lon + unit->bbox.max_lon) / 2,
                                         (unit->bbox.min_lat + unit->bbox.max_lat) / 2);
    }
    s.reporter = reporter;
    s.idempotency_key = "complaint:" + std::to_string(c.id);
    auto created = SubmitCase(s);
    if (!created.ok()) return created.error();
    return complaints_->Link(session.id, c.id, created->record.public_id);
  };

  router_.Add({"POST", "/api/v1/complaint-sessions", Access::kUser,
               "Hold a complaint session (吐槽大会): org_code (a community, village, street or town in your "
               "scope), title, place, held_at, and optionally the online window opens_at..closes_at (ms; closes "
               "by held_at) in which signed-in residents may submit beforehand",
               "complaints", [this, area_name](Request& req) {
                 if (!IsStaff(req)) return ErrorResponse(403, "forbidden", "only staff hold complaint sessions");
                 auto body = ParseJsonObject(req);
                 if (!body.ok()) return ErrorResponse(body.error());
                 complaints::SessionDraft d;
                 for (auto [field, out, max] : {std::tuple{"org_code", &d.org_code, std::size_t{32}},
                                                std::tuple{"title", &d.title, std::size_t{1000}},
                                                std::tuple{"place", &d.place, std::size_t{2000}}}) {
                   auto v = StringField(*body, field, false, max);
                   if (!v.ok()) return ErrorResponse(v.error());
                   *out = *v;
                 }
                 for (auto [field, out] : {std::pair{"held_at", &d.held_at}, std::pair{"opens_at", &d.opens_at},
                                           std::pair{"closes_at", &d.closes_at}}) {
                   auto it = body->find(field);
                   if (it == body->end() || it->is_null()) continue;
                   if (!it->is_number_integer()) {
                     return ErrorResponse(400, "invalid", std::string(field) + ": expected a time in ms since 1970");
                   }
                   *out = it->get<Timestamp>();
                 }
                 auto s = complaints_->Create(req.principal->scope(), req.principal->user, d);
                 if (!s.ok()) return ErrorResponse(s.error());
                 return SafeJsonResponse(SessionJson(*s, clock_.Now(), area_name(s->org_code)), 201);
               }});
  router_.Add({"GET", "/api/v1/complaint-sessions", Access::kUser,
               "Complaint sessions of an org unit in your scope (unit=CODE, default yours) and of the units above "
               "and below it that you may see, latest held first, with counts (limit, offset)",
               "complaints", [this, list_json](Request& req) {
                 const std::string unit = req.Query("unit").value_or(req.principal->user.scope_code);
                 auto page = ParsePage(req, 50, 200);
                 if (!page.ok()) return ErrorResponse(page.error());
                 auto list = complaints_->List(req.principal->scope(), unit, *page);
                 if (!list.ok()) return ErrorResponse(list.error());
                 return SafeJsonResponse(list_json(*list));
               }});
  router_.Add({"GET", "/api/v1/complaint-sessions/{id}", Access::kUser,
               "A complaint session with its rectification list (整改清单): every complaint with its case's "
               "public id, state, deadline, overdue flag, handling unit and, once closed, the reply; counts",
               "complaints", [this, view_json, open_case](Request& req) {
                 auto id = PositiveParam(req, "id");
                 if (!id) return ErrorResponse(404, "not_found", "complaint session not found");
                 auto v = complaints_->Get(req.principal->scope(), *id);
                 if (!v.ok()) return ErrorResponse(v.error());
                 const bool manage = IsStaff(req) && req.principal->scope().Contains(v->session.org_code);
                 // A complaint left without its case by a lost request gets it now (same key: one case).
                 bool repaired = false;
                 if (manage && case_data()) {
                   for (const auto& c : v->complaints) {
                     if (!c.case_public_id.empty() || c.created_at > clock_.Now() - kRepairAfterMs) continue;
                     auto linked = open_case(v->session, c,
                                             cases::Actor{c.user_id, c.channel == "online" ? Role::kResident : Role::kStaff,
                                                          req.principal->user.scope_code});
                     repaired = repaired || linked.ok();
                   }
                   if (repaired) {
                     v = complaints_->Get(req.principal->scope(), *id);
                     if (!v.ok()) return ErrorResponse(v.error());
                   }
                 }
                 nlohmann::json j = view_json(*v, true);
                 j["manage"] = manage;
                 return SafeJsonResponse(j);
               }});
  router_.Add({"POST", "/api/v1/complaint-sessions/{id}/complaints", Access::kUser,
               "Raise a complaint (text up to 2000 characters, category of the complaint case type; staff in "
               "person may add resident_name): staff of the session's area record it in person, a signed-in "
               "resident submits online inside the window (at most 5 per session). Opens a complaint case "
               "handled by the session's unit",
               "complaints", [this, open_case, view_json](Request& req) {
                 auto id = PositiveParam(req, "id");
                 if (!id) return ErrorResponse(404, "not_found", "complaint session not found");
                 const auto data = case_data();
                 const cases::CaseType* type = data ? data->registry.Find(complaints::kCaseType) : nullptr;
                 if (!type) return ErrorResponse(503, "unavailable", "the complaint case type is not loaded");
                 auto body = ParseJsonObject(req);
                 if (!body.ok()) return ErrorResponse(body.error());
                 complaints::ComplaintDraft d;
                 for (auto [field, out, max] : {std::tuple{"text", &d.text, std::size_t{8000}},
                                                std::tuple{"category", &d.category, std::size_t{64}},
                                                std::tuple{"resident_name", &d.resident_name, std::size_t{400}}}) {
                   auto v = StringField(*body, field, false, max);
                   if (!v.ok()) return ErrorResponse(v.error());
                   *out = *v;
                 }
                 const auto& user = req.principal->user;
                 auto c = complaints_->BeginComplaint(req.principal->scope(), user, *id, d, *type);
                 if (!c.ok()) return ErrorResponse(c.error());
                 auto session = store_.GetComplaintSession(model::Scope::System(), *id, clock_.Now());
                 if (!session.ok()) return ErrorResponse(session.error());
                 auto linked = open_case(*session, *c, cases::Actor{user.id, user.role, user.scope_code});
                 if (!linked.ok()) {
                   // Nothing half-written: without its case the complaint is removed again.
                   (void)complaints_->Discard(*id, c->id);
                   return ErrorResponse(linked.error());
                 }
                 auto list = store_.ListComplaints(*id, clock_.Now());
                 if (!list.ok()) return ErrorResponse(list.error());
                 for (const auto& row : *list) {
                   if (row.id != c->id) continue;
                   complaints::SessionView one;
                   one.session = *session;
                   one.complaints = {row};
                   nlohmann::json j = view_json(one, IsStaff(req))["complaints"][0];
                   return SafeJsonResponse(j, 201);
                 }
                 return ErrorResponse(500, "internal", "the complaint vanished");
               }});

  router_.Add({"GET", "/api/v1/public/complaint-sessions", Access::kPublic,
               "Complaint sessions of a community, street or district (unit=CODE, not a grid) and of the units "
               "above and below it, latest held first, with counts (limit, offset)",
               "complaints", [this, list_json](Request& req) {
                 const std::string unit = req.Query("unit").value_or("");
                 if (unit.empty() || unit.size() > 12) {
                   return ErrorResponse(400, "invalid", "unit: the code of a community, street, district or city");
                 }
                 auto page = ParsePage(req, 20, 100);
                 if (!page.ok()) return ErrorResponse(page.error());
                 auto list = complaints_->List(model::Scope::System(), unit, *page);
                 if (!list.ok()) return ErrorResponse(list.error());
                 return SafeJsonResponse(list_json(*list));
               }});
  router_.Add({"GET", "/api/v1/public/complaint-sessions/{id}", Access::kPublic,
               "A complaint session's public rectification list: complaint texts with their case's public id, "
               "state, deadline and reply; never who complained",
               "complaints", [this, view_json](Request& req) {
                 auto id = PositiveParam(req, "id");
                 if (!id) return ErrorResponse(404, "not_found", "complaint session not found");
                 auto v = complaints_->Get(model::Scope::System(), *id);
                 if (!v.ok()) return ErrorResponse(v.error());
                 return SafeJsonResponse(view_json(*v, false));
               }});
}

}  // namespace cg::api
