#include "media/media.hpp"

#include <vips/vips.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <string>

#include "media/internal/container.hpp"
#include "media/internal/exif_gps.hpp"

namespace cg::media {
namespace {

constexpr int kPublicLongSide = 1600;
constexpr int kThumbnailLongSide = 320;
constexpr int kJpegQuality = 82;

struct ImageUnref {
  void operator()(VipsImage* image) const {
    if (image != nullptr) g_object_unref(image);
  }
};
using Image = std::unique_ptr<VipsImage, ImageUnref>;

void IgnoreLog(const gchar*, GLogLevelFlags, const gchar*, gpointer) {}

// libvips is initialised once per process. Failure to start it is a broken installation: fail
// fast. The operation cache is off (it would key buffer loads by address, and holds memory).
void InitVips() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (VIPS_INIT("citygrid") != 0) {
      std::fprintf(stderr, "citygrid: libvips failed to start: %s\n", vips_error_buffer());
      std::abort();
    }
    vips_cache_set_max(0);
    vips_cache_set_max_mem(0);
    vips_cache_set_max_files(0);
    if (std::getenv("VIPS_CONCURRENCY") == nullptr) vips_concurrency_set(1);
    vips_block_untrusted_set(TRUE);
    // Hostile files make libjpeg and libpng warn; the failure itself is returned as a value.
    g_log_set_handler("VIPS", static_cast<GLogLevelFlags>(G_LOG_LEVEL_WARNING | G_LOG_LEVEL_MESSAGE),
                      IgnoreLog, nullptr);
  });
}

// The first line of libvips' error buffer (which is then cleared), for a message to the caller.
std::string TakeVipsError() {
  char* raw = vips_error_buffer_copy();
  std::string text = raw != nullptr ? raw : "";
  g_free(raw);
  if (auto nl = text.find('\n'); nl != std::string::npos) text.resize(nl);
  if (text.size() > 200) text.resize(200);
  return text.empty() ? "unknown decoder error" : text;
}

Error Invalid(std::string message) { return MakeError(ErrorCode::kInvalid, std::move(message)); }

Error Corrupt(ImageFormat format) {
  return Invalid(std::string("image data is corrupt or truncated (") + MimeType(format) +
                 "): " + TakeVipsError());
}

// Names a recognised but refused format, for a clearer message than "not an image".
std::optional<std::string> UnsupportedFormat(std::string_view b) {
  if (b.substr(0, 4) == "GIF8") return "GIF";
  if (b.substr(0, 2) == "BM") return "BMP";
  if (b.substr(0, 4) == std::string_view("II*\0", 4) || b.substr(0, 4) == std::string_view("MM\0*", 4))
    return "TIFF";
  if (b.size() >= 12 && b.substr(4, 4) == "ftyp") {
    std::string_view brand = b.substr(8, 4);
    if (brand == "avif" || brand == "avis") return "AVIF";
    if (brand == "mif1" || brand == "msf1") return "HEIF without HEIC content";
  }
  if (b.substr(0, 4) == "%PDF") return "PDF";
  if (b.substr(0, 5) == "<?xml" || b.substr(0, 4) == "<svg") return "SVG";
  return std::nullopt;
}

Status CheckLimits(int width, int height, const Limits& limits) {
  if (width <= 0 || height <= 0) return Invalid("image has no pixels");
  if (std::max(width, height) > limits.max_dimension)
    return MakeError(ErrorCode::kTooLarge, "image is " + std::to_string(width) + "x" +
                                               std::to_string(height) + "; the longest side may be " +
                                               std::to_string(limits.max_dimension) + " px");
  const std::uint64_t pixels = std::uint64_t(width) * std::uint64_t(height);
  if (pixels > limits.max_pixels)
    return MakeError(ErrorCode::kTooLarge,
                     "image is " + std::to_string(width) + "x" + std::to_string(height) + " (" +
                         std::to_string(pixels / 1'000'000) + " MP); at most " +
                         std::to_string(limits.max_pixels / 1'000'000) + " MP is accepted");
  return Status::Ok();
}

// libvips 8.14 sizes a JPEG shrunk on load as width / shrink by height / shrink, rounded down, and
// aborts the process (a GLib assertion, not an error) when either is 0 — a valid 16×3 JPEG at
// shrink 4 did. Never ask for a shrink that takes a side below one pixel.
int JpegShrink(const ImageInfo& info, int wanted) {
  int shrink = wanted;
  while (shrink > 1 && (info.width / shrink < 1 || info.height / shrink < 1)) shrink /= 2;
  return shrink;
}

// Opens the image with the loader for `format` only (never libvips' own sniffing), sequential
// access, failing on decoder errors and truncation (JPEG: on warnings too). `jpeg_shrink` is 1, 2,
// 4 or 8.
Result<Image> Open(ImageFormat format, std::string_view bytes, int jpeg_shrink = 1) {
  void* buf = const_cast<char*>(bytes.data());
  const std::size_t len = bytes.size();
  VipsImage* out = nullptr;
  int rc = -1;
  switch (format) {
    case ImageFormat::kJpeg:
      // libjpeg reports corrupt entropy-coded data only as a warning: fail on warnings too.
      rc = vips_jpegload_buffer(buf, len, &out, "access", VIPS_ACCESS_SEQUENTIAL, "fail_on",
                                VIPS_FAIL_ON_WARNING, "shrink", jpeg_shrink, nullptr);
      break;
    case ImageFormat::kPng:
      // Not WARNING: libpng warns about common, harmless things (e.g. a known-incorrect sRGB
      // profile); CRC, zlib and truncation problems are errors.
      rc = vips_pngload_buffer(buf, len, &out, "access", VIPS_ACCESS_SEQUENTIAL, "fail_on",
                               VIPS_FAIL_ON_ERROR, nullptr);
      break;
    case ImageFormat::kWebp:
      rc = vips_webpload_buffer(buf, len, &out, "access", VIPS_ACCESS_SEQUENTIAL, "fail_on",
                                VIPS_FAIL_ON_ERROR, nullptr);
      break;
    case ImageFormat::kHeic:
      rc = vips_heifload_buffer(buf, len, &out, "access", VIPS_ACCESS_SEQUENTIAL, "fail_on",
                                VIPS_FAIL_ON_ERROR, nullptr);
      break;
  }
  if (rc != 0 || out == nullptr) {
    if (out != nullptr) g_object_unref(out);
    return Corrupt(format);
  }
  return Image(out);
}

// Checks everything that can be checked without decoding pixels: size, magic, declared
// dimensions, and the header as libvips reads it. Returns the info and the opened image.
struct Opened {
  ImageInfo info;
  Image image;
};
Result<Opened> OpenChecked(std::string_view bytes, const Limits& limits) {
  if (bytes.empty()) return Invalid("not an image: the upload is empty");
  if (bytes.size() > limits.max_bytes)
    return MakeError(ErrorCode::kTooLarge, "upload is " + std::to_string(bytes.size()) +
                                               " bytes; at most " +
                                               std::to_string(limits.max_bytes) + " are accepted");
  auto format = internal::SniffFormat(bytes);
  if (!format) {
    if (auto name = UnsupportedFormat(bytes))
      return Invalid(*name + " is not supported; send a JPEG, PNG, WebP or HEIC photo");
    return Invalid("not an image: the content is not JPEG, PNG, WebP or HEIC");
  }
  if (*format != ImageFormat::kHeic) {
    auto dims = internal::DeclaredDimensions(*format, bytes);
    if (!dims.ok()) return dims.error();
    CG_RETURN_IF_ERROR(CheckLimits(dims->width, dims->height, limits));
    CG_RETURN_IF_ERROR(internal::CheckStructure(*format, bytes));
  }
  InitVips();
  auto image = Open(*format, bytes);
  if (!image.ok()) return image.error();
  VipsImage* img = image->get();
  CG_RETURN_IF_ERROR(CheckLimits(vips_image_get_width(img), vips_image_get_height(img), limits));
  Opened out;
  out.info.format = *format;
  out.info.mime = MimeType(*format);
  out.info.width = vips_image_get_width(img);
  out.info.height = vips_image_get_height(img);
  const int orientation = vips_image_get_orientation(img);
  out.info.orientation = orientation >= 1 && orientation <= 8 ? orientation : 1;
  out.image = std::move(image).value();
  return out;
}

// Applies `op` (a libvips call writing to its second argument) and replaces `image` with the
// result; false (error left in libvips' buffer) on failure.
template <class Op>
bool Step(Image& image, Op op) {
  VipsImage* out = nullptr;
  if (op(image.get(), &out) != 0 || out == nullptr) {
    if (out != nullptr) g_object_unref(out);
    return false;
  }
  image.reset(out);
  return true;
}

// 8-bit sRGB, 3 bands, no alpha (flattened onto white).
bool ToSrgb(Image& image) {
  size_t icc_len = 0;
  const void* icc = nullptr;
  bool done = false;
  if (vips_image_get_typeof(image.get(), VIPS_META_ICC_NAME) != 0 &&
      vips_image_get_blob(image.get(), VIPS_META_ICC_NAME, &icc, &icc_len) == 0 && icc_len > 0) {
    done = Step(image, [](VipsImage* in, VipsImage** out) {
      return vips_icc_transform(in, out, "srgb", "embedded", TRUE, "intent",
                                VIPS_INTENT_PERCEPTUAL, nullptr);
    });
    if (!done) vips_error_clear();  // a broken profile: fall back to the plain conversion
  }
  if (!done && !Step(image, [](VipsImage* in, VipsImage** out) {
        return vips_colourspace(in, out, VIPS_INTERPRETATION_sRGB, nullptr);
      }))
    return false;
  if (vips_image_hasalpha(image.get()) &&
      !Step(image, [](VipsImage* in, VipsImage** out) {
        VipsArrayDouble* white = vips_array_double_newv(1, 255.0);
        const int rc = vips_flatten(in, out, "background", white, nullptr);
        vips_area_unref(VIPS_AREA(white));
        return rc;
      }))
    return false;
  if (vips_image_get_format(image.get()) != VIPS_FORMAT_UCHAR &&
      !Step(image, [](VipsImage* in, VipsImage** out) { return vips_cast_uchar(in, out, nullptr); }))
    return false;
  if (vips_image_get_bands(image.get()) > 3 &&
      !Step(image, [](VipsImage* in, VipsImage** out) {
        return vips_extract_band(in, out, 0, "n", 3, nullptr);
      }))
    return false;
  if (vips_image_get_bands(image.get()) < 3 &&
      !Step(image, [](VipsImage* in, VipsImage** out) {
        return vips_colourspace(in, out, VIPS_INTERPRETATION_sRGB, nullptr);
      }))
    return false;
  return vips_image_get_bands(image.get()) == 3;
}

// Shrinks so the longer side is at most `long_side`; never enlarges.
bool FitWithin(Image& image, int long_side) {
  const int longest = std::max(vips_image_get_width(image.get()), vips_image_get_height(image.get()));
  if (longest <= long_side) return true;
  const double scale = static_cast<double>(long_side) / longest;
  return Step(image, [scale](VipsImage* in, VipsImage** out) {
    return vips_resize(in, out, scale, nullptr);
  });
}

// A fresh image holding only the pixels of `image` (decoding it): no metadata field survives.
bool PixelsOnly(Image& image) {
  size_t size = 0;
  void* pixels = vips_image_write_to_memory(image.get(), &size);
  if (pixels == nullptr) return false;
  VipsImage* fresh = vips_image_new_from_memory_copy(
      pixels, size, vips_image_get_width(image.get()), vips_image_get_height(image.get()),
      vips_image_get_bands(image.get()), vips_image_get_format(image.get()));
  g_free(pixels);
  if (fresh == nullptr) return false;
  image.reset(fresh);
  return true;
}

Result<std::string> SaveJpeg(VipsImage* image) {
  void* buf = nullptr;
  size_t len = 0;
  if (vips_jpegsave_buffer(image, &buf, &len, "Q", kJpegQuality, "strip", TRUE, "optimize_coding",
                           TRUE, nullptr) != 0) {
    return MakeError(ErrorCode::kInternal, "JPEG encoding failed: " + TakeVipsError());
  }
  std::string out(static_cast<const char*>(buf), len);
  g_free(buf);
  return out;
}

Result<Gps> ReadGps(ImageFormat format, std::string_view bytes, VipsImage* opened) {
  if (format == ImageFormat::kHeic) {
    const void* data = nullptr;
    size_t len = 0;
    if (opened == nullptr || vips_image_get_typeof(opened, VIPS_META_EXIF_NAME) == 0 ||
        vips_image_get_blob(opened, VIPS_META_EXIF_NAME, &data, &len) != 0 || len == 0)
      return MakeError(ErrorCode::kNotFound, "the image has no EXIF data");
    return internal::GpsFromExifBlock(std::string_view(static_cast<const char*>(data), len));
  }
  auto block = internal::FindExifBlock(format, bytes);
  if (!block) return MakeError(ErrorCode::kNotFound, "the image has no EXIF data");
  return internal::GpsFromExifBlock(*block);
}

std::string Sha256Hex(std::string_view bytes) {
  gchar* hex = g_compute_checksum_for_data(G_CHECKSUM_SHA256,
                                           reinterpret_cast<const guchar*>(bytes.data()), bytes.size());
  std::string out(hex);
  g_free(hex);
  return out;
}

}  // namespace

const char* MimeType(ImageFormat format) {
  switch (format) {
    case ImageFormat::kJpeg: return "image/jpeg";
    case ImageFormat::kPng: return "image/png";
    case ImageFormat::kWebp: return "image/webp";
    case ImageFormat::kHeic: return "image/heic";
  }
  return "application/octet-stream";
}

Result<ImageInfo> Inspect(std::string_view bytes) { return Inspect(bytes, Limits{}); }

Result<ImageInfo> Inspect(std::string_view bytes, const Limits& limits) {
  auto opened = OpenChecked(bytes, limits);
  if (!opened.ok()) return opened.error();
  ImageInfo info = opened->info;
  opened->image.reset();
  // Decode every pixel (JPEG at 1/8 scale, which still reads all of the entropy-coded data).
  auto full = Open(info.format, bytes, info.format == ImageFormat::kJpeg ? JpegShrink(info, 8) : 1);
  if (!full.ok()) return full.error();
  double average = 0;
  if (vips_avg(full->get(), &average, nullptr) != 0) return Corrupt(info.format);
  return info;
}

Result<Gps> ReadExifGps(std::string_view bytes) {
  auto format = internal::SniffFormat(bytes);
  if (!format) return Invalid("not an image: the content is not JPEG, PNG, WebP or HEIC");
  if (*format != ImageFormat::kHeic) return ReadGps(*format, bytes, nullptr);
  InitVips();
  auto image = Open(*format, bytes);
  if (!image.ok()) return image.error();
  return ReadGps(*format, bytes, image->get());
}

Result<ProcessedPhoto> Process(std::string_view bytes) { return Process(bytes, Limits{}); }

Result<ProcessedPhoto> Process(std::string_view bytes, const Limits& limits) {
  auto opened = OpenChecked(bytes, limits);
  if (!opened.ok()) return opened.error();
  const ImageInfo info = opened->info;

  ProcessedPhoto out;
  if (auto gps = ReadGps(info.format, bytes, opened->image.get()); gps.ok()) out.gps = *gps;
  opened->image.reset();

  // Decode once, shrinking on load where the format allows, down to the public size.
  int shrink = 1;
  const int longest = std::max(info.width, info.height);
  if (info.format == ImageFormat::kJpeg)
    while (shrink < 8 && longest / (shrink * 2) >= kPublicLongSide) shrink *= 2;
  auto loaded = Open(info.format, bytes, JpegShrink(info, shrink));
  if (!loaded.ok()) return loaded.error();
  Image image = std::move(loaded).value();
  if (!ToSrgb(image) || !FitWithin(image, kPublicLongSide)) return Corrupt(info.format);
  // Into memory: this is where the pixels are decoded, so truncation and corruption fail here.
  if (!PixelsOnly(image)) return Corrupt(info.format);
  if (info.orientation != 1) {
    vips_image_set_int(image.get(), VIPS_META_ORIENTATION, info.orientation);
    if (!Step(image, [](VipsImage* in, VipsImage** o) { return vips_autorot(in, o, nullptr); }) ||
        !PixelsOnly(image))
      return MakeError(ErrorCode::kInternal, "rotating the image failed: " + TakeVipsError());
  }
  auto public_jpeg = SaveJpeg(image.get());
  if (!public_jpeg.ok()) return public_jpeg.error();
  out.public_width = vips_image_get_width(image.get());
  out.public_height = vips_image_get_height(image.get());

  if (!FitWithin(image, kThumbnailLongSide) || !PixelsOnly(image))
    return MakeError(ErrorCode::kInternal, "thumbnail failed: " + TakeVipsError());
  auto thumbnail = SaveJpeg(image.get());
  if (!thumbnail.ok()) return thumbnail.error();

  const bool swap = info.orientation >= 5;
  out.original = std::string(bytes);
  out.sha256 = Sha256Hex(bytes);
  out.mime = info.mime;
  out.width = swap ? info.height : info.width;
  out.height = swap ? info.width : info.height;
  out.public_jpeg = std::move(public_jpeg).value();
  out.thumbnail_jpeg = std::move(thumbnail).value();
  return out;
}

}  // namespace cg::media
