#include "store/sqlite/sqlite_store.hpp"

#include <sqlite3.h>

#include <chrono>
#include <filesystem>
#include <condition_variable>
#include <mutex>
#include <new>
#include <unordered_map>
#include <vector>

#include "geo/wkb.hpp"
#include "store/internal/common.hpp"
#include "store/internal/pool.hpp"
#include "store/internal/migrations.hpp"
#include "store/internal/process.hpp"
#include "store/sqlite/sqlite_base.hpp"

#include "store/sqlite/sqlite_cases.hpp"
#include "store/sqlite/sqlite_conn.hpp"

namespace cg::store::sqlite {

namespace {

using internal::DbError;
using internal::Fail;

std::int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

const std::string kCols =
    "code, kind, parent_code, name, geometry, center_lon, center_lat, bbox_min_lon, "
    "bbox_min_lat, bbox_max_lon, bbox_max_lat";
const std::string kColsNoGeom =
    "code, kind, parent_code, name, NULL, center_lon, center_lat, bbox_min_lon, "
    "bbox_min_lat, bbox_max_lon, bbox_max_lat";
const std::string& Cols(bool with_geometry) { return with_geometry ? kCols : kColsNoGeom; }

model::OrgUnit ReadUnit(Query& q) {
  model::OrgUnit u;
  u.code = q.GetText(0);
  auto kind = model::ParseOrgKind(q.GetText(1));
  if (!kind) Fail(ErrorCode::kInternal, "org unit " + u.code + " has unknown kind " + q.GetText(1));
  u.kind = *kind;
  if (!q.IsNull(2)) u.parent_code = q.GetText(2);
  u.name = q.GetText(3);
  if (!q.IsNull(4)) {
    auto geometry = geo::DecodeWkb(q.GetBlob(4));
    if (!geometry.ok()) {
      Fail(ErrorCode::kInternal, "org unit " + u.code + " has corrupt geometry: " + geometry.error().message);
    }
    u.geometry = std::move(geometry).value();
  }
  u.center = {q.GetDouble(5), q.GetDouble(6)};
  if (!q.IsNull(7)) {
    u.bbox.min_lon = q.GetDouble(7);
    u.bbox.min_lat = q.GetDouble(8);
    u.bbox.max_lon = q.GetDouble(9);
    u.bbox.max_lat = q.GetDouble(10);
  }
  return u;
}

const std::string kUserCols =
    "id, username, display_name, role, scope_code, password_hash, disabled, created_at";

model::User ReadUser(Query& q) {
  model::User u;
  u.id = q.GetInt(0);
  u.username = q.GetText(1);
  u.display_name = q.GetText(2);
  auto role = model::ParseRole(q.GetText(3));
  if (!role) Fail(ErrorCode::kInternal, "user " + u.username + " has unknown role");
  u.role = *role;
  u.scope_code = q.GetText(4);
  u.password_hash = q.GetText(5);
  u.disabled = q.GetInt(6) != 0;
  u.created_at = q.GetInt(7);
  return u;
}

class SqliteStore final : public Store {
 public:
  explicit SqliteStore(const std::string& path)
      : path_(path),
        writer_(path), readers_(kMaxReaders, [path] {
          auto conn = std::make_unique<Conn>(path);
          conn->Exec("PRAGMA query_only=ON");
          return conn;
        }),
        cases_(OpenSqliteCaseStore(path)) {}

  CaseStore& Cases() override { return *cases_; }

  Result<std::string> ServerInfo() override { return std::string("SQLite ") + sqlite3_libversion(); }

  Status BackupTo(const std::string& path) override {
    if (auto created = internal::CreatePrivateFile(path); !created.ok()) return created;
    return Guard([&]() -> Status {
      Conn c(path_);  // its own connection: VACUUM INTO reads one snapshot, writers go on
      try {
        RunSqlite(c.db(), "VACUUM INTO ?1", {internal::SqlParam::Text(path)});
      } catch (const DbError& e) {
        std::error_code ec;
        std::filesystem::remove(path, ec);
        return MakeError(ErrorCode::kUnavailable, "backup failed: " + e.error.message);
      }
      return {};
    });
  }

  Status Migrate() override {
    return Guard([&]() -> Status {
      std::lock_guard lock(write_mu_);
      writer_.Exec(
          "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
          "applied_at INTEGER NOT NULL)");
      for (const auto& m : internal::Migrations()) {
        Tx tx(writer_, "BEGIN IMMEDIATE");  // serialises concurrent migrators across processes
        bool applied;
        {
          Query q(writer_, "SELECT 1 FROM schema_migrations WHERE version = ?1");
          q.Int(1, m.version);
          applied = q.Step();
        }
        if (applied) continue;
        writer_.Exec(m.sqlite_sql);
        Query ins(writer_, "INSERT INTO schema_migrations(version, applied_at) VALUES (?1, ?2)");
        ins.Int(1, m.version).Int(2, NowMs()).Run();
        tx.Commit();
      }
      return {};
    });
  }

  Result<int> SchemaVersion() override {
    return Guard([&]() -> Result<int> {
      auto lease = readers_.Acquire();
      Conn& c = *lease;
      {
        Query q(c, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'");
        if (!q.Step()) return 0;
      }
      Query q(c, "SELECT coalesce(max(version), 0) FROM schema_migrations");
      q.Step();
      return static_cast<int>(q.GetInt(0));
    });
  }

  std::string Backend() const override { return "sqlite"; }


  Result<std::pair<Pragmas, Pragmas>> Inspect() {
    return Guard([&]() -> Result<std::pair<Pragmas, Pragmas>> {
      std::pair<Pragmas, Pragmas> out;
      {
        std::lock_guard lock(write_mu_);
        out.first = Read(writer_);
      }
      auto lease = readers_.Acquire();
      out.second = Read(*lease);
      return out;
    });
  }

  Status UpsertOrgUnits(const std::vector<model::OrgUnit>& units) override {
    for (const auto& u : units) CG_RETURN_IF_ERROR(internal::ValidateUnit(u));
    return Guard([&]() -> Status {
      std::lock_guard lock(write_mu_);
      Tx tx(writer_, "BEGIN IMMEDIATE");
      const std::string sql =
          "INSERT INTO org_units(" + kCols +
          ", level) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12) "
          "ON CONFLICT(code) DO UPDATE SET kind = excluded.kind, parent_code = "
          "excluded.parent_code, name = excluded.name, geometry = excluded.geometry, "
          "center_lon = excluded.center_lon, center_lat = excluded.center_lat, "
          "bbox_min_lon = excluded.bbox_min_lon, bbox_min_lat = excluded.bbox_min_lat, "
          "bbox_max_lon = excluded.bbox_max_lon, bbox_max_lat = excluded.bbox_max_lat, "
          "level = excluded.level";
      for (const auto& u : units) {
        Query q(writer_, sql);
        q.Text(1, u.code).Text(2, model::OrgKindName(u.kind));
        if (u.parent_code.empty()) q.Null(3); else q.Text(3, u.parent_code);
        q.Text(4, u.name).Blob(5, internal::GeometryBytes(u.geometry));
        q.Double(6, u.center.lon).Double(7, u.center.lat);
        if (u.bbox.Empty()) {
          q.Null(8).Null(9).Null(10).Null(11);
        } else {
          q.Double(8, u.bbox.min_lon).Double(9, u.bbox.min_lat);
          q.Double(10, u.bbox.max_lon).Double(11, u.bbox.max_lat);
        }
        q.Int(12, model::LevelOf(u.kind));
        q.Run();
      }
      try {
        tx.Commit();
      } catch (const DbError& e) {
        if (e.error.code == ErrorCode::kInvalid) {
          Fail(ErrorCode::kInvalid, "org units refer to a parent_code that does not exist");
        }
        throw;
      }
      return {};
    });
  }

  Result<model::OrgUnit> GetOrgUnit(const model::Scope& scope, const std::string& code,
                                    bool with_geometry) override {
    if (!scope.Contains(code)) return NotFound(code);
    return Guard([&]() -> Result<model::OrgUnit> {
      auto lease = readers_.Acquire();
      Query q(*lease, "SELECT " + Cols(with_geometry) + " FROM org_units WHERE code = ?1");
      q.Text(1, code);
      if (!q.Step()) return NotFound(code);
      return ReadUnit(q);
    });
  }

  Result<Slice<model::OrgUnit>> ListChildren(const model::Scope& scope, const std::string& code,
                                             bool with_geometry, Page page) override {
    CG_RETURN_IF_ERROR(internal::ValidatePage(page));
    if (!scope.Contains(code)) return NotFound(code);
    return Guard([&]() -> Result<Slice<model::OrgUnit>> {
      auto lease = readers_.Acquire();
      Conn& c = *lease;
      Tx tx(c, "BEGIN");
      if (!Exists(c, code)) return NotFound(code);
      auto range = internal::RangeOf(scope.root_code());
      const std::string where = " FROM org_units WHERE parent_code = ?1 AND code >= ?2 AND code < ?3";
      Slice<model::OrgUnit> out;
      {
        Query q(c, "SELECT count(*)" + where);
        q.Text(1, code).Text(2, range.lo).UpperBound(3, range);
        q.Step();
        out.total = q.GetInt(0);
      }
      Query q(c, "SELECT " + Cols(with_geometry) + where + " ORDER BY code LIMIT ?4 OFFSET ?5");
      q.Text(1, code).Text(2, range.lo).UpperBound(3, range).Int(4, page.limit).Int(5, page.offset);
      while (q.Step()) out.items.push_back(ReadUnit(q));
      return out;
    });
  }

  Result<Slice<model::OrgUnit>> ListDescendants(const model::Scope& scope, const std::string& code,
                                                model::OrgKind kind, bool with_geometry,
                                                Page page) override {
    CG_RETURN_IF_ERROR(internal::ValidatePage(page));
    if (!scope.Contains(code)) return NotFound(code);
    return Guard([&]() -> Result<Slice<model::OrgUnit>> {
      auto lease = readers_.Acquire();
      Conn& c = *lease;
      Tx tx(c, "BEGIN");
      if (!Exists(c, code)) return NotFound(code);
      // `code` is inside the scope, so everything under it is too.
      auto range = internal::RangeOf(code);
      const std::string where = " FROM org_units WHERE kind = ?1 AND code > ?2 AND code < ?3";
      Slice<model::OrgUnit> out;
      {
        Query q(c, "SELECT count(*)" + where);
        q.Text(1, model::OrgKindName(kind)).Text(2, code).UpperBound(3, range);
        q.Step();
        out.total = q.GetInt(0);
      }
      Query q(c, "SELECT " + Cols(with_geometry) + where + " ORDER BY code LIMIT ?4 OFFSET ?5");
      q.Text(1, model::OrgKindName(kind)).Text(2, code).UpperBound(3, range);
      q.Int(4, page.limit).Int(5, page.offset);
      while (q.Step()) out.items.push_back(ReadUnit(q));
      return out;
    });
  }

  Result<std::vector<model::OrgUnit>> ListAncestors(const model::Scope& scope,
                                                    const std::string& code) override {
    if (!scope.Contains(code)) return NotFound(code);
    return Guard([&]() -> Result<std::vector<model::OrgUnit>> {
      auto lease = readers_.Acquire();
      Conn& c = *lease;
      Tx tx(c, "BEGIN");
      std::string parent;
      {
        Query q(c, "SELECT parent_code FROM org_units WHERE code = ?1");
        q.Text(1, code);
        if (!q.Step()) return NotFound(code);
        if (q.IsNull(0)) return std::vector<model::OrgUnit>{};
        parent = q.GetText(0);
      }
      // Walks parent links upwards; the depth limit stops a corrupt cycle.
      Query q(c,
              "WITH RECURSIVE up(code, depth) AS (SELECT ?1, 0 UNION ALL "
              "SELECT o.parent_code, up.depth + 1 FROM org_units o JOIN up ON o.code = up.code "
              "WHERE o.parent_code IS NOT NULL AND up.depth < 32) "
              "SELECT " + kColsNoGeom + " FROM org_units JOIN up USING (code) ORDER BY up.depth DESC");
      q.Text(1, parent);
      std::vector<model::OrgUnit> out;
      while (q.Step()) out.push_back(ReadUnit(q));
      return out;
    });
  }

  Result<std::vector<std::int64_t>> CountChildren(const model::Scope& scope,
                                                  const std::vector<std::string>& codes) override {
    return Guard([&]() -> Result<std::vector<std::int64_t>> {
      auto lease = readers_.Acquire();
      Conn& c = *lease;
      Tx tx(c, "BEGIN");
      auto range = internal::RangeOf(scope.root_code());
      std::vector<std::int64_t> out;
      out.reserve(codes.size());
      for (const auto& code : codes) {
        if (!scope.Contains(code)) {
          out.push_back(0);
          continue;
        }
        Query q(c, "SELECT count(*) FROM org_units WHERE parent_code = ?1 AND code >= ?2 AND code < ?3");
        q.Text(1, code).Text(2, range.lo).UpperBound(3, range);
        q.Step();
        out.push_back(q.GetInt(0));
      }
      return out;
    });
  }

  Result<std::vector<model::OrgUnit>> ListByKind(const model::Scope& scope,
                                                 model::OrgKind kind) override {
    return Guard([&]() -> Result<std::vector<model::OrgUnit>> {
      auto lease = readers_.Acquire();
      auto range = internal::RangeOf(scope.root_code());
      Query q(*lease, "SELECT " + kCols +
                          " FROM org_units WHERE kind = ?1 AND code >= ?2 AND code < ?3 ORDER BY code");
      q.Text(1, model::OrgKindName(kind)).Text(2, range.lo).UpperBound(3, range);
      std::vector<model::OrgUnit> out;
      while (q.Step()) out.push_back(ReadUnit(q));
      return out;
    });
  }

  Result<model::User> CreateUser(const model::User& user) override {
    CG_RETURN_IF_ERROR(internal::ValidateUser(user));
    return Guard([&]() -> Result<model::User> {
      std::lock_guard lock(write_mu_);
      Query q(writer_,
              "INSERT INTO users(username, display_name, role, scope_code, password_hash, "
              "disabled, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
      q.Text(1, user.username).Text(2, user.display_name).Text(3, model::RoleName(user.role));
      q.Text(4, user.scope_code).Text(5, user.password_hash).Int(6, user.disabled ? 1 : 0);
      q.Int(7, user.created_at);
      try {
        q.Run();
      } catch (const DbError& e) {
        if (e.error.code == ErrorCode::kConflict) {
          return MakeError(ErrorCode::kConflict, "username is already taken");
        }
        throw;
      }
      model::User out = user;
      out.id = sqlite3_last_insert_rowid(writer_.db());
      return out;
    });
  }

  Result<model::User> FindUserByUsername(const std::string& username) override {
    return Guard([&]() -> Result<model::User> {
      auto lease = readers_.Acquire();
      Query q(*lease, "SELECT " + kUserCols + " FROM users WHERE username = ?1");
      q.Text(1, username);
      if (!q.Step()) return MakeError(ErrorCode::kNotFound, "no such user");
      return ReadUser(q);
    });
  }

  Result<model::User> GetUser(std::int64_t id) override {
    return Guard([&]() -> Result<model::User> {
      auto lease = readers_.Acquire();
      Query q(*lease, "SELECT " + kUserCols + " FROM users WHERE id = ?1");
      q.Int(1, id);
      if (!q.Step()) return MakeError(ErrorCode::kNotFound, "no such user");
      return ReadUser(q);
    });
  }

  Status SetUserPassword(std::int64_t id, const std::string& password_hash) override {
    return Write("UPDATE users SET password_hash = ?2 WHERE id = ?1", "no such user",
                 [&](Query& q) { q.Int(1, id).Text(2, password_hash); });
  }

  Status CreateSession(const Session& s) override {
    return Guard([&]() -> Status {
      std::lock_guard lock(write_mu_);
      Query q(writer_,
              "INSERT INTO sessions(token_hash, user_id, csrf_token, created_at, last_seen_at) "
              "VALUES (?1, ?2, ?3, ?4, ?5)");
      q.Text(1, s.token_hash).Int(2, s.user_id).Text(3, s.csrf_token);
      q.Int(4, s.created_at).Int(5, s.last_seen_at);
      try {
        q.Run();
      } catch (const DbError& e) {
        if (e.error.code == ErrorCode::kConflict) return MakeError(ErrorCode::kConflict, "session exists");
        if (e.error.code == ErrorCode::kInvalid) return MakeError(ErrorCode::kInvalid, "no such user");
        throw;
      }
      return {};
    });
  }

  Result<Session> GetSession(const std::string& token_hash) override {
    return Guard([&]() -> Result<Session> {
      auto lease = readers_.Acquire();
      Query q(*lease,
              "SELECT token_hash, user_id, csrf_token, created_at, last_seen_at FROM sessions "
              "WHERE token_hash = ?1");
      q.Text(1, token_hash);
      if (!q.Step()) return MakeError(ErrorCode::kNotFound, "no such session");
      Session s;
      s.token_hash = q.GetText(0);
      s.user_id = q.GetInt(1);
      s.csrf_token = q.GetText(2);
      s.created_at = q.GetInt(3);
      s.last_seen_at = q.GetInt(4);
      return s;
    });
  }

  Status TouchSession(const std::string& token_hash, Timestamp at) override {
    return Write("UPDATE sessions SET last_seen_at = max(last_seen_at, ?2) WHERE token_hash = ?1",
                 "no such session", [&](Query& q) { q.Text(1, token_hash).Int(2, at); });
  }

  Status DeleteSession(const std::string& token_hash) override {
    return Guard([&]() -> Status {
      std::lock_guard lock(write_mu_);
      Query q(writer_, "DELETE FROM sessions WHERE token_hash = ?1");
      q.Text(1, token_hash).Run();
      return {};
    });
  }

  Result<std::int64_t> DeleteExpiredSessions(Timestamp idle_cutoff, Timestamp absolute_cutoff) override {
    return Guard([&]() -> Result<std::int64_t> {
      std::lock_guard lock(write_mu_);
      Query q(writer_, "DELETE FROM sessions WHERE last_seen_at < ?1 OR created_at < ?2");
      q.Int(1, idle_cutoff).Int(2, absolute_cutoff).Run();
      return static_cast<std::int64_t>(sqlite3_changes64(writer_.db()));
    });
  }

  Status CheckIntegrity() override {
    return Guard([&]() -> Status {
      auto lease = readers_.Acquire();
      Conn& c = *lease;
      std::string problems;
      {
        Query q(c, "PRAGMA integrity_check");
        while (q.Step()) {
          std::string line = q.GetText(0);
          if (line != "ok") problems += line + "; ";
        }
      }
      {
        Query q(c, "PRAGMA foreign_key_check");
        while (q.Step()) {
          problems += "foreign key violation in " + q.GetText(0) + " row " +
                      std::to_string(q.GetInt(1)) + "; ";
        }
      }
      {
        Query q(c, internal::kCasesWithoutFirstEvent);
        while (q.Step()) problems += "case " + q.GetText(0) + " has no first timeline entry; ";
      }
      {
        Query q(c, internal::kCasesWithWrongQueueRows);
        while (q.Step()) problems += "case " + q.GetText(0) + " has wrong queue rows; ";
      }
      {
        Query q(c,
                "SELECT code FROM case_scope_counts k WHERE n <> (SELECT count(*) FROM case_scope s "
                "WHERE s.code = k.code) UNION ALL SELECT DISTINCT code FROM case_scope s WHERE NOT EXISTS "
                "(SELECT 1 FROM case_scope_counts k WHERE k.code = s.code) LIMIT 100");
        while (q.Step()) problems += "queue count of " + q.GetText(0) + " is wrong; ";
      }
      if (!problems.empty()) return MakeError(ErrorCode::kInternal, "integrity check failed: " + problems);
      return {};
    });
  }

 protected:
  // Base data (store/base_store.cpp): writes on the single writer, reads on a pooled reader.
  void RunBaseTx(bool write, const std::function<void(internal::SqlTx&)>& body) override {
    if (write) {
      std::lock_guard lock(write_mu_);
      Tx tx(writer_, "BEGIN IMMEDIATE");
      SqliteSqlTx sql(writer_.db());
      body(sql);
      tx.Commit();
    } else {
      auto lease = readers_.Acquire();
      Tx tx(*lease, "BEGIN");
      SqliteSqlTx sql(lease->db());
      body(sql);
    }
  }

 private:
  static Error NotFound(const std::string& code) {
    return MakeError(ErrorCode::kNotFound, "org unit not found");
  }

  static Pragmas Read(Conn& c) {
    Pragmas p;
    auto one = [&](const char* sql, auto&& take) {
      Query q(c, sql);
      if (q.Step()) take(q);
    };
    one("PRAGMA journal_mode", [&](Query& q) { p.journal_mode = q.GetText(0); });
    one("PRAGMA synchronous", [&](Query& q) { p.synchronous = q.GetInt(0); });
    one("PRAGMA foreign_keys", [&](Query& q) { p.foreign_keys = q.GetInt(0); });
    one("PRAGMA busy_timeout", [&](Query& q) { p.busy_timeout = q.GetInt(0); });
    return p;
  }

  static bool Exists(Conn& c, const std::string& code) {
    Query q(c, "SELECT 1 FROM org_units WHERE code = ?1");
    q.Text(1, code);
    return q.Step();
  }

  // Runs one single-row UPDATE on the writer; kNotFound with `missing` if no row changed.
  template <class BindFn>
  Status Write(const std::string& sql, const char* missing, BindFn&& bind) {
    return Guard([&]() -> Status {
      std::lock_guard lock(write_mu_);
      Query q(writer_, sql);
      bind(q);
      q.Run();
      if (sqlite3_changes64(writer_.db()) == 0) return MakeError(ErrorCode::kNotFound, missing);
      return {};
    });
  }

  std::mutex write_mu_;  // guards writer_ and its statement cache
  std::string path_;
  Conn writer_;
  ReaderPool readers_;
  std::unique_ptr<CaseStore> cases_;
};

}  // namespace

Result<std::pair<Pragmas, Pragmas>> InspectPragmas(Store& store) {
  auto* sqlite = dynamic_cast<SqliteStore*>(&store);
  if (!sqlite) return MakeError(ErrorCode::kInvalid, "not a SQLite store");
  return sqlite->Inspect();
}

Result<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path) {
  try {
    return std::unique_ptr<Store>(std::make_unique<SqliteStore>(path));
  } catch (const DbError& e) {
    return e.error;
  }
}

}  // namespace cg::store::sqlite
