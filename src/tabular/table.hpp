#pragma once
// Spreadsheet rows as strings: the common shape of CSV and xlsx input and output.
// Readers are streaming (RowReader::Next), so a multi-million-row file is never held at once.

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "core/result.hpp"

namespace cg::tabular {

// Something a reader accepted but the caller should see, e.g. an ID number stored as a number.
// `row` is the source row (1-based line or sheet row), `column` 0-based (-1: the whole row).
struct Warning {
  std::size_t row = 0;
  int column = -1;
  std::string message;
};

// One data row. `number` is the 1-based line (CSV: where the record starts) or sheet row (xlsx).
struct Row {
  std::size_t number = 0;
  std::vector<std::string> cells;
};

// A whole sheet in memory: header cells, then data rows with their source row numbers
// (row_numbers[i] belongs to rows[i]) for error reports.
struct Table {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  std::vector<std::size_t> row_numbers;
  std::vector<Warning> warnings;
};

// A stream of rows from one sheet or CSV file. Not thread-safe; one reader per thread.
class RowReader {
 public:
  virtual ~RowReader() = default;
  // The header row (empty when the reader was opened without one).
  virtual const std::vector<std::string>& header() const = 0;
  // Reads the next data row into `row` and answers true, or false at the end. An error (kInvalid
  // for malformed input, kTooLarge for a broken limit) is final: later calls repeat it.
  virtual Result<bool> Next(Row& row) = 0;
  // Warnings collected so far (capped; the last one says how many were dropped).
  virtual const std::vector<Warning>& warnings() const = 0;
};

// Drains `reader` into a Table. `max_rows` (0 = no limit) guards callers that keep everything.
Result<Table> ReadAll(RowReader& reader, std::size_t max_rows = 0);

}  // namespace cg::tabular
