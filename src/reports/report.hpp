#pragma once
// One report: a template's figures for the row units under a scope, plus the total, and its
// renderings as xlsx (libxlsxwriter, Chinese headers, title, merged group headers) and CSV
// (UTF-8 with BOM). docs/reports.md.

#include <memory>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/date.hpp"
#include "core/result.hpp"
#include "model/org_unit.hpp"
#include "model/scope.hpp"
#include "reports/projection.hpp"
#include "reports/template.hpp"
#include "store/store.hpp"

namespace cg::reports {

struct ReportRow {
  std::string code;
  std::string name;
  model::OrgKind kind = model::OrgKind::kGrid;
  RowValues values;
};

struct Report {
  std::shared_ptr<const Template> tpl;
  std::string department_label;  // the owner department's label_zh
  model::OrgUnit scope;          // without geometry
  Date as_of;                    // ages are counted on this day
  Timestamp generated_at = 0;
  std::int64_t seq = 0;          // change-log seq the figures include
  std::vector<ReportRow> rows;
  ReportRow total;               // named 合计, code = scope code
};

// The row units of `tpl` under `scope_code`: its children (rows = children; a grid is its
// own single row) or its descendants at the template's level (the unit itself when it is at
// or below that level). kNotFound if `scope_code` is absent or outside `caller`.
Result<std::vector<model::OrgUnit>> RowUnits(store::Store& store, const model::Scope& caller, const Template& tpl,
                                             const std::string& scope_code, model::OrgUnit* scope_unit);

// The report, computed from the projection. kNotFound as RowUnits.
Result<Report> BuildReport(store::Store& store, const model::Scope& caller, const ReportProjection& projection,
                           std::shared_ptr<const Template> tpl, const std::string& scope_code, Date as_of);

// xlsx bytes: title row "<scope name><title>", an info row (范围, 统计日期, 填报单位), header
// rows (group headers merged), one row per unit, 合计, and the template's note.
Result<std::string> RenderXlsx(const Report& report);
// CSV, UTF-8 with BOM: 单位代码, 单位, then "group/label" per column; one line per unit, 合计.
std::string RenderCsv(const Report& report);
// "<title_zh>-<scope name>-<as_of>.<ext>" for Content-Disposition.
std::string FileName(const Report& report, const std::string& ext);

}  // namespace cg::reports
