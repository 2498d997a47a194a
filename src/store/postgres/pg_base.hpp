#pragma once
// PostgreSQL side of the base-data store: one transaction runner for store/base_store.cpp.
// Private to src/store.

#include <functional>
#include <pqxx/pqxx>

#include "store/internal/sql_tx.hpp"

namespace cg::store::postgres {

// Runs `body` in a transaction on `conn` and commits (write: read-committed, serialised by an
// advisory lock so change-log seq order is commit order; read: repeatable-read, read-only).
// libpqxx errors become internal::DbError.
void RunPgBaseTx(pqxx::connection& conn, bool write, const std::function<void(internal::SqlTx&)>& body);

}  // namespace cg::store::postgres
