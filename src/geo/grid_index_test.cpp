#include "geo/grid_index.hpp"

#include <gtest/gtest.h>

#include <random>
#include <string>

#include "geo/ops.hpp"
#include "geo/tiling.hpp"

namespace cg::geo {
namespace {

TEST(GridIndexTest, EmptyIndexFindsNothing) {
  GridIndex ix = GridIndex::Build({});
  EXPECT_FALSE(ix.Locate({1, 1}).has_value());
}

TEST(GridIndexTest, AgreesWithBruteForceOnRandomPoints) {
  MultiPolygon parent{Polygon{{{110, 40}, {110.5, 40}, {110.5, 40.2}, {110.2, 40.2}, {110.2, 40.5},
                               {110, 40.5}, {110, 40}},
                              {{{110.05, 40.05}, {110.1, 40.05}, {110.1, 40.1}, {110.05, 40.1}, {110.05, 40.05}}}}};
  auto cells = Partition(parent, 300, 1);
  ASSERT_TRUE(cells.ok()) << cells.error().message;
  std::vector<std::pair<std::string, MultiPolygon>> entries;
  for (std::size_t i = 0; i < cells->size(); ++i) entries.emplace_back("g" + std::to_string(i), (*cells)[i]);
  GridIndex ix = GridIndex::Build(entries);
  ASSERT_EQ(ix.size(), 300u);
  std::mt19937_64 rng(5);
  std::uniform_real_distribution<double> lon(109.95, 110.55), lat(39.95, 40.55);
  int found = 0;
  for (int i = 0; i < 20000; ++i) {
    Point p{lon(rng), lat(rng)};
    std::optional<std::size_t> brute;
    for (std::size_t j = 0; j < entries.size() && !brute; ++j) {
      if (Contains(entries[j].second, p)) brute = j;
    }
    ASSERT_EQ(ix.Locate(p), brute) << p.lon << "," << p.lat;
    found += brute.has_value();
  }
  EXPECT_GT(found, 5000);
  EXPECT_EQ(ix.CodeAt(0), "g0");
}

TEST(GridIndexTest, SharedBoundaryResolvesToExactlyOne) {
  MultiPolygon a{Polygon{{{0, 0}, {1, 0}, {1, 1}, {0, 1}, {0, 0}}, {}}};
  MultiPolygon b{Polygon{{{1, 0}, {2, 0}, {2, 1}, {1, 1}, {1, 0}}, {}}};
  GridIndex ix = GridIndex::Build({{"a", a}, {"b", b}});
  EXPECT_EQ(ix.Locate({1, 0.5}), std::optional<std::size_t>(1));
  EXPECT_EQ(ix.Locate({0.5, 0.5}), std::optional<std::size_t>(0));
  EXPECT_FALSE(ix.Locate({3, 0.5}).has_value());
}

}  // namespace
}  // namespace cg::geo
