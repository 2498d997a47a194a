#pragma once
// The case engine: pure functions from (case type, case, actor, input, time, calendar) to the
// next case value and the notifications to send. No store, clock, SQL, HTTP or JSON: the
// caller loads the case, calls the engine, and saves the result with optimistic concurrency
// (ErrorCode::kConflict is reserved for that step).

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "cases/calendar.hpp"
#include "cases/case_type.hpp"
#include "cases/routing.hpp"
#include "core/clock.hpp"
#include "core/result.hpp"
#include "model/user.hpp"

namespace cg::cases {

// Who acts. scope_code is the org code the user's account is bound to.
struct Actor {
  std::int64_t user_id = 0;
  model::Role role = model::Role::kResident;
  std::string scope_code;
};

// One line of a case's history. Engine-made entries (warning, escalate, overdue) have
// actor_user_id 0 and event "warning" / "escalate" / "overdue"; creation is "create".
struct TimelineEntry {
  Timestamp at = 0;
  std::int64_t actor_user_id = 0;
  std::string actor_role;  // RoleName, or "system"
  std::string event;       // transition code or engine event
  std::string from_state;
  std::string to_state;
  std::string handling_unit_code;  // after the event
  std::string note;
  bool late = false;  // taken after the deadline of the state it left
  // The transition's inputs as taken (besides the note): a session's record, a court's
  // decision. The case's fields keep only the latest value of each; the timeline keeps all.
  std::map<std::string, std::string> inputs;
};

struct Case {
  std::string id;  // assigned by the store; empty in a case fresh from Create
  std::string type;
  std::string category;
  std::string state;
  std::string grid_code;
  std::string handling_unit_code;
  std::optional<std::int64_t> reporter_user_id;
  std::optional<std::int64_t> assignee_user_id;
  Timestamp opened_at = 0;
  Timestamp state_entered_at = 0;
  Timestamp due_at = 0;   // 0: the state has no deadline
  Timestamp warn_at = 0;  // 0: no warning for this state entry
  bool warned = false;    // warning raised for this state entry
  bool breached = false;  // deadline breach recorded for this state entry
  bool late = false;      // missed at least one deadline in its life (sticky)
  int escalation_level = 0;
  std::map<std::string, std::string> fields;
  std::vector<TimelineEntry> timeline;
};

struct Notification {
  RecipientKind recipient = RecipientKind::kHandlingUnit;
  std::optional<std::int64_t> user_id;  // for reporter / assignee
  std::string org_code;                 // for handling_unit / previous_handling_unit / grid
  std::string case_id;
  std::string event;  // "create", a transition code, "warning", "escalate" or "overdue"
};

struct TransitionOutcome {
  Case updated;
  std::vector<Notification> notifications;
};

struct CreateOutcome {
  Case created;
  std::string rule_id;  // routing rule that chose the handling unit ("default", or "field")
  std::vector<Notification> notifications;
};

enum class EvaluationKind {
  kNone,        // nothing to do now
  kWarning,     // the deadline is near (raised once per state entry)
  kEscalation,  // breached: moved one level up the org tree with a fresh deadline
  kOverdue,     // breached where it cannot escalate (ceiling, or the state does not escalate)
};

struct Evaluation {
  EvaluationKind kind = EvaluationKind::kNone;
  Case updated;  // equal to the input when kind is kNone
  std::vector<Notification> notifications;
};

// When the deadline of `state` falls for a clock started at `start`; 0 if it has none.
// Pure, cannot fail.
Timestamp DueAt(const StateSpec& state, Timestamp start, const Calendar& calendar);

// Whether `actor` may take `transition` on `c` (role and relation to the case).
bool MayTake(const TransitionSpec& transition, const Case& c, const Actor& actor);

// Opens a case of `type` in its initial state. `reporter` nullopt is an anonymous public
// report. kForbidden if the reporter's role may not create this type (or anonymity is not
// allowed); kInvalid for an unknown category, a bad grid code or invalid fields.
Result<CreateOutcome> Create(const CaseType& type, const std::string& category, const std::string& grid_code,
                             const std::map<std::string, std::string>& fields,
                             const std::optional<Actor>& reporter, Timestamp now, const Calendar& calendar,
                             const RoutingTable& routing);

// Takes `transition` on `c`. kInvalid if the case is not of `type`, the transition is unknown
// or not allowed from the current state, or the input is missing/invalid; kForbidden if the
// actor's role or scope may not take it (including a set_handling_unit target outside the
// actor's scope). Inputs other than "note" are stored in the case's fields.
Result<TransitionOutcome> Apply(const CaseType& type, const Case& c, const std::string& transition,
                                const Actor& actor, const std::map<std::string, std::string>& input,
                                Timestamp now, const Calendar& calendar);

// Checks the deadline of the case's current state at `now`. Idempotent: evaluating the
// returned case again at the same `now` yields kNone. Cannot fail.
Evaluation Evaluate(const CaseType& type, const Case& c, Timestamp now, const Calendar& calendar);

}  // namespace cg::cases
