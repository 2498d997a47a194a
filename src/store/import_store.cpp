// Import jobs and their rows, and the batch person lookups imports match with: written once
// against internal::SqlTx for both backends (docs/import.md).
#include <algorithm>
#include <map>
#include <set>

#include "store/base_store.hpp"
#include "store/internal/area_sql.hpp"
#include "store/internal/codec.hpp"
#include "store/internal/common.hpp"
#include "store/internal/sql_tx.hpp"
#include "store/store.hpp"

namespace cg::store {
namespace {

using internal::DecodeFields;
using internal::EncodeFields;
using internal::Fail;
using internal::Guard;
using internal::Hex;
using internal::SqlRow;
using internal::SqlTx;
using internal::ToInt;
using internal::Unhex;
using P = internal::SqlParam;

constexpr std::size_t kChunk = 500;

constexpr ImportOutcome kAllOutcomes[] = {ImportOutcome::kCreated, ImportOutcome::kUpdated,
                                          ImportOutcome::kUnchanged, ImportOutcome::kInvalid,
                                          ImportOutcome::kReview, ImportOutcome::kSkipped};

const char kJobCols[] =
    "id, scope_code, entity, file_name, mapping, dry_run, status, error, total_rows, done_rows, n_created, "
    "n_updated, n_unchanged, n_invalid, n_review, n_skipped, created_by, created_at, updated_at";

ImportStatus ParseStatus(const std::string& s) {
  if (s == "done") return ImportStatus::kDone;
  if (s == "failed") return ImportStatus::kFailed;
  return ImportStatus::kRunning;
}

ImportJob ReadJob(const SqlRow& row) {
  ImportJob j;
  j.id = ToInt(row[0]);
  j.scope_code = row[1].value_or("");
  j.entity = row[2].value_or("");
  j.file_name = row[3].value_or("");
  j.mapping = DecodeFields(row[4].value_or(""));
  j.dry_run = ToInt(row[5]) != 0;
  j.status = ParseStatus(row[6].value_or(""));
  j.error = row[7].value_or("");
  j.total_rows = ToInt(row[8]);
  j.done_rows = ToInt(row[9]);
  j.counts.created = ToInt(row[10]);
  j.counts.updated = ToInt(row[11]);
  j.counts.unchanged = ToInt(row[12]);
  j.counts.invalid = ToInt(row[13]);
  j.counts.review = ToInt(row[14]);
  j.counts.skipped = ToInt(row[15]);
  j.created_by = ToInt(row[16]);
  j.created_at = ToInt(row[17]);
  j.updated_at = ToInt(row[18]);
  return j;
}

const char kRowCols[] = "job_id, row_number, outcome, review, record_id, detail, payload, resolved_by, resolved_at";

ImportRow ReadRow(const SqlRow& row) {
  ImportRow r;
  r.job_id = ToInt(row[0]);
  r.row_number = ToInt(row[1]);
  r.outcome = ParseImportOutcome(row[2].value_or("")).value_or(ImportOutcome::kInvalid);
  r.review = row[3].value_or("");
  r.record_id = ToInt(row[4]);
  r.detail = DecodeFields(row[5].value_or(""));
  if (row[6]) r.payload = Unhex(*row[6]);
  r.resolved_by = ToInt(row[7]);
  r.resolved_at = ToInt(row[8]);
  return r;
}

// The job if it exists and `scope` contains its scope code.
std::optional<ImportJob> LoadJob(SqlTx& tx, const model::Scope& scope, std::int64_t id) {
  auto rows = tx.Run(std::string("SELECT ") + kJobCols + " FROM import_jobs WHERE id = ?1", {P::Int(id)});
  if (rows.empty()) return std::nullopt;
  ImportJob j = ReadJob(rows[0]);
  if (!scope.Contains(j.scope_code)) return std::nullopt;
  return j;
}

ImportJob RequireJob(SqlTx& tx, const model::Scope& scope, std::int64_t id) {
  auto j = LoadJob(tx, scope, id);
  if (!j) Fail(ErrorCode::kNotFound, "import not found");
  return *j;
}

std::string CountColumn(ImportOutcome o) { return std::string("n_") + ImportOutcomeName(o); }

// Person rows (base_store.cpp's column order) for one WHERE clause, kept if inside `scope`.
std::vector<BaseRecord> SelectPersons(SqlTx& tx, const model::Scope& scope, const std::string& where,
                                      const std::vector<P>& params) {
  auto rows = tx.Run("SELECT " + internal::SelectCols(model::BaseEntity::kPerson) + " FROM persons WHERE " + where +
                         " ORDER BY id",
                     params);
  std::vector<BaseRecord> out;
  for (const auto& row : rows) {
    if (scope.Contains(row[1].value_or(""))) out.push_back(internal::ReadRecord(model::BaseEntity::kPerson, row));
  }
  return out;
}

std::string InList(const std::string& col, std::size_t first, std::size_t n) {
  std::string sql = col + " IN (";
  for (std::size_t i = 0; i < n; ++i) sql += (i ? ", ?" : "?") + std::to_string(first + i);
  return sql + ")";
}

}  // namespace

const char* ImportOutcomeName(ImportOutcome outcome) {
  switch (outcome) {
    case ImportOutcome::kCreated: return "created";
    case ImportOutcome::kUpdated: return "updated";
    case ImportOutcome::kUnchanged: return "unchanged";
    case ImportOutcome::kInvalid: return "invalid";
    case ImportOutcome::kReview: return "review";
    case ImportOutcome::kSkipped: return "skipped";
  }
  return "invalid";
}

std::optional<ImportOutcome> ParseImportOutcome(std::string_view name) {
  for (auto o : kAllOutcomes)
    if (name == ImportOutcomeName(o)) return o;
  return std::nullopt;
}

const char* ImportStatusName(ImportStatus status) {
  switch (status) {
    case ImportStatus::kRunning: return "running";
    case ImportStatus::kDone: return "done";
    case ImportStatus::kFailed: return "failed";
  }
  return "running";
}

std::int64_t& ImportCounts::Of(ImportOutcome outcome) {
  switch (outcome) {
    case ImportOutcome::kCreated: return created;
    case ImportOutcome::kUpdated: return updated;
    case ImportOutcome::kUnchanged: return unchanged;
    case ImportOutcome::kInvalid: return invalid;
    case ImportOutcome::kReview: return review;
    case ImportOutcome::kSkipped: return skipped;
  }
  return invalid;
}

Result<std::vector<BaseRecord>> BaseDataStore::FindPersonsByIdIndex(const model::Scope& scope,
                                                                    const std::vector<std::string>& indexes) {
  return Guard([&]() -> Result<std::vector<BaseRecord>> {
    std::vector<BaseRecord> out;
    std::vector<std::string> keys;
    for (const auto& i : std::set<std::string>(indexes.begin(), indexes.end())) keys.push_back(Hex(i));
    RunBaseTx(false, [&](SqlTx& tx) {
      out.clear();
      for (std::size_t i = 0; i < keys.size(); i += kChunk) {
        std::size_t n = std::min(kChunk, keys.size() - i);
        std::vector<P> params;
        for (std::size_t k = 0; k < n; ++k) params.push_back(P::Text(keys[i + k]));
        for (auto& r : SelectPersons(tx, scope, InList("id_number_index", 1, n), params)) out.push_back(std::move(r));
      }
    });
    return out;
  });
}

Result<std::vector<BaseRecord>> BaseDataStore::FindPersonsByName(const model::Scope& scope,
                                                                 const std::vector<std::string>& names,
                                                                 std::int64_t limit_per_name) {
  if (limit_per_name <= 0) return MakeError(ErrorCode::kInvalid, "limit_per_name must be positive");
  return Guard([&]() -> Result<std::vector<BaseRecord>> {
    std::vector<BaseRecord> out;
    std::vector<std::string> distinct;
    for (const auto& n : std::set<std::string>(names.begin(), names.end()))
      if (!n.empty()) distinct.push_back(n);
    RunBaseTx(false, [&](SqlTx& tx) {
      out.clear();
      const auto range = internal::RangeOf(scope.root_code());
      for (std::size_t i = 0; i < distinct.size(); i += kChunk) {
        std::size_t n = std::min(kChunk, distinct.size() - i);
        std::vector<P> params;
        for (std::size_t k = 0; k < n; ++k) params.push_back(P::Text(distinct[i + k]));
        std::string where = InList("name", 1, n);
        params.push_back(P::Text(range.lo));
        where += " AND grid_code >= ?" + std::to_string(params.size());
        if (!range.unbounded_hi) {
          params.push_back(P::Text(range.hi));
          where += " AND grid_code < ?" + std::to_string(params.size());
        }
        std::map<std::string, std::int64_t> per_name;
        for (auto& r : SelectPersons(tx, scope, where, params)) {
          if (++per_name[r.fields["name"]] > limit_per_name) continue;
          out.push_back(std::move(r));
        }
      }
    });
    return out;
  });
}

Result<ImportJob> BaseDataStore::CreateImportJob(const model::Scope& scope, ImportJob job) {
  if (!scope.Contains(job.scope_code)) return MakeError(ErrorCode::kNotFound, "org unit not found");
  return Guard([&]() -> Result<ImportJob> {
    RunBaseTx(true, [&](SqlTx& tx) {
      internal::RequireUnit(tx, job.scope_code);
      job.counts = {};
      job.done_rows = 0;
      auto rows = tx.Run(
          "INSERT INTO import_jobs(scope_code, entity, file_name, mapping, dry_run, status, error, total_rows, "
          "done_rows, n_created, n_updated, n_unchanged, n_invalid, n_review, n_skipped, created_by, created_at, "
          "updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 0, 0, 0, 0, 0, 0, 0, ?9, ?10, ?10) RETURNING id",
          {P::Text(job.scope_code), P::Text(job.entity), P::Text(job.file_name), P::Text(EncodeFields(job.mapping)),
           P::Int(job.dry_run ? 1 : 0), P::Text(ImportStatusName(job.status)), P::Text(job.error),
           P::Int(job.total_rows), P::Int(job.created_by), P::Int(job.created_at)});
      job.id = ToInt(rows.at(0)[0]);
      job.updated_at = job.created_at;
    });
    return job;
  });
}

Result<ImportJob> BaseDataStore::GetImportJob(const model::Scope& scope, std::int64_t id) {
  return Guard([&]() -> Result<ImportJob> {
    ImportJob out;
    RunBaseTx(false, [&](SqlTx& tx) { out = RequireJob(tx, scope, id); });
    return out;
  });
}

Result<Slice<ImportJob>> BaseDataStore::ListImportJobs(const model::Scope& scope, Page page) {
  CG_RETURN_IF_ERROR(internal::ValidatePage(page));
  return Guard([&]() -> Result<Slice<ImportJob>> {
    Slice<ImportJob> out;
    RunBaseTx(false, [&](SqlTx& tx) {
      const auto range = internal::RangeOf(scope.root_code());
      std::vector<P> params = {P::Text(range.lo)};
      std::string where = " WHERE scope_code >= ?1";
      if (!range.unbounded_hi) {
        params.push_back(P::Text(range.hi));
        where += " AND scope_code < ?2";
      }
      out.total = ToInt(tx.Run("SELECT count(*) FROM import_jobs" + where, params).at(0)[0]);
      std::size_t n = params.size();
      params.push_back(P::Int(page.limit));
      params.push_back(P::Int(page.offset));
      auto rows = tx.Run(std::string("SELECT ") + kJobCols + " FROM import_jobs" + where + " ORDER BY id DESC LIMIT ?" +
                             std::to_string(n + 1) + " OFFSET ?" + std::to_string(n + 2),
                         params);
      out.items.clear();
      for (const auto& row : rows) out.items.push_back(ReadJob(row));
    });
    return out;
  });
}

Status BaseDataStore::RecordImportRows(const model::Scope& scope, const ImportJob& progress,
                                       const std::vector<ImportRow>& rows) {
  return Guard([&]() -> Status {
    RunBaseTx(true, [&](SqlTx& tx) {
      ImportJob job = RequireJob(tx, scope, progress.id);
      std::vector<std::vector<P>> values;
      values.reserve(rows.size());
      for (const auto& r : rows) {
        job.counts.Of(r.outcome) += 1;
        values.push_back({P::Int(job.id), P::Int(r.row_number), P::Text(ImportOutcomeName(r.outcome)),
                          P::Text(r.review), P::Int(r.record_id), P::Text(EncodeFields(r.detail)),
                          r.payload.empty() ? P::Null() : P::Text(Hex(r.payload)), P::Int(r.resolved_by),
                          P::Int(r.resolved_at)});
      }
      try {
        tx.InsertRows("import_rows",
                      {"job_id", "row_number", "outcome", "review", "record_id", "detail", "payload", "resolved_by",
                       "resolved_at"},
                      values);
      } catch (const internal::DbError& e) {
        if (e.error.code == ErrorCode::kConflict) Fail(ErrorCode::kConflict, "import row recorded twice");
        throw;
      }
      const auto& c = job.counts;
      tx.Run("UPDATE import_jobs SET status = ?2, error = ?3, total_rows = ?4, done_rows = ?5, n_created = ?6, "
             "n_updated = ?7, n_unchanged = ?8, n_invalid = ?9, n_review = ?10, n_skipped = ?11, updated_at = ?12 "
             "WHERE id = ?1",
             {P::Int(job.id), P::Text(ImportStatusName(progress.status)), P::Text(progress.error),
              P::Int(progress.total_rows), P::Int(progress.done_rows), P::Int(c.created), P::Int(c.updated),
              P::Int(c.unchanged), P::Int(c.invalid), P::Int(c.review), P::Int(c.skipped), P::Int(progress.updated_at)});
    });
    return {};
  });
}

Result<Slice<ImportRow>> BaseDataStore::ListImportRows(const model::Scope& scope, std::int64_t job_id,
                                                       std::optional<ImportOutcome> outcome, Page page) {
  CG_RETURN_IF_ERROR(internal::ValidatePage(page));
  return Guard([&]() -> Result<Slice<ImportRow>> {
    Slice<ImportRow> out;
    RunBaseTx(false, [&](SqlTx& tx) {
      RequireJob(tx, scope, job_id);
      std::vector<P> params = {P::Int(job_id)};
      std::string where = " WHERE job_id = ?1";
      if (outcome) {
        params.push_back(P::Text(ImportOutcomeName(*outcome)));
        where += " AND outcome = ?2";
      }
      out.total = ToInt(tx.Run("SELECT count(*) FROM import_rows" + where, params).at(0)[0]);
      std::size_t n = params.size();
      params.push_back(P::Int(page.limit));
      params.push_back(P::Int(page.offset));
      auto rows = tx.Run(std::string("SELECT ") + kRowCols + " FROM import_rows" + where +
                             " ORDER BY row_number LIMIT ?" + std::to_string(n + 1) + " OFFSET ?" +
                             std::to_string(n + 2),
                         params);
      out.items.clear();
      for (const auto& row : rows) out.items.push_back(ReadRow(row));
    });
    return out;
  });
}

Result<ImportRow> BaseDataStore::GetImportRow(const model::Scope& scope, std::int64_t job_id,
                                              std::int64_t row_number) {
  return Guard([&]() -> Result<ImportRow> {
    ImportRow out;
    RunBaseTx(false, [&](SqlTx& tx) {
      RequireJob(tx, scope, job_id);
      auto rows = tx.Run(std::string("SELECT ") + kRowCols + " FROM import_rows WHERE job_id = ?1 AND row_number = ?2",
                         {P::Int(job_id), P::Int(row_number)});
      if (rows.empty()) Fail(ErrorCode::kNotFound, "import row not found");
      out = ReadRow(rows[0]);
    });
    return out;
  });
}

Result<ImportRow> BaseDataStore::ChangeImportRow(const model::Scope& scope, const ImportRow& row,
                                                 ImportOutcome from) {
  return Guard([&]() -> Result<ImportRow> {
    ImportRow out = row;
    RunBaseTx(true, [&](SqlTx& tx) {
      RequireJob(tx, scope, row.job_id);
      const bool keep_payload = row.outcome == ImportOutcome::kReview;
      auto changed = tx.Run(
          "UPDATE import_rows SET outcome = ?3, record_id = ?4, detail = ?5, resolved_by = ?6, resolved_at = ?7" +
              std::string(keep_payload ? "" : ", payload = NULL") +
              " WHERE job_id = ?1 AND row_number = ?2 AND outcome = ?8 RETURNING review",
          {P::Int(row.job_id), P::Int(row.row_number), P::Text(ImportOutcomeName(row.outcome)), P::Int(row.record_id),
           P::Text(EncodeFields(row.detail)), P::Int(row.resolved_by), P::Int(row.resolved_at),
           P::Text(ImportOutcomeName(from))});
      if (changed.empty()) {
        if (tx.Run("SELECT 1 FROM import_rows WHERE job_id = ?1 AND row_number = ?2",
                   {P::Int(row.job_id), P::Int(row.row_number)})
                .empty()) {
          Fail(ErrorCode::kNotFound, "import row not found");
        }
        Fail(ErrorCode::kConflict, std::string("the row is no longer ") + ImportOutcomeName(from));
      }
      out.review = changed[0][0].value_or("");
      if (!keep_payload) out.payload.clear();
      if (from != row.outcome) {
        tx.Run("UPDATE import_jobs SET " + CountColumn(from) + " = " + CountColumn(from) + " - 1, " +
                   CountColumn(row.outcome) + " = " + CountColumn(row.outcome) + " + 1 WHERE id = ?1",
               {P::Int(row.job_id)});
      }
    });
    return out;
  });
}

}  // namespace cg::store
