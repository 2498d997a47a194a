#include "geo/geojson.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace cg::geo {
namespace {

const char* kSquare = R"({"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1],[0,0]],
  [[0.2,0.2],[0.2,0.4],[0.4,0.4],[0.2,0.2]]]})";

TEST(GeoJsonTest, ParsesPolygonWithHole) {
  auto mp = ParseGeoJsonGeometry(kSquare);
  ASSERT_TRUE(mp.ok()) << mp.error().message;
  ASSERT_EQ(mp->size(), 1u);
  EXPECT_EQ((*mp)[0].outer.size(), 5u);
  EXPECT_EQ((*mp)[0].holes.size(), 1u);
}

TEST(GeoJsonTest, ParsesMultiPolygonAndIgnoresAltitude) {
  auto mp = ParseGeoJsonGeometry(
      R"({"type":"MultiPolygon","coordinates":[[[[0,0,5],[1,0,5],[1,1,5],[0,0,5]]],[[[2,2],[3,2],[3,3],[2,2]]]]})");
  ASSERT_TRUE(mp.ok()) << mp.error().message;
  EXPECT_EQ(mp->size(), 2u);
}

TEST(GeoJsonTest, RejectsMalformedGeometryWithClearMessages) {
  struct Case {
    const char* text;
    const char* expect;
  } cases[] = {
      {R"({"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1]]]})", "not closed"},
      {R"({"type":"Polygon","coordinates":[[[0,0],[1,0],[0,0]]]})", "at least 4"},
      {R"({"type":"Polygon","coordinates":[[[0,0],[181,0],[1,1],[0,0]]]})", "longitude"},
      {R"({"type":"Polygon","coordinates":[[[0,0],[1,91],[1,1],[0,0]]]})", "latitude"},
      {R"({"type":"Polygon","coordinates":[[[0,0],["a",0],[1,1],[0,0]]]})", "position"},
      {R"({"type":"Polygon","coordinates":[[[0,0],[1e999,0],[1,1],[0,0]]]})", ""},
      {R"({"type":"Point","coordinates":[0,0]})", "unsupported"},
      {R"({"type":"Polygon"})", "coordinates"},
      {R"({"type":"Polygon","coordinates":[]})", "non-empty"},
      {R"([1,2,3])", "object"},
      {R"({"type":"Polygon","coordinates":[[[0,0],[1,0)", "JSON"},
  };
  for (const Case& c : cases) {
    auto r = ParseGeoJsonGeometry(c.text);
    ASSERT_FALSE(r.ok()) << c.text;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalid) << c.text;
    EXPECT_NE(r.error().message.find(c.expect), std::string::npos) << r.error().message;
  }
}

TEST(GeoJsonTest, RejectsDeepNestingAndOversizeWithoutParsing) {
  std::string deep(100000, '[');
  auto r = ParseGeoJsonGeometry(deep);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("nesting"), std::string::npos);
  GeoJsonLimits small;
  small.max_bytes = 10;
  auto big = ParseGeoJsonGeometry(kSquare, small);
  ASSERT_FALSE(big.ok());
  EXPECT_EQ(big.error().code, ErrorCode::kTooLarge);
  GeoJsonLimits few;
  few.max_points = 3;
  EXPECT_EQ(ParseGeoJsonGeometry(kSquare, few).error().code, ErrorCode::kTooLarge);
}

TEST(GeoJsonTest, ParsesFeatureCollectionProperties) {
  auto fc = ParseFeatureCollection(R"({"type":"FeatureCollection","features":[
    {"type":"Feature","properties":{"code":"150203","name":"昆都仑区","n":3,"x":null,"o":{}},
     "geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}}]})");
  ASSERT_TRUE(fc.ok()) << fc.error().message;
  ASSERT_EQ(fc->size(), 1u);
  const auto& props = (*fc)[0].properties;
  EXPECT_EQ(props.at("code"), "150203");
  EXPECT_EQ(props.at("name"), "昆都仑区");
  EXPECT_EQ(props.at("n"), "3");
  EXPECT_EQ(props.count("x"), 0u);
  EXPECT_EQ(props.count("o"), 0u);
  auto bad = ParseFeatureCollection(R"({"type":"FeatureCollection","features":[{"type":"Feature"}]})");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("features[0]"), std::string::npos);
}

TEST(GeoJsonTest, SerializesRoundedAndRoundTrips) {
  MultiPolygon mp{Polygon{{{110.1234567, 40.5}, {110.2, -0.0000001}, {110.2, 40.6}, {110.1234567, 40.5}}, {}}};
  std::string s = ToGeoJson(mp);
  EXPECT_EQ(s, R"({"type":"MultiPolygon","coordinates":[[[[110.123457,40.5],[110.2,0],[110.2,40.6],[110.123457,40.5]]]]})");
  auto back = ParseGeoJsonGeometry(s);
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(ToGeoJson(*back), s);
}

// Replays the fuzzer's seed corpus (crashing inputs found by fuzz/geojson_fuzz go there too).
TEST(GeoJsonTest, ReplaysFuzzCorpusWithoutCrashing) {
  std::filesystem::path dir = "fuzz/corpus/geojson";  // tests run in the source root
  if (!std::filesystem::exists(dir)) GTEST_SKIP() << "no corpus at " << dir;
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    auto g = ParseGeoJsonGeometry(ss.str());
    if (g.ok()) EXPECT_TRUE(ParseGeoJsonGeometry(ToGeoJson(*g)).ok()) << entry.path();
    (void)ParseFeatureCollection(ss.str());
    ++files;
  }
  EXPECT_GT(files, 0);
}

}  // namespace
}  // namespace cg::geo
