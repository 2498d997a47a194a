#pragma once
// Seeds the demo city's governance projects (after the accounts). Idempotent: does nothing when
// any project exists.

#include "core/clock.hpp"
#include "core/result.hpp"
#include "store/store.hpp"

namespace cg::cli {

Status SeedProjects(store::Store& store, const Clock& clock);

}  // namespace cg::cli
