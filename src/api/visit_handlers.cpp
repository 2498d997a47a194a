// Household visits over HTTP: /api/v1/households/{id}/visits and /api/v1/visits. A visit is
// recorded once per client-generated id (Idempotency-Key or body client_id), so the field app
// can replay its offline queue. See docs/field-app.md.
#include <charconv>
#include <regex>

#include "api/app.hpp"
#include "api/errors.hpp"
#include "api/json_body.hpp"

namespace cg::api {
namespace {

using model::Role;

constexpr std::size_t kMaxChecklistItems = 30;
constexpr std::size_t kMaxChangedRecords = 200;
constexpr std::int64_t kMaxClockSkewMs = 10 * 60'000;           // visited_at may lead the server by this
constexpr std::int64_t kMaxVisitAgeMs = 90LL * 24 * 3600'000;   // an offline queue older than this is refused

bool CanVisit(const Request& req) {
  Role r = req.principal->user.role;
  return r == Role::kAdmin || r == Role::kStaff || r == Role::kGridWorker;
}

std::optional<std::int64_t> PositiveInt(const std::string& text) {
  std::int64_t v = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || p != text.data() + text.size() || v <= 0 || text.size() > 15) return std::nullopt;
  return v;
}

nlohmann::json VisitJson(const store::Visit& v) {
  nlohmann::json checklist = nlohmann::json::object();
  for (const auto& [k, val] : v.checklist) checklist[k] = val;
  return {{"id", v.id},
          {"household_id", v.household_id},
          {"grid_code", v.grid_code},
          {"visitor_user_id", v.visitor_user_id},
          {"visited_at", v.visited_at},
          {"checklist", checklist},
          {"notes", v.notes},
          {"changed_records", v.changed_records},
          {"change_seq", v.change_seq},
          {"created_at", v.created_at}};
}

// Reads the visit body: visited_at (ms, optional), checklist {item: text|bool}, notes,
// changed_records ["person:12", ...]. kInvalid naming the field.
Result<store::Visit> ParseVisit(const nlohmann::json& body, Timestamp now) {
  static const std::regex kItem("[a-z][a-z0-9_]{0,39}");
  static const std::regex kRef("(address|building|house|person|household|organisation):[1-9][0-9]{0,14}");
  store::Visit v;
  v.visited_at = now;
  if (auto it = body.find("visited_at"); it != body.end() && !it->is_null()) {
    if (!it->is_number_integer()) return MakeError(ErrorCode::kInvalid, "visited_at: expected milliseconds since 1970");
    v.visited_at = it->get<std::int64_t>();
    if (v.visited_at > now + kMaxClockSkewMs) return MakeError(ErrorCode::kInvalid, "visited_at: in the future");
    if (v.visited_at < now - kMaxVisitAgeMs) return MakeError(ErrorCode::kInvalid, "visited_at: more than 90 days ago");
  }
  if (auto it = body.find("checklist"); it != body.end()) {
    if (!it->is_object()) return MakeError(ErrorCode::kInvalid, "checklist: expected an object of item -> value");
    if (it->size() > kMaxChecklistItems) return MakeError(ErrorCode::kInvalid, "checklist: at most 30 items");
    for (auto c = it->begin(); c != it->end(); ++c) {
      if (!std::regex_match(c.key(), kItem)) {
        return MakeError(ErrorCode::kInvalid, "checklist: item names are lower-case letters, digits and _");
      }
      std::string value;
      if (c->is_string()) value = c->get<std::string>();
      else if (c->is_boolean()) value = c->get<bool>() ? "yes" : "no";
      else return MakeError(ErrorCode::kInvalid, "checklist." + c.key() + ": expected text or true/false");
      if (value.size() > 500) return MakeError(ErrorCode::kInvalid, "checklist." + c.key() + ": at most 500 bytes");
      v.checklist[c.key()] = value;
    }
  }
  auto notes = StringField(body, "notes", false, 4000);
  if (!notes.ok()) return notes.error();
  v.notes = *notes;
  if (auto it = body.find("changed_records"); it != body.end()) {
    if (!it->is_array() || it->size() > kMaxChangedRecords) {
      return MakeError(ErrorCode::kInvalid, "changed_records: expected at most 200 \"entity:id\" strings");
    }
    for (const auto& r : *it) {
      if (!r.is_string() || !std::regex_match(r.get<std::string>(), kRef)) {
        return MakeError(ErrorCode::kInvalid, "changed_records: expected \"entity:id\", e.g. \"person:12\"");
      }
      v.changed_records.push_back(r.get<std::string>());
    }
  }
  if (v.checklist.empty() && v.notes.empty()) {
    return MakeError(ErrorCode::kInvalid, "checklist or notes: a visit records what was checked");
  }
  return v;
}

}  // namespace

void App::RegisterVisitRoutes() {
  auto unavailable = [] { return BaseDataUnavailable(); };
  router_.Add({"POST", "/api/v1/households/{id}/visits", Access::kUser,
               "Record a household visit (visited_at, checklist, notes, changed_records; Idempotency-Key or "
               "client_id: a replay returns the first visit)",
               "visits", [this, unavailable](Request& req) {
                 if (!base_) return unavailable();
                 auto id = PositiveInt(req.params.at("id"));
                 if (!id) return ErrorResponse(404, "not_found", "household not found");
                 auto scope = req.principal->scope();
                 if (!CanVisit(req)) {
                   auto h = store_.GetRecord(scope, model::BaseEntity::kHousehold, *id);
                   if (!h.ok()) return ErrorResponse(h.error());
                   return ErrorResponse(403, "forbidden", "your role may not record visits");
                 }
                 auto body = ParseJsonObject(req);
                 if (!body.ok()) return ErrorResponse(body.error());
                 auto client_id = StringField(*body, "client_id", false, 200);
                 if (!client_id.ok()) return ErrorResponse(client_id.error());
                 auto ctx = CreationContext(req, *client_id);
                 if (!ctx.ok()) return ErrorResponse(ctx.error());
                 if (req.Query("source").value_or("") == "field_app") ctx->source = store::ChangeSource::kFieldApp;
                 auto visit = ParseVisit(*body, clock_.Now());
                 if (!visit.ok()) {
                   // Existence first, so a foreign caller learns nothing from the validation.
                   auto h = store_.GetRecord(scope, model::BaseEntity::kHousehold, *id);
                   if (!h.ok()) return ErrorResponse(h.error());
                   return ErrorResponse(visit.error());
                 }
                 visit->household_id = *id;
                 visit->visitor_user_id = req.principal->user.id;
                 auto created = store_.CreateVisit(scope, *visit, *ctx);
                 if (!created.ok()) return ErrorResponse(created.error());
                 return JsonResponse(VisitJson(*created), 201);
               }});
  router_.Add({"GET", "/api/v1/households/{id}/visits", Access::kUser,
               "Visits of a household, newest first (limit, offset)", "visits", [this, unavailable](Request& req) {
                 if (!base_) return unavailable();
                 auto id = PositiveInt(req.params.at("id"));
                 if (!id) return ErrorResponse(404, "not_found", "household not found");
                 auto scope = req.principal->scope();
                 auto h = store_.GetRecord(scope, model::BaseEntity::kHousehold, *id);
                 if (!h.ok()) return ErrorResponse(h.error());
                 if (!CanVisit(req)) return ErrorResponse(403, "forbidden", "your role may not read visits");
                 auto page = ParsePage(req, 50, 500);
                 if (!page.ok()) return ErrorResponse(page.error());
                 store::VisitQuery q;
                 q.household_id = *id;
                 auto list = store_.ListVisits(scope, q, *page);
                 if (!list.ok()) return ErrorResponse(list.error());
                 nlohmann::json items = nlohmann::json::array();
                 for (const auto& v : list->items) items.push_back(VisitJson(v));
                 return JsonResponse({{"items", items}, {"total", list->total}});
               }});
  router_.Add({"GET", "/api/v1/visits", Access::kUser,
               "Visits in scope, newest first (grid=, household=, from=, to= ms, limit, offset)", "visits",
               [this, unavailable](Request& req) {
                 if (!base_) return unavailable();
                 if (!CanVisit(req)) return ErrorResponse(403, "forbidden", "your role may not read visits");
                 auto page = ParsePage(req, 50, 500);
                 if (!page.ok()) return ErrorResponse(page.error());
                 store::VisitQuery q;
                 q.grid_prefix = req.Query("grid").value_or("");
                 for (auto [name, out] : {std::pair{"household", &q.household_id}, std::pair{"from", &q.from},
                                          std::pair{"to", &q.to}}) {
                   if (auto v = req.Query(name); v && !v->empty()) {
                     auto n = PositiveInt(*v);
                     if (!n) return ErrorResponse(400, "invalid", std::string("query parameter '") + name +
                                                                      "' must be a positive integer");
                     *out = *n;
                   }
                 }
                 auto list = store_.ListVisits(req.principal->scope(), q, *page);
                 if (!list.ok()) {
                   if (list.error().code == ErrorCode::kNotFound) return ErrorResponse(404, "not_found", "grid not found");
                   return ErrorResponse(list.error());
                 }
                 nlohmann::json items = nlohmann::json::array();
                 for (const auto& v : list->items) items.push_back(VisitJson(v));
                 return JsonResponse({{"items", items}, {"total", list->total}});
               }});
}

}  // namespace cg::api
