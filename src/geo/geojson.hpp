#pragma once
// GeoJSON (RFC 7946) codec for polygonal geometry. Parsing is strict and bounded: hostile input
// gives kInvalid (or kTooLarge) with a message naming the offending member, never a crash.

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "geo/geometry.hpp"

namespace cg::geo {

struct GeoJsonLimits {
  std::size_t max_bytes = 64u << 20;    // whole document
  int max_depth = 32;                   // JSON nesting (arrays + objects)
  std::size_t max_points = 10'000'000;  // positions in the whole document
};

// A Feature's polygonal geometry and its properties; non-string scalar property values are kept
// as their JSON text ("12", "true"); null, array and object values are dropped.
struct Feature {
  MultiPolygon geometry;
  std::map<std::string, std::string> properties;
};

// Parses a GeoJSON Polygon or MultiPolygon geometry object. Rings must be closed, have >= 4
// positions, finite longitudes in [-180, 180] and latitudes in [-90, 90]; altitude is ignored.
Result<MultiPolygon> ParseGeoJsonGeometry(std::string_view text, const GeoJsonLimits& limits = {});

// Parses a FeatureCollection whose features all have a Polygon or MultiPolygon geometry.
Result<std::vector<Feature>> ParseFeatureCollection(std::string_view text,
                                                    const GeoJsonLimits& limits = {});

// A GeoJSON MultiPolygon geometry object, coordinates rounded to 6 decimals (~0.1 m).
std::string ToGeoJson(const MultiPolygon& geometry);

}  // namespace cg::geo
