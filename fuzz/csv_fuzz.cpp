// libFuzzer harness for the CSV reader (legacy department spreadsheets are hostile input).
#include <cstddef>
#include <cstdint>
#include <string>

#include "tabular/csv.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  cg::tabular::CsvOptions options;
  options.max_field_bytes = 4096;
  options.max_columns = 256;
  options.max_record_bytes = 65536;
  auto reader = cg::tabular::OpenCsv(std::string(reinterpret_cast<const char*>(data), size), options);
  if (!reader.ok()) return 0;
  cg::tabular::Row row;
  std::size_t rows = 0;
  while (true) {
    auto more = (*reader)->Next(row);
    if (!more.ok() || !*more) break;
    if (row.cells.size() > options.max_columns && (*reader)->header().size() < row.cells.size()) {
      __builtin_trap();  // the column limit must hold
    }
    if (++rows > 100000) __builtin_trap();  // more rows than bytes is impossible
  }
  return 0;
}
