#include "demo/baotou.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <map>

#include "geo/check.hpp"
#include "geo/ops.hpp"

namespace cg::demo {
namespace {

using model::OrgKind;
using model::OrgUnit;

// Built once for all tests: the whole city takes a couple of seconds.
const std::vector<OrgUnit>& Tree() {
  static const std::vector<OrgUnit>* tree = [] {
    auto start = std::chrono::steady_clock::now();
    auto r = BuildBaotouOrgTree("data/baotou", 1);  // tests run in the source root
    EXPECT_TRUE(r.ok()) << r.error().message;
    double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    EXPECT_LT(s, 20.0) << "BuildBaotouOrgTree took " << s << " s";
    std::printf("BuildBaotouOrgTree: %.2f s, %zu units\n", s, r.ok() ? r->size() : 0);
    return new std::vector<OrgUnit>(r.ok() ? std::move(*r) : std::vector<OrgUnit>{});
  }();
  return *tree;
}

const OrgUnit* Find(const std::string& code) {
  for (const OrgUnit& u : Tree()) {
    if (u.code == code) return &u;
  }
  return nullptr;
}

TEST(BaotouTest, CountsPerLevel) {
  std::map<OrgKind, int> kinds;
  int kundulun_grids = 0, grids = 0;
  for (const OrgUnit& u : Tree()) {
    ++kinds[u.kind];
    if (u.kind == OrgKind::kGrid) {
      ++grids;
      if (u.code.rfind(kKundulunCode, 0) == 0) ++kundulun_grids;
    }
  }
  EXPECT_EQ(kinds[OrgKind::kCity], 1);
  EXPECT_EQ(kinds[OrgKind::kDistrict], 9);
  EXPECT_EQ(kinds[OrgKind::kStreet] + kinds[OrgKind::kTown], 88);
  EXPECT_EQ(kinds[OrgKind::kCommunity] + kinds[OrgKind::kVillage], 803);
  EXPECT_EQ(kundulun_grids, 1391);
  EXPECT_GT(grids, 9500);
  EXPECT_LT(grids, 10500);
}

TEST(BaotouTest, NamedUnitsPresent) {
  struct Want {
    const char* code;
    const char* name;
  } wants[] = {{"150203010", "市府东路街道"}, {"150203010008", "金华社区"}, {"150203010008001", "金华社区第1网格"}};
  for (const Want& w : wants) {
    const OrgUnit* u = Find(w.code);
    ASSERT_NE(u, nullptr) << w.code;
    EXPECT_EQ(u->name, w.name);
  }
  auto has = [](const std::string& name, const std::string& code_prefix) {
    for (const OrgUnit& u : Tree()) {
      if (u.name == name && u.code.rfind(code_prefix, 0) == 0) return true;
    }
    return false;
  };
  EXPECT_TRUE(has("五当召镇", "150205"));       // 石拐区
  EXPECT_TRUE(has("育才社区", "150204003"));    // 青山区 万青路街道
  EXPECT_TRUE(has("长胜街社区", "150202002"));  // 东河区 财神庙街道
  int kundulun_streets = 0, kundulun_communities = 0;
  for (const OrgUnit& u : Tree()) {
    if (u.parent_code == kKundulunCode) ++kundulun_streets;
    if (u.code.rfind(kKundulunCode, 0) == 0 && u.code.size() == 12) ++kundulun_communities;
  }
  EXPECT_EQ(kundulun_streets, 16);
  EXPECT_EQ(kundulun_communities, 112);
}

TEST(BaotouTest, EveryUnitHasGeometryCentreAndParentPrefix) {
  std::map<std::string, const OrgUnit*> by_code;
  for (const OrgUnit& u : Tree()) by_code[u.code] = &u;
  for (const OrgUnit& u : Tree()) {
    ASSERT_FALSE(u.geometry.empty()) << u.code;
    EXPECT_TRUE(geo::Contains(u.geometry, u.center)) << u.code;
    EXPECT_FALSE(u.bbox.Empty()) << u.code;
    if (u.kind == OrgKind::kCity) continue;
    ASSERT_TRUE(by_code.count(u.parent_code)) << u.code;
    EXPECT_EQ(u.code.rfind(u.parent_code, 0), 0u) << u.code;
    if (u.kind == OrgKind::kGrid) {
      EXPECT_EQ(u.code.size(), 15u);
      OrgKind pk = by_code[u.parent_code]->kind;
      EXPECT_TRUE(pk == OrgKind::kCommunity || pk == OrgKind::kVillage) << u.code;
    }
  }
}

TEST(BaotouTest, KundulunCommunitiesTileTheirStreets) {
  // Each street/town of Kundulun against its communities/villages.
  for (const OrgUnit& street : Tree()) {
    if (street.parent_code != kKundulunCode) continue;
    std::vector<std::pair<std::string, geo::MultiPolygon>> kids;
    for (const OrgUnit& u : Tree()) {
      if (u.parent_code == street.code) kids.emplace_back(u.code, u.geometry);
    }
    auto problems = geo::CheckTiling(street.geometry, kids, 1e-9);
    for (const auto& p : problems) ADD_FAILURE() << street.code << ": " << p.message;
  }
}

TEST(BaotouTest, DistrictsAreValidAndTileTheCity) {
  std::vector<std::pair<std::string, geo::MultiPolygon>> districts;
  for (const OrgUnit& u : Tree()) {
    if (u.kind == OrgKind::kDistrict) districts.emplace_back(u.code, u.geometry);
  }
  auto problems = geo::CheckTiling(Tree().front().geometry, districts, 1e-9);
  for (const auto& p : problems) ADD_FAILURE() << p.message;
}

TEST(BaotouTest, SplitGridsGivesRemainderToLargest) {
  EXPECT_EQ(SplitGrids(7, {1, 3, 2}), (std::vector<int>{2, 3, 2}));
  EXPECT_EQ(SplitGrids(0, {}), std::vector<int>{});
}

TEST(BaotouTest, DeterministicForASeed) {
  auto again = BuildBaotouOrgTree("data/baotou", 1);
  ASSERT_TRUE(again.ok());
  ASSERT_EQ(again->size(), Tree().size());
  for (std::size_t i = 0; i < Tree().size(); i += 97) {
    EXPECT_EQ((*again)[i].code, Tree()[i].code);
    EXPECT_EQ((*again)[i].center, Tree()[i].center);
  }
}

}  // namespace
}  // namespace cg::demo
