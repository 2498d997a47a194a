#pragma once
// Case submissions with photos (随手拍, Open311 media): reads a multipart/form-data request into
// text fields and processed photos (media::Process: sniffed, limits checked before decoding,
// re-encoded public copies without metadata), all before anything is stored, so a bad photo
// leaves nothing behind. Also the photo URLs and the rule for when a photo is public.

#include <cstddef>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/http_types.hpp"
#include "cases/case_type.hpp"
#include "core/result.hpp"
#include "media/media.hpp"
#include "store/case_store.hpp"

namespace cg::api {

struct UploadOptions {
  std::string file_part = "photo";  // name of the parts that carry photos
  std::size_t max_files = store::kMaxPhotosPerCase;
  media::Limits limits;             // per photo; limits.max_bytes is the per-photo size limit
  std::size_t max_text_bytes = 64 * 1024;  // per text part
  std::size_t max_parts = 32;
};

// What a multipart submission holds once every photo has been processed.
struct UploadForm {
  std::multimap<std::string, std::string> fields;  // text parts: valid UTF-8, no NUL
  std::vector<std::shared_ptr<const store::NewPhoto>> photos;  // in the order of the parts
  // The EXIF position of the first photo (in part order) that has one; nullopt if none does.
  std::optional<media::Gps> gps;
};

// Parses the request's multipart/form-data body and processes each `file_part` part. kInvalid
// or kTooLarge naming the part ("photo 2 (part 4): not an image ...") for a malformed body,
// a file part with another name, too many photos, a text part that is not UTF-8, or a photo
// media::Process refuses. Nothing is stored.
Result<UploadForm> ReadUploadForm(const Request& request, const UploadOptions& options);

// The first text part named `name` of a multipart request, without processing any photo (to
// check an API key before spending CPU on images); nullopt if absent or the body is malformed.
std::optional<std::string> PeekTextPart(const Request& request, const std::string& name);

// The text fields as a JSON object, the shape the JSON bodies have: `number_keys` become
// numbers (integers when whole) (kInvalid naming the field if not a finite number; empty means absent),
// "fields[code]" parts become members of a "fields" object; a name given twice is kInvalid.
Result<nlohmann::json> FieldsAsJson(const std::multimap<std::string, std::string>& fields,
                                    const std::vector<std::string>& number_keys);

// Whether the photos of `r` are shown to anyone: its type allows public (anonymous) reports,
// and the case is not marked `public = false`.
bool PhotosArePublic(const store::CaseRecord& r, const cases::CaseType* type);

// [{id, url, thumb_url}] for the public view; the staff view adds original_url, and uses the
// staff routes for url and thumb_url when the photos are not public.
nlohmann::json PublicPhotosJson(const store::CaseRecord& r);
nlohmann::json StaffPhotosJson(const store::CaseRecord& r, const cases::CaseType* type);
std::string PublicPhotoUrl(const std::string& photo_id);
// The thumbnail staff are shown for photo `photo_id` of `r`: the public one when the photos
// are public, else the staff route.
std::string StaffThumbUrl(const store::CaseRecord& r, const cases::CaseType* type, const std::string& photo_id);

}  // namespace cg::api
