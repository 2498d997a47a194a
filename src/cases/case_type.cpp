#include "cases/case_type.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <deque>
#include <filesystem>
#include <initializer_list>
#include <set>

#include "cases/calendar.hpp"
#include "cases/internal/toml_util.hpp"
#include "model/org_unit.hpp"

namespace cg::cases {
namespace {

using internal::Invalid;
using internal::Where;

constexpr Relation kRelations[] = {Relation::kHandlingUnit,          Relation::kHandlingUnitOrAncestors,
                                   Relation::kHandlingUnitAncestors, Relation::kCaseGrid,
                                   Relation::kReporter,              Relation::kAssignee};
constexpr RecipientKind kRecipientKinds[] = {RecipientKind::kReporter, RecipientKind::kAssignee,
                                             RecipientKind::kHandlingUnit,
                                             RecipientKind::kPreviousHandlingUnit, RecipientKind::kGrid};

bool IsIdentifier(std::string_view s) {
  return !s.empty() && s.size() <= 64 && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

// Rejects keys of `table` not in `allowed`.
Status CheckKeys(const toml::table& table, std::initializer_list<std::string_view> allowed,
                 const std::string& source, const std::string& what) {
  for (auto&& [key, node] : table) {
    if (std::find(allowed.begin(), allowed.end(), key.str()) == allowed.end())
      return Invalid(Where(source, node), "unknown key '" + std::string(key.str()) + "' in " + what);
  }
  return {};
}

// Reads an optional string key; kInvalid if present but not a string.
Status GetString(const toml::table& t, std::string_view key, std::string& out, const std::string& source,
                 const std::string& what, bool required) {
  const auto* node = t.get(key);
  if (!node) {
    if (required) return Invalid(Where(source, t), what + " needs '" + std::string(key) + "'");
    return {};
  }
  auto s = node->value<std::string>();
  if (!node->is_string() || !s) return Invalid(Where(source, *node), what + ": '" + std::string(key) + "' must be a string");
  if (required && s->empty()) return Invalid(Where(source, *node), what + ": '" + std::string(key) + "' must not be empty");
  out = *s;
  return {};
}

Status GetBool(const toml::table& t, std::string_view key, bool& out, const std::string& source,
               const std::string& what) {
  const auto* node = t.get(key);
  if (!node) return {};
  if (!node->is_boolean()) return Invalid(Where(source, *node), what + ": '" + std::string(key) + "' must be true or false");
  out = *node->value<bool>();
  return {};
}

Status GetStrings(const toml::table& t, std::string_view key, std::vector<std::string>& out,
                  const std::string& source, const std::string& what) {
  const auto* node = t.get(key);
  if (!node) return {};
  const auto* arr = node->as_array();
  if (!arr) return Invalid(Where(source, *node), what + ": '" + std::string(key) + "' must be an array of strings");
  out.clear();
  for (const auto& item : *arr) {
    if (!item.is_string()) return Invalid(Where(source, item), what + ": '" + std::string(key) + "' must hold strings");
    out.push_back(*item.value<std::string>());
  }
  return {};
}

Status GetLabel(const toml::table& t, Label& label, const std::string& source, const std::string& what) {
  CG_RETURN_IF_ERROR(GetString(t, "name", label.zh, source, what, true));
  CG_RETURN_IF_ERROR(GetString(t, "name_en", label.en, source, what, true));
  return {};
}

// The array of tables at `key` (may be absent: empty).
Result<std::vector<const toml::table*>> GetTables(const toml::table& t, std::string_view key,
                                                  const std::string& source) {
  std::vector<const toml::table*> out;
  const auto* node = t.get(key);
  if (!node) return out;
  const auto* arr = node->as_array();
  if (!arr) return Invalid(Where(source, *node), "'" + std::string(key) + "' must be an array of tables [[" + std::string(key) + "]]");
  for (const auto& item : *arr) {
    const auto* table = item.as_table();
    if (!table) return Invalid(Where(source, item), "each entry of '" + std::string(key) + "' must be a table");
    out.push_back(table);
  }
  return out;
}

Result<std::vector<RecipientKind>> GetRecipients(const toml::table& t, std::string_view key,
                                                 std::vector<RecipientKind> fallback,
                                                 const std::string& source, const std::string& what) {
  if (!t.get(key)) return fallback;
  std::vector<std::string> names;
  CG_RETURN_IF_ERROR(GetStrings(t, key, names, source, what));
  std::vector<RecipientKind> out;
  for (const auto& n : names) {
    auto kind = ParseRecipientKind(n);
    if (!kind)
      return Invalid(Where(source, *t.get(key)), what + ": unknown recipient '" + n +
                                                     "' (reporter, assignee, handling_unit, previous_handling_unit, grid)");
    out.push_back(*kind);
  }
  return out;
}

Result<FieldSpec> ParseFieldSpec(const toml::table& t, const std::string& source, const std::string& owner) {
  FieldSpec f;
  CG_RETURN_IF_ERROR(GetString(t, "code", f.code, source, owner + " field", true));
  const std::string what = owner + " field '" + f.code + "'";
  CG_RETURN_IF_ERROR(CheckKeys(t, {"code", "name", "name_en", "type", "required", "max_length", "values", "must_be",
                                   "required_if"},
                               source, what));
  if (!IsIdentifier(f.code)) return Invalid(Where(source, t), what + ": code must be [a-z0-9_]+");
  CG_RETURN_IF_ERROR(GetLabel(t, f.label, source, what));
  std::string type = "string";
  CG_RETURN_IF_ERROR(GetString(t, "type", type, source, what, false));
  auto parsed = ParseFieldType(type);
  if (!parsed) return Invalid(Where(source, *t.get("type")), what + ": unknown type '" + type + "'");
  f.type = *parsed;
  CG_RETURN_IF_ERROR(GetBool(t, "required", f.required, source, what));
  if (const auto* node = t.get("max_length")) {
    auto v = node->value<int64_t>();
    if (!node->is_integer() || *v < 1 || *v > 1'000'000)
      return Invalid(Where(source, *node), what + ": 'max_length' must be an integer in [1, 1000000]");
    f.max_length = static_cast<int>(*v);
  }
  CG_RETURN_IF_ERROR(GetStrings(t, "values", f.values, source, what));
  if (f.type == FieldType::kEnum && f.values.empty())
    return Invalid(Where(source, t), what + ": an enum field needs 'values'");
  if (f.type != FieldType::kEnum && !f.values.empty())
    return Invalid(Where(source, t), what + ": 'values' is only for enum fields");
  std::set<std::string> seen;
  for (const auto& v : f.values) {
    if (!seen.insert(v).second) return Invalid(Where(source, t), what + ": duplicate value '" + v + "'");
  }
  CG_RETURN_IF_ERROR(GetString(t, "must_be", f.must_be, source, what, false));
  if (const auto* node = t.get("must_be")) {
    if (f.must_be.empty()) return Invalid(Where(source, *node), what + ": 'must_be' must not be empty");
    if (!ValidateField(FieldSpec{f.code, f.label, f.type, false, f.max_length, f.values}, f.must_be).ok())
      return Invalid(Where(source, *node), what + ": 'must_be' is not a valid value of the field");
  }
  std::string cond;
  CG_RETURN_IF_ERROR(GetString(t, "required_if", cond, source, what, false));
  if (const auto* node = t.get("required_if")) {
    auto eq = cond.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == cond.size())
      return Invalid(Where(source, *node), what + ": 'required_if' must be \"<field>=<value>\"");
    if (f.required) return Invalid(Where(source, *node), what + ": 'required_if' on a field that is always required");
    f.required_if = {cond.substr(0, eq), cond.substr(eq + 1)};
  }
  return f;
}

Result<std::vector<FieldSpec>> ParseFieldSpecs(const toml::table& t, std::string_view key,
                                               const std::string& source, const std::string& owner,
                                               bool reserve_note) {
  auto tables = GetTables(t, key, source);
  if (!tables.ok()) return tables.error();
  std::vector<FieldSpec> out;
  std::set<std::string> seen;
  for (const auto* ft : *tables) {
    auto f = ParseFieldSpec(*ft, source, owner);
    if (!f.ok()) return f.error();
    if (!seen.insert(f->code).second) return Invalid(Where(source, *ft), owner + ": duplicate field code '" + f->code + "'");
    if (reserve_note && f->code == "note")
      return Invalid(Where(source, *ft), owner + ": 'note' is reserved (every transition accepts a note)");
    if (reserve_note && IsSealed(f->type))
      return Invalid(Where(source, *ft), owner + ": an input cannot be of type " + FieldTypeName(f->type) +
                                             " (sealed values are taken when the case is opened)");
    out.push_back(std::move(*f));
  }
  for (size_t i = 0; i < out.size(); ++i) {
    const auto& cond = out[i].required_if;
    if (cond.field.empty()) continue;
    if (std::none_of(out.begin(), out.end(), [&](const FieldSpec& f) { return f.code == cond.field; }))
      return Invalid(Where(source, *(*tables)[i]), owner + " field '" + out[i].code + "': 'required_if' names unknown field '" +
                                                      cond.field + "'");
  }
  return out;
}

Result<StateSpec> ParseState(const toml::table& t, const std::string& source) {
  StateSpec s;
  CG_RETURN_IF_ERROR(GetString(t, "code", s.code, source, "state", true));
  const std::string what = "state '" + s.code + "'";
  CG_RETURN_IF_ERROR(CheckKeys(t, {"code", "name", "name_en", "terminal", "public_status", "deadline_hours",
                                   "deadline_days", "deadline_calendar_days", "deadline_calendar_hours", "deadline_from",
                                   "overdue"},
                               source, what));
  if (!IsIdentifier(s.code)) return Invalid(Where(source, t), what + ": code must be [a-z0-9_]+");
  CG_RETURN_IF_ERROR(GetLabel(t, s.label, source, what));
  CG_RETURN_IF_ERROR(GetBool(t, "terminal", s.terminal, source, what));
  std::string overdue = "escalate";
  CG_RETURN_IF_ERROR(GetString(t, "overdue", overdue, source, what, false));
  if (overdue == "escalate") s.on_overdue = OverdueAction::kEscalate;
  else if (overdue == "flag") s.on_overdue = OverdueAction::kFlag;
  else if (overdue == "ignore") s.on_overdue = OverdueAction::kIgnore;
  else return Invalid(Where(source, *t.get("overdue")), what + ": 'overdue' must be \"escalate\", \"flag\" or \"ignore\"");
  std::string status = s.terminal ? "closed" : "open";
  CG_RETURN_IF_ERROR(GetString(t, "public_status", status, source, what, false));
  if (status == "open") s.public_status = PublicStatus::kOpen;
  else if (status == "closed") s.public_status = PublicStatus::kClosed;
  else return Invalid(Where(source, *t.get("public_status")), what + ": 'public_status' must be \"open\" or \"closed\"");
  const auto* hours = t.get("deadline_hours");
  const auto* days = t.get("deadline_days");
  const auto* calendar_days = t.get("deadline_calendar_days");
  const auto* calendar_hours = t.get("deadline_calendar_hours");
  if ((hours != nullptr) + (days != nullptr) + (calendar_days != nullptr) + (calendar_hours != nullptr) > 1)
    return Invalid(Where(source, t), what +
                                         ": give one of 'deadline_hours', 'deadline_days', 'deadline_calendar_days' "
                                         "and 'deadline_calendar_hours'");
  if (calendar_hours) {
    auto v = calendar_hours->value<double>();
    if (!v || !(*v > 0) || *v > 24 * 366)
      return Invalid(Where(source, *calendar_hours), what + ": 'deadline_calendar_hours' must be a positive number");
    s.deadline = Deadline{Deadline::Unit::kCalendarHours, *v};
  }
  if (calendar_days) {
    auto v = calendar_days->value<int64_t>();
    if (!calendar_days->is_integer() || *v < 1 || *v > 3660)
      return Invalid(Where(source, *calendar_days), what + ": 'deadline_calendar_days' must be an integer in [1, 3660]");
    s.deadline = Deadline{Deadline::Unit::kCalendarDays, static_cast<double>(*v)};
  }
  if (hours) {
    auto v = hours->value<double>();
    if (!v || !(*v > 0) || *v > 24 * 365) return Invalid(Where(source, *hours), what + ": 'deadline_hours' must be a positive number");
    s.deadline = Deadline{Deadline::Unit::kWorkingHours, *v};
  }
  if (days) {
    auto v = days->value<int64_t>();
    if (!days->is_integer() || *v < 1 || *v > 365)
      return Invalid(Where(source, *days), what + ": 'deadline_days' must be an integer in [1, 365]");
    s.deadline = Deadline{Deadline::Unit::kWorkingDays, static_cast<double>(*v)};
  }
  if (const auto* from = t.get("deadline_from")) {
    auto v = from->value<std::string>();
    if (!s.deadline) return Invalid(Where(source, *from), what + ": 'deadline_from' without a deadline");
    if (v == "state_entered") s.deadline->anchor = Deadline::Anchor::kStateEntered;
    else if (v == "case_opened") s.deadline->anchor = Deadline::Anchor::kCaseOpened;
    else return Invalid(Where(source, *from), what + ": 'deadline_from' must be \"state_entered\" or \"case_opened\"");
  }
  if (s.terminal && s.deadline) return Invalid(Where(source, t), what + ": a terminal state cannot have a deadline");
  return s;
}

Result<TransitionSpec> ParseTransition(const toml::table& t, const std::string& source) {
  TransitionSpec tr;
  CG_RETURN_IF_ERROR(GetString(t, "code", tr.code, source, "transition", true));
  const std::string what = "transition '" + tr.code + "'";
  CG_RETURN_IF_ERROR(CheckKeys(t, {"code", "name", "name_en", "from", "to", "allow", "inputs", "set_assignee",
                                   "set_handling_unit", "restart_deadline", "escalate", "window", "notify"},
                               source, what));
  if (!IsIdentifier(tr.code)) return Invalid(Where(source, t), what + ": code must be [a-z0-9_]+");
  CG_RETURN_IF_ERROR(GetLabel(t, tr.label, source, what));
  if (!t.get("from")) return Invalid(Where(source, t), what + " needs 'from'");
  CG_RETURN_IF_ERROR(GetStrings(t, "from", tr.from, source, what));
  if (tr.from.empty()) return Invalid(Where(source, *t.get("from")), what + ": 'from' must list at least one state");
  CG_RETURN_IF_ERROR(GetString(t, "to", tr.to, source, what, true));
  auto allow = GetTables(t, "allow", source);
  if (!allow.ok()) return allow.error();
  if (allow->empty()) return Invalid(Where(source, t), what + " needs 'allow' (who may take it)");
  for (const auto* a : *allow) {
    CG_RETURN_IF_ERROR(CheckKeys(*a, {"role", "relation"}, source, what + " allow"));
    std::string role, relation;
    CG_RETURN_IF_ERROR(GetString(*a, "role", role, source, what + " allow", true));
    CG_RETURN_IF_ERROR(GetString(*a, "relation", relation, source, what + " allow", true));
    Permission p;
    if (role != "any") {
      auto r = model::ParseRole(role);
      if (!r) return Invalid(Where(source, *a->get("role")), what + ": unknown role '" + role +
                                                                 "' (admin, staff, grid_worker, analyst, resident, any)");
      p.role = *r;
    }
    auto rel = ParseRelation(relation);
    if (!rel)
      return Invalid(Where(source, *a->get("relation")),
                     what + ": unknown relation '" + relation +
                         "' (handling_unit, handling_unit_or_ancestors, handling_unit_ancestors, case_grid, reporter, assignee)");
    p.relation = *rel;
    tr.permissions.push_back(p);
  }
  auto inputs = ParseFieldSpecs(t, "inputs", source, what, true);
  if (!inputs.ok()) return inputs.error();
  tr.inputs = std::move(*inputs);
  auto input_of_type = [&](const std::string& code, FieldType type) {
    return std::any_of(tr.inputs.begin(), tr.inputs.end(),
                       [&](const FieldSpec& f) { return f.code == code && f.type == type; });
  };
  CG_RETURN_IF_ERROR(GetString(t, "set_assignee", tr.set_assignee, source, what, false));
  if (!tr.set_assignee.empty() && tr.set_assignee != "actor" && tr.set_assignee != "clear" &&
      !input_of_type(tr.set_assignee, FieldType::kUserId))
    return Invalid(Where(source, *t.get("set_assignee")),
                   what + ": 'set_assignee' must be \"actor\", \"clear\" or an input of type user_id");
  CG_RETURN_IF_ERROR(GetString(t, "set_handling_unit", tr.set_handling_unit, source, what, false));
  if (!tr.set_handling_unit.empty() && !input_of_type(tr.set_handling_unit, FieldType::kOrgCode))
    return Invalid(Where(source, *t.get("set_handling_unit")), what + ": 'set_handling_unit' must name an input of type org_code");
  CG_RETURN_IF_ERROR(GetBool(t, "restart_deadline", tr.restart_deadline, source, what));
  CG_RETURN_IF_ERROR(GetBool(t, "escalate", tr.escalate, source, what));
  if (tr.escalate && !tr.set_handling_unit.empty())
    return Invalid(Where(source, *t.get("escalate")), what + ": 'escalate' and 'set_handling_unit' exclude each other");
  std::string window = "any";
  CG_RETURN_IF_ERROR(GetString(t, "window", window, source, what, false));
  if (window == "any") tr.window = TransitionSpec::Window::kAny;
  else if (window == "before_deadline") tr.window = TransitionSpec::Window::kBeforeDeadline;
  else if (window == "after_deadline") tr.window = TransitionSpec::Window::kAfterDeadline;
  else return Invalid(Where(source, *t.get("window")), what + ": 'window' must be \"any\", \"before_deadline\" or \"after_deadline\"");
  auto notify = GetRecipients(t, "notify", {}, source, what);
  if (!notify.ok()) return notify.error();
  tr.notify = std::move(*notify);
  return tr;
}

// Checks the state graph: known states, a terminal state, everything reachable, no dead ends.
Status ValidateGraph(const CaseType& type, const std::vector<const toml::table*>& transition_tables) {
  const std::string& source = type.source;
  std::map<std::string, std::vector<std::string>> next, prev;
  for (size_t i = 0; i < type.transitions.size(); ++i) {
    const auto& tr = type.transitions[i];
    const std::string where = Where(source, *transition_tables[i]);
    const std::string what = "transition '" + tr.code + "'";
    const StateSpec* to = type.FindState(tr.to);
    if (!to) return Invalid(where, what + ": unknown state '" + tr.to + "' in 'to'");
    for (const auto& f : tr.from) {
      const StateSpec* from = type.FindState(f);
      if (!from) return Invalid(where, what + ": unknown state '" + f + "' in 'from'");
      if (from->terminal) return Invalid(where, what + ": leaves terminal state '" + f + "'");
      if (tr.window != TransitionSpec::Window::kAny && !from->deadline)
        return Invalid(where, what + ": a 'window' needs a deadline on state '" + f + "'");
      next[f].push_back(tr.to);
      prev[tr.to].push_back(f);
    }
  }
  if (std::none_of(type.states.begin(), type.states.end(), [](const StateSpec& s) { return s.terminal; }))
    return Invalid(source, "case type '" + type.code + "' has no terminal state");

  auto walk = [](const std::vector<std::string>& starts, std::map<std::string, std::vector<std::string>>& edges) {
    std::set<std::string> seen(starts.begin(), starts.end());
    std::deque<std::string> queue(starts.begin(), starts.end());
    while (!queue.empty()) {
      std::string s = queue.front();
      queue.pop_front();
      for (const auto& n : edges[s]) {
        if (seen.insert(n).second) queue.push_back(n);
      }
    }
    return seen;
  };
  auto reachable = walk({type.initial_state}, next);
  std::vector<std::string> terminals;
  for (const auto& s : type.states) {
    if (s.terminal) terminals.push_back(s.code);
  }
  auto can_finish = walk(terminals, prev);
  for (const auto& s : type.states) {
    if (!reachable.count(s.code))
      return Invalid(source, "state '" + s.code + "' is unreachable from the initial state '" + type.initial_state + "'");
    if (!can_finish.count(s.code))
      return Invalid(source, "state '" + s.code + "' cannot reach any terminal state");
  }
  return {};
}

}  // namespace

const char* RelationName(Relation relation) {
  switch (relation) {
    case Relation::kHandlingUnit: return "handling_unit";
    case Relation::kHandlingUnitOrAncestors: return "handling_unit_or_ancestors";
    case Relation::kHandlingUnitAncestors: return "handling_unit_ancestors";
    case Relation::kCaseGrid: return "case_grid";
    case Relation::kReporter: return "reporter";
    case Relation::kAssignee: return "assignee";
  }
  return "handling_unit";
}

std::optional<Relation> ParseRelation(std::string_view name) {
  for (Relation r : kRelations) {
    if (name == RelationName(r)) return r;
  }
  return std::nullopt;
}

const char* RecipientKindName(RecipientKind kind) {
  switch (kind) {
    case RecipientKind::kReporter: return "reporter";
    case RecipientKind::kAssignee: return "assignee";
    case RecipientKind::kHandlingUnit: return "handling_unit";
    case RecipientKind::kPreviousHandlingUnit: return "previous_handling_unit";
    case RecipientKind::kGrid: return "grid";
  }
  return "handling_unit";
}

std::optional<RecipientKind> ParseRecipientKind(std::string_view name) {
  for (RecipientKind k : kRecipientKinds) {
    if (name == RecipientKindName(k)) return k;
  }
  return std::nullopt;
}

const StateSpec* CaseType::FindState(std::string_view code) const {
  for (const auto& s : states) {
    if (s.code == code) return &s;
  }
  return nullptr;
}

const TransitionSpec* CaseType::FindTransition(std::string_view code) const {
  for (const auto& t : transitions) {
    if (t.code == code) return &t;
  }
  return nullptr;
}

const Category* CaseType::FindCategory(std::string_view code) const {
  for (const auto& c : categories) {
    if (c.code == code) return &c;
  }
  return nullptr;
}

Result<CaseType> ParseCaseType(std::string_view toml_text, const std::string& source) {
  auto parsed = internal::ParseToml(toml_text, source);
  if (!parsed.ok()) return parsed.error();
  const toml::table& root = *parsed;
  CaseType type;
  type.source = source;
  CG_RETURN_IF_ERROR(CheckKeys(root, {"code", "name", "name_en", "initial_state", "create", "overdue", "categories",
                                      "fields", "states", "transitions"},
                               source, "case type"));
  CG_RETURN_IF_ERROR(GetString(root, "code", type.code, source, "case type", true));
  if (!IsIdentifier(type.code)) return Invalid(Where(source, *root.get("code")), "case type code must be [a-z0-9_]+");
  const std::string what = "case type '" + type.code + "'";
  CG_RETURN_IF_ERROR(GetLabel(root, type.label, source, what));
  CG_RETURN_IF_ERROR(GetString(root, "initial_state", type.initial_state, source, what, true));

  // Categories.
  auto categories = GetTables(root, "categories", source);
  if (!categories.ok()) return categories.error();
  for (const auto* ct : *categories) {
    Category c;
    CG_RETURN_IF_ERROR(GetString(*ct, "code", c.code, source, "category", true));
    CG_RETURN_IF_ERROR(CheckKeys(*ct, {"code", "name", "name_en", "deadline_days"}, source, "category '" + c.code + "'"));
    if (const auto* days = ct->get("deadline_days")) {
      auto v = days->value<int64_t>();
      if (!days->is_integer() || *v < 1 || *v > 365)
        return Invalid(Where(source, *days), "category '" + c.code + "': 'deadline_days' must be an integer in [1, 365]");
      c.deadline_days = static_cast<int>(*v);
    }
    if (!IsIdentifier(c.code)) return Invalid(Where(source, *ct), "category '" + c.code + "': code must be [a-z0-9_]+");
    CG_RETURN_IF_ERROR(GetLabel(*ct, c.label, source, "category '" + c.code + "'"));
    if (type.FindCategory(c.code)) return Invalid(Where(source, *ct), "duplicate category code '" + c.code + "'");
    type.categories.push_back(std::move(c));
  }

  // Fields.
  auto fields = ParseFieldSpecs(root, "fields", source, what, false);
  if (!fields.ok()) return fields.error();
  type.fields = std::move(*fields);

  // States.
  auto states = GetTables(root, "states", source);
  if (!states.ok()) return states.error();
  if (states->empty()) return Invalid(source, what + " has no [[states]]");
  for (const auto* st : *states) {
    auto s = ParseState(*st, source);
    if (!s.ok()) return s.error();
    if (type.FindState(s->code)) return Invalid(Where(source, *st), "duplicate state code '" + s->code + "'");
    type.states.push_back(std::move(*s));
  }
  const StateSpec* initial = type.FindState(type.initial_state);
  if (!initial) return Invalid(Where(source, *root.get("initial_state")), "unknown initial state '" + type.initial_state + "'");
  if (initial->terminal) return Invalid(Where(source, *root.get("initial_state")), "the initial state must not be terminal");

  // Transitions.
  auto transitions = GetTables(root, "transitions", source);
  if (!transitions.ok()) return transitions.error();
  for (const auto* tt : *transitions) {
    auto tr = ParseTransition(*tt, source);
    if (!tr.ok()) return tr.error();
    if (type.FindTransition(tr->code)) return Invalid(Where(source, *tt), "duplicate transition code '" + tr->code + "'");
    type.transitions.push_back(std::move(*tr));
  }
  CG_RETURN_IF_ERROR(ValidateGraph(type, *transitions));

  // Creation.
  if (const auto* node = root.get("create")) {
    const auto* t = node->as_table();
    if (!t) return Invalid(Where(source, *node), "'create' must be a table");
    CG_RETURN_IF_ERROR(CheckKeys(*t, {"roles", "anonymous", "notify", "handling_unit_field", "assignee_field"}, source, "[create]"));
    std::vector<std::string> roles;
    CG_RETURN_IF_ERROR(GetStrings(*t, "roles", roles, source, "[create]"));
    for (const auto& r : roles) {
      auto role = model::ParseRole(r);
      if (!role) return Invalid(Where(source, *t->get("roles")), "[create]: unknown role '" + r + "'");
      type.create_roles.push_back(*role);
    }
    CG_RETURN_IF_ERROR(GetBool(*t, "anonymous", type.create_anonymous, source, "[create]"));
    auto notify = GetRecipients(*t, "notify", type.notify_on_create, source, "[create]");
    if (!notify.ok()) return notify.error();
    type.notify_on_create = std::move(*notify);
    auto field_of_type = [&](const std::string& code, FieldType ft) {
      return std::any_of(type.fields.begin(), type.fields.end(),
                         [&](const FieldSpec& f) { return f.code == code && f.type == ft && f.required; });
    };
    CG_RETURN_IF_ERROR(GetString(*t, "handling_unit_field", type.handling_unit_field, source, "[create]", false));
    if (!type.handling_unit_field.empty() && !field_of_type(type.handling_unit_field, FieldType::kOrgCode))
      return Invalid(Where(source, *t->get("handling_unit_field")), "[create]: 'handling_unit_field' must name a required org_code field");
    CG_RETURN_IF_ERROR(GetString(*t, "assignee_field", type.assignee_field, source, "[create]", false));
    if (!type.assignee_field.empty() &&
        std::none_of(type.fields.begin(), type.fields.end(), [&](const FieldSpec& f) {
          return f.code == type.assignee_field && f.type == FieldType::kUserId;
        }))
      return Invalid(Where(source, *t->get("assignee_field")), "[create]: 'assignee_field' must name a user_id field");
  }
  if (type.create_roles.empty() && !type.create_anonymous)
    return Invalid(source, what + ": nobody may create it ([create] roles is empty and anonymous is false)");

  // Overdue policy.
  if (const auto* node = root.get("overdue")) {
    const auto* t = node->as_table();
    if (!t) return Invalid(Where(source, *node), "'overdue' must be a table");
    CG_RETURN_IF_ERROR(CheckKeys(*t, {"warn_at_percent", "escalate", "ceiling", "notify_warning", "notify_escalation", "notify_breach"}, source, "[overdue]"));
    if (const auto* w = t->get("warn_at_percent")) {
      auto v = w->value<int64_t>();
      if (!w->is_integer() || *v < 0 || *v > 99) return Invalid(Where(source, *w), "[overdue]: 'warn_at_percent' must be an integer in [0, 99]");
      type.overdue.warn_at_percent = static_cast<int>(*v);
    }
    CG_RETURN_IF_ERROR(GetBool(*t, "escalate", type.overdue.escalate, source, "[overdue]"));
    std::string ceiling = "district";
    CG_RETURN_IF_ERROR(GetString(*t, "ceiling", ceiling, source, "[overdue]", false));
    auto kind = model::ParseOrgKind(ceiling);
    if (!kind || *kind == model::OrgKind::kGrid)
      return Invalid(Where(source, *t->get("ceiling")), "[overdue]: 'ceiling' must be city, district, street, town, community or village");
    type.overdue.ceiling_level = model::LevelOf(*kind);
    for (auto [key, list] : {std::pair{"notify_warning", &type.overdue.notify_warning},
                             std::pair{"notify_escalation", &type.overdue.notify_escalation},
                             std::pair{"notify_breach", &type.overdue.notify_breach}}) {
      auto r = GetRecipients(*t, key, *list, source, "[overdue]");
      if (!r.ok()) return r.error();
      *list = std::move(*r);
    }
  }
  return type;
}

Status CaseTypeRegistry::Add(CaseType type) {
  auto it = types_.find(type.code);
  if (it != types_.end())
    return MakeError(ErrorCode::kInvalid, type.source + ": case type code '" + type.code + "' is already defined in " +
                                              it->second.source);
  std::string code = type.code;
  types_.emplace(std::move(code), std::move(type));
  return {};
}

Result<CaseTypeRegistry> CaseTypeRegistry::LoadDirectory(const std::string& dir) {
  auto files = internal::ListFiles(dir, ".toml");
  if (!files.ok()) return files.error();
  CaseTypeRegistry registry;
  for (const auto& path : *files) {
    if (std::filesystem::path(path).filename() == "routing.toml") continue;
    auto text = internal::ReadFile(path);
    if (!text.ok()) return text.error();
    auto type = ParseCaseType(*text, path);
    if (!type.ok()) return type.error();
    CG_RETURN_IF_ERROR(registry.Add(std::move(*type)));
  }
  return registry;
}

const CaseType* CaseTypeRegistry::Find(std::string_view code) const {
  auto it = types_.find(code);
  return it == types_.end() ? nullptr : &it->second;
}

std::vector<const CaseType*> CaseTypeRegistry::All() const {
  std::vector<const CaseType*> out;
  for (const auto& [code, type] : types_) out.push_back(&type);
  return out;
}

}  // namespace cg::cases
