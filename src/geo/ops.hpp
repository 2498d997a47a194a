#pragma once
// Basic measurements and predicates on geometry.hpp values. Areas are planar in the coordinate
// space, i.e. square degrees (not m²): enough to compare and sum units of one city, not to report.

#include <vector>

#include "core/result.hpp"
#include "geo/geometry.hpp"

namespace cg::geo {

// Planar signed area of a closed ring in degrees²: positive when counter-clockwise.
double SignedArea(const Ring& ring);
// Planar area in degrees² of the outer ring minus its holes. Never negative.
double Area(const Polygon& polygon);
double Area(const MultiPolygon& geometry);

// Even-odd (crossing-number) test over all rings, so holes are excluded. Points exactly on an
// edge are decided by a half-open rule that puts each point of a shared edge in exactly one of two
// polygons tiling the plane, the same rule GridIndex uses.
bool Contains(const Polygon& polygon, Point p);
bool Contains(const MultiPolygon& geometry, Point p);

// A point guaranteed inside the geometry (GEOS PointOnSurface), for labels and unit centres.
// kInvalid for an empty or malformed geometry.
Result<Point> LabelPoint(const MultiPolygon& geometry);

// Bounding box of all rings (Empty() for an empty geometry).
BBox BoundsOf(const MultiPolygon& geometry);

// `geometry` if it is valid (OGC), else its polygonal repair by GEOS MakeValid (e.g. a ring
// touching itself becomes two polygons). kInvalid if it cannot be built, kInternal if GEOS fails.
Result<MultiPolygon> MakeValid(const MultiPolygon& geometry);

// Union of all parts (GEOS unary union; invalid inputs are repaired first). kInvalid if an input
// cannot be built, kInternal if GEOS fails.
Result<MultiPolygon> Union(const std::vector<MultiPolygon>& parts);

}  // namespace cg::geo
