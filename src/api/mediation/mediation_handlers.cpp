// Dispute mediation over HTTP (docs/mediation.md, 人民调解法): the registry of organisations,
// rooms and mediators read and kept through the caller's scope; the checks the "mediation" case
// type needs beyond its data (CaseTypeHooks: the mediator assigned, the referring police room,
// the referral's outcome reported back to the room's unit); and the agreement PDF
// (人民调解协议书) of a case the caller may see.
#include "api/app.hpp"
#include "api/case_json.hpp"
#include "api/errors.hpp"
#include "api/json_body.hpp"

#include <charconv>

namespace cg::api {
namespace {

using model::Role;

bool IsStaff(const Request& req) {
  const Role r = req.principal->user.role;
  return r == Role::kAdmin || r == Role::kStaff;
}

nlohmann::json OrgJson(const store::MediationOrg& o, const std::string& unit_name) {
  return {{"id", o.id},           {"unit_code", o.unit_code}, {"unit_name", unit_name},
          {"kind", o.kind},       {"kind_name", mediation::OrgKindName(o.kind)},
          {"name", o.name},       {"field", o.field},         {"address", o.address},
          {"phone", o.phone},     {"mediators", o.mediators}, {"rooms", o.rooms},
          {"created_at", o.created_at}};
}

nlohmann::json RoomJson(const store::MediationRoom& r, const std::string& unit_name) {
  return {{"id", r.id},
          {"org_id", r.org_id},
          {"org_name", r.org_name},
          {"unit_code", r.unit_code},
          {"unit_name", unit_name},
          {"kind", r.kind},
          {"kind_name", mediation::RoomKindName(r.kind)},
          {"name", r.name},
          {"station", r.station},
          {"address", r.address},
          {"created_at", r.created_at}};
}

nlohmann::json MediatorJson(const store::Mediator& m) {
  return {{"id", m.id},           {"org_id", m.org_id},
          {"org_name", m.org_name}, {"unit_code", m.unit_code},
          {"name", m.name},       {"specialities", m.specialities},
          {"user_id", m.user_id == 0 ? nlohmann::json() : nlohmann::json(m.user_id)},
          {"active", m.active},   {"created_at", m.created_at},
          {"updated_at", m.updated_at}};
}

// The registry filters of a list request: under, kind (checked against `kinds`), org, active.
Result<store::MediationQuery> QueryOf(const Request& req, const std::vector<std::string>& kinds) {
  store::MediationQuery q;
  q.under = req.Query("under").value_or("");
  q.kind = req.Query("kind").value_or("");
  if (!q.kind.empty() && std::find(kinds.begin(), kinds.end(), q.kind) == kinds.end()) {
    std::string all;
    for (const auto& k : kinds) all += (all.empty() ? "" : ", ") + k;
    return MakeError(ErrorCode::kInvalid, "kind: one of " + all);
  }
  if (const std::string org = req.Query("org").value_or(""); !org.empty()) {
    auto [p, ec] = std::from_chars(org.data(), org.data() + org.size(), q.org_id);
    if (ec != std::errc() || p != org.data() + org.size() || q.org_id <= 0)
      return MakeError(ErrorCode::kInvalid, "org: a positive organisation id");
  }
  q.active_only = req.Query("active").value_or("") == "true";
  q.exact = req.Query("exact").value_or("") == "true";
  return q;
}

std::string FieldOf(const store::CaseRecord& c, const std::string& code) {
  auto it = c.c.fields.find(code);
  return it == c.c.fields.end() ? std::string() : it->second;
}

// States that end a police referral's mediation: the outcome goes back to the station.
bool IsOutcome(const std::string& state) {
  return state == "agreed" || state == "not_agreed" || state == "withdrawn" || state == "refused" ||
         state == "declined";
}

}  // namespace

void App::RegisterMediationRoutes() {
  auto unit_name = [this](const std::string& code) {
    auto u = store_.GetOrgUnit(model::Scope::System(), code, false);
    return u.ok() ? u->name : std::string();
  };
  auto mediation_type = [this]() -> const cases::CaseType* {
    auto data = case_data();
    return data ? data->registry.Find(mediation::kCaseType) : nullptr;
  };

  // --- the case type's checks -------------------------------------------------------------
  CaseTypeHooks hooks;
  hooks.before_create = [this](std::map<std::string, std::string>& fields) -> Status {
    auto room_id = fields.find("police_room_id");
    if (room_id == fields.end() || room_id->second.empty()) return {};
    std::int64_t id = 0;
    auto [p, ec] = std::from_chars(room_id->second.data(), room_id->second.data() + room_id->second.size(), id);
    if (ec != std::errc() || p != room_id->second.data() + room_id->second.size())
      return MakeError(ErrorCode::kInvalid, "field 'police_room_id': expected an integer");
    auto room = mediation_->PoliceRoom(id);
    if (!room.ok()) return room.error();
    if (fields["source"] != "police_referral")
      return MakeError(ErrorCode::kInvalid, "field 'police_room_id': only for source police_referral");
    if (fields["police_station"].empty()) fields["police_station"] = room->station;
    return {};
  };
  hooks.before_transition = [this](const store::CaseRecord& current, const std::string& transition,
                                   const std::map<std::string, std::string>& input) -> Status {
    if (transition != "assign") return {};
    std::int64_t user = 0;
    const std::string& v = input.at("mediator_user_id");  // required: the engine checked it
    std::from_chars(v.data(), v.data() + v.size(), user);
    return mediation_->CheckMediator(current.c.handling_unit_code, user);
  };
  hooks.after_transition = [this](const store::CaseRecord& updated, const std::string& transition,
                                  std::vector<cases::Notification>& notes) {
    // 公调对接: the referring police room's unit hears the outcome (its desk staff's bell).
    if (FieldOf(updated, "source") != "police_referral" || !IsOutcome(updated.c.state)) return;
    const std::string room_id = FieldOf(updated, "police_room_id");
    if (room_id.empty()) return;
    auto room = store_.GetMediationRoom(model::Scope::System(), std::stoll(room_id));
    if (!room.ok() || room->unit_code == updated.c.handling_unit_code) return;
    notes.push_back({cases::RecipientKind::kHandlingUnit, std::nullopt, room->unit_code, updated.c.id, transition});
  };
  case_hooks_[mediation::kCaseType] = std::move(hooks);

  // --- organisations --------------------------------------------------------------------------
  router_.Add({"GET", "/api/v1/mediation/organizations", Access::kUser,
               "Mediation organisations under `under` (default: the caller's scope), kind=community_committee|"
               "street_committee|street_centre|district_centre|city_centre|industry, limit/offset",
               "mediation", [this, unit_name](Request& req) {
                 auto q = QueryOf(req, mediation::OrgKinds());
                 if (!q.ok()) return ErrorResponse(q.error());
                 auto page = ParsePage(req, 50, 500);
                 if (!page.ok()) return ErrorResponse(page.error());
                 auto list = store_.ListMediationOrgs(req.principal->scope(), *q, *page);
                 if (!list.ok()) return ErrorResponse(list.error());
                 nlohmann::json items = nlohmann::json::array();
                 for (const auto& o : list->items) items.push_back(OrgJson(o, unit_name(o.unit_code)));
                 return JsonResponse({{"items", items}, {"total", list->total}});
               }});
  router_.Add({"GET", "/api/v1/mediation/organizations/{id}", Access::kUser,
               "One mediation organisation with its rooms and active mediators", "mediation",
               [this, unit_name](Request& req) {
                 auto id = PositiveParam(req, "id");
                 if (!id) return ErrorResponse(404, "not_found", "mediation organisation not found");
                 auto o = store_.GetMediationOrg(req.principal->scope(), *id);
                 if (!o.ok()) return ErrorResponse(o.error());
                 store::MediationQuery q;
                 q.under = o->unit_code;
                 q.org_id = o->id;
                 auto rooms = store_.ListMediationRooms(req.principal->scope(), q, {500, 0});
                 q.active_only = true;
                 auto mediators = store_.ListMediators(req.principal->scope(), q, {500, 0});
                 if (!rooms.ok()) return ErrorResponse(rooms.error());
                 if (!mediators.ok()) return ErrorResponse(mediators.error());
                 nlohmann::json j = OrgJson(*o, unit_name(o->unit_code));
                 j["room_list"] = nlohmann::json::array();
                 for (const auto& r : rooms->items) j["room_list"].push_back(RoomJson(r, unit_name(r.unit_code)));
                 j["mediator_list"] = nlohmann::json::array();
                 for (const auto& m : mediators->items) j["mediator_list"].push_back(MediatorJson(m));
                 return JsonResponse(j);
               }});
  router_.Add({"POST", "/api/v1/mediation/organizations", Access::kUser,
               "Register a mediation organisation (staff): unit_code, kind, name, field (industry), address, phone",
               "mediation", [this, unit_name](Request& req) {
                 auto body = ParseJsonObject(req);
                 if (!body.ok()) return ErrorResponse(body.error());
                 store::MediationOrg o;
                 for (auto [key, out, required, max] :
                      {std::tuple{"unit_code", &o.unit_code, true, 15}, std::tuple{"kind", &o.kind, true, 40},
                       std::tuple{"name", &o.name, true, 400}, std::tuple{"field", &o.field, false, 400},
                       std::tuple{"address", &o.address, false, 800}, std::tuple{"phone", &o.phone, false, 30}}) {
                   auto v = StringField(*body, key, required, max);
                   if (!v.ok()) return ErrorResponse(v.error());
                   *out = *v;
                 }
                 auto made = mediation_->CreateOrg(req.principal->scope(), req.principal->user, o);
                 if (!made.ok()) return ErrorResponse(made.error());
                 return JsonResponse(OrgJson(*made, unit_name(made->unit_code)), 201);
               }});

  // --- rooms ----------------------------------------------------------------------------------
  router_.Add({"GET", "/api/v1/mediation/rooms", Access::kUser,
               "Mediation rooms under `under` (default: the caller's scope), kind=police|brand|table, org=ID",
               "mediation", [this, unit_name](Request& req) {
                 auto q = QueryOf(req, mediation::RoomKinds());
                 if (!q.ok()) return ErrorResponse(q.error());
                 auto page = ParsePage(req, 50, 500);
                 if (!page.ok()) return ErrorResponse(page.error());
                 auto list = store_.ListMediationRooms(req.principal->scope(), *q, *page);
                 if (!list.ok()) return ErrorResponse(list.error());
                 nlohmann::json items = nlohmann::json::array();
                 for (const auto& r : list->items) items.push_back(RoomJson(r, unit_name(r.unit_code)));
                 return JsonResponse({{"items", items}, {"total", list->total}});
               }});
  router_.Add({"POST", "/api/v1/mediation/rooms", Access::kUser,
               "Register a mediation room (staff): org_id, unit_code, kind (brand|police|table), name, station "
               "(police rooms), address",
               "mediation", [this, unit_name](Request& req) {
                 auto body = ParseJsonObject(req);
                 if (!body.ok()) return ErrorResponse(body.error());
                 store::MediationRoom r;
                 auto org = IntField(*body, "org_id", true, 1, 1'000'000'000'000);
                 if (!org.ok()) return ErrorResponse(org.error());
                 r.org_id = *org;
                 for (auto [key, out, required, max] :
                      {std::tuple{"unit_code", &r.unit_code, true, 15}, std::tuple{"kind", &r.kind, true, 40},
                       std::tuple{"name", &r.name, true, 400}, std::tuple{"station", &r.station, false, 400},
                       std::tuple{"address", &r.address, false, 800}}) {
                   auto v = StringField(*body, key, required, max);
                   if (!v.ok()) return ErrorResponse(v.error());
                   *out = *v;
                 }
                 auto made = mediation_->CreateRoom(req.principal->scope(), req.principal->user, r);
                 if (!made.ok()) return ErrorResponse(made.error());
                 return JsonResponse(RoomJson(*made, unit_name(made->unit_code)), 201);
               }});

  // --- mediators ------------------------------------------------------------------------------
  router_.Add({"GET", "/api/v1/mediation/mediators", Access::kUser,
               "Mediators (staff) under `under` (exact=true: bound to it itself) or of org=ID, active=true for the active only", "mediation",
               [this](Request& req) {
                 if (!IsStaff(req)) return ErrorResponse(403, "forbidden", "only staff read the mediators");
                 auto q = QueryOf(req, {});
                 if (!q.ok()) return ErrorResponse(q.error());
                 auto page = ParsePage(req, 50, 500);
                 if (!page.ok()) return ErrorResponse(page.error());
                 auto list = store_.ListMediators(req.principal->scope(), *q, *page);
                 if (!list.ok()) return ErrorResponse(list.error());
                 nlohmann::json items = nlohmann::json::array();
                 for (const auto& m : list->items) items.push_back(MediatorJson(m));
                 return JsonResponse({{"items", items}, {"total", list->total}});
               }});
  router_.Add({"GET", "/api/v1/mediation/me", Access::kUser,
               "The caller's own mediator records (the organisations they mediate for)", "mediation",
               [this](Request& req) {
                 auto mine = store_.MediatorsOfUser(req.principal->user.id);
                 if (!mine.ok()) return ErrorResponse(mine.error());
                 nlohmann::json items = nlohmann::json::array();
                 for (const auto& m : *mine) items.push_back(MediatorJson(m));
                 return JsonResponse({{"items", items}});
               }});
  router_.Add({"POST", "/api/v1/mediation/mediators", Access::kUser,
               "Register a mediator (staff): org_id, name, specialities [dispute categories], user_id (optional)",
               "mediation", [this, mediation_type](Request& req) {
                 const cases::CaseType* type = mediation_type();
                 if (!type) return ErrorResponse(503, "unavailable", "case types are not loaded");
                 auto body = ParseJsonObject(req);
                 if (!body.ok()) return ErrorResponse(body.error());
                 store::Mediator m;
                 auto org = IntField(*body, "org_id", true, 1, 1'000'000'000'000);
                 if (!org.ok()) return ErrorResponse(org.error());
                 auto name = StringField(*body, "name", true, 200);
                 if (!name.ok()) return ErrorResponse(name.error());
                 auto specialities = StringListField(*body, "specialities", mediation::kMaxSpecialities, 64);
                 if (!specialities.ok()) return ErrorResponse(specialities.error());
                 auto user = IntField(*body, "user_id", false, 1, 1'000'000'000'000);
                 if (!user.ok()) return ErrorResponse(user.error());
                 m.org_id = *org;
                 m.name = *name;
                 m.specialities = *specialities;
                 m.user_id = *user;
                 auto made = mediation_->CreateMediator(req.principal->scope(), req.principal->user, m, *type);
                 if (!made.ok()) return ErrorResponse(made.error());
                 return JsonResponse(MediatorJson(*made), 201);
               }});
  router_.Add({"POST", "/api/v1/mediation/mediators/{id}", Access::kUser,
               "Update a mediator (staff): specialities [..], active true/false", "mediation",
               [this, mediation_type](Request& req) {
                 const cases::CaseType* type = mediation_type();
                 if (!type) return ErrorResponse(503, "unavailable", "case types are not loaded");
                 auto id = PositiveParam(req, "id");
                 if (!id) return ErrorResponse(404, "not_found", "mediator not found");
                 auto current = store_.GetMediator(req.principal->scope(), *id);
                 if (!current.ok()) return ErrorResponse(current.error());
                 auto body = ParseJsonObject(req);
                 if (!body.ok()) return ErrorResponse(body.error());
                 std::vector<std::string> specialities = current->specialities;
                 if (body->contains("specialities")) {
                   auto s = StringListField(*body, "specialities", mediation::kMaxSpecialities, 64);
                   if (!s.ok()) return ErrorResponse(s.error());
                   specialities = *s;
                 }
                 bool active = current->active;
                 if (body->contains("active")) {
                   if (!(*body)["active"].is_boolean()) return ErrorResponse(400, "invalid", "active: true or false");
                   active = (*body)["active"].get<bool>();
                 }
                 auto updated = mediation_->UpdateMediator(req.principal->scope(), req.principal->user, *id,
                                                           specialities, active, *type);
                 if (!updated.ok()) return ErrorResponse(updated.error());
                 return JsonResponse(MediatorJson(*updated));
               }});

  // --- the agreement document -----------------------------------------------------------------
  router_.Add({"GET", "/api/v1/cases/{id}/agreement.pdf", Access::kUser,
               "The mediation agreement (人民调解协议书) of a case in state agreed or later, as a PDF", "mediation",
               [this, mediation_type, unit_name](Request& req) {
                 auto c = store_.Cases().GetCase(ViewerOf(*req.principal), req.params.at("id"));
                 if (!c.ok()) return ErrorResponse(c.error());
                 const cases::CaseType* type = mediation_type();
                 if (!type) return ErrorResponse(503, "unavailable", "case types are not loaded");
                 if (c->c.type != mediation::kCaseType)
                   return ErrorResponse(409, "conflict", "only a mediation case has an agreement");
                 auto org = mediation_->OrganisationOf(c->c.handling_unit_code);
                 const std::string organisation =
                     org.ok() ? org->name : unit_name(c->c.handling_unit_code) + "人民调解委员会";
                 std::string mediator;
                 if (c->c.assignee_user_id) {
                   auto records = store_.MediatorsOfUser(*c->c.assignee_user_id);
                   if (records.ok()) {
                     for (const auto& m : *records)
                       if (m.unit_code == c->c.handling_unit_code) mediator = m.name;
                   }
                   if (mediator.empty()) {
                     if (auto u = store_.GetUser(*c->c.assignee_user_id); u.ok()) mediator = u->display_name;
                   }
                 }
                 auto agreement = mediation::AgreementOf(*c, *type, organisation, mediator);
                 if (!agreement.ok()) return ErrorResponse(agreement.error());
                 auto pdf = mediation::RenderAgreement(*agreement, clock_.Now());
                 if (!pdf.ok()) return ErrorResponse(pdf.error());
                 return PdfResponse(std::move(*pdf), "mediation-agreement-" + c->c.id + ".pdf");
               }});
}

}  // namespace cg::api
