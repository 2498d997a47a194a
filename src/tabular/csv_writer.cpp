#include "tabular/csv.hpp"

namespace cg::tabular {
namespace {

void AppendCell(std::string& out, const std::string& cell, const CsvWriteOptions& options) {
  bool formula = options.neutralize_formulas && !cell.empty() &&
                 (cell[0] == '=' || cell[0] == '+' || cell[0] == '-' || cell[0] == '@' ||
                  cell[0] == '\t' || cell[0] == '\r');
  bool quote = cell.find_first_of(std::string{'"', '\n', '\r', options.delimiter}) !=
                   std::string::npos ||
               (!cell.empty() && (cell.front() == ' ' || cell.back() == ' '));
  if (quote) out.push_back('"');
  if (formula) out.push_back('\'');
  for (char c : cell) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  if (quote) out.push_back('"');
}

void AppendRow(std::string& out, const std::vector<std::string>& cells,
               const CsvWriteOptions& options) {
  for (std::size_t i = 0; i < cells.size(); ++i) {
    if (i > 0) out.push_back(options.delimiter);
    AppendCell(out, cells[i], options);
  }
  out += options.crlf ? "\r\n" : "\n";
}

}  // namespace

std::string WriteCsv(const Table& table, const CsvWriteOptions& options) {
  std::string out;
  if (options.bom) out = "\xEF\xBB\xBF";
  if (!table.header.empty()) AppendRow(out, table.header, options);
  for (const auto& row : table.rows) AppendRow(out, row, options);
  return out;
}

}  // namespace cg::tabular
