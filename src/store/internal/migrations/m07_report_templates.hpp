#pragma once
// Included by migrations.cpp only.
#include <string_view>

namespace cg::store::internal {

// Migration 7: report templates added by an admin (data/reports/*.toml are the built-in ones).
inline constexpr std::string_view kSqlite7 = R"sql(
CREATE TABLE report_templates (
  code TEXT PRIMARY KEY,
  body TEXT NOT NULL,
  created_by INTEGER NOT NULL,
  created_at INTEGER NOT NULL
) STRICT;
)sql";

inline constexpr std::string_view kPostgres7 = R"sql(
CREATE TABLE report_templates (
  code text COLLATE "C" PRIMARY KEY,
  body text NOT NULL,
  created_by bigint NOT NULL,
  created_at bigint NOT NULL
);
)sql";

// Migration 8: lighter intake. Both backends drop cases_lonlat, which nothing reads since
// migration 6 (one random index insert less per case). The rest is SQLite's (PostgreSQL's
// planner reads cases_open_near well, and its case_scope_case serves the foreign key):
// - The duplicate check reads cases_open_cell: open cases by latitude cell (1/2000 degree, about
//   55 m) and longitude, so it reads the few cells around the point instead of a band of
//   longitude across the whole city, which grew with every open case (cases_open_near, dropped).
// - The queue triggers find a case's case_scope rows by their primary key (the codes follow from
//   the case's grid and unit, the key from its deadline), so case_scope_case, one more index
//   entry per row on every intake, is dropped; they list a code common to the grid and the unit
//   once without a temporary b-tree (UNION ALL with a condition instead of UNION).
// A case's queue rows (see migration 6): its deadline key, and its codes (each org-level prefix
// of its grid, then those of its handling unit that the grid does not share), for OLD or NEW.
#define CG_QUEUE_DUE_KEY(row) "CASE WHEN " row ".due_at = 0 THEN 9223372036854775807 ELSE " row ".due_at END"
#define CG_QUEUE_CODES(row, extra)                                                                \
  "SELECT substr(" row ".grid_code, 1, n)" extra " FROM org_code_lengths WHERE length(" row        \
  ".grid_code) >= n UNION ALL SELECT substr(" row ".handling_unit_code, 1, n)" extra               \
  " FROM org_code_lengths WHERE length(" row ".handling_unit_code) >= n AND (length(" row          \
  ".grid_code) < n OR substr(" row ".grid_code, 1, n) <> substr(" row ".handling_unit_code, 1, n))"
#define CG_QUEUE_INSERT_NEW \
  "INSERT INTO case_scope(code, due_key, case_id) " CG_QUEUE_CODES("NEW", ", " CG_QUEUE_DUE_KEY("NEW") ", NEW.id") ";"
#define CG_QUEUE_ROWS_OF_OLD \
  "case_id = OLD.id AND due_key = " CG_QUEUE_DUE_KEY("OLD") " AND code IN (" CG_QUEUE_CODES("OLD", "") ")"

}  // namespace cg::store::internal
