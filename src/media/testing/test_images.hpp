#pragma once
// Test-only: images made in the test (libvips for pixels, libexif for EXIF with GPS and camera
// make/model), so tests need no binary fixtures. Linked by tests only (cg_media_test_images);
// it keeps vips.h and libexif inside src/media.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

namespace cg::media::test_images {

inline constexpr const char* kMake = "CitygridTestCam";
inline constexpr const char* kModel = "GridPhone 9 Pro";

// An RGB (or `bands`-band) image from a pixel function, encoded by libvips as `suffix` (".jpg",
// ".png", ...) with no metadata. `pixel(x, y, rgb)` fills one pixel. "" if libvips fails.
std::string Encode(int width, int height, const char* suffix,
                   const std::function<void(int, int, std::uint8_t*)>& pixel, int bands = 3);
// A colour gradient.
std::string Gradient(int width, int height, const char* suffix = ".jpg");

// Degrees, minutes, seconds as EXIF rationals (denominator 1) with their references.
struct GpsSpec {
  std::uint32_t lat[3];
  const char* lat_ref;
  std::uint32_t lon[3];
  const char* lon_ref;
  const char* date = "2026:11:24";
  std::uint32_t time[3] = {8, 30, 15};
};

// An EXIF block ("Exif\0\0" + TIFF) with Make, Model, Orientation and optionally GPS.
std::string BuildExif(int orientation, const std::optional<GpsSpec>& gps);
// Inserts a marker segment (e.g. 0xE1 APP1) right after the JPEG's SOI.
std::string InsertSegment(const std::string& jpeg, std::uint8_t marker, const std::string& payload);
// A gradient JPEG carrying BuildExif(1, gps) in APP1.
std::string JpegWithExif(int width, int height, const std::optional<GpsSpec>& gps);

}  // namespace cg::media::test_images
