#pragma once
// Helpers shared by both backends: prefix ranges for subtree queries, geometry columns,
// and argument checks. Private to src/store.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.hpp"
#include "model/org_unit.hpp"
#include "store/store.hpp"

namespace cg::store::internal {

// Smallest string greater than every string that starts with `prefix` (compared bytewise, which
// for valid UTF-8 is code-point order), or nullopt if there is none (empty prefix). Valid UTF-8
// in, valid UTF-8 out, so PostgreSQL accepts it; together with `code >= prefix` it selects the
// subtree exactly and can use the primary-key index.
std::optional<std::string> PrefixEnd(std::string_view prefix);

// The half-open code range [lo, hi) of the subtree under `prefix`; only the empty prefix (the
// whole tree) has no upper bound.
struct CodeRange {
  std::string lo;
  std::string hi;
  bool unbounded_hi = true;
};
CodeRange RangeOf(std::string_view prefix);

// kInvalid unless 0 <= offset and 0 <= limit.
Status ValidatePage(const Page& page);
// kInvalid for units the store cannot hold (empty code or name, unit listed as its own parent).
Status ValidateUnit(const model::OrgUnit& unit);
Status ValidateUser(const model::User& user);

// Geometry column value: WKB bytes, or nullopt for an empty geometry (stored as NULL).
std::optional<std::string> GeometryBytes(const geo::MultiPolygon& geometry);
// Shortest text that parses back to exactly `value`.
std::string DoubleText(double value);

// A decimal row id of at most 18 digits; nullopt for anything else (so "1 OR 1=1" is simply
// not found).
std::optional<std::int64_t> ParseDecimalId(std::string_view id);

// Thrown inside a backend and turned into a returned Error at the public method boundary;
// never escapes src/store.
// Store::CheckIntegrity: ids of cases without their first timeline entry (at most 100). Same SQL on
// both backends.
inline constexpr char kCasesWithoutFirstEvent[] =
    "SELECT c.id FROM cases c WHERE NOT EXISTS (SELECT 1 FROM case_events e WHERE e.case_id = c.id "
    "AND e.seq = 0) ORDER BY c.id LIMIT 100";

// For the integrity checks: a case whose queue rows (case_scope, migration 6) differ from those
// its grid, handling unit and deadline call for; no rows if the queue index is right.
inline constexpr char kCasesWithWrongQueueRows[] =
    "SELECT case_id FROM ("
    "SELECT DISTINCT substr(c.code, 1, l.n) AS code, "
    "CASE WHEN c.due_at = 0 THEN 9223372036854775807 ELSE c.due_at END AS due_key, c.id AS case_id "
    "FROM (SELECT id, due_at, grid_code AS code FROM cases UNION ALL "
    "SELECT id, due_at, handling_unit_code FROM cases) c JOIN org_code_lengths l ON length(c.code) >= l.n "
    "EXCEPT SELECT code, due_key, case_id FROM case_scope) missing "
    "UNION ALL SELECT case_id FROM ("
    "SELECT code, due_key, case_id FROM case_scope EXCEPT "
    "SELECT DISTINCT substr(c.code, 1, l.n), CASE WHEN c.due_at = 0 THEN 9223372036854775807 ELSE c.due_at END, c.id "
    "FROM (SELECT id, due_at, grid_code AS code FROM cases UNION ALL "
    "SELECT id, due_at, handling_unit_code FROM cases) c JOIN org_code_lengths l ON length(c.code) >= l.n) extra "
    "LIMIT 100";

struct DbError {
  Error error;
};
[[noreturn]] inline void Fail(ErrorCode code, std::string message) {
  throw DbError{MakeError(code, std::move(message))};
}

}  // namespace cg::store::internal
