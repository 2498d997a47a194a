// Notices and loudspeaker stations over HTTP (docs/notices.md): staff publish and withdraw
// notices and register stations; the public site lists a community's notices; a station polls
// its playlist, downloads audio and acknowledges plays with its own token
// (Authorization: Bearer cgst_...), never with a session.
#include <charconv>

#include "api/app.hpp"
#include "api/case_json.hpp"
#include "api/errors.hpp"
#include "api/json_body.hpp"
#include "api/multipart.hpp"
#include "api/photo_upload.hpp"

namespace cg::api {
namespace {

using model::Role;

bool CanPublish(const Request& req) {
  const Role r = req.principal->user.role;
  return r == Role::kAdmin || r == Role::kStaff;
}

// The URL of a notice's image under `base` (staff or public route), or null when it has none.
nlohmann::json ImageUrl(const char* base, const store::Notice& n) {
  if (n.image_width <= 0) return nullptr;
  return std::string(base) + std::to_string(n.id) + "/image";
}

// A boolean form field as sent by a multipart form ("true"/"false", "1"/"0", "on"); other values
// are left for BoolField to refuse.
void FormBool(nlohmann::json& body, const char* name) {
  auto it = body.find(name);
  if (it == body.end() || !it->is_string()) return;
  const std::string v = it->get<std::string>();
  if (v == "true" || v == "1" || v == "on") *it = true;
  else if (v == "false" || v == "0" || v.empty()) *it = false;
}

Response ImageResponse(std::string jpeg, const char* cache) {
  Response r;
  r.content_type = "image/jpeg";
  r.body = std::move(jpeg);
  r.AddHeader("Cache-Control", cache);
  r.AddHeader("Content-Disposition", "inline");
  return r;
}

nlohmann::json NoticeJson(const store::Notice& n) {
  return {{"id", n.id},
          {"scope_code", n.scope_code},
          {"title", n.title},
          {"body", n.body},
          {"category", n.category},
          {"urgent", n.urgent},
          {"loudspeaker", n.loudspeaker},
          {"status", n.status},
          {"play_by", n.play_by},
          {"audio_ms", n.audio_ms},
          {"created_by", n.created_by},
          {"created_at", n.created_at},
          {"withdrawn_reason", n.withdrawn_reason},
          {"withdrawn_at", n.withdrawn_at},
          {"image_url", ImageUrl("/api/v1/notices/", n)},
          {"image_width", n.image_width},
          {"image_height", n.image_height}};
}

nlohmann::json StationJson(const store::BroadcastStation& s) {
  return {{"id", s.id},           {"org_code", s.org_code}, {"name", s.name},
          {"location", s.location}, {"lon", s.lon},         {"lat", s.lat},
          {"schedule", s.schedule}, {"active", s.active},   {"created_at", s.created_at},
          {"last_seen_at", s.last_seen_at}};
}

// The station token from "Authorization: Bearer <token>".
std::string BearerToken(const Request& req) {
  const std::string h = req.Header("authorization");
  if (h.size() > 7 && (h.compare(0, 7, "Bearer ") == 0 || h.compare(0, 7, "bearer ") == 0)) return h.substr(7);
  return "";
}

Result<bool> BoolField(const nlohmann::json& body, const char* name) {
  auto it = body.find(name);
  if (it == body.end() || it->is_null()) return false;
  if (!it->is_boolean()) return MakeError(ErrorCode::kInvalid, std::string(name) + ": expected true or false");
  return it->get<bool>();
}

Response AudioResponse(const std::pair<std::string, std::string>& audio, const char* cache) {
  Response r;
  r.content_type = audio.first;
  r.body = audio.second;
  r.AddHeader("Cache-Control", cache);
  r.AddHeader("Content-Disposition", "inline");
  return r;
}

}  // namespace

void App::RegisterNoticeRoutes() {
  router_.Add({"POST", "/api/v1/notices", Access::kUser,
               "Publish a notice to an org subtree (scope_code, title, body, category policy|safety|weather|activity, "
               "loudspeaker, urgent, play_within_hours); a loudspeaker notice is read aloud by the stations under it. "
               "JSON, or multipart/form-data with the same fields and one optional 'image' part (JPEG/PNG/WebP...)",
               "notices", [this](Request& req) {
                 if (!CanPublish(req)) return ErrorResponse(403, "forbidden", "only staff publish notices");
                 notices::Draft d;
                 Result<nlohmann::json> body = nlohmann::json::object();
                 if (IsMultipartFormData(req.Header("content-type"))) {
                   auto form = ReadUploadForm(req, upload_options("image", 1));
                   if (!form.ok()) return ErrorResponse(form.error());
                   body = FieldsAsJson(form->fields, {"play_within_hours"});
                   if (!body.ok()) return ErrorResponse(body.error());
                   FormBool(*body, "loudspeaker");
                   FormBool(*body, "urgent");
                   if (!form->photos.empty()) {
                     const store::NewPhoto& p = *form->photos.front();
                     // Only the re-encoded copy is kept: a notice is public, the original may carry GPS.
                     d.image = store::NoticeImage{p.public_jpeg, p.thumbnail_jpeg, p.public_width, p.public_height};
                   }
                 } else {
                   body = ParseJsonObject(req);
                   if (!body.ok()) return ErrorResponse(body.error());
                 }
                 for (auto [field, out, max] : {std::tuple{"scope_code", &d.scope_code, std::size_t{32}},
                                                std::tuple{"title", &d.title, std::size_t{1000}},
                                                std::tuple{"body", &d.body, std::size_t{20000}},
                                                std::tuple{"category", &d.category, std::size_t{32}}}) {
                   auto v = StringField(*body, field, false, max);
                   if (!v.ok()) return ErrorResponse(v.error());
                   *out = *v;
                 }
                 auto loud = BoolField(*body, "loudspeaker");
                 if (!loud.ok()) return ErrorResponse(loud.error());
                 auto urgent = BoolField(*body, "urgent");
                 if (!urgent.ok()) return ErrorResponse(urgent.error());
                 d.loudspeaker = *loud;
                 d.urgent = *urgent;
                 if (auto it = body->find("play_within_hours"); it != body->end() && !it->is_null()) {
                   if (!it->is_number_integer()) {
                     return ErrorResponse(400, "invalid", "play_within_hours: expected a whole number of hours");
                   }
                   const auto h = it->get<std::int64_t>();
                   d.play_within_hours = h < 0 || h > 1000 ? -1 : static_cast<int>(h);
                 }
                 auto n = notices_->Publish(req.principal->scope(), req.principal->user.id, d);
                 if (!n.ok()) return ErrorResponse(n.error());
                 return SafeJsonResponse(NoticeJson(*n), 201);
               }});
  router_.Add({"GET", "/api/v1/notices", Access::kUser,
               "Notices reaching an org unit (unit=CODE, default: yours) or published below it, newest first "
               "(status=published|all, limit, offset)",
               "notices", [this](Request& req) {
                 auto scope = req.principal->scope();
                 const std::string unit = req.Query("unit").value_or(scope.root_code());
                 auto page = ParsePage(req, 50, 200);
                 if (!page.ok()) return ErrorResponse(page.error());
                 const std::string status = req.Query("status").value_or("all");
                 if (status != "all" && status != "published") {
                   return ErrorResponse(400, "invalid", "status: published or all");
                 }
                 auto list = store_.ListNotices(scope, unit, status == "published", *page);
                 if (!list.ok()) return ErrorResponse(list.error());
                 nlohmann::json items = nlohmann::json::array();
                 for (const auto& n : list->items) items.push_back(NoticeJson(n));
                 return SafeJsonResponse({{"items", items}, {"total", list->total}});
               }});
  router_.Add({"GET", "/api/v1/notices/{id}", Access::kUser,
               "A notice with each loudspeaker station's copy: played, pending, missed or withdrawn", "notices",
               [this](Request& req) {
                 auto id = PositiveParam(req, "id");
                 if (!id) return ErrorResponse(404, "not_found", "notice not found");
                 auto scope = req.principal->scope();
                 auto n = store_.GetNotice(scope, *id);
                 if (!n.ok()) return ErrorResponse(n.error());
                 auto deliveries = notices_->Deliveries(scope, *n);
                 if (!deliveries.ok()) return ErrorResponse(deliveries.error());
                 nlohmann::json j = NoticeJson(*n);
                 nlohmann::json list = nlohmann::json::array();
                 std::map<std::string, int> counts = {{"played", 0}, {"pending", 0}, {"missed", 0}, {"withdrawn", 0}};
                 for (const auto& d : *deliveries) {
                   ++counts[d.state];
                   list.push_back({{"station_id", d.play.station_id},
                                   {"station_name", d.play.station_name},
                                   {"org_code", d.play.org_code},
                                   {"fetched_at", d.play.fetched_at},
                                   {"played_at", d.play.played_at},
                                   {"state", d.state}});
                 }
                 j["deliveries"] = list;
                 j["delivery_counts"] = counts;
                 return SafeJsonResponse(j);
               }});
  router_.Add({"GET", "/api/v1/notices/{id}/audio", Access::kUser,
               "The loudspeaker audio of a notice (audio/ogg, Opus); 409 once withdrawn", "notices",
               [this](Request& req) {
                 auto id = PositiveParam(req, "id");
                 if (!id) return ErrorResponse(404, "not_found", "notice not found");
                 auto audio = notices_->Audio(req.principal->scope(), *id);
                 if (!audio.ok()) return ErrorResponse(audio.error());
                 return AudioResponse(*audio, "private, max-age=3600");
               }});
  for (const char* suffix : {"", "/thumb"}) {
    const bool thumb = *suffix != '\0';
    router_.Add({"GET", std::string("/api/v1/notices/{id}/image") + suffix, Access::kUser,
                 thumb ? "Thumbnail of a notice's image (JPEG, long side <= 320 px); 409 once withdrawn"
                       : "A notice's image (JPEG, long side <= 1600 px, re-encoded without metadata); 409 once withdrawn",
                 "notices", [this, thumb](Request& req) {
                   auto id = PositiveParam(req, "id");
                   if (!id) return ErrorResponse(404, "not_found", "notice not found");
                   auto jpeg = notices_->Image(req.principal->scope(), *id, thumb);
                   if (!jpeg.ok()) return ErrorResponse(jpeg.error());
                   return ImageResponse(std::move(jpeg).value(), "private, max-age=3600");
                 }});
    router_.Add({"GET", std::string("/api/v1/public/notices/{id}/image") + suffix, Access::kPublic,
                 thumb ? "Thumbnail of a published notice's image (JPEG)" : "A published notice's image (JPEG)",
                 "notices", [this, thumb](Request& req) {
                   auto id = PositiveParam(req, "id");
                   if (!id) return ErrorResponse(404, "not_found", "notice not found");
                   auto jpeg = notices_->Image(model::Scope::System(), *id, thumb, true);
                   if (!jpeg.ok()) return ErrorResponse(jpeg.error());
                   // Short-lived: a withdrawn notice's image stops being served.
                   return ImageResponse(std::move(jpeg).value(), "public, max-age=300");
                 }});
  }
  router_.Add({"POST", "/api/v1/notices/{id}/withdraw", Access::kUser,
               "Withdraw a notice (reason); stations that have not played it no longer get it", "notices",
               [this](Request& req) {
                 auto id = PositiveParam(req, "id");
                 if (!id) return ErrorResponse(404, "not_found", "notice not found");
                 auto scope = req.principal->scope();
                 if (!CanPublish(req)) {
                   auto n = store_.GetNotice(scope, *id);
                   if (!n.ok()) return ErrorResponse(n.error());
                   return ErrorResponse(403, "forbidden", "only staff withdraw notices");
                 }
                 auto body = ParseJsonObject(req);
                 if (!body.ok()) return ErrorResponse(body.error());
                 auto reason = StringField(*body, "reason", true, 500);
                 if (!reason.ok()) return ErrorResponse(reason.error());
                 if (reason->find_first_not_of(" \t\r\n") == std::string::npos) {
                   return ErrorResponse(400, "invalid", "reason: required");
                 }
                 auto n = store_.WithdrawNotice(scope, *id, *reason, clock_.Now());
                 if (!n.ok()) return ErrorResponse(n.error());
                 return SafeJsonResponse(NoticeJson(*n));
               }});
  router_.Add({"GET", "/api/v1/public/notices", Access::kPublic,
               "Published notices of a community, street or district (unit=CODE, not a grid) and of the units "
               "above and below it, newest first (limit, offset)",
               "notices", [this](Request& req) {
                 const std::string unit = req.Query("unit").value_or("");
                 if (unit.empty() || unit.size() > 12) {
                   return ErrorResponse(400, "invalid", "unit: the code of a community, street, district or city");
                 }
                 auto page = ParsePage(req, 20, 100);
                 if (!page.ok()) return ErrorResponse(page.error());
                 const auto system = model::Scope::System();
                 auto list = store_.ListNotices(system, unit, true, *page);
                 if (!list.ok()) return ErrorResponse(list.error());
                 nlohmann::json items = nlohmann::json::array();
                 std::map<std::string, std::string> names;
                 for (const auto& n : list->items) {
                   // The public site never names grids: a grid's notice shows its community.
                   const std::string area = n.scope_code.substr(0, std::min<std::size_t>(12, n.scope_code.size()));
                   if (!names.count(area)) {
                     auto u = store_.GetOrgUnit(system, area, false);
                     names[area] = u.ok() ? u->name : "";
                   }
                   items.push_back({{"id", n.id},
                                    {"title", n.title},
                                    {"body", n.body},
                                    {"category", n.category},
                                    {"urgent", n.urgent},
                                    {"area_name", names[area]},
                                    {"has_audio", n.audio_ms > 0},
                                    {"image_url", ImageUrl("/api/v1/public/notices/", n)},
                                    {"image_width", n.image_width},
                                    {"image_height", n.image_height},
                                    {"created_at", n.created_at}});
                 }
                 return SafeJsonResponse({{"items", items}, {"total", list->total}});
               }});
  router_.Add({"POST", "/api/v1/broadcast/stations", Access::kUser,
               "Register a loudspeaker station (org_code, name, location, lon, lat, schedule \"07:00,18:30\"); "
               "answers its token once",
               "notices", [this](Request& req) {
                 if (!CanPublish(req)) return ErrorResponse(403, "forbidden", "only staff register stations");
                 auto body = ParseJsonObject(req);
                 if (!body.ok()) return ErrorResponse(body.error());
                 notices::NewStation s;
                 for (auto [field, out, max] : {std::tuple{"org_code", &s.org_code, std::size_t{32}},
                                                std::tuple{"name", &s.name, std::size_t{600}},
                                                std::tuple{"location", &s.location, std::size_t{2000}},
                                                std::tuple{"schedule", &s.schedule, std::size_t{200}}}) {
                   auto v = StringField(*body, field, false, max);
                   if (!v.ok()) return ErrorResponse(v.error());
                   *out = *v;
                 }
                 for (auto [field, out] : {std::pair{"lon", &s.lon}, std::pair{"lat", &s.lat}}) {
                   auto it = body->find(field);
                   if (it == body->end() || !it->is_number()) {
                     return ErrorResponse(400, "invalid", std::string(field) + ": expected a number (WGS-84)");
                   }
                   *out = it->get<double>();
                 }
                 auto r = notices_->RegisterStation(req.principal->scope(), s);
                 if (!r.ok()) return ErrorResponse(r.error());
                 nlohmann::json j = StationJson(r->station);
                 j["token"] = r->token;
                 return SafeJsonResponse(j, 201);
               }});
  router_.Add({"GET", "/api/v1/broadcast/stations", Access::kUser,
               "Loudspeaker stations in your area with their last poll (limit, offset)", "notices",
               [this](Request& req) {
                 auto page = ParsePage(req, 100, 500);
                 if (!page.ok()) return ErrorResponse(page.error());
                 auto list = store_.ListStations(req.principal->scope(), *page);
                 if (!list.ok()) return ErrorResponse(list.error());
                 nlohmann::json items = nlohmann::json::array();
                 for (const auto& s : list->items) items.push_back(StationJson(s));
                 return SafeJsonResponse({{"items", items}, {"total", list->total}});
               }});

  // Staff manage a station: off/on, and a new token when a device is replaced or its token leaked.
  auto managed = [this](Request& req) -> Result<std::int64_t> {
    auto id = PositiveParam(req, "id");
    if (!id) return MakeError(ErrorCode::kNotFound, "station not found");
    auto s = store_.GetStation(req.principal->scope(), *id);
    if (!s.ok()) return s.error();
    if (!CanPublish(req)) return MakeError(ErrorCode::kForbidden, "only staff manage stations");
    return *id;
  };
  router_.Add({"POST", "/api/v1/broadcast/stations/{id}/active", Access::kUser,
               "Turn a station off or on ({\"active\": false|true}); an inactive station gets no new notices and "
               "cannot poll",
               "notices", [this, managed](Request& req) {
                 auto id = managed(req);
                 if (!id.ok()) return ErrorResponse(id.error());
                 auto body = ParseJsonObject(req);
                 if (!body.ok()) return ErrorResponse(body.error());
                 auto it = body->find("active");
                 if (it == body->end() || !it->is_boolean()) {
                   return ErrorResponse(400, "invalid", "active: expected true or false");
                 }
                 auto s = notices_->SetStationActive(req.principal->scope(), *id, it->get<bool>());
                 if (!s.ok()) return ErrorResponse(s.error());
                 return SafeJsonResponse(StationJson(*s));
               }});
  router_.Add({"POST", "/api/v1/broadcast/stations/{id}/token", Access::kUser,
               "Issue a new token for a station (answered once; the old token stops working)", "notices",
               [this, managed](Request& req) {
                 auto id = managed(req);
                 if (!id.ok()) return ErrorResponse(id.error());
                 auto r = notices_->ReissueToken(req.principal->scope(), *id);
                 if (!r.ok()) return ErrorResponse(r.error());
                 nlohmann::json j = StationJson(r->station);
                 j["token"] = r->token;
                 return SafeJsonResponse(j);
               }});

  // The station device's side: its token, no session.
  auto station = [this](Request& req) -> Result<store::BroadcastStation> {
    auto id = PositiveParam(req, "station_id");
    if (!id) return MakeError(ErrorCode::kUnauthenticated, "station token missing or wrong");
    return notices_->Authenticate(*id, BearerToken(req));
  };
  router_.Add({"GET", "/api/v1/broadcast/stations/{station_id}/playlist", Access::kPublic,
               "A station's playlist (Authorization: Bearer <station token>): notices to play, urgent first, "
               "each with its audio URL",
               "notices", [this, station](Request& req) {
                 auto s = station(req);
                 if (!s.ok()) return ErrorResponse(s.error());
                 auto list = notices_->Playlist(*s);
                 if (!list.ok()) return ErrorResponse(list.error());
                 nlohmann::json items = nlohmann::json::array();
                 for (const auto& n : *list) {
                   const std::string base = "/api/v1/broadcast/stations/" + std::to_string(s->id);
                   items.push_back({{"notice_id", n.id},
                                    {"title", n.title},
                                    {"urgent", n.urgent},
                                    {"duration_ms", n.audio_ms},
                                    {"play_by", n.play_by},
                                    {"audio_url", base + "/audio/" + std::to_string(n.id)},
                                    {"ack_url", base + "/plays/" + std::to_string(n.id)}});
                 }
                 return SafeJsonResponse({{"station_id", s->id}, {"schedule", s->schedule}, {"items", items}});
               }});
  router_.Add({"GET", "/api/v1/broadcast/stations/{station_id}/audio/{notice_id}", Access::kPublic,
               "The audio of a notice on the station's playlist (station token; Ogg Opus)", "notices",
               [this, station](Request& req) {
                 auto s = station(req);
                 if (!s.ok()) return ErrorResponse(s.error());
                 auto nid = PositiveParam(req, "notice_id");
                 if (!nid) return ErrorResponse(404, "not_found", "notice not found");
                 auto audio = notices_->StationAudio(*s, *nid);
                 if (!audio.ok()) return ErrorResponse(audio.error());
                 return AudioResponse(*audio, "private, max-age=86400");
               }});
  router_.Add({"POST", "/api/v1/broadcast/stations/{station_id}/plays/{notice_id}", Access::kPublic,
               "Acknowledge that the station played a notice (station token; body {\"played_at\": ms} optional)",
               "notices", [this, station](Request& req) {
                 auto s = station(req);
                 if (!s.ok()) return ErrorResponse(s.error());
                 auto nid = PositiveParam(req, "notice_id");
                 if (!nid) return ErrorResponse(404, "not_found", "notice not found");
                 Timestamp played_at = 0;
                 if (!req.body.empty()) {
                   auto body = ParseJsonObject(req);
                   if (!body.ok()) return ErrorResponse(body.error());
                   if (auto it = body->find("played_at"); it != body->end() && !it->is_null()) {
                     if (!it->is_number_integer()) {
                       return ErrorResponse(400, "invalid", "played_at: milliseconds since 1970");
                     }
                     played_at = it->get<std::int64_t>();
                     if (played_at <= 0) return ErrorResponse(400, "invalid", "played_at: milliseconds since 1970");
                   }
                 }
                 auto play = notices_->Acknowledge(*s, *nid, played_at);
                 if (!play.ok()) return ErrorResponse(play.error());
                 return SafeJsonResponse({{"notice_id", play->notice_id},
                                          {"station_id", play->station_id},
                                          {"played_at", play->played_at}});
               }});
}

}  // namespace cg::api
