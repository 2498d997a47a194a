#pragma once
// Import jobs (docs/import.md): one row per spreadsheet import and one per source row with its
// fate, so a long import's progress, its per-row results and its review queue survive restarts
// and can be paged. Values written from the file go through base::Service like any write; these
// tables hold only outcomes, reasons, record ids and, for rows waiting for review, the row's
// values as FieldCipher ciphertext (never a clear ID or phone number).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.hpp"
#include "model/base_data.hpp"

namespace cg::store {

// What became of one source row.
enum class ImportOutcome {
  kCreated,    // a new record (dry run: would be created)
  kUpdated,    // matched; only empty fields were filled (or, after review, chosen fields taken)
  kUnchanged,  // matched; the file says nothing new
  kInvalid,    // refused, with the reason
  kReview,     // waiting for a person: ambiguous match or conflicting values
  kSkipped,    // a reviewer decided to leave it
};
const char* ImportOutcomeName(ImportOutcome outcome);  // "created", ..., "skipped"
std::optional<ImportOutcome> ParseImportOutcome(std::string_view name);

enum class ImportStatus { kRunning, kDone, kFailed };
const char* ImportStatusName(ImportStatus status);  // "running", "done", "failed"

struct ImportCounts {
  std::int64_t created = 0, updated = 0, unchanged = 0, invalid = 0, review = 0, skipped = 0;
  std::int64_t& Of(ImportOutcome outcome);
};

struct ImportJob {
  std::int64_t id = 0;
  std::string scope_code;   // the org unit imported into; reads need a scope that contains it
  std::string entity = "person";
  std::string file_name;
  model::Fields mapping;    // column number (0-based, as text) -> target, e.g. "3" -> "person.phone"
  bool dry_run = false;
  ImportStatus status = ImportStatus::kRunning;
  std::string error;        // why a failed job stopped (a broken file, a database error)
  std::int64_t total_rows = 0;  // data rows in the file (0 until counted)
  std::int64_t done_rows = 0;
  ImportCounts counts;
  std::int64_t created_by = 0;
  Timestamp created_at = 0;
  Timestamp updated_at = 0;
};

struct ImportRow {
  std::int64_t job_id = 0;
  std::int64_t row_number = 0;  // the source row (CSV line, sheet row)
  ImportOutcome outcome = ImportOutcome::kInvalid;
  std::string review;           // "ambiguous" or "conflict" for rows that went to review, else ""
  std::int64_t record_id = 0;   // the record created or matched (0: none)
  model::Fields detail;         // "reason", "filled", "conflicts", "candidates", ... (no clear ID/phone)
  std::string payload;          // review rows: the row's values, encrypted (binary); else empty
  std::int64_t resolved_by = 0;
  Timestamp resolved_at = 0;
};

}  // namespace cg::store
