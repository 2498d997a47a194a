#pragma once
// The demo's welfare checks (docs/welfare.md): every person the population seed tagged as an
// elderly person living alone is enrolled (interval 3 days, a few 7), with a last visit spread
// deterministically so most are on time and some are overdue; 金华社区's reporter account
// `rider_jinhua` is assigned eight of them with a visit history, one visit urgent; the deadline
// job's cases for the overdue spells are opened at the seed's clock. Skipped when subjects exist.
#include "core/clock.hpp"
#include "core/config.hpp"
#include "core/result.hpp"
#include "store/store.hpp"

namespace cg::cli {

Status SeedWelfare(store::Store& store, const Config& config, const Clock& clock);

}  // namespace cg::cli
