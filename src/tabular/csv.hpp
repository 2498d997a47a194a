#pragma once
// CSV reading (RFC 4180, with the encodings Excel and WPS write on Chinese Windows) and writing
// (UTF-8 with BOM, formula-injection safe). Input is treated as hostile: every limit is checked.

#include <cstddef>
#include <memory>
#include <string>

#include "core/result.hpp"
#include "tabular/table.hpp"

namespace cg::tabular {

enum class Encoding { kAuto, kUtf8, kUtf16Le, kUtf16Be, kGb18030 };

// "UTF-8", "UTF-16LE", "UTF-16BE", "GB18030" or "auto".
const char* EncodingName(Encoding encoding);

struct CsvOptions {
  char delimiter = 0;                       // 0: detect among ',' ';' '\t' (or a "sep=X" line)
  Encoding encoding = Encoding::kAuto;      // kAuto: BOM, else UTF-8 if valid, else GB18030
  bool has_header = true;                   // the first non-blank record is the header
  bool skip_blank_lines = true;
  std::size_t max_field_bytes = 1 << 20;    // one field, after unquoting
  std::size_t max_columns = 16384;          // Excel's own column limit
  std::size_t max_record_bytes = 16 << 20;  // one record ("line"), quoted newlines included
};

// A RowReader over CSV text. Cells are returned verbatim: a leading '=', '+', '-' or '@' is data,
// never a formula. Rows shorter than the header are padded with empty cells.
class CsvReader : public RowReader {
 public:
  virtual Encoding encoding() const = 0;  // the encoding detected or requested
  virtual char delimiter() const = 0;     // the delimiter detected or requested
};

// Opens CSV bytes held in memory. Fails with kInvalid when the encoding or the header is broken;
// later errors come from Next().
Result<std::unique_ptr<CsvReader>> OpenCsv(std::string bytes, const CsvOptions& options = {});

// Opens a CSV file and streams it in 1 MiB chunks. kNotFound when the file cannot be opened.
Result<std::unique_ptr<CsvReader>> OpenCsvFile(const std::string& path,
                                               const CsvOptions& options = {});

struct CsvWriteOptions {
  bool bom = true;                  // so Excel opens UTF-8 Chinese text correctly
  char delimiter = ',';
  bool crlf = true;                 // RFC 4180 line ends
  bool neutralize_formulas = true;  // prefix cells starting with = + - @ TAB CR with '
};

// The table (header, then rows) as CSV text. Cannot fail.
std::string WriteCsv(const Table& table, const CsvWriteOptions& options = {});

}  // namespace cg::tabular
