#include "api/photo_upload.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "api/form.hpp"
#include "api/multipart.hpp"
#include "auth/random.hpp"

namespace cg::api {

Result<UploadForm> ReadUploadForm(const Request& request, const UploadOptions& options) {
  auto boundary = MultipartBoundary(request.Header("content-type"));
  if (!boundary.ok()) return boundary.error();
  MultipartLimits limits;
  limits.max_parts = options.max_parts;
  limits.max_part_bytes = std::max(options.limits.max_bytes, options.max_text_bytes);
  auto parts = ParseMultipart(request.body, *boundary, limits);
  if (!parts.ok()) return parts.error();

  UploadForm out;
  std::size_t photo_number = 0;
  for (const MultipartPart& part : *parts) {
    const std::string where = "part " + std::to_string(part.index + 1) + " ('" + part.name + "')";
    if (part.name == options.file_part) {
      ++photo_number;
      const std::string label = options.file_part + " " + std::to_string(photo_number) + " (part " +
                                std::to_string(part.index + 1) + ")";
      if (photo_number > options.max_files) {
        return MakeError(ErrorCode::kInvalid, "at most " + std::to_string(options.max_files) + " '" +
                                                  options.file_part + "' parts are accepted");
      }
      if (part.data.empty()) return MakeError(ErrorCode::kInvalid, label + ": empty file");
      // The content decides; the part's filename and Content-Type are not looked at.
      auto processed = media::Process(part.data, options.limits);
      if (!processed.ok()) {
        return MakeError(processed.error().code, label + ": " + processed.error().message);
      }
      auto photo = std::make_shared<store::NewPhoto>();
      media::ProcessedPhoto& p = *processed;
      photo->info.photo_id = auth::RandomToken(12);  // 16 URL-safe characters, 96 bits
      photo->info.sha256 = p.sha256;
      photo->info.mime = p.mime;
      photo->info.width = p.width;
      photo->info.height = p.height;
      photo->info.bytes = static_cast<std::int64_t>(p.original.size());
      if (p.gps) {
        photo->info.gps_lat = p.gps->latitude;
        photo->info.gps_lon = p.gps->longitude;
        photo->info.gps_alt = p.gps->altitude_m;
        photo->info.gps_time = p.gps->time;
        if (!out.gps) out.gps = p.gps;
      }
      photo->original = std::move(p.original);
      photo->public_jpeg = std::move(p.public_jpeg);
      photo->public_width = p.public_width;
      photo->public_height = p.public_height;
      photo->thumbnail_jpeg = std::move(p.thumbnail_jpeg);
      out.photos.push_back(std::move(photo));
      continue;
    }
    if (part.filename) {
      return MakeError(ErrorCode::kInvalid, where + ": unexpected file; photos go in '" + options.file_part + "' parts");
    }
    if (part.data.size() > options.max_text_bytes) {
      return MakeError(ErrorCode::kTooLarge, where + ": longer than " + std::to_string(options.max_text_bytes) + " bytes");
    }
    if (part.data.find('\0') != std::string_view::npos || !IsValidUtf8(part.data)) {
      return MakeError(ErrorCode::kInvalid, where + ": not valid UTF-8 text");
    }
    out.fields.emplace(part.name, std::string(part.data));
  }
  return out;
}

std::optional<std::string> PeekTextPart(const Request& request, const std::string& name) {
  auto boundary = MultipartBoundary(request.Header("content-type"));
  if (!boundary.ok()) return std::nullopt;
  MultipartLimits limits;
  limits.max_part_bytes = request.body.size();
  auto parts = ParseMultipart(request.body, *boundary, limits);
  if (!parts.ok()) return std::nullopt;
  for (const auto& p : *parts) {
    if (p.name == name && !p.filename) return std::string(p.data);
  }
  return std::nullopt;
}

Result<nlohmann::json> FieldsAsJson(const std::multimap<std::string, std::string>& fields,
                                    const std::vector<std::string>& number_keys) {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [name, value] : fields) {
    if (fields.count(name) > 1) return MakeError(ErrorCode::kInvalid, "'" + name + "' is given more than once");
    if (name.rfind("fields[", 0) == 0 && name.size() > 8 && name.back() == ']') {
      out["fields"][name.substr(7, name.size() - 8)] = value;
      continue;
    }
    if (name == "fields") return MakeError(ErrorCode::kInvalid, "give case fields as 'fields[code]' parts");
    if (std::find(number_keys.begin(), number_keys.end(), name) != number_keys.end()) {
      if (value.empty()) continue;
      // A whole number is an integer, as a JSON body would send it ("12" -> 12, "12.0" -> 12.0).
      std::int64_t whole = 0;
      if (auto w = std::from_chars(value.data(), value.data() + value.size(), whole);
          w.ec == std::errc() && w.ptr == value.data() + value.size()) {
        out[name] = whole;
        continue;
      }
      double v = 0;
      auto r = std::from_chars(value.data(), value.data() + value.size(), v);
      if (r.ec != std::errc() || r.ptr != value.data() + value.size() || !std::isfinite(v)) {
        return MakeError(ErrorCode::kInvalid, "'" + name + "' must be a number");
      }
      out[name] = v;
      continue;
    }
    out[name] = value;
  }
  return out;
}

bool PhotosArePublic(const store::CaseRecord& r, const cases::CaseType* type) {
  if (!type || !type->create_anonymous) return false;
  auto it = r.c.fields.find("public");
  return it == r.c.fields.end() || it->second != "false";
}

std::string PublicPhotoUrl(const std::string& photo_id) { return "/api/v1/public/photos/" + photo_id; }

nlohmann::json PublicPhotosJson(const store::CaseRecord& r) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& p : r.photos) {
    out.push_back({{"id", p.photo_id}, {"url", PublicPhotoUrl(p.photo_id)},
                   {"thumb_url", PublicPhotoUrl(p.photo_id) + "/thumb"}});
  }
  return out;
}

nlohmann::json StaffPhotosJson(const store::CaseRecord& r, const cases::CaseType* type) {
  const bool is_public = PhotosArePublic(r, type);
  nlohmann::json out = nlohmann::json::array();
  for (const auto& p : r.photos) {
    const std::string staff = "/api/v1/cases/" + r.c.id + "/photos/" + p.photo_id;
    nlohmann::json j = {{"id", p.photo_id},
                        {"url", is_public ? PublicPhotoUrl(p.photo_id) : staff + "/public"},
                        {"thumb_url", StaffThumbUrl(r, type, p.photo_id)},
                        {"original_url", staff + "/original"},
                        {"mime", p.mime}, {"width", p.width}, {"height", p.height}, {"bytes", p.bytes},
                        {"sha256", p.sha256}};
    if (p.gps_lat && p.gps_lon) j["exif_gps"] = {{"lat", *p.gps_lat}, {"lon", *p.gps_lon}};
    out.push_back(std::move(j));
  }
  return out;
}

std::string StaffThumbUrl(const store::CaseRecord& r, const cases::CaseType* type, const std::string& photo_id) {
  return PhotosArePublic(r, type) ? PublicPhotoUrl(photo_id) + "/thumb"
                                  : "/api/v1/cases/" + r.c.id + "/photos/" + photo_id + "/thumb";
}

}  // namespace cg::api
