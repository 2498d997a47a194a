#include "geo/tiling.hpp"

#include <algorithm>
#include <cmath>

#include "geo/internal/geos.hpp"
#include "geo/ops.hpp"

namespace cg::geo {
namespace {

using internal::GeomPtr;
using internal::GeosContext;
using internal::Own;

// SplitMix64: tiny, portable and fully specified, unlike std:: distributions.
class Rng {
 public:
  explicit Rng(std::uint64_t seed) : s_(seed) {}
  std::uint64_t Next() {
    std::uint64_t z = (s_ += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  double Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }

 private:
  std::uint64_t s_;
};

// The Voronoi cells of `seeds` clipped to `parent`, cells[i] belonging to seeds[i].
Result<std::vector<MultiPolygon>> ClippedCells(const GeosContext& ctx, const GEOSGeometry* parent,
                                               const BBox& box, const std::vector<Point>& seeds) {
  GEOSContextHandle_t h = ctx.get();
  std::vector<MultiPolygon> cells(seeds.size());
  if (seeds.size() == 1) {
    auto mp = internal::FromGeos(ctx, parent);
    if (!mp.ok()) return mp.error();
    cells[0] = std::move(*mp);
    return cells;
  }
  std::vector<GEOSGeometry*> pts;
  pts.reserve(seeds.size());
  for (Point p : seeds) pts.push_back(GEOSGeom_createPointFromXY_r(h, p.lon, p.lat));
  GeomPtr multipoint = Own(ctx, GEOSGeom_createCollection_r(h, GEOS_MULTIPOINT, pts.data(),
                                                            static_cast<unsigned>(pts.size())));
  double w = box.max_lon - box.min_lon, ht = box.max_lat - box.min_lat, pad = std::max(w, ht) + 1e-6;
  GeomPtr env = Own(ctx, GEOSGeom_createRectangle_r(h, box.min_lon - pad, box.min_lat - pad,
                                                     box.max_lon + pad, box.max_lat + pad));
  GeomPtr diagram = Own(ctx, GEOSVoronoiDiagram_r(h, multipoint.get(), env.get(), 0.0, 0));
  if (diagram == nullptr) return MakeError(ErrorCode::kInternal, "GEOS Voronoi: " + ctx.LastError());

  // GEOS 3.11 returns cells in no particular order: match each to the seed it contains.
  int count = GEOSGetNumGeometries_r(h, diagram.get());
  std::vector<int> owner(seeds.size(), -1);
  for (int c = 0; c < count; ++c) {
    auto cell = internal::FromGeos(ctx, GEOSGetGeometryN_r(h, diagram.get(), c));
    if (!cell.ok()) return cell.error();
    BBox cb = BoundsOf(*cell);
    for (std::size_t s = 0; s < seeds.size(); ++s) {
      if (owner[s] < 0 && cb.Contains(seeds[s]) && Contains(*cell, seeds[s])) {
        owner[s] = c;
        break;
      }
    }
  }
  for (std::size_t s = 0; s < seeds.size(); ++s) {
    if (owner[s] < 0) return MakeError(ErrorCode::kInternal, "Voronoi cell not found for a seed");
    const GEOSGeometry* cell = GEOSGetGeometryN_r(h, diagram.get(), owner[s]);
    GeomPtr clipped = Own(ctx, GEOSIntersection_r(h, cell, parent));
    auto mp = internal::FromGeos(ctx, clipped.get());
    if (!mp.ok()) return mp.error();
    cells[s] = std::move(*mp);
  }
  return cells;
}

Point CentroidInside(const GeosContext& ctx, const MultiPolygon& cell, Point fallback) {
  GeomPtr g = internal::ToGeos(ctx, cell);
  if (g == nullptr) return fallback;
  GeomPtr c = Own(ctx, GEOSGetCentroid_r(ctx.get(), g.get()));
  double x = 0, y = 0;
  if (c == nullptr || GEOSisEmpty_r(ctx.get(), c.get()) != 0 || GEOSGeomGetX_r(ctx.get(), c.get(), &x) == 0 ||
      GEOSGeomGetY_r(ctx.get(), c.get(), &y) == 0) {
    return fallback;
  }
  Point p{x, y};
  return Contains(cell, p) ? p : fallback;  // a non-convex clipped cell may have it outside
}

}  // namespace

Result<std::vector<MultiPolygon>> Partition(const MultiPolygon& parent, int n, std::uint64_t seed) {
  if (n < 1) return MakeError(ErrorCode::kInvalid, "Partition: n must be >= 1");
  if (n > 1'000'000) return MakeError(ErrorCode::kInvalid, "Partition: n larger than 1,000,000");
  GeosContext ctx;
  GeomPtr g = internal::ToGeos(ctx, parent);
  if (g == nullptr) return MakeError(ErrorCode::kInvalid, "Partition: malformed parent: " + ctx.LastError());
  g = internal::MakeValidPolygonal(ctx, std::move(g));
  if (g == nullptr) return MakeError(ErrorCode::kInternal, "Partition: MakeValid: " + ctx.LastError());
  auto valid = internal::FromGeos(ctx, g.get());
  if (!valid.ok()) return valid.error();
  const MultiPolygon& shape = *valid;
  if (Area(shape) <= 0) return MakeError(ErrorCode::kInvalid, "Partition: parent has no area");
  const BBox box = BoundsOf(shape);

  // Seeds: rejection sampling in the bounding box, distinct points strictly inside.
  Rng rng(seed ^ (0x51ed270b27a1f00dull * static_cast<std::uint64_t>(n)));
  std::vector<Point> seeds;
  seeds.reserve(static_cast<std::size_t>(n));
  const std::uint64_t max_tries = 2000ull * static_cast<std::uint64_t>(n) + 100000;
  for (std::uint64_t tries = 0; seeds.size() < static_cast<std::size_t>(n); ++tries) {
    if (tries >= max_tries) {
      return MakeError(ErrorCode::kInvalid, "Partition: parent too thin to place seed points");
    }
    Point p{box.min_lon + rng.Uniform() * (box.max_lon - box.min_lon),
            box.min_lat + rng.Uniform() * (box.max_lat - box.min_lat)};
    if (!Contains(shape, p)) continue;
    if (std::find(seeds.begin(), seeds.end(), p) != seeds.end()) continue;
    seeds.push_back(p);
  }

  if (n == 1) return std::vector<MultiPolygon>{shape};
  auto cells = ClippedCells(ctx, g.get(), box, seeds);
  if (!cells.ok()) return cells.error();
  for (int iteration = 0; iteration < 2; ++iteration) {
    std::vector<Point> moved = seeds;
    for (std::size_t i = 0; i < seeds.size(); ++i) moved[i] = CentroidInside(ctx, (*cells)[i], seeds[i]);
    // Two centroids may coincide in degenerate cases; keep the old seed then.
    std::vector<Point> sorted = moved;
    std::sort(sorted.begin(), sorted.end(), [](Point a, Point b) {
      return a.lon < b.lon || (a.lon == b.lon && a.lat < b.lat);
    });
    if (std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end()) break;
    auto next = ClippedCells(ctx, g.get(), box, moved);
    if (!next.ok()) return next.error();
    bool all_non_empty = std::all_of(next->begin(), next->end(), [](const MultiPolygon& c) { return !c.empty(); });
    if (!all_non_empty) break;
    seeds = std::move(moved);
    cells = std::move(next);
  }
  for (const MultiPolygon& c : *cells) {
    if (c.empty()) return MakeError(ErrorCode::kInternal, "Partition: an empty cell");
  }
  return std::move(*cells);
}

}  // namespace cg::geo
