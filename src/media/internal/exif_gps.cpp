#include "media/internal/exif_gps.hpp"

#include <libexif/exif-data.h>
#include <libexif/exif-log.h>
#include <libexif/exif-tag.h>
#include <libexif/exif-utils.h>

#include <array>
#include <cmath>
#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>

#include "core/date.hpp"

namespace cg::media::internal {
namespace {

constexpr std::string_view kExifHeader("Exif\0\0", 6);
// A JPEG APP1 holds at most 64 KiB; PNG and WebP allow more, but no camera writes that much.
constexpr std::size_t kMaxExifBytes = 4 * 1024 * 1024;

// GPS IFD tag numbers (EXIF 2.3, section 4.6.6); libexif's names for them overlap other IFDs.
constexpr ExifTag kLatitudeRef = static_cast<ExifTag>(0x0001);
constexpr ExifTag kLatitude = static_cast<ExifTag>(0x0002);
constexpr ExifTag kLongitudeRef = static_cast<ExifTag>(0x0003);
constexpr ExifTag kLongitude = static_cast<ExifTag>(0x0004);
constexpr ExifTag kAltitudeRef = static_cast<ExifTag>(0x0005);
constexpr ExifTag kAltitude = static_cast<ExifTag>(0x0006);
constexpr ExifTag kTimeStamp = static_cast<ExifTag>(0x0007);
constexpr ExifTag kDateStamp = static_cast<ExifTag>(0x001D);

Error Invalid(std::string message) { return MakeError(ErrorCode::kInvalid, std::move(message)); }

bool IsTiffHeader(std::string_view b) {
  return b.size() >= 4 && (b.substr(0, 4) == std::string_view("II*\0", 4) ||
                           b.substr(0, 4) == std::string_view("MM\0*", 4));
}

// The block as libexif wants it: "Exif\0\0" followed by the TIFF header.
std::optional<std::string> Normalise(std::string_view block) {
  if (block.substr(0, 6) == kExifHeader) return std::string(block);
  if (IsTiffHeader(block)) return std::string(kExifHeader) + std::string(block);
  if (block.size() > 4) {  // HEIF Exif item: exif_tiff_header_offset, then the data
    const std::uint32_t offset = (std::uint32_t{static_cast<std::uint8_t>(block[0])} << 24) |
                                 (static_cast<std::uint8_t>(block[1]) << 16) |
                                 (static_cast<std::uint8_t>(block[2]) << 8) |
                                 static_cast<std::uint8_t>(block[3]);
    if (offset < block.size() - 4) {
      std::string_view rest = block.substr(4 + offset);
      if (rest.substr(0, 6) == kExifHeader) return std::string(rest);
      if (IsTiffHeader(rest)) return std::string(kExifHeader) + std::string(rest);
    }
  }
  return std::nullopt;
}

struct LogState {
  bool corrupt = false;
};

void OnLog(ExifLog*, ExifLogCode code, const char*, const char*, va_list, void* data) {
  if (code == EXIF_LOG_CODE_CORRUPT_DATA || code == EXIF_LOG_CODE_NO_MEMORY)
    static_cast<LogState*>(data)->corrupt = true;
}

struct ExifDataDeleter {
  void operator()(ExifData* d) const { exif_data_unref(d); }
};
struct ExifLogDeleter {
  void operator()(ExifLog* l) const { exif_log_unref(l); }
};

// `count` unsigned rationals from `entry`, or nullopt when the entry has another shape or a zero
// denominator.
template <std::size_t N>
std::optional<std::array<double, N>> Rationals(ExifEntry* entry, ExifByteOrder order) {
  if (entry == nullptr || entry->format != EXIF_FORMAT_RATIONAL || entry->components != N ||
      entry->data == nullptr || entry->size < 8 * N)
    return std::nullopt;
  std::array<double, N> out{};
  for (std::size_t i = 0; i < N; ++i) {
    const ExifRational r = exif_get_rational(entry->data + 8 * i, order);
    if (r.denominator == 0) return std::nullopt;
    out[i] = static_cast<double>(r.numerator) / r.denominator;
  }
  return out;
}

// The first character of an ASCII entry, or 0.
char AsciiRef(ExifEntry* entry) {
  if (entry == nullptr || entry->format != EXIF_FORMAT_ASCII || entry->data == nullptr ||
      entry->size < 1)
    return 0;
  return static_cast<char>(entry->data[0]);
}

// Degrees from degrees/minutes/seconds; nullopt when a part is out of range.
std::optional<double> Degrees(const std::array<double, 3>& dms, double max) {
  const double d = dms[0], m = dms[1], s = dms[2];
  if (!(d >= 0 && d <= max && m >= 0 && m < 60 && s >= 0 && s < 60)) return std::nullopt;
  const double value = d + m / 60 + s / 3600;
  if (!(value <= max)) return std::nullopt;
  return value;
}

Result<double> Coordinate(ExifContent* gps, ExifByteOrder order, ExifTag tag, ExifTag ref_tag,
                          double max, char positive, char negative, const char* name) {
  auto dms = Rationals<3>(exif_content_get_entry(gps, tag), order);
  if (!dms) return Invalid(std::string("EXIF GPS ") + name + " is malformed");
  auto degrees = Degrees(*dms, max);
  if (!degrees) return Invalid(std::string("EXIF GPS ") + name + " is out of range");
  const char ref = AsciiRef(exif_content_get_entry(gps, ref_tag));
  if (ref == positive) return *degrees;
  if (ref == negative) return -*degrees;
  return Invalid(std::string("EXIF GPS ") + name + " reference is missing or not " + positive +
                 "/" + negative);
}

// GPSDateStamp "YYYY:MM:DD" + GPSTimeStamp h, m, s (UTC); nullopt when either is absent or bad.
std::optional<Timestamp> GpsTime(ExifContent* gps, ExifByteOrder order) {
  ExifEntry* date = exif_content_get_entry(gps, kDateStamp);
  auto hms = Rationals<3>(exif_content_get_entry(gps, kTimeStamp), order);
  if (date == nullptr || !hms || date->format != EXIF_FORMAT_ASCII || date->data == nullptr ||
      date->size < 10)
    return std::nullopt;
  std::string text(reinterpret_cast<const char*>(date->data), 10);
  if (text[4] != ':' || text[7] != ':') return std::nullopt;
  text[4] = text[7] = '-';
  auto day = ParseDate(text);
  const double h = (*hms)[0], m = (*hms)[1], s = (*hms)[2];
  if (!day.ok() || !(h >= 0 && h < 24 && m >= 0 && m < 60 && s >= 0 && s < 61)) return std::nullopt;
  const double ms = ((h * 60 + m) * 60 + s) * 1000;
  return DaysSinceEpoch(*day) * 86'400'000 + static_cast<Timestamp>(std::llround(ms));
}

}  // namespace

Result<Gps> GpsFromExifBlock(std::string_view block) {
  auto normalised = Normalise(block);
  if (!normalised) return Invalid("EXIF block is corrupt (no TIFF header)");
  if (normalised->size() > kMaxExifBytes) return Invalid("EXIF block is too large");

  std::unique_ptr<ExifData, ExifDataDeleter> data(exif_data_new());
  std::unique_ptr<ExifLog, ExifLogDeleter> log(exif_log_new());
  if (!data || !log) return MakeError(ErrorCode::kInternal, "out of memory reading EXIF");
  LogState state;
  exif_log_set_func(log.get(), OnLog, &state);
  exif_data_log(data.get(), log.get());
  // Read only: do not let libexif "fix" the data by adding or changing tags.
  exif_data_unset_option(data.get(), EXIF_DATA_OPTION_FOLLOW_SPECIFICATION);
  exif_data_load_data(data.get(), reinterpret_cast<const unsigned char*>(normalised->data()),
                      static_cast<unsigned int>(normalised->size()));

  ExifContent* gps = data->ifd[EXIF_IFD_GPS];
  const bool has_gps = gps != nullptr && gps->count > 0;
  if (!has_gps) {
    if (state.corrupt) return Invalid("EXIF block is corrupt");
    return MakeError(ErrorCode::kNotFound, "the image has no GPS position");
  }
  const ExifByteOrder order = exif_data_get_byte_order(data.get());
  if (exif_content_get_entry(gps, kLatitude) == nullptr &&
      exif_content_get_entry(gps, kLongitude) == nullptr) {
    if (state.corrupt) return Invalid("EXIF block is corrupt");
    return MakeError(ErrorCode::kNotFound, "the image has no GPS position");
  }
  auto lat = Coordinate(gps, order, kLatitude, kLatitudeRef, 90, 'N', 'S', "latitude");
  if (!lat.ok()) return lat.error();
  auto lon = Coordinate(gps, order, kLongitude, kLongitudeRef, 180, 'E', 'W', "longitude");
  if (!lon.ok()) return lon.error();
  if (*lat == 0 && *lon == 0)
    return MakeError(ErrorCode::kNotFound, "the image's GPS position is the 0,0 placeholder");

  Gps out;
  out.latitude = *lat;
  out.longitude = *lon;
  if (auto alt = Rationals<1>(exif_content_get_entry(gps, kAltitude), order)) {
    ExifEntry* ref = exif_content_get_entry(gps, kAltitudeRef);
    const bool below = ref != nullptr && ref->format == EXIF_FORMAT_BYTE && ref->data != nullptr &&
                       ref->size >= 1 && ref->data[0] == 1;
    if ((*alt)[0] <= 100'000) out.altitude_m = below ? -(*alt)[0] : (*alt)[0];
  }
  out.time = GpsTime(gps, order);
  return out;
}

}  // namespace cg::media::internal
