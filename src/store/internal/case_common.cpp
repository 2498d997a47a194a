#include "store/internal/case_common.hpp"

#include <algorithm>
#include <cmath>

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

}  // namespace internal
}  // namespace cg::store
