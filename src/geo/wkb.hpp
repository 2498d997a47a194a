#pragma once
// Well-Known Binary (ISO/OGC, little-endian on output) for MultiPolygon: how geometries are
// stored in both database backends. Decoding accepts Polygon or MultiPolygon in either byte
// order and rejects malformed or hostile input with kInvalid (never reads out of bounds).

#include <string>
#include <string_view>

#include "core/result.hpp"
#include "geo/geometry.hpp"

namespace cg::geo {

std::string EncodeWkb(const MultiPolygon& geometry);
Result<MultiPolygon> DecodeWkb(std::string_view bytes);

}  // namespace cg::geo
