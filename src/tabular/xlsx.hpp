#pragma once
// xlsx (Office Open XML SpreadsheetML) reading with libzip + pugixml and writing with
// libxlsxwriter. Input is treated as hostile: zip bombs, path tricks, DOCTYPEs and absurd
// references are refused with kInvalid / kTooLarge, never a crash.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "tabular/table.hpp"

namespace cg::tabular {

struct XlsxLimits {
  std::size_t max_file_bytes = 256u << 20;             // the .xlsx itself
  std::size_t max_entries = 10000;                     // zip entries
  std::uint64_t max_total_uncompressed = 2ull << 30;   // all parts read, counted while inflating
  std::uint64_t max_part_bytes = 1ull << 30;           // one part, declared or inflated
  std::uint64_t max_ratio = 250;                       // uncompressed / compressed, parts > 1 MiB
  std::size_t max_shared_strings = 16u << 20;
  std::size_t max_cell_bytes = 1u << 20;
  std::size_t max_row_xml_bytes = 64u << 20;           // one <row> element
  // Output amplification: a 20-byte <c> can repeat a 1 MiB shared string, and a cell at XFD
  // makes 16,384 cells of a row. Cells (gaps and padding included) and bytes handed out.
  std::uint64_t max_total_cells = 256u << 20;
  std::uint64_t max_total_text_bytes = 4ull << 30;
};

struct XlsxOptions {
  std::string sheet;            // empty: the first sheet in workbook order
  std::size_t header_row = 1;   // sheet row holding the header; 0: no header, all rows are data
  XlsxLimits limits;
};

// A RowReader over one worksheet. Cells are text: shared and inline strings as written, numbers
// without exponent, booleans TRUE/FALSE, date-formatted numbers as ISO dates, formulas as their
// cached value. Gaps (A1, C1) become empty cells; rows that hold no value are skipped.
class XlsxReader : public RowReader {
 public:
  virtual const std::vector<std::string>& sheet_names() const = 0;
};

// Opens an xlsx held in memory. kInvalid for anything that is not a well-formed xlsx (including
// .xls and plain text renamed .xlsx), kNotFound for a missing named sheet.
Result<std::unique_ptr<XlsxReader>> OpenXlsx(std::string bytes, const XlsxOptions& options = {});
// Reads the file (at most limits.max_file_bytes) and opens it as above.
Result<std::unique_ptr<XlsxReader>> OpenXlsxFile(const std::string& path,
                                                 const XlsxOptions& options = {});

enum class ColumnKind {
  kText,    // written as a string (ID numbers, phone numbers: never as numbers)
  kNumber,  // cells that parse as a number are written as numbers, others as strings
  kDate,    // "YYYY-MM-DD" cells are written as dates, others as strings
};

struct Column {
  double width = 0;           // in characters; 0: libxlsxwriter's default
  ColumnKind kind = ColumnKind::kText;
  std::string number_format;  // e.g. "0.00", "#,##0"; kDate defaults to "yyyy-mm-dd"
};

// A merged range inside the header block, 0-based relative to the first header row.
struct Merge {
  int first_row = 0, first_col = 0, last_row = 0, last_col = 0;
};

struct Sheet {
  std::string name;                                  // at most 31 characters, no []:*?/\ .
  std::string title;                                 // if set: row 1, merged across all columns
  std::vector<std::vector<std::string>> header_rows; // bold, bordered; merges below
  std::vector<Merge> header_merges;
  std::vector<Column> columns;
  std::vector<std::vector<std::string>> rows;
  int freeze_columns = 0;                            // title and header rows are always frozen
};

struct Workbook {
  std::vector<Sheet> sheets;
};

// A sheet with one header row from a Table (all columns text).
Sheet SheetFromTable(std::string name, const Table& table);

// The workbook as xlsx bytes. libxlsxwriter writes to a file in a private temporary directory
// (mode 0700) that is removed before returning. kInvalid for bad sheet names or merges.
Result<std::string> WriteXlsx(const Workbook& workbook);

}  // namespace cg::tabular
