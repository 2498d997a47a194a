#include "store/internal/area_sql.hpp"

#include "store/internal/codec.hpp"
#include "store/internal/common.hpp"

namespace cg::store::internal {

std::string SubtreeSql(std::string_view col, std::string_view prefix, std::vector<SqlParam>& params) {
  const auto range = RangeOf(prefix);
  const std::string c(col);
  params.push_back(SqlParam::Text(range.lo));
  std::string sql = c + " >= ?" + std::to_string(params.size());
  if (!range.unbounded_hi) {
    params.push_back(SqlParam::Text(range.hi));
    sql += " AND " + c + " < ?" + std::to_string(params.size());
  }
  return sql;
}

std::string AreaSql(std::string_view col, const std::string& code, std::vector<SqlParam>& params) {
  std::string sql = "((" + SubtreeSql(col, code, params) + ")";
  for (std::size_t n : {4, 6, 9, 12}) {
    if (code.size() <= n) break;
    params.push_back(SqlParam::Text(code.substr(0, n)));
    sql += " OR " + std::string(col) + " = ?" + std::to_string(params.size());
  }
  return sql + ")";
}

void RequireUnit(SqlTx& tx, const std::string& code) {
  if (tx.Run("SELECT 1 FROM org_units WHERE code = ?1", {SqlParam::Text(code)}).empty()) {
    Fail(ErrorCode::kNotFound, "org unit not found");
  }
}

std::string ListRoot(const model::Scope& scope, const std::string& under) {
  if (under.empty()) return scope.root_code();
  if (!scope.Contains(under)) Fail(ErrorCode::kNotFound, "org unit not found");
  return under;
}

}  // namespace cg::store::internal
