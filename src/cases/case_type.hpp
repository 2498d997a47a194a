#pragma once
// Case types are data: states, transitions and who may take them, per-state deadlines in
// working time, the overdue policy, the fields of a case's data, and who is notified.
// They are loaded from TOML files (data/case-types/*.toml); docs/cases.md describes the format.

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "model/user.hpp"

namespace cg::cases {

struct Label {
  std::string zh;
  std::string en;
};

// The kind of value a field holds. Every value travels as a string; the type says what
// strings are valid: integer/number in decimal, bool "true"/"false", date "YYYY-MM-DD",
// org_code a GB/T 2260-style code, user_id a positive integer, point "lon,lat" in WGS-84.
// phone: 5..20 characters of digits, '+', '-' and spaces; stored sealed (encrypted, only the
// masked value in the case's fields) and shown masked, unmasked only by the audited route.
// id_number: a resident ID number (GB 11643, check digit verified), sealed like phone.
enum class FieldType { kString, kText, kInteger, kNumber, kBool, kEnum, kDate, kOrgCode, kUserId, kPoint, kPhone, kIdNumber };
// Whether values of `type` are sealed at intake (encrypted, kept masked in the fields).
bool IsSealed(FieldType type);
// What a sealed (phone) field's ciphertext is bound to: "case.<code>:<public_id>".
std::string SealedFieldAssociated(std::string_view code, std::string_view public_id);
const char* FieldTypeName(FieldType type);
std::optional<FieldType> ParseFieldType(std::string_view name);

struct FieldSpec {
  std::string code;
  Label label;
  FieldType type = FieldType::kString;
  bool required = false;
  int max_length = 0;               // in characters (UTF-8 code points); 0 = no limit
  std::vector<std::string> values;  // allowed values of an enum field
  // A non-empty value must equal this (e.g. a consent that must be "true").
  std::string must_be;
  // Required when another field of the same map has a value ("source=police_referral").
  struct Condition {
    std::string field;
    std::string value;
  } required_if;
};

// kInvalid naming the field unless `value` is valid for `spec`.
Status ValidateField(const FieldSpec& spec, const std::string& value);
// Validates a whole map against specs: required fields present, every key known, every value
// valid. `what` names the map in messages ("field", "input").
Status ValidateFields(const std::vector<FieldSpec>& specs, const std::map<std::string, std::string>& values,
                      const std::string& what);

// deadline_days > 0 replaces the working days of every state whose deadline counts from the
// case's opening (deadline_from = "case_opened"): a category with its own time limit.
struct Category {
  std::string code;
  Label label;
  int deadline_days = 0;
};

// A deadline in working time (see Calendar). `anchor` says where the clock starts.
struct Deadline {
  // Calendar days end at local midnight after the N-th day (a statutory window such as the
  // 30 days of 人民调解法 art. 33), counting weekends and holidays. Calendar hours run round
  // the clock (an urgent welfare visit is not left until Monday).
  enum class Unit { kWorkingHours, kWorkingDays, kCalendarDays, kCalendarHours };
  enum class Anchor { kStateEntered, kCaseOpened };
  Unit unit = Unit::kWorkingHours;
  double amount = 0;  // hours may be fractional; days are whole
  Anchor anchor = Anchor::kStateEntered;
};

enum class PublicStatus { kOpen, kClosed };  // Open311 "open"/"closed"

// What a breached deadline of a state means.
enum class OverdueAction {
  kEscalate,  // warn, then escalate up the org tree (per the type's policy), then flag
  kFlag,      // warn, then flag the case late and notify once; no escalation
  kIgnore,    // the deadline is a window for someone outside the city (e.g. the reporter's
              // rating): no warning, no breach, never late
};

struct StateSpec {
  std::string code;
  Label label;
  bool terminal = false;
  PublicStatus public_status = PublicStatus::kOpen;
  std::optional<Deadline> deadline;  // none: the state has no deadline
  OverdueAction on_overdue = OverdueAction::kEscalate;
};

// How an actor must relate to the case for a permission rule to hold.
enum class Relation {
  kHandlingUnit,              // actor's scope is the handling unit itself
  kHandlingUnitOrAncestors,   // actor's scope is the handling unit or above it
  kHandlingUnitAncestors,     // actor's scope is strictly above the handling unit
  kCaseGrid,                  // actor's scope is the case's grid
  kReporter,                  // actor is the case's reporter
  kAssignee,                  // actor is the case's assignee
};
const char* RelationName(Relation relation);
std::optional<Relation> ParseRelation(std::string_view name);

// "role R with relation X may"; role nullopt means any role.
struct Permission {
  std::optional<model::Role> role;
  Relation relation = Relation::kHandlingUnitOrAncestors;
};

// Who receives a notification.
enum class RecipientKind {
  kReporter,               // user: the reporter
  kAssignee,               // user: the assignee (after the transition)
  kHandlingUnit,           // org: staff of the handling unit (after the transition)
  kPreviousHandlingUnit,   // org: staff of the handling unit before it changed
  kGrid,                   // org: grid workers of the case's grid
};
const char* RecipientKindName(RecipientKind kind);
std::optional<RecipientKind> ParseRecipientKind(std::string_view name);

struct TransitionSpec {
  std::string code;
  Label label;
  std::vector<std::string> from;  // state codes
  std::string to;                 // state code
  std::vector<Permission> permissions;
  std::vector<FieldSpec> inputs;  // besides "note", which every transition accepts
  // Effects. set_assignee: "" none, "actor", "clear", or an input code holding a user id.
  std::string set_assignee;
  std::string set_handling_unit;  // "" none, or an input code holding an org code
  bool restart_deadline = false;  // for self-loops (from == to): restart the state's clock
  // Moves the case one level up the org tree (handling unit -> its parent), never above the
  // type's overdue ceiling: "marked complex" escalation by hand.
  bool escalate = false;
  // When the transition may be taken relative to the current state's deadline: any time, only
  // until it (a statutory window still open), or only after it (the window has ended).
  enum class Window { kAny, kBeforeDeadline, kAfterDeadline };
  Window window = Window::kAny;
  std::vector<RecipientKind> notify;
};

// What happens when a state's deadline approaches or passes.
struct OverduePolicy {
  int warn_at_percent = 80;  // 0 disables warnings
  bool escalate = true;
  int ceiling_level = 1;  // org level (city 0, district 1, street 2, community 3) never exceeded
  std::vector<RecipientKind> notify_warning{RecipientKind::kAssignee, RecipientKind::kHandlingUnit};
  std::vector<RecipientKind> notify_escalation{RecipientKind::kHandlingUnit,
                                               RecipientKind::kPreviousHandlingUnit};
  std::vector<RecipientKind> notify_breach{RecipientKind::kAssignee, RecipientKind::kHandlingUnit};
};

struct CaseType {
  std::string code;
  Label label;
  std::string source;  // file it was loaded from, for messages
  std::vector<Category> categories;  // empty: the type has no categories
  std::vector<FieldSpec> fields;
  std::vector<StateSpec> states;
  std::string initial_state;
  std::vector<TransitionSpec> transitions;
  OverduePolicy overdue;
  // Creation: which roles may open a case; whether the public may without an account.
  std::vector<model::Role> create_roles;
  bool create_anonymous = false;
  std::vector<RecipientKind> notify_on_create{RecipientKind::kHandlingUnit};
  // Routing: by the routing rules, unless a field names the handling unit (e.g. the unit of
  // the official a question is addressed to). assignee_field optionally names a user id field.
  std::string handling_unit_field;
  std::string assignee_field;

  const StateSpec* FindState(std::string_view code) const;
  const TransitionSpec* FindTransition(std::string_view code) const;
  const Category* FindCategory(std::string_view code) const;
};

// Parses and validates one case type. `source` names the file in messages. kInvalid names the
// file, line and item: unknown keys, unknown states/roles/relations/recipients, duplicate
// codes, no terminal state, states unreachable from the initial state, transitions out of a
// terminal state, non-terminal states that cannot reach a terminal state.
Result<CaseType> ParseCaseType(std::string_view toml_text, const std::string& source);

// The loaded case types, by code. Immutable after loading; thread-safe for reads.
class CaseTypeRegistry {
 public:
  // Loads every `*.toml` in `dir` except routing.toml. kInvalid on the first bad file or a
  // duplicate type code (naming both files); kNotFound if `dir` cannot be read.
  static Result<CaseTypeRegistry> LoadDirectory(const std::string& dir);

  // Adds one parsed type; kInvalid if its code is already registered.
  Status Add(CaseType type);

  // nullptr if unknown. The pointer lives as long as the registry and is not invalidated by Add.
  const CaseType* Find(std::string_view code) const;
  std::vector<const CaseType*> All() const;  // sorted by code

 private:
  std::map<std::string, CaseType, std::less<>> types_;
};

}  // namespace cg::cases
