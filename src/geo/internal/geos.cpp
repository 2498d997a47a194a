#include "geo/internal/geos.hpp"

#include <cstdarg>
#include <vector>

namespace cg::geo::internal {

GeosContext::GeosContext() : handle_(GEOS_init_r()) {
  GEOSContext_setErrorMessageHandler_r(handle_, &GeosContext::OnMessage, this);
}

GeosContext::~GeosContext() { GEOS_finish_r(handle_); }

void GeosContext::OnMessage(const char* message, void* self) {
  static_cast<GeosContext*>(self)->last_error_ = message != nullptr ? message : "";
}

std::string GeosContext::LastError() const {
  return last_error_.empty() ? std::string("unknown GEOS error") : last_error_;
}

namespace {

GEOSGeometry* RingToGeos(GEOSContextHandle_t h, const Ring& ring) {
  if (ring.size() < 4) return nullptr;
  std::vector<double> buf;
  buf.reserve(ring.size() * 2);
  for (const Point& p : ring) {
    buf.push_back(p.lon);
    buf.push_back(p.lat);
  }
  GEOSCoordSequence* seq = GEOSCoordSeq_copyFromBuffer_r(h, buf.data(), ring.size(), 0, 0);
  if (seq == nullptr) return nullptr;
  return GEOSGeom_createLinearRing_r(h, seq);  // takes ownership of seq, even on failure
}

GEOSGeometry* PolygonToGeos(GEOSContextHandle_t h, const Polygon& poly) {
  GEOSGeometry* shell = RingToGeos(h, poly.outer);
  if (shell == nullptr) return nullptr;
  std::vector<GEOSGeometry*> holes;
  for (const Ring& r : poly.holes) {
    GEOSGeometry* g = RingToGeos(h, r);
    if (g == nullptr) {
      GEOSGeom_destroy_r(h, shell);
      for (GEOSGeometry* x : holes) GEOSGeom_destroy_r(h, x);
      return nullptr;
    }
    holes.push_back(g);
  }
  return GEOSGeom_createPolygon_r(h, shell, holes.data(), static_cast<unsigned>(holes.size()));
}

Status AppendRing(GEOSContextHandle_t h, const GEOSGeometry* ring, Ring& out) {
  const GEOSCoordSequence* seq = GEOSGeom_getCoordSeq_r(h, ring);
  unsigned size = 0;
  if (seq == nullptr || GEOSCoordSeq_getSize_r(h, seq, &size) == 0) {
    return MakeError(ErrorCode::kInternal, "GEOS: cannot read a ring");
  }
  std::vector<double> buf(static_cast<std::size_t>(size) * 2);
  if (size > 0 && GEOSCoordSeq_copyToBuffer_r(h, seq, buf.data(), 0, 0) == 0) {
    return MakeError(ErrorCode::kInternal, "GEOS: cannot copy a ring");
  }
  out.reserve(size);
  for (unsigned i = 0; i < size; ++i) out.push_back(Point{buf[2 * i], buf[2 * i + 1]});
  return Status::Ok();
}

Status AppendPolygonal(GEOSContextHandle_t h, const GEOSGeometry* g, MultiPolygon& out) {
  int type = GEOSGeomTypeId_r(h, g);
  if (type == GEOS_POLYGON) {
    if (GEOSisEmpty_r(h, g) == 1) return Status::Ok();
    Polygon poly;
    CG_RETURN_IF_ERROR(AppendRing(h, GEOSGetExteriorRing_r(h, g), poly.outer));
    int n = GEOSGetNumInteriorRings_r(h, g);
    for (int i = 0; i < n; ++i) {
      poly.holes.emplace_back();
      CG_RETURN_IF_ERROR(AppendRing(h, GEOSGetInteriorRingN_r(h, g, i), poly.holes.back()));
    }
    out.push_back(std::move(poly));
  } else if (type == GEOS_MULTIPOLYGON || type == GEOS_GEOMETRYCOLLECTION) {
    int n = GEOSGetNumGeometries_r(h, g);
    for (int i = 0; i < n; ++i) CG_RETURN_IF_ERROR(AppendPolygonal(h, GEOSGetGeometryN_r(h, g, i), out));
  }
  return Status::Ok();
}

}  // namespace

GeomPtr ToGeos(const GeosContext& ctx, const MultiPolygon& mp) {
  GEOSContextHandle_t h = ctx.get();
  std::vector<GEOSGeometry*> parts;
  for (const Polygon& poly : mp) {
    GEOSGeometry* g = PolygonToGeos(h, poly);
    if (g == nullptr) {
      for (GEOSGeometry* x : parts) GEOSGeom_destroy_r(h, x);
      return Own(ctx, nullptr);
    }
    parts.push_back(g);
  }
  return Own(ctx, GEOSGeom_createCollection_r(h, GEOS_MULTIPOLYGON, parts.data(),
                                              static_cast<unsigned>(parts.size())));
}

GeomPtr ToGeos(const GeosContext& ctx, Point p) {
  return Own(ctx, GEOSGeom_createPointFromXY_r(ctx.get(), p.lon, p.lat));
}

Result<MultiPolygon> FromGeos(const GeosContext& ctx, const GEOSGeometry* g) {
  MultiPolygon out;
  if (g == nullptr) return MakeError(ErrorCode::kInternal, "GEOS: " + ctx.LastError());
  CG_RETURN_IF_ERROR(AppendPolygonal(ctx.get(), g, out));
  return out;
}

GeomPtr MakeValidPolygonal(const GeosContext& ctx, GeomPtr g) {
  if (g == nullptr) return g;
  if (GEOSisValid_r(ctx.get(), g.get()) == 1) return g;
  GeomPtr fixed = Own(ctx, GEOSMakeValid_r(ctx.get(), g.get()));
  if (fixed == nullptr) return fixed;
  // MakeValid may return a collection with lines; keep the polygons only.
  auto polys = FromGeos(ctx, fixed.get());
  if (!polys.ok()) return Own(ctx, nullptr);
  return ToGeos(ctx, *polys);
}

double GeosArea(const GeosContext& ctx, const GEOSGeometry* g) {
  double a = 0;
  if (g == nullptr || GEOSArea_r(ctx.get(), g, &a) == 0) return 0;
  return a;
}

}  // namespace cg::geo::internal
