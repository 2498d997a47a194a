#include "model/org_unit.hpp"

#include <gtest/gtest.h>

#include "model/scope.hpp"

namespace cg::model {
namespace {

TEST(OrgCode, LevelsAndParents) {
  EXPECT_EQ(LevelOfCode("1502"), 0);
  EXPECT_EQ(LevelOfCode("150203"), 1);
  EXPECT_EQ(LevelOfCode("150203010"), 2);
  EXPECT_EQ(LevelOfCode("150203010008"), 3);
  EXPECT_EQ(LevelOfCode("150203010008001"), 4);
  EXPECT_EQ(LevelOfCode("15020301000"), std::nullopt);
  EXPECT_EQ(LevelOfCode("15020x"), std::nullopt);
  EXPECT_EQ(LevelOfCode(""), std::nullopt);
  EXPECT_EQ(ParentCode("150203010008001"), "150203010008");
  EXPECT_EQ(ParentCode("150203"), "1502");
  EXPECT_EQ(ParentCode("1502"), "");
  EXPECT_FALSE(ValidateOrgCode("1502' OR 1=1 --").ok());
}

TEST(Scope, SubtreeByPrefix) {
  auto s = Scope::Subtree("150203010008001");
  EXPECT_TRUE(s.Contains("150203010008001"));
  EXPECT_FALSE(s.Contains("150203010008002"));
  EXPECT_FALSE(s.Contains("150203010008"));
  EXPECT_TRUE(Scope::System().Contains("1502"));
}

}  // namespace
}  // namespace cg::model
