// libFuzzer harness for uploaded photos: content sniffing and header limits (Inspect), EXIF GPS
// (ReadExifGps) and, for small images, the whole re-encoding path (Process).
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "media/internal/container.hpp"
#include "media/media.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  // Small limits keep each run fast; the code paths are the same as with the defaults.
  cg::media::Limits limits;
  limits.max_bytes = 1 << 20;
  limits.max_pixels = 1'000'000;
  limits.max_dimension = 4096;

  auto gps = cg::media::ReadExifGps(bytes);
  if (gps.ok() && !(std::fabs(gps->latitude) <= 90 && std::fabs(gps->longitude) <= 180))
    __builtin_trap();

  auto info = cg::media::Inspect(bytes, limits);
  if (info.ok()) {
    if (info->width <= 0 || info->height <= 0 ||
        std::uint64_t(info->width) * std::uint64_t(info->height) > limits.max_pixels)
      __builtin_trap();
    auto photo = cg::media::Process(bytes, limits);
    if (photo.ok()) {
      // The public copies are bare JPEGs that we can read back, with no EXIF.
      if (photo->original != bytes || photo->public_width > 1600 || photo->public_height > 1600)
        __builtin_trap();
      auto again = cg::media::Inspect(photo->public_jpeg, limits);
      if (!again.ok() || again->format != cg::media::ImageFormat::kJpeg) __builtin_trap();
      if (cg::media::internal::FindExifBlock(cg::media::ImageFormat::kJpeg, photo->public_jpeg))
        __builtin_trap();
    }
  }
  return 0;
}
