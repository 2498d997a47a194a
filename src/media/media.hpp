#pragma once
// Safe handling of uploaded photos (随手拍, DESIGN §5 and §8): content sniffing, size and pixel
// limits checked from the header before any decoding, GPS from EXIF, and re-encoded public copies
// that carry no metadata. Every input is treated as hostile: failures are values, never crashes.
// Thread-safe: libvips is initialised once, on first use, with a small cache and one worker thread
// per image (unless VIPS_CONCURRENCY is set).

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.hpp"
#include "core/result.hpp"

namespace cg::media {

enum class ImageFormat { kJpeg, kPng, kWebp, kHeic };

// "image/jpeg", "image/png", "image/webp", "image/heic".
const char* MimeType(ImageFormat format);

// Upload limits. Pixels and dimensions are read from the header and refused before decoding.
struct Limits {
  std::size_t max_bytes = 15 * 1024 * 1024;
  std::uint64_t max_pixels = 40'000'000;
  int max_dimension = 16'384;  // longest side, in pixels
};

struct ImageInfo {
  ImageFormat format = ImageFormat::kJpeg;
  std::string mime;
  int width = 0;   // as stored, before EXIF orientation is applied
  int height = 0;
  int orientation = 1;  // EXIF orientation 1..8 (1 when absent)
};

// A position from the EXIF GPS IFD, WGS-84 degrees (south and west negative).
struct Gps {
  double latitude = 0;
  double longitude = 0;
  std::optional<double> altitude_m;  // above sea level; negative below
  std::optional<Timestamp> time;     // GPSDateStamp + GPSTimeStamp, UTC, milliseconds
};

struct ProcessedPhoto {
  std::string original;        // the uploaded bytes, unchanged (staff only)
  std::string sha256;          // lowercase hex of `original`
  std::string mime;            // detected from the content, never from the client
  int width = 0;               // of the original, upright (after EXIF orientation)
  int height = 0;
  std::optional<Gps> gps;      // absent when the photo has none, or its EXIF is broken
  std::string public_jpeg;     // long side <= 1600 px, quality 82, no metadata at all
  int public_width = 0;
  int public_height = 0;
  std::string thumbnail_jpeg;  // long side <= 320 px, no metadata at all
};

// Identifies the format from magic bytes, checks `limits` against the header, then decodes the
// whole image (at reduced scale where the format allows) so truncated or corrupt data is refused.
// kTooLarge: over max_bytes, max_pixels or max_dimension. kInvalid: not an image, an unsupported
// format, or a broken one; the message says which.
Result<ImageInfo> Inspect(std::string_view bytes);
Result<ImageInfo> Inspect(std::string_view bytes, const Limits& limits);

// GPS position from the image's EXIF block (JPEG APP1, PNG eXIf, WebP EXIF, HEIC Exif item).
// kNotFound: no EXIF, no GPS IFD, or the 0,0 placeholder some devices write without a fix.
// kInvalid: the EXIF block is corrupt, or a coordinate is malformed or out of range.
Result<Gps> ReadExifGps(std::string_view bytes);

// Inspect, then re-encode: auto-rotated by EXIF orientation, converted to sRGB, transparency
// flattened onto white, and saved as stripped JPEGs (no EXIF, XMP, IPTC, ICC or comments).
// Errors as Inspect. The GPS position is read first, so it is kept in `gps`, not in the copies.
Result<ProcessedPhoto> Process(std::string_view bytes);
Result<ProcessedPhoto> Process(std::string_view bytes, const Limits& limits);

}  // namespace cg::media
