// libFuzzer harness for the GeoJSON codec: parse as a geometry and as a FeatureCollection; whatever
// parses must serialize, and re-parse after serialization (with the 6-decimal rounding applied).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "geo/geojson.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  cg::geo::GeoJsonLimits limits;
  limits.max_bytes = 1 << 20;
  limits.max_points = 100000;
  auto g = cg::geo::ParseGeoJsonGeometry(text, limits);
  if (g.ok()) {
    std::string out = cg::geo::ToGeoJson(*g);
    auto again = cg::geo::ParseGeoJsonGeometry(out);
    // Rounding may merge a ring's neighbouring positions but never opens a closed ring or leaves
    // the valid range, so the output must parse.
    if (!again.ok()) std::abort();
  }
  auto fc = cg::geo::ParseFeatureCollection(text, limits);
  if (fc.ok()) {
    for (const auto& f : *fc) (void)cg::geo::ToGeoJson(f.geometry);
  }
  return 0;
}
