#pragma once
// Seeds the demo city's volunteers (docs/volunteers.md, "Demo"): 志愿者之家 volunteers of 金华社区
// and 长胜街社区 (residents of the base data, and the accounts resident_demo and resident_verified),
// past activities with check-ins and recorded hours, and upcoming ones — one full, with a waiting
// list. Idempotent: does nothing when any volunteer exists. After the accounts, the population
// and the topics (which verify resident_verified).

#include "core/clock.hpp"
#include "core/result.hpp"
#include "store/store.hpp"

namespace cg::cli {

Status SeedVolunteers(store::Store& store, const Clock& clock);

}  // namespace cg::cli
