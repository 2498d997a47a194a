#pragma once
// Appends one entry to the hash-chained audit log inside a running transaction, so an audited
// write and its audit row commit together (base_store.cpp). Private to src/store.
#include "store/base_store.hpp"
#include "store/internal/sql_tx.hpp"

namespace cg::store::internal {

// Sets e.seq, e.prev_hash and e.hash and inserts the row. Throws DbError.
void AppendAuditIn(SqlTx& tx, AuditEntry& e);

}  // namespace cg::store::internal
