#pragma once
// GPS from a raw EXIF block with libexif. libexif is used only here and in the tests.

#include <string_view>

#include "core/result.hpp"
#include "media/media.hpp"

namespace cg::media::internal {

// `block` starts with "Exif\0\0" or a TIFF header ("II*\0" / "MM\0*"), or is a HEIF Exif item
// (4-byte big-endian offset to the TIFF header first). Errors as ReadExifGps.
Result<Gps> GpsFromExifBlock(std::string_view block);

}  // namespace cg::media::internal
