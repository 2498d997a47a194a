#pragma once
// In-memory point location over a set of polygons (grids): which one contains a point.
// A uniform grid of cells over the data's bounding box; a cell that no edge touches stores its
// answer directly, other cells list the candidate polygons, which are tested with a crossing-number
// rule over only the edges in the query's latitude band of that polygon.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "geo/geometry.hpp"

namespace cg::geo {

class GridIndex {
 public:
  // Builds the index over `entries` (code, geometry); indices returned by Locate refer to this
  // order. Rings need not be oriented. Never fails: an empty input gives an index that finds nothing.
  static GridIndex Build(std::vector<std::pair<std::string, MultiPolygon>> entries);

  // Index of the entry containing `p`, or nullopt. A point on an edge shared by two entries goes
  // to exactly one of them (the same half-open rule as geo::Contains); if entries overlap, the one
  // first in build order wins. Immutable after Build, so concurrent calls are safe.
  std::optional<std::size_t> Locate(Point p) const;

  // Code of entry `i` (i < size()).
  const std::string& CodeAt(std::size_t i) const { return codes_[i]; }
  std::size_t size() const { return codes_.size(); }

 private:
  struct Edge {  // ordered so that a.lat <= b.lat; horizontal edges are dropped
    double alon, alat, blon, blat;
  };
  struct Entry {
    BBox box;
    double band_lat0 = 0, band_inv = 0;  // band = floor((lat - band_lat0) * band_inv)
    std::uint32_t band_count = 0;
    std::uint32_t band_begin = 0;  // into band_offsets_ (band_count + 1 values)
  };
  static constexpr std::uint32_t kNone = 0xffffffffu;

  bool EntryContains(std::uint32_t i, Point p) const;

  std::vector<std::string> codes_;
  std::vector<Entry> entries_;
  std::vector<std::uint32_t> band_offsets_;  // per entry, per band: range into band_edges_
  std::vector<Edge> band_edges_;
  // Uniform cells.
  BBox box_;
  std::uint32_t nx_ = 0, ny_ = 0;
  double inv_dx_ = 0, inv_dy_ = 0;
  std::vector<std::uint32_t> cell_answer_;  // entry index, kNone = "empty or test candidates"
  std::vector<std::uint32_t> cell_offsets_;  // nx*ny + 1, range into cell_candidates_
  std::vector<std::uint32_t> cell_candidates_;
};

}  // namespace cg::geo
