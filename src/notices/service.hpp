#pragma once
// Notices and loudspeaker broadcasts (docs/notices.md, DESIGN §6, 1㎡长胜之声广播站): staff publish
// a notice to an org subtree; one for the loudspeakers is read aloud (broadcast::Synthesize) and
// queued for every active station under its target. Stations authenticate with their own token,
// fetch their playlist (urgent first), download the audio and acknowledge each play; staff see
// which stations played it, which have it pending and which missed it. Thread-safe.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "core/result.hpp"
#include "model/scope.hpp"
#include "store/store.hpp"

namespace cg::notices {

inline constexpr const char* kCategories[] = {"policy", "safety", "weather", "activity"};
inline constexpr std::size_t kMaxTitleChars = 100;
inline constexpr std::size_t kMaxBodyChars = 4000;
inline constexpr int kDefaultPlayWithinHours = 24;

struct Draft {
  std::string scope_code;
  std::string title;
  std::string body;
  std::string category;
  bool urgent = false;
  bool loudspeaker = false;
  int play_within_hours = kDefaultPlayWithinHours;  // 1..168: not played by then = missed
  std::optional<store::NoticeImage> image;  // already re-encoded without metadata (media::Process)
};

struct NewStation {
  std::string org_code;
  std::string name;
  std::string location;
  double lon = 0, lat = 0;
  std::string schedule;  // "07:00,12:00,18:30"
};

struct RegisteredStation {
  store::BroadcastStation station;
  std::string token;  // shown once; only its SHA-256 is stored
};

// A station's copy of a notice with its state: "played", "pending" (not yet played, still in
// time), "missed" (not played by play_by) or "withdrawn" (the notice was withdrawn unplayed).
struct Delivery {
  store::StationPlay play;
  std::string state;
};

class Service {
 public:
  // `store` and `clock` must outlive the service.
  Service(store::Store& store, const Clock& clock) : store_(store), clock_(clock) {}

  // Validates and publishes; a loudspeaker notice is synthesised first (title, then body), which
  // takes about 1 s per 140 characters. kInvalid naming the field; kNotFound for a target
  // outside `scope`; kUnavailable when the speech engine cannot run.
  Result<store::Notice> Publish(const model::Scope& scope, std::int64_t actor_user_id, const Draft& draft);
  // Registers a station and returns its token (once). kInvalid naming the field.
  Result<RegisteredStation> RegisterStation(const model::Scope& scope, const NewStation& station);
  // Turns a station off (no new copies, no polls) or on again. kNotFound outside `scope`.
  Result<store::BroadcastStation> SetStationActive(const model::Scope& scope, std::int64_t id, bool active);
  // A new token for the station (the old one stops working); the station is active afterwards.
  Result<RegisteredStation> ReissueToken(const model::Scope& scope, std::int64_t id);
  // The station `station_id` if `token` is its token; kUnauthenticated otherwise (no hint which).
  Result<store::BroadcastStation> Authenticate(std::int64_t station_id, std::string_view token);
  // Its playlist (at most 50, urgent first); records the poll.
  Result<std::vector<store::Notice>> Playlist(const store::BroadcastStation& station);
  // The audio (mime, bytes) of a notice `scope` can see; kNotFound outside it or for a notice
  // without audio, kConflict once it is withdrawn.
  Result<std::pair<std::string, std::string>> Audio(const model::Scope& scope, std::int64_t notice_id);
  // The image (JPEG, or its thumbnail) of a notice `scope` can see; kNotFound outside it or for a
  // notice without one, kConflict once it is withdrawn. The public site reads with the system
  // scope and `published_only`, which makes a withdrawn notice's image kNotFound.
  Result<std::string> Image(const model::Scope& scope, std::int64_t notice_id, bool thumbnail,
                            bool published_only = false);
  // The audio of a notice the station has a copy of; kNotFound otherwise, kConflict once withdrawn.
  Result<std::pair<std::string, std::string>> StationAudio(const store::BroadcastStation& station,
                                                           std::int64_t notice_id);
  // Records that the station played the notice at `played_at` (0: now); not in the future.
  Result<store::StationPlay> Acknowledge(const store::BroadcastStation& station, std::int64_t notice_id,
                                         Timestamp played_at);
  // Every station's copy of a notice the scope can see, with its state now.
  Result<std::vector<Delivery>> Deliveries(const model::Scope& scope, std::int64_t notice_id);
  // The same for a notice the caller has read already (GetNotice with `scope`).
  Result<std::vector<Delivery>> Deliveries(const model::Scope& scope, const store::Notice& notice);

 private:
  Result<std::pair<std::string, std::string>> AudioOf(const store::Notice& notice);

  store::Store& store_;
  const Clock& clock_;
};

// The state of `play` of `notice` at `now` (see Delivery).
const char* DeliveryState(const store::Notice& notice, const store::StationPlay& play, Timestamp now);
// "" for a valid station schedule ("HH:MM" times, comma-separated, 1..12, ascending), else why not.
std::string CheckSchedule(std::string_view schedule);

}  // namespace cg::notices
