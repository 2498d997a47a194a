#pragma once
// Persistence behind one interface with two backends: SQLite (embedded default) and
// PostgreSQL (scale path). Only code under src/store speaks SQL.
//
// Scope rule: every read of org-scoped data takes a model::Scope and answers kNotFound for
// anything outside it (never kForbidden: existence outside the scope is not revealed).
// Thread safety: a Store may be called from any number of threads at once.

#include <cstdint>
#include <memory>
#include <optional>
#include <functional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/result.hpp"
#include "model/org_unit.hpp"
#include "model/scope.hpp"
#include "model/user.hpp"
#include "store/base_store.hpp"

namespace cg::store {

class CaseStore;  // store/case_store.hpp

struct Session {
  std::string token_hash;  // hex SHA-256 of the cookie token; the token itself is never stored
  std::int64_t user_id = 0;
  std::string csrf_token;
  Timestamp created_at = 0;
  Timestamp last_seen_at = 0;
};

// Paging for list reads: at most `limit` rows starting at `offset`.
struct Page {
  std::int64_t limit = 500;
  std::int64_t offset = 0;
};

template <class T>
struct Slice {
  std::vector<T> items;
  std::int64_t total = 0;  // rows matching before paging
};

class Store : public BaseDataStore {
 public:
  virtual ~Store() = default;

  // "sqlite://PATH" (file created if missing; parent dirs must exist) or "postgresql://..." /
  // "postgres://..." (any libpq URL). kInvalid for an unknown scheme, kUnavailable if the
  // database cannot be reached. Call Migrate() before anything else on a new database.
  static Result<std::unique_ptr<Store>> Open(const std::string& url);

  // Applies pending numbered migrations in order, each in its own transaction. Idempotent.
  virtual Status Migrate() = 0;
  // Highest applied migration number (0 for an empty database).
  virtual Result<int> SchemaVersion() = 0;
  // The migration number this build brings a database to (what SchemaVersion() is after Migrate()).
  static int LatestSchemaVersion();
  // "sqlite" or "postgresql".
  virtual std::string Backend() const = 0;
  // The database engine's version and, for PostgreSQL, its installed extensions
  // ("PostgreSQL 15.18; extensions: plpgsql 1.0, postgis 3.3.2"), for `citygrid doctor`.
  virtual Result<std::string> ServerInfo() = 0;

  // --- Org tree -----------------------------------------------------------------------------
  // Inserts or replaces units by code, all in one transaction. System use (seeding) only.
  // Parents may come in any order within the batch, but every parent_code must exist once it
  // commits: otherwise kInvalid and nothing is written. kInvalid for an empty code or name.
  virtual Status UpsertOrgUnits(const std::vector<model::OrgUnit>& units) = 0;
  // One unit; kNotFound if absent or outside `scope`.
  virtual Result<model::OrgUnit> GetOrgUnit(const model::Scope& scope, const std::string& code,
                                            bool with_geometry = true) = 0;
  // Direct children of `code` ordered by code; kNotFound if `code` is absent or outside scope.
  virtual Result<Slice<model::OrgUnit>> ListChildren(const model::Scope& scope,
                                                     const std::string& code, bool with_geometry,
                                                     Page page = {}) = 0;
  // All descendants of `code` of the given kind ordered by code (e.g. every grid of a
  // district); kNotFound if `code` is absent or outside scope.
  virtual Result<Slice<model::OrgUnit>> ListDescendants(const model::Scope& scope,
                                                        const std::string& code,
                                                        model::OrgKind kind, bool with_geometry,
                                                        Page page = {}) = 0;
  // Ancestors of a unit inside `scope`, root first, without geometry. The path above a
  // visible unit is part of what it is, so ancestors outside the scope are included.
  virtual Result<std::vector<model::OrgUnit>> ListAncestors(const model::Scope& scope,
                                                            const std::string& code) = 0;
  // Number of direct children of each of `codes` (codes outside `scope` count 0).
  virtual Result<std::vector<std::int64_t>> CountChildren(const model::Scope& scope,
                                                          const std::vector<std::string>& codes) = 0;
  // Every unit of a kind in `scope`, with geometry: used to build the in-memory grid index.
  virtual Result<std::vector<model::OrgUnit>> ListByKind(const model::Scope& scope,
                                                         model::OrgKind kind) = 0;

  // --- Users ----------------------------------------------------------------------------------
  // Creates a user and returns it with its id; kConflict if the username is taken.
  virtual Result<model::User> CreateUser(const model::User& user) = 0;
  // Exact, case-sensitive match; kNotFound if absent.
  virtual Result<model::User> FindUserByUsername(const std::string& username) = 0;
  // kNotFound if absent.
  virtual Result<model::User> GetUser(std::int64_t id) = 0;
  // kNotFound if the user does not exist.
  virtual Status SetUserPassword(std::int64_t id, const std::string& password_hash) = 0;

  // --- Sessions -------------------------------------------------------------------------------
  // kConflict if the token hash exists, kInvalid if the user does not.
  virtual Status CreateSession(const Session& session) = 0;
  // kNotFound if absent (expiry is the caller's decision, from the timestamps).
  virtual Result<Session> GetSession(const std::string& token_hash) = 0;
  // Sets last_seen_at to `at` unless it is already later; kNotFound if absent.
  virtual Status TouchSession(const std::string& token_hash, Timestamp at) = 0;
  // Idempotent: deleting an absent session succeeds. Deleting a user deletes its sessions.
  virtual Status DeleteSession(const std::string& token_hash) = 0;
  // Removes sessions idle since before `idle_cutoff` or created before `absolute_cutoff`.
  virtual Result<std::int64_t> DeleteExpiredSessions(Timestamp idle_cutoff,
                                                     Timestamp absolute_cutoff) = 0;

  // --- Cases (store/case_store.hpp) ----------------------------------------------------------
  // The case store on the same database; lives as long as this Store.
  virtual CaseStore& Cases() = 0;

  // --- Operations ---------------------------------------------------------------------------
  // kInternal with the database's own words if its integrity check fails (SQLite:
  // integrity_check + foreign_key_check; PostgreSQL: schema version and org-tree parents).
  virtual Status CheckIntegrity() = 0;

  // Writes a consistent copy of the whole database to the new file `path` while the store stays
  // in use (other processes may write meanwhile): SQLite `VACUUM INTO` (one read snapshot),
  // PostgreSQL `pg_dump --format=custom` (one repeatable-read snapshot). kConflict if `path`
  // exists, kUnavailable if the copy fails (nothing is left at `path` then).
  virtual Status BackupTo(const std::string& path) = 0;
};

// Restores a copy written by Store::BackupTo into the database at `url`, which must be empty:
// for SQLite the file must not exist (or be empty), for PostgreSQL the database must have no
// tables of its own. The SQLite copy is checked (`PRAGMA integrity_check`) before it is put in
// place; pg_restore stops at the first error. kConflict for a non-empty target, kInvalid for a
// payload that is not a database of the right backend, kUnavailable for I/O or tool failures.
Status RestoreDatabase(const std::string& url, const std::string& payload_path);

// One table copied by CopySqliteToPostgres.
struct TableCopy {
  std::string table;
  std::int64_t rows = 0;
};
// Copies the SQLite citygrid database at `sqlite_url` (read in one snapshot; it may stay in use)
// into the PostgreSQL database at `pg_url`, which must be empty or hold only citygrid's schema
// with no rows: migrates it, copies every table's rows unchanged in one transaction (foreign
// keys checked at the end, identity sequences moved past the copied ids), compares row counts
// and runs CheckIntegrity. `progress` is called as tables (and every 100,000 rows) are done.
// kInvalid when the source is not at this build's schema version, kConflict when the target
// has rows.
Result<std::vector<TableCopy>> CopySqliteToPostgres(const std::string& sqlite_url, const std::string& pg_url,
                                                    const std::function<void(const TableCopy&)>& progress);

}  // namespace cg::store
