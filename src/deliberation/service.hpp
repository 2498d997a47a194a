#pragma once
// Deliberation (docs/deliberation.md, 议事协商 / 民情恳谈, DESIGN §6): a community, village or
// street opens a topic for the residents of an area (a grid, community or street) with options
// or residents' proposals and a voting window. One secret vote per verified resident of the
// area: an account is verified when it is linked to a person of the base data by ID number
// (blind index) and name, and that person lives in the area. Anyone may read and any account
// may comment; moderators hide comments with a reason (audited). Meetings (议事会) record
// attendees, minutes and the decision, which can open a case. Time comes from the Clock.
// Thread-safe.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/service.hpp"
#include "core/clock.hpp"
#include "core/result.hpp"
#include "model/scope.hpp"
#include "model/user.hpp"
#include "store/store.hpp"

namespace cg::deliberation {

inline constexpr std::size_t kMaxTitleChars = 100;
inline constexpr std::size_t kMaxBackgroundChars = 4000;
inline constexpr std::size_t kMaxOptionChars = 100;
inline constexpr std::size_t kMaxOptions = 20;
inline constexpr std::size_t kMaxProposals = 50;
inline constexpr std::size_t kMaxCommentChars = 1000;
inline constexpr std::size_t kMaxMeetingTextChars = 8000;
inline constexpr Timestamp kMaxVotingWindowMs = 90LL * 86'400'000;

struct TopicDraft {
  std::string org_code;  // the area: a grid, community/village or street/town
  std::string title;
  std::string background;
  std::string mode = "options";  // "options" | "proposals"
  std::vector<std::string> options;  // mode "options": 2..kMaxOptions
  Timestamp opens_at = 0;   // 0: now
  Timestamp closes_at = 0;  // after opens_at, within kMaxVotingWindowMs
};

// What the caller may do on a topic now.
enum class Standing {
  kAnonymous,   // not signed in: read only
  kStaff,       // staff and admins run topics; they do not vote
  kUnverified,  // a resident account not linked to a person: read and comment
  kOutside,     // linked, but the person does not live in the area: read and comment
  kEligible,    // may vote (and propose) while the topic is open
  kVoted,       // has voted: the option is in my_vote
};
const char* StandingName(Standing s);  // "anonymous", "staff", "unverified", "outside", "eligible", "voted"

struct TopicView {
  store::Topic topic;
  std::vector<store::TopicOption> options;  // with live counts
  std::string state;  // "upcoming" | "open" | "closed" (closed: the counts are final)
  Standing standing = Standing::kAnonymous;
  std::int64_t my_vote = 0;  // the caller's option (never anyone else's)
  std::vector<store::TopicMeeting> meetings;
};

struct MeetingDraft {
  Timestamp held_at = 0;
  std::string place;
  std::string attendees;
  std::string minutes;
  std::string decision;
};

class Service {
 public:
  // `store` and `clock` must outlive the service; `base` (may be null: the server runs without
  // base data, and nobody can be verified) too.
  Service(store::Store& store, const Clock& clock, const base::Service* base)
      : store_(store), clock_(clock), base_(base) {}

  // Links a resident account to the person with this ID number when `name` is that person's
  // name. kForbidden for non-residents, kInvalid for a malformed number, kNotFound when no
  // person matches both (one message for either: no hint which), kConflict when another
  // account is linked to that person, kUnavailable without base data.
  Result<store::ResidentLink> Verify(const model::User& user, std::string_view id_number, std::string_view name);
  // The account's link, kNotFound when unverified.
  Result<store::ResidentLink> Verification(const model::User& user);

  // Validates and opens a topic; kInvalid naming the field, kNotFound outside `scope`, kForbidden
  // for an area that is not a grid, community/village or street/town.
  Result<store::Topic> Open(const model::Scope& scope, std::int64_t actor_user_id, const TopicDraft& draft);
  // A topic with its options, state and the caller's standing (viewer may be null: anonymous).
  Result<TopicView> View(std::int64_t topic_id, const model::User* viewer);
  Result<store::Slice<store::Topic>> List(const std::string& unit_code, store::Page page);
  // kForbidden unless eligible (naming why: staff, unverified, outside the area), kConflict
  // outside the voting window or for a second vote, kNotFound for an option not on the topic.
  Status Vote(const model::User& user, std::int64_t topic_id, std::int64_t option_id);
  // A proposal on a "proposals" topic while it is open, by an eligible resident.
  Result<store::TopicOption> Propose(const model::User& user, std::int64_t topic_id, std::string_view label);
  Result<store::TopicComment> Comment(const model::User& user, std::int64_t topic_id, std::string_view body);
  // Comments; `scope`'s staff managing the topic also see hidden ones (with_hidden).
  Result<store::Slice<store::TopicComment>> Comments(std::int64_t topic_id, bool with_hidden, store::Page page);
  // Staff managing the topic (its area inside `scope`) hide a comment with a reason (4..500).
  Result<store::TopicComment> Hide(const model::Scope& scope, std::int64_t actor_user_id, std::int64_t topic_id,
                                   std::int64_t comment_id, std::string_view reason);
  Result<store::TopicMeeting> RecordMeeting(const model::Scope& scope, std::int64_t actor_user_id,
                                            std::int64_t topic_id, const MeetingDraft& draft);
  // The topic if `user` may read it, else kNotFound: residents the topics of the areas they are
  // in (their account's unit or their verified grid), other accounts those inside their scope
  // or above its root (anonymous readers use the public routes).
  Result<store::Topic> Visible(const model::User& user, const model::Scope& scope, std::int64_t topic_id);
  // The topic if `scope` manages it (its area inside the scope), else kNotFound.
  Result<store::Topic> Managed(const model::Scope& scope, std::int64_t topic_id);

 private:
  // The viewer's standing on `topic` (and their vote).
  Result<Standing> StandingOf(const model::User& user, const store::Topic& topic, std::int64_t* vote,
                              std::int64_t* person_id);
  Result<store::Topic> OpenTopic(std::int64_t topic_id);  // kConflict unless open now

  store::Store& store_;
  const Clock& clock_;
  const base::Service* base_;
};

}  // namespace cg::deliberation
