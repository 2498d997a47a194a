#include "cases/routing.hpp"

#include <gtest/gtest.h>

#include "cases/test_util.hpp"

namespace cg::cases {
namespace {

const CaseTypeRegistry& Registry() {
  static const CaseTypeRegistry registry = [] {
    auto r = CaseTypeRegistry::LoadDirectory(test::DataDir("case-types"));
    EXPECT_TRUE(r.ok()) << r.error().message;
    return std::move(*r);
  }();
  return registry;
}

TEST(RoutingTest, ShippedRulesLoadAndRoute) {
  auto table = RoutingTable::LoadFile(test::DataDir("case-types/routing.toml"), &Registry());
  ASSERT_TRUE(table.ok()) << table.error().message;
  // Road damage anywhere in Kundulun goes to the district.
  RouteMatch m = table->Route("snap_report", "road_damage", "150203010008001");
  EXPECT_EQ(m.handling_unit_code, "150203");
  EXPECT_EQ(m.rule_id, "kdl-road-damage");
  // Street lights in 市府东路街道 go to the street office ...
  m = table->Route("snap_report", "street_light", "150203010008001");
  EXPECT_EQ(m.handling_unit_code, "150203010");
  EXPECT_EQ(m.rule_id, "kdl-street-light-shifudonglu");
  // ... elsewhere in Kundulun to the grid's community.
  m = table->Route("snap_report", "street_light", "150203011002004");
  EXPECT_EQ(m.handling_unit_code, "150203011002");
  EXPECT_EQ(m.rule_id, "default");
  // Garbage has no rule: the community (first 12 digits of the grid code).
  m = table->Route("snap_report", "garbage", "150203010008001");
  EXPECT_EQ(m.handling_unit_code, "150203010008");
  EXPECT_EQ(m.rule_id, "default");
  // Another type never matches snap_report rules.
  m = table->Route("public_qa", "other", "150203010008001");
  EXPECT_EQ(m.rule_id, "default");
  // Road damage in Qingshan.
  EXPECT_EQ(table->Route("snap_report", "road_damage", "150204002003001").handling_unit_code, "150204");
}

TEST(RoutingTest, LongestPrefixWinsThenMoreSpecificRule) {
  auto table = RoutingTable::Parse(R"(
[[rules]]
id = "city-noise"
case_type = "snap_report"
category = "noise"
area = "1502"
handling_unit = "1502"

[[rules]]
id = "district-any"
area = "150203"
handling_unit = "150203"

[[rules]]
id = "street-snap"
case_type = "snap_report"
area = "150203010"
handling_unit = "150203010"

[[rules]]
id = "street-noise"
case_type = "snap_report"
category = "noise"
area = "150203010"
handling_unit = "150203010"
)",
                                   "test-routing.toml", &Registry());
  ASSERT_TRUE(table.ok()) << table.error().message;
  EXPECT_EQ(table->Route("snap_report", "noise", "150203010008001").rule_id, "street-noise");
  EXPECT_EQ(table->Route("snap_report", "garbage", "150203010008001").rule_id, "street-snap");
  EXPECT_EQ(table->Route("public_qa", "policy", "150203010008001").rule_id, "district-any");
  EXPECT_EQ(table->Route("snap_report", "noise", "150203011001001").rule_id, "district-any");
  EXPECT_EQ(table->Route("snap_report", "noise", "150204001001001").rule_id, "city-noise");
  EXPECT_EQ(table->Route("snap_report", "garbage", "150204001001001").rule_id, "default");
  // A case located at a community (no grid) defaults to that community.
  EXPECT_EQ(table->Route("snap_report", "garbage", "150204001001").handling_unit_code, "150204001001");
}

void ExpectInvalid(const std::string& text, const std::string& part) {
  auto r = RoutingTable::Parse(text, "routing.toml", &Registry());
  ASSERT_FALSE(r.ok()) << part;
  EXPECT_EQ(r.error().code, ErrorCode::kInvalid);
  EXPECT_NE(r.error().message.find(part), std::string::npos) << r.error().message;
}

TEST(RoutingTest, StrictLoading) {
  const std::string rule = "[[rules]]\nid = \"r\"\ncase_type = \"snap_report\"\ncategory = \"noise\"\narea = \"150203\"\nhandling_unit = \"150203\"\n";
  ASSERT_TRUE(RoutingTable::Parse(rule, "routing.toml", &Registry()).ok());
  ExpectInvalid("[[rules]]\nid = \"r\"\ncase_type = \"snap_report\"\ncategory = \"potholes\"\narea = \"150203\"\nhandling_unit = \"150203\"\n",
                "routing.toml:1: rule 'r': case type 'snap_report' has no category 'potholes'");
  ExpectInvalid("[[rules]]\nid = \"r\"\ncase_type = \"parking\"\narea = \"150203\"\nhandling_unit = \"150203\"\n",
                "unknown case type 'parking'");
  ExpectInvalid("[[rules]]\nid = \"r\"\narea = \"15020\"\nhandling_unit = \"150203\"\n", "'area' must be an org code");
  ExpectInvalid("[[rules]]\nid = \"r\"\narea = \"150203\"\nhandling_unit = \"x\"\n", "'handling_unit' must be an org code");
  ExpectInvalid(rule + rule, "routing.toml:7: duplicate rule id 'r'");
  ExpectInvalid(rule + "\n" + std::string(rule).replace(rule.find("\"r\""), 3, "\"r2\""),
                "another rule already matches the same type, category and area");
  ExpectInvalid("[[rules]]\nid = \"r\"\narea = \"150203\"\nhandling_unit = \"150203\"\npriority = 1\n",
                "routing.toml:5: unknown key 'priority' in rule");
  ExpectInvalid("[[rules]]\nid = \"r\"\ncategory = \"noise\"\narea = \"150203\"\nhandling_unit = \"150203\"\n",
                "a 'category' needs its 'case_type'");
}

}  // namespace
}  // namespace cg::cases
