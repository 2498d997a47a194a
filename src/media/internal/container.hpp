#pragma once
// Pure byte-level parsing of image containers: format sniffing, declared dimensions and the raw
// EXIF block. No decoding and no libvips, so it runs before anything expensive and is fuzzed.

#include <optional>
#include <string_view>

#include "core/result.hpp"
#include "media/media.hpp"

namespace cg::media::internal {

// The format named by the leading magic bytes, or nullopt. HEIF-family files whose brands are not
// HEIC (e.g. AVIF) are not reported as kHeic.
std::optional<ImageFormat> SniffFormat(std::string_view bytes);

struct Dimensions {
  int width = 0;
  int height = 0;
};

// Width and height declared by the header of a JPEG (first SOF), PNG (IHDR, CRC checked) or WebP
// (VP8, VP8L or VP8X). kInvalid when the header is missing, truncated or malformed. HEIC is not
// parsed here (its dimensions come from libheif's header read).
Result<Dimensions> DeclaredDimensions(ImageFormat format, std::string_view bytes);

// Checks the chunk or segment structure (JPEG: every segment up to the first SOS; PNG: every
// chunk up to IEND; WebP: every RIFF chunk) lies inside `bytes`, so no decoder is asked to allocate
// for a length the file cannot hold. kInvalid names what is wrong.
Status CheckStructure(ImageFormat format, std::string_view bytes);

// The EXIF block of a JPEG (APP1 "Exif\0\0"), PNG (eXIf) or WebP (EXIF chunk), as a view into
// `bytes` that starts either with "Exif\0\0" or with the TIFF header. nullopt when there is none or
// the container is too broken to find one.
std::optional<std::string_view> FindExifBlock(ImageFormat format, std::string_view bytes);

}  // namespace cg::media::internal
