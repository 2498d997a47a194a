#pragma once
// Seeds the demo city's deliberation (docs/deliberation.md, "Demo"): the account
// resident_verified linked to a resident of 金华社区第1网格, and topics of 金华社区 and 市府东路街道 —
// one open for votes, one taking proposals, one closed with its meeting (议事会) and decision.
// Idempotent: does nothing when any topic exists. After the accounts and the population.

#include "core/clock.hpp"
#include "core/result.hpp"
#include "store/store.hpp"

namespace cg::cli {

Status SeedTopics(store::Store& store, const Clock& clock);

}  // namespace cg::cli
