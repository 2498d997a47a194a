#include "tabular/table.hpp"

namespace cg::tabular {

Result<Table> ReadAll(RowReader& reader, std::size_t max_rows) {
  Table table;
  table.header = reader.header();
  Row row;
  while (true) {
    auto more = reader.Next(row);
    if (!more.ok()) return more.error();
    if (!*more) break;
    if (max_rows != 0 && table.rows.size() >= max_rows) {
      return MakeError(ErrorCode::kTooLarge,
                       "more than " + std::to_string(max_rows) + " data rows (row " +
                           std::to_string(row.number) + ")");
    }
    table.rows.push_back(std::move(row.cells));
    table.row_numbers.push_back(row.number);
    row.cells = {};
  }
  table.warnings = reader.warnings();
  return table;
}

}  // namespace cg::tabular
