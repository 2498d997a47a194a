// Cases over our API: /api/v1/case-types, /api/v1/cases..., /api/v1/notifications..., the
// deadline job, and loading of the case data. Public routes are in public_case_handlers.cpp.
#include <spdlog/spdlog.h>

#include <cmath>

#include "api/app.hpp"
#include "api/case_json.hpp"
#include "api/errors.hpp"
#include "api/json_body.hpp"
#include "auth/random.hpp"

namespace cg::api {
namespace {

Response Unavailable() {
  return ErrorResponse(503, "unavailable", "case types are not loaded");
}

// The latest non-empty timeline note (the Open311 status_notes and status page note).
std::string LastNote(const cases::Case& c) {
  for (auto it = c.timeline.rbegin(); it != c.timeline.rend(); ++it) {
    if (!it->note.empty()) return it->note;
  }
  return "";
}

// Mirrors the type's view of the case's state into the record's columns.
void Mirror(const cases::CaseType& type, store::CaseRecord& r) {
  const auto* state = type.FindState(r.c.state);
  r.terminal = state && state->terminal;
  r.public_open = state && state->public_status == cases::PublicStatus::kOpen;
  r.last_public_note = LastNote(r.c);
  auto d = r.c.fields.find("description");
  if (d != r.c.fields.end()) r.description = d->second;
}

// The transitions `actor` may take on `c` now.
std::vector<std::string> Actions(const cases::CaseType* type, const cases::Case& c, const cases::Actor& actor) {
  std::vector<std::string> out;
  if (!type) return out;
  for (const auto& t : type->transitions) {
    if (std::find(t.from.begin(), t.from.end(), c.state) != t.from.end() && cases::MayTake(t, c, actor)) {
      out.push_back(t.code);
    }
  }
  return out;
}

// A JSON object of strings (numbers and booleans are accepted and written as text).
Result<std::map<std::string, std::string>> StringMap(const nlohmann::json& obj, const std::string& what) {
  std::map<std::string, std::string> out;
  if (obj.is_null()) return out;
  if (!obj.is_object()) return MakeError(ErrorCode::kInvalid, "'" + what + "' must be an object");
  for (const auto& [k, v] : obj.items()) {
    if (v.is_string()) out[k] = v.get<std::string>();
    else if (v.is_boolean()) out[k] = v.get<bool>() ? "true" : "false";
    else if (v.is_number_integer()) out[k] = std::to_string(v.get<std::int64_t>());
    else if (v.is_number()) out[k] = Dump(v);
    else return MakeError(ErrorCode::kInvalid, "'" + what + "." + k + "' must be a string, number or boolean");
  }
  return out;
}

Result<std::optional<double>> OptNumber(const nlohmann::json& obj, const char* name, double min, double max) {
  if (!obj.contains(name) || obj[name].is_null()) return std::optional<double>();
  if (!obj[name].is_number()) return MakeError(ErrorCode::kInvalid, std::string("'") + name + "' must be a number");
  double v = obj[name].get<double>();
  if (!std::isfinite(v) || v < min || v > max) {
    return MakeError(ErrorCode::kInvalid, std::string("'") + name + "' is out of range");
  }
  return std::optional<double>(v);
}

}  // namespace

std::shared_ptr<const CaseData> App::case_data() const {
  std::lock_guard lock(index_mu_);
  return case_data_;
}

Status App::LoadCaseData() {
  auto registry = cases::CaseTypeRegistry::LoadDirectory(config_.data_root + "/case-types");
  if (!registry.ok()) return registry.error();
  auto routing = cases::RoutingTable::LoadFile(config_.data_root + "/case-types/routing.toml", &*registry);
  if (!routing.ok()) return routing.error();
  auto calendar = cases::Calendar::LoadDirectory(config_.data_root + "/calendar");
  if (!calendar.ok()) return calendar.error();
  auto officials = cases::LoadOfficials(config_.data_root + "/officials.toml");
  if (!officials.ok()) return officials.error();
  auto data = std::make_shared<CaseData>();
  data->officials = std::move(officials).value();
  data->registry = std::move(registry).value();
  data->routing = std::move(routing).value();
  data->calendar = std::move(calendar).value();
  spdlog::info("case data loaded types={} routing_rules={}", data->registry.All().size(),
               data->routing.rules().size());
  std::lock_guard lock(index_mu_);
  case_data_ = std::move(data);
  return {};
}

Result<store::CreatedCase> App::SubmitCase(const CaseSubmission& s) {
  auto data = case_data();
  if (!data) return MakeError(ErrorCode::kUnavailable, "case types are not loaded");
  const cases::CaseType* type = data->registry.Find(s.type);
  if (!type) return MakeError(ErrorCode::kInvalid, "unknown case type '" + s.type + "'");
  std::map<std::string, std::string> fields = s.fields;
  std::string grid = s.grid_code;
  if (s.lon && s.lat) {
    auto index = grid_index();
    std::optional<std::size_t> hit;
    if (index) hit = index->Locate(geo::Point{*s.lon, *s.lat});
    if (!hit) return MakeError(ErrorCode::kInvalid, "the location is outside every grid of the city");
    grid = index->CodeAt(*hit);
    for (const auto& f : type->fields) {
      if (f.type == cases::FieldType::kPoint && !fields.count(f.code)) {
        fields[f.code] = Dump(nlohmann::json(*s.lon)) + "," + Dump(nlohmann::json(*s.lat));
      }
    }
  }
  if (grid.empty()) return MakeError(ErrorCode::kInvalid, "a location (lon, lat) or grid_code is required");
  const auto hooks = case_hooks_.find(type->code);
  if (hooks != case_hooks_.end() && hooks->second.before_create) CG_RETURN_IF_ERROR(hooks->second.before_create(fields));
  Timestamp now = clock_.Now();
  auto created = cases::Create(*type, s.category, grid, fields, s.reporter, now, data->calendar, data->routing);
  if (!created.ok()) return created.error();
  store::NewCase n;
  n.record.c = std::move(created->created);
  n.record.lon = s.lon.value_or(0);
  n.record.lat = s.lat.value_or(0);
  n.record.public_id = auth::RandomToken(9);  // 12 characters, 72 bits
  n.record.public_token_hash = s.public_token_hash;
  n.record.idempotency_key = s.idempotency_key;
  if (!n.record.c.timeline.empty() && n.record.c.timeline.back().note.empty()) {
    n.record.c.timeline.back().note = "routed by rule " + created->rule_id;
  }
  if (keys_) {
    base::SealCaseFields(privacy::FieldCipher(*keys_), *type, n);  // phone numbers: encrypted, masked
  } else if (std::any_of(type->fields.begin(), type->fields.end(), [&](const auto& f) {
               auto it = n.record.c.fields.find(f.code);
               return cases::IsSealed(f.type) && it != n.record.c.fields.end() && !it->second.empty();
             })) {
    return MakeError(ErrorCode::kUnavailable, "no master key: a phone or ID number cannot be stored");
  }
  Mirror(*type, n.record);
  n.notifications = std::move(created->notifications);
  n.photos = s.photos;  // shared pointers: no bytes are copied
  return store_.Cases().CreateCase(n, now);
}

Result<int> App::EvaluateDueCases() {
  auto data = case_data();
  if (!data) return MakeError(ErrorCode::kUnavailable, "case types are not loaded");
  std::lock_guard lock(eval_mu_);
  Timestamp now = clock_.Now();
  int changed = 0;
  for (int round = 0; round < 100; ++round) {  // batches; a case evaluated once leaves the list
    auto ids = store_.Cases().ListDueIds(now, 500);
    if (!ids.ok()) return ids.error();
    int before = changed;
    for (const auto& id : *ids) {
      auto r = store_.Cases().GetCaseSystem(id);
      if (!r.ok()) continue;
      const cases::CaseType* type = data->registry.Find(r->c.type);
      if (!type) continue;
      auto ev = cases::Evaluate(*type, r->c, now, data->calendar);
      if (ev.kind == cases::EvaluationKind::kNone) continue;
      store::CaseRecord updated = *r;
      updated.c = std::move(ev.updated);
      Mirror(*type, updated);
      auto saved = store_.Cases().SaveCase(updated, r->version, ev.notifications, now);
      if (saved.ok()) {
        ++changed;
      } else if (saved.error().code != ErrorCode::kConflict) {
        return saved.error();
      }
    }
    if (changed == before || ids->size() < 500) break;
  }
  // Overdue welfare visits open their cases in the same job (api/welfare/welfare_handlers.cpp).
  auto welfare = EvaluateWelfare();
  if (!welfare.ok()) return welfare.error();
  changed += *welfare;
  if (changed) spdlog::info("deadline job changed={}", changed);
  return changed;
}

Response App::Transition(Request& req, const std::string& id, const std::string& name) {
  auto data = case_data();
  if (!data) return Unavailable();
  auto body = ParseJsonObject(req);
  if (!body.ok()) return ErrorResponse(body.error());
  const auto& p = *req.principal;
  auto current = store_.Cases().GetCase(ViewerOf(p), id);
  if (!current.ok()) return ErrorResponse(current.error());
  // The version the caller saw: If-Match ("3" or 3) or the body's "version".
  std::optional<std::int64_t> expected;
  std::string if_match = req.Header("if-match");
  if (!if_match.empty()) {
    std::string digits;
    for (char ch : if_match) {
      if (ch >= '0' && ch <= '9') digits += ch;
      else if (ch != '"' && ch != ' ' && ch != 'W' && ch != '/') return ErrorResponse(MakeError(ErrorCode::kInvalid, "bad If-Match"));
    }
    if (digits.empty() || digits.size() > 15) return ErrorResponse(MakeError(ErrorCode::kInvalid, "bad If-Match"));
    expected = std::stoll(digits);
  } else if (body->contains("version") && (*body)["version"].is_number_integer()) {
    expected = (*body)["version"].get<std::int64_t>();
  }
  if (!expected) {
    return ErrorResponse(MakeError(ErrorCode::kInvalid, "the case version is required (If-Match header or body 'version')"));
  }
  if (*expected != current->version) {
    return ErrorResponse(MakeError(ErrorCode::kConflict, "the case was changed by someone else (version " +
                                                            std::to_string(current->version) + ")"));
  }
  auto input = StringMap(body->value("input", nlohmann::json()), "input");
  if (!input.ok()) return ErrorResponse(input.error());
  if (body->contains("note")) {
    auto note = StringField(*body, "note", false, 8000);
    if (!note.ok()) return ErrorResponse(note.error());
    if (!note->empty()) (*input)["note"] = *note;
  }
  const cases::CaseType* type = data->registry.Find(current->c.type);
  if (!type) return ErrorResponse(MakeError(ErrorCode::kInternal, "case of an unknown type"));
  Timestamp now = clock_.Now();
  auto outcome = cases::Apply(*type, current->c, name, ActorOf(p), *input, now, data->calendar);
  if (!outcome.ok()) return ErrorResponse(outcome.error());
  const auto hooks = case_hooks_.find(type->code);
  if (hooks != case_hooks_.end() && hooks->second.before_transition) {
    if (Status st = hooks->second.before_transition(*current, name, *input); !st.ok()) return ErrorResponse(st.error());
  }
  store::CaseRecord updated = *current;
  updated.c = std::move(outcome->updated);
  Mirror(*type, updated);
  if (hooks != case_hooks_.end() && hooks->second.after_transition) {
    hooks->second.after_transition(updated, name, outcome->notifications);
  }
  auto saved = store_.Cases().SaveCase(updated, *expected, outcome->notifications, now);
  if (!saved.ok()) return ErrorResponse(saved.error());
  auto fresh = store_.Cases().GetCase(ViewerOf(p), id);
  if (!fresh.ok()) {
    // The transition moved the case out of the caller's sight (e.g. dispatched elsewhere).
    return SafeJsonResponse({{"id", id}, {"version", *saved}, {"visible", false}});
  }
  return SafeJsonResponse(CaseJson(*fresh, type, Actions(type, fresh->c, ActorOf(p))));
}

void App::RegisterCaseRoutes() {
  router_.Add({"GET", "/api/v1/case-types", Access::kUser, "Case types with categories, fields, states and transitions",
               "cases", [this](Request&) {
                 auto data = case_data();
                 if (!data) return Unavailable();
                 nlohmann::json items = nlohmann::json::array();
                 for (const auto* t : data->registry.All()) items.push_back(CaseTypeJson(*t));
                 return JsonResponse({{"items", items}});
               }});

  router_.Add({"POST", "/api/v1/cases", Access::kUser,
               "Open a case: type, category, lon/lat or grid_code, description, fields; JSON, or "
               "multipart/form-data with the same fields and up to 6 'photo' parts; Idempotency-Key honoured",
               "cases", [this](Request& req) {
                 CaseSubmission s;
                 std::optional<media::Gps> gps;
                 auto body = ReadSubmission(req, {"lon", "lat"}, s, gps);
                 if (!body.ok()) return ErrorResponse(body.error());
                 auto type = StringField(*body, "type", true, 64);
                 if (!type.ok()) return ErrorResponse(type.error());
                 s.type = *type;
                 auto category = StringField(*body, "category", false, 64);
                 if (!category.ok()) return ErrorResponse(category.error());
                 s.category = *category;
                 auto fields = StringMap(body->value("fields", nlohmann::json()), "fields");
                 if (!fields.ok()) return ErrorResponse(fields.error());
                 s.fields = std::move(fields).value();
                 if (body->contains("description")) {
                   auto d = StringField(*body, "description", false, 20000);
                   if (!d.ok()) return ErrorResponse(d.error());
                   s.fields["description"] = *d;
                 }
                 auto lon = OptNumber(*body, "lon", -180, 180);
                 if (!lon.ok()) return ErrorResponse(lon.error());
                 auto lat = OptNumber(*body, "lat", -90, 90);
                 if (!lat.ok()) return ErrorResponse(lat.error());
                 if (lon->has_value() != lat->has_value()) {
                   return ErrorResponse(MakeError(ErrorCode::kInvalid, "give both lon and lat"));
                 }
                 s.lon = *lon;
                 s.lat = *lat;
                 auto grid = StringField(*body, "grid_code", false, 32);
                 if (!grid.ok()) return ErrorResponse(grid.error());
                 s.grid_code = *grid;
                 // No location given: the first photo with an EXIF position, else the caller's unit.
                 if (s.grid_code.empty() && !s.lon && gps) {
                   s.lon = gps->longitude;
                   s.lat = gps->latitude;
                 }
                 if (s.grid_code.empty() && !s.lon) s.grid_code = req.principal->user.scope_code;
                 s.reporter = ActorOf(*req.principal);
                 std::string key = req.Header("idempotency-key");
                 if (key.size() > 200) return ErrorResponse(MakeError(ErrorCode::kInvalid, "Idempotency-Key too long"));
                 // Keys are per user: one user's key cannot return another user's case.
                 if (!key.empty()) s.idempotency_key = "u" + std::to_string(req.principal->user.id) + ":" + key;
                 auto created = SubmitCase(s);
                 if (!created.ok()) return ErrorResponse(created.error());
                 auto data = case_data();
                 const auto* t = data->registry.Find(created->record.c.type);
                 nlohmann::json j = CaseJson(created->record, t, Actions(t, created->record.c, *s.reporter));
                 // Possible duplicates: open cases of the same category within 50 m.
                 nlohmann::json dups = nlohmann::json::array();
                 if (s.lon) {
                   auto near = store_.Cases().ListNearby(created->record.c.type, created->record.c.category,
                                                         *s.lon, *s.lat, kDuplicateRadiusM, 6);
                   if (near.ok()) {
                     for (const auto& n : *near) {
                       if (n.c.id != created->record.c.id) dups.push_back(n.public_id);
                     }
                   }
                 }
                 j["possible_duplicates"] = dups;
                 j["replayed"] = created->replayed;
                 Response r = SafeJsonResponse(j, created->replayed ? 200 : 201);
                 r.AddHeader("Location", "/api/v1/cases/" + created->record.c.id);
                 return r;
               }});

  router_.Add({"GET", "/api/v1/cases", Access::kUser,
               "The caller's queue (scoped): state, type, overdue=true; ordered by due time; paged", "cases",
               [this](Request& req) {
                 auto data = case_data();
                 if (!data) return Unavailable();
                 auto page = ParsePage(req, 50, 500);
                 if (!page.ok()) return ErrorResponse(page.error());
                 store::CaseFilter f;
                 f.state = req.Query("state").value_or("");
                 f.type = req.Query("type").value_or("");
                 f.overdue_only = req.Query("overdue").value_or("") == "true";
                 f.now = clock_.Now();
                 auto list = store_.Cases().ListCases(ViewerOf(*req.principal), f, *page);
                 if (!list.ok()) return ErrorResponse(list.error());
                 JsonWriter w;
                 w.str().reserve(1024 + 768 * list->items.size());
                 w.BeginObject().Key("items").BeginArray();
                 for (const auto& r : list->items) WriteCaseSummary(w, r, data->registry.Find(r.c.type));
                 w.EndArray();
                 w.Key("limit").Int(page->limit).Key("offset").Int(page->offset).Key("total").Int(list->total);
                 w.EndObject();
                 Response resp;
                 resp.body = w.Take();
                 return resp;
               }, true});

  router_.Add({"GET", "/api/v1/cases/{id}", Access::kUser, "One case with its timeline and the caller's actions",
               "cases", [this](Request& req) {
                 auto data = case_data();
                 if (!data) return Unavailable();
                 auto r = store_.Cases().GetCase(ViewerOf(*req.principal), req.params.at("id"));
                 if (!r.ok()) return ErrorResponse(r.error());
                 const auto* t = data->registry.Find(r->c.type);
                 Response resp = SafeJsonResponse(CaseJson(*r, t, Actions(t, r->c, ActorOf(*req.principal))));
                 resp.AddHeader("ETag", "\"" + std::to_string(r->version) + "\"");
                 return resp;
               }, true});

  router_.Add({"POST", "/api/v1/cases/{id}/unmask", Access::kUser,
               "Show a case's clear phone or ID number (body: field, reason >= 4 chars; admin, staff, grid workers of "
               "its area; audited)",
               "cases", [this](Request& req) {
                 const model::Role role = req.principal->user.role;
                 if (role != model::Role::kAdmin && role != model::Role::kStaff && role != model::Role::kGridWorker) {
                   return ErrorResponse(403, "forbidden", "only admin, staff and grid workers may unmask");
                 }
                 if (!base_) return Unavailable();
                 auto c = store_.Cases().GetCase(ViewerOf(*req.principal), req.params.at("id"));
                 if (!c.ok()) return ErrorResponse(c.error());
                 auto body = ParseJsonObject(req);
                 if (!body.ok()) return ErrorResponse(body.error());
                 auto field = StringField(*body, "field", true, 64);
                 if (!field.ok()) return ErrorResponse(field.error());
                 auto reason = StringField(*body, "reason", true, 2000);
                 if (!reason.ok()) return ErrorResponse(reason.error());
                 auto value = base_->UnmaskCaseField(*c, *field, *reason, req.principal->user.id);
                 if (!value.ok()) return ErrorResponse(value.error());
                 return JsonResponse({{"id", req.params.at("id")}, {"field", *field}, {"value", *value}});
               }});

  router_.Add({"POST", "/api/v1/cases/{id}/transitions/{name}", Access::kUser,
               "Take a transition: {input:{...}, note, version} or If-Match; 409 if the case moved", "cases",
               [this](Request& req) { return Transition(req, req.params.at("id"), req.params.at("name")); }});

  router_.Add({"GET", "/api/v1/notifications", Access::kUser,
               "The caller's notifications (to them and to their org unit), newest first, with unread count",
               "cases", [this](Request& req) {
                 auto page = ParsePage(req, 50, 500);
                 if (!page.ok()) return ErrorResponse(page.error());
                 const auto& u = req.principal->user;
                 auto list = store_.Cases().ListNotifications({u.id, u.scope_code}, *page);
                 if (!list.ok()) return ErrorResponse(list.error());
                 nlohmann::json items = nlohmann::json::array();
                 for (const auto& n : list->items) {
                   items.push_back({{"id", n.id}, {"recipient", n.recipient}, {"case_id", n.case_id},
                                    {"event", n.event}, {"created_at", n.created_at},
                                    {"read_at", n.read_at ? nlohmann::json(*n.read_at) : nlohmann::json()}});
                 }
                 return JsonResponse({{"items", items}, {"total", list->total}, {"unread", list->unread}});
               }});

  router_.Add({"POST", "/api/v1/notifications/{id}/read", Access::kUser, "Mark one notification read", "cases",
               [this](Request& req) {
                 const std::string& id = req.params.at("id");
                 if (id.empty() || id.size() > 18 || id.find_first_not_of("0123456789") != std::string::npos) {
                   return ErrorResponse(MakeError(ErrorCode::kNotFound, "notification not found"));
                 }
                 const auto& u = req.principal->user;
                 auto st = store_.Cases().MarkNotificationRead({u.id, u.scope_code}, std::stoll(id), clock_.Now());
                 if (!st.ok()) return ErrorResponse(st.error());
                 return JsonResponse({{"id", std::stoll(id)}, {"read", true}});
               }});
}

}  // namespace cg::api
