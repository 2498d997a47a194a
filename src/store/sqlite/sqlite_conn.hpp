#pragma once
// The SQLite connection helpers shared by the backend's parts (sqlite_store.cpp, sqlite_cases.cpp):
// a connection with a statement cache, bound queries, transactions and the error guard.
// Private to src/store.

#include <sqlite3.h>

#include <cstdint>
#include <new>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "store/internal/common.hpp"
#include "store/internal/pool.hpp"

namespace cg::store::sqlite {

using internal::DbError;
using internal::Fail;

inline constexpr int kBusyTimeoutMs = 5000;
inline constexpr size_t kMaxReaders = 4;
inline constexpr int kCacheKib = 16 * 1024;  // page cache per connection, grown on demand
inline constexpr int kWalCheckpointPages = 10000;  // of 4 KiB

inline ErrorCode CodeFor(int extended_rc) {
  switch (extended_rc) {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY:
      return ErrorCode::kConflict;
    case SQLITE_CONSTRAINT_FOREIGNKEY:
    case SQLITE_CONSTRAINT_NOTNULL:
    case SQLITE_CONSTRAINT_CHECK:
      return ErrorCode::kInvalid;
    default:
      break;
  }
  switch (extended_rc & 0xFF) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_CANTOPEN:
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_READONLY:
      return ErrorCode::kUnavailable;
    case SQLITE_CONSTRAINT:
      return ErrorCode::kConflict;
    default:
      return ErrorCode::kInternal;
  }
}

// One connection with its cache of prepared statements. Used by one thread at a time.
class Conn {
 public:
  explicit Conn(const std::string& path) {
    int rc = sqlite3_open_v2(path.c_str(), &db_,
                             SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
    if (rc != SQLITE_OK) {
      std::string msg = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
      sqlite3_close(db_);
      db_ = nullptr;
      Fail(ErrorCode::kUnavailable, "cannot open SQLite database " + path + ": " + msg);
    }
    sqlite3_extended_result_codes(db_, 1);
    sqlite3_busy_timeout(db_, kBusyTimeoutMs);
    Exec("PRAGMA foreign_keys=ON");
    Exec("PRAGMA journal_mode=WAL");
    Exec("PRAGMA synchronous=FULL");
    // 16 MiB of page cache instead of the default 2: intake writes into several indexes at
    // random places (public ids, the queue index) and re-read every page it left the cache.
    Exec("PRAGMA cache_size=-" + std::to_string(kCacheKib));
    // Checkpoint (copy the WAL into the database, fsync it) every ~40 MB of WAL instead of every
    // 4 MB: the writer runs it inside its commit, so a small interval stalled the intake queue
    // every few batches and re-copied the same hot pages (index roots, queue counts) each time.
    Exec("PRAGMA wal_autocheckpoint=" + std::to_string(kWalCheckpointPages));
  }
  ~Conn() {
    for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
    sqlite3_close(db_);
  }
  Conn(const Conn&) = delete;
  Conn& operator=(const Conn&) = delete;

  sqlite3* db() { return db_; }

  [[noreturn]] void Throw(int rc, std::string_view what) {
    int ext = sqlite3_extended_errcode(db_);
    if ((ext & 0xFF) != (rc & 0xFF)) ext = rc;
    Fail(CodeFor(ext), std::string(what) + ": " + sqlite3_errmsg(db_));
  }

  // Runs constant SQL (no parameters); throws on failure.
  void Exec(std::string_view sql) {
    char* err = nullptr;
    std::string text(sql);
    int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &err);
    if (rc != SQLITE_OK) {
      std::string msg = err ? err : sqlite3_errstr(rc);
      sqlite3_free(err);
      int ext = sqlite3_extended_errcode(db_);
      Fail(CodeFor(ext), "sqlite: " + msg);
    }
  }

  // Runs constant SQL without results through the statement cache (BEGIN, COMMIT, ...: no
  // parsing per call); throws on failure.
  void ExecCached(const std::string& sql) {
    sqlite3_stmt* stmt = Prepare(sql);
    int rc = sqlite3_step(stmt);
    sqlite3_reset(stmt);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW) Throw(rc, sql);
  }

  // The cached prepared statement for `sql`, reset and with bindings cleared.
  sqlite3_stmt* Prepare(const std::string& sql) {
    auto it = cache_.find(sql);
    if (it != cache_.end()) return it->second;
    sqlite3_stmt* stmt = nullptr;
    int rc = sqlite3_prepare_v3(db_, sql.c_str(), static_cast<int>(sql.size()),
                                SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
    if (rc != SQLITE_OK) Throw(rc, "prepare");
    cache_.emplace(sql, stmt);
    return stmt;
  }

 private:
  sqlite3* db_ = nullptr;
  std::unordered_map<std::string, sqlite3_stmt*> cache_;
};

// A cached statement in use: binds values by position and resets itself when done.
class Query {
 public:
  Query(Conn& conn, const std::string& sql) : conn_(conn), stmt_(conn.Prepare(sql)) {}
  ~Query() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
  Query(const Query&) = delete;
  Query& operator=(const Query&) = delete;

  Query& Text(int i, std::string_view v) {
    Check(sqlite3_bind_text64(stmt_, i, v.data(), v.size(), SQLITE_TRANSIENT, SQLITE_UTF8));
    return *this;
  }
  Query& Int(int i, std::int64_t v) {
    Check(sqlite3_bind_int64(stmt_, i, v));
    return *this;
  }
  Query& Double(int i, double v) {
    Check(sqlite3_bind_double(stmt_, i, v));
    return *this;
  }
  Query& Null(int i) {
    Check(sqlite3_bind_null(stmt_, i));
    return *this;
  }
  Query& Blob(int i, const std::optional<std::string>& v) {
    if (!v) return Null(i);
    Check(sqlite3_bind_blob64(stmt_, i, v->data(), v->size(), SQLITE_TRANSIENT));
    return *this;
  }
  // Binds bytes without copying: `v` must stay alive until the statement has run.
  Query& BlobView(int i, std::string_view v) {
    Check(sqlite3_bind_blob64(stmt_, i, v.data(), v.size(), SQLITE_STATIC));
    return *this;
  }
  // Upper bound of a code range: bound as text, or, if unbounded, as an empty BLOB, which sorts
  // after every TEXT value in SQLite.
  Query& UpperBound(int i, const internal::CodeRange& r) {
    if (!r.unbounded_hi) return Text(i, r.hi);
    Check(sqlite3_bind_zeroblob(stmt_, i, 0));
    return *this;
  }

  // True if a row is available, false when done; throws on error.
  bool Step() {
    int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    conn_.Throw(rc, "step");
  }
  void Run() {
    while (Step()) {
    }
  }

  bool IsNull(int c) { return sqlite3_column_type(stmt_, c) == SQLITE_NULL; }
  std::int64_t GetInt(int c) { return sqlite3_column_int64(stmt_, c); }
  double GetDouble(int c) { return sqlite3_column_double(stmt_, c); }
  std::string GetText(int c) {
    const unsigned char* p = sqlite3_column_text(stmt_, c);
    int n = sqlite3_column_bytes(stmt_, c);
    return p ? std::string(reinterpret_cast<const char*>(p), n) : std::string();
  }
  std::string GetBlob(int c) {
    const void* p = sqlite3_column_blob(stmt_, c);
    int n = sqlite3_column_bytes(stmt_, c);
    return p ? std::string(static_cast<const char*>(p), n) : std::string();
  }

 private:
  void Check(int rc) {
    if (rc != SQLITE_OK) conn_.Throw(rc, "bind");
  }
  Conn& conn_;
  sqlite3_stmt* stmt_;
};

// A transaction that rolls back unless committed.
class Tx {
 public:
  Tx(Conn& conn, const char* begin) : conn_(conn) { conn_.ExecCached(begin); }
  ~Tx() {
    if (done_) return;
    try {
      conn_.ExecCached("ROLLBACK");
    } catch (const DbError&) {  // nothing left to roll back (SQLite already did)
    }
  }
  void Commit() {
    conn_.ExecCached("COMMIT");
    done_ = true;
  }

 private:
  Conn& conn_;
  bool done_ = false;
};

// Read connections, opened on demand up to kMaxReaders; WAL lets them read while one writes.
using ReaderPool = internal::ConnectionPool<Conn>;

template <class F>
auto Guard(F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const DbError& e) {
    return e.error;
  } catch (const std::bad_alloc&) {
    return MakeError(ErrorCode::kInternal, "out of memory");
  }
}


}  // namespace cg::store::sqlite
