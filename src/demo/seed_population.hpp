#pragma once
// Writes a synthetic population (demo/population.hpp) through the base-data service's batch
// path: per batch of grids, buildings, addresses, houses, persons and households, each kind in
// one transaction, all change-logged with source "seed".

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "base/service.hpp"
#include "core/date.hpp"

namespace cg::demo {

struct SeedCounts {
  std::int64_t people = 0;
  std::int64_t households = 0;
  std::int64_t buildings = 0;
  std::int64_t grids = 0;
};

// Called after each batch with the people written so far and the people asked for.
using SeedProgress = std::function<void(std::int64_t done, std::int64_t total)>;

// About `people` persons spread evenly over `grid_codes` (in order), deterministic for `seed`
// and `today`. Writes in batches of about `batch_people` persons. Any record the service
// refuses is an error (the generator makes valid data; a refusal means the database already
// holds some of it), and the batches written so far stay.
Result<SeedCounts> SeedPopulation(base::Service& service, const std::vector<std::string>& grid_codes,
                                  std::int64_t people, std::uint64_t seed, Date today,
                                  const SeedProgress& progress, std::int64_t batch_people = 20'000);

}  // namespace cg::demo
