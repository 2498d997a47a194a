// Moving a city from the embedded SQLite database to PostgreSQL (`citygrid migrate-data`,
// docs/operations.md "Moving to PostgreSQL"). The source is read in one snapshot; the target is
// migrated to the same schema and filled in one transaction, so a failure leaves it with the
// schema and no rows (and a second run may start over on it). Values are copied as they are stored (ciphertexts, blind indexes, hashes of the audit
// chain, change-log sequence numbers), so encrypted fields open with the same master key and
// the change log keeps its order.
#include <sqlite3.h>

#include <algorithm>
#include <map>
#include <pqxx/pqxx>
#include <set>

#include "store/internal/common.hpp"
#include "store/internal/migrations.hpp"
#include "store/store.hpp"

namespace cg::store {
namespace {

constexpr std::size_t kMaxParams = 60000;  // PostgreSQL takes at most 65,535 per statement
constexpr std::size_t kMaxBatchRows = 1000;

// Tables only SQLite has: derived data PostgreSQL keeps another way (the count of cases per
// scope is a trigger-kept table on SQLite, a query on PostgreSQL).
const std::set<std::string>& SqliteOnlyTables() {
  static const std::set<std::string> t{"case_scope_counts"};
  return t;
}

struct SqliteDb {
  sqlite3* db = nullptr;
  ~SqliteDb() {
    if (db != nullptr) sqlite3_close(db);
  }
};

struct Stmt {
  sqlite3_stmt* st = nullptr;
  Stmt(sqlite3* db, const std::string& sql) {
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) != SQLITE_OK)
      throw std::runtime_error(std::string("source: ") + sqlite3_errmsg(db) + " in " + sql.substr(0, 80));
  }
  ~Stmt() { sqlite3_finalize(st); }
  bool Step() {
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    throw std::runtime_error(std::string("source: ") + sqlite3_errmsg(sqlite3_db_handle(st)));
  }
  std::string Text(int i) {
    const unsigned char* t = sqlite3_column_text(st, i);
    return t ? std::string(reinterpret_cast<const char*>(t), static_cast<std::size_t>(sqlite3_column_bytes(st, i))) : "";
  }
};

std::string QuoteIdent(const std::string& name) {
  std::string out = "\"";
  for (char c : name) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string Hex(const void* data, std::size_t n) {
  static const char* digits = "0123456789abcdef";
  const auto* p = static_cast<const unsigned char*>(data);
  std::string out = "\\x";
  out.reserve(2 + 2 * n);
  for (std::size_t i = 0; i < n; ++i) {
    out += digits[p[i] >> 4];
    out += digits[p[i] & 15];
  }
  return out;
}

// The text PostgreSQL's input function for `pg_type` takes for source column `i` of the current
// row, or nullopt for NULL. Throws on a value the target column cannot hold.
std::optional<std::string> Convert(sqlite3_stmt* st, int i, const std::string& pg_type, const std::string& where) {
  const int type = sqlite3_column_type(st, i);
  if (type == SQLITE_NULL) return std::nullopt;
  if (pg_type == "bytea") {
    const void* blob = sqlite3_column_blob(st, i);
    return Hex(blob, static_cast<std::size_t>(sqlite3_column_bytes(st, i)));
  }
  if (pg_type == "boolean") {
    if (type != SQLITE_INTEGER) throw std::runtime_error(where + ": not a boolean");
    return sqlite3_column_int64(st, i) != 0 ? "t" : "f";
  }
  if (pg_type == "bigint" || pg_type == "integer" || pg_type == "smallint") {
    if (type != SQLITE_INTEGER) throw std::runtime_error(where + ": not an integer");
    return std::to_string(sqlite3_column_int64(st, i));
  }
  if (pg_type == "double precision" || pg_type == "real" || pg_type == "numeric") {
    if (type == SQLITE_INTEGER) return std::to_string(sqlite3_column_int64(st, i));
    if (type != SQLITE_FLOAT) throw std::runtime_error(where + ": not a number");
    return internal::DoubleText(sqlite3_column_double(st, i));
  }
  if (pg_type == "text" || pg_type == "character varying") {
    if (type == SQLITE_BLOB) throw std::runtime_error(where + ": binary data in a text column");
    const unsigned char* t = sqlite3_column_text(st, i);
    std::string s(reinterpret_cast<const char*>(t), static_cast<std::size_t>(sqlite3_column_bytes(st, i)));
    if (s.find('\0') != std::string::npos) throw std::runtime_error(where + ": NUL in text");
    return s;
  }
  throw std::runtime_error(where + ": column type " + pg_type + " is not handled by migrate-data");
}

struct Column {
  std::string name;
  std::string type;  // PostgreSQL data_type
  bool identity = false;
};

}  // namespace

Result<std::vector<TableCopy>> CopySqliteToPostgres(const std::string& sqlite_url, const std::string& pg_url,
                                                    const std::function<void(const TableCopy&)>& progress) {
  if (!sqlite_url.starts_with("sqlite://"))
    return MakeError(ErrorCode::kInvalid, "--from must be a sqlite:// URL (PostgreSQL to SQLite is not supported)");
  if (!pg_url.starts_with("postgresql://") && !pg_url.starts_with("postgres://"))
    return MakeError(ErrorCode::kInvalid, "--to must be a postgresql:// URL");
  const std::string path = sqlite_url.substr(9);
  SqliteDb src;
  if (sqlite3_open_v2(path.c_str(), &src.db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK)
    return MakeError(ErrorCode::kNotFound, "cannot open the source database " + path);
  sqlite3_busy_timeout(src.db, 5000);
  const int latest = internal::Migrations().back().version;
  std::vector<TableCopy> copied;
  try {
    // One read transaction: the copy is one snapshot even if the server still writes.
    sqlite3_exec(src.db, "BEGIN", nullptr, nullptr, nullptr);
    int src_version = 0;
    {
      Stmt v(src.db, "SELECT coalesce(max(version), 0) FROM schema_migrations");
      if (v.Step()) src_version = sqlite3_column_int(v.st, 0);
    }
    if (src_version != latest) {
      return MakeError(ErrorCode::kInvalid, "the source has schema version " + std::to_string(src_version) +
                                                ", this build expects " + std::to_string(latest) +
                                                ": run `citygrid migrate` on it first");
    }
    std::vector<std::string> src_tables;
    {
      Stmt t(src.db, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name");
      while (t.Step()) src_tables.push_back(t.Text(0));
    }

    auto target = Store::Open(pg_url);
    if (!target.ok()) return target.error();
    CG_RETURN_IF_ERROR((*target)->Migrate());

    pqxx::connection c(pg_url);
    pqxx::work tx(c);
    std::set<std::string> dst_tables;
    for (const auto& row : tx.exec("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
                                   "AND tablename <> 'spatial_ref_sys'"))
      dst_tables.insert(row[0].as<std::string>());
    // An empty database, or one that holds only the schema (a stopped earlier attempt): every
    // table but those the migrations fill themselves must be empty.
    for (const auto& t : dst_tables) {
      if (t == "schema_migrations" || t == "org_code_lengths") continue;
      if (!tx.exec("SELECT 1 FROM " + QuoteIdent(t) + " LIMIT 1").empty())
        return MakeError(ErrorCode::kConflict, "refusing to migrate: table " + t +
                                                   " of the target database has rows; use an empty database");
    }
    for (const auto& t : src_tables) {
      if (!dst_tables.count(t) && !SqliteOnlyTables().count(t))
        return MakeError(ErrorCode::kInternal, "table " + t + " of the source has no place in PostgreSQL's schema");
    }
    for (const auto& t : dst_tables) {
      if (std::find(src_tables.begin(), src_tables.end(), t) == src_tables.end())
        return MakeError(ErrorCode::kInternal, "table " + t + " of PostgreSQL's schema is missing in the source");
    }

    // Foreign keys are dropped for the copy and added back at the end, which checks every
    // reference of the copied rows; user triggers (the case-scope table, the audit log's
    // append-only guard) are off meanwhile, since their derived rows are copied too.
    struct Fk {
      std::string table, name, def;
    };
    std::vector<Fk> fks;
    for (const auto& row : tx.exec(
             "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
             "WHERE contype = 'f' AND connamespace = current_schema()::regnamespace"))
      fks.push_back({row[0].as<std::string>(), row[1].as<std::string>(), row[2].as<std::string>()});
    for (const auto& fk : fks)
      tx.exec("ALTER TABLE " + fk.table + " DROP CONSTRAINT " + QuoteIdent(fk.name));
    for (const auto& t : dst_tables) tx.exec("ALTER TABLE " + QuoteIdent(t) + " DISABLE TRIGGER USER");

    for (const auto& table : src_tables) {
      if (SqliteOnlyTables().count(table)) continue;
      std::vector<Column> cols;
      for (const auto& row : tx.exec_params(
               "SELECT column_name, data_type, is_identity FROM information_schema.columns "
               "WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position",
               table))
        cols.push_back({row[0].as<std::string>(), row[1].as<std::string>(), row[2].as<std::string>() == "YES"});
      std::set<std::string> src_cols;
      {
        Stmt info(src.db, "SELECT name FROM pragma_table_info(?1)");
        sqlite3_bind_text(info.st, 1, table.c_str(), -1, SQLITE_TRANSIENT);
        while (info.Step()) src_cols.insert(info.Text(0));
      }
      std::string list;
      for (const auto& col : cols) {
        if (!src_cols.count(col.name))
          return MakeError(ErrorCode::kInternal, "column " + table + "." + col.name + " is missing in the source");
        src_cols.erase(col.name);
        list += (list.empty() ? "" : ", ") + QuoteIdent(col.name);
      }
      if (!src_cols.empty())
        return MakeError(ErrorCode::kInternal, "column " + table + "." + *src_cols.begin() + " has no place in PostgreSQL");

      // Rows the migrations themselves wrote (schema_migrations) are replaced by the source's.
      tx.exec("DELETE FROM " + QuoteIdent(table));
      const std::size_t batch = std::max<std::size_t>(1, std::min(kMaxBatchRows, kMaxParams / cols.size()));
      Stmt rows(src.db, "SELECT " + list + " FROM " + QuoteIdent(table));
      TableCopy done{table, 0};
      std::vector<std::optional<std::string>> values;
      std::size_t in_batch = 0;
      auto flush = [&] {
        if (in_batch == 0) return;
        std::string sql = "INSERT INTO " + QuoteIdent(table) + " (" + list + ") OVERRIDING SYSTEM VALUE VALUES ";
        std::size_t n = 0;
        for (std::size_t r = 0; r < in_batch; ++r) {
          sql += r ? ",(" : "(";
          for (std::size_t k = 0; k < cols.size(); ++k) sql += (k ? ",$" : "$") + std::to_string(++n);
          sql += ")";
        }
        std::vector<const char*> ptrs;
        ptrs.reserve(values.size());
        for (const auto& v : values) ptrs.push_back(v ? v->c_str() : nullptr);
        tx.exec_params(sql, pqxx::prepare::make_dynamic_params(ptrs));
        values.clear();
        in_batch = 0;
      };
      while (rows.Step()) {
        for (std::size_t k = 0; k < cols.size(); ++k) {
          values.push_back(Convert(rows.st, static_cast<int>(k), cols[k].type,
                                   table + "." + cols[k].name + " row " + std::to_string(done.rows + 1)));
        }
        ++done.rows;
        if (++in_batch == batch) {
          flush();
          if (progress && done.rows % 100000 == 0) progress(done);
        }
      }
      flush();
      for (const auto& col : cols) {
        if (!col.identity) continue;
        tx.exec("SELECT setval(pg_get_serial_sequence(" + tx.quote(table) + ", " + tx.quote(col.name) +
                "), coalesce((SELECT max(" + QuoteIdent(col.name) + ") FROM " + QuoteIdent(table) + "), 0) + 1, false)");
      }
      const auto n = tx.exec("SELECT count(*) FROM " + QuoteIdent(table))[0][0].as<std::int64_t>();
      if (n != done.rows)
        return MakeError(ErrorCode::kInternal, table + ": " + std::to_string(done.rows) + " rows read, " +
                                                   std::to_string(n) + " in PostgreSQL");
      copied.push_back(done);
      if (progress) progress(done);
    }
    for (const auto& t : dst_tables) tx.exec("ALTER TABLE " + QuoteIdent(t) + " ENABLE TRIGGER USER");
    for (const auto& fk : fks)
      tx.exec("ALTER TABLE " + fk.table + " ADD CONSTRAINT " + QuoteIdent(fk.name) + " " + fk.def);
    tx.exec("ANALYZE");
    tx.commit();
  } catch (const pqxx::broken_connection& e) {
    return MakeError(ErrorCode::kUnavailable, std::string("PostgreSQL: ") + e.what());
  } catch (const std::exception& e) {
    return MakeError(ErrorCode::kInternal, std::string("migrate-data stopped and copied nothing (the target keeps only the schema): ") + e.what());
  }
  auto target = Store::Open(pg_url);
  if (!target.ok()) return target.error();
  if (auto s = (*target)->CheckIntegrity(); !s.ok()) return s.error();
  return copied;
}

}  // namespace cg::store
