#include "media/internal/container.hpp"

#include <array>
#include <cstdint>
#include <string>

namespace cg::media::internal {
namespace {

std::uint8_t U8(std::string_view b, std::size_t i) { return static_cast<std::uint8_t>(b[i]); }
std::uint32_t Be16(std::string_view b, std::size_t i) { return (U8(b, i) << 8) | U8(b, i + 1); }
std::uint32_t Be32(std::string_view b, std::size_t i) {
  return (std::uint32_t{U8(b, i)} << 24) | (U8(b, i + 1) << 16) | (U8(b, i + 2) << 8) | U8(b, i + 3);
}
std::uint32_t Le16(std::string_view b, std::size_t i) { return U8(b, i) | (U8(b, i + 1) << 8); }
std::uint32_t Le24(std::string_view b, std::size_t i) { return Le16(b, i) | (U8(b, i + 2) << 16); }
std::uint32_t Le32(std::string_view b, std::size_t i) { return Le24(b, i) | (std::uint32_t{U8(b, i + 3)} << 24); }

// A progressive JPEG has about 10 scans; the limit leaves room for embedded thumbnails.
constexpr std::size_t kMaxJpegScans = 200;

constexpr std::string_view kPngSignature("\x89PNG\r\n\x1a\n", 8);

Error Invalid(std::string message) { return MakeError(ErrorCode::kInvalid, std::move(message)); }

std::uint32_t Crc32(std::string_view data) {
  static const std::array<std::uint32_t, 256> table = [] {
    std::array<std::uint32_t, 256> t{};
    for (std::uint32_t n = 0; n < 256; ++n) {
      std::uint32_t c = n;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      t[n] = c;
    }
    return t;
  }();
  std::uint32_t c = 0xFFFFFFFFu;
  for (char ch : data) c = table[(c ^ static_cast<std::uint8_t>(ch)) & 0xFF] ^ (c >> 8);
  return c ^ 0xFFFFFFFFu;
}

bool IsHeicBrand(std::string_view brand) {
  return brand == "heic" || brand == "heix" || brand == "heim" || brand == "heis" ||
         brand == "hevc" || brand == "hevx";
}

// JPEG markers that are followed by a 16-bit length.
bool JpegHasLength(std::uint8_t marker) {
  return !(marker == 0x01 || (marker >= 0xD0 && marker <= 0xD9));
}

bool IsJpegSof(std::uint8_t m) {
  return m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC;
}

// Calls `visit(marker, payload)` for each JPEG segment before the first SOS; stops early when
// visit returns false. Returns false when the marker structure is broken.
template <class Visit>
bool WalkJpeg(std::string_view b, Visit visit) {
  if (b.size() < 4 || U8(b, 0) != 0xFF || U8(b, 1) != 0xD8) return false;
  std::size_t i = 2;
  while (true) {
    if (i >= b.size() || U8(b, i) != 0xFF) return false;
    while (i < b.size() && U8(b, i) == 0xFF) ++i;  // fill bytes
    if (i >= b.size()) return false;
    const std::uint8_t marker = U8(b, i++);
    if (marker == 0x00 || marker == 0xD8 || marker == 0xD9) return false;
    if (!JpegHasLength(marker)) continue;
    if (i + 2 > b.size()) return false;
    const std::uint32_t length = Be16(b, i);
    if (length < 2 || i + length > b.size()) return false;
    if (!visit(marker, b.substr(i + 2, length - 2))) return true;
    if (marker == 0xDA) return true;  // entropy-coded data follows
    i += length;
  }
}

// Calls `visit(type, data)` for each PNG chunk (CRC not checked); false when structure is broken.
template <class Visit>
bool WalkPng(std::string_view b, Visit visit) {
  if (b.substr(0, 8) != kPngSignature) return false;
  std::size_t i = 8;
  while (i + 12 <= b.size()) {
    const std::uint32_t length = Be32(b, i);
    if (length > b.size() - i - 12) return false;
    std::string_view type = b.substr(i + 4, 4);
    if (!visit(type, b.substr(i + 8, length), b.substr(i + 4, length + 4), Be32(b, i + 8 + length)))
      return true;
    if (type == "IEND") return true;
    i += 12 + std::size_t{length};
  }
  return i == b.size();
}

// Calls `visit(fourcc, data)` for each chunk of a RIFF WEBP file; false when structure is broken.
template <class Visit>
bool WalkWebp(std::string_view b, Visit visit) {
  if (b.size() < 12 || b.substr(0, 4) != "RIFF" || b.substr(8, 4) != "WEBP") return false;
  const std::size_t end = std::min<std::size_t>(b.size(), std::size_t{Le32(b, 4)} + 8);
  std::size_t i = 12;
  while (i + 8 <= end) {
    const std::uint32_t size = Le32(b, i + 4);
    if (size > end - i - 8) return false;
    if (!visit(b.substr(i, 4), b.substr(i + 8, size))) return true;
    i += 8 + std::size_t{size} + (size & 1);
  }
  return true;
}

Result<Dimensions> JpegDimensions(std::string_view b) {
  std::optional<Dimensions> dims;
  bool sos_first = false;
  const bool ok = WalkJpeg(b, [&](std::uint8_t marker, std::string_view payload) {
    if (marker == 0xDA) {
      sos_first = true;
      return false;
    }
    if (!IsJpegSof(marker)) return true;
    if (payload.size() >= 6) dims = Dimensions{static_cast<int>(Be16(payload, 3)), static_cast<int>(Be16(payload, 1))};
    return false;
  });
  if (dims) {
    if (dims->width == 0 || dims->height == 0)
      return Invalid("JPEG header declares a zero width or height");
    return *dims;
  }
  if (!ok) return Invalid("JPEG header is truncated or corrupt");
  return Invalid(sos_first ? "JPEG has image data before its frame header"
                           : "JPEG header is truncated or corrupt (no frame header)");
}

Result<Dimensions> PngDimensions(std::string_view b) {
  if (b.size() < 33 || Be32(b, 8) != 13 || b.substr(12, 4) != "IHDR")
    return Invalid("PNG header is truncated or corrupt (no IHDR)");
  if (Crc32(b.substr(12, 17)) != Be32(b, 29)) return Invalid("PNG header is corrupt (IHDR CRC)");
  const std::uint32_t w = Be32(b, 16), h = Be32(b, 20);
  if (w == 0 || h == 0 || w > 0x7FFFFFFFu || h > 0x7FFFFFFFu)
    return Invalid("PNG header declares an invalid width or height");
  // Clamp to int; the limits refuse anything this large anyway.
  return Dimensions{static_cast<int>(std::min<std::uint32_t>(w, 1u << 30)),
                    static_cast<int>(std::min<std::uint32_t>(h, 1u << 30))};
}

Result<Dimensions> WebpDimensions(std::string_view b) {
  std::optional<Dimensions> dims;
  std::string error = "WebP header is truncated or corrupt";
  const bool ok = WalkWebp(b, [&](std::string_view fourcc, std::string_view d) {
    if (fourcc == "VP8X") {
      if (d.size() >= 10) dims = Dimensions{static_cast<int>(Le24(d, 4) + 1), static_cast<int>(Le24(d, 7) + 1)};
      return false;
    }
    if (fourcc == "VP8 ") {
      if (d.size() >= 10 && U8(d, 3) == 0x9D && U8(d, 4) == 0x01 && U8(d, 5) == 0x2A)
        dims = Dimensions{static_cast<int>(Le16(d, 6) & 0x3FFF), static_cast<int>(Le16(d, 8) & 0x3FFF)};
      return false;
    }
    if (fourcc == "VP8L") {
      if (d.size() >= 5 && U8(d, 0) == 0x2F) {
        const std::uint32_t bits = Le32(d, 1);
        dims = Dimensions{static_cast<int>((bits & 0x3FFF) + 1), static_cast<int>(((bits >> 14) & 0x3FFF) + 1)};
      }
      return false;
    }
    return true;
  });
  if (!ok && !dims) return Invalid(error);
  if (!dims) return Invalid(error + " (no VP8, VP8L or VP8X chunk)");
  if (dims->width == 0 || dims->height == 0) return Invalid("WebP header declares a zero width or height");
  return *dims;
}

}  // namespace

std::optional<ImageFormat> SniffFormat(std::string_view b) {
  if (b.size() >= 3 && U8(b, 0) == 0xFF && U8(b, 1) == 0xD8 && U8(b, 2) == 0xFF) return ImageFormat::kJpeg;
  if (b.substr(0, 8) == kPngSignature) return ImageFormat::kPng;
  if (b.size() >= 12 && b.substr(0, 4) == "RIFF" && b.substr(8, 4) == "WEBP") return ImageFormat::kWebp;
  // ISO BMFF: [size]["ftyp"][major brand][minor version][compatible brands...]
  if (b.size() >= 16 && b.substr(4, 4) == "ftyp") {
    const std::uint32_t size = Be32(b, 0);
    if (size < 16 || size > b.size()) return std::nullopt;
    if (IsHeicBrand(b.substr(8, 4))) return ImageFormat::kHeic;
    for (std::size_t i = 16; i + 4 <= size; i += 4)
      if (IsHeicBrand(b.substr(i, 4))) return ImageFormat::kHeic;
  }
  return std::nullopt;
}

Result<Dimensions> DeclaredDimensions(ImageFormat format, std::string_view bytes) {
  switch (format) {
    case ImageFormat::kJpeg: return JpegDimensions(bytes);
    case ImageFormat::kPng: return PngDimensions(bytes);
    case ImageFormat::kWebp: return WebpDimensions(bytes);
    case ImageFormat::kHeic: break;
  }
  return Invalid("HEIC dimensions are read by libheif, not here");
}

Status CheckStructure(ImageFormat format, std::string_view bytes) {
  switch (format) {
    case ImageFormat::kJpeg: {
      bool sos = false;
      const bool ok = WalkJpeg(bytes, [&sos](std::uint8_t marker, std::string_view) {
        sos = marker == 0xDA;
        return true;
      });
      if (!ok || !sos) return Invalid("JPEG is truncated or corrupt (broken segment structure)");
      // Each progressive scan is a pass over the whole image: thousands of tiny scans make a
      // small file cost minutes of CPU. FF DA cannot occur inside entropy-coded data (FF is
      // stuffed as FF 00), so counting the byte pair over-counts only scans of embedded
      // thumbnails, which is harmless at this limit.
      std::size_t scans = 0;
      for (std::size_t i = bytes.find('\xFF'); i != std::string_view::npos && i + 1 < bytes.size();
           i = bytes.find('\xFF', i + 1))
        if (U8(bytes, i + 1) == 0xDA) ++scans;
      if (scans > kMaxJpegScans)
        return Invalid("JPEG has " + std::to_string(scans) + " scans; at most " +
                       std::to_string(kMaxJpegScans) + " are accepted");
      return Status::Ok();
    }
    case ImageFormat::kPng: {
      bool iend = false;
      const bool ok = WalkPng(bytes, [&iend](std::string_view type, std::string_view, std::string_view,
                                             std::uint32_t) {
        iend = type == "IEND";
        return true;
      });
      if (!ok || !iend) return Invalid("PNG is truncated or corrupt (broken chunk structure)");
      return Status::Ok();
    }
    case ImageFormat::kWebp:
      if (!WalkWebp(bytes, [](std::string_view, std::string_view) { return true; }))
        return Invalid("WebP is truncated or corrupt (broken chunk structure)");
      return Status::Ok();
    case ImageFormat::kHeic: break;
  }
  return Status::Ok();
}

std::optional<std::string_view> FindExifBlock(ImageFormat format, std::string_view bytes) {
  std::optional<std::string_view> found;
  switch (format) {
    case ImageFormat::kJpeg:
      WalkJpeg(bytes, [&](std::uint8_t marker, std::string_view payload) {
        if (marker == 0xE1 && payload.substr(0, 6) == std::string_view("Exif\0\0", 6)) {
          found = payload;
          return false;
        }
        return marker != 0xDA;
      });
      break;
    case ImageFormat::kPng:
      WalkPng(bytes, [&](std::string_view type, std::string_view data, std::string_view, std::uint32_t) {
        if (type == "eXIf") {
          found = data;
          return false;
        }
        return type != "IDAT";  // eXIf must come before the image data
      });
      break;
    case ImageFormat::kWebp:
      WalkWebp(bytes, [&](std::string_view fourcc, std::string_view data) {
        if (fourcc == "EXIF") {
          found = data;
          return false;
        }
        return true;
      });
      break;
    case ImageFormat::kHeic: break;
  }
  return found;
}

}  // namespace cg::media::internal
