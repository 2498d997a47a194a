#pragma once
// Included by migrations.cpp only.
#include <string_view>

namespace cg::store::internal {

inline constexpr std::string_view kSqlite8 = R"sql(
DROP INDEX cases_lonlat;
DROP INDEX cases_open_near;
CREATE INDEX cases_open_cell ON cases(type, category, CAST(lat * 2000 AS INTEGER), lon) WHERE terminal = 0;
DROP TRIGGER cases_scope_insert;
DROP TRIGGER cases_scope_move;
DROP TRIGGER cases_scope_due;
DROP TRIGGER cases_scope_delete;
DROP INDEX case_scope_case;
CREATE TRIGGER cases_scope_insert AFTER INSERT ON cases BEGIN
)sql" CG_QUEUE_INSERT_NEW R"sql(
END;
CREATE TRIGGER cases_scope_move AFTER UPDATE OF grid_code, handling_unit_code ON cases
WHEN OLD.grid_code <> NEW.grid_code OR OLD.handling_unit_code <> NEW.handling_unit_code BEGIN
  DELETE FROM case_scope WHERE )sql" CG_QUEUE_ROWS_OF_OLD R"sql(;
)sql" CG_QUEUE_INSERT_NEW R"sql(
END;
CREATE TRIGGER cases_scope_due AFTER UPDATE OF due_at ON cases
WHEN OLD.due_at <> NEW.due_at AND OLD.grid_code = NEW.grid_code AND
     OLD.handling_unit_code = NEW.handling_unit_code BEGIN
  UPDATE case_scope SET due_key = )sql" CG_QUEUE_DUE_KEY("NEW") R"sql( WHERE )sql" CG_QUEUE_ROWS_OF_OLD R"sql(;
END;
CREATE TRIGGER cases_scope_delete AFTER DELETE ON cases BEGIN
  DELETE FROM case_scope WHERE )sql" CG_QUEUE_ROWS_OF_OLD R"sql(;
END;
)sql";
#undef CG_QUEUE_ROWS_OF_OLD
#undef CG_QUEUE_INSERT_NEW
#undef CG_QUEUE_CODES
#undef CG_QUEUE_DUE_KEY

inline constexpr std::string_view kPostgres8 = R"sql(
DROP INDEX cases_lonlat;
)sql";

}  // namespace cg::store::internal
