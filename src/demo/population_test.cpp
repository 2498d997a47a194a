#include "demo/population.hpp"

#include <gtest/gtest.h>

#include <set>

#include "model/id_number.hpp"

namespace cg::demo {
namespace {

TEST(Population, DeterministicValidAndPlausible) {
  const Date today{2026, 1, 1};
  std::vector<std::string> grids = {"150203010008001", "150203010008002"};
  auto a = GeneratePopulation(grids, 3000, 7, today);
  auto b = GeneratePopulation(grids, 3000, 7, today);
  ASSERT_EQ(a.size(), b.size());
  std::set<std::string> ids;
  int people = 0, mongol = 0, alone = 0, male = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    ASSERT_EQ(a[i].members.size(), b[i].members.size());
    EXPECT_GE(a[i].members.size(), 1u);
    EXPECT_LE(a[i].members.size(), 5u);
    EXPECT_EQ(a[i].members[0].relation, "02");
    for (std::size_t m = 0; m < a[i].members.size(); ++m) {
      const auto& p = a[i].members[m];
      EXPECT_EQ(p.fields.at("id_number"), b[i].members[m].fields.at("id_number"));
      auto id = model::ParseResidentId(p.fields.at("id_number"), today);
      ASSERT_TRUE(id.ok()) << id.error().message;
      EXPECT_EQ(id->region, "150203");
      EXPECT_TRUE(ids.insert(id->text).second);
      male += id->sex == model::Sex::kMale;
      mongol += p.fields.at("ethnicity") == "02";
      alone += p.attributes.count("person.elderly_living_alone");
      ++people;
    }
  }
  EXPECT_GE(people, 3000);
  EXPECT_LT(people, 3010);
  EXPECT_NEAR(mongol / static_cast<double>(people), 0.04, 0.02);
  EXPECT_NEAR(male / static_cast<double>(people), 0.5, 0.05);
  EXPECT_GT(alone, 0);
}

}  // namespace
}  // namespace cg::demo
