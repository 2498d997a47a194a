#pragma once
// Import of departments' person spreadsheets (xlsx/CSV), DESIGN §4 and docs/import.md.
//
// A job reads the file twice: once to count its rows (a malformed or truncated file fails here,
// before anything is written), then in batches: each row's cells are normalised through the
// mapping, matched to existing persons inside the job's scope — by ID number (blind index), else
// by name + birth date + address — and then
//   created    no match: a new person (through base::Service::CreateMany, change-log source
//              "import");
//   updated    matched: only fields that were empty are filled (base::Service::Patch);
//   unchanged  matched and the file adds nothing;
//   invalid    with the reason (a bad cell, a missing required field, an ID registered elsewhere);
//   review     an ambiguous match, or a value that differs from a non-empty stored one: nothing
//              of the row is written until a person resolves it (Resolve).
// Every row's fate is recorded in the store (store::ImportRow) with the job's progress, batch
// by batch, so the UI can page through results and the review queue survives restarts.
// Thread-safe: one Importer may run many jobs at once.

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "base/key_rotation.hpp"
#include "base/service.hpp"
#include "core/clock.hpp"
#include "forms/dictionary.hpp"
#include "imports/mapping.hpp"
#include "privacy/blind_index.hpp"
#include "privacy/field_cipher.hpp"
#include "privacy/key_ring.hpp"
#include "store/import_store.hpp"
#include "tabular/table.hpp"

namespace cg::imports {

// The file: its name (".xlsx" / ".csv" decide the reader; content that starts like a zip is read
// as xlsx whatever the name) and either its bytes or a path to read it from.
struct Source {
  std::string file_name;
  std::string bytes;  // used when path is empty
  std::string path;
  std::string sheet;  // xlsx: empty for the first sheet
};

// Opens a reader over the source's first (or named) sheet, header in row 1. Errors of the
// readers: kInvalid / kTooLarge with the place, kNotFound for a missing file or sheet.
Result<std::unique_ptr<tabular::RowReader>> OpenSource(const Source& source);

// What the UI shows before an import: the header, a suggested mapping, the first rows.
struct Preview {
  std::vector<std::string> header;
  std::vector<std::string> suggested;  // one target per header column ("" = ignore)
  std::vector<std::vector<std::string>> sample;
  std::vector<std::string> sheets;     // xlsx only
  std::string encoding;                // CSV only ("UTF-8", "GB18030", ...)
};
Result<Preview> Inspect(const Source& source, const forms::Dictionary& dictionary, std::size_t sample_rows = 5);

struct Options {
  std::string scope_code;            // org unit to import into (a grid, community, ...)
  std::vector<std::string> mapping;  // one target per column; empty: the suggestion
  bool dry_run = false;              // match and report, write no person
  std::size_t batch_rows = 2000;
  std::int64_t actor_user_id = 0;
};

// Called after each batch with rows done and the total.
using ProgressFn = std::function<void(std::int64_t done, std::int64_t total)>;

// A reviewer's decision on a row in review.
struct Resolution {
  std::string action;              // "link" (to person_id), "create" (a new person), "skip"
  std::int64_t person_id = 0;      // link: the person; 0 = the one the row was matched to
  std::vector<std::string> take;   // link: conflicting targets whose file value replaces the stored one
};

// Every row's fate as a table for people: row, outcome, review kind, record id, reason and the
// other details ("filled=person.phone; conflicts=..."). Written with tabular::WriteCsv /
// WriteXlsx, whose formula guard neutralises cells such as "=HYPERLINK(...)".
tabular::Table ResultsTable(const std::vector<store::ImportRow>& rows);
// Every row of a job, in source order (paged from the store); kNotFound as GetImportJob.
Result<std::vector<store::ImportRow>> AllRows(store::Store& store, const model::Scope& scope, std::int64_t job_id);

// The associated data a review row's payload is encrypted with: "import_row:<job>:<row>".
std::string PayloadAssociated(std::int64_t job_id, std::int64_t row_number);
// After a master-key rotation (docs/operations.md "Master key"): re-encrypts every review
// payload not under `keys.active()`, in batches; resumable like base::ResealPersons. kInvalid,
// naming the row, for a payload that does not open.
Result<base::ResealCounts> ResealImportPayloads(store::BaseDataStore& store, const privacy::KeyRing& keys,
                                                const std::function<void(const base::ResealCounts&)>& progress = {},
                                                std::int64_t batch = 1000);

class Importer {
 public:
  // All references must outlive the importer.
  Importer(base::Service& service, const forms::Dictionary& dictionary, const privacy::KeyRing& keys,
           const Clock& clock);

  // Checks the mapping, counts the file's rows (a broken file fails here with its error) and
  // creates the job in the store. kNotFound if options.scope_code is outside `caller`.
  Result<store::ImportJob> Start(const model::Scope& caller, const Source& source, Options& options);
  // Runs a started job to its end and returns it (status done, or failed with `error` when the
  // file or the database failed midway; rows already recorded stay recorded).
  store::ImportJob Run(store::ImportJob job, const Source& source, const Options& options,
                       const ProgressFn& progress = nullptr);

  // Resolves one row in review. kNotFound outside `caller`'s scope, kConflict if the row is not
  // (or no longer) in review or the job was a dry run, kInvalid for an action that does not fit
  // (create for a row whose ID number exists, take of a target that is not in conflict).
  Result<store::ImportRow> Resolve(const model::Scope& caller, std::int64_t job_id, std::int64_t row_number,
                                   const Resolution& resolution, std::int64_t actor_user_id);
  // The values of a row in review as the reviewer sees them: ID and phone numbers masked.
  Result<model::Fields> ReviewValues(const store::ImportRow& row) const;

 private:
  struct Row;
  struct Match;
  void Normalize(Row& row) const;
  void ProcessBatch(const store::ImportJob& job, const model::Scope& scope, std::vector<Row>& rows,
                    const Options& options, std::vector<store::ImportRow>& out);
  Match Compare(const store::BaseRecord& person, const model::Fields& values) const;
  std::string Seal(const model::Fields& values, std::int64_t job_id, std::int64_t row_number) const;
  Result<model::Fields> Unseal(const store::ImportRow& row) const;
  std::string Address(const model::Scope& scope, const store::BaseRecord& person);

  base::Service& service_;
  const forms::Dictionary& dictionary_;
  const Clock& clock_;
  privacy::FieldCipher cipher_;
  privacy::BlindIndex index_;
  std::mutex resolving_mu_;
  std::set<std::pair<std::int64_t, std::int64_t>> resolving_;  // (job, row) being resolved here
};

}  // namespace cg::imports
