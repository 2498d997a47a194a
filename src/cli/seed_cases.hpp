#pragma once
// For the demo seeds: takes a transition of the case engine on a stored case, as the API
// would (engine Apply, then SaveCase with its notifications and the state's flags), at `when`.
#include <map>
#include <string>

#include "cases/calendar.hpp"
#include "cases/engine.hpp"
#include "core/result.hpp"
#include "store/case_store.hpp"

namespace cg::cli {

Status TakeTransition(store::CaseStore& cases, const cases::CaseType& type, const cases::Calendar& calendar,
                      const std::string& case_id, const std::string& transition, const cases::Actor& actor,
                      std::map<std::string, std::string> input, Timestamp when);

}  // namespace cg::cli
