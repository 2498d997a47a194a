// libFuzzer harness for the xlsx reader (zip container, OOXML parts, cell values).
#include <cstddef>
#include <cstdint>
#include <string>

#include "tabular/xlsx.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  cg::tabular::XlsxOptions options;
  options.limits.max_total_uncompressed = 64u << 20;
  options.limits.max_part_bytes = 32u << 20;
  options.limits.max_row_xml_bytes = 4u << 20;
  auto reader =
      cg::tabular::OpenXlsx(std::string(reinterpret_cast<const char*>(data), size), options);
  if (!reader.ok()) return 0;
  cg::tabular::Row row;
  for (int i = 0; i < 100000; ++i) {
    auto more = (*reader)->Next(row);
    if (!more.ok() || !*more) break;
    if (row.cells.size() > 16384) __builtin_trap();  // beyond XFD
  }
  return 0;
}
