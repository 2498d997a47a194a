#pragma once
// The small SQL surface the base-data logic (store/base_store.cpp) is written against, so the
// same statements serve both backends. Statements use ?1..?N placeholders (rewritten to $N for
// PostgreSQL); every value is bound, never spliced. Private to src/store.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace cg::store::internal {

struct SqlParam {
  enum class Type { kNull, kInt, kText } type = Type::kNull;
  std::int64_t i = 0;
  std::string s;
  static SqlParam Null() { return {}; }
  static SqlParam Int(std::int64_t v) { return {Type::kInt, v, {}}; }
  static SqlParam Text(std::string v) { return {Type::kText, 0, std::move(v)}; }
};

using SqlRow = std::vector<std::optional<std::string>>;

class SqlTx {
 public:
  virtual ~SqlTx() = default;
  // Runs one statement and returns every result row as text (NULL as nullopt). Throws DbError.
  virtual std::vector<SqlRow> Run(const std::string& sql, const std::vector<SqlParam>& params) = 0;
  virtual bool postgres() const = 0;
  // Inserts `rows` (each with one value per column) into `table(columns)`. The default sends
  // multi-row INSERT statements through Run; SQLite overrides it with one reused prepared
  // statement. Throws DbError.
  virtual void InsertRows(const std::string& table, const std::vector<std::string>& columns,
                          const std::vector<std::vector<SqlParam>>& rows);
};

// "?3" -> "$3" (the statements contain no other '?').
std::string ToDollarParams(const std::string& sql);

}  // namespace cg::store::internal
