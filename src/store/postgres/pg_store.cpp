#include "store/postgres/pg_store.hpp"

#include <chrono>
#include <filesystem>
#include <condition_variable>
#include <mutex>
#include <new>
#include <string_view>
#include <unordered_map>
#include <pqxx/pqxx>
#include <vector>

#include "geo/wkb.hpp"
#include "store/internal/common.hpp"
#include "store/internal/pool.hpp"
#include "store/internal/process.hpp"
#include "store/internal/migrations.hpp"
#include "store/postgres/pg_base.hpp"
#include "store/postgres/pg_cases.hpp"
#include "store/postgres/pg_guard.hpp"

namespace cg::store::postgres {

namespace {

using internal::DbError;
using internal::Fail;

constexpr size_t kMaxConnections = 4;
// Rows per multi-row upsert statement (12 parameters each; PostgreSQL allows 65535).
constexpr int kUpsertBatch = 200;
constexpr int kUnitParams = 12;

using ReadTx = pqxx::transaction<pqxx::repeatable_read, pqxx::read_only>;
using WriteTx = pqxx::work;

const std::string kCols =
    "code, kind, parent_code, name, geometry, center_lon, center_lat, bbox_min_lon, "
    "bbox_min_lat, bbox_max_lon, bbox_max_lat";
const std::string kColsNoGeom =
    "code, kind, parent_code, name, NULL::bytea, center_lon, center_lat, bbox_min_lon, "
    "bbox_min_lat, bbox_max_lon, bbox_max_lat";
const std::string kUserCols =
    "id, username, display_name, role, scope_code, password_hash, disabled, created_at";

// Every statement, prepared lazily by libpqxx on each connection's first use.
struct Statement {
  const char* name;
  std::string sql;
};

std::vector<Statement> Statements() {
  std::vector<Statement> s;
  for (bool geom : {true, false}) {
    const std::string& cols = geom ? kCols : kColsNoGeom;
    const std::string suffix = geom ? "_g" : "";
    // Names must outlive the vector: keep them in static storage.
    static const char* const kNames[] = {"get_unit_g", "get_unit", "children_g", "children",
                                         "descendants_g", "descendants"};
    int base = geom ? 0 : 1;
    s.push_back({kNames[base], "SELECT " + cols + " FROM org_units WHERE code = $1"});
    s.push_back({kNames[2 + base],
                 "SELECT " + cols +
                     " FROM org_units WHERE parent_code = $1 AND code >= $2 AND "
                     "($3::text IS NULL OR code < $3) ORDER BY code LIMIT $4 OFFSET $5"});
    s.push_back({kNames[4 + base], "SELECT " + cols +
                                       " FROM org_units WHERE kind = $1 AND code > $2 AND "
                                       "code < $3 ORDER BY code LIMIT $4 OFFSET $5"});
  }
  s.push_back({"count_children",
               "SELECT count(*) FROM org_units WHERE parent_code = $1 AND code >= $2 AND "
               "($3::text IS NULL OR code < $3)"});
  s.push_back({"count_descendants",
               "SELECT count(*) FROM org_units WHERE kind = $1 AND code > $2 AND code < $3"});
  s.push_back({"exists_unit", "SELECT parent_code FROM org_units WHERE code = $1"});
  s.push_back({"ancestors",
               "WITH RECURSIVE up(code, depth) AS (SELECT $1::text COLLATE \"C\", 0 UNION ALL "
               "SELECT o.parent_code, up.depth + 1 FROM org_units o JOIN up ON o.code = up.code "
               "WHERE o.parent_code IS NOT NULL AND up.depth < 32) "
               "SELECT " + kColsNoGeom +
                   " FROM org_units JOIN up USING (code) ORDER BY up.depth DESC"});
  s.push_back({"by_kind", "SELECT " + kCols +
                              " FROM org_units WHERE kind = $1 AND code >= $2 AND "
                              "($3::text IS NULL OR code < $3) ORDER BY code"});
  const std::string on_conflict =
      " ON CONFLICT (code) DO UPDATE SET kind = excluded.kind, parent_code = "
      "excluded.parent_code, name = excluded.name, geometry = excluded.geometry, "
      "center_lon = excluded.center_lon, center_lat = excluded.center_lat, "
      "bbox_min_lon = excluded.bbox_min_lon, bbox_min_lat = excluded.bbox_min_lat, "
      "bbox_max_lon = excluded.bbox_max_lon, bbox_max_lat = excluded.bbox_max_lat, "
      "level = excluded.level";
  s.push_back({"upsert_unit", "INSERT INTO org_units(" + kCols +
                                  ", level) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, "
                                  "$11, $12)" + on_conflict});
  // The same for kUpsertBatch rows per round trip, all parameters as text.
  std::string batch = "INSERT INTO org_units(" + kCols + ", level) VALUES ";
  for (int row = 0; row < kUpsertBatch; ++row) {
    int p = row * kUnitParams;
    auto arg = [&](int i, const char* type) {
      return "$" + std::to_string(p + i) + "::" + type;
    };
    batch += std::string(row ? ", (" : "(") + arg(1, "text") + ", " + arg(2, "text") + ", " +
             arg(3, "text") + ", " + arg(4, "text") + ", " + arg(5, "bytea") + ", " +
             arg(6, "float8") + ", " + arg(7, "float8") + ", " + arg(8, "float8") + ", " +
             arg(9, "float8") + ", " + arg(10, "float8") + ", " + arg(11, "float8") + ", " +
             arg(12, "integer") + ")";
  }
  s.push_back({"upsert_units_batch", batch + on_conflict});
  s.push_back({"create_user",
               "INSERT INTO users(username, display_name, role, scope_code, password_hash, "
               "disabled, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id"});
  s.push_back({"user_by_name", "SELECT " + kUserCols + " FROM users WHERE username = $1"});
  s.push_back({"user_by_id", "SELECT " + kUserCols + " FROM users WHERE id = $1"});
  s.push_back({"set_password", "UPDATE users SET password_hash = $2 WHERE id = $1"});
  s.push_back({"create_session",
               "INSERT INTO sessions(token_hash, user_id, csrf_token, created_at, last_seen_at) "
               "VALUES ($1, $2, $3, $4, $5)"});
  s.push_back({"get_session",
               "SELECT token_hash, user_id, csrf_token, created_at, last_seen_at FROM sessions "
               "WHERE token_hash = $1"});
  s.push_back({"touch_session",
               "UPDATE sessions SET last_seen_at = greatest(last_seen_at, $2) WHERE token_hash = $1"});
  s.push_back({"delete_session", "DELETE FROM sessions WHERE token_hash = $1"});
  s.push_back({"expire_sessions", "DELETE FROM sessions WHERE last_seen_at < $1 OR created_at < $2"});
  s.push_back({"migration_applied", "SELECT 1 FROM schema_migrations WHERE version = $1"});
  s.push_back({"record_migration",
               "INSERT INTO schema_migrations(version, applied_at) VALUES ($1, $2)"});
  return s;
}

// Connections, opened on demand up to kMaxConnections; a broken one is dropped on release.
using Pool = internal::ConnectionPool<pqxx::connection>;

std::int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

const char* UpperBound(const internal::CodeRange& r) {
  return r.unbounded_hi ? nullptr : r.hi.c_str();
}

model::OrgUnit ReadUnit(const pqxx::row& row) {
  model::OrgUnit u;
  u.code = row[0].as<std::string>();
  auto kind = model::ParseOrgKind(row[1].as<std::string>());
  if (!kind) Fail(ErrorCode::kInternal, "org unit " + u.code + " has an unknown kind");
  u.kind = *kind;
  if (!row[2].is_null()) u.parent_code = row[2].as<std::string>();
  u.name = row[3].as<std::string>();
  if (!row[4].is_null()) {
    pqxx::binarystring bytes(row[4]);
    auto geometry = geo::DecodeWkb(std::string_view(bytes.get(), bytes.size()));
    if (!geometry.ok()) {
      Fail(ErrorCode::kInternal, "org unit " + u.code + " has corrupt geometry: " + geometry.error().message);
    }
    u.geometry = std::move(geometry).value();
  }
  u.center = {row[5].as<double>(), row[6].as<double>()};
  if (!row[7].is_null()) {
    u.bbox.min_lon = row[7].as<double>();
    u.bbox.min_lat = row[8].as<double>();
    u.bbox.max_lon = row[9].as<double>();
    u.bbox.max_lat = row[10].as<double>();
  }
  return u;
}

model::User ReadUser(const pqxx::row& row) {
  model::User u;
  u.id = row[0].as<std::int64_t>();
  u.username = row[1].as<std::string>();
  u.display_name = row[2].as<std::string>();
  auto role = model::ParseRole(row[3].as<std::string>());
  if (!role) Fail(ErrorCode::kInternal, "user " + u.username + " has an unknown role");
  u.role = *role;
  u.scope_code = row[4].as<std::string>();
  u.password_hash = row[5].as<std::string>();
  u.disabled = row[6].as<bool>();
  u.created_at = row[7].as<std::int64_t>();
  return u;
}

// Appends the kUnitParams text parameters of `u` (NULL as nullptr) to `params`; `text` owns
// the strings and must have capacity reserved so that pointers into it stay valid.
void AppendUnitParams(const model::OrgUnit& u, std::vector<std::string>& text,
                      std::vector<const char*>& params) {
  auto add = [&](std::string value) {
    text.push_back(std::move(value));
    params.push_back(text.back().c_str());
  };
  add(u.code);
  add(model::OrgKindName(u.kind));
  if (u.parent_code.empty()) params.push_back(nullptr); else add(u.parent_code);
  add(u.name);
  if (auto g = internal::GeometryBytes(u.geometry)) add(ByteaHex(*g)); else params.push_back(nullptr);
  add(internal::DoubleText(u.center.lon));
  add(internal::DoubleText(u.center.lat));
  if (u.bbox.Empty()) {
    for (int i = 0; i < 4; ++i) params.push_back(nullptr);
  } else {
    add(internal::DoubleText(u.bbox.min_lon));
    add(internal::DoubleText(u.bbox.min_lat));
    add(internal::DoubleText(u.bbox.max_lon));
    add(internal::DoubleText(u.bbox.max_lat));
  }
  add(std::to_string(model::LevelOf(u.kind)));
}

Error NotFound() { return MakeError(ErrorCode::kNotFound, "org unit not found"); }

class PgStore final : public Store {
 public:
  explicit PgStore(const std::string& url)
      : url_(url),
        pool_(
            kMaxConnections,
            [url, statements = Statements()] {
              auto conn = std::make_unique<pqxx::connection>(url);
              for (const auto& st : statements) conn->prepare(st.name, st.sql);
              return conn;
            },
            [](pqxx::connection& c) { return c.is_open(); }),
        cases_(OpenPgCaseStore(url)) {}

  CaseStore& Cases() override { return *cases_; }

  Result<std::string> ServerInfo() override {
    return Guard([&]() -> Result<std::string> {
      auto lease = pool_.Acquire();
      ReadTx tx(*lease);
      std::string out = "PostgreSQL " + tx.exec("SHOW server_version")[0][0].as<std::string>() + "; extensions:";
      bool first = true;
      for (const auto& row : tx.exec("SELECT extname, extversion FROM pg_extension ORDER BY extname")) {
        out += (first ? " " : ", ") + row[0].as<std::string>() + " " + row[1].as<std::string>();
        first = false;
      }
      return out;
    });
  }

  Status BackupTo(const std::string& path) override {
    if (auto created = internal::CreatePrivateFile(path); !created.ok()) return created;
    auto st = internal::RunProgram({"pg_dump", "--format=custom", "--no-owner", "--no-privileges",
                                    "--file=" + path, "--dbname=" + url_});
    if (!st.ok()) {
      std::error_code ec;
      std::filesystem::remove(path, ec);
      return MakeError(ErrorCode::kUnavailable, "backup failed: " + st.error().message);
    }
    return {};
  }

  // Opens one connection now so an unreachable server is reported by Open().
  void Connect() { auto lease = pool_.Acquire(); }

  Status Migrate() override {
    return Guard([&]() -> Status {
      auto lease = pool_.Acquire();
      {
        WriteTx tx(*lease);
        tx.exec("SELECT pg_advisory_xact_lock(hashtext('citygrid.migrate'))");
        tx.exec(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, "
            "applied_at bigint NOT NULL)");
        tx.commit();
      }
      for (const auto& m : internal::Migrations()) {
        WriteTx tx(*lease);
        // Serialises concurrent migrators (several nodes starting at once).
        tx.exec("SELECT pg_advisory_xact_lock(hashtext('citygrid.migrate'))");
        if (!tx.exec_prepared("migration_applied", m.version).empty()) continue;
        tx.exec(std::string(m.postgres_sql));
        tx.exec_prepared("record_migration", m.version, NowMs());
        tx.commit();
      }
      return {};
    });
  }

  Result<int> SchemaVersion() override {
    return Guard([&]() -> Result<int> {
      auto lease = pool_.Acquire();
      ReadTx tx(*lease);
      auto exists = tx.exec("SELECT to_regclass('schema_migrations') IS NOT NULL");
      if (!exists[0][0].as<bool>()) return 0;
      auto r = tx.exec("SELECT coalesce(max(version), 0) FROM schema_migrations");
      return r[0][0].as<int>();
    });
  }

  std::string Backend() const override { return "postgresql"; }

  Status UpsertOrgUnits(const std::vector<model::OrgUnit>& units) override {
    for (const auto& u : units) CG_RETURN_IF_ERROR(internal::ValidateUnit(u));
    return Guard([&]() -> Status {
      // Later entries for the same code win, as if upserted one by one; one statement cannot
      // touch a row twice, so duplicates are dropped first.
      std::unordered_map<std::string_view, size_t> last;
      for (size_t i = 0; i < units.size(); ++i) last[units[i].code] = i;
      std::vector<const model::OrgUnit*> rows;
      rows.reserve(last.size());
      for (size_t i = 0; i < units.size(); ++i) {
        if (last[units[i].code] == i) rows.push_back(&units[i]);
      }

      auto lease = pool_.Acquire();
      WriteTx tx(*lease);
      size_t done = 0;
      std::vector<std::string> text;  // backing store for the parameters of one batch
      std::vector<const char*> params;
      text.reserve(kUpsertBatch * kUnitParams);
      params.reserve(kUpsertBatch * kUnitParams);
      for (; done + kUpsertBatch <= rows.size(); done += kUpsertBatch) {
        text.clear();
        params.clear();
        for (size_t r = done; r < done + kUpsertBatch; ++r) AppendUnitParams(*rows[r], text, params);
        tx.exec_prepared("upsert_units_batch", pqxx::prepare::make_dynamic_params(params));
      }
      for (; done < rows.size(); ++done) {
        text.clear();
        params.clear();
        AppendUnitParams(*rows[done], text, params);
        tx.exec_prepared("upsert_unit", pqxx::prepare::make_dynamic_params(params));
      }
      try {
        tx.commit();
      } catch (const pqxx::foreign_key_violation&) {
        return MakeError(ErrorCode::kInvalid, "org units refer to a parent_code that does not exist");
      }
      return {};
    });
  }

  Result<model::OrgUnit> GetOrgUnit(const model::Scope& scope, const std::string& code,
                                    bool with_geometry) override {
    if (!scope.Contains(code)) return NotFound();
    return Guard([&]() -> Result<model::OrgUnit> {
      auto lease = pool_.Acquire();
      ReadTx tx(*lease);
      auto r = tx.exec_prepared(with_geometry ? "get_unit_g" : "get_unit", code);
      if (r.empty()) return NotFound();
      return ReadUnit(r[0]);
    });
  }

  Result<Slice<model::OrgUnit>> ListChildren(const model::Scope& scope, const std::string& code,
                                             bool with_geometry, Page page) override {
    CG_RETURN_IF_ERROR(internal::ValidatePage(page));
    if (!scope.Contains(code)) return NotFound();
    return Guard([&]() -> Result<Slice<model::OrgUnit>> {
      auto lease = pool_.Acquire();
      ReadTx tx(*lease);
      if (tx.exec_prepared("exists_unit", code).empty()) return NotFound();
      auto range = internal::RangeOf(scope.root_code());
      Slice<model::OrgUnit> out;
      out.total = tx.exec_prepared("count_children", code, range.lo, UpperBound(range))[0][0]
                      .as<std::int64_t>();
      auto r = tx.exec_prepared(with_geometry ? "children_g" : "children", code, range.lo,
                                UpperBound(range), page.limit, page.offset);
      for (const auto& row : r) out.items.push_back(ReadUnit(row));
      return out;
    });
  }

  Result<Slice<model::OrgUnit>> ListDescendants(const model::Scope& scope, const std::string& code,
                                                model::OrgKind kind, bool with_geometry,
                                                Page page) override {
    CG_RETURN_IF_ERROR(internal::ValidatePage(page));
    if (!scope.Contains(code)) return NotFound();
    return Guard([&]() -> Result<Slice<model::OrgUnit>> {
      auto lease = pool_.Acquire();
      ReadTx tx(*lease);
      if (tx.exec_prepared("exists_unit", code).empty()) return NotFound();
      auto range = internal::RangeOf(code);  // inside the scope, and so is its subtree
      Slice<model::OrgUnit> out;
      out.total = tx.exec_prepared("count_descendants", model::OrgKindName(kind), code, range.hi)[0][0]
                      .as<std::int64_t>();
      auto r = tx.exec_prepared(with_geometry ? "descendants_g" : "descendants",
                                model::OrgKindName(kind), code, range.hi, page.limit, page.offset);
      for (const auto& row : r) out.items.push_back(ReadUnit(row));
      return out;
    });
  }

  Result<std::vector<model::OrgUnit>> ListAncestors(const model::Scope& scope,
                                                    const std::string& code) override {
    if (!scope.Contains(code)) return NotFound();
    return Guard([&]() -> Result<std::vector<model::OrgUnit>> {
      auto lease = pool_.Acquire();
      ReadTx tx(*lease);
      auto self = tx.exec_prepared("exists_unit", code);
      if (self.empty()) return NotFound();
      std::vector<model::OrgUnit> out;
      if (self[0][0].is_null()) return out;
      for (const auto& row : tx.exec_prepared("ancestors", self[0][0].as<std::string>())) {
        out.push_back(ReadUnit(row));
      }
      return out;
    });
  }

  Result<std::vector<std::int64_t>> CountChildren(const model::Scope& scope,
                                                  const std::vector<std::string>& codes) override {
    return Guard([&]() -> Result<std::vector<std::int64_t>> {
      auto lease = pool_.Acquire();
      ReadTx tx(*lease);
      auto range = internal::RangeOf(scope.root_code());
      std::vector<std::int64_t> out;
      out.reserve(codes.size());
      for (const auto& code : codes) {
        if (!scope.Contains(code)) {
          out.push_back(0);
          continue;
        }
        out.push_back(tx.exec_prepared("count_children", code, range.lo, UpperBound(range))[0][0]
                          .as<std::int64_t>());
      }
      return out;
    });
  }

  Result<std::vector<model::OrgUnit>> ListByKind(const model::Scope& scope,
                                                 model::OrgKind kind) override {
    return Guard([&]() -> Result<std::vector<model::OrgUnit>> {
      auto lease = pool_.Acquire();
      ReadTx tx(*lease);
      auto range = internal::RangeOf(scope.root_code());
      std::vector<model::OrgUnit> out;
      for (const auto& row :
           tx.exec_prepared("by_kind", model::OrgKindName(kind), range.lo, UpperBound(range))) {
        out.push_back(ReadUnit(row));
      }
      return out;
    });
  }

  Result<model::User> CreateUser(const model::User& user) override {
    CG_RETURN_IF_ERROR(internal::ValidateUser(user));
    return Guard([&]() -> Result<model::User> {
      auto lease = pool_.Acquire();
      WriteTx tx(*lease);
      pqxx::result r;
      try {
        r = tx.exec_prepared("create_user", user.username, user.display_name,
                             model::RoleName(user.role), user.scope_code, user.password_hash,
                             user.disabled, user.created_at);
      } catch (const pqxx::unique_violation&) {
        return MakeError(ErrorCode::kConflict, "username is already taken");
      }
      tx.commit();
      model::User out = user;
      out.id = r[0][0].as<std::int64_t>();
      return out;
    });
  }

  Result<model::User> FindUserByUsername(const std::string& username) override {
    return ReadOneUser("user_by_name", username);
  }

  Result<model::User> GetUser(std::int64_t id) override { return ReadOneUser("user_by_id", id); }

  Status SetUserPassword(std::int64_t id, const std::string& password_hash) override {
    return UpdateOne("no such user", "set_password", id, password_hash);
  }

  Status CreateSession(const Session& s) override {
    return Guard([&]() -> Status {
      auto lease = pool_.Acquire();
      WriteTx tx(*lease);
      try {
        tx.exec_prepared("create_session", s.token_hash, s.user_id, s.csrf_token, s.created_at,
                         s.last_seen_at);
      } catch (const pqxx::unique_violation&) {
        return MakeError(ErrorCode::kConflict, "session exists");
      } catch (const pqxx::foreign_key_violation&) {
        return MakeError(ErrorCode::kInvalid, "no such user");
      }
      tx.commit();
      return {};
    });
  }

  Result<Session> GetSession(const std::string& token_hash) override {
    return Guard([&]() -> Result<Session> {
      auto lease = pool_.Acquire();
      ReadTx tx(*lease);
      auto r = tx.exec_prepared("get_session", token_hash);
      if (r.empty()) return MakeError(ErrorCode::kNotFound, "no such session");
      Session s;
      s.token_hash = r[0][0].as<std::string>();
      s.user_id = r[0][1].as<std::int64_t>();
      s.csrf_token = r[0][2].as<std::string>();
      s.created_at = r[0][3].as<std::int64_t>();
      s.last_seen_at = r[0][4].as<std::int64_t>();
      return s;
    });
  }

  Status TouchSession(const std::string& token_hash, Timestamp at) override {
    return UpdateOne("no such session", "touch_session", token_hash, at);
  }

  Status DeleteSession(const std::string& token_hash) override {
    return Guard([&]() -> Status {
      auto lease = pool_.Acquire();
      WriteTx tx(*lease);
      tx.exec_prepared("delete_session", token_hash);
      tx.commit();
      return {};
    });
  }

  Result<std::int64_t> DeleteExpiredSessions(Timestamp idle_cutoff, Timestamp absolute_cutoff) override {
    return Guard([&]() -> Result<std::int64_t> {
      auto lease = pool_.Acquire();
      WriteTx tx(*lease);
      auto r = tx.exec_prepared("expire_sessions", idle_cutoff, absolute_cutoff);
      tx.commit();
      return static_cast<std::int64_t>(r.affected_rows());
    });
  }

  // PostgreSQL enforces its constraints itself; this checks the connection, that the schema is
  // current and that no unit's parent is missing.
  Status CheckIntegrity() override {
    return Guard([&]() -> Status {
      auto lease = pool_.Acquire();
      ReadTx tx(*lease);
      int latest = internal::Migrations().back().version;
      auto exists = tx.exec("SELECT to_regclass('schema_migrations') IS NOT NULL");
      int version = 0;
      if (exists[0][0].as<bool>()) {
        version = tx.exec("SELECT coalesce(max(version), 0) FROM schema_migrations")[0][0].as<int>();
      }
      if (version != latest) {
        return MakeError(ErrorCode::kInternal, "schema version " + std::to_string(version) +
                                                   ", expected " + std::to_string(latest));
      }
      auto orphans = tx.exec(
          "SELECT count(*) FROM org_units o WHERE o.parent_code IS NOT NULL AND NOT EXISTS "
          "(SELECT 1 FROM org_units p WHERE p.code = o.parent_code)");
      if (orphans[0][0].as<std::int64_t>() != 0) {
        return MakeError(ErrorCode::kInternal, "integrity check failed: org units with missing parents");
      }
      auto incomplete = tx.exec(internal::kCasesWithoutFirstEvent);
      if (!incomplete.empty()) {
        return MakeError(ErrorCode::kInternal, "integrity check failed: case " + incomplete[0][0].as<std::string>() +
                                                   " has no first timeline entry");
      }
      auto wrong_queue = tx.exec(internal::kCasesWithWrongQueueRows);
      if (!wrong_queue.empty()) {
        return MakeError(ErrorCode::kInternal, "integrity check failed: case " + wrong_queue[0][0].as<std::string>() +
                                                   " has wrong queue rows");
      }
      return {};
    });
  }

 private:
  template <class Key>
  Result<model::User> ReadOneUser(const char* statement, const Key& key) {
    return Guard([&]() -> Result<model::User> {
      auto lease = pool_.Acquire();
      ReadTx tx(*lease);
      auto r = tx.exec_prepared(statement, key);
      if (r.empty()) return MakeError(ErrorCode::kNotFound, "no such user");
      return ReadUser(r[0]);
    });
  }

  // Runs one single-row UPDATE; kNotFound with `missing` if no row matched.
  template <class... Args>
  Status UpdateOne(const char* missing, const char* statement, const Args&... args) {
    return Guard([&]() -> Status {
      auto lease = pool_.Acquire();
      WriteTx tx(*lease);
      auto r = tx.exec_prepared(statement, args...);
      if (r.affected_rows() == 0) return MakeError(ErrorCode::kNotFound, missing);
      tx.commit();
      return {};
    });
  }

  // Base data (store/base_store.cpp), in its own file to keep this one about the org tree.
  void RunBaseTx(bool write, const std::function<void(internal::SqlTx&)>& body) override {
    auto lease = pool_.Acquire();
    RunPgBaseTx(*lease, write, body);
  }

  std::string url_;
  Pool pool_;
  std::unique_ptr<CaseStore> cases_;
};

}  // namespace

Result<std::unique_ptr<Store>> OpenPgStore(const std::string& url) {
  auto store = std::make_unique<PgStore>(url);
  try {
    store->Connect();
  } catch (const std::exception& e) {
    return MakeError(ErrorCode::kUnavailable,
                     std::string("cannot connect to PostgreSQL: ") + e.what());
  }
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace cg::store::postgres
