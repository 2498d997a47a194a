#include "geo/ops.hpp"

#include <gtest/gtest.h>

namespace cg::geo {
namespace {

Ring Square(double x0, double y0, double x1, double y1) {
  return {{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}};
}

TEST(OpsTest, AreaSubtractsHolesAndIgnoresOrientation) {
  Polygon p{Square(0, 0, 2, 2), {Square(0.5, 0.5, 1, 1)}};
  EXPECT_DOUBLE_EQ(Area(p), 4 - 0.25);
  Ring cw(p.outer.rbegin(), p.outer.rend());
  EXPECT_LT(SignedArea(cw), 0);
  EXPECT_DOUBLE_EQ(Area(Polygon{cw, {}}), 4);
  EXPECT_DOUBLE_EQ(Area(MultiPolygon{p, Polygon{Square(5, 5, 6, 6), {}}}), 4.75);
}

TEST(OpsTest, ContainsRespectsHoles) {
  MultiPolygon mp{Polygon{Square(0, 0, 2, 2), {Square(0.5, 0.5, 1, 1)}}};
  EXPECT_TRUE(Contains(mp, {0.25, 0.25}));
  EXPECT_FALSE(Contains(mp, {0.75, 0.75}));
  EXPECT_FALSE(Contains(mp, {3, 1}));
}

TEST(OpsTest, SharedEdgePointBelongsToExactlyOnePolygon) {
  MultiPolygon left{Polygon{Square(0, 0, 1, 1), {}}};
  MultiPolygon right{Polygon{Square(1, 0, 2, 1), {}}};
  for (Point p : {Point{1, 0.5}, Point{1, 0}, Point{0.5, 0}, Point{1.5, 1}, Point{1, 0.3333333}}) {
    EXPECT_LE(Contains(left, p) + Contains(right, p), 1) << p.lon << "," << p.lat;
  }
  EXPECT_EQ(Contains(left, {1, 0.5}) + Contains(right, {1, 0.5}), 1);
}

TEST(OpsTest, LabelPointIsInsideConcaveShape) {
  // A U shape whose centroid lies outside it.
  MultiPolygon u{Polygon{{{0, 0}, {3, 0}, {3, 3}, {2, 3}, {2, 1}, {1, 1}, {1, 3}, {0, 3}, {0, 0}}, {}}};
  auto p = LabelPoint(u);
  ASSERT_TRUE(p.ok()) << p.error().message;
  EXPECT_TRUE(Contains(u, *p));
  EXPECT_FALSE(LabelPoint({}).ok());
  BBox b = BoundsOf(u);
  EXPECT_EQ(b.min_lon, 0);
  EXPECT_EQ(b.max_lat, 3);
}

TEST(OpsTest, MakeValidRepairsBowTie) {
  MultiPolygon bowtie{Polygon{{{0, 0}, {1, 1}, {1, 0}, {0, 1}, {0, 0}}, {}}};
  auto fixed = MakeValid(bowtie);
  ASSERT_TRUE(fixed.ok()) << fixed.error().message;
  EXPECT_EQ(fixed->size(), 2u);
  EXPECT_NEAR(Area(*fixed), 0.5, 1e-12);
  MultiPolygon square{Polygon{Square(0, 0, 1, 1), {}}};
  EXPECT_EQ(MakeValid(square)->front().outer, square.front().outer);
}

TEST(OpsTest, UnionMergesAdjacentSquares) {
  auto u = Union({MultiPolygon{Polygon{Square(0, 0, 1, 1), {}}}, MultiPolygon{Polygon{Square(1, 0, 2, 1), {}}}});
  ASSERT_TRUE(u.ok()) << u.error().message;
  EXPECT_EQ(u->size(), 1u);
  EXPECT_NEAR(Area(*u), 2, 1e-12);
}

}  // namespace
}  // namespace cg::geo
