// Volunteers over HTTP (docs/volunteers.md, 志愿者之家): staff publish activities, register
// residents, check volunteers in and record their minutes; resident accounts join, sign up
// (confirmed or on the waiting list) and download their certificate of hours; the public site
// lists activities with the places left, never who signed up.
#include "api/app.hpp"
#include "api/case_json.hpp"
#include "api/errors.hpp"
#include "api/json_body.hpp"

#include <map>

namespace cg::api {
namespace {

using model::Role;

bool IsStaff(const Request& req) {
  const Role r = req.principal->user.role;
  return r == Role::kAdmin || r == Role::kStaff;
}

nlohmann::json VolunteerJson(const store::Volunteer& v, const std::string& unit_name) {
  return {{"id", v.id},
          {"org_code", v.org_code},
          {"unit_name", unit_name},
          {"name", v.name},
          {"skills", v.skills},
          {"verified", v.person_id != 0},
          {"has_account", v.user_id != 0},
          {"registered_at", v.registered_at},
          {"minutes", v.minutes},
          {"activities", v.activities}};
}

nlohmann::json ActivityJson(const store::VolunteerActivity& a, Timestamp now, const std::string& unit_name) {
  return {{"id", a.id},
          {"org_code", a.org_code},
          {"unit_name", unit_name},
          {"title", a.title},
          {"description", a.description},
          {"place", a.place},
          {"skills", a.skills},
          {"starts_at", a.starts_at},
          {"ends_at", a.ends_at},
          {"state", now < a.starts_at ? "upcoming" : now < a.ends_at ? "under_way" : "ended"},
          {"capacity", a.capacity},
          {"confirmed", a.confirmed},
          {"waiting", a.waiting},
          {"places_left", std::max<std::int64_t>(0, a.capacity - a.confirmed)},
          {"created_at", a.created_at}};
}

nlohmann::json SignupJson(const store::VolunteerSignup& s, bool with_name) {
  nlohmann::json j = {{"activity_id", s.activity_id},  {"volunteer_id", s.volunteer_id},
                      {"status", s.status},            {"position", s.position},
                      {"signed_up_at", s.signed_up_at}, {"checked_in_at", s.checked_in_at},
                      {"minutes", s.minutes},          {"hours_at", s.hours_at}};
  if (with_name) j["volunteer_name"] = s.volunteer_name;
  return j;
}

nlohmann::json ChangeJson(const store::SignupChange& c) {
  nlohmann::json j = SignupJson(c.signup, false);
  j["promoted_volunteer_id"] = c.promoted;
  return j;
}

nlohmann::json SignupsJson(const std::vector<store::VolunteerSignup>& record) {
  nlohmann::json items = nlohmann::json::array();
  for (const auto& s : record) {
    nlohmann::json j = SignupJson(s, false);
    j["activity"] = {{"title", s.activity_title},
                     {"org_code", s.activity_org_code},
                     {"starts_at", s.activity_starts_at},
                     {"ends_at", s.activity_ends_at}};
    items.push_back(j);
  }
  return items;
}


}  // namespace

void App::RegisterVolunteerRoutes() {
  auto unit_name = [this](const std::string& code) {
    auto u = store_.GetOrgUnit(model::Scope::System(), code, false);
    return u.ok() ? u->name : std::string();
  };
  // May the caller read activity `a`? Residents read every activity (they are public);
  // other accounts those inside their scope or above its root (a grid's community's).
  auto readable = [](const Request& req, const store::VolunteerActivity& a) {
    const auto& scope = req.principal->scope();
    return req.principal->user.role == Role::kResident || scope.Contains(a.org_code) ||
           scope.root_code().starts_with(a.org_code);
  };
  // The activity of route parameter {id} if the caller may read it (else 404, as for none).
  auto visible = [this, readable](const Request& req) -> Result<store::VolunteerActivity> {
    auto id = PositiveParam(req, "id");
    if (!id) return MakeError(ErrorCode::kNotFound, "activity not found");
    auto a = store_.GetVolunteerActivity(*id);
    if (!a.ok()) return a.error();
    if (!readable(req, *a)) return MakeError(ErrorCode::kNotFound, "activity not found");
    return a;
  };
  // The activity of route parameter {id} if the caller's scope manages it: 404 when they may
  // not read it or it is outside their scope, 403 for roles that do not run activities.
  auto managed = [this, visible](const Request& req) -> Result<store::VolunteerActivity> {
    auto a = visible(req);
    if (!a.ok()) return a.error();
    if (!IsStaff(req)) return MakeError(ErrorCode::kForbidden, "only staff run volunteer activities");
    return volunteers_->Managed(req.principal->scope(), a->id);
  };
  // The volunteer of route parameter `param` inside the caller's scope (404 outside), for staff.
  auto staff_volunteer = [this](const Request& req, const char* param) -> Result<store::Volunteer> {
    auto id = PositiveParam(req, param);
    if (!id) return MakeError(ErrorCode::kNotFound, "volunteer not found");
    auto v = store_.GetVolunteer(req.principal->scope(), *id);
    if (!v.ok()) return v.error();
    if (!IsStaff(req)) return MakeError(ErrorCode::kForbidden, "only staff manage volunteers");
    return v;
  };
  // Whose sign-up a request acts on: a resident's own, or (staff managing the activity) the
  // volunteer named by {volunteer_id} or the body's volunteer_id, who must be in their scope.
  auto acting_volunteer = [this](const Request& req, const store::VolunteerActivity& a,
                                 std::int64_t named) -> Result<std::int64_t> {
    if (req.principal->user.role == Role::kResident) {
      auto me = volunteers_->Me(req.principal->user);
      if (!me.ok()) return me.error();
      if (named && named != me->id) return MakeError(ErrorCode::kNotFound, "sign-up not found");
      return me->id;
    }
    if (!IsStaff(req)) return MakeError(ErrorCode::kForbidden, "only residents and staff sign volunteers up");
    if (!req.principal->scope().Contains(a.org_code)) return MakeError(ErrorCode::kNotFound, "activity not found");
    if (!named) return MakeError(ErrorCode::kInvalid, "volunteer_id: the volunteer to sign up");
    auto v = store_.GetVolunteer(req.principal->scope(), named);
    if (!v.ok()) return v.error();
    return v->id;
  };
  auto certificate = [this](const store::Volunteer& v) -> Response {
    auto pdf = volunteers_->Certificate(v);
    if (!pdf.ok()) return ErrorResponse(pdf.error());
    return PdfResponse(std::move(*pdf), "volunteer-hours-" + std::to_string(v.id) + ".pdf");
  };

  // --- activities ---------------------------------------------------------------------------
  router_.Add({"POST", "/api/v1/volunteer-activities", Access::kUser,
               "Publish a volunteer activity (org_code: a community/village or street/town; title, description, "
               "place, skills [..], starts_at, ends_at in ms, capacity places)",
               "volunteers", [this, unit_name](Request& req) {
                 if (!IsStaff(req)) return ErrorResponse(403, "forbidden", "only staff publish activities");
                 auto body = ParseJsonObject(req);
                 if (!body.ok()) return ErrorResponse(body.error());
                 volunteers::ActivityDraft d;
                 for (auto [field, out, required, max] :
                      {std::tuple{"org_code", &d.org_code, true, std::size_t{32}},
                       std::tuple{"title", &d.title, true, std::size_t{1000}},
                       std::tuple{"description", &d.description, false, std::size_t{20000}},
                       std::tuple{"place", &d.place, true, std::size_t{1000}}}) {
                   auto v = StringField(*body, field, required, max);
                   if (!v.ok()) return ErrorResponse(v.error());
                   *out = *v;
                 }
                 auto skills = StringListField(*body, "skills", 50, 200);
                 if (!skills.ok()) return ErrorResponse(skills.error());
                 d.skills = *skills;
                 for (auto [field, out] : {std::pair{"starts_at", &d.starts_at}, std::pair{"ends_at", &d.ends_at}}) {
                   auto v = IntField(*body, field, true, 0, 32'503'680'000'000);
                   if (!v.ok()) return ErrorResponse(v.error());
                   *out = *v;
                 }
                 auto capacity = IntField(*body, "capacity", true, 1, volunteers::kMaxCapacity);
                 if (!capacity.ok()) return ErrorResponse(capacity.error());
                 d.capacity = *capacity;
                 auto a = volunteers_->Publish(req.principal->scope(), req.principal->user.id, d);
                 if (!a.ok()) return ErrorResponse(a.error());
                 return SafeJsonResponse(ActivityJson(*a, clock_.Now(), unit_name(a->org_code)), 201);
               }});
  router_.Add({"GET", "/api/v1/volunteer-activities", Access::kUser,
               "Volunteer activities of an org unit (unit=CODE, default: yours), of the units above and below it, "
               "soonest first; past=1 includes those that ended (limit, offset)",
               "volunteers", [this, unit_name](Request& req) {
                 const auto& user = req.principal->user;
                 const std::string unit = req.Query("unit").value_or(user.scope_code);
                 if (user.role != Role::kResident && !req.principal->scope().Contains(unit) &&
                     !req.principal->scope().root_code().starts_with(unit)) {
                   return ErrorResponse(404, "not_found", "org unit not found");
                 }
                 auto page = ParsePage(req, 50, 200);
                 if (!page.ok()) return ErrorResponse(page.error());
                 const bool past = req.Query("past").value_or("") == "1";
                 auto list = store_.ListVolunteerActivities(unit, past ? 0 : clock_.Now(), *page);
                 if (!list.ok()) return ErrorResponse(list.error());
                 nlohmann::json items = nlohmann::json::array();
                 std::map<std::string, std::string> names;
                 for (const auto& a : list->items) {
                   if (!names.count(a.org_code)) names[a.org_code] = unit_name(a.org_code);
                   nlohmann::json j = ActivityJson(a, clock_.Now(), names[a.org_code]);
                   j["manage"] = IsStaff(req) && req.principal->scope().Contains(a.org_code);
                   items.push_back(j);
                 }
                 return SafeJsonResponse({{"items", items}, {"total", list->total}});
               }});
  router_.Add({"GET", "/api/v1/volunteer-activities/{id}", Access::kUser,
               "An activity; staff managing it get the roster (confirmed, then the waiting list in order), a "
               "resident their own sign-up",
               "volunteers", [this, unit_name, visible](Request& req) {
                 auto a = visible(req);
                 if (!a.ok()) return ErrorResponse(a.error());
                 const bool manage = IsStaff(req) && req.principal->scope().Contains(a->org_code);
                 nlohmann::json j = ActivityJson(*a, clock_.Now(), unit_name(a->org_code));
                 j["manage"] = manage;
                 if (manage) {
                   auto roster = store_.ListVolunteerSignups(a->id);
                   if (!roster.ok()) return ErrorResponse(roster.error());
                   nlohmann::json signups = nlohmann::json::array();
                   for (const auto& s : *roster) signups.push_back(SignupJson(s, true));
                   j["signups"] = signups;
                 }
                 if (req.principal->user.role == Role::kResident) {
                   j["my_signup"] = nullptr;
                   if (auto me = volunteers_->Me(req.principal->user); me.ok()) {
                     auto record = store_.ListVolunteerRecord(me->id);
                     if (!record.ok()) return ErrorResponse(record.error());
                     for (const auto& s : *record) {
                       if (s.activity_id == a->id) j["my_signup"] = SignupJson(s, false);
                     }
                   }
                 }
                 return SafeJsonResponse(j);
               }});
  router_.Add({"POST", "/api/v1/volunteer-activities/{id}/signups", Access::kUser,
               "Sign up for an activity until it starts: a resident volunteer themself (no body), staff managing "
               "it a volunteer of their area (volunteer_id). Confirmed while places are left, else waiting",
               "volunteers", [this, visible, acting_volunteer](Request& req) {
                 auto a = visible(req);
                 if (!a.ok()) return ErrorResponse(a.error());
                 std::int64_t named = 0;
                 if (!req.body.empty()) {
                   auto body = ParseJsonObject(req);
                   if (!body.ok()) return ErrorResponse(body.error());
                   auto v = IntField(*body, "volunteer_id", false, 1, std::numeric_limits<std::int64_t>::max());
                   if (!v.ok()) return ErrorResponse(v.error());
                   named = *v;
                 }
                 auto who = acting_volunteer(req, *a, named);
                 if (!who.ok()) return ErrorResponse(who.error());
                 auto c = volunteers_->SignUp(a->id, *who);
                 if (!c.ok()) return ErrorResponse(c.error());
                 return SafeJsonResponse(ChangeJson(*c), 201);
               }});
  router_.Add({"POST", "/api/v1/volunteer-activities/{id}/signups/{volunteer_id}/cancel", Access::kUser,
               "Cancel a sign-up until the activity starts (the volunteer themself, or staff managing it); a "
               "confirmed place goes to the first on the waiting list",
               "volunteers", [this, visible, acting_volunteer](Request& req) {
                 auto a = visible(req);
                 if (!a.ok()) return ErrorResponse(a.error());
                 auto vid = PositiveParam(req, "volunteer_id");
                 if (!vid) return ErrorResponse(404, "not_found", "sign-up not found");
                 auto who = acting_volunteer(req, *a, *vid);
                 if (!who.ok()) return ErrorResponse(who.error());
                 auto c = volunteers_->Cancel(a->id, *who);
                 if (!c.ok()) return ErrorResponse(c.error());
                 return SafeJsonResponse(ChangeJson(*c));
               }});
  router_.Add({"POST", "/api/v1/volunteer-activities/{id}/signups/{volunteer_id}/check-in", Access::kUser,
               "Check a confirmed volunteer in at the activity (staff managing it; from 2 hours before the start "
               "to its end)",
               "volunteers", [this, managed](Request& req) {
                 auto a = managed(req);
                 if (!a.ok()) return ErrorResponse(a.error());
                 auto vid = PositiveParam(req, "volunteer_id");
                 if (!vid) return ErrorResponse(404, "not_found", "sign-up not found");
                 auto s = volunteers_->CheckIn(req.principal->scope(), a->id, *vid);
                 if (!s.ok()) return ErrorResponse(s.error());
                 return SafeJsonResponse(SignupJson(*s, true));
               }});
  router_.Add({"POST", "/api/v1/volunteer-activities/{id}/signups/{volunteer_id}/minutes", Access::kUser,
               "Record the minutes a checked-in volunteer served (minutes: 1 .. the activity's length; 0 or absent: "
               "its length); corrections allowed for 30 days after the end; audited",
               "volunteers", [this, managed](Request& req) {
                 auto a = managed(req);
                 if (!a.ok()) return ErrorResponse(a.error());
                 auto vid = PositiveParam(req, "volunteer_id");
                 if (!vid) return ErrorResponse(404, "not_found", "sign-up not found");
                 std::int64_t minutes = 0;
                 if (!req.body.empty()) {
                   auto body = ParseJsonObject(req);
                   if (!body.ok()) return ErrorResponse(body.error());
                   auto m = IntField(*body, "minutes", false, 0, 24 * 60);
                   if (!m.ok()) return ErrorResponse(m.error());
                   minutes = *m;
                 }
                 auto s = volunteers_->RecordMinutes(req.principal->scope(), req.principal->user.id, a->id, *vid,
                                                     minutes);
                 if (!s.ok()) return ErrorResponse(s.error());
                 return SafeJsonResponse(SignupJson(*s, true));
               }});

  // --- volunteers (staff) ---------------------------------------------------------------------
  router_.Add({"GET", "/api/v1/volunteers/hours", Access::kUser,
               "Service hours per child unit of under=CODE (default: your unit): volunteers registered, those "
               "who served, minutes",
               "volunteers", [this, unit_name](Request& req) {
                 const Role role = req.principal->user.role;
                 if (!IsStaff(req) && role != Role::kAnalyst) {
                   return ErrorResponse(403, "forbidden", "only staff and analysts read volunteer hours");
                 }
                 const std::string under = req.Query("under").value_or(req.principal->user.scope_code);
                 auto rows = store_.ListVolunteerHours(req.principal->scope(), under);
                 if (!rows.ok()) return ErrorResponse(rows.error());
                 nlohmann::json items = nlohmann::json::array();
                 std::int64_t volunteers = 0, active = 0, minutes = 0;
                 for (const auto& h : *rows) {
                   items.push_back({{"org_code", h.org_code}, {"name", unit_name(h.org_code)},
                                    {"volunteers", h.volunteers}, {"active", h.active}, {"minutes", h.minutes}});
                   volunteers += h.volunteers;
                   active += h.active;
                   minutes += h.minutes;
                 }
                 return SafeJsonResponse({{"under", under},
                                          {"name", unit_name(under)},
                                          {"items", items},
                                          {"total", {{"volunteers", volunteers}, {"active", active}, {"minutes", minutes}}}});
               }});
  router_.Add({"GET", "/api/v1/volunteers", Access::kUser,
               "Volunteers serving under unit=CODE (default: your unit), most hours first (limit, offset)",
               "volunteers", [this, unit_name](Request& req) {
                 if (!IsStaff(req)) return ErrorResponse(403, "forbidden", "only staff list volunteers");
                 const std::string unit = req.Query("unit").value_or(req.principal->user.scope_code);
                 auto page = ParsePage(req, 50, 200);
                 if (!page.ok()) return ErrorResponse(page.error());
                 auto list = store_.ListVolunteers(req.principal->scope(), unit, *page);
                 if (!list.ok()) return ErrorResponse(list.error());
                 nlohmann::json items = nlohmann::json::array();
                 std::map<std::string, std::string> names;
                 for (const auto& v : list->items) {
                   if (!names.count(v.org_code)) names[v.org_code] = unit_name(v.org_code);
                   items.push_back(VolunteerJson(v, names[v.org_code]));
                 }
                 return SafeJsonResponse({{"items", items}, {"total", list->total}});
               }});
  router_.Add({"POST", "/api/v1/volunteers", Access::kUser,
               "Register a resident of the base data as a volunteer of their community (person_id, skills [..])",
               "volunteers", [this, unit_name](Request& req) {
                 if (!IsStaff(req)) return ErrorResponse(403, "forbidden", "only staff register volunteers");
                 auto body = ParseJsonObject(req);
                 if (!body.ok()) return ErrorResponse(body.error());
                 auto person = IntField(*body, "person_id", true, 1, std::numeric_limits<std::int64_t>::max());
                 if (!person.ok()) return ErrorResponse(person.error());
                 auto skills = StringListField(*body, "skills", 50, 200);
                 if (!skills.ok()) return ErrorResponse(skills.error());
                 auto v = volunteers_->Register(req.principal->scope(), req.principal->user.id, *person, *skills);
                 if (!v.ok()) return ErrorResponse(v.error());
                 return SafeJsonResponse(VolunteerJson(*v, unit_name(v->org_code)), 201);
               }});
  router_.Add({"GET", "/api/v1/volunteers/{id}", Access::kUser,
               "A volunteer of your area with every activity they signed up for and the minutes served",
               "volunteers", [this, unit_name, staff_volunteer](Request& req) {
                 auto v = staff_volunteer(req, "id");
                 if (!v.ok()) return ErrorResponse(v.error());
                 auto record = store_.ListVolunteerRecord(v->id);
                 if (!record.ok()) return ErrorResponse(record.error());
                 nlohmann::json j = VolunteerJson(*v, unit_name(v->org_code));
                 j["record"] = SignupsJson(*record);
                 return SafeJsonResponse(j);
               }});
  router_.Add({"GET", "/api/v1/volunteers/{id}/certificate.pdf", Access::kUser,
               "A volunteer's certificate of hours (志愿服务时长证明) as PDF", "volunteers",
               [staff_volunteer, certificate](Request& req) {
                 auto v = staff_volunteer(req, "id");
                 if (!v.ok()) return ErrorResponse(v.error());
                 return certificate(*v);
               }});

  // --- the resident's own --------------------------------------------------------------------
  router_.Add({"POST", "/api/v1/me/volunteer", Access::kUser,
               "Join as a volunteer of a community (org_code, skills [..]): resident accounts", "volunteers",
               [this, unit_name](Request& req) {
                 auto body = ParseJsonObject(req);
                 if (!body.ok()) return ErrorResponse(body.error());
                 auto org = StringField(*body, "org_code", true, 32);
                 if (!org.ok()) return ErrorResponse(org.error());
                 auto skills = StringListField(*body, "skills", 50, 200);
                 if (!skills.ok()) return ErrorResponse(skills.error());
                 auto v = volunteers_->Join(req.principal->user, *org, *skills);
                 if (!v.ok()) return ErrorResponse(v.error());
                 return SafeJsonResponse(VolunteerJson(*v, unit_name(v->org_code)), 201);
               }});
  router_.Add({"GET", "/api/v1/me/volunteer", Access::kUser,
               "Your volunteer record: activities signed up for, minutes served ({volunteer: null} when you have "
               "not joined)",
               "volunteers", [this, unit_name](Request& req) {
                 auto v = volunteers_->Me(req.principal->user);
                 if (!v.ok() && v.error().code == ErrorCode::kNotFound) return SafeJsonResponse({{"volunteer", nullptr}});
                 if (!v.ok()) return ErrorResponse(v.error());
                 auto record = store_.ListVolunteerRecord(v->id);
                 if (!record.ok()) return ErrorResponse(record.error());
                 return SafeJsonResponse({{"volunteer", VolunteerJson(*v, unit_name(v->org_code))},
                                          {"record", SignupsJson(*record)}});
               }});
  router_.Add({"GET", "/api/v1/me/volunteer/certificate.pdf", Access::kUser,
               "Your certificate of hours (志愿服务时长证明) as PDF", "volunteers",
               [this, certificate](Request& req) {
                 auto v = volunteers_->Me(req.principal->user);
                 if (!v.ok()) return ErrorResponse(v.error());
                 return certificate(*v);
               }});

  // --- public ----------------------------------------------------------------------------------
  router_.Add({"GET", "/api/v1/public/volunteer-activities", Access::kPublic,
               "Volunteer activities of a community, street or district (unit=CODE) and the units above it, not yet "
               "ended, soonest first, with the places left (limit, offset); never who signed up",
               "volunteers", [this, unit_name](Request& req) {
                 const std::string unit = req.Query("unit").value_or("");
                 if (unit.empty() || unit.size() > 12) {
                   return ErrorResponse(400, "invalid", "unit: the code of a community, street, district or city");
                 }
                 auto page = ParsePage(req, 20, 100);
                 if (!page.ok()) return ErrorResponse(page.error());
                 auto list = store_.ListVolunteerActivities(unit, clock_.Now(), *page);
                 if (!list.ok()) return ErrorResponse(list.error());
                 nlohmann::json items = nlohmann::json::array();
                 for (const auto& a : list->items) items.push_back(ActivityJson(a, clock_.Now(), unit_name(a.org_code)));
                 return SafeJsonResponse({{"items", items}, {"total", list->total}});
               }});
  router_.Add({"GET", "/api/v1/public/volunteer-activities/{id}", Access::kPublic,
               "A volunteer activity for the public site: time, place, places left; never who signed up",
               "volunteers", [this, unit_name](Request& req) {
                 auto id = PositiveParam(req, "id");
                 if (!id) return ErrorResponse(404, "not_found", "activity not found");
                 auto a = store_.GetVolunteerActivity(*id);
                 if (!a.ok()) return ErrorResponse(a.error());
                 return SafeJsonResponse(ActivityJson(*a, clock_.Now(), unit_name(a->org_code)));
               }});
}

}  // namespace cg::api
