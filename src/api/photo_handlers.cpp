// Photos of cases over HTTP: reading a submission with photos (JSON or multipart/form-data), the
// public copies (/api/v1/public/photos/...) and the staff copies, originals included
// (/api/v1/cases/{id}/photos/{photo_id}/{variant}), scope-checked in the store.
#include "api/app.hpp"
#include "api/errors.hpp"
#include "api/json_body.hpp"
#include "api/multipart.hpp"
#include "api/photo_upload.hpp"

namespace cg::api {
namespace {

Response PhotoResponse(const store::PhotoData& photo, const std::string& cache_control) {
  Response r;
  r.status = 200;
  r.content_type = photo.mime;
  r.body = photo.data;
  r.AddHeader("Cache-Control", cache_control);
  r.AddHeader("Content-Disposition", "inline");
  return r;
}

std::optional<store::PhotoVariant> ParseVariant(const std::string& s) {
  if (s == "original") return store::PhotoVariant::kOriginal;
  if (s == "public") return store::PhotoVariant::kPublic;
  if (s == "thumb") return store::PhotoVariant::kThumb;
  return std::nullopt;
}

}  // namespace

UploadOptions App::upload_options(const std::string& file_part, std::size_t max_files) const {
  UploadOptions o;
  o.file_part = file_part;
  o.max_files = max_files;
  o.limits.max_bytes = config_.max_photo_bytes;
  return o;
}

Result<nlohmann::json> App::ReadSubmission(const Request& req, std::vector<std::string> number_keys,
                                           CaseSubmission& s, std::optional<media::Gps>& gps) const {
  if (!IsMultipartFormData(req.Header("content-type"))) return ParseJsonObject(req);
  auto form = ReadUploadForm(req, upload_options("photo", store::kMaxPhotosPerCase));
  if (!form.ok()) return form.error();
  auto body = FieldsAsJson(form->fields, number_keys);
  if (!body.ok()) return body.error();
  s.photos = std::move(form->photos);
  gps = form->gps;
  return body;
}

void App::RegisterPhotoRoutes() {
  for (const char* suffix : {"", "/thumb"}) {
    const bool thumb = *suffix != '\0';
    router_.Add({"GET", std::string("/api/v1/public/photos/{photo_id}") + suffix, Access::kPublic,
                 thumb ? "Thumbnail of a public case photo (JPEG, long side <= 320 px, no metadata)"
                       : "Public copy of a case photo (JPEG, long side <= 1600 px, re-encoded, no EXIF/GPS)",
                 "public", [this, thumb](Request& req) {
                   auto data = case_data();
                   if (!data) return ErrorResponse(503, "unavailable", "case types are not loaded");
                   auto photo = store_.Cases().GetPhoto(req.params.at("photo_id"),
                                                        thumb ? store::PhotoVariant::kThumb : store::PhotoVariant::kPublic);
                   if (!photo.ok()) return ErrorResponse(photo.error());
                   auto c = store_.Cases().GetCaseSystem(photo->info.case_id);
                   if (!c.ok() || !PhotosArePublic(*c, data->registry.Find(c->c.type))) {
                     return ErrorResponse(MakeError(ErrorCode::kNotFound, "photo not found"));
                   }
                   // The bytes of a photo id never change.
                   return PhotoResponse(*photo, "public, max-age=31536000, immutable");
                 }});
  }

  router_.Add({"GET", "/api/v1/cases/{id}/photos/{photo_id}/{variant}", Access::kUser,
               "A photo of a case the caller may see: variant original (as uploaded, with its metadata), "
               "public or thumb",
               "cases", [this](Request& req) {
                 auto variant = ParseVariant(req.params.at("variant"));
                 if (!variant) return ErrorResponse(MakeError(ErrorCode::kNotFound, "use original, public or thumb"));
                 const auto& p = *req.principal;
                 auto photo = store_.Cases().GetCasePhoto(store::CaseViewer{p.scope(), p.user.id}, req.params.at("id"),
                                                          req.params.at("photo_id"), *variant);
                 if (!photo.ok()) return ErrorResponse(photo.error());
                 return PhotoResponse(*photo, "private, no-store");
               }});
}

}  // namespace cg::api
