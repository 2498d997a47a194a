#pragma once
// Helpers shared by both backends' case stores. Private to src/store.

#include <cstdint>
#include <string_view>
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

// The case queue index (migration 6, table case_scope): every case has a row per org-level
// prefix (4, 6, 9, 12, 15 characters) of its grid and handling-unit codes, ordered by QueueKey.
// True if the subtree of `root` is exactly the rows with code = root: `root` is ASCII and of
// one of those lengths. Other scopes (the system scope "") take the plain range query.
bool HasQueueRows(std::string_view root);
// The queue order of a case: earliest deadline first, cases without one (due_at 0) last, then
// by id. Matches case_scope.due_key and "ORDER BY (due_at = 0), due_at, id".
std::int64_t QueueDueKey(std::int64_t due_at);
// Merges two queue-ordered lists of distinct cases and cuts the page [offset, offset + limit).
std::vector<CaseRecord> MergeQueuePage(std::vector<CaseRecord> a, std::vector<CaseRecord> b,
                                       std::int64_t offset, std::int64_t limit);

}  // namespace cg::store::internal
