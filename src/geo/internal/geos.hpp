#pragma once
// RAII wrappers over the reentrant GEOS C API. Private to src/geo: nothing outside src/geo
// includes geos_c.h. A GeosContext is not thread-safe; create one per thread or per call.

#include <geos_c.h>

#include <memory>
#include <string>

#include "core/result.hpp"
#include "geo/geometry.hpp"

namespace cg::geo::internal {

// Owns a GEOS context handle and records the last error/notice GEOS reported on it.
class GeosContext {
 public:
  GeosContext();
  ~GeosContext();
  GeosContext(const GeosContext&) = delete;
  GeosContext& operator=(const GeosContext&) = delete;

  GEOSContextHandle_t get() const { return handle_; }
  // The last message GEOS reported, or "unknown GEOS error" when it said nothing.
  std::string LastError() const;

 private:
  static void OnMessage(const char* message, void* self);
  GEOSContextHandle_t handle_;
  std::string last_error_;
};

struct GeomDeleter {
  GEOSContextHandle_t handle;
  void operator()(GEOSGeometry* g) const {
    if (g != nullptr) GEOSGeom_destroy_r(handle, g);
  }
};
using GeomPtr = std::unique_ptr<GEOSGeometry, GeomDeleter>;

// Takes ownership of a raw geometry returned by a GEOS call (null stays null).
inline GeomPtr Own(const GeosContext& ctx, GEOSGeometry* g) { return GeomPtr(g, GeomDeleter{ctx.get()}); }

// Builds a GEOS MultiPolygon (or an empty one); null on failure (e.g. a ring with < 4 points).
GeomPtr ToGeos(const GeosContext& ctx, const MultiPolygon& mp);
GeomPtr ToGeos(const GeosContext& ctx, Point p);

// The polygonal parts of any GEOS geometry (points and lines in collections are dropped).
Result<MultiPolygon> FromGeos(const GeosContext& ctx, const GEOSGeometry* g);

// `g` itself when valid, else GEOSMakeValid's polygonal result. Null on GEOS failure.
GeomPtr MakeValidPolygonal(const GeosContext& ctx, GeomPtr g);

// Area of a GEOS geometry (0 on failure).
double GeosArea(const GeosContext& ctx, const GEOSGeometry* g);

}  // namespace cg::geo::internal
