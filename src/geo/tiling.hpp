#pragma once
// Synthetic subdivision of a polygon into n cells (used for demo streets, communities and grids).

#include <cstdint>
#include <vector>

#include "core/result.hpp"
#include "geo/geometry.hpp"

namespace cg::geo {

// Splits `parent` into exactly `n` non-empty, valid cells that tile it (no gaps or overlaps beyond
// floating-point noise): the Voronoi diagram of n pseudo-random seed points inside the parent,
// relaxed by two Lloyd iterations, each cell intersected with the parent (GEOS). Deterministic for
// a given (parent, n, seed) on a given GEOS version. An invalid parent is repaired (MakeValid)
// first. kInvalid if n < 1 or the parent is empty/degenerate, kInternal if GEOS fails.
Result<std::vector<MultiPolygon>> Partition(const MultiPolygon& parent, int n, std::uint64_t seed);

}  // namespace cg::geo
