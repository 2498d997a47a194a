#pragma once
// Included by migrations.cpp only.
#include <string_view>

namespace cg::store::internal {

// Migration 6: the case queue index. A staff member's queue is "cases whose handling unit or grid
// lies in my subtree, earliest deadline first" (store::CaseStore::ListCases). A code range over
// two columns cannot be read in deadline order, so every case has one case_scope row per org-level
// prefix (4, 6, 9, 12, 15 characters) of its grid and handling-unit codes: the subtree of a
// standard code X is then exactly the rows with code = X, already ordered by deadline (due_key:
// due_at, or the largest integer for "no deadline", which sorts last). Triggers keep the rows in
// step with every write of cases, whatever code writes them. The reporter branch of visibility
// is served by cases_reporter_scope. cases_open_near serves the duplicate check of every new
// case (open cases of one type and category near a point): without it SQLite read every open case
// through cases_warn (terminal = 0), so intake slowed down as cases accumulated. SQLite also keeps the number of rows per code
// (case_scope_counts), so the unfiltered queue total is one lookup; PostgreSQL counts the index
// range instead, because a counter row per code would serialise concurrent writers (several
// nodes) on the city's row.
inline constexpr std::string_view kSqlite6 = R"sql(
CREATE TABLE org_code_lengths (n INTEGER PRIMARY KEY);
INSERT INTO org_code_lengths(n) VALUES (4), (6), (9), (12), (15);
CREATE TABLE case_scope (
  code TEXT NOT NULL,
  due_key INTEGER NOT NULL,
  case_id INTEGER NOT NULL,
  PRIMARY KEY (code, due_key, case_id)
) WITHOUT ROWID;
CREATE INDEX case_scope_case ON case_scope(case_id);
INSERT INTO case_scope(code, due_key, case_id)
  SELECT DISTINCT substr(c.code, 1, l.n), CASE WHEN c.due_at = 0 THEN 9223372036854775807 ELSE c.due_at END, c.id
  FROM (SELECT id, due_at, grid_code AS code FROM cases UNION ALL
        SELECT id, due_at, handling_unit_code FROM cases) c
  JOIN org_code_lengths l ON length(c.code) >= l.n;
CREATE TABLE case_scope_counts (code TEXT NOT NULL PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID;
INSERT INTO case_scope_counts(code, n) SELECT code, count(*) FROM case_scope GROUP BY code;
CREATE TRIGGER case_scope_count_up AFTER INSERT ON case_scope BEGIN
  INSERT INTO case_scope_counts(code, n) VALUES (NEW.code, 1) ON CONFLICT(code) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER case_scope_count_down AFTER DELETE ON case_scope BEGIN
  UPDATE case_scope_counts SET n = n - 1 WHERE code = OLD.code;
END;
CREATE TRIGGER cases_scope_insert AFTER INSERT ON cases BEGIN
  INSERT INTO case_scope(code, due_key, case_id)
    SELECT substr(NEW.grid_code, 1, n), CASE WHEN NEW.due_at = 0 THEN 9223372036854775807 ELSE NEW.due_at END, NEW.id
    FROM org_code_lengths WHERE length(NEW.grid_code) >= n
    UNION
    SELECT substr(NEW.handling_unit_code, 1, n), CASE WHEN NEW.due_at = 0 THEN 9223372036854775807 ELSE NEW.due_at END, NEW.id
    FROM org_code_lengths WHERE length(NEW.handling_unit_code) >= n;
END;
CREATE TRIGGER cases_scope_move AFTER UPDATE OF grid_code, handling_unit_code ON cases
WHEN OLD.grid_code <> NEW.grid_code OR OLD.handling_unit_code <> NEW.handling_unit_code BEGIN
  DELETE FROM case_scope WHERE case_id = OLD.id;
  INSERT INTO case_scope(code, due_key, case_id)
    SELECT substr(NEW.grid_code, 1, n), CASE WHEN NEW.due_at = 0 THEN 9223372036854775807 ELSE NEW.due_at END, NEW.id
    FROM org_code_lengths WHERE length(NEW.grid_code) >= n
    UNION
    SELECT substr(NEW.handling_unit_code, 1, n), CASE WHEN NEW.due_at = 0 THEN 9223372036854775807 ELSE NEW.due_at END, NEW.id
    FROM org_code_lengths WHERE length(NEW.handling_unit_code) >= n;
END;
CREATE TRIGGER cases_scope_due AFTER UPDATE OF due_at ON cases
WHEN OLD.due_at <> NEW.due_at AND OLD.grid_code = NEW.grid_code AND
     OLD.handling_unit_code = NEW.handling_unit_code BEGIN
  UPDATE case_scope SET due_key = CASE WHEN NEW.due_at = 0 THEN 9223372036854775807 ELSE NEW.due_at END
  WHERE case_id = NEW.id;
END;
CREATE TRIGGER cases_scope_delete AFTER DELETE ON cases BEGIN
  DELETE FROM case_scope WHERE case_id = OLD.id;
END;
CREATE INDEX cases_reporter_scope ON cases(reporter_user_id, handling_unit_code, grid_code);
DROP INDEX cases_reporter;
CREATE INDEX cases_open_near ON cases(type, category, lon, lat) WHERE terminal = 0;
)sql";

// PostgreSQL: the same rows, kept by one trigger function. The ON DELETE CASCADE needs no trigger.
inline constexpr std::string_view kPostgres6 = R"sql(
CREATE TABLE org_code_lengths (n integer PRIMARY KEY);
INSERT INTO org_code_lengths(n) VALUES (4), (6), (9), (12), (15);
CREATE TABLE case_scope (
  code text COLLATE "C" NOT NULL,
  due_key bigint NOT NULL,
  case_id bigint NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
  PRIMARY KEY (code, due_key, case_id)
);
CREATE INDEX case_scope_case ON case_scope(case_id);
INSERT INTO case_scope(code, due_key, case_id)
  SELECT DISTINCT substr(c.code, 1, l.n), CASE WHEN c.due_at = 0 THEN 9223372036854775807 ELSE c.due_at END, c.id
  FROM (SELECT id, due_at, grid_code AS code FROM cases UNION ALL
        SELECT id, due_at, handling_unit_code FROM cases) c
  JOIN org_code_lengths l ON length(c.code) >= l.n;
CREATE FUNCTION cases_scope_sync() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  IF TG_OP = 'UPDATE' AND OLD.grid_code = NEW.grid_code AND
     OLD.handling_unit_code = NEW.handling_unit_code THEN
    IF OLD.due_at <> NEW.due_at THEN
      UPDATE case_scope SET due_key = CASE WHEN NEW.due_at = 0 THEN 9223372036854775807 ELSE NEW.due_at END
      WHERE case_id = NEW.id;
    END IF;
    RETURN NULL;
  END IF;
  IF TG_OP = 'UPDATE' THEN
    DELETE FROM case_scope WHERE case_id = OLD.id;
  END IF;
  INSERT INTO case_scope(code, due_key, case_id)
    SELECT substr(NEW.grid_code, 1, n), CASE WHEN NEW.due_at = 0 THEN 9223372036854775807 ELSE NEW.due_at END, NEW.id
    FROM org_code_lengths WHERE length(NEW.grid_code) >= n
    UNION
    SELECT substr(NEW.handling_unit_code, 1, n), CASE WHEN NEW.due_at = 0 THEN 9223372036854775807 ELSE NEW.due_at END, NEW.id
    FROM org_code_lengths WHERE length(NEW.handling_unit_code) >= n;
  RETURN NULL;
END
$fn$;
CREATE TRIGGER cases_scope_sync AFTER INSERT OR UPDATE OF grid_code, handling_unit_code, due_at ON cases
  FOR EACH ROW EXECUTE FUNCTION cases_scope_sync();
CREATE INDEX cases_reporter_scope ON cases(reporter_user_id, handling_unit_code, grid_code);
DROP INDEX cases_reporter;
CREATE INDEX cases_open_near ON cases(type, category, lon, lat) WHERE NOT terminal;
)sql";

}  // namespace cg::store::internal
