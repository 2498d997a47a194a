#include "store/internal/case_common.hpp"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <limits>
#include <utility>

#include "store/internal/common.hpp"

namespace cg::store {

double DistanceMeters(double lon1, double lat1, double lon2, double lat2) {
  constexpr double kR = 6371008.8;
  constexpr double kRad = M_PI / 180.0;
  double dlat = (lat2 - lat1) * kRad, dlon = (lon2 - lon1) * kRad;
  double a = std::sin(dlat / 2) * std::sin(dlat / 2) +
             std::cos(lat1 * kRad) * std::cos(lat2 * kRad) * std::sin(dlon / 2) * std::sin(dlon / 2);
  return 2 * kR * std::asin(std::min(1.0, std::sqrt(a)));
}

namespace internal {

LonLatBox BoxAround(double lon, double lat, double radius_m) {
  constexpr double kMetresPerDegree = 111194.93;  // one degree of latitude on the sphere above
  double dlat = radius_m / kMetresPerDegree * 1.01;
  double c = std::cos(std::min(89.0, std::abs(lat) + dlat) * M_PI / 180.0);
  double dlon = c > 1e-6 ? dlat / c : 180.0;
  return {lon - dlon, lat - dlat, lon + dlon, lat + dlat};
}

std::vector<CaseRecord> NearestWithin(std::vector<CaseRecord> records, double lon, double lat,
                                      double radius_m, std::int64_t limit) {
  std::vector<std::pair<double, CaseRecord*>> hits;
  for (auto& r : records) {
    double d = DistanceMeters(lon, lat, r.lon, r.lat);
    if (d <= radius_m) hits.emplace_back(d, &r);
  }
  std::stable_sort(hits.begin(), hits.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<CaseRecord> out;
  for (auto& [d, r] : hits) {
    if (static_cast<std::int64_t>(out.size()) >= limit) break;
    out.push_back(std::move(*r));
  }
  return out;
}

const char* PhotoVariantName(PhotoVariant variant) {
  switch (variant) {
    case PhotoVariant::kOriginal: return "original";
    case PhotoVariant::kPublic: return "public";
    case PhotoVariant::kThumb: return "thumb";
  }
  return "original";
}

Status ValidateNewPhotos(const std::vector<std::shared_ptr<const NewPhoto>>& photos) {
  if (photos.size() > kMaxPhotosPerCase) {
    return MakeError(ErrorCode::kInvalid, "at most " + std::to_string(kMaxPhotosPerCase) + " photos per case");
  }
  for (const auto& p : photos) {
    if (!p || p->info.photo_id.empty() || p->info.mime.empty() || p->original.empty() ||
        p->public_jpeg.empty() || p->thumbnail_jpeg.empty()) {
      return MakeError(ErrorCode::kInvalid, "a photo without id, type or bytes");
    }
  }
  return {};
}


bool HasQueueRows(std::string_view root) {
  if (root.size() != 4 && root.size() != 6 && root.size() != 9 && root.size() != 12 && root.size() != 15) {
    return false;
  }
  for (char ch : root) {
    if (static_cast<unsigned char>(ch) >= 0x80) return false;
  }
  return true;
}

std::int64_t QueueDueKey(std::int64_t due_at) {
  return due_at == 0 ? std::numeric_limits<std::int64_t>::max() : due_at;
}

std::vector<CaseRecord> MergeQueuePage(std::vector<CaseRecord> a, std::vector<CaseRecord> b,
                                       std::int64_t offset, std::int64_t limit) {
  auto key = [](const CaseRecord& r) {
    return std::pair{QueueDueKey(r.c.due_at), ParseDecimalId(r.c.id).value_or(0)};
  };
  auto cut = [&](std::vector<CaseRecord>& v) {
    std::vector<CaseRecord> out;
    for (std::int64_t i = offset; i < static_cast<std::int64_t>(v.size()) && i < offset + limit; ++i) {
      out.push_back(std::move(v[static_cast<std::size_t>(i)]));
    }
    return out;
  };
  if (b.empty()) return cut(a);
  std::vector<CaseRecord> merged;
  merged.reserve(a.size() + b.size());
  std::merge(std::make_move_iterator(a.begin()), std::make_move_iterator(a.end()),
             std::make_move_iterator(b.begin()), std::make_move_iterator(b.end()),
             std::back_inserter(merged), [&](const CaseRecord& x, const CaseRecord& y) { return key(x) < key(y); });
  return cut(merged);
}

}  // namespace internal
}  // namespace cg::store
