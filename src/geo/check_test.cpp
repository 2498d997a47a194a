#include "geo/check.hpp"

#include <gtest/gtest.h>

namespace cg::geo {
namespace {

MultiPolygon Box(double x0, double y0, double x1, double y1) {
  return {Polygon{{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}, {}}};
}

TEST(CheckTest, ExactTilingHasNoProblems) {
  auto problems = CheckTiling(Box(0, 0, 2, 1), {{"a", Box(0, 0, 1, 1)}, {"b", Box(1, 0, 2, 1)}}, 1e-12);
  EXPECT_TRUE(problems.empty());
}

TEST(CheckTest, ReportsGapOverlapOutsideAndInvalid) {
  // a and b overlap on [0.9,1]x[0,1]; nothing covers [0,1]x[1,2] (gap); c sticks out to x=3.2;
  // d is a bow-tie.
  MultiPolygon bowtie{Polygon{{{1, 1}, {2, 2}, {2, 1}, {1, 2}, {1, 1}}, {}}};
  auto problems = CheckTiling(Box(0, 0, 3, 2),
                              {{"a", Box(0, 0, 1, 1)}, {"b", Box(0.9, 0, 2, 1)},
                               {"c", Box(2, 0, 3.2, 2)}, {"d", bowtie}},
                              1e-9);
  int overlap = 0, gap = 0, outside = 0, invalid = 0;
  double gap_area = 0;
  for (const auto& p : problems) {
    switch (p.kind) {
      case TilingProblemKind::kOverlap:
        ++overlap;
        EXPECT_EQ(p.codes, (std::vector<std::string>{"a", "b"}));
        EXPECT_NEAR(p.area, 0.1, 1e-9);
        break;
      case TilingProblemKind::kGap:
        ++gap;
        gap_area += p.area;
        break;
      case TilingProblemKind::kOutsideParent:
        ++outside;
        EXPECT_EQ(p.codes, std::vector<std::string>{"c"});
        EXPECT_NEAR(p.area, 0.4, 1e-9);
        break;
      case TilingProblemKind::kInvalidGeometry:
        ++invalid;
        EXPECT_EQ(p.codes, std::vector<std::string>{"d"});
        EXPECT_NE(p.message.find("Self-intersection"), std::string::npos) << p.message;
        break;
    }
  }
  EXPECT_EQ(overlap, 1);
  EXPECT_GE(gap, 1);
  // [0,2]x[1,2] minus the bow-tie's two triangles (0.5): 1.5.
  EXPECT_NEAR(gap_area, 1.5, 1e-9);
  EXPECT_EQ(outside, 1);
  EXPECT_EQ(invalid, 1);
  EXPECT_STREQ(TilingProblemKindName(TilingProblemKind::kGap), "gap");
}

}  // namespace
}  // namespace cg::geo
