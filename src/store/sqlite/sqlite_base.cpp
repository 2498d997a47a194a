#include "store/sqlite/sqlite_base.hpp"

#include "store/internal/common.hpp"

namespace cg::store::sqlite {
namespace {

[[noreturn]] void Throw(sqlite3* db, int rc, const char* what) {
  int ext = sqlite3_extended_errcode(db);
  ErrorCode code = ErrorCode::kInternal;
  if (ext == SQLITE_CONSTRAINT_UNIQUE || ext == SQLITE_CONSTRAINT_PRIMARYKEY) code = ErrorCode::kConflict;
  else if ((ext & 0xFF) == SQLITE_CONSTRAINT) code = ErrorCode::kInvalid;
  else if ((rc & 0xFF) == SQLITE_BUSY || (rc & 0xFF) == SQLITE_LOCKED || (rc & 0xFF) == SQLITE_IOERR ||
           (rc & 0xFF) == SQLITE_FULL)
    code = ErrorCode::kUnavailable;
  internal::Fail(code, std::string(what) + ": " + sqlite3_errmsg(db));
}

struct Finalizer {
  sqlite3_stmt* stmt;
  ~Finalizer() { sqlite3_finalize(stmt); }
};

void Bind(sqlite3* db, sqlite3_stmt* stmt, const std::vector<internal::SqlParam>& params) {
  for (std::size_t i = 0; i < params.size(); ++i) {
    const auto& p = params[i];
    int idx = static_cast<int>(i + 1);
    int rc = SQLITE_OK;
    switch (p.type) {
      case internal::SqlParam::Type::kNull: rc = sqlite3_bind_null(stmt, idx); break;
      case internal::SqlParam::Type::kInt: rc = sqlite3_bind_int64(stmt, idx, p.i); break;
      case internal::SqlParam::Type::kText:
        rc = sqlite3_bind_text64(stmt, idx, p.s.data(), p.s.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
        break;
    }
    if (rc != SQLITE_OK) Throw(db, rc, "bind");
  }
}

}  // namespace

void SqliteSqlTx::InsertRows(const std::string& table, const std::vector<std::string>& columns,
                             const std::vector<std::vector<internal::SqlParam>>& rows) {
  if (rows.empty()) return;
  std::string sql = "INSERT INTO " + table + "(";
  std::string values;
  for (std::size_t i = 0; i < columns.size(); ++i) {
    sql += (i ? ", " : "") + columns[i];
    values += (i ? ", ?" : "?") + std::to_string(i + 1);
  }
  sql += ") VALUES (" + values + ")";
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v2(db_, sql.c_str(), static_cast<int>(sql.size()), &stmt, nullptr);
  if (rc != SQLITE_OK) Throw(db_, rc, "prepare");
  Finalizer guard{stmt};
  for (const auto& row : rows) {
    Bind(db_, stmt, row);
    rc = sqlite3_step(stmt);
    if (rc != SQLITE_DONE) Throw(db_, rc, "step");
    sqlite3_reset(stmt);
  }
}

std::vector<internal::SqlRow> RunSqlite(sqlite3* db, const std::string& sql,
                                        const std::vector<internal::SqlParam>& params) {
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v2(db, sql.c_str(), static_cast<int>(sql.size()), &stmt, nullptr);
  if (rc != SQLITE_OK) Throw(db, rc, "prepare");
  Finalizer guard{stmt};
  Bind(db, stmt, params);
  std::vector<internal::SqlRow> rows;
  while (true) {
    rc = sqlite3_step(stmt);
    if (rc == SQLITE_DONE) break;
    if (rc != SQLITE_ROW) Throw(db, rc, "step");
    internal::SqlRow row;
    int n = sqlite3_column_count(stmt);
    for (int c = 0; c < n; ++c) {
      if (sqlite3_column_type(stmt, c) == SQLITE_NULL) {
        row.emplace_back(std::nullopt);
      } else {
        const unsigned char* t = sqlite3_column_text(stmt, c);
        row.emplace_back(std::string(reinterpret_cast<const char*>(t), sqlite3_column_bytes(stmt, c)));
      }
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace cg::store::sqlite
