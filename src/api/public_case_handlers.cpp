// Public (no login) case routes: a resident's report without an account, the status page,
// the rating with the submission token, answered questions (有问必答) and officials' stats.
// Nothing here returns reporter data, user ids of staff or grid codes.
#include <algorithm>
#include <cmath>

#include "api/app.hpp"
#include "api/case_json.hpp"
#include "api/errors.hpp"
#include "api/json_body.hpp"
#include "api/multipart.hpp"
#include "api/photo_upload.hpp"
#include "auth/random.hpp"

namespace cg::api {
namespace {

// Stands in for an anonymous reporter who proved the submission token (no user has id -1).
constexpr std::int64_t kTokenHolder = -1;

// The transition by which the reporter rates the case from its current state: one the
// reporter may take, with an input named "rating".
const cases::TransitionSpec* RatingTransition(const cases::CaseType& type, const std::string& state) {
  for (const auto& t : type.transitions) {
    if (std::find(t.from.begin(), t.from.end(), state) == t.from.end()) continue;
    bool by_reporter = std::any_of(t.permissions.begin(), t.permissions.end(),
                                   [](const auto& p) { return p.relation == cases::Relation::kReporter; });
    bool has_rating = std::any_of(t.inputs.begin(), t.inputs.end(), [](const auto& f) { return f.code == "rating"; });
    if (by_reporter && has_rating) return &t;
  }
  return nullptr;
}

Result<double> RequiredNumber(const nlohmann::json& obj, const char* name, double min, double max) {
  if (!obj.contains(name) || !obj[name].is_number()) {
    return MakeError(ErrorCode::kInvalid, std::string("'") + name + "' must be a number");
  }
  double v = obj[name].get<double>();
  if (!(v >= min && v <= max)) return MakeError(ErrorCode::kInvalid, std::string("'") + name + "' is out of range");
  return v;
}

Timestamp EventAt(const cases::Case& c, const std::string& event) {
  for (const auto& e : c.timeline) {
    if (e.event == event) return e.at;
  }
  return 0;
}

}  // namespace

nlohmann::json App::PublicDuplicates(const store::CaseRecord& created) {
  nlohmann::json out = nlohmann::json::array();
  auto data = case_data();
  auto near = store_.Cases().ListNearby(created.c.type, created.c.category, created.lon, created.lat,
                                        kDuplicateRadiusM, 6);
  if (!near.ok() || !data) return out;
  const cases::CaseType* type = data->registry.Find(created.c.type);
  for (const auto& n : *near) {
    if (n.c.id == created.c.id) continue;
    const auto* state = type ? type->FindState(n.c.state) : nullptr;
    out.push_back({{"public_id", n.public_id}, {"category", n.c.category},
                   {"distance_m", std::round(store::DistanceMeters(created.lon, created.lat, n.lon, n.lat))},
                   {"state", n.c.state}, {"state_name", state ? state->label.zh : n.c.state},
                   {"status", n.public_open ? "open" : "closed"},
                   {"status_url", "/api/v1/public/cases/" + n.public_id}});
  }
  return out;
}

void App::RegisterPublicCaseRoutes() {
  router_.Add({"POST", "/api/v1/public/cases", Access::kPublic,
               "Report without an account (types that allow it): category, description, lon/lat, "
               "contact_phone; JSON, or multipart/form-data with up to 6 'photo' parts (EXIF GPS used "
               "when lon/lat are absent); returns the public id, a rating token once, photos and "
               "possible duplicates",
               "public", [this](Request& req) {
                 // Photos cost CPU: refuse an address over its quota before decoding anything.
                 if (IsMultipartFormData(req.Header("content-type")) &&
                     public_report_limiter_.RetryAfterMs(req.remote_address) > 0) {
                   return ErrorResponse(MakeError(ErrorCode::kRateLimited, "too many reports from this address; try later"));
                 }
                 CaseSubmission s;
                 std::optional<media::Gps> gps;
                 auto body = ReadSubmission(req, {"lon", "lat"}, s, gps);
                 if (!body.ok()) return ErrorResponse(body.error());
                 s.type = body->value("type", std::string("snap_report"));
                 auto category = StringField(*body, "category", true, 64);
                 if (!category.ok()) return ErrorResponse(category.error());
                 s.category = *category;
                 auto description = StringField(*body, "description", true, 20000);
                 if (!description.ok()) return ErrorResponse(description.error());
                 s.fields["description"] = *description;
                 auto phone = StringField(*body, "contact_phone", true, 20);
                 if (!phone.ok()) return ErrorResponse(phone.error());
                 s.fields["contact_phone"] = *phone;
                 auto address = StringField(*body, "address", false, 200);
                 if (!address.ok()) return ErrorResponse(address.error());
                 if (!address->empty()) s.fields["address"] = *address;
                 if (!body->contains("lon") && !body->contains("lat")) {
                   if (!gps) {
                     return ErrorResponse(MakeError(ErrorCode::kInvalid, "a location is required: 'lon' and 'lat', "
                                                                         "or a photo with an EXIF GPS position"));
                   }
                   (*body)["lon"] = gps->longitude;  // the first photo with an EXIF position
                   (*body)["lat"] = gps->latitude;
                 }
                 auto lon = RequiredNumber(*body, "lon", -180, 180);
                 if (!lon.ok()) return ErrorResponse(lon.error());
                 auto lat = RequiredNumber(*body, "lat", -90, 90);
                 if (!lat.ok()) return ErrorResponse(lat.error());
                 s.lon = *lon;
                 s.lat = *lat;
                 if (public_report_limiter_.RetryAfterMs(req.remote_address) > 0) {
                   return ErrorResponse(MakeError(ErrorCode::kRateLimited, "too many reports from this address; try later"));
                 }
                 std::string key = req.Header("idempotency-key");
                 if (key.size() > 200) return ErrorResponse(MakeError(ErrorCode::kInvalid, "Idempotency-Key too long"));
                 if (!key.empty()) s.idempotency_key = "p:" + req.remote_address + ":" + key;
                 std::string token = auth::RandomToken(24);
                 s.public_token_hash = auth::Sha256Hex(token);
                 auto created = SubmitCase(s);
                 if (!created.ok()) return ErrorResponse(created.error());
                 nlohmann::json j = {{"public_id", created->record.public_id},
                                     {"status_url", "/api/v1/public/cases/" + created->record.public_id},
                                     {"replayed", created->replayed}};
                 j["photos"] = PublicPhotosJson(created->record);
                 j["possible_duplicates"] = PublicDuplicates(created->record);
                 if (created->replayed) {
                   j["token"] = nullptr;  // given once, with the first response
                 } else {
                   public_report_limiter_.RecordFailure(req.remote_address);  // counts submissions
                   j["token"] = token;
                 }
                 return SafeJsonResponse(j, created->replayed ? 200 : 201);
               }});

  router_.Add({"GET", "/api/v1/public/cases/{public_id}", Access::kPublic,
               "Status page of a case: category, state, public status, timeline without people", "public",
               [this](Request& req) {
                 auto data = case_data();
                 if (!data) return ErrorResponse(503, "unavailable", "case types are not loaded");
                 auto r = store_.Cases().GetCaseByPublicId(req.params.at("public_id"));
                 if (!r.ok()) return ErrorResponse(r.error());
                 return SafeJsonResponse(PublicCaseJson(*r, data->registry.Find(r->c.type)));
               }});

  router_.Add({"POST", "/api/v1/public/cases/{public_id}/rating", Access::kPublic,
               "Rate a closed case once with the submission token: {token, rating, comment}", "public",
               [this](Request& req) {
                 auto data = case_data();
                 if (!data) return ErrorResponse(503, "unavailable", "case types are not loaded");
                 auto body = ParseJsonObject(req);
                 if (!body.ok()) return ErrorResponse(body.error());
                 auto token = StringField(*body, "token", true, 100);
                 if (!token.ok()) return ErrorResponse(token.error());
                 auto rating = StringField(*body, "rating", true, 64);
                 if (!rating.ok()) return ErrorResponse(rating.error());
                 auto comment = StringField(*body, "comment", false, 2000);
                 if (!comment.ok()) return ErrorResponse(comment.error());
                 auto r = store_.Cases().GetCaseByPublicId(req.params.at("public_id"));
                 if (!r.ok()) return ErrorResponse(r.error());
                 if (r->public_token_hash.empty() ||
                     !auth::SecureEquals(auth::Sha256Hex(*token), r->public_token_hash)) {
                   return ErrorResponse(MakeError(ErrorCode::kForbidden, "wrong token"));
                 }
                 const cases::CaseType* type = data->registry.Find(r->c.type);
                 const cases::TransitionSpec* t = type ? RatingTransition(*type, r->c.state) : nullptr;
                 if (!t) return ErrorResponse(MakeError(ErrorCode::kConflict, "a case can be rated once, after it is closed"));
                 cases::Case c = r->c;
                 const auto real_reporter = c.reporter_user_id;
                 if (!c.reporter_user_id) c.reporter_user_id = kTokenHolder;
                 cases::Actor actor{*c.reporter_user_id, model::Role::kResident, ""};
                 std::map<std::string, std::string> input{{"rating", *rating}};
                 if (!comment->empty()) input["comment"] = *comment;
                 Timestamp now = clock_.Now();
                 auto outcome = cases::Apply(*type, c, t->code, actor, input, now, data->calendar);
                 if (!outcome.ok()) return ErrorResponse(outcome.error());
                 store::CaseRecord updated = *r;
                 updated.c = std::move(outcome->updated);
                 updated.c.reporter_user_id = real_reporter;
                 const auto* state = type->FindState(updated.c.state);
                 updated.terminal = state && state->terminal;
                 updated.public_open = state && state->public_status == cases::PublicStatus::kOpen;
                 auto saved = store_.Cases().SaveCase(updated, r->version, outcome->notifications, now);
                 if (!saved.ok()) return ErrorResponse(saved.error());
                 return JsonResponse({{"public_id", r->public_id}, {"state", updated.c.state}, {"rated", true}});
               }});

  router_.Add({"GET", "/api/v1/public/officials", Access::kPublic,
               "Officials a public question (有问必答) may be addressed to: user id, title, unit", "public",
               [this](Request&) {
                 auto data = case_data();
                 if (!data) return ErrorResponse(503, "unavailable", "case types are not loaded");
                 nlohmann::json items = nlohmann::json::array();
                 for (const auto& o : data->officials) {
                   auto u = store_.FindUserByUsername(o.username);
                   if (!u.ok() || u->disabled) continue;  // not seeded here: not offered
                   auto unit = store_.GetOrgUnit(model::Scope::System(), u->scope_code, false);
                   items.push_back({{"user_id", u->id}, {"title", o.title.zh}, {"title_en", o.title.en},
                                    {"unit_code", u->scope_code}, {"unit_name", unit.ok() ? unit->name : ""}});
                 }
                 return SafeJsonResponse({{"items", items}});
               }});

  router_.Add({"GET", "/api/v1/public/nearby-cases", Access::kPublic,
               "Open cases of a category within 50 m of a point (possible duplicates before reporting): "
               "type, category, lon, lat", "public", [this](Request& req) {
                 auto data = case_data();
                 if (!data) return ErrorResponse(503, "unavailable", "case types are not loaded");
                 std::string type_code = req.Query("type").value_or("snap_report");
                 const cases::CaseType* type = data->registry.Find(type_code);
                 if (!type || !type->create_anonymous) {
                   return ErrorResponse(MakeError(ErrorCode::kInvalid, "unknown public case type"));
                 }
                 std::string category = req.Query("category").value_or("");
                 if (!type->FindCategory(category)) {
                   return ErrorResponse(MakeError(ErrorCode::kInvalid, "unknown 'category'"));
                 }
                 auto lon = NumberParam(req, "lon", -180, 180);
                 if (!lon.ok()) return ErrorResponse(lon.error());
                 auto lat = NumberParam(req, "lat", -90, 90);
                 if (!lat.ok()) return ErrorResponse(lat.error());
                 auto near = store_.Cases().ListNearby(type->code, category, *lon, *lat, 50, 6);
                 if (!near.ok()) return ErrorResponse(near.error());
                 nlohmann::json items = nlohmann::json::array();
                 for (const auto& r : *near) {
                   nlohmann::json j = PublicCaseJson(r, type);
                   j.erase("timeline");
                   j["description"] = r.description;
                   items.push_back(std::move(j));
                 }
                 return SafeJsonResponse({{"items", items}});
               }});

  router_.Add({"GET", "/api/v1/public/questions", Access::kPublic,
               "Answered public questions (有问必答) with answers; askers are not shown", "public",
               [this](Request& req) {
                 auto page = ParsePage(req, 50, 200);
                 if (!page.ok()) return ErrorResponse(page.error());
                 store::RequestFilter f;
                 f.type = "public_qa";
                 auto list = store_.Cases().ListRequests(f);
                 if (!list.ok()) return ErrorResponse(list.error());
                 nlohmann::json items = nlohmann::json::array();
                 std::int64_t total = 0;
                 for (const auto& brief : *list) {
                   auto r = store_.Cases().GetCaseByPublicId(brief.public_id);
                   if (!r.ok()) continue;
                   const auto& fl = r->c.fields;
                   auto answer = fl.find("answer");
                   if (answer == fl.end() || answer->second.empty()) continue;
                   auto pub = fl.find("public");
                   if (pub != fl.end() && pub->second == "false") continue;
                   if (total++ < page->offset || static_cast<std::int64_t>(items.size()) >= page->limit) continue;
                   std::string official;
                   if (auto it = fl.find("official_user_id"); it != fl.end()) {
                     auto u = store_.GetUser(std::stoll(it->second));
                     if (u.ok()) official = u->display_name.empty() ? u->username : u->display_name;
                   }
                   std::string unit_name;
                   if (auto it = fl.find("official_unit_code"); it != fl.end()) {
                     auto u = store_.GetOrgUnit(model::Scope::System(), it->second, false);
                     if (u.ok()) unit_name = u->name;
                   }
                   items.push_back({{"public_id", r->public_id}, {"category", r->c.category},
                                    {"title", fl.count("title") ? fl.at("title") : ""},
                                    {"question", fl.count("question") ? fl.at("question") : ""},
                                    {"answer", answer->second}, {"official", official}, {"office", unit_name},
                                    {"asked_at", Rfc3339(r->c.opened_at)},
                                    {"answered_at", Rfc3339(EventAt(r->c, "answer"))}, {"state", r->c.state}});
                 }
                 return SafeJsonResponse({{"items", items}, {"total", total}});
               }});

  router_.Add({"GET", "/api/v1/public/officials/stats", Access::kPublic,
               "Answer rate and median answer time per official (有问必答)", "public", [this](Request&) {
                 store::RequestFilter f;
                 f.type = "public_qa";
                 f.limit = 10000;
                 auto list = store_.Cases().ListRequests(f);
                 if (!list.ok()) return ErrorResponse(list.error());
                 struct Stat {
                   std::string unit;
                   std::int64_t asked = 0, answered = 0, late = 0;
                   std::vector<Timestamp> times;
                 };
                 std::map<std::string, Stat> by_official;
                 for (const auto& brief : *list) {
                   if (brief.c.state == "withdrawn") continue;
                   auto r = store_.Cases().GetCaseByPublicId(brief.public_id);
                   if (!r.ok()) continue;
                   auto it = r->c.fields.find("official_user_id");
                   if (it == r->c.fields.end()) continue;
                   Stat& s = by_official[it->second];
                   s.unit = r->c.fields.count("official_unit_code") ? r->c.fields.at("official_unit_code") : "";
                   ++s.asked;
                   for (const auto& e : r->c.timeline) {
                     if (e.event != "answer") continue;
                     ++s.answered;
                     if (e.late) ++s.late;
                     s.times.push_back(e.at - r->c.opened_at);
                     break;
                   }
                 }
                 nlohmann::json items = nlohmann::json::array();
                 for (auto& [id, s] : by_official) {
                   std::string name, office;
                   if (auto u = store_.GetUser(std::stoll(id)); u.ok()) name = u->display_name.empty() ? u->username : u->display_name;
                   if (auto u = store_.GetOrgUnit(model::Scope::System(), s.unit, false); u.ok()) office = u->name;
                   nlohmann::json median = nullptr;
                   if (!s.times.empty()) {
                     std::sort(s.times.begin(), s.times.end());
                     std::size_t n = s.times.size();
                     median = n % 2 ? s.times[n / 2] : (s.times[n / 2 - 1] + s.times[n / 2]) / 2;
                   }
                   items.push_back({{"official", name}, {"office", office}, {"questions", s.asked},
                                    {"answered", s.answered}, {"answered_late", s.late},
                                    {"answer_rate", s.asked ? static_cast<double>(s.answered) / s.asked : 0.0},
                                    {"median_answer_ms", median}});
                 }
                 return SafeJsonResponse({{"items", items}});
               }});
}

}  // namespace cg::api
