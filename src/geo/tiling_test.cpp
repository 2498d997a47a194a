#include "geo/tiling.hpp"

#include <gtest/gtest.h>

#include <string>

#include "geo/check.hpp"
#include "geo/ops.hpp"

namespace cg::geo {
namespace {

MultiPolygon Concave() {
  // An L shape with a hole.
  return {Polygon{{{0, 0}, {4, 0}, {4, 1}, {1, 1}, {1, 4}, {0, 4}, {0, 0}},
                  {{{0.2, 0.2}, {0.6, 0.2}, {0.6, 0.6}, {0.2, 0.6}, {0.2, 0.2}}}}};
}

TEST(TilingTest, PartitionTilesParentAndPassesCheck) {
  MultiPolygon parent = Concave();
  for (int n : {1, 2, 7, 40}) {
    auto cells = Partition(parent, n, 42);
    ASSERT_TRUE(cells.ok()) << cells.error().message;
    ASSERT_EQ(cells->size(), static_cast<std::size_t>(n));
    std::vector<std::pair<std::string, MultiPolygon>> children;
    double total = 0;
    for (int i = 0; i < n; ++i) {
      EXPECT_FALSE((*cells)[i].empty());
      EXPECT_GT(Area((*cells)[i]), 0);
      total += Area((*cells)[i]);
      children.emplace_back("c" + std::to_string(i), (*cells)[i]);
    }
    EXPECT_NEAR(total, Area(parent), 1e-9);
    auto problems = CheckTiling(parent, children, 1e-10);
    for (const auto& p : problems) ADD_FAILURE() << "n=" << n << ": " << p.message;
  }
}

TEST(TilingTest, DeterministicForASeed) {
  auto a = Partition(Concave(), 9, 7);
  auto b = Partition(Concave(), 9, 7);
  auto c = Partition(Concave(), 9, 8);
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  for (int i = 0; i < 9; ++i) EXPECT_EQ(Area((*a)[i]), Area((*b)[i]));
  bool differs = false;
  for (int i = 0; i < 9; ++i) differs |= Area((*a)[i]) != Area((*c)[i]);
  EXPECT_TRUE(differs);
}

TEST(TilingTest, RejectsBadInput) {
  EXPECT_EQ(Partition(Concave(), 0, 1).error().code, ErrorCode::kInvalid);
  EXPECT_FALSE(Partition({}, 3, 1).ok());
}

}  // namespace
}  // namespace cg::geo
