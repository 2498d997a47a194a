#include "reports/report.hpp"

#include <algorithm>

#include "tabular/csv.hpp"
#include "tabular/xlsx.hpp"

namespace cg::reports {
namespace {

int Level(RowLevel l) {
  switch (l) {
    case RowLevel::kDistrict: return 1;
    case RowLevel::kStreet: return 2;
    case RowLevel::kCommunity: return 3;
    case RowLevel::kGrid: return 4;
    case RowLevel::kChildren: break;
  }
  return -1;
}

std::vector<model::OrgKind> KindsAt(int level) {
  switch (level) {
    case 1: return {model::OrgKind::kDistrict};
    case 2: return {model::OrgKind::kStreet, model::OrgKind::kTown};
    case 3: return {model::OrgKind::kCommunity, model::OrgKind::kVillage};
    default: return {model::OrgKind::kGrid};
  }
}

std::string ColumnHeader(const Column& c) {
  std::string h = c.label_zh;
  if (!c.unit.empty()) h += "（" + c.unit + "）";
  return h;
}

}  // namespace

Result<std::vector<model::OrgUnit>> RowUnits(store::Store& store, const model::Scope& caller, const Template& tpl,
                                             const std::string& scope_code, model::OrgUnit* scope_unit) {
  auto scope = store.GetOrgUnit(caller, scope_code, false);
  if (!scope.ok()) return scope.error();
  if (scope_unit) *scope_unit = *scope;
  std::vector<model::OrgUnit> out;
  const int here = model::LevelOf(scope->kind);
  if (tpl.rows == RowLevel::kChildren) {
    if (scope->kind == model::OrgKind::kGrid) return std::vector<model::OrgUnit>{*scope};
    for (std::int64_t offset = 0;; offset += 5000) {
      auto page = store.ListChildren(caller, scope_code, false, {5000, offset});
      if (!page.ok()) return page.error();
      for (auto& u : page->items) out.push_back(std::move(u));
      if (page->items.size() < 5000) break;
    }
    return out;
  }
  const int want = Level(tpl.rows);
  if (here >= want) return std::vector<model::OrgUnit>{*scope};
  for (auto kind : KindsAt(want)) {
    for (std::int64_t offset = 0;; offset += 5000) {
      auto page = store.ListDescendants(caller, scope_code, kind, false, {5000, offset});
      if (!page.ok()) return page.error();
      for (auto& u : page->items) out.push_back(std::move(u));
      if (page->items.size() < 5000) break;
    }
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.code < b.code; });
  return out;
}

Result<Report> BuildReport(store::Store& store, const model::Scope& caller, const ReportProjection& projection,
                           std::shared_ptr<const Template> tpl, const std::string& scope_code, Date as_of) {
  Report r;
  auto units = RowUnits(store, caller, *tpl, scope_code, &r.scope);
  if (!units.ok()) return units.error();
  std::vector<std::string> codes;
  codes.reserve(units->size());
  for (const auto& u : *units) codes.push_back(u.code);
  auto values = projection.Compute(*tpl, codes, scope_code, as_of);
  if (!values.ok()) return values.error();
  for (std::size_t i = 0; i < units->size(); ++i) {
    r.rows.push_back({(*units)[i].code, (*units)[i].name, (*units)[i].kind, std::move((*values)[i])});
  }
  r.total = {r.scope.code, "合计", r.scope.kind, std::move(values->back())};
  r.tpl = std::move(tpl);
  r.as_of = as_of;
  return r;
}

Result<std::string> RenderXlsx(const Report& report) {
  const Template& t = *report.tpl;
  const int ncols = static_cast<int>(t.columns.size()) + 1;
  tabular::Sheet sheet;
  sheet.name = t.sheet_name;
  sheet.title = report.scope.name + t.title_zh;
  // Header block: an info row, then one or two rows of column headers.
  std::vector<std::string> info(ncols);
  info[0] = "统计范围：" + report.scope.name + "（" + report.scope.code + "）　统计日期：" + FormatDate(report.as_of) +
            "　填报单位：" + report.department_label;
  sheet.header_rows.push_back(info);
  if (ncols > 1) sheet.header_merges.push_back({0, 0, 0, ncols - 1});
  const bool groups = t.has_groups();
  std::vector<std::string> top(ncols), bottom(ncols);
  top[0] = t.row_header_zh;
  for (int i = 1; i < ncols; ++i) {
    const Column& c = t.columns[i - 1];
    if (groups && !c.group_zh.empty()) {
      top[i] = c.group_zh;
      bottom[i] = ColumnHeader(c);
    } else {
      top[i] = ColumnHeader(c);
    }
  }
  sheet.header_rows.push_back(top);
  if (groups) {
    sheet.header_rows.push_back(bottom);
    sheet.header_merges.push_back({1, 0, 2, 0});
    for (int i = 1; i < ncols;) {
      const Column& c = t.columns[i - 1];
      if (c.group_zh.empty()) {
        sheet.header_merges.push_back({1, i, 2, i});
        bottom[i] = "";
        ++i;
        continue;
      }
      int j = i;
      while (j + 1 < ncols && t.columns[j].group_zh == c.group_zh) ++j;
      if (j > i) sheet.header_merges.push_back({1, i, 1, j});
      i = j + 1;
    }
  }
  sheet.columns.push_back({14, tabular::ColumnKind::kText, ""});
  for (const Column& c : t.columns) {
    std::string fmt = c.decimals > 0 ? "0." + std::string(c.decimals, '0') : "0";
    sheet.columns.push_back({12, tabular::ColumnKind::kNumber, fmt});
  }
  auto add = [&](const ReportRow& row) {
    std::vector<std::string> cells{row.name};
    for (const Cell& c : row.values) cells.push_back(c.Text());
    sheet.rows.push_back(std::move(cells));
  };
  for (const auto& row : report.rows) add(row);
  add(report.total);
  if (!t.note_zh.empty()) sheet.rows.push_back({"说明：" + t.note_zh});
  sheet.freeze_columns = 1;
  tabular::Workbook book;
  book.sheets.push_back(std::move(sheet));
  return tabular::WriteXlsx(book);
}

std::string RenderCsv(const Report& report) {
  tabular::Table table;
  table.header = {"单位代码", report.tpl->row_header_zh};
  for (const Column& c : report.tpl->columns)
    table.header.push_back(c.group_zh.empty() ? ColumnHeader(c) : c.group_zh + "/" + ColumnHeader(c));
  auto add = [&](const ReportRow& row) {
    std::vector<std::string> cells{row.code, row.name};
    for (const Cell& c : row.values) cells.push_back(c.Text());
    table.rows.push_back(std::move(cells));
  };
  for (const auto& row : report.rows) add(row);
  add(report.total);
  return tabular::WriteCsv(table);
}

std::string FileName(const Report& report, const std::string& ext) {
  return report.tpl->title_zh + "-" + report.scope.name + "-" + FormatDate(report.as_of) + "." + ext;
}

}  // namespace cg::reports
