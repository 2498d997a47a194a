#include "media/testing/test_images.hpp"

#include <libexif/exif-data.h>
#include <libexif/exif-utils.h>
#include <vips/vips.h>

#include <cstdlib>
#include <cstring>
#include <vector>

namespace cg::media::test_images {

std::string Encode(int width, int height, const char* suffix,
                   const std::function<void(int, int, std::uint8_t*)>& pixel, int bands) {
  static const bool ok = VIPS_INIT("citygrid-test-images") == 0;
  if (!ok) return {};
  std::vector<std::uint8_t> data(std::size_t(width) * height * bands);
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width; ++x) pixel(x, y, &data[(std::size_t(y) * width + x) * bands]);
  VipsImage* image = vips_image_new_from_memory_copy(data.data(), data.size(), width, height, bands,
                                                     VIPS_FORMAT_UCHAR);
  if (image == nullptr) return {};
  void* buf = nullptr;
  size_t len = 0;
  const int rc = vips_image_write_to_buffer(image, suffix, &buf, &len, "strip", TRUE, nullptr);
  g_object_unref(image);
  if (rc != 0) {
    vips_error_clear();
    return {};
  }
  std::string out(static_cast<const char*>(buf), len);
  g_free(buf);
  return out;
}

std::string Gradient(int width, int height, const char* suffix) {
  return Encode(width, height, suffix, [](int x, int y, std::uint8_t* p) {
    p[0] = static_cast<std::uint8_t>(x * 7);
    p[1] = static_cast<std::uint8_t>(y * 5);
    p[2] = static_cast<std::uint8_t>((x ^ y) * 3);
  });
}

std::string BuildExif(int orientation, const std::optional<GpsSpec>& gps) {
  ExifData* d = exif_data_new();
  exif_data_set_byte_order(d, EXIF_BYTE_ORDER_INTEL);
  ExifMem* mem = exif_mem_new_default();
  const ExifByteOrder order = EXIF_BYTE_ORDER_INTEL;
  auto add = [&](ExifIfd ifd, int tag, ExifFormat format, unsigned long components) {
    ExifEntry* e = exif_entry_new_mem(mem);
    const unsigned size = exif_format_get_size(format) * components;
    e->data = static_cast<unsigned char*>(exif_mem_alloc(mem, size));
    std::memset(e->data, 0, size);
    e->size = size;
    e->tag = static_cast<ExifTag>(tag);
    e->format = format;
    e->components = components;
    exif_content_add_entry(d->ifd[ifd], e);
    exif_entry_unref(e);
    return e;
  };
  auto ascii = [&](ExifIfd ifd, int tag, const char* text) {
    ExifEntry* e = add(ifd, tag, EXIF_FORMAT_ASCII, std::strlen(text) + 1);
    std::memcpy(e->data, text, std::strlen(text) + 1);
  };
  auto rationals = [&](int tag, const std::uint32_t (&v)[3]) {
    ExifEntry* e = add(EXIF_IFD_GPS, tag, EXIF_FORMAT_RATIONAL, 3);
    for (int i = 0; i < 3; ++i) exif_set_rational(e->data + 8 * i, order, ExifRational{v[i], 1});
  };
  ascii(EXIF_IFD_0, EXIF_TAG_MAKE, kMake);
  ascii(EXIF_IFD_0, EXIF_TAG_MODEL, kModel);
  exif_set_short(add(EXIF_IFD_0, EXIF_TAG_ORIENTATION, EXIF_FORMAT_SHORT, 1)->data, order,
                 static_cast<ExifShort>(orientation));
  if (gps) {
    ascii(EXIF_IFD_GPS, 0x0001, gps->lat_ref);
    rationals(0x0002, gps->lat);
    ascii(EXIF_IFD_GPS, 0x0003, gps->lon_ref);
    rationals(0x0004, gps->lon);
    rationals(0x0007, gps->time);
    ascii(EXIF_IFD_GPS, 0x001D, gps->date);
  }
  unsigned char* buf = nullptr;
  unsigned int len = 0;
  exif_data_save_data(d, &buf, &len);
  std::string out(reinterpret_cast<const char*>(buf), len);
  std::free(buf);
  exif_mem_unref(mem);
  exif_data_unref(d);
  return out;
}

std::string InsertSegment(const std::string& jpeg, std::uint8_t marker, const std::string& payload) {
  const std::size_t length = payload.size() + 2;
  std::string segment = {'\xFF', static_cast<char>(marker), static_cast<char>(length >> 8),
                         static_cast<char>(length & 0xFF)};
  return jpeg.substr(0, 2) + segment + payload + jpeg.substr(2);
}

std::string JpegWithExif(int width, int height, const std::optional<GpsSpec>& gps) {
  return InsertSegment(Gradient(width, height), 0xE1, BuildExif(1, gps));
}

}  // namespace cg::media::test_images
