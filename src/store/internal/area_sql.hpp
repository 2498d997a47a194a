#pragma once
// SQL pieces for reads and writes cut to the org tree, shared by the domain stores (topics,
// volunteers, complaint sessions, notices, imports, projects). Private to src/store.
#include <string>
#include <string_view>
#include <vector>

#include "model/scope.hpp"
#include "store/internal/sql_tx.hpp"

namespace cg::store::internal {

// "col >= ?n [AND col < ?m]": the codes of the subtree under `prefix`; its parameters are
// appended to `params` (numbered after those already there).
std::string SubtreeSql(std::string_view col, std::string_view prefix, std::vector<SqlParam>& params);
// "(<subtree of code> OR col = ?a OR ...)": the units under `code` and the units above it (its
// code prefixes: city 4, district 6, street 9, community 12) — what a unit's residents see.
std::string AreaSql(std::string_view col, const std::string& code, std::vector<SqlParam>& params);
// The subtree a list covers: `under` when inside `scope` (else throws kNotFound "org unit not
// found", as for a unit that does not exist), the scope's own root when `under` is empty.
std::string ListRoot(const model::Scope& scope, const std::string& under);
// Fails with kNotFound "org unit not found" unless the unit `code` exists.
void RequireUnit(SqlTx& tx, const std::string& code);

}  // namespace cg::store::internal
