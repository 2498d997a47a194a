#pragma once
// Seeds the demo city's loudspeaker stations and notices (after the accounts). Idempotent: does
// nothing when any station exists.

#include "core/clock.hpp"
#include "core/result.hpp"
#include "store/store.hpp"

namespace cg::cli {

Status SeedNotices(store::Store& store, const Clock& clock);

}  // namespace cg::cli
