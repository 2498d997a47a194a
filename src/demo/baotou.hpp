#pragma once
// The demo city: real Baotou units (codes, names, district boundaries from data/baotou/) with
// synthetic street, community and grid polygons derived by Voronoi partition (see docs/geo.md).

#include <cstdint>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "model/org_unit.hpp"

namespace cg::demo {

// Grids in 昆都仑区 150203, as in the model city; other districts get the same number of grids
// per community/village (rounded), so the city has about 9,970 grids.
inline constexpr int kKundulunGrids = 1391;
inline constexpr const char* kKundulunCode = "150203";

// Reads <data_dir>/divisions.csv and <data_dir>/districts.geojson and builds the whole org tree:
// the city (union of the districts), districts (real boundaries), streets/towns partitioning each
// district, communities/villages partitioning each street/town, grids partitioning each community.
// Every unit has geometry, a centre inside it and its bbox. Order: city, districts, streets/towns,
// communities/villages, grids, each level by code. Deterministic for a seed. kNotFound if a file
// is missing, kInvalid if a file is malformed or inconsistent (e.g. a district without boundary).
Result<std::vector<model::OrgUnit>> BuildBaotouOrgTree(const std::string& data_dir, std::uint64_t seed);

// How many grids each community/village of a district gets: `total` split evenly, the remainder
// going one each to the largest units by area (ties by code). `areas` are in the units' order.
std::vector<int> SplitGrids(int total, const std::vector<double>& areas);

}  // namespace cg::demo
