#include "cases/engine.hpp"

#include <algorithm>
#include <charconv>

#include "model/org_unit.hpp"

namespace cg::cases {
namespace {

constexpr size_t kMaxNoteLength = 2000;  // characters

std::optional<std::int64_t> ParseUserId(const std::string& s) {
  std::int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || v <= 0) return std::nullopt;
  return v;
}

bool Covers(const std::string& scope_code, const std::string& code) {
  return !scope_code.empty() && code.starts_with(scope_code);
}

// Sets due_at/warn_at for a state clock started at `start` and clears the per-entry flags.
void StartClock(const CaseType& type, const StateSpec& state, Case& c, Timestamp start,
                const Calendar& calendar) {
  c.due_at = DueAt(state, start, calendar);
  if (state.deadline && state.deadline->anchor == Deadline::Anchor::kCaseOpened) {
    const Category* category = type.FindCategory(c.category);
    if (category && category->deadline_days > 0) c.due_at = calendar.AddWorkingDays(start, category->deadline_days);
  }
  c.warn_at = 0;
  if (c.due_at != 0 && type.overdue.warn_at_percent > 0 && state.on_overdue != OverdueAction::kIgnore) {
    const bool calendar_time = state.deadline && (state.deadline->unit == Deadline::Unit::kCalendarDays ||
                                                  state.deadline->unit == Deadline::Unit::kCalendarHours);
    if (calendar_time) {  // a round-the-clock deadline warns at its share of clock time
      c.warn_at = start + (c.due_at - start) * type.overdue.warn_at_percent / 100;
    } else {
      std::int64_t total = calendar.WorkingMsBetween(start, c.due_at);
      c.warn_at = calendar.AddWorkingMs(start, total * type.overdue.warn_at_percent / 100);
    }
  }
  c.warned = false;
  c.breached = false;
}

// Where the state's clock starts when the case enters it at `now`.
Timestamp ClockStart(const StateSpec& state, const Case& c, Timestamp now) {
  if (state.deadline && state.deadline->anchor == Deadline::Anchor::kCaseOpened) return c.opened_at;
  return now;
}

std::vector<Notification> Notify(const std::vector<RecipientKind>& kinds, const Case& c,
                                 const std::string& previous_unit, const std::string& event,
                                 std::int64_t skip_user) {
  std::vector<Notification> out;
  auto add = [&](Notification n) {
    n.case_id = c.id;
    n.event = event;
    // The same user once; the same org unit once per audience (handling staff, grid workers).
    bool dup = std::any_of(out.begin(), out.end(), [&](const Notification& o) {
      return o.user_id == n.user_id && o.org_code == n.org_code &&
             (n.user_id.has_value() || o.recipient == n.recipient);
    });
    if (!dup) out.push_back(std::move(n));
  };
  for (RecipientKind kind : kinds) {
    switch (kind) {
      case RecipientKind::kReporter:
        if (c.reporter_user_id && *c.reporter_user_id != skip_user) add({kind, c.reporter_user_id, {}, {}, {}});
        break;
      case RecipientKind::kAssignee:
        if (c.assignee_user_id && *c.assignee_user_id != skip_user) add({kind, c.assignee_user_id, {}, {}, {}});
        break;
      case RecipientKind::kHandlingUnit:
        add({kind, std::nullopt, c.handling_unit_code, {}, {}});
        break;
      case RecipientKind::kPreviousHandlingUnit:
        if (!previous_unit.empty() && previous_unit != c.handling_unit_code)
          add({kind, std::nullopt, previous_unit, {}, {}});
        break;
      case RecipientKind::kGrid:
        add({kind, std::nullopt, c.grid_code, {}, {}});
        break;
    }
  }
  return out;
}

TimelineEntry SystemEntry(const Case& c, Timestamp now, std::string event, std::string note) {
  TimelineEntry e;
  e.at = now;
  e.actor_role = "system";
  e.event = std::move(event);
  e.from_state = c.state;
  e.to_state = c.state;
  e.handling_unit_code = c.handling_unit_code;
  e.note = std::move(note);
  return e;
}


}  // namespace

Timestamp DueAt(const StateSpec& state, Timestamp start, const Calendar& calendar) {
  if (!state.deadline) return 0;
  if (state.deadline->unit == Deadline::Unit::kWorkingDays)
    return calendar.AddWorkingDays(start, static_cast<int>(state.deadline->amount));
  if (state.deadline->unit == Deadline::Unit::kCalendarDays)
    return calendar.AddCalendarDays(start, static_cast<int>(state.deadline->amount));
  if (state.deadline->unit == Deadline::Unit::kCalendarHours)
    return start + static_cast<Timestamp>(state.deadline->amount * 3'600'000.0);
  return calendar.AddWorkingHours(start, state.deadline->amount);
}

bool MayTake(const TransitionSpec& transition, const Case& c, const Actor& actor) {
  for (const auto& p : transition.permissions) {
    if (p.role && *p.role != actor.role) continue;
    bool ok = false;
    switch (p.relation) {
      case Relation::kHandlingUnit:
        ok = !actor.scope_code.empty() && actor.scope_code == c.handling_unit_code;
        break;
      case Relation::kHandlingUnitOrAncestors:
        ok = Covers(actor.scope_code, c.handling_unit_code);
        break;
      case Relation::kHandlingUnitAncestors:
        ok = Covers(actor.scope_code, c.handling_unit_code) && actor.scope_code != c.handling_unit_code;
        break;
      case Relation::kCaseGrid:
        ok = !actor.scope_code.empty() && actor.scope_code == c.grid_code;
        break;
      case Relation::kReporter:
        ok = actor.user_id != 0 && c.reporter_user_id == actor.user_id;
        break;
      case Relation::kAssignee:
        ok = actor.user_id != 0 && c.assignee_user_id == actor.user_id;
        break;
    }
    if (ok) return true;
  }
  return false;
}

Result<CreateOutcome> Create(const CaseType& type, const std::string& category, const std::string& grid_code,
                             const std::map<std::string, std::string>& fields,
                             const std::optional<Actor>& reporter, Timestamp now, const Calendar& calendar,
                             const RoutingTable& routing) {
  if (!reporter) {
    if (!type.create_anonymous)
      return MakeError(ErrorCode::kForbidden, "case type '" + type.code + "' cannot be reported anonymously");
  } else if (std::find(type.create_roles.begin(), type.create_roles.end(), reporter->role) ==
             type.create_roles.end()) {
    return MakeError(ErrorCode::kForbidden, std::string("role '") + model::RoleName(reporter->role) +
                                                "' may not open a case of type '" + type.code + "'");
  }
  if (type.categories.empty()) {
    if (!category.empty())
      return MakeError(ErrorCode::kInvalid, "case type '" + type.code + "' has no categories");
  } else if (!type.FindCategory(category)) {
    return MakeError(ErrorCode::kInvalid, "case type '" + type.code + "' has no category '" + category + "'");
  }
  if (!model::LevelOfCode(grid_code) || *model::LevelOfCode(grid_code) == 0)
    return MakeError(ErrorCode::kInvalid, "grid code '" + grid_code + "' is not an org code below the city");
  CG_RETURN_IF_ERROR(ValidateFields(type.fields, fields, "field"));

  CreateOutcome out;
  Case& c = out.created;
  c.type = type.code;
  c.category = category;
  c.grid_code = grid_code;
  c.fields = fields;
  if (!type.handling_unit_field.empty()) {
    c.handling_unit_code = fields.at(type.handling_unit_field);  // required: validated above
    out.rule_id = "field:" + type.handling_unit_field;
  } else {
    RouteMatch route = routing.Route(type.code, category, grid_code);
    c.handling_unit_code = route.handling_unit_code;
    out.rule_id = route.rule_id;
  }
  if (!type.assignee_field.empty()) {
    auto it = fields.find(type.assignee_field);
    if (it != fields.end() && !it->second.empty()) c.assignee_user_id = ParseUserId(it->second);
  }
  if (reporter && reporter->user_id != 0) c.reporter_user_id = reporter->user_id;
  const StateSpec& initial = *type.FindState(type.initial_state);
  c.state = initial.code;
  c.opened_at = now;
  c.state_entered_at = now;
  StartClock(type, initial, c, now, calendar);

  TimelineEntry e;
  e.at = now;
  e.actor_user_id = reporter ? reporter->user_id : 0;
  e.actor_role = reporter ? model::RoleName(reporter->role) : "public";
  e.event = "create";
  e.to_state = c.state;
  e.handling_unit_code = c.handling_unit_code;
  c.timeline.push_back(std::move(e));
  out.notifications = Notify(type.notify_on_create, c, {}, "create", reporter ? reporter->user_id : 0);
  return out;
}

Result<TransitionOutcome> Apply(const CaseType& type, const Case& c, const std::string& transition,
                                const Actor& actor, const std::map<std::string, std::string>& input,
                                Timestamp now, const Calendar& calendar) {
  if (c.type != type.code)
    return MakeError(ErrorCode::kInvalid, "case is of type '" + c.type + "', not '" + type.code + "'");
  const TransitionSpec* tr = type.FindTransition(transition);
  if (!tr) return MakeError(ErrorCode::kInvalid, "case type '" + type.code + "' has no transition '" + transition + "'");
  if (std::find(tr->from.begin(), tr->from.end(), c.state) == tr->from.end())
    return MakeError(ErrorCode::kInvalid, "transition '" + transition + "' is not allowed from state '" + c.state + "'");
  if (!MayTake(*tr, c, actor))
    return MakeError(ErrorCode::kForbidden, std::string("role '") + model::RoleName(actor.role) + "' at '" +
                                                actor.scope_code + "' may not take transition '" + transition +
                                                "' on a case handled by '" + c.handling_unit_code + "'");

  std::map<std::string, std::string> values = input;
  std::string note;
  if (auto it = values.find("note"); it != values.end()) {
    note = it->second;
    values.erase(it);
    FieldSpec note_spec{"note", {}, FieldType::kText, false, static_cast<int>(kMaxNoteLength), {}};
    CG_RETURN_IF_ERROR(ValidateFields({note_spec}, {{"note", note}}, "input"));
  }
  CG_RETURN_IF_ERROR(ValidateFields(tr->inputs, values, "input"));
  if (tr->window != TransitionSpec::Window::kAny) {
    const std::string due = c.due_at ? FormatDate(calendar.LocalDate(c.due_at - 1)) : std::string("(none)");
    if (tr->window == TransitionSpec::Window::kBeforeDeadline && (c.due_at == 0 || now >= c.due_at))
      return MakeError(ErrorCode::kInvalid, "transition '" + transition + "' is only allowed until the deadline of state '" +
                                                c.state + "', which ended with " + due);
    if (tr->window == TransitionSpec::Window::kAfterDeadline && c.due_at != 0 && now < c.due_at)
      return MakeError(ErrorCode::kInvalid, "transition '" + transition + "' is only allowed after the deadline of state '" +
                                                c.state + "', which ends with " + due);
  }

  TransitionOutcome out;
  Case& n = out.updated;
  n = c;
  const std::string previous_unit = c.handling_unit_code;
  if (tr->escalate) {
    auto level = model::LevelOfCode(c.handling_unit_code);
    if (!level || *level <= type.overdue.ceiling_level)
      return MakeError(ErrorCode::kInvalid, "the case is handled at the highest level its type allows (" +
                                                c.handling_unit_code + ")");
    n.handling_unit_code = model::ParentCode(c.handling_unit_code);
    n.escalation_level = c.escalation_level + 1;
  }
  if (!tr->set_handling_unit.empty()) {
    auto it = values.find(tr->set_handling_unit);
    if (it != values.end() && !it->second.empty()) {
      if (!Covers(actor.scope_code, it->second))
        return MakeError(ErrorCode::kForbidden, "org unit '" + it->second + "' is outside the actor's scope '" +
                                                    actor.scope_code + "'");
      n.handling_unit_code = it->second;
    }
  }
  if (tr->set_assignee == "actor") {
    n.assignee_user_id = actor.user_id;
  } else if (tr->set_assignee == "clear") {
    n.assignee_user_id.reset();
  } else if (!tr->set_assignee.empty()) {
    auto it = values.find(tr->set_assignee);
    if (it != values.end() && !it->second.empty()) n.assignee_user_id = ParseUserId(it->second);
  }
  for (const auto& [key, value] : values) n.fields[key] = value;

  const StateSpec* from = type.FindState(c.state);
  // Late: past the current deadline, or the deadline of this state entry was already
  // breached (an escalation grants the upper level a fresh deadline but the delay remains).
  const bool breached_here = std::any_of(c.timeline.begin(), c.timeline.end(), [&](const TimelineEntry& e) {
    return e.at >= c.state_entered_at && (e.event == "escalate" || e.event == "overdue");
  });
  const bool late = from && from->on_overdue != OverdueAction::kIgnore &&
                    ((c.due_at != 0 && now > c.due_at) || breached_here || c.breached);
  if (late) n.late = true;
  const StateSpec& to = *type.FindState(tr->to);
  n.state = to.code;
  if (tr->to != c.state || tr->restart_deadline || tr->escalate) {
    n.state_entered_at = now;
    StartClock(type, to, n, ClockStart(to, n, now), calendar);
  }

  TimelineEntry e;
  e.at = now;
  e.actor_user_id = actor.user_id;
  e.actor_role = model::RoleName(actor.role);
  e.event = tr->code;
  e.from_state = c.state;
  e.to_state = n.state;
  e.handling_unit_code = n.handling_unit_code;
  e.note = std::move(note);
  e.late = late;
  e.inputs = values;
  n.timeline.push_back(std::move(e));
  out.notifications = Notify(tr->notify, n, previous_unit, tr->code, actor.user_id);
  return out;
}

Evaluation Evaluate(const CaseType& type, const Case& c, Timestamp now, const Calendar& calendar) {
  Evaluation out;
  out.updated = c;
  const StateSpec* state = type.FindState(c.state);
  if (!state || state->terminal || c.due_at == 0 || state->on_overdue == OverdueAction::kIgnore) return out;
  Case& n = out.updated;

  if (now >= c.due_at) {
    auto level = model::LevelOfCode(c.handling_unit_code);
    bool can_escalate = type.overdue.escalate && state->on_overdue == OverdueAction::kEscalate && level && *level > type.overdue.ceiling_level;
    if (can_escalate) {
      const std::string previous = c.handling_unit_code;
      n.handling_unit_code = model::ParentCode(previous);
      n.escalation_level = c.escalation_level + 1;
      n.late = true;
      StartClock(type, *state, n, now, calendar);
      n.timeline.push_back(SystemEntry(n, now, "escalate", "deadline passed; escalated from " + previous + " to " +
                                                               n.handling_unit_code));
      out.kind = EvaluationKind::kEscalation;
      out.notifications = Notify(type.overdue.notify_escalation, n, previous, "escalate", 0);
      return out;
    }
    if (c.breached) return out;
    n.breached = true;
    n.late = true;
    n.timeline.push_back(SystemEntry(n, now, "overdue", "deadline passed"));
    out.kind = EvaluationKind::kOverdue;
    out.notifications = Notify(type.overdue.notify_breach, n, {}, "overdue", 0);
    return out;
  }
  if (!c.warned && c.warn_at != 0 && now >= c.warn_at) {
    n.warned = true;
    n.timeline.push_back(SystemEntry(n, now, "warning", "deadline approaching"));
    out.kind = EvaluationKind::kWarning;
    out.notifications = Notify(type.overdue.notify_warning, n, {}, "warning", 0);
  }
  return out;
}

}  // namespace cg::cases
