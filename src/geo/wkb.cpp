#include "geo/wkb.hpp"

#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>

namespace cg::geo {
namespace {

constexpr std::uint32_t kWkbPolygon = 3;
constexpr std::uint32_t kWkbMultiPolygon = 6;

void PutU32(std::string& out, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
void PutF64(std::string& out, double d) {
  std::uint64_t v = std::bit_cast<std::uint64_t>(d);
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
void PutRing(std::string& out, const Ring& ring) {
  PutU32(out, static_cast<std::uint32_t>(ring.size()));
  for (const Point& p : ring) {
    PutF64(out, p.lon);
    PutF64(out, p.lat);
  }
}
void PutPolygon(std::string& out, const Polygon& poly) {
  out.push_back(1);  // little-endian
  PutU32(out, kWkbPolygon);
  PutU32(out, static_cast<std::uint32_t>(1 + poly.holes.size()));
  PutRing(out, poly.outer);
  for (const Ring& h : poly.holes) PutRing(out, h);
}

class Reader {
 public:
  explicit Reader(std::string_view b) : b_(b) {}
  bool U8(std::uint8_t& v) {
    if (pos_ + 1 > b_.size()) return false;
    v = static_cast<std::uint8_t>(b_[pos_++]);
    return true;
  }
  bool U32(std::uint32_t& v, bool little) {
    if (pos_ + 4 > b_.size()) return false;
    v = 0;
    for (int i = 0; i < 4; ++i) {
      std::uint32_t byte = static_cast<std::uint8_t>(b_[pos_ + (little ? i : 3 - i)]);
      v |= byte << (8 * i);
    }
    pos_ += 4;
    return true;
  }
  bool F64(double& d, bool little) {
    if (pos_ + 8 > b_.size()) return false;
    std::uint64_t v = 0;
    for (int i = 0; i < 8; ++i) {
      std::uint64_t byte = static_cast<std::uint8_t>(b_[pos_ + (little ? i : 7 - i)]);
      v |= byte << (8 * i);
    }
    pos_ += 8;
    d = std::bit_cast<double>(v);
    return true;
  }
  std::size_t remaining() const { return b_.size() - pos_; }
  bool done() const { return pos_ == b_.size(); }

 private:
  std::string_view b_;
  std::size_t pos_ = 0;
};

Error Bad(const std::string& what) { return MakeError(ErrorCode::kInvalid, "invalid WKB: " + what); }

Status ReadPolygonBody(Reader& r, bool little, Polygon& poly) {
  std::uint32_t nrings = 0;
  if (!r.U32(nrings, little)) return Bad("truncated ring count");
  if (nrings == 0) return Bad("polygon without rings");
  // Each ring needs at least 4 bytes: a count larger than what is left is hostile.
  if (nrings > r.remaining() / 4) return Bad("ring count exceeds data");
  for (std::uint32_t i = 0; i < nrings; ++i) {
    std::uint32_t npts = 0;
    if (!r.U32(npts, little)) return Bad("truncated point count");
    if (npts > r.remaining() / 16) return Bad("point count exceeds data");
    if (npts < 4) return Bad("ring with fewer than 4 points");
    Ring ring;
    ring.reserve(npts);
    for (std::uint32_t j = 0; j < npts; ++j) {
      Point p;
      if (!r.F64(p.lon, little) || !r.F64(p.lat, little)) return Bad("truncated point");
      if (!std::isfinite(p.lon) || !std::isfinite(p.lat)) return Bad("non-finite coordinate");
      ring.push_back(p);
    }
    if (i == 0) poly.outer = std::move(ring);
    else poly.holes.push_back(std::move(ring));
  }
  return {};
}

Status ReadHeader(Reader& r, bool& little, std::uint32_t& type) {
  std::uint8_t order = 0;
  if (!r.U8(order)) return Bad("empty");
  if (order > 1) return Bad("bad byte-order flag");
  little = order == 1;
  if (!r.U32(type, little)) return Bad("truncated type");
  return {};
}

}  // namespace

std::string EncodeWkb(const MultiPolygon& geometry) {
  std::string out;
  out.push_back(1);
  PutU32(out, kWkbMultiPolygon);
  PutU32(out, static_cast<std::uint32_t>(geometry.size()));
  for (const Polygon& p : geometry) PutPolygon(out, p);
  return out;
}

Result<MultiPolygon> DecodeWkb(std::string_view bytes) {
  Reader r(bytes);
  bool little = true;
  std::uint32_t type = 0;
  CG_RETURN_IF_ERROR(ReadHeader(r, little, type));
  MultiPolygon result;
  if (type == kWkbPolygon) {
    Polygon poly;
    CG_RETURN_IF_ERROR(ReadPolygonBody(r, little, poly));
    result.push_back(std::move(poly));
  } else if (type == kWkbMultiPolygon) {
    std::uint32_t n = 0;
    if (!r.U32(n, little)) return Bad("truncated polygon count");
    if (n > r.remaining() / 9) return Bad("polygon count exceeds data");
    for (std::uint32_t i = 0; i < n; ++i) {
      bool plittle = true;
      std::uint32_t ptype = 0;
      CG_RETURN_IF_ERROR(ReadHeader(r, plittle, ptype));
      if (ptype != kWkbPolygon) return Bad("multipolygon member is not a polygon");
      Polygon poly;
      CG_RETURN_IF_ERROR(ReadPolygonBody(r, plittle, poly));
      result.push_back(std::move(poly));
    }
  } else {
    return Bad("unsupported geometry type " + std::to_string(type));
  }
  if (!r.done()) return Bad("trailing bytes");
  return result;
}

}  // namespace cg::geo
