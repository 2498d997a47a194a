#include "cli/seed_cases.hpp"

namespace cg::cli {

Status TakeTransition(store::CaseStore& cases, const cases::CaseType& type, const cases::Calendar& calendar,
                      const std::string& case_id, const std::string& transition, const cases::Actor& actor,
                      std::map<std::string, std::string> input, Timestamp when) {
  auto r = cases.GetCaseSystem(case_id);
  if (!r.ok()) return r.error();
  auto out = cases::Apply(type, r->c, transition, actor, input, when, calendar);
  if (!out.ok()) return out.error();
  store::CaseRecord u = *r;
  u.c = std::move(out->updated);
  const auto* state = type.FindState(u.c.state);
  u.terminal = state && state->terminal;
  u.public_open = state && state->public_status == cases::PublicStatus::kOpen;
  auto saved = cases.SaveCase(u, r->version, out->notifications, when);
  if (!saved.ok()) return saved.error();
  return {};
}

}  // namespace cg::cli
