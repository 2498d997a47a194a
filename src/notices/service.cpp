#include "notices/service.hpp"

#include <cctype>
#include <cmath>

#include "auth/random.hpp"
#include "broadcast/speech.hpp"
#include "core/clean_text.hpp"

namespace cg::notices {
namespace {

constexpr std::int64_t kHourMs = 3'600'000;
constexpr std::int64_t kPlaylistLimit = 50;
constexpr std::int64_t kMaxAckSkewMs = 5 * 60'000;

bool KnownCategory(std::string_view c) {
  for (const char* k : kCategories)
    if (c == k) return true;
  return false;
}

}  // namespace

std::string CheckSchedule(std::string_view schedule) {
  if (schedule.empty()) return "at least one play time, e.g. 07:00,18:30";
  int count = 0, last = -1;
  std::size_t i = 0;
  while (i <= schedule.size()) {
    auto comma = schedule.find(',', i);
    std::string_view t = schedule.substr(i, comma == std::string_view::npos ? std::string_view::npos : comma - i);
    if (t.size() != 5 || t[2] != ':' || !std::isdigit(static_cast<unsigned char>(t[0])) ||
        !std::isdigit(static_cast<unsigned char>(t[1])) || !std::isdigit(static_cast<unsigned char>(t[3])) ||
        !std::isdigit(static_cast<unsigned char>(t[4]))) {
      return "times are HH:MM, comma-separated";
    }
    const int h = (t[0] - '0') * 10 + (t[1] - '0'), m = (t[3] - '0') * 10 + (t[4] - '0');
    if (h > 23 || m > 59) return "no such time: " + std::string(t);
    if (h * 60 + m <= last) return "times must ascend";
    last = h * 60 + m;
    if (++count > 12) return "at most 12 play times a day";
    if (comma == std::string_view::npos) break;
    i = comma + 1;
  }
  return "";
}

const char* DeliveryState(const store::Notice& notice, const store::StationPlay& play, Timestamp now) {
  if (play.played_at > 0) return "played";
  if (notice.status != "published") return "withdrawn";
  if (now >= notice.play_by) return "missed";
  return "pending";
}

Result<store::Notice> Service::Publish(const model::Scope& scope, std::int64_t actor_user_id, const Draft& d) {
  store::Notice n;
  auto title = CleanText("title", d.title, kMaxTitleChars, false);
  if (!title.ok()) return title.error();
  auto body = CleanText("body", d.body, kMaxBodyChars, true);
  if (!body.ok()) return body.error();
  if (!KnownCategory(d.category)) {
    return MakeError(ErrorCode::kInvalid, "category: one of policy, safety, weather, activity");
  }
  if (d.scope_code.empty()) return MakeError(ErrorCode::kInvalid, "scope_code: required (the org unit to publish to)");
  if (d.play_within_hours < 1 || d.play_within_hours > 168) {
    return MakeError(ErrorCode::kInvalid, "play_within_hours: 1..168");
  }
  if (d.urgent && !d.loudspeaker) {
    return MakeError(ErrorCode::kInvalid, "urgent: only a loudspeaker notice can jump the queue");
  }
  n.scope_code = d.scope_code;
  n.title = *title;
  n.body = *body;
  n.category = d.category;
  n.urgent = d.urgent;
  n.loudspeaker = d.loudspeaker;
  n.created_by = actor_user_id;
  n.created_at = clock_.Now();
  n.play_by = n.created_at + d.play_within_hours * kHourMs;
  // Refuse a target outside the scope before spending seconds on speech.
  if (!scope.Contains(n.scope_code)) return MakeError(ErrorCode::kNotFound, "org unit not found");
  broadcast::Audio audio;
  if (n.loudspeaker) {
    const std::string spoken = n.title + "。" + n.body;
    if (CodePoints(spoken) > broadcast::kMaxSpeechChars) {
      return MakeError(ErrorCode::kInvalid, "body: a loudspeaker notice is read aloud, at most " +
                                                std::to_string(broadcast::kMaxSpeechChars) +
                                                " characters with its title (about 8 minutes)");
    }
    auto spoken_audio = broadcast::Synthesize(spoken);
    if (!spoken_audio.ok()) return spoken_audio.error();
    audio = std::move(spoken_audio).value();
    n.audio_ms = static_cast<std::int64_t>(std::lround(audio.duration_s * 1000));
  }
  return store_.CreateNotice(scope, n, audio.mime_type, audio.bytes, d.image ? &*d.image : nullptr);
}

Result<RegisteredStation> Service::RegisterStation(const model::Scope& scope, const NewStation& s) {
  store::BroadcastStation st;
  auto name = CleanText("name", s.name, 60, false);
  if (!name.ok()) return name.error();
  auto location = CleanText("location", s.location, 200, false, false);
  if (!location.ok()) return location.error();
  if (s.org_code.empty()) return MakeError(ErrorCode::kInvalid, "org_code: required (the community it stands in)");
  if (!std::isfinite(s.lon) || !std::isfinite(s.lat) || s.lon < 73 || s.lon > 136 || s.lat < 3 || s.lat > 54) {
    return MakeError(ErrorCode::kInvalid, "lon, lat: a WGS-84 point in China (lon 73..136, lat 3..54)");
  }
  if (auto why = CheckSchedule(s.schedule); !why.empty()) return MakeError(ErrorCode::kInvalid, "schedule: " + why);
  st.org_code = s.org_code;
  st.name = *name;
  st.location = *location;
  st.lon = s.lon;
  st.lat = s.lat;
  st.schedule = s.schedule;
  st.active = true;
  st.created_at = clock_.Now();
  RegisteredStation out;
  out.token = "cgst_" + auth::RandomToken(32);
  auto created = store_.CreateStation(scope, st, auth::Sha256Hex(out.token));
  if (!created.ok()) return created.error();
  out.station = *created;
  return out;
}

Result<store::BroadcastStation> Service::SetStationActive(const model::Scope& scope, std::int64_t id, bool active) {
  return store_.UpdateStation(scope, id, active, "");
}

Result<RegisteredStation> Service::ReissueToken(const model::Scope& scope, std::int64_t id) {
  RegisteredStation out;
  out.token = "cgst_" + auth::RandomToken(32);
  auto updated = store_.UpdateStation(scope, id, true, auth::Sha256Hex(out.token));
  if (!updated.ok()) return updated.error();
  out.station = *updated;
  return out;
}

Result<store::BroadcastStation> Service::Authenticate(std::int64_t station_id, std::string_view token) {
  auto refused = [] { return MakeError(ErrorCode::kUnauthenticated, "station token missing or wrong"); };
  if (!token.starts_with("cgst_") || token.size() > 100) return refused();
  auto station = store_.FindStationByToken(auth::Sha256Hex(token));
  if (!station.ok()) return station.error().code == ErrorCode::kNotFound ? refused() : station.error();
  if (station->id != station_id) return refused();
  return station;
}

Result<std::vector<store::Notice>> Service::Playlist(const store::BroadcastStation& station) {
  return store_.StationPlaylist(station.id, clock_.Now(), kPlaylistLimit);
}

Result<std::pair<std::string, std::string>> Service::StationAudio(const store::BroadcastStation& station,
                                                                  std::int64_t notice_id) {
  auto has = store_.StationHasNotice(station.id, notice_id);
  if (!has.ok()) return has.error();
  if (!*has) return MakeError(ErrorCode::kNotFound, "notice not found");
  auto notice = store_.GetNotice(model::Scope::System(), notice_id);
  if (!notice.ok()) return notice.error();
  return AudioOf(*notice);
}

Result<std::pair<std::string, std::string>> Service::Audio(const model::Scope& scope, std::int64_t notice_id) {
  auto notice = store_.GetNotice(scope, notice_id);
  if (!notice.ok()) return notice.error();
  return AudioOf(*notice);
}

Result<std::string> Service::Image(const model::Scope& scope, std::int64_t notice_id, bool thumbnail,
                                   bool published_only) {
  auto notice = store_.GetNotice(scope, notice_id);
  if (!notice.ok()) return notice.error();
  if (notice->status == "withdrawn") {
    if (published_only) return MakeError(ErrorCode::kNotFound, "notice not found");
    return MakeError(ErrorCode::kConflict, "notice withdrawn: its image is no longer served");
  }
  if (notice->image_width <= 0) return MakeError(ErrorCode::kNotFound, "this notice has no image");
  return store_.GetNoticeImage(notice->id, thumbnail);
}

Result<std::pair<std::string, std::string>> Service::AudioOf(const store::Notice& notice) {
  if (notice.status == "withdrawn") {
    return MakeError(ErrorCode::kConflict, "notice withdrawn: its audio is no longer served");
  }
  if (notice.audio_ms <= 0) return MakeError(ErrorCode::kNotFound, "this notice has no audio (not for the loudspeakers)");
  return store_.GetNoticeAudio(notice.id);
}

Result<store::StationPlay> Service::Acknowledge(const store::BroadcastStation& station, std::int64_t notice_id,
                                                Timestamp played_at) {
  const Timestamp now = clock_.Now();
  if (played_at == 0) played_at = now;
  if (played_at < 0 || played_at > now + kMaxAckSkewMs) {
    return MakeError(ErrorCode::kInvalid, "played_at: milliseconds since 1970, not in the future");
  }
  return store_.AcknowledgePlay(station.id, notice_id, played_at);
}

Result<std::vector<Delivery>> Service::Deliveries(const model::Scope& scope, std::int64_t notice_id) {
  auto notice = store_.GetNotice(scope, notice_id);
  if (!notice.ok()) return notice.error();
  return Deliveries(scope, *notice);
}

Result<std::vector<Delivery>> Service::Deliveries(const model::Scope& scope, const store::Notice& notice) {
  auto plays = store_.ListPlays(scope, notice.id);
  if (!plays.ok()) return plays.error();
  const Timestamp now = clock_.Now();
  std::vector<Delivery> out;
  for (auto& p : *plays) out.push_back({p, DeliveryState(notice, p, now)});
  return out;
}

}  // namespace cg::notices
