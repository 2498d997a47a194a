#pragma once
// SQLite side of the base-data store: the SqlTx adapter over one connection. Private to
// src/store; the connection type lives in sqlite_store.cpp, so this header only declares the
// statement runner it needs.

#include <sqlite3.h>

#include <functional>

#include "store/internal/sql_tx.hpp"

namespace cg::store::sqlite {

// Runs one statement (prepared from scratch; the base-data statements vary with the filters)
// and returns all rows as text. Throws internal::DbError.
std::vector<internal::SqlRow> RunSqlite(sqlite3* db, const std::string& sql,
                                        const std::vector<internal::SqlParam>& params);

class SqliteSqlTx final : public internal::SqlTx {
 public:
  explicit SqliteSqlTx(sqlite3* db) : db_(db) {}
  std::vector<internal::SqlRow> Run(const std::string& sql,
                                    const std::vector<internal::SqlParam>& params) override {
    return RunSqlite(db_, sql, params);
  }
  bool postgres() const override { return false; }
  void InsertRows(const std::string& table, const std::vector<std::string>& columns,
                  const std::vector<std::vector<internal::SqlParam>>& rows) override;

 private:
  sqlite3* db_;
};

}  // namespace cg::store::sqlite
