#pragma once
// The org tree: city -> district/banner/county -> street/town -> community/village -> grid.
// Codes are hierarchical (GB/T 2260 + statistical division codes): city 4 digits (1502),
// district 6 (150203), street/town 9 (150203010), community/village 12 (150203010008),
// grid 15 (community code + 3-digit sequence). A unit's code starts with its parent's code,
// so "inside the subtree of X" is "code starts with X's code".

#include <optional>
#include <string>
#include <string_view>

#include "core/result.hpp"
#include "geo/geometry.hpp"

namespace cg::model {

enum class OrgKind { kCity, kDistrict, kStreet, kTown, kCommunity, kVillage, kGrid };

// Depth in the tree: city 0, district 1, street/town 2, community/village 3, grid 4.
int LevelOf(OrgKind kind);
const char* OrgKindName(OrgKind kind);  // "city", "district", ... "grid"
std::optional<OrgKind> ParseOrgKind(std::string_view name);

// Level implied by a code's length (4/6/9/12/15 digits), or nullopt if it is not a valid code.
std::optional<int> LevelOfCode(std::string_view code);
// The parent's code (drops the last level's digits); empty for the city.
std::string ParentCode(std::string_view code);
// kInvalid with a clear message unless `code` is 4, 6, 9, 12 or 15 ASCII digits.
Status ValidateOrgCode(std::string_view code);

struct OrgUnit {
  std::string code;
  OrgKind kind = OrgKind::kGrid;
  std::string parent_code;  // empty for the root
  std::string name;
  geo::MultiPolygon geometry;  // may be empty when a query asked for no geometry
  geo::Point center;           // a point inside the unit, for labels
  geo::BBox bbox;
};

}  // namespace cg::model
