#pragma once
// A synthetic, deterministic population for the demo city (DESIGN §10): households of 1-5 at
// standard addresses, people with valid-checksum ID numbers of region 150203 (昆都仑区),
// plausible ages and sex, ethnicity mostly Han with Mongol (~4 %), Hui and Manchu, and care tags
// (elderly living alone, disabled, veteran; low income as the household's 低保). Pure: no store.

#include <cstdint>
#include <string>
#include <vector>

#include "core/date.hpp"
#include "model/base_data.hpp"

namespace cg::demo {

struct SyntheticPerson {
  model::Fields fields;      // name, id_number, phone, ethnicity, residence_status, grid_code
  model::Fields attributes;  // data-element code -> value (care tags)
  std::string relation;      // GB/T 4761 group code relative to the head ("02" for the head)
};

struct SyntheticHousehold {
  std::string grid_code;
  model::Fields address;     // road, number, compound, building, unit, floor, room, grid_code
  model::Fields attributes;  // household.dibao for low-income households
  std::vector<SyntheticPerson> members;  // the head first
};

// About `people` persons in households spread evenly over `grid_codes` (in order). The same
// arguments give the same households; ID numbers are unique within one call.
std::vector<SyntheticHousehold> GeneratePopulation(const std::vector<std::string>& grid_codes, int people,
                                                   std::uint64_t seed, Date today);

}  // namespace cg::demo
