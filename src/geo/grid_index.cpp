#include "geo/grid_index.hpp"

#include <algorithm>
#include <cmath>

#include "geo/ops.hpp"

namespace cg::geo {
namespace {

struct RawEdge {
  Point a, b;
};

void CollectEdges(const MultiPolygon& mp, std::vector<RawEdge>& out) {
  auto ring_edges = [&](const Ring& r) {
    for (std::size_t i = 0; i + 1 < r.size(); ++i) out.push_back({r[i], r[i + 1]});
  };
  for (const Polygon& p : mp) {
    ring_edges(p.outer);
    for (const Ring& h : p.holes) ring_edges(h);
  }
}

std::uint32_t ClampIndex(double v, std::uint32_t n) {
  if (!(v >= 0)) return 0;  // also catches NaN
  if (v >= static_cast<double>(n)) return n - 1;
  return static_cast<std::uint32_t>(v);
}

}  // namespace

GridIndex GridIndex::Build(std::vector<std::pair<std::string, MultiPolygon>> input) {
  GridIndex ix;
  const std::size_t n = input.size();
  ix.codes_.reserve(n);
  ix.entries_.resize(n);
  std::vector<std::vector<RawEdge>> edges(n);
  std::size_t total_edges = 0;
  for (std::size_t i = 0; i < n; ++i) {
    ix.codes_.push_back(std::move(input[i].first));
    CollectEdges(input[i].second, edges[i]);
    total_edges += edges[i].size();
    BBox b;
    for (const RawEdge& e : edges[i]) b.Extend(e.a);
    ix.entries_[i].box = b;
    if (!b.Empty()) {
      ix.box_.Extend({b.min_lon, b.min_lat});
      ix.box_.Extend({b.max_lon, b.max_lat});
    }
  }

  // Per entry: edges bucketed by latitude band, ~4 edges per band.
  ix.band_offsets_.reserve(n + total_edges / 2 + 1);
  for (std::size_t i = 0; i < n; ++i) {
    Entry& en = ix.entries_[i];
    en.band_begin = static_cast<std::uint32_t>(ix.band_offsets_.size());
    if (en.box.Empty()) {
      en.band_count = 0;
      ix.band_offsets_.push_back(static_cast<std::uint32_t>(ix.band_edges_.size()));
      continue;
    }
    std::uint32_t bands = static_cast<std::uint32_t>(std::clamp<std::size_t>(edges[i].size() / 4, 1, 4096));
    double h = en.box.max_lat - en.box.min_lat;
    en.band_count = bands;
    en.band_lat0 = en.box.min_lat;
    en.band_inv = h > 0 ? bands / h : 0;
    std::vector<std::vector<Edge>> per(bands);
    for (const RawEdge& re : edges[i]) {
      if (re.a.lat == re.b.lat) continue;  // never crosses under the half-open rule
      Edge e = re.a.lat < re.b.lat ? Edge{re.a.lon, re.a.lat, re.b.lon, re.b.lat}
                                   : Edge{re.b.lon, re.b.lat, re.a.lon, re.a.lat};
      std::uint32_t lo = ClampIndex((e.alat - en.band_lat0) * en.band_inv, bands);
      std::uint32_t hi = ClampIndex((e.blat - en.band_lat0) * en.band_inv, bands);
      for (std::uint32_t k = lo; k <= hi; ++k) per[k].push_back(e);
    }
    for (std::uint32_t k = 0; k < bands; ++k) {
      ix.band_offsets_.push_back(static_cast<std::uint32_t>(ix.band_edges_.size()));
      ix.band_edges_.insert(ix.band_edges_.end(), per[k].begin(), per[k].end());
    }
    ix.band_offsets_.push_back(static_cast<std::uint32_t>(ix.band_edges_.size()));
  }

  if (ix.box_.Empty()) return ix;
  // About 16 cells per entry, square-ish in degrees.
  double w = std::max(ix.box_.max_lon - ix.box_.min_lon, 1e-9);
  double h = std::max(ix.box_.max_lat - ix.box_.min_lat, 1e-9);
  double cells = std::clamp<double>(16.0 * static_cast<double>(n), 1, 4e6);
  double side = std::sqrt(w * h / cells);
  ix.nx_ = static_cast<std::uint32_t>(std::clamp(std::ceil(w / side), 1.0, 8192.0));
  ix.ny_ = static_cast<std::uint32_t>(std::clamp(std::ceil(h / side), 1.0, 8192.0));
  ix.inv_dx_ = ix.nx_ / w;
  ix.inv_dy_ = ix.ny_ / h;
  const double dx = w / ix.nx_, dy = h / ix.ny_;
  const std::size_t ncell = static_cast<std::size_t>(ix.nx_) * ix.ny_;

  // Cells touched by any edge (conservatively: every cell the edge's box overlaps).
  std::vector<std::uint8_t> touched(ncell, 0);
  auto cell_x = [&](double lon) { return ClampIndex((lon - ix.box_.min_lon) * ix.inv_dx_, ix.nx_); };
  auto cell_y = [&](double lat) { return ClampIndex((lat - ix.box_.min_lat) * ix.inv_dy_, ix.ny_); };
  for (const auto& es : edges) {
    for (const RawEdge& e : es) {
      std::uint32_t x0 = cell_x(std::min(e.a.lon, e.b.lon)), x1 = cell_x(std::max(e.a.lon, e.b.lon));
      std::uint32_t y0 = cell_y(std::min(e.a.lat, e.b.lat)), y1 = cell_y(std::max(e.a.lat, e.b.lat));
      // Long diagonal edges: mark only cells the segment's slab passes through per column.
      for (std::uint32_t x = x0; x <= x1; ++x) {
        double clo = ix.box_.min_lon + x * dx, chi = clo + dx;
        double lo = std::max(clo, std::min(e.a.lon, e.b.lon)), hi = std::min(chi, std::max(e.a.lon, e.b.lon));
        double ylo, yhi;
        if (e.a.lon == e.b.lon) {
          ylo = std::min(e.a.lat, e.b.lat);
          yhi = std::max(e.a.lat, e.b.lat);
        } else {
          double t0 = (lo - e.a.lon) / (e.b.lon - e.a.lon), t1 = (hi - e.a.lon) / (e.b.lon - e.a.lon);
          double ya = e.a.lat + t0 * (e.b.lat - e.a.lat), yb = e.a.lat + t1 * (e.b.lat - e.a.lat);
          ylo = std::min(ya, yb);
          yhi = std::max(ya, yb);
        }
        std::uint32_t ya = cell_y(ylo), yb = cell_y(yhi);
        ya = ya > y0 ? ya - 1 : y0;  // one cell of slack against rounding
        yb = std::min(yb + 1, y1);
        for (std::uint32_t y = ya; y <= yb; ++y) touched[static_cast<std::size_t>(y) * ix.nx_ + x] = 1;
      }
    }
  }

  // Candidates per cell: entries whose box overlaps it. Two passes (count, fill).
  std::vector<std::uint32_t> counts(ncell + 1, 0);
  auto for_cells = [&](std::size_t i, auto&& fn) {
    const BBox& b = ix.entries_[i].box;
    if (b.Empty()) return;
    std::uint32_t x0 = cell_x(b.min_lon), x1 = cell_x(b.max_lon);
    std::uint32_t y0 = cell_y(b.min_lat), y1 = cell_y(b.max_lat);
    for (std::uint32_t y = y0; y <= y1; ++y)
      for (std::uint32_t x = x0; x <= x1; ++x) fn(static_cast<std::size_t>(y) * ix.nx_ + x);
  };
  ix.cell_answer_.assign(ncell, kNone);
  // Untouched cells lie wholly inside or outside each entry: decide by the cell centre.
  for (std::size_t i = 0; i < n; ++i) {
    for_cells(i, [&](std::size_t c) {
      if (touched[c]) {
        ++counts[c];
      } else if (ix.cell_answer_[c] == kNone) {
        std::size_t cx = c % ix.nx_, cy = c / ix.nx_;
        Point centre{ix.box_.min_lon + (cx + 0.5) * dx, ix.box_.min_lat + (cy + 0.5) * dy};
        if (ix.EntryContains(static_cast<std::uint32_t>(i), centre)) {
          ix.cell_answer_[c] = static_cast<std::uint32_t>(i);
        }
      }
    });
  }
  ix.cell_offsets_.assign(ncell + 1, 0);
  for (std::size_t c = 0; c < ncell; ++c) ix.cell_offsets_[c + 1] = ix.cell_offsets_[c] + counts[c];
  ix.cell_candidates_.resize(ix.cell_offsets_[ncell]);
  std::vector<std::uint32_t> fill(ix.cell_offsets_.begin(), ix.cell_offsets_.end() - 1);
  for (std::size_t i = 0; i < n; ++i) {
    for_cells(i, [&](std::size_t c) {
      if (touched[c]) ix.cell_candidates_[fill[c]++] = static_cast<std::uint32_t>(i);
    });
  }
  return ix;
}

bool GridIndex::EntryContains(std::uint32_t i, Point p) const {
  const Entry& en = entries_[i];
  if (!en.box.Contains(p) || en.band_count == 0) return false;
  std::uint32_t k = ClampIndex((p.lat - en.band_lat0) * en.band_inv, en.band_count);
  const std::uint32_t* off = &band_offsets_[en.band_begin + k];
  bool odd = false;
  for (std::uint32_t j = off[0]; j < off[1]; ++j) {
    const Edge& e = band_edges_[j];
    // Same arithmetic as geo::Contains, with the endpoints already ordered by latitude.
    if ((e.alat > p.lat) == (e.blat > p.lat)) continue;
    double x = e.alon + (p.lat - e.alat) * (e.blon - e.alon) / (e.blat - e.alat);
    if (p.lon < x) odd = !odd;
  }
  return odd;
}

std::optional<std::size_t> GridIndex::Locate(Point p) const {
  if (nx_ == 0 || !box_.Contains(p)) return std::nullopt;
  std::uint32_t x = ClampIndex((p.lon - box_.min_lon) * inv_dx_, nx_);
  std::uint32_t y = ClampIndex((p.lat - box_.min_lat) * inv_dy_, ny_);
  std::size_t c = static_cast<std::size_t>(y) * nx_ + x;
  std::uint32_t answer = cell_answer_[c];
  if (answer != kNone) return answer;
  for (std::uint32_t j = cell_offsets_[c]; j < cell_offsets_[c + 1]; ++j) {
    if (EntryContains(cell_candidates_[j], p)) return cell_candidates_[j];
  }
  return std::nullopt;
}

}  // namespace cg::geo
