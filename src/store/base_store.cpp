// Base data, change log and audit log: written once against internal::SqlTx for both backends.
#include "store/base_store.hpp"

#include <sodium.h>

#include <algorithm>
#include <charconv>
#include <map>
#include <set>
#include <new>

#include "store/internal/audit.hpp"
#include "store/internal/codec.hpp"
#include "store/internal/common.hpp"
#include "store/internal/sql_tx.hpp"
#include "store/store.hpp"

namespace cg::store {
namespace internal {

std::string Hex(std::string_view bytes) {
  static const char* kHex = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char b : bytes) {
    out += kHex[b >> 4];
    out += kHex[b & 0xF];
  }
  return out;
}

std::string Unhex(std::string_view hex) {
  auto val = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  if (hex.size() % 2) Fail(ErrorCode::kInternal, "corrupt hex column");
  std::string out(hex.size() / 2, '\0');
  for (std::size_t i = 0; i < out.size(); ++i) {
    int hi = val(hex[2 * i]), lo = val(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) Fail(ErrorCode::kInternal, "corrupt hex column");
    out[i] = static_cast<char>(hi * 16 + lo);
  }
  return out;
}

// Field map <-> one text column: "key=value" lines, '\' and newline escaped in values.
std::string EncodeFields(const model::Fields& fields) {
  std::string out;
  for (const auto& [k, v] : fields) {
    out += k;
    out += '=';
    for (char c : v) {
      if (c == '\\') out += "\\\\";
      else if (c == '\n') out += "\\n";
      else out += c;
    }
    out += '\n';
  }
  return out;
}

model::Fields DecodeFields(std::string_view text) {
  model::Fields out;
  while (!text.empty()) {
    auto nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    auto eq = line.find('=');
    if (eq == std::string_view::npos) Fail(ErrorCode::kInternal, "corrupt data column");
    std::string value;
    for (std::size_t i = eq + 1; i < line.size(); ++i) {
      if (line[i] == '\\' && i + 1 < line.size()) {
        value += line[i + 1] == 'n' ? '\n' : line[i + 1];
        ++i;
      } else {
        value += line[i];
      }
    }
    out.emplace(std::string(line.substr(0, eq)), std::move(value));
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
  }
  return out;
}

std::int64_t ToInt(const std::optional<std::string>& v) {
  std::int64_t out = 0;
  if (v) std::from_chars(v->data(), v->data() + v->size(), out);
  return out;
}

std::string SelectCols(model::BaseEntity e) {
  std::string cols = "id, grid_code, version, data, created_at, updated_at";
  if (e == model::BaseEntity::kPerson) {
    cols += ", id_number_cipher, id_number_index, id_number_tail, phone_cipher, phone_index, phone_tail";
  }
  return cols;
}

BaseRecord ReadRecord(model::BaseEntity e, const SqlRow& row) {
  BaseRecord r;
  r.entity = e;
  r.id = ToInt(row[0]);
  r.grid_code = row[1].value_or("");
  r.version = ToInt(row[2]);
  r.fields = DecodeFields(row[3].value_or(""));
  r.created_at = ToInt(row[4]);
  r.updated_at = ToInt(row[5]);
  if (e == model::BaseEntity::kPerson) {
    if (row[6]) r.id_number = SealedValue{Unhex(*row[6]), Unhex(row[7].value_or("")), Unhex(row[8].value_or("")), {}};
    if (row[9]) r.phone = SealedValue{Unhex(*row[9]), Unhex(row[10].value_or("")), Unhex(row[11].value_or("")), {}};
  }
  return r;
}

}  // namespace internal

namespace {

using internal::DecodeFields;
using internal::EncodeFields;
using internal::Hex;
using internal::ToInt;
using internal::Unhex;
using internal::Guard;
using internal::ReadRecord;
using internal::SelectCols;

using internal::DbError;
using internal::Fail;
using internal::SqlParam;
using internal::SqlRow;
using internal::SqlTx;
using P = SqlParam;

bool IsPerson(model::BaseEntity e) { return e == model::BaseEntity::kPerson; }

std::string Table(model::BaseEntity e) { return model::BaseEntityPlural(e); }

// Subtree filter on a column: "col >= ?a AND col < ?b" (upper bound omitted for the whole tree).
std::string RangeSql(const std::string& col, int first_param, const internal::CodeRange& range,
                     std::vector<P>& params) {
  params.push_back(P::Text(range.lo));
  std::string sql = col + " >= ?" + std::to_string(first_param);
  if (!range.unbounded_hi) {
    params.push_back(P::Text(range.hi));
    sql += " AND " + col + " < ?" + std::to_string(first_param + 1);
  }
  return sql;
}

Error NotFound(model::BaseEntity e) {
  return MakeError(ErrorCode::kNotFound, std::string(model::BaseEntityName(e)) + " not found");
}

std::optional<BaseRecord> Load(SqlTx& tx, const model::Scope& scope, model::BaseEntity e, std::int64_t id) {
  auto rows = tx.Run("SELECT " + SelectCols(e) + " FROM " + Table(e) + " WHERE id = ?1", {P::Int(id)});
  if (rows.empty()) return std::nullopt;
  BaseRecord r = ReadRecord(e, rows[0]);
  if (!scope.Contains(r.grid_code)) return std::nullopt;
  return r;
}

void CheckGrid(SqlTx& tx, const model::Scope& scope, const std::string& grid) {
  if (!scope.Contains(grid)) throw DbError{MakeError(ErrorCode::kNotFound, "grid not found")};
  auto rows = tx.Run("SELECT kind FROM org_units WHERE code = ?1", {P::Text(grid)});
  if (rows.empty() || rows[0][0].value_or("") != "grid") {
    Fail(ErrorCode::kInvalid, "grid_code: no such grid");
  }
}

const std::vector<std::string> kChangeInsertCols = {"entity", "entity_id", "field", "old_value", "new_value",
                                                    "actor_user_id", "at", "source", "grid_code"};

// Change-log rows waiting to be written with one InsertRows.
using ChangeRows = std::vector<std::vector<P>>;

void Log(ChangeRows& out, const BaseRecord& r, const std::string& field, const std::optional<std::string>& old_value,
         const std::optional<std::string>& new_value, const WriteContext& ctx) {
  out.push_back({P::Text(model::BaseEntityName(r.entity)), P::Int(r.id), P::Text(field),
                 old_value ? P::Text(*old_value) : P::Null(), new_value ? P::Text(*new_value) : P::Null(),
                 P::Int(ctx.actor_user_id), P::Int(ctx.at), P::Text(ChangeSourceName(ctx.source)),
                 P::Text(r.grid_code)});
}

void WriteChanges(SqlTx& tx, const ChangeRows& rows) { tx.InsertRows("change_log", kChangeInsertCols, rows); }

std::optional<std::string> Masked(const std::optional<SealedValue>& v) {
  if (!v) return std::nullopt;
  return v->masked;
}

// Adds to `tx` the change-log rows of the differences between `before` (nullopt: creation) and
// `after` (nullopt: deletion).
void LogDiff(ChangeRows& tx, const std::optional<BaseRecord>& before, const std::optional<BaseRecord>& after,
             const WriteContext& ctx) {
  const BaseRecord& ref = after ? *after : *before;
  if (!after) {
    Log(tx, ref, "*", "live", std::nullopt, ctx);
    return;
  }
  model::Fields none;
  const model::Fields& old_fields = before ? before->fields : none;
  const model::Fields& new_fields = after->fields;
  auto get = [](const model::Fields& f, const std::string& k) -> std::optional<std::string> {
    auto it = f.find(k);
    if (it == f.end()) return std::nullopt;
    return it->second;
  };
  std::map<std::string, int> keys;
  for (const auto& [k, v] : old_fields) keys[k];
  for (const auto& [k, v] : new_fields) keys[k];
  for (const auto& [k, unused] : keys) {
    auto o = get(old_fields, k), n = get(new_fields, k);
    if (o != n) Log(tx, ref, k, o, n, ctx);
  }
  if (IsPerson(ref.entity)) {
    auto sealed = [&](const char* name, const std::optional<SealedValue>& o, const std::optional<SealedValue>& n) {
      bool changed = o.has_value() != n.has_value() || (o && n && o->index != n->index);
      if (changed) Log(tx, ref, name, o ? Masked(o) : std::nullopt, Masked(n), ctx);
    };
    sealed("id_number", before ? before->id_number : std::nullopt, after->id_number);
    sealed("phone", before ? before->phone : std::nullopt, after->phone);
  }
}

void WriteSealed(SqlTx& tx, const BaseRecord& r) {
  if (!IsPerson(r.entity)) return;
  if (!r.id_number) Fail(ErrorCode::kInvalid, "id_number: required");
  auto opt = [](const std::optional<SealedValue>& v, std::string SealedValue::*m) {
    return v ? P::Text(Hex((*v).*m)) : P::Null();
  };
  tx.Run("UPDATE persons SET id_number_cipher = ?2, id_number_index = ?3, id_number_tail = ?4, "
         "phone_cipher = ?5, phone_index = ?6, phone_tail = ?7 WHERE id = ?1",
         {P::Int(r.id), opt(r.id_number, &SealedValue::cipher), opt(r.id_number, &SealedValue::index),
          opt(r.id_number, &SealedValue::tail), opt(r.phone, &SealedValue::cipher),
          opt(r.phone, &SealedValue::index), opt(r.phone, &SealedValue::tail)});
}

std::string NameOf(const BaseRecord& r) {
  auto it = r.fields.find("name");
  return it == r.fields.end() ? std::string() : it->second;
}

Change ReadChange(const SqlRow& row) {
  Change c;
  c.seq = ToInt(row[0]);
  c.entity = model::ParseBaseEntity(row[1].value_or("")).value_or(model::BaseEntity::kPerson);
  c.entity_id = ToInt(row[2]);
  c.field = row[3].value_or("");
  c.old_value = row[4];
  c.new_value = row[5];
  c.actor_user_id = ToInt(row[6]);
  c.at = ToInt(row[7]);
  c.source = row[8].value_or("");
  c.grid_code = row[9].value_or("");
  return c;
}

const char kChangeCols[] =
    "seq, entity, entity_id, field, old_value, new_value, actor_user_id, at, source, grid_code";

std::string Sha256Hex(std::string_view data) {
  unsigned char out[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(out, reinterpret_cast<const unsigned char*>(data.data()), data.size());
  return Hex(std::string_view(reinterpret_cast<const char*>(out), sizeof out));
}

// The hashed content of an audit row: fields joined with an unambiguous length prefix.
std::string AuditContent(const AuditEntry& e) {
  std::string out;
  auto add = [&](const std::string& v) {
    out += std::to_string(v.size());
    out += ':';
    out += v;
    out += '|';
  };
  add(e.prev_hash);
  add(std::to_string(e.seq));
  add(std::to_string(e.at));
  add(std::to_string(e.actor_user_id));
  add(e.action);
  add(e.entity);
  add(std::to_string(e.entity_id));
  add(e.field);
  add(e.reason);
  return out;
}

const char kAuditCols[] = "seq, at, actor_user_id, action, entity, entity_id, field, reason, prev_hash, hash";

AuditEntry ReadAudit(const SqlRow& row) {
  AuditEntry e;
  e.seq = ToInt(row[0]);
  e.at = ToInt(row[1]);
  e.actor_user_id = ToInt(row[2]);
  e.action = row[3].value_or("");
  e.entity = row[4].value_or("");
  e.entity_id = ToInt(row[5]);
  e.field = row[6].value_or("");
  e.reason = row[7].value_or("");
  e.prev_hash = row[8].value_or("");
  e.hash = row[9].value_or("");
  return e;
}

// The id a previous creation with ctx's idempotency key made, if any. kConflict if the key
// was used for another kind of record or with a different request.
std::optional<std::int64_t> PriorCreation(SqlTx& tx, const WriteContext& ctx, const std::string& entity) {
  if (ctx.idempotency_key.empty()) return std::nullopt;
  auto rows = tx.Run("SELECT entity, entity_id, request_hash FROM idempotency_keys WHERE actor_user_id = ?1 AND "
                     "idem_key = ?2",
                     {P::Int(ctx.actor_user_id), P::Text(ctx.idempotency_key)});
  if (rows.empty()) return std::nullopt;
  if (rows[0][0].value_or("") != entity || rows[0][2].value_or("") != ctx.request_hash) {
    Fail(ErrorCode::kConflict, "Idempotency-Key: already used for a different request");
  }
  return ToInt(rows[0][1]);
}

void RememberCreation(SqlTx& tx, const WriteContext& ctx, const std::string& entity, std::int64_t id) {
  if (ctx.idempotency_key.empty()) return;
  tx.Run("INSERT INTO idempotency_keys(actor_user_id, idem_key, entity, entity_id, request_hash, created_at) "
         "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
         {P::Int(ctx.actor_user_id), P::Text(ctx.idempotency_key), P::Text(entity), P::Int(id),
          P::Text(ctx.request_hash), P::Int(ctx.at)});
}

const char kVisitCols[] =
    "id, household_id, grid_code, visitor_user_id, visited_at, checklist, notes, changed_records, change_seq, "
    "created_at";

Visit ReadVisit(const SqlRow& row) {
  Visit v;
  v.id = ToInt(row[0]);
  v.household_id = ToInt(row[1]);
  v.grid_code = row[2].value_or("");
  v.visitor_user_id = ToInt(row[3]);
  v.visited_at = ToInt(row[4]);
  v.checklist = DecodeFields(row[5].value_or(""));
  v.notes = row[6].value_or("");
  std::string_view refs = row[7] ? std::string_view(*row[7]) : std::string_view();
  while (!refs.empty()) {
    auto comma = refs.find(',');
    if (comma != 0) v.changed_records.emplace_back(refs.substr(0, comma));
    refs = comma == std::string_view::npos ? std::string_view() : refs.substr(comma + 1);
  }
  v.change_seq = ToInt(row[8]);
  v.created_at = ToInt(row[9]);
  return v;
}

Visit LoadVisit(SqlTx& tx, std::int64_t id) {
  auto rows = tx.Run(std::string("SELECT ") + kVisitCols + " FROM visits WHERE id = ?1", {P::Int(id)});
  if (rows.empty()) Fail(ErrorCode::kInternal, "visit vanished");
  return ReadVisit(rows[0]);
}


}  // namespace

const char* ChangeSourceName(ChangeSource source) {
  switch (source) {
    case ChangeSource::kFieldApp: return "field_app";
    case ChangeSource::kImport: return "import";
    case ChangeSource::kApi: return "api";
    case ChangeSource::kSeed: return "seed";
  }
  return "api";
}

namespace internal {
void SqlTx::InsertRows(const std::string& table, const std::vector<std::string>& columns,
                       const std::vector<std::vector<SqlParam>>& rows) {
  if (rows.empty() || columns.empty()) return;
  // PostgreSQL takes at most 65,535 parameters per statement.
  const std::size_t per_statement = std::max<std::size_t>(1, std::min<std::size_t>(1000, 65535 / columns.size()));
  std::string head = "INSERT INTO " + table + "(";
  for (std::size_t i = 0; i < columns.size(); ++i) head += (i ? ", " : "") + columns[i];
  head += ") VALUES ";
  for (std::size_t start = 0; start < rows.size(); start += per_statement) {
    std::size_t end = std::min(rows.size(), start + per_statement);
    std::string sql = head;
    std::vector<SqlParam> params;
    params.reserve((end - start) * columns.size());
    for (std::size_t r = start; r < end; ++r) {
      sql += r == start ? "(" : ", (";
      for (std::size_t c = 0; c < columns.size(); ++c) {
        params.push_back(rows[r].at(c));
        sql += (c ? ", ?" : "?") + std::to_string(params.size());
      }
      sql += ")";
    }
    Run(sql, params);
  }
}

std::string ToDollarParams(const std::string& sql) {
  std::string out = sql;
  for (char& c : out)
    if (c == '?') c = '$';
  return out;
}
}  // namespace internal

Result<BaseRecord> BaseDataStore::CreateRecord(const model::Scope& scope, BaseRecord record,
                                               const WriteContext& ctx, const Sealer& seal) {
  if (IsPerson(record.entity) && !record.id_number) {
    return MakeError(ErrorCode::kInvalid, "id_number: required");
  }
  return Guard([&]() -> Result<BaseRecord> {
    RunBaseTx(true, [&](SqlTx& tx) {
      if (auto prior = PriorCreation(tx, ctx, model::BaseEntityName(record.entity))) {
        auto existing = Load(tx, scope, record.entity, *prior);
        if (!existing) Fail(ErrorCode::kConflict, "Idempotency-Key: already used for a record you cannot see");
        record = *existing;
        return;
      }
      CheckGrid(tx, scope, record.grid_code);
      record.version = 1;
      record.created_at = record.updated_at = ctx.at;
      std::string sql = "INSERT INTO " + Table(record.entity) +
                        "(grid_code, version, name, data, created_at, updated_at";
      std::vector<P> params = {P::Text(record.grid_code), P::Int(1), P::Text(NameOf(record)),
                               P::Text(EncodeFields(record.fields)), P::Int(ctx.at), P::Int(ctx.at)};
      if (IsPerson(record.entity)) {
        // The index goes in first so a duplicate fails before anything is encrypted.
        sql += ", id_number_cipher, id_number_index, id_number_tail) VALUES (?1, ?2, ?3, ?4, ?5, ?6, '', ?7, ?8)";
        params.push_back(P::Text(Hex(record.id_number->index)));
        params.push_back(P::Text(Hex(record.id_number->tail)));
      } else {
        sql += ") VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
      }
      sql += " RETURNING id";
      std::vector<SqlRow> rows;
      try {
        rows = tx.Run(sql, params);
      } catch (const DbError& e) {
        if (e.error.code == ErrorCode::kConflict) Fail(ErrorCode::kConflict, "id_number: a person with this ID number exists");
        throw;
      }
      record.id = ToInt(rows.at(0)[0]);
      if (seal) {
        if (auto s = seal(record); !s.ok()) throw DbError{s.error()};
      }
      try {
        WriteSealed(tx, record);
      } catch (const DbError& e) {
        if (e.error.code == ErrorCode::kConflict) Fail(ErrorCode::kConflict, "id_number: a person with this ID number exists");
        throw;
      }
      ChangeRows changes;
      LogDiff(changes, std::nullopt, record, ctx);
      WriteChanges(tx, changes);
      RememberCreation(tx, ctx, model::BaseEntityName(record.entity), record.id);
    });
    return record;
  });
}

namespace {

// `n` fresh row ids for `table`, taken inside the (serialised) write transaction.
std::vector<std::int64_t> NextIds(SqlTx& tx, const std::string& table, std::size_t n) {
  std::vector<std::int64_t> ids;
  ids.reserve(n);
  if (n == 0) return ids;
  if (tx.postgres()) {
    auto rows = tx.Run("SELECT nextval(pg_get_serial_sequence(?1, 'id')) FROM generate_series(1, ?2::bigint)",
                       {P::Text(table), P::Int(static_cast<std::int64_t>(n))});
    for (const auto& row : rows) ids.push_back(ToInt(row[0]));
    std::sort(ids.begin(), ids.end());
  } else {
    // AUTOINCREMENT never reuses an id: start above both the sequence and the largest row.
    auto rows = tx.Run("SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = ?1), 0), "
                       "coalesce((SELECT max(id) FROM " + table + "), 0))",
                       {P::Text(table)});
    std::int64_t last = ToInt(rows.at(0)[0]);
    for (std::size_t i = 0; i < n; ++i) ids.push_back(last + 1 + static_cast<std::int64_t>(i));
  }
  return ids;
}

// "col IN (?k, ?k+1, ...)" for `values`, appended to `params`.
std::string InList(const std::string& col, const std::vector<P>& values, std::vector<P>& params) {
  std::string sql = col + " IN (";
  for (std::size_t i = 0; i < values.size(); ++i) {
    params.push_back(values[i]);
    sql += (i ? ", ?" : "?") + std::to_string(params.size());
  }
  return sql + ")";
}

constexpr std::size_t kInChunk = 500;

}  // namespace

Result<std::vector<Result<BaseRecord>>> BaseDataStore::CreateRecords(const model::Scope& scope,
                                                                     std::vector<BaseRecord> records,
                                                                     const WriteContext& ctx, const Sealer& seal) {
  const std::size_t n = records.size();
  std::vector<std::optional<Error>> errors(n);
  if (n == 0) return std::vector<Result<BaseRecord>>{};
  const model::BaseEntity entity = records[0].entity;
  for (const auto& r : records) {
    if (r.entity != entity) return MakeError(ErrorCode::kInvalid, "a batch holds records of one entity");
  }
  const std::string table = Table(entity);
  return Guard([&]() -> Result<std::vector<Result<BaseRecord>>> {
    RunBaseTx(true, [&](SqlTx& tx) {
      std::fill(errors.begin(), errors.end(), std::nullopt);
      // Grids: each distinct code checked once.
      std::map<std::string, std::optional<Error>> grids;
      for (const auto& r : records) grids.emplace(r.grid_code, std::nullopt);
      std::vector<P> to_check;
      for (auto& [code, err] : grids) {
        if (!scope.Contains(code)) err = MakeError(ErrorCode::kNotFound, "grid not found");
        else to_check.push_back(P::Text(code));
      }
      std::set<std::string> real_grids;
      for (std::size_t i = 0; i < to_check.size(); i += kInChunk) {
        std::vector<P> chunk(to_check.begin() + i, to_check.begin() + std::min(to_check.size(), i + kInChunk));
        std::vector<P> params;
        std::string where = InList("code", chunk, params);
        for (const auto& row : tx.Run("SELECT code FROM org_units WHERE kind = 'grid' AND " + where, params)) {
          real_grids.insert(row[0].value_or(""));
        }
      }
      for (auto& [code, err] : grids) {
        if (!err && !real_grids.count(code)) err = MakeError(ErrorCode::kInvalid, "grid_code: no such grid");
      }
      for (std::size_t i = 0; i < n; ++i) errors[i] = grids[records[i].grid_code];
      // ID numbers: unique against the table and within the batch (the first one wins).
      if (IsPerson(entity)) {
        std::map<std::string, std::size_t> first;
        for (std::size_t i = 0; i < n; ++i) {
          if (errors[i]) continue;
          if (!records[i].id_number) {
            errors[i] = MakeError(ErrorCode::kInvalid, "id_number: required");
          } else if (!first.emplace(Hex(records[i].id_number->index), i).second) {
            errors[i] = MakeError(ErrorCode::kConflict, "id_number: the same ID number appears earlier in the batch");
          }
        }
        std::vector<P> keys;
        for (const auto& [hex, i] : first) keys.push_back(P::Text(hex));
        for (std::size_t i = 0; i < keys.size(); i += kInChunk) {
          std::vector<P> chunk(keys.begin() + i, keys.begin() + std::min(keys.size(), i + kInChunk));
          std::vector<P> params;
          std::string where = InList("id_number_index", chunk, params);
          for (const auto& row : tx.Run("SELECT id_number_index FROM persons WHERE " + where, params)) {
            errors[first.at(row[0].value_or(""))] =
                MakeError(ErrorCode::kConflict, "id_number: a person with this ID number exists");
          }
        }
      }
      std::size_t ok_rows = 0;
      for (const auto& e : errors) ok_rows += !e;
      auto ids = NextIds(tx, table, ok_rows);
      std::vector<std::string> cols = {"id", "grid_code", "version", "name", "data", "created_at", "updated_at"};
      if (IsPerson(entity)) {
        for (const char* c : {"id_number_cipher", "id_number_index", "id_number_tail", "phone_cipher", "phone_index",
                              "phone_tail"}) {
          cols.push_back(c);
        }
      }
      std::vector<std::vector<P>> rows;
      rows.reserve(ok_rows);
      ChangeRows changes;
      auto opt = [](const std::optional<SealedValue>& v, std::string SealedValue::*m) {
        return v ? P::Text(Hex((*v).*m)) : P::Null();
      };
      std::size_t next = 0;
      for (std::size_t i = 0; i < n; ++i) {
        if (errors[i]) continue;
        BaseRecord& r = records[i];
        r.id = ids[next++];
        r.version = 1;
        r.created_at = r.updated_at = ctx.at;
        if (seal) {
          if (auto st = seal(r); !st.ok()) throw DbError{st.error()};
        }
        std::vector<P> row = {P::Int(r.id), P::Text(r.grid_code), P::Int(1), P::Text(NameOf(r)),
                              P::Text(EncodeFields(r.fields)), P::Int(ctx.at), P::Int(ctx.at)};
        if (IsPerson(entity)) {
          for (auto p : {opt(r.id_number, &SealedValue::cipher), opt(r.id_number, &SealedValue::index),
                         opt(r.id_number, &SealedValue::tail), opt(r.phone, &SealedValue::cipher),
                         opt(r.phone, &SealedValue::index), opt(r.phone, &SealedValue::tail)}) {
            row.push_back(std::move(p));
          }
        }
        rows.push_back(std::move(row));
        LogDiff(changes, std::nullopt, r, ctx);
      }
      tx.InsertRows(table, cols, rows);
      WriteChanges(tx, changes);
    });
    std::vector<Result<BaseRecord>> out;
    out.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
      if (errors[i]) out.emplace_back(*errors[i]);
      else out.emplace_back(std::move(records[i]));
    }
    return out;
  });
}

Result<std::set<std::int64_t>> BaseDataStore::ExistingIds(const model::Scope& scope, model::BaseEntity entity,
                                                          const std::vector<std::int64_t>& ids) {
  return Guard([&]() -> Result<std::set<std::int64_t>> {
    std::set<std::int64_t> out;
    std::vector<P> all;
    for (auto id : std::set<std::int64_t>(ids.begin(), ids.end())) all.push_back(P::Int(id));
    RunBaseTx(false, [&](SqlTx& tx) {
      for (std::size_t i = 0; i < all.size(); i += kInChunk) {
        std::vector<P> chunk(all.begin() + i, all.begin() + std::min(all.size(), i + kInChunk));
        std::vector<P> params;
        std::string where = InList("id", chunk, params);
        for (const auto& row : tx.Run("SELECT id, grid_code FROM " + Table(entity) + " WHERE " + where, params)) {
          if (scope.Contains(row[1].value_or(""))) out.insert(ToInt(row[0]));
        }
      }
    });
    return out;
  });
}

Result<BaseRecord> BaseDataStore::GetRecord(const model::Scope& scope, model::BaseEntity entity,
                                            std::int64_t id) {
  return Guard([&]() -> Result<BaseRecord> {
    std::optional<BaseRecord> out;
    RunBaseTx(false, [&](SqlTx& tx) { out = Load(tx, scope, entity, id); });
    if (!out) return NotFound(entity);
    return *out;
  });
}

Result<BaseRecord> BaseDataStore::UpdateRecord(const model::Scope& scope, const BaseRecord& record,
                                               const WriteContext& ctx) {
  if (IsPerson(record.entity) && !record.id_number) {
    return MakeError(ErrorCode::kInvalid, "id_number: required");
  }
  return Guard([&]() -> Result<BaseRecord> {
    BaseRecord after = record;
    RunBaseTx(true, [&](SqlTx& tx) {
      auto before = Load(tx, scope, record.entity, record.id);
      if (!before) throw DbError{NotFound(record.entity)};
      // The store never sees clear numbers: the previous masks come from the change log.
      for (auto [name, sealed] : {std::pair{"id_number", &before->id_number}, std::pair{"phone", &before->phone}}) {
        if (!*sealed) continue;
        auto last = tx.Run("SELECT new_value FROM change_log WHERE entity = ?1 AND entity_id = ?2 AND field = ?3 "
                           "ORDER BY seq DESC LIMIT 1",
                           {P::Text(model::BaseEntityName(record.entity)), P::Int(record.id), P::Text(name)});
        if (!last.empty()) (*sealed)->masked = last[0][0].value_or("");
      }
      if (before->version != record.version) {
        Fail(ErrorCode::kConflict, "version " + std::to_string(record.version) +
                                       " is stale; the record is at version " + std::to_string(before->version));
      }
      if (after.grid_code != before->grid_code) {
        CheckGrid(tx, scope, after.grid_code);
        // A person who moves takes their welfare visits along (welfare_store.cpp): the copy of
        // the grid the overdue list is scoped by changes in the same transaction.
        if (IsPerson(record.entity))
          tx.Run("UPDATE welfare_subjects SET grid_code = ?1 WHERE person_id = ?2", {P::Text(after.grid_code), P::Int(after.id)});
      }
      after.version = before->version + 1;
      after.created_at = before->created_at;
      after.updated_at = ctx.at;
      tx.Run("UPDATE " + Table(record.entity) +
                 " SET grid_code = ?2, version = ?3, name = ?4, data = ?5, updated_at = ?6 WHERE id = ?1",
             {P::Int(after.id), P::Text(after.grid_code), P::Int(after.version), P::Text(NameOf(after)),
              P::Text(EncodeFields(after.fields)), P::Int(ctx.at)});
      try {
        WriteSealed(tx, after);
      } catch (const DbError& e) {
        if (e.error.code == ErrorCode::kConflict) Fail(ErrorCode::kConflict, "id_number: a person with this ID number exists");
        throw;
      }
      ChangeRows changes;
      LogDiff(changes, before, after, ctx);
      WriteChanges(tx, changes);
    });
    return after;
  });
}

Status BaseDataStore::DeleteRecord(const model::Scope& scope, model::BaseEntity entity, std::int64_t id,
                                   std::int64_t version, const WriteContext& ctx) {
  return Guard([&]() -> Status {
    RunBaseTx(true, [&](SqlTx& tx) {
      auto before = Load(tx, scope, entity, id);
      if (!before) throw DbError{NotFound(entity)};
      if (before->version != version) Fail(ErrorCode::kConflict, "version is stale");
      tx.Run("DELETE FROM " + Table(entity) + " WHERE id = ?1", {P::Int(id)});
      ChangeRows changes;
      LogDiff(changes, before, std::nullopt, ctx);
      WriteChanges(tx, changes);
    });
    return {};
  });
}

Result<Slice<BaseRecord>> BaseDataStore::ListRecords(const model::Scope& scope, const RecordQuery& query,
                                                     Page page) {
  CG_RETURN_IF_ERROR(internal::ValidatePage(page));
  std::string prefix = query.grid_prefix.empty() ? scope.root_code() : query.grid_prefix;
  if (!scope.Contains(prefix)) return MakeError(ErrorCode::kNotFound, "grid not found");
  return Guard([&]() -> Result<Slice<BaseRecord>> {
    Slice<BaseRecord> out;
    RunBaseTx(false, [&](SqlTx& tx) {
      std::vector<P> params;
      std::string where = " WHERE " + RangeSql("grid_code", 1, internal::RangeOf(prefix), params);
      auto add = [&](const std::string& cond, P p) {
        params.push_back(std::move(p));
        std::string n = "?" + std::to_string(params.size());
        std::string c = cond;
        c.replace(c.find('#'), 1, n);
        where += " AND " + c;
      };
      if (!query.name_contains.empty()) {
        add(tx.postgres() ? "strpos(name, #) > 0" : "instr(name, #) > 0", P::Text(query.name_contains));
      }
      if (IsPerson(query.entity)) {
        if (!query.id_number_index.empty()) add("id_number_index = #", P::Text(Hex(query.id_number_index)));
        if (!query.id_number_tail.empty()) add("id_number_tail = #", P::Text(Hex(query.id_number_tail)));
        if (!query.phone_index.empty()) add("phone_index = #", P::Text(Hex(query.phone_index)));
      }
      const std::string from = " FROM " + Table(query.entity) + where;
      out.total = ToInt(tx.Run("SELECT count(*)" + from, params).at(0)[0]);
      std::size_t n = params.size();
      params.push_back(P::Int(page.limit));
      params.push_back(P::Int(page.offset));
      auto rows = tx.Run("SELECT " + SelectCols(query.entity) + from + " ORDER BY id LIMIT ?" +
                             std::to_string(n + 1) + " OFFSET ?" + std::to_string(n + 2),
                         params);
      for (const auto& row : rows) out.items.push_back(ReadRecord(query.entity, row));
    });
    return out;
  });
}

Result<std::vector<Change>> BaseDataStore::History(const model::Scope& scope, model::BaseEntity entity,
                                                   std::int64_t id) {
  return Guard([&]() -> Result<std::vector<Change>> {
    std::vector<Change> out;
    bool found = false;
    RunBaseTx(false, [&](SqlTx& tx) {
      found = Load(tx, scope, entity, id).has_value();
      if (!found) return;
      auto rows = tx.Run(std::string("SELECT ") + kChangeCols +
                             " FROM change_log WHERE entity = ?1 AND entity_id = ?2 ORDER BY seq",
                         {P::Text(model::BaseEntityName(entity)), P::Int(id)});
      for (const auto& row : rows) out.push_back(ReadChange(row));
    });
    if (!found) return NotFound(entity);
    return out;
  });
}

Result<std::vector<Change>> BaseDataStore::ChangesSince(const model::Scope& scope, std::int64_t since_seq,
                                                        std::int64_t limit) {
  if (limit < 0 || since_seq < 0) return MakeError(ErrorCode::kInvalid, "since and limit must be >= 0");
  return Guard([&]() -> Result<std::vector<Change>> {
    std::vector<Change> out;
    RunBaseTx(false, [&](SqlTx& tx) {
      std::vector<P> params = {P::Int(since_seq)};
      std::string where = "seq > ?1 AND " + RangeSql("grid_code", 2, internal::RangeOf(scope.root_code()), params);
      params.push_back(P::Int(limit));
      auto rows = tx.Run(std::string("SELECT ") + kChangeCols + " FROM change_log WHERE " + where +
                             " ORDER BY seq LIMIT ?" + std::to_string(params.size()),
                         params);
      for (const auto& row : rows) out.push_back(ReadChange(row));
    });
    return out;
  });
}

Result<std::vector<BaseRecord>> BaseDataStore::ScanRecords(const model::Scope& scope, model::BaseEntity entity,
                                                           std::int64_t after_id, std::int64_t limit) {
  if (after_id < 0 || limit < 1 || limit > 100000) {
    return MakeError(ErrorCode::kInvalid, "after_id must be >= 0 and limit within 1..100000");
  }
  return Guard([&]() -> Result<std::vector<BaseRecord>> {
    std::vector<BaseRecord> out;
    RunBaseTx(false, [&](SqlTx& tx) {
      std::vector<P> params = {P::Int(after_id)};
      std::string where = "id > ?1 AND " + RangeSql("grid_code", 2, internal::RangeOf(scope.root_code()), params);
      params.push_back(P::Int(limit));
      auto rows = tx.Run("SELECT " + SelectCols(entity) + " FROM " + Table(entity) + " WHERE " + where +
                             " ORDER BY id LIMIT ?" + std::to_string(params.size()),
                         params);
      out.reserve(rows.size());
      for (const auto& row : rows) out.push_back(ReadRecord(entity, row));
    });
    return out;
  });
}

Result<std::int64_t> BaseDataStore::LastChangeSeq() {
  return Guard([&]() -> Result<std::int64_t> {
    std::int64_t seq = 0;
    RunBaseTx(false, [&](SqlTx& tx) {
      seq = ToInt(tx.Run("SELECT COALESCE(MAX(seq), 0) FROM change_log", {}).at(0)[0]);
    });
    return seq;
  });
}

Status BaseDataStore::InsertReportTemplate(const StoredTemplate& t) {
  return Guard([&]() -> Status {
    RunBaseTx(true, [&](SqlTx& tx) {
      if (!tx.Run("SELECT 1 FROM report_templates WHERE code = ?1", {P::Text(t.code)}).empty()) {
        Fail(ErrorCode::kConflict, "a report template with code '" + t.code + "' exists");
      }
      tx.Run("INSERT INTO report_templates(code, body, created_by, created_at) VALUES (?1, ?2, ?3, ?4)",
             {P::Text(t.code), P::Text(t.body), P::Int(t.created_by), P::Int(t.created_at)});
    });
    return {};
  });
}

Result<std::vector<StoredTemplate>> BaseDataStore::ListReportTemplates() {
  return Guard([&]() -> Result<std::vector<StoredTemplate>> {
    std::vector<StoredTemplate> out;
    RunBaseTx(false, [&](SqlTx& tx) {
      for (const auto& row : tx.Run("SELECT code, body, created_by, created_at FROM report_templates ORDER BY code", {})) {
        out.push_back({row[0].value_or(""), row[1].value_or(""), ToInt(row[2]), ToInt(row[3])});
      }
    });
    return out;
  });
}

Status BaseDataStore::DeleteReportTemplate(const std::string& code) {
  return Guard([&]() -> Status {
    RunBaseTx(true, [&](SqlTx& tx) {
      if (tx.Run("DELETE FROM report_templates WHERE code = ?1 RETURNING code", {P::Text(code)}).empty()) {
        Fail(ErrorCode::kNotFound, "no report template '" + code + "'");
      }
    });
    return {};
  });
}

void internal::AppendAuditIn(SqlTx& tx, AuditEntry& e) {
  auto last = tx.Run("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1", {});
  e.prev_hash = last.empty() ? std::string(64, '0') : last[0][1].value_or("");
  e.seq = last.empty() ? 1 : ToInt(last[0][0]) + 1;
  e.hash = Sha256Hex(AuditContent(e));
  tx.Run(std::string("INSERT INTO audit_log(") + kAuditCols + ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
         {P::Int(e.seq), P::Int(e.at), P::Int(e.actor_user_id), P::Text(e.action), P::Text(e.entity),
          P::Int(e.entity_id), P::Text(e.field), P::Text(e.reason), P::Text(e.prev_hash), P::Text(e.hash)});
}

Result<AuditEntry> BaseDataStore::AppendAudit(const AuditEntry& entry) {
  return Guard([&]() -> Result<AuditEntry> {
    AuditEntry e = entry;
    RunBaseTx(true, [&](SqlTx& tx) { internal::AppendAuditIn(tx, e); });
    return e;
  });
}

Status BaseDataStore::VerifyAuditChain() {
  return Guard([&]() -> Status {
    Status result;
    RunBaseTx(false, [&](SqlTx& tx) {
      auto rows = tx.Run(std::string("SELECT ") + kAuditCols + " FROM audit_log ORDER BY seq", {});
      std::string prev(64, '0');
      std::int64_t expect_seq = 1;
      for (const auto& row : rows) {
        AuditEntry e = ReadAudit(row);
        if (e.seq != expect_seq || e.prev_hash != prev || Sha256Hex(AuditContent(e)) != e.hash) {
          result = MakeError(ErrorCode::kInternal,
                             "audit log chain broken at seq " + std::to_string(e.seq));
          return;
        }
        prev = e.hash;
        ++expect_seq;
      }
    });
    return result;
  });
}

Result<std::vector<AuditEntry>> BaseDataStore::ListAudit(std::int64_t since_seq, std::int64_t limit) {
  return Guard([&]() -> Result<std::vector<AuditEntry>> {
    std::vector<AuditEntry> out;
    RunBaseTx(false, [&](SqlTx& tx) {
      auto rows = tx.Run(std::string("SELECT ") + kAuditCols + " FROM audit_log WHERE seq > ?1 ORDER BY seq LIMIT ?2",
                         {P::Int(since_seq), P::Int(limit)});
      for (const auto& row : rows) out.push_back(ReadAudit(row));
    });
    return out;
  });
}

Result<Visit> BaseDataStore::CreateVisit(const model::Scope& scope, Visit visit, const WriteContext& ctx) {
  return Guard([&]() -> Result<Visit> {
    RunBaseTx(true, [&](SqlTx& tx) {
      if (auto prior = PriorCreation(tx, ctx, "visit")) {
        visit = LoadVisit(tx, *prior);
        if (!scope.Contains(visit.grid_code)) Fail(ErrorCode::kConflict, "Idempotency-Key: already used");
        return;
      }
      auto household = Load(tx, scope, model::BaseEntity::kHousehold, visit.household_id);
      if (!household) throw DbError{NotFound(model::BaseEntity::kHousehold)};
      visit.grid_code = household->grid_code;
      visit.created_at = ctx.at;
      std::string refs;
      for (const auto& r : visit.changed_records) refs += (refs.empty() ? "" : ",") + r;
      auto rows = tx.Run("INSERT INTO visits(household_id, grid_code, visitor_user_id, visited_at, checklist, notes, "
                         "changed_records, change_seq, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 0, ?8) "
                         "RETURNING id",
                         {P::Int(visit.household_id), P::Text(visit.grid_code), P::Int(visit.visitor_user_id),
                          P::Int(visit.visited_at), P::Text(EncodeFields(visit.checklist)), P::Text(visit.notes),
                          P::Text(refs), P::Int(ctx.at)});
      visit.id = ToInt(rows.at(0)[0]);
      ChangeRows changes;
      Log(changes, *household, "visit", std::nullopt, std::to_string(visit.id), ctx);
      WriteChanges(tx, changes);
      visit.change_seq = ToInt(tx.Run("SELECT max(seq) FROM change_log WHERE entity = 'household' AND entity_id = ?1 "
                                      "AND field = 'visit'",
                                      {P::Int(visit.household_id)})
                                   .at(0)[0]);
      tx.Run("UPDATE visits SET change_seq = ?2 WHERE id = ?1", {P::Int(visit.id), P::Int(visit.change_seq)});
      RememberCreation(tx, ctx, "visit", visit.id);
    });
    return visit;
  });
}

Result<Slice<Visit>> BaseDataStore::ListVisits(const model::Scope& scope, const VisitQuery& query, Page page) {
  CG_RETURN_IF_ERROR(internal::ValidatePage(page));
  std::string prefix = query.grid_prefix.empty() ? scope.root_code() : query.grid_prefix;
  if (!scope.Contains(prefix)) return MakeError(ErrorCode::kNotFound, "grid not found");
  return Guard([&]() -> Result<Slice<Visit>> {
    Slice<Visit> out;
    RunBaseTx(false, [&](SqlTx& tx) {
      std::vector<P> params;
      std::string where = " WHERE " + RangeSql("grid_code", 1, internal::RangeOf(prefix), params);
      auto add = [&](const std::string& cond, std::int64_t value) {
        params.push_back(P::Int(value));
        where += " AND " + cond + " ?" + std::to_string(params.size());
      };
      if (query.household_id) add("household_id =", query.household_id);
      if (query.from) add("visited_at >=", query.from);
      if (query.to) add("visited_at <", query.to);
      const std::string from = " FROM visits" + where;
      out.total = ToInt(tx.Run("SELECT count(*)" + from, params).at(0)[0]);
      std::size_t n = params.size();
      params.push_back(P::Int(page.limit));
      params.push_back(P::Int(page.offset));
      auto rows = tx.Run(std::string("SELECT ") + kVisitCols + from + " ORDER BY visited_at DESC, id DESC LIMIT ?" +
                             std::to_string(n + 1) + " OFFSET ?" + std::to_string(n + 2),
                         params);
      for (const auto& row : rows) out.items.push_back(ReadVisit(row));
    });
    return out;
  });
}

}  // namespace cg::store
