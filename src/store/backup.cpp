// Restoring a Store::BackupTo copy into an empty database (docs/operations.md, "Backup and
// restore"). The copy itself is made by each backend's BackupTo.
#include <sqlite3.h>

#include <fcntl.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <pqxx/pqxx>

#include "store/internal/codec.hpp"
#include "store/internal/migrations.hpp"
#include "store/internal/process.hpp"
#include "store/internal/sql_tx.hpp"
#include "store/store.hpp"

namespace cg::store {
namespace {

namespace fs = std::filesystem;

Status FsyncPath(const fs::path& p, bool directory) {
  int fd = ::open(p.c_str(), (directory ? O_RDONLY | O_DIRECTORY : O_RDONLY) | O_CLOEXEC);
  if (fd < 0) return MakeError(ErrorCode::kUnavailable, "cannot open " + p.string());
  int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) return MakeError(ErrorCode::kUnavailable, "fsync " + p.string() + " failed");
  return {};
}

// The SQLite file `path` opened read-only passes integrity_check and has a schema_migrations table.
Status CheckSqliteFile(const std::string& path) {
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
  Status result;
  auto one = [&](const char* sql, std::string& out) {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db, sql, -1, &st, nullptr) != SQLITE_OK) return false;
    bool ok = true;
    out.clear();
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
      const unsigned char* t = sqlite3_column_text(st, 0);
      if (!out.empty()) out += "; ";
      out += t ? reinterpret_cast<const char*>(t) : "";
    }
    if (rc != SQLITE_DONE) ok = false;
    sqlite3_finalize(st);
    return ok;
  };
  std::string text;
  if (rc != SQLITE_OK) {
    result = MakeError(ErrorCode::kInvalid, "the backup's database cannot be opened");
  } else if (!one("PRAGMA integrity_check", text) || text != "ok") {
    result = MakeError(ErrorCode::kInvalid, "the backup's database is damaged: " + (text.empty() ? "not a SQLite database" : text.substr(0, 300)));
  } else if (!one("SELECT count(*) FROM schema_migrations", text)) {
    result = MakeError(ErrorCode::kInvalid, "the backup's database is not a citygrid database (no schema_migrations)");
  }
  sqlite3_close(db);
  return result;
}

Status RestoreSqlite(const std::string& target, const std::string& payload) {
  std::error_code ec;
  if (fs::exists(target, ec) && fs::file_size(target, ec) > 0)
    return MakeError(ErrorCode::kConflict, "refusing to restore over " + target + ": it exists and is not empty");
  for (const char* suffix : {"-wal", "-shm"}) {
    if (fs::exists(target + suffix, ec))
      return MakeError(ErrorCode::kConflict, "refusing to restore: " + target + suffix + " exists");
  }
  if (auto s = CheckSqliteFile(payload); !s.ok()) return s;
  const fs::path tmp = target + ".restoring";
  fs::remove(tmp, ec);
  fs::copy_file(payload, tmp, ec);
  if (ec) return MakeError(ErrorCode::kUnavailable, "cannot write " + tmp.string() + ": " + ec.message());
  fs::permissions(tmp, fs::perms::owner_read | fs::perms::owner_write, ec);
  if (auto s = FsyncPath(tmp, false); !s.ok()) return s;
  fs::rename(tmp, target, ec);
  if (ec) return MakeError(ErrorCode::kUnavailable, "cannot move the restored database into place: " + ec.message());
  return FsyncPath(fs::path(target).parent_path().empty() ? fs::path(".") : fs::path(target).parent_path(), true);
}

Status RestorePostgres(const std::string& url, const std::string& payload) {
  try {
    pqxx::connection c(url);
    pqxx::nontransaction tx(c);
    // Tables other than PostGIS's own reference table mean the database is in use.
    auto n = tx.exec(
        "SELECT count(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema') "
        "AND tablename <> 'spatial_ref_sys'")[0][0].as<std::int64_t>();
    if (n > 0)
      return MakeError(ErrorCode::kConflict, "refusing to restore: the target database has " + std::to_string(n) +
                                                 " tables; restore into an empty database");
  } catch (const std::exception& e) {
    return MakeError(ErrorCode::kUnavailable, std::string("cannot reach the target database: ") + e.what());
  }
  auto listed = internal::RunProgram({"pg_restore", "--list", payload});
  if (!listed.ok()) return MakeError(ErrorCode::kInvalid, "the backup is not a pg_dump archive: " + listed.error().message);
  return internal::RunProgram({"pg_restore", "--no-owner", "--no-privileges", "--exit-on-error",
                               "--single-transaction", "--dbname=" + url, payload});
}

}  // namespace

int Store::LatestSchemaVersion() { return internal::Migrations().back().version; }

Result<Timestamp> BaseDataStore::LatestChangeAt() {
  return internal::Guard([&]() -> Result<Timestamp> {
    Timestamp at = 0;
    RunBaseTx(false, [&](internal::SqlTx& tx) {
      auto rows = tx.Run("SELECT at FROM change_log ORDER BY seq DESC LIMIT 1", {});
      at = rows.empty() ? 0 : internal::ToInt(rows[0][0]);
    });
    return at;
  });
}

Status RestoreDatabase(const std::string& url, const std::string& payload_path) {
  constexpr std::string_view kSqlite = "sqlite://";
  if (url.starts_with(kSqlite)) {
    std::string path = url.substr(kSqlite.size());
    if (path.empty()) return MakeError(ErrorCode::kInvalid, "sqlite:// URL has no file path");
    return RestoreSqlite(path, payload_path);
  }
  if (url.starts_with("postgresql://") || url.starts_with("postgres://")) return RestorePostgres(url, payload_path);
  return MakeError(ErrorCode::kInvalid, "unknown database URL scheme (expected sqlite://PATH or postgresql://...)");
}

}  // namespace cg::store
