#pragma once
// Deliberation (docs/deliberation.md, 议事协商): topics opened by a community or street for the
// residents of an area, their options (set by staff, or proposed by residents), one secret
// vote per verified resident, comments with moderation and meetings with their decisions; and
// the link of a resident account to the person it is. Written once against internal::SqlTx for
// both backends (topic_store.cpp).

#include <cstdint>
#include <string>
#include <vector>

#include "core/clock.hpp"

namespace cg::store {

// A resident account linked to the person it is (verified by ID number); grid_code and name are
// the person's now, read with the link.
struct ResidentLink {
  std::int64_t user_id = 0;
  std::int64_t person_id = 0;
  std::string grid_code;
  std::string person_name;
  Timestamp linked_at = 0;
};

struct Topic {
  std::int64_t id = 0;
  std::string org_code;  // the area whose residents take part (a grid, community or street)
  std::string title;
  std::string background;
  std::string mode = "options";  // "options": staff set them; "proposals": residents add them
  Timestamp opens_at = 0;
  Timestamp closes_at = 0;       // votes are final from then on
  std::int64_t created_by = 0;
  Timestamp created_at = 0;
  std::int64_t votes = 0;        // votes cast so far (read with the topic)
};

struct TopicOption {
  std::int64_t id = 0;
  std::int64_t topic_id = 0;
  std::string label;
  std::int64_t proposed_by = 0;  // the resident who proposed it (0: set with the topic)
  Timestamp created_at = 0;
  std::int64_t votes = 0;
};

struct TopicComment {
  std::int64_t id = 0;
  std::int64_t topic_id = 0;
  std::int64_t user_id = 0;
  std::string author;  // display name at the time
  std::string body;
  Timestamp created_at = 0;
  std::string hidden_reason;  // non-empty once a moderator hid it
  std::int64_t hidden_by = 0;
  Timestamp hidden_at = 0;
};

struct TopicMeeting {
  std::int64_t id = 0;
  std::int64_t topic_id = 0;
  Timestamp held_at = 0;
  std::string place;
  std::string attendees;  // names, one per line
  std::string minutes;
  std::string decision;
  std::string case_public_id;  // the case the decision opened ("" none)
  std::int64_t project_id = 0; // the governance project it opened (0 none)
  std::int64_t created_by = 0;
  Timestamp created_at = 0;
};

// What a vote is checked against, read inside the vote's own transaction (CastCheckedVote).
struct VoteFacts {
  std::string org_code;     // the topic's area
  Timestamp opens_at = 0;
  Timestamp closes_at = 0;
  bool linked = false;      // the account is linked to a person (verified)
  std::int64_t person_id = 0;
  std::string grid_code;    // that person's grid now
};

struct VoteRequest {
  std::int64_t topic_id = 0;
  std::int64_t option_id = 0;
  std::int64_t user_id = 0;
  Timestamp at = 0;
};

}  // namespace cg::store
