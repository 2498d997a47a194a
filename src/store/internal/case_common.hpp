#pragma once
// Helpers shared by both backends' case stores. Private to src/store.

#include <cstdint>
#include <vector>

#include "store/case_store.hpp"

namespace cg::store::internal {

struct LonLatBox {
  double min_lon, min_lat, max_lon, max_lat;
};
// A box that contains every point within `radius_m` metres of (lon, lat): the index prefilter.
LonLatBox BoxAround(double lon, double lat, double radius_m);
// The records within `radius_m` of the point, nearest first, at most `limit`.
std::vector<CaseRecord> NearestWithin(std::vector<CaseRecord> records, double lon, double lat,
                                      double radius_m, std::int64_t limit);

// "original", "public" or "thumb": the variant column of case_photo_data.
const char* PhotoVariantName(PhotoVariant variant);
// kInvalid for more than kMaxPhotosPerCase photos, or a photo without an id, bytes or MIME type.
Status ValidateNewPhotos(const std::vector<std::shared_ptr<const NewPhoto>>& photos);

}  // namespace cg::store::internal
