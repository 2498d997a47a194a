#pragma once
// Plain geometry values in WGS-84/CGCS2000 longitude/latitude degrees.

#include <limits>
#include <vector>

namespace cg::geo {

struct Point {
  double lon = 0;
  double lat = 0;
  bool operator==(const Point&) const = default;
};

// A closed ring: the first point equals the last. Outer rings counter-clockwise (GeoJSON RFC 7946).
using Ring = std::vector<Point>;

struct Polygon {
  Ring outer;
  std::vector<Ring> holes;
};

using MultiPolygon = std::vector<Polygon>;

struct BBox {
  double min_lon = std::numeric_limits<double>::infinity();
  double min_lat = std::numeric_limits<double>::infinity();
  double max_lon = -std::numeric_limits<double>::infinity();
  double max_lat = -std::numeric_limits<double>::infinity();
  bool Empty() const { return min_lon > max_lon; }
  void Extend(Point p) {
    if (p.lon < min_lon) min_lon = p.lon;
    if (p.lon > max_lon) max_lon = p.lon;
    if (p.lat < min_lat) min_lat = p.lat;
    if (p.lat > max_lat) max_lat = p.lat;
  }
  bool Contains(Point p) const {
    return p.lon >= min_lon && p.lon <= max_lon && p.lat >= min_lat && p.lat <= max_lat;
  }
};

}  // namespace cg::geo
