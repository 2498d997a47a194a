#include <xlsxwriter.h>

#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "core/date.hpp"
#include "tabular/internal/text_decoder.hpp"
#include "tabular/xlsx.hpp"

namespace cg::tabular {
namespace {

Error Invalid(std::string message) { return MakeError(ErrorCode::kInvalid, std::move(message)); }

bool ValidText(const std::string& s) {
  return internal::ValidUtf8Prefix(s.data(), s.size()) == s.size();
}

// A private directory (mode 0700) removed with everything in it when this goes out of scope.
class TempDir {
 public:
  TempDir() {
    const char* base = std::getenv("TMPDIR");
    std::string templ = std::string(base && *base ? base : "/tmp") + "/citygrid-xlsx-XXXXXX";
    if (mkdtemp(templ.data()) != nullptr) path_ = templ;
  }
  ~TempDir() {
    if (!path_.empty()) {
      std::error_code ec;
      std::filesystem::remove_all(path_, ec);
    }
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

Status CheckLxw(lxw_error e, const std::string& where) {
  if (e == LXW_NO_ERROR) return Status::Ok();
  return Invalid(where + ": " + lxw_strerror(e));
}

// Writes one sheet; formats are created in `wb`.
Status WriteSheet(lxw_workbook* wb, const Sheet& sheet) {
  if (!ValidText(sheet.name)) return Invalid("sheet name is not valid UTF-8");
  lxw_error name_error = workbook_validate_sheet_name(wb, sheet.name.c_str());
  if (name_error != LXW_NO_ERROR) {
    return Invalid("sheet name '" + sheet.name + "': " + lxw_strerror(name_error));
  }
  lxw_worksheet* ws = workbook_add_worksheet(wb, sheet.name.c_str());
  if (ws == nullptr) return Invalid("cannot add sheet '" + sheet.name + "'");

  std::size_t ncols = sheet.columns.size();
  for (const auto& r : sheet.header_rows) ncols = std::max(ncols, r.size());
  for (const auto& r : sheet.rows) ncols = std::max(ncols, r.size());
  if (ncols > 16384) return MakeError(ErrorCode::kTooLarge, "more than 16384 columns");
  const lxw_row_t first_header = sheet.title.empty() ? 0 : 1;
  const lxw_row_t first_data = first_header + static_cast<lxw_row_t>(sheet.header_rows.size());
  if (first_data + sheet.rows.size() > 1048576) {
    return MakeError(ErrorCode::kTooLarge, "more than 1048576 rows in sheet '" + sheet.name + "'");
  }

  lxw_format* title_fmt = workbook_add_format(wb);
  format_set_bold(title_fmt);
  format_set_font_size(title_fmt, 14);
  format_set_align(title_fmt, LXW_ALIGN_CENTER);
  format_set_align(title_fmt, LXW_ALIGN_VERTICAL_CENTER);
  lxw_format* head_fmt = workbook_add_format(wb);
  format_set_bold(head_fmt);
  format_set_border(head_fmt, LXW_BORDER_THIN);
  format_set_align(head_fmt, LXW_ALIGN_CENTER);
  format_set_align(head_fmt, LXW_ALIGN_VERTICAL_CENTER);
  format_set_text_wrap(head_fmt);
  format_set_bg_color(head_fmt, 0xDDEBF7);

  std::vector<lxw_format*> col_fmt(ncols, nullptr);
  for (std::size_t c = 0; c < ncols; ++c) {
    Column col = c < sheet.columns.size() ? sheet.columns[c] : Column{};
    std::string code = col.number_format;
    if (code.empty()) code = col.kind == ColumnKind::kDate ? "yyyy-mm-dd"
                             : col.kind == ColumnKind::kText ? "@" : "";
    if (!code.empty()) {
      if (!ValidText(code)) return Invalid("number format is not valid UTF-8");
      col_fmt[c] = workbook_add_format(wb);
      format_set_num_format(col_fmt[c], code.c_str());
    }
    double width = col.width > 0 ? col.width : LXW_DEF_COL_WIDTH;
    if (col.width > 255) return Invalid("column width above 255");
    CG_RETURN_IF_ERROR(CheckLxw(
        worksheet_set_column(ws, static_cast<lxw_col_t>(c), static_cast<lxw_col_t>(c), width,
                             col_fmt[c]),
        "column width"));
  }

  if (!sheet.title.empty()) {
    if (!ValidText(sheet.title)) return Invalid("title is not valid UTF-8");
    if (ncols > 1) {
      CG_RETURN_IF_ERROR(CheckLxw(worksheet_merge_range(ws, 0, 0, 0, static_cast<lxw_col_t>(ncols - 1),
                                                        sheet.title.c_str(), title_fmt),
                                  "title"));
    } else {
      CG_RETURN_IF_ERROR(
          CheckLxw(worksheet_write_string(ws, 0, 0, sheet.title.c_str(), title_fmt), "title"));
    }
    worksheet_set_row(ws, 0, 24, nullptr);
  }

  for (std::size_t r = 0; r < sheet.header_rows.size(); ++r) {
    for (std::size_t c = 0; c < sheet.header_rows[r].size(); ++c) {
      const std::string& text = sheet.header_rows[r][c];
      if (!ValidText(text)) return Invalid("header cell is not valid UTF-8");
      CG_RETURN_IF_ERROR(CheckLxw(
          worksheet_write_string(ws, first_header + static_cast<lxw_row_t>(r),
                                 static_cast<lxw_col_t>(c), text.c_str(), head_fmt),
          "header"));
    }
  }
  const auto& merges = sheet.header_merges;
  for (std::size_t i = 0; i < merges.size(); ++i) {
    const Merge& m = merges[i];
    if (m.first_row < 0 || m.first_col < 0 || m.last_row < m.first_row ||
        m.last_col < m.first_col || static_cast<std::size_t>(m.last_row) >= sheet.header_rows.size() ||
        static_cast<std::size_t>(m.last_col) >= ncols ||
        (m.first_row == m.last_row && m.first_col == m.last_col)) {
      return Invalid("header merge " + std::to_string(i) + " is outside the header or a single cell");
    }
    for (std::size_t j = 0; j < i; ++j) {
      const Merge& o = merges[j];
      if (m.first_row <= o.last_row && o.first_row <= m.last_row && m.first_col <= o.last_col &&
          o.first_col <= m.last_col) {
        return Invalid("header merges " + std::to_string(j) + " and " + std::to_string(i) +
                       " overlap");
      }
    }
    const auto& hr = sheet.header_rows[static_cast<std::size_t>(m.first_row)];
    std::string text = static_cast<std::size_t>(m.first_col) < hr.size() ? hr[m.first_col] : "";
    CG_RETURN_IF_ERROR(CheckLxw(
        worksheet_merge_range(ws, first_header + static_cast<lxw_row_t>(m.first_row),
                              static_cast<lxw_col_t>(m.first_col),
                              first_header + static_cast<lxw_row_t>(m.last_row),
                              static_cast<lxw_col_t>(m.last_col), text.c_str(), head_fmt),
        "header merge"));
  }

  for (std::size_t r = 0; r < sheet.rows.size(); ++r) {
    const auto& row = sheet.rows[r];
    const lxw_row_t out_row = first_data + static_cast<lxw_row_t>(r);
    for (std::size_t c = 0; c < row.size(); ++c) {
      const std::string& text = row[c];
      if (text.empty()) continue;
      const auto col = static_cast<lxw_col_t>(c);
      ColumnKind kind = c < sheet.columns.size() ? sheet.columns[c].kind : ColumnKind::kText;
      lxw_error e = LXW_NO_ERROR;
      bool written = false;
      if (kind == ColumnKind::kNumber) {
        double v = 0;
        auto res = std::from_chars(text.data(), text.data() + text.size(), v);
        if (res.ec == std::errc() && res.ptr == text.data() + text.size() && std::isfinite(v)) {
          e = worksheet_write_number(ws, out_row, col, v, col_fmt[c]);
          written = true;
        }
      } else if (kind == ColumnKind::kDate) {
        auto d = ParseDate(text);
        if (d.ok()) {
          lxw_datetime dt{d->year, d->month, d->day, 0, 0, 0.0};
          e = worksheet_write_datetime(ws, out_row, col, &dt, col_fmt[c]);
          written = true;
        }
      }
      if (!written) {
        if (!ValidText(text)) {
          return Invalid("cell at data row " + std::to_string(r + 1) + ", column " +
                         std::to_string(c + 1) + " is not valid UTF-8");
        }
        e = worksheet_write_string(ws, out_row, col, text.c_str(), col_fmt[c]);
      }
      CG_RETURN_IF_ERROR(CheckLxw(e, "cell at data row " + std::to_string(r + 1) + ", column " +
                                         std::to_string(c + 1)));
    }
  }
  if (first_data > 0 || sheet.freeze_columns > 0) {
    worksheet_freeze_panes(ws, first_data, static_cast<lxw_col_t>(std::max(0, sheet.freeze_columns)));
  }
  return Status::Ok();
}

}  // namespace

Sheet SheetFromTable(std::string name, const Table& table) {
  Sheet sheet;
  sheet.name = std::move(name);
  if (!table.header.empty()) sheet.header_rows.push_back(table.header);
  sheet.rows = table.rows;
  return sheet;
}

Result<std::string> WriteXlsx(const Workbook& workbook) {
  if (workbook.sheets.empty()) return Invalid("a workbook needs at least one sheet");
  TempDir dir;
  if (dir.path().empty()) return MakeError(ErrorCode::kUnavailable, "cannot create a temp dir");
  std::string path = dir.path() + "/out.xlsx";
  lxw_workbook_options options{};
  options.constant_memory = LXW_FALSE;
  options.tmpdir = const_cast<char*>(dir.path().c_str());
  options.use_zip64 = LXW_FALSE;  // Excel warns about zip64 in small files
  lxw_workbook* wb = workbook_new_opt(path.c_str(), &options);
  if (wb == nullptr) return MakeError(ErrorCode::kUnavailable, "cannot create the workbook");
  for (const Sheet& sheet : workbook.sheets) {
    Status s = WriteSheet(wb, sheet);
    if (!s.ok()) {
      workbook_close(wb);
      return s.error();
    }
  }
  lxw_error e = workbook_close(wb);
  if (e != LXW_NO_ERROR) {
    return MakeError(ErrorCode::kUnavailable, std::string("writing xlsx: ") + lxw_strerror(e));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return MakeError(ErrorCode::kUnavailable, "cannot read back " + path);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

}  // namespace cg::tabular
