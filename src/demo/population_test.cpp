#include "demo/population.hpp"

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "model/id_number.hpp"

namespace cg::demo {
namespace {

TEST(Population, DeterministicValidAndPlausible) {
  const Date today{2026, 1, 1};
  std::vector<std::string> grids;
  for (int i = 1; i <= 40; ++i) grids.push_back("150203010008" + std::string(i < 10 ? "00" : "0") + std::to_string(i));
  grids.push_back("150222100200001");  // a rural grid (固阳县)
  auto a = GeneratePopulation(grids, 30000, 7, today);
  auto b = GeneratePopulation(grids, 30000, 7, today);
  auto c = GeneratePopulation(grids, 30000, 8, today);
  ASSERT_EQ(a.size(), b.size());
  std::set<std::string> ids;
  std::map<std::string, int> ethnicity, relation;
  int people = 0, male = 0, young = 0, old = 0, alone = 0, disabled = 0, veterans = 0, hypertension = 0;
  int dibao = 0, floating = 0, local_region = 0, differs = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    ASSERT_EQ(a[i].members.size(), b[i].members.size());
    ASSERT_GE(a[i].members.size(), 1u);
    EXPECT_EQ(a[i].members[0].relation, "02");
    EXPECT_EQ(a[i].address.at("grid_code"), a[i].grid_code);
    dibao += a[i].attributes.count("household.dibao");
    // A low-income household's allowance is paid: the reports sum it.
    EXPECT_EQ(a[i].attributes.count("household.dibao"), a[i].attributes.count("household.dibao_amount"));
    for (std::size_t m = 0; m < a[i].members.size(); ++m) {
      const auto& p = a[i].members[m];
      EXPECT_EQ(p.fields.at("id_number"), b[i].members[m].fields.at("id_number"));
      if (i < c.size() && m < c[i].members.size()) differs += p.fields.at("id_number") != c[i].members[m].fields.at("id_number");
      auto id = model::ParseResidentId(p.fields.at("id_number"), today);
      ASSERT_TRUE(id.ok()) << id.error().message;
      EXPECT_TRUE(ids.insert(id->text).second) << id->text;
      const bool is_floating = p.fields.at("residence_status") == "floating";
      floating += is_floating;
      if (!is_floating) {
        EXPECT_EQ(id->region, a[i].grid_code.substr(0, 6));
        ++local_region;
      }
      int age = 2026 - id->birth_date.year;
      male += id->sex == model::Sex::kMale;
      young += age <= 14;
      old += age >= 60;
      ethnicity[p.fields.at("ethnicity")]++;
      relation[p.relation]++;
      EXPECT_EQ(p.attributes.count("person.old_age_allowance"), p.attributes.count("person.old_age_allowance_amount"));
      alone += p.attributes.count("person.elderly_living_alone");
      if (p.attributes.count("person.elderly_living_alone")) {
        EXPECT_EQ(a[i].members.size(), 1u);
      }
      disabled += p.attributes.count("person.disabled");
      veterans += p.attributes.count("person.veteran");
      if (auto it = p.attributes.find("person.chronic_disease"); it != p.attributes.end()) {
        hypertension += it->second.find("hypertension") != std::string::npos;
      }
      ++people;
    }
  }
  const double n = people;
  EXPECT_GE(people, 30000);
  EXPECT_LT(people, 30000 + 12);  // only the last household overshoots
  EXPECT_GT(differs, people / 2);      // another seed, other people
  // Sex ratio about 104 (males per 100 females): male share 0.49-0.53.
  EXPECT_NEAR(male / n, 0.51, 0.02);
  // 7th-census shape: 0-14 about 14 %, 60+ about 20 %.
  EXPECT_NEAR(young / n, 0.14, 0.05);
  EXPECT_NEAR(old / n, 0.21, 0.07);
  EXPECT_NEAR(ethnicity["01"] / n, 0.92, 0.02);
  EXPECT_NEAR(ethnicity["02"] / n, 0.045, 0.015);
  EXPECT_GT(ethnicity["03"] + ethnicity["11"] + ethnicity["31"], 0);
  // Households of about 2.8 people, every relation code used.
  EXPECT_NEAR(n / static_cast<double>(a.size()), 2.8, 0.4);
  for (const char* r : {"02", "10", "20", "30", "40", "50"}) EXPECT_GT(relation[r], 0) << r;
  EXPECT_NEAR(floating / n, 0.15, 0.03);
  EXPECT_GT(local_region, 0);
  EXPECT_NEAR(disabled / n, 0.03, 0.015);
  EXPECT_GT(alone, 0);
  EXPECT_GT(veterans, 0);
  EXPECT_GT(hypertension, 0);
  EXPECT_NEAR(dibao / static_cast<double>(a.size()), 0.018, 0.01);
}

TEST(Population, BuildingsHoldTheirDwellings) {
  PopulationGenerator gen(3, Date{2026, 1, 1});
  auto grid = gen.Grid("150203010008001", 600);
  ASSERT_FALSE(grid.buildings.empty());
  std::set<std::string> dwellings;
  for (const auto& hh : grid.households) {
    ASSERT_LT(hh.building, grid.buildings.size());
    EXPECT_EQ(hh.address.at("building"), std::to_string(hh.building + 1));
    EXPECT_TRUE(dwellings.insert(hh.address.at("building") + "-" + hh.address.at("unit") + "-" + hh.address.at("room")).second);
    int floors = std::stoi(grid.buildings[hh.building].fields.at("floors"));
    EXPECT_LE(std::stoi(hh.address.at("floor")), floors);
  }
}

}  // namespace
}  // namespace cg::demo
