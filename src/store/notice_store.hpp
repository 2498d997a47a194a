#pragma once
// Notices and loudspeaker stations (docs/notices.md, DESIGN §6): a notice is published to an org
// subtree; a notice for the loudspeakers carries its audio and, from the moment it is published,
// one play row per active station under its target. Stations poll with their own token (only
// its SHA-256 is stored) and acknowledge each play. Written once against internal::SqlTx for both
// backends (notice_store.cpp).

#include <cstdint>
#include <string>
#include <vector>

#include "core/clock.hpp"

namespace cg::store {

struct Notice {
  std::int64_t id = 0;
  std::string scope_code;         // the org unit it is published to (its whole subtree)
  std::string title;
  std::string body;
  std::string category;           // "policy" | "safety" | "weather" | "activity"
  bool urgent = false;            // jumps the loudspeaker queue
  bool loudspeaker = false;       // read aloud by the stations under scope_code
  std::string status = "published";  // "published" | "withdrawn"
  Timestamp play_by = 0;          // a play not acknowledged by then is missed
  std::int64_t audio_ms = 0;      // length of the audio (0: none)
  std::int64_t created_by = 0;
  Timestamp created_at = 0;
  std::string withdrawn_reason;
  Timestamp withdrawn_at = 0;
  int image_width = 0;   // of its image (0: none)
  int image_height = 0;
};

// A notice's image as served: the re-encoded copy without metadata and its thumbnail (JPEG).
struct NoticeImage {
  std::string jpeg;
  std::string thumbnail;
  int width = 0;
  int height = 0;
};

struct BroadcastStation {
  std::int64_t id = 0;
  std::string org_code;   // the community (or grid) it stands in
  std::string name;
  std::string location;   // where, in words
  double lon = 0, lat = 0;
  std::string schedule;   // play times, "07:00,12:00,18:30"
  bool active = true;
  Timestamp created_at = 0;
  Timestamp last_seen_at = 0;  // its last poll (0: never)
};

// One station's copy of one notice.
struct StationPlay {
  std::int64_t notice_id = 0;
  std::int64_t station_id = 0;
  std::string station_name;
  std::string org_code;
  Timestamp fetched_at = 0;  // first time its playlist held the notice (0: not yet)
  Timestamp played_at = 0;   // acknowledged play (0: not played)
};

}  // namespace cg::store
