// libFuzzer harness for the xlsx reader (zip container, OOXML parts, cell values).
// An input starting with "PK" is read as an .xlsx file. Any other input is split at NUL bytes
// into sheet XML, sharedStrings XML and styles XML and packed (stored, uncompressed) into an
// otherwise valid package, so mutations reach the XML and cell logic instead of dying on CRCs.
#include <zip.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "tabular/xlsx.hpp"

namespace {

const char kRels[] =
    "<Relationships><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/"
    "officeDocument/2006/relationships/officeDocument\" Target=\"xl/workbook.xml\"/>"
    "</Relationships>";
const char kWorkbook[] =
    "<workbook xmlns:r=\"r\"><workbookPr date1904=\"0\"/><sheets><sheet name=\"S\" sheetId=\"1\" "
    "r:id=\"rId1\"/></sheets></workbook>";
const char kWorkbookRels[] =
    "<Relationships><Relationship Id=\"rId1\" Type=\"x/worksheet\" Target=\"worksheets/s.xml\"/>"
    "<Relationship Id=\"rId2\" Type=\"x/sharedStrings\" Target=\"sharedStrings.xml\"/>"
    "<Relationship Id=\"rId3\" Type=\"x/styles\" Target=\"styles.xml\"/></Relationships>";

std::string Package(const std::string& input) {
  std::vector<std::string> parts(3);
  std::size_t k = 0;
  for (char c : input) {
    if (c == '\0' && k < 2) {
      ++k;
    } else {
      parts[k].push_back(c);
    }
  }
  const std::pair<const char*, std::string> entries[] = {
      {"_rels/.rels", kRels},
      {"xl/workbook.xml", kWorkbook},
      {"xl/_rels/workbook.xml.rels", kWorkbookRels},
      {"xl/worksheets/s.xml", parts[0]},
      {"xl/sharedStrings.xml", parts[1]},
      {"xl/styles.xml", parts[2]},
  };
  zip_error_t err;
  zip_error_init(&err);
  zip_source_t* src = zip_source_buffer_create(nullptr, 0, 0, &err);
  zip_source_keep(src);
  zip_t* za = zip_open_from_source(src, ZIP_TRUNCATE, &err);
  std::string out;
  if (za != nullptr) {
    for (const auto& [name, data] : entries) {
      zip_source_t* s = zip_source_buffer(za, data.data(), data.size(), 0);
      zip_int64_t i = zip_file_add(za, name, s, ZIP_FL_ENC_UTF_8);
      if (i >= 0) zip_set_file_compression(za, static_cast<zip_uint64_t>(i), ZIP_CM_STORE, 0);
    }
    if (zip_close(za) == 0 && zip_source_open(src) == 0) {
      char buf[65536];
      zip_int64_t n;
      while ((n = zip_source_read(src, buf, sizeof buf)) > 0) {
        out.append(buf, static_cast<std::size_t>(n));
      }
      zip_source_close(src);
    }
  }
  zip_source_free(src);
  zip_error_fini(&err);
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string input(reinterpret_cast<const char*>(data), size);
  if (input.rfind("PK", 0) != 0) input = Package(input);
  cg::tabular::XlsxOptions options;
  options.limits.max_total_uncompressed = 64u << 20;
  options.limits.max_part_bytes = 32u << 20;
  options.limits.max_row_xml_bytes = 4u << 20;
  options.limits.max_total_cells = 4u << 20;
  auto reader = cg::tabular::OpenXlsx(std::move(input), options);
  if (!reader.ok()) return 0;
  cg::tabular::Row row;
  for (int i = 0; i < 100000; ++i) {
    auto more = (*reader)->Next(row);
    if (!more.ok() || !*more) break;
    if (row.cells.size() > 16384) __builtin_trap();  // beyond XFD
  }
  return 0;
}
