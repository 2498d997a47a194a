#include "geo/wkb.hpp"

#include <gtest/gtest.h>

namespace cg::geo {
namespace {

MultiPolygon Square() {
  Polygon p;
  p.outer = {{0, 0}, {1, 0}, {1, 1}, {0, 1}, {0, 0}};
  p.holes.push_back({{0.2, 0.2}, {0.2, 0.4}, {0.4, 0.4}, {0.2, 0.2}});
  return {p, p};
}

TEST(Wkb, RoundTrip) {
  auto bytes = EncodeWkb(Square());
  auto back = DecodeWkb(bytes);
  ASSERT_TRUE(back.ok()) << back.error().message;
  ASSERT_EQ(back->size(), 2u);
  EXPECT_EQ((*back)[0].outer, Square()[0].outer);
  EXPECT_EQ((*back)[1].holes[0], Square()[1].holes[0]);
}

TEST(Wkb, RejectsEveryTruncation) {
  auto bytes = EncodeWkb(Square());
  for (std::size_t n = 0; n < bytes.size(); ++n) {
    EXPECT_FALSE(DecodeWkb(std::string_view(bytes).substr(0, n)).ok()) << "prefix " << n;
  }
  EXPECT_FALSE(DecodeWkb(bytes + "x").ok());
}

TEST(Wkb, RejectsHostileCounts) {
  std::string b("\x01\x06\x00\x00\x00\xff\xff\xff\xff", 9);  // 4 billion polygons, no data
  auto r = DecodeWkb(b);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalid);
  EXPECT_FALSE(DecodeWkb(std::string("\x07\x06\x00\x00\x00", 5)).ok());
}

}  // namespace
}  // namespace cg::geo
