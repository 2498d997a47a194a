// Base data (一标三实) over HTTP: /api/v1/{addresses,buildings,houses,persons,households,
// organisations}[/{id}[/history|/unmask]] and /api/v1/changes. ID and phone numbers are shown
// masked; unmasking is audited. See docs/base-data.md.
#include <charconv>

#include "api/app.hpp"
#include "api/errors.hpp"
#include "api/json_body.hpp"
#include "auth/random.hpp"

namespace cg::api {
namespace {

using model::BaseEntity;
using model::Role;

bool CanUseBaseData(const Request& req) {
  Role r = req.principal->user.role;
  return r == Role::kAdmin || r == Role::kStaff || r == Role::kGridWorker;
}

Response Forbidden() { return ErrorResponse(403, "forbidden", "your role may not use base data"); }

// The {id} path parameter; anything but a positive id is simply not found.
std::optional<std::int64_t> IdParam(const Request& req) {
  const std::string& text = req.params.at("id");
  std::int64_t id = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc() || p != text.data() + text.size() || id <= 0 || text.size() > 15) return std::nullopt;
  return id;
}

Response NotFound(BaseEntity e) {
  return ErrorResponse(404, "not_found", std::string(model::BaseEntityName(e)) + " not found");
}

Response InvalidFields(const Error& error, const std::vector<model::FieldError>& fields) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& f : fields) list.push_back({{"field", f.field}, {"message", f.message}});
  nlohmann::json body = {{"error", {{"code", ErrorCodeName(error.code)}, {"message", error.message}, {"fields", list}}}};
  return JsonResponse(body, HttpStatusOf(error.code));
}

// A JSON scalar as field text: strings as they are, numbers and booleans in JSON spelling.
std::optional<std::string> ScalarText(const nlohmann::json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_null()) return std::string();
  if (v.is_number() || v.is_boolean()) return v.dump();
  return std::nullopt;
}

// Splits a body into fields and attributes; `skip` names keys that are not fields.
Result<std::pair<model::Fields, model::Fields>> BodyFields(const nlohmann::json& body,
                                                            std::vector<model::FieldError>& errors) {
  model::Fields fields, attributes;
  for (auto it = body.begin(); it != body.end(); ++it) {
    if (it.key() == "version") continue;
    if (it.key() == "attributes") {
      if (!it.value().is_object()) {
        errors.push_back({"attributes", "expected an object of data-element code -> value"});
        continue;
      }
      for (auto a = it.value().begin(); a != it.value().end(); ++a) {
        auto text = ScalarText(a.value());
        if (!text) errors.push_back({a.key(), "expected a string, number or boolean"});
        else attributes[a.key()] = *text;
      }
      continue;
    }
    auto text = ScalarText(it.value());
    if (!text) errors.push_back({it.key(), "expected a string or number"});
    else fields[it.key()] = *text;
  }
  if (!errors.empty()) return MakeError(ErrorCode::kInvalid, "invalid fields");
  return std::pair{fields, attributes};
}

// Who writes and how: source=field_app marks the field app's writes in the change log.
store::WriteContext WriteContextOf(const Request& req, Timestamp now) {
  store::WriteContext ctx{req.principal->user.id, store::ChangeSource::kApi, now};
  if (auto src = req.Query("source"); src && *src == "field_app") ctx.source = store::ChangeSource::kFieldApp;
  return ctx;
}

}  // namespace

// The Idempotency-Key header (or `fallback`, e.g. a client-generated visit id) and a hash of the
// request, so a replay of the same POST returns the first result (docs/field-app.md).
Result<store::WriteContext> App::CreationContext(const Request& req, const std::string& fallback) const {
  store::WriteContext ctx = WriteContextOf(req, clock_.Now());
  std::string key = req.Header("idempotency-key");
  if (key.empty()) key = fallback;
  if (key.size() > 200) return MakeError(ErrorCode::kInvalid, "Idempotency-Key: at most 200 characters");
  for (unsigned char c : key) {
    if (c < 0x21 || c > 0x7E) return MakeError(ErrorCode::kInvalid, "Idempotency-Key: printable ASCII only");
  }
  ctx.idempotency_key = key;
  if (!key.empty()) ctx.request_hash = auth::Sha256Hex(req.method + " " + req.path + "\n" + req.body);
  return ctx;
}

nlohmann::json ChangeJson(const store::Change& c) {
  nlohmann::json j = {{"seq", c.seq},           {"entity", model::BaseEntityName(c.entity)},
                      {"entity_id", c.entity_id}, {"field", c.field},
                      {"actor_user_id", c.actor_user_id}, {"at", c.at},
                      {"source", c.source},     {"grid_code", c.grid_code}};
  j["old_value"] = c.old_value ? nlohmann::json(*c.old_value) : nlohmann::json(nullptr);
  j["new_value"] = c.new_value ? nlohmann::json(*c.new_value) : nlohmann::json(nullptr);
  return j;
}

nlohmann::json App::RecordJson(const store::BaseRecord& r) const {
  nlohmann::json fields = nlohmann::json::object(), attributes = nlohmann::json::object();
  for (const auto& [k, v] : base_->Present(r)) {
    (k.find('.') != std::string::npos ? attributes : fields)[k] = v;
  }
  nlohmann::json j = {{"id", r.id},           {"entity", model::BaseEntityName(r.entity)},
                      {"version", r.version}, {"grid_code", r.grid_code},
                      {"created_at", r.created_at}, {"updated_at", r.updated_at},
                      {"fields", fields},     {"attributes", attributes}};
  if (r.entity == BaseEntity::kHousehold) {
    nlohmann::json members = nlohmann::json::array();
    if (auto it = r.fields.find("members"); it != r.fields.end()) {
      for (const auto& [id, rel] : model::ParseMembers(it->second))
        members.push_back({{"person_id", id}, {"relation", rel}});
    }
    j["members"] = members;
  }
  return j;
}

void App::RegisterBaseRoutes() {
  auto unavailable = [] { return BaseDataUnavailable(); };
  for (BaseEntity e : model::kAllBaseEntities) {
    const std::string name = model::BaseEntityName(e);
    const std::string base = std::string("/api/v1/") + model::BaseEntityPlural(e);
    const std::string tag = "base-data";
    router_.Add({"POST", base, Access::kUser, "Create a " + name + " (fields, attributes; field-level errors; Idempotency-Key: a replay returns the first result)", tag,
                 [this, e, unavailable](Request& req) {
                   if (!base_) return unavailable();
                   if (!CanUseBaseData(req)) return Forbidden();
                   auto body = ParseJsonObject(req);
                   if (!body.ok()) return ErrorResponse(body.error());
                   std::vector<model::FieldError> errors;
                   auto parts = BodyFields(*body, errors);
                   if (!parts.ok()) return InvalidFields(parts.error(), errors);
                   auto ctx = CreationContext(req, "");
                   if (!ctx.ok()) return ErrorResponse(ctx.error());
                   auto created = base_->Create(req.principal->scope(), e, parts->first, parts->second, *ctx, &errors);
                   if (!created.ok()) {
                     if (created.error().code == ErrorCode::kNotFound) return ErrorResponse(404, "not_found", "grid not found");
                     if (created.error().message.starts_with("Idempotency-Key")) return ErrorResponse(created.error());
                     return InvalidFields(created.error(), errors);
                   }
                   return JsonResponse(RecordJson(*created), 201);
                 }});
    router_.Add({"GET", base, Access::kUser,
                 "List " + std::string(model::BaseEntityPlural(e)) +
                     " in scope (grid=, q= exact ID / ID tail 4 / phone / name part, limit, offset)",
                 tag, [this, e, unavailable](Request& req) {
                   if (!base_) return unavailable();
                   if (!CanUseBaseData(req)) return Forbidden();
                   auto page = ParsePage(req, 50, 500);
                   if (!page.ok()) return ErrorResponse(page.error());
                   base::Search s{req.Query("grid").value_or(""), req.Query("q").value_or(""), *page};
                   if (auto denied = CheckIdentifyingSearch(req, e, s.q)) return *denied;
                   auto list = base_->List(req.principal->scope(), e, s);
                   if (!list.ok()) {
                     if (list.error().code == ErrorCode::kNotFound) return ErrorResponse(404, "not_found", "grid not found");
                     return ErrorResponse(list.error());
                   }
                   nlohmann::json items = nlohmann::json::array();
                   for (const auto& r : list->items) items.push_back(RecordJson(r));
                   return JsonResponse({{"items", items}, {"total", list->total}});
                 }});
    router_.Add({"GET", base + "/{id}", Access::kUser, "One " + name + " (personal numbers masked)", tag,
                 [this, e, unavailable](Request& req) {
                   if (!base_) return unavailable();
                   auto id = IdParam(req);
                   if (!id) return NotFound(e);
                   auto r = base_->store().GetRecord(req.principal->scope(), e, *id);
                   if (!r.ok()) return ErrorResponse(r.error());
                   if (!CanUseBaseData(req)) return Forbidden();
                   return JsonResponse(RecordJson(*r));
                 }});
    router_.Add({"PATCH", base + "/{id}", Access::kUser,
                 "Change a " + name + " (body: version, changed fields, attributes; stale version: 409 with the current record and its history)", tag,
                 [this, e, unavailable](Request& req) {
                   if (!base_) return unavailable();
                   auto id = IdParam(req);
                   if (!id) return NotFound(e);
                   if (!CanUseBaseData(req)) {
                     auto r = base_->store().GetRecord(req.principal->scope(), e, *id);
                     if (!r.ok()) return ErrorResponse(r.error());
                     return Forbidden();
                   }
                   auto body = ParseJsonObject(req);
                   if (!body.ok()) return ErrorResponse(body.error());
                   std::vector<model::FieldError> errors;
                   if (!body->contains("version") || !(*body)["version"].is_number_integer()) {
                     // Existence first, so a foreign caller learns nothing from the validation.
                     auto r = base_->store().GetRecord(req.principal->scope(), e, *id);
                     if (!r.ok()) return ErrorResponse(r.error());
                     errors.push_back({"version", "required: the version you read"});
                     return InvalidFields(MakeError(ErrorCode::kInvalid, "version: required"), errors);
                   }
                   auto parts = BodyFields(*body, errors);
                   if (!parts.ok()) return InvalidFields(parts.error(), errors);
                   auto updated = base_->Patch(req.principal->scope(), e, *id, (*body)["version"].get<std::int64_t>(),
                                               parts->first, parts->second, WriteContextOf(req, clock_.Now()), &errors);
                   if (!updated.ok()) {
                     if (updated.error().code == ErrorCode::kInvalid) return InvalidFields(updated.error(), errors);
                     if (updated.error().code == ErrorCode::kConflict && updated.error().message.starts_with("version")) {
                       return StaleVersion(req, e, *id, updated.error());
                     }
                     return ErrorResponse(updated.error());
                   }
                   return JsonResponse(RecordJson(*updated));
                 }});
    router_.Add({"GET", base + "/{id}/history", Access::kUser,
                 "Change log of a " + name + ", oldest first (personal numbers masked)", tag,
                 [this, e, unavailable](Request& req) {
                   if (!base_) return unavailable();
                   auto id = IdParam(req);
                   if (!id) return NotFound(e);
                   auto h = base_->store().History(req.principal->scope(), e, *id);
                   if (!h.ok()) return ErrorResponse(h.error());
                   if (!CanUseBaseData(req)) return Forbidden();
                   nlohmann::json items = nlohmann::json::array();
                   for (const auto& c : *h) items.push_back(ChangeJson(c));
                   return JsonResponse({{"items", items}});
                 }});
  }
  router_.Add({"POST", "/api/v1/persons/{id}/unmask", Access::kUser,
               "Show a person's clear ID or phone number (body: field, reason >= 4 chars; admin/staff; audited)",
               "base-data", [this, unavailable](Request& req) {
                 if (!base_) return unavailable();
                 auto id = IdParam(req);
                 if (!id) return NotFound(BaseEntity::kPerson);
                 auto scope = req.principal->scope();
                 auto person = base_->store().GetRecord(scope, BaseEntity::kPerson, *id);
                 if (!person.ok()) return ErrorResponse(person.error());
                 Role role = req.principal->user.role;
                 if (role != Role::kAdmin && role != Role::kStaff) {
                   return ErrorResponse(403, "forbidden", "only admin and staff may unmask");
                 }
                 auto body = ParseJsonObject(req);
                 if (!body.ok()) return ErrorResponse(body.error());
                 auto field = StringField(*body, "field");
                 if (!field.ok()) return ErrorResponse(field.error());
                 auto reason = StringField(*body, "reason", true, 2000);
                 if (!reason.ok()) return ErrorResponse(reason.error());
                 auto value = base_->Unmask(scope, *id, *field, *reason, req.principal->user.id);
                 if (!value.ok()) return ErrorResponse(value.error());
                 return JsonResponse({{"id", *id}, {"field", *field}, {"value", *value}});
               }});
  router_.Add({"GET", "/api/v1/changes", Access::kUser,
               "Change feed for offline sync: rows after since= in the caller's scope (limit <= 1000)",
               "base-data", [this, unavailable](Request& req) {
                 if (!base_) return unavailable();
                 if (!CanUseBaseData(req)) return Forbidden();
                 std::int64_t since = 0, limit = 500;
                 for (auto [name, out, max] : {std::tuple{"since", &since, std::int64_t{1} << 62},
                                               std::tuple{"limit", &limit, std::int64_t{1000}}}) {
                   if (auto v = req.Query(name); v && !v->empty()) {
                     auto [p, ec] = std::from_chars(v->data(), v->data() + v->size(), *out);
                     if (ec != std::errc() || p != v->data() + v->size() || *out < 0 || *out > max)
                       return ErrorResponse(400, "invalid", std::string("query parameter '") + name + "' must be an integer from 0");
                   }
                 }
                 auto changes = base_->store().ChangesSince(req.principal->scope(), since, limit);
                 if (!changes.ok()) return ErrorResponse(changes.error());
                 nlohmann::json items = nlohmann::json::array();
                 for (const auto& c : *changes) items.push_back(ChangeJson(c));
                 std::int64_t next = changes->empty() ? since : changes->back().seq;
                 return JsonResponse({{"items", items}, {"next_since", next}});
               }});
}

Response App::StaleVersion(const Request& req, BaseEntity e, std::int64_t id, const Error& error) {
  auto scope = req.principal->scope();
  nlohmann::json body = {{"error", {{"code", "conflict"}, {"message", error.message}}}};
  auto current = base_->store().GetRecord(scope, e, id);
  auto history = base_->store().History(scope, e, id);
  if (current.ok()) body["current"] = RecordJson(*current);
  nlohmann::json items = nlohmann::json::array();
  if (history.ok()) {
    for (const auto& c : *history) items.push_back(ChangeJson(c));
  }
  body["history"] = items;
  return JsonResponse(body, 409);
}

std::optional<Response> App::CheckIdentifyingSearch(const Request& req, BaseEntity e, const std::string& q) {
  auto kind = base::ClassifySearch(e, q, DateAt(clock_.Now()));
  if (kind == base::SearchKind::kNone || kind == base::SearchKind::kText) return std::nullopt;
  const std::string key = std::to_string(req.principal->user.id);
  if (std::int64_t wait = id_search_limiter_.RetryAfterMs(key); wait > 0) {
    Response r = ErrorResponse(429, "rate_limited", "too many ID and phone searches; try again later");
    r.AddHeader("Retry-After", std::to_string((wait + 999) / 1000));
    return r;
  }
  id_search_limiter_.RecordFailure(key);  // counts searches
  store::AuditEntry entry;
  entry.at = clock_.Now();
  entry.actor_user_id = req.principal->user.id;
  entry.action = "search_id";
  entry.entity = model::BaseEntityName(e);
  entry.field = base::SearchKindName(kind);  // never the searched value
  entry.reason = "list " + std::string(model::BaseEntityPlural(e));
  if (auto logged = base_->store().AppendAudit(entry); !logged.ok()) return ErrorResponse(logged.error());
  return std::nullopt;
}

Status App::EnableBaseData(privacy::KeyRing keys, forms::Dictionary dictionary) {
  keys_ = std::make_unique<privacy::KeyRing>(std::move(keys));
  dictionary_ = std::make_unique<forms::Dictionary>(std::move(dictionary));
  base_ = std::make_unique<base::Service>(store_, *keys_, *dictionary_, clock_);
  deliberation_ = std::make_unique<deliberation::Service>(store_, clock_, base_.get());
  feed_ = std::make_unique<base::ChangeFeed>(store_);
  // Projections register here, before Start.
  reports_ = std::make_unique<reports::Catalog>(store_, *dictionary_, clock_);
  CG_RETURN_IF_ERROR(reports_->Load(config_.data_root + "/reports", *feed_));
  search_ = std::make_unique<base::SearchProjection>();
  feed_->Add(search_.get());
  base_->UseSearchIndex(search_.get());
  CG_RETURN_IF_ERROR(feed_->Start());
  base_->SetChangeFeed(feed_.get());
  return {};
}

Status App::CatchUpChanges() {
  if (!feed_) return {};
  CG_RETURN_IF_ERROR(feed_->CatchUp());
  return reports_->Refresh();
}

}  // namespace cg::api
