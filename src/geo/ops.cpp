#include "geo/ops.hpp"

#include <cmath>

#include "geo/internal/geos.hpp"

namespace cg::geo {

double SignedArea(const Ring& ring) {
  if (ring.size() < 3) return 0;
  // Shoelace relative to the first point, which keeps precision for small rings far from 0,0.
  const Point o = ring.front();
  double twice = 0;
  for (std::size_t i = 1; i + 1 < ring.size(); ++i) {
    double ax = ring[i].lon - o.lon, ay = ring[i].lat - o.lat;
    double bx = ring[i + 1].lon - o.lon, by = ring[i + 1].lat - o.lat;
    twice += ax * by - bx * ay;
  }
  return twice / 2;
}

double Area(const Polygon& polygon) {
  double a = std::fabs(SignedArea(polygon.outer));
  for (const Ring& h : polygon.holes) a -= std::fabs(SignedArea(h));
  return a > 0 ? a : 0;
}

double Area(const MultiPolygon& geometry) {
  double a = 0;
  for (const Polygon& p : geometry) a += Area(p);
  return a;
}

namespace {

// One crossing-number step with the edge's endpoints ordered by latitude, so that the same edge
// traversed in either direction gives bit-identical decisions.
inline bool Crosses(Point a, Point b, Point p) {
  if ((a.lat > p.lat) == (b.lat > p.lat)) return false;
  if (a.lat > b.lat) std::swap(a, b);
  double x = a.lon + (p.lat - a.lat) * (b.lon - a.lon) / (b.lat - a.lat);
  return p.lon < x;
}

bool RingCrossings(const Ring& ring, Point p) {
  bool odd = false;
  for (std::size_t i = 0; i + 1 < ring.size(); ++i) {
    if (Crosses(ring[i], ring[i + 1], p)) odd = !odd;
  }
  return odd;
}

}  // namespace

bool Contains(const Polygon& polygon, Point p) {
  bool odd = RingCrossings(polygon.outer, p);
  for (const Ring& h : polygon.holes) odd ^= RingCrossings(h, p);
  return odd;
}

bool Contains(const MultiPolygon& geometry, Point p) {
  for (const Polygon& poly : geometry) {
    if (Contains(poly, p)) return true;
  }
  return false;
}

Result<Point> LabelPoint(const MultiPolygon& geometry) {
  if (geometry.empty()) return MakeError(ErrorCode::kInvalid, "label point of an empty geometry");
  internal::GeosContext ctx;
  internal::GeomPtr g = internal::ToGeos(ctx, geometry);
  if (g == nullptr) return MakeError(ErrorCode::kInvalid, "malformed geometry: " + ctx.LastError());
  g = internal::MakeValidPolygonal(ctx, std::move(g));
  if (g == nullptr) return MakeError(ErrorCode::kInternal, "GEOS MakeValid: " + ctx.LastError());
  internal::GeomPtr pt = internal::Own(ctx, GEOSPointOnSurface_r(ctx.get(), g.get()));
  double x = 0, y = 0;
  if (pt == nullptr || GEOSisEmpty_r(ctx.get(), pt.get()) != 0 ||
      GEOSGeomGetX_r(ctx.get(), pt.get(), &x) == 0 || GEOSGeomGetY_r(ctx.get(), pt.get(), &y) == 0) {
    return MakeError(ErrorCode::kInvalid, "no point on surface (degenerate geometry)");
  }
  return Point{x, y};
}

BBox BoundsOf(const MultiPolygon& geometry) {
  BBox b;
  for (const Polygon& poly : geometry) {
    for (const Point& p : poly.outer) b.Extend(p);
  }
  return b;
}

Result<MultiPolygon> MakeValid(const MultiPolygon& geometry) {
  internal::GeosContext ctx;
  internal::GeomPtr g = internal::ToGeos(ctx, geometry);
  if (g == nullptr) return MakeError(ErrorCode::kInvalid, "malformed geometry: " + ctx.LastError());
  if (GEOSisValid_r(ctx.get(), g.get()) == 1) return geometry;
  g = internal::MakeValidPolygonal(ctx, std::move(g));
  if (g == nullptr) return MakeError(ErrorCode::kInternal, "GEOS MakeValid: " + ctx.LastError());
  return internal::FromGeos(ctx, g.get());
}

Result<MultiPolygon> Union(const std::vector<MultiPolygon>& parts) {
  internal::GeosContext ctx;
  std::vector<GEOSGeometry*> raw;
  for (const MultiPolygon& mp : parts) {
    internal::GeomPtr g = internal::MakeValidPolygonal(ctx, internal::ToGeos(ctx, mp));
    if (g == nullptr) {
      for (GEOSGeometry* x : raw) GEOSGeom_destroy_r(ctx.get(), x);
      return MakeError(ErrorCode::kInvalid, "malformed geometry in union: " + ctx.LastError());
    }
    raw.push_back(g.release());
  }
  internal::GeomPtr all = internal::Own(
      ctx, GEOSGeom_createCollection_r(ctx.get(), GEOS_GEOMETRYCOLLECTION, raw.data(),
                                       static_cast<unsigned>(raw.size())));
  if (all == nullptr) return MakeError(ErrorCode::kInternal, "GEOS: " + ctx.LastError());
  internal::GeomPtr u = internal::Own(ctx, GEOSUnaryUnion_r(ctx.get(), all.get()));
  return internal::FromGeos(ctx, u.get());
}

}  // namespace cg::geo
