#pragma once
// Audits a tiling: do `children` cover `parent` exactly, without overlaps, and are they valid?

#include <string>
#include <utility>
#include <vector>

#include "geo/geometry.hpp"

namespace cg::geo {

enum class TilingProblemKind { kInvalidGeometry, kOverlap, kGap, kOutsideParent };
const char* TilingProblemKindName(TilingProblemKind kind);  // "invalid_geometry", "overlap", ...

struct TilingProblem {
  TilingProblemKind kind;
  std::vector<std::string> codes;  // the child (or two children for an overlap); empty for a gap
  double area = 0;                 // degrees² (0 for an invalid geometry)
  std::string message;             // human-readable, with GEOS's reason for invalid geometry
};

// Every problem whose area exceeds `tolerance` (degrees²): invalid children (GEOS reason; they are
// repaired with MakeValid before the other checks) or an invalid parent (code "parent"),
// overlapping pairs, each gap piece (parent not covered by any child) and each child part outside
// the parent. An empty result means the children tile the parent. Pure; cannot fail.
std::vector<TilingProblem> CheckTiling(const MultiPolygon& parent,
                                       const std::vector<std::pair<std::string, MultiPolygon>>& children,
                                       double tolerance);

}  // namespace cg::geo
