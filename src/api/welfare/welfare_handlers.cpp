// Welfare checks over HTTP (docs/welfare.md, 关爱走访): a community enrols people with a care
// tag and assigns part-time reporters; a reporter (Role::kReporter: these routes and the case
// routes of their own reports only, see Route::reporter) sees the people assigned to them —
// name, address, masked phone, nothing else — and records visits, offline-safe by idempotency
// key; "urgent" opens a welfare_check case for the community at once. The community reads its
// roster and its overdue list; the deadline job opens a case for each overdue spell
// (App::EvaluateWelfare). A reporter reaching for a person not assigned to them gets 404 and the
// attempt is audited.
#include "api/app.hpp"
#include "api/case_json.hpp"
#include "api/errors.hpp"
#include "api/json_body.hpp"
#include "api/multipart.hpp"
#include "api/photo_upload.hpp"
#include "auth/random.hpp"
#include "welfare/service.hpp"

namespace cg::api {
namespace {

using model::Role;

bool IsReporter(const Request& req) { return req.principal->user.role == Role::kReporter; }
bool IsStaff(const Request& req) {
  const Role r = req.principal->user.role;
  return r == Role::kAdmin || r == Role::kStaff;
}
// Who may read the roster and the overdue list and record visits besides reporters.
bool IsCareWorker(const Request& req) { return IsStaff(req) || req.principal->user.role == Role::kGridWorker; }

Response NotAllowed() { return ErrorResponse(403, "forbidden", "only community staff and grid workers may do this"); }

nlohmann::json SubjectJson(const store::WelfareSubject& s, Timestamp now) {
  return {{"person_id", s.person_id},
          {"name", s.name},
          {"grid_code", s.grid_code},
          {"interval_days", s.interval_days},
          {"reporter_user_id", s.reporter_user_id == 0 ? nlohmann::json() : nlohmann::json(s.reporter_user_id)},
          {"reporter_name", s.reporter_name},
          {"active", s.active},
          {"enrolled_at", s.enrolled_at},
          {"last_visit_at", s.last_visit_at == 0 ? nlohmann::json() : nlohmann::json(s.last_visit_at)},
          {"last_health", s.last_health},
          {"due_at", s.due_at},
          {"overdue", now > s.due_at},
          {"days_overdue", welfare::DaysOverdue(s, now)},
          {"overdue_case_id", s.overdue_case_id}};
}

nlohmann::json VisitJson(const store::WelfareVisit& v) {
  nlohmann::json j = {{"id", v.id},
                      {"person_id", v.person_id},
                      {"person_name", v.person_name},
                      {"grid_code", v.grid_code},
                      {"visitor_user_id", v.visitor_user_id},
                      {"visitor_role", v.visitor_role},
                      {"visitor_name", v.visitor_name},
                      {"visited_at", v.visited_at},
                      {"recorded_at", v.recorded_at},
                      {"meal", v.meal},
                      {"medicine", v.medicine},
                      {"health", v.health},
                      {"health_name", welfare::HealthName(v.health)},
                      {"need", v.need},
                      {"note", v.note},
                      {"case_id", v.case_id},
                      {"idempotency_key", v.idempotency_key}};
  j["photo_url"] = v.has_photo ? nlohmann::json("/api/v1/welfare/visits/" + std::to_string(v.id) + "/photo")
                               : nlohmann::json();
  j["thumb_url"] = v.has_photo ? nlohmann::json("/api/v1/welfare/visits/" + std::to_string(v.id) + "/photo/thumb")
                               : nlohmann::json();
  return j;
}

// An optional id query parameter: 0 when absent or empty; kInvalid naming it when not 1..15 digits.
Result<std::int64_t> IdQuery(const Request& req, const char* name) {
  auto v = req.Query(name);
  if (!v || v->empty()) return std::int64_t{0};
  if (v->size() > 15 || v->find_first_not_of("0123456789") != std::string::npos || std::stoll(*v) == 0)
    return MakeError(ErrorCode::kInvalid, std::string(name) + ": a positive integer id");
  return std::stoll(*v);
}

std::optional<bool> BoolOf(const nlohmann::json& body, const char* key) {
  auto it = body.find(key);
  if (it == body.end() || it->is_null()) return false;
  if (it->is_boolean()) return it->get<bool>();
  if (it->is_string()) {
    const std::string v = it->get<std::string>();
    if (v == "true" || v == "1" || v == "on") return true;
    if (v == "false" || v == "0" || v.empty()) return false;
  }
  return std::nullopt;
}

}  // namespace

void App::RegisterWelfareRoutes() {
  // A reporter's reach for a person not assigned to them: written to the audit log.
  auto audit_denied = [this](const Request& req, std::int64_t person_id, const char* what) {
    store::AuditEntry e;
    e.at = clock_.Now();
    e.actor_user_id = req.principal->user.id;
    e.action = "welfare_denied";
    e.entity = "person";
    e.entity_id = person_id;
    e.field = what;
    e.reason = "not assigned to this reporter";
    (void)store_.AppendAudit(e);
  };
  // What a reporter may know of a person: name, address line, masked phone.
  auto elder_json = [this](const store::WelfareSubject& s, Timestamp now) {
    nlohmann::json j = SubjectJson(s, now);
    j.erase("reporter_user_id");
    j.erase("reporter_name");
    j.erase("overdue_case_id");
    j["address"] = "";
    j["phone_masked"] = "";
    auto person = store_.GetRecord(model::Scope::System(), model::BaseEntity::kPerson, s.person_id);
    if (!person.ok()) return j;
    const model::Fields shown = base_->Present(*person);
    if (auto p = shown.find("phone"); p != shown.end()) j["phone_masked"] = p->second;
    std::string address_id;
    if (auto a = person->fields.find("address_id"); a != person->fields.end()) address_id = a->second;
    if (address_id.empty()) {
      if (auto h = person->fields.find("house_id"); h != person->fields.end() && !h->second.empty()) {
        auto house = store_.GetRecord(model::Scope::System(), model::BaseEntity::kHouse, std::stoll(h->second));
        if (house.ok() && house->fields.count("address_id")) address_id = house->fields.at("address_id");
      }
    }
    if (!address_id.empty()) {
      auto address = store_.GetRecord(model::Scope::System(), model::BaseEntity::kAddress, std::stoll(address_id));
      if (address.ok()) j["address"] = welfare::AddressLine(address->fields);
    }
    return j;
  };

  router_.Add({"GET", "/api/v1/welfare/my-elders", Access::kUser,
               "A reporter's assigned people (name, address, masked phone, last visit, due, overdue), most overdue first",
               "welfare", [this, elder_json](Request& req) {
                 if (!base_) return BaseDataUnavailable();
                 if (!IsReporter(req)) return ErrorResponse(403, "forbidden", "only reporter accounts have assigned people");
                 auto page = ParsePage(req, 100, 500);
                 if (!page.ok()) return ErrorResponse(page.error());
                 store::WelfareQuery q;
                 q.reporter_user_id = req.principal->user.id;
                 auto list = store_.ListWelfareSubjects(req.principal->scope(), q, *page);
                 if (!list.ok()) return ErrorResponse(list.error());
                 const Timestamp now = clock_.Now();
                 nlohmann::json items = nlohmann::json::array();
                 for (const auto& s : list->items) items.push_back(elder_json(s, now));
                 return SafeJsonResponse({{"items", items}, {"total", list->total}, {"now", now}});
               }, true});

  router_.Add({"GET", "/api/v1/welfare/my-elders/{person_id}", Access::kUser,
               "One assigned person with the reporter's own visits (404, audited, when not assigned)", "welfare",
               [this, elder_json, audit_denied](Request& req) {
                 if (!base_) return BaseDataUnavailable();
                 if (!IsReporter(req)) return ErrorResponse(403, "forbidden", "only reporter accounts have assigned people");
                 auto id = PositiveParam(req, "person_id");
                 if (!id) return ErrorResponse(MakeError(ErrorCode::kNotFound, "welfare subject not found"));
                 auto s = store_.GetWelfareSubject(req.principal->scope(), *id, req.principal->user.id);
                 if (!s.ok()) {
                   if (s.error().code == ErrorCode::kNotFound) audit_denied(req, *id, "read");
                   return ErrorResponse(s.error());
                 }
                 auto visits = store_.ListWelfareVisits(req.principal->scope(), {"", *id, req.principal->user.id},
                                                        store::Page{20, 0});
                 if (!visits.ok()) return ErrorResponse(visits.error());
                 nlohmann::json j = elder_json(*s, clock_.Now());
                 nlohmann::json items = nlohmann::json::array();
                 for (const auto& v : visits->items) items.push_back(VisitJson(v));
                 j["visits"] = items;
                 return SafeJsonResponse(j);
               }, true});

  router_.Add({"POST", "/api/v1/welfare/visits", Access::kUser,
               "Record a visit {person_id, health: well|unwell|urgent, meal, medicine, need, note, visited_at, "
               "idempotency_key} (JSON, or multipart with one `photo`); urgent opens a welfare_check case",
               "welfare", [this, audit_denied](Request& req) {
                 if (!base_) return BaseDataUnavailable();
                 if (!IsReporter(req) && !IsCareWorker(req)) return NotAllowed();
                 std::shared_ptr<const store::NewPhoto> photo;
                 nlohmann::json body;
                 if (IsMultipartFormData(req.Header("content-type"))) {
                   auto form = ReadUploadForm(req, upload_options("photo", 1));
                   if (!form.ok()) return ErrorResponse(form.error());
                   auto j = FieldsAsJson(form->fields, {"person_id", "visited_at"});
                   if (!j.ok()) return ErrorResponse(j.error());
                   body = std::move(j).value();
                   if (!form->photos.empty()) photo = form->photos.front();
                 } else {
                   auto j = ParseJsonObject(req);
                   if (!j.ok()) return ErrorResponse(j.error());
                   body = std::move(j).value();
                 }
                 welfare::VisitInput in;
                 auto person = IntField(body, "person_id", true, 1, 999'999'999'999'999);
                 if (!person.ok()) return ErrorResponse(person.error());
                 in.person_id = *person;
                 auto at = IntField(body, "visited_at", false, 0, 9'999'999'999'999);
                 if (!at.ok()) return ErrorResponse(at.error());
                 in.visited_at = *at;
                 for (auto [key, out] : {std::pair{"meal", &in.meal}, std::pair{"medicine", &in.medicine}}) {
                   auto b = BoolOf(body, key);
                   if (!b) return ErrorResponse(MakeError(ErrorCode::kInvalid, std::string(key) + ": true or false"));
                   *out = *b;
                 }
                 for (auto [key, out] : {std::pair{"health", &in.health}, std::pair{"need", &in.need},
                                         std::pair{"note", &in.note}, std::pair{"idempotency_key", &in.idempotency_key}}) {
                   auto v = StringField(body, key, false, 8192);
                   if (!v.ok()) return ErrorResponse(v.error());
                   *out = *v;
                 }
                 const Timestamp now = clock_.Now();
                 auto visit = welfare::CheckVisit(in, req.principal->user, now);
                 if (!visit.ok()) return ErrorResponse(visit.error());
                 const bool reporter = IsReporter(req);
                 // A replay from the offline queue answers the first visit.
                 if (!in.idempotency_key.empty()) {
                   auto seen = store_.FindWelfareVisit(req.principal->user.id, in.idempotency_key);
                   if (!seen.ok()) return ErrorResponse(seen.error());
                   if (*seen) return SafeJsonResponse({{"visit", VisitJson(**seen)}, {"case_id", (*seen)->case_id}});
                 }
                 auto saved = RecordWelfareVisit(ActorOf(*req.principal), req.principal->scope(), reporter,
                                                 *std::move(visit), photo);
                 if (!saved.ok()) {
                   if (reporter && saved.error().code == ErrorCode::kNotFound) audit_denied(req, in.person_id, "visit");
                   return ErrorResponse(saved.error());
                 }
                 Response r = SafeJsonResponse({{"visit", VisitJson(*saved)}, {"case_id", saved->case_id}});
                 r.status = 201;
                 return r;
               }, true});

  router_.Add({"GET", "/api/v1/welfare/visits", Access::kUser,
               "Visits newest first: a reporter's own; staff and grid workers: under=, person_id=; paged", "welfare",
               [this](Request& req) {
                 if (!base_) return BaseDataUnavailable();
                 if (!IsReporter(req) && !IsCareWorker(req)) return NotAllowed();
                 auto page = ParsePage(req, 50, 500);
                 if (!page.ok()) return ErrorResponse(page.error());
                 store::WelfareVisitQuery q;
                 q.under = req.Query("under").value_or("");
                 auto person = IdQuery(req, "person_id");
                 if (!person.ok()) return ErrorResponse(person.error());
                 q.person_id = *person;
                 if (IsReporter(req)) q.visitor_user_id = req.principal->user.id;
                 auto list = store_.ListWelfareVisits(req.principal->scope(), q, *page);
                 if (!list.ok()) return ErrorResponse(list.error());
                 nlohmann::json items = nlohmann::json::array();
                 for (const auto& v : list->items) items.push_back(VisitJson(v));
                 return SafeJsonResponse({{"items", items}, {"total", list->total}});
               }, true});

  for (const char* suffix : {"", "/thumb"}) {
    const bool thumb = *suffix != '\0';
    router_.Add({"GET", std::string("/api/v1/welfare/visits/{id}/photo") + suffix, Access::kUser,
                 thumb ? "A visit photo's thumbnail (JPEG, no metadata)" : "A visit photo (re-encoded JPEG, no metadata)",
                 "welfare", [this, thumb](Request& req) {
                   if (!base_) return BaseDataUnavailable();
                   if (!IsReporter(req) && !IsCareWorker(req)) return NotAllowed();
                   auto id = PositiveParam(req, "id");
                   if (!id) return ErrorResponse(MakeError(ErrorCode::kNotFound, "photo not found"));
                   auto jpeg = store_.GetWelfareVisitPhoto(req.principal->scope(), *id,
                                                           IsReporter(req) ? req.principal->user.id : 0, thumb);
                   if (!jpeg.ok()) return ErrorResponse(jpeg.error());
                   Response r;
                   r.content_type = "image/jpeg";
                   r.body = std::move(jpeg).value();
                   r.AddHeader("Cache-Control", "private, max-age=3600");
                   return r;
                 }, true});
  }

  auto list_subjects = [this](Request& req, bool overdue_only) {
    if (!base_) return BaseDataUnavailable();
    if (!IsCareWorker(req)) return NotAllowed();
    auto page = ParsePage(req, 50, 500);
    if (!page.ok()) return ErrorResponse(page.error());
    store::WelfareQuery q;
    q.under = req.Query("under").value_or("");
    q.now = clock_.Now();
    q.overdue_only = overdue_only || req.Query("overdue").value_or("") == "true";
    q.active_only = req.Query("inactive").value_or("") != "true";
    auto reporter = IdQuery(req, "reporter");
    if (!reporter.ok()) return ErrorResponse(reporter.error());
    q.reporter_user_id = *reporter;
    auto list = store_.ListWelfareSubjects(req.principal->scope(), q, *page);
    if (!list.ok()) return ErrorResponse(list.error());
    nlohmann::json items = nlohmann::json::array();
    for (const auto& s : list->items) items.push_back(SubjectJson(s, q.now));
    return SafeJsonResponse({{"items", items}, {"limit", page->limit}, {"offset", page->offset},
                             {"total", list->total}, {"now", q.now}});
  };
  router_.Add({"GET", "/api/v1/welfare/subjects", Access::kUser,
               "The people enrolled for welfare visits under=CODE (reporter=, overdue=true, inactive=true), most overdue first",
               "welfare", [list_subjects](Request& req) { return list_subjects(req, false); }});
  router_.Add({"GET", "/api/v1/welfare/overdue", Access::kUser,
               "People not visited within their interval under=CODE, most overdue first, paged (limit, offset)",
               "welfare", [list_subjects](Request& req) { return list_subjects(req, true); }});

  auto subject_body = [](const nlohmann::json& body, store::WelfareSubject& s, bool creating) -> Status {
    auto interval = IntField(body, "interval_days", false, 1, store::kWelfareMaxIntervalDays,
                             creating ? welfare::kDefaultIntervalDays : s.interval_days);
    if (!interval.ok()) return interval.error();
    s.interval_days = static_cast<int>(*interval);
    if (body.contains("reporter_user_id") && body["reporter_user_id"].is_null()) {
      s.reporter_user_id = 0;
    } else {
      auto reporter = IntField(body, "reporter_user_id", false, 1, 999'999'999'999'999, s.reporter_user_id);
      if (!reporter.ok()) return reporter.error();
      s.reporter_user_id = *reporter;
    }
    if (body.contains("active")) {
      if (!body["active"].is_boolean()) return MakeError(ErrorCode::kInvalid, "active: true or false");
      s.active = body["active"].get<bool>();
    }
    return {};
  };

  router_.Add({"POST", "/api/v1/welfare/subjects", Access::kUser,
               "Enrol a person with a care tag {person_id, interval_days (default 3), reporter_user_id}", "welfare",
               [this, subject_body](Request& req) {
                 if (!base_) return BaseDataUnavailable();
                 if (!IsStaff(req)) return ErrorResponse(403, "forbidden", "only community staff may enrol people");
                 auto body = ParseJsonObject(req);
                 if (!body.ok()) return ErrorResponse(body.error());
                 auto person = IntField(*body, "person_id", true, 1, 999'999'999'999'999);
                 if (!person.ok()) return ErrorResponse(person.error());
                 store::WelfareSubject s;
                 s.person_id = *person;
                 if (auto st = subject_body(*body, s, true); !st.ok()) return ErrorResponse(st.error());
                 auto record = store_.GetRecord(req.principal->scope(), model::BaseEntity::kPerson, s.person_id);
                 if (!record.ok()) return ErrorResponse(record.error());
                 if (welfare::CareTagsOf(*dictionary_, record->fields).empty())
                   return ErrorResponse(MakeError(ErrorCode::kInvalid,
                                                  "person_id: the person carries no care tag (e.g. 独居老人); "
                                                  "set it in the base data first"));
                 s.enrolled_by = req.principal->user.id;
                 s.enrolled_at = clock_.Now();
                 auto created = store_.EnrolWelfareSubject(req.principal->scope(), s);
                 if (!created.ok()) return ErrorResponse(created.error());
                 return JsonResponse(SubjectJson(*created, clock_.Now()), 201);
               }});

  router_.Add({"PATCH", "/api/v1/welfare/subjects/{person_id}", Access::kUser,
               "Change a subject's interval_days, reporter_user_id (null: none) or active", "welfare",
               [this, subject_body](Request& req) {
                 if (!base_) return BaseDataUnavailable();
                 if (!IsStaff(req)) return ErrorResponse(403, "forbidden", "only community staff may change this");
                 auto id = PositiveParam(req, "person_id");
                 if (!id) return ErrorResponse(MakeError(ErrorCode::kNotFound, "welfare subject not found"));
                 auto body = ParseJsonObject(req);
                 if (!body.ok()) return ErrorResponse(body.error());
                 auto current = store_.GetWelfareSubject(req.principal->scope(), *id, 0);
                 if (!current.ok()) return ErrorResponse(current.error());
                 store::WelfareSubject s = *current;
                 if (auto st = subject_body(*body, s, false); !st.ok()) return ErrorResponse(st.error());
                 s.updated_at = clock_.Now();
                 auto updated = store_.UpdateWelfareSubject(req.principal->scope(), s);
                 if (!updated.ok()) return ErrorResponse(updated.error());
                 return SafeJsonResponse(SubjectJson(*updated, clock_.Now()));
               }});

  router_.Add({"GET", "/api/v1/welfare/reporters", Access::kUser,
               "Reporter accounts under=CODE with their assigned counts (for assignment)", "welfare",
               [this](Request& req) {
                 if (!IsStaff(req)) return ErrorResponse(403, "forbidden", "only community staff may assign reporters");
                 auto list = store_.ListWelfareReporters(req.principal->scope(), req.Query("under").value_or(""));
                 if (!list.ok()) return ErrorResponse(list.error());
                 nlohmann::json items = nlohmann::json::array();
                 for (const auto& r : *list) {
                   items.push_back({{"user_id", r.user_id}, {"username", r.username}, {"display_name", r.display_name},
                                    {"scope_code", r.scope_code}, {"subjects", r.subjects}});
                 }
                 return SafeJsonResponse({{"items", items}, {"total", items.size()}});
               }});
}

Result<store::WelfareVisit> App::RecordWelfareVisit(const cases::Actor& visitor, const model::Scope& scope,
                                                    bool reporter_only, store::WelfareVisit visit,
                                                    std::shared_ptr<const store::NewPhoto> photo) {
  auto subject = store_.GetWelfareSubject(scope, visit.person_id, reporter_only ? visitor.user_id : 0);
  if (!subject.ok()) return subject.error();
  if (!subject->active) return MakeError(ErrorCode::kNotFound, "welfare subject not found");
  if (visit.health == "urgent") {
    // The case first: an urgent visit is never stored without its case. Its key makes a retry
    // after a lost answer reuse the same case.
    CaseSubmission s;
    s.type = welfare::kCaseType;
    s.category = welfare::kUrgentCategory;
    s.grid_code = subject->grid_code;
    s.fields = welfare::UrgentCaseFields(*subject, visit);
    s.reporter = visitor;
    s.idempotency_key = "welfare-visit:" + std::to_string(visitor.user_id) + ":" +
                        (visit.idempotency_key.empty() ? auth::RandomToken(12) : visit.idempotency_key);
    if (photo) s.photos.push_back(photo);
    auto created = SubmitCase(s);
    if (!created.ok()) return created.error();
    visit.case_id = created->record.c.id;
  }
  store::WelfarePhoto stored;
  if (photo) stored = {photo->public_width, photo->public_height, photo->public_jpeg, photo->thumbnail_jpeg};
  return store_.RecordWelfareVisit(scope, std::move(visit), reporter_only, photo ? &stored : nullptr);
}

Result<int> App::EvaluateWelfare() {
  auto data = case_data();
  if (!data || !data->registry.Find(welfare::kCaseType)) return 0;
  const Timestamp now = clock_.Now();
  int opened = 0;
  for (int round = 0; round < 20; ++round) {  // at most 2,000 spells a run; the rest next time
    auto due = store_.ListNewlyOverdue(now, 100);
    if (!due.ok()) return due.error();
    if (due->empty()) break;
    for (const auto& s : *due) {
      CaseSubmission c;
      c.type = welfare::kCaseType;
      c.category = welfare::kOverdueCategory;
      c.grid_code = s.grid_code;
      c.fields = welfare::OverdueCaseFields(s, now);
      // Opened on the community's behalf by the deadline job (no account).
      c.reporter = cases::Actor{0, model::Role::kStaff, s.grid_code.substr(0, 12)};
      c.idempotency_key = "welfare-overdue:" + std::to_string(s.person_id) + ":" + std::to_string(s.due_at);
      auto created = SubmitCase(c);
      if (!created.ok()) return created.error();
      auto marked = store_.MarkWelfareOverdue(s.person_id, s.due_at, created->record.c.id);
      if (!marked.ok()) return marked.error();
      if (*marked) ++opened;
    }
    if (due->size() < 100) break;
  }
  return opened;
}

}  // namespace cg::api
