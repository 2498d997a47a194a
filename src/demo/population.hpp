#pragma once
// A synthetic, deterministic population for the demo city (DESIGN §10), generated grid by grid
// so a city of millions streams through in constant memory. Each grid gets residential
// buildings (a compound on a road of its district) with dwellings; each household lives in one
// dwelling. People follow Baotou's 7th-census shape: age pyramid (about 14 % aged 0-14, 20 %
// aged 60+), sex ratio about 104, Han about 92 % with Mongol, Hui, Manchu, Daur, Ewenki and
// others, household structure with GB/T 4761 relations to the head, and care tags at realistic
// rates (elderly living alone or empty-nest, 80+ allowance, disabled with type and grade,
// veterans, chronic disease, dibao households, extreme poverty). ID numbers have valid check
// characters and the grid's district as region (floating residents: elsewhere in Inner
// Mongolia). Pure: no store.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/date.hpp"
#include "model/base_data.hpp"

namespace cg::demo {

struct SyntheticPerson {
  model::Fields fields;      // name, id_number, phone, ethnicity, residence_status, grid_code
  model::Fields attributes;  // data-element code -> value (care tags)
  std::string relation;      // GB/T 4761 code relative to the head ("02" for the head)
};

struct SyntheticBuilding {
  model::Fields fields;  // grid_code, name, floors, use
};

struct SyntheticHousehold {
  std::string grid_code;
  std::size_t building = 0;  // index into SyntheticGrid::buildings
  model::Fields address;     // road, number, compound, building, unit, floor, room, grid_code
  model::Fields house;       // kind, occupancy, area
  model::Fields attributes;  // household.* data elements (dibao)
  std::vector<SyntheticPerson> members;  // the head first
};

struct SyntheticGrid {
  std::string grid_code;
  std::vector<SyntheticBuilding> buildings;
  std::vector<SyntheticHousehold> households;
};

// A synthetic Han name (surname and one or two given characters) from the population's name
// tables, the same for the same `key`: for demo staff such as mediators.
std::string SyntheticName(std::uint64_t key);

// Generates grids one after another. The same seed, `today` and sequence of calls give the
// same output; ID numbers are unique across all calls of one generator.
class PopulationGenerator {
 public:
  PopulationGenerator(std::uint64_t seed, Date today);
  ~PopulationGenerator();
  PopulationGenerator(const PopulationGenerator&) = delete;
  PopulationGenerator& operator=(const PopulationGenerator&) = delete;

  // Households of `grid_code` (15 digits) with `people` persons or a few more.
  SyntheticGrid Grid(const std::string& grid_code, int people);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// About `people` persons in households spread evenly over `grid_codes` (in order).
std::vector<SyntheticHousehold> GeneratePopulation(const std::vector<std::string>& grid_codes, int people,
                                                   std::uint64_t seed, Date today);

}  // namespace cg::demo
