#include "imports/importer.hpp"

#include <algorithm>
#include <fstream>
#include <map>

#include "model/base_data.hpp"
#include "model/masking.hpp"
#include "tabular/csv.hpp"
#include "tabular/xlsx.hpp"

namespace cg::imports {
namespace {

using model::BaseEntity;
using store::ImportOutcome;

constexpr std::int64_t kCandidatesPerName = 50;

// Targets that name a record field instead of an attribute.
const std::map<std::string, std::string, std::less<>> kFieldOf = {
    {"person.name", "name"},           {"person.id_number", "id_number"},
    {"person.phone", "phone"},         {"person.ethnicity", "ethnicity"},
    {"person.residence_status", "residence_status"}, {"grid_code", "grid_code"}};

bool MatchOnly(const std::string& target) { return target == kBirthDate || target == kSex || target == kAddress; }

std::string FieldKey(const std::string& target) {
  auto it = kFieldOf.find(target);
  return it == kFieldOf.end() ? target : it->second;
}

// Service fields and attributes of a row's values (match-only values left out).
void Split(const model::Fields& values, model::Fields& fields, model::Fields& attributes) {
  for (const auto& [target, value] : values) {
    if (MatchOnly(target)) continue;
    auto it = kFieldOf.find(target);
    if (it != kFieldOf.end()) fields[it->second] = value;
    else attributes[target] = value;
  }
}

std::string Join(const std::vector<std::string>& items, const char* sep = ",") {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : sep) + i;
  return out;
}

std::string MaskFor(const std::string& target, const std::string& value) {
  if (target == "person.phone") return model::MaskPhone(value);
  if (target == "person.id_number") return model::MaskResidentId(value);
  return value;
}

bool LooksLikeXlsx(std::string_view head) { return head.substr(0, 4) == std::string_view("PK\x03\x04", 4); }

bool EndsWith(std::string name, std::string_view suffix) {
  std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
  return name.ends_with(suffix);
}

std::string EncodeValues(const model::Fields& values) {
  std::string out;
  for (const auto& [k, v] : values) {
    out += k;
    out += '\x1f';
    out += v;
    out += '\x1e';
  }
  return out;
}

Result<model::Fields> DecodeValues(std::string_view text) {
  model::Fields out;
  while (!text.empty()) {
    auto end = text.find('\x1e');
    auto sep = text.find('\x1f');
    if (end == std::string_view::npos || sep == std::string_view::npos || sep > end) {
      return MakeError(ErrorCode::kInternal, "corrupt review payload");
    }
    out.emplace(std::string(text.substr(0, sep)), std::string(text.substr(sep + 1, end - sep - 1)));
    text.remove_prefix(end + 1);
  }
  return out;
}

store::ImportRow Outcome(std::int64_t number, ImportOutcome outcome) {
  store::ImportRow r;
  r.row_number = number;
  r.outcome = outcome;
  return r;
}

}  // namespace

struct Importer::Row {
  std::int64_t number = 0;
  model::Fields values;  // target -> normalised value, non-empty only
  std::vector<std::string> errors;
  std::vector<std::string> warnings;
  std::string id_index;  // blind index of the ID number, if any
};

struct Importer::Match {
  model::Fields fill;                  // target -> file value, where the stored one is empty
  std::vector<std::string> conflicts;  // targets whose stored value differs
  model::Fields existing;              // conflicting targets' stored values (phone masked)
};

Result<std::unique_ptr<tabular::RowReader>> OpenSource(const Source& source) {
  std::string head;
  if (!source.path.empty()) {
    std::ifstream in(source.path, std::ios::binary);
    if (!in) return MakeError(ErrorCode::kNotFound, "cannot open " + source.path);
    head.resize(4);
    in.read(head.data(), 4);
    head.resize(static_cast<std::size_t>(in.gcount()));
  } else {
    head = source.bytes.substr(0, 4);
  }
  const std::string& name = source.file_name.empty() ? source.path : source.file_name;
  if (LooksLikeXlsx(head) || EndsWith(name, ".xlsx") || EndsWith(name, ".xls")) {
    tabular::XlsxOptions options;
    options.sheet = source.sheet;
    auto reader = source.path.empty() ? tabular::OpenXlsx(source.bytes, options)
                                      : tabular::OpenXlsxFile(source.path, options);
    if (!reader.ok()) return reader.error();
    return std::unique_ptr<tabular::RowReader>(std::move(reader).value());
  }
  auto reader = source.path.empty() ? tabular::OpenCsv(source.bytes) : tabular::OpenCsvFile(source.path);
  if (!reader.ok()) return reader.error();
  return std::unique_ptr<tabular::RowReader>(std::move(reader).value());
}

Result<Preview> Inspect(const Source& source, const forms::Dictionary& dictionary, std::size_t sample_rows) {
  auto reader = OpenSource(source);
  if (!reader.ok()) return reader.error();
  Preview p;
  p.header = (*reader)->header();
  if (p.header.empty()) return MakeError(ErrorCode::kInvalid, "the file has no header row");
  p.suggested = SuggestMapping(p.header, dictionary);
  if (auto* x = dynamic_cast<tabular::XlsxReader*>(reader->get())) p.sheets = x->sheet_names();
  if (auto* c = dynamic_cast<tabular::CsvReader*>(reader->get())) p.encoding = tabular::EncodingName(c->encoding());
  tabular::Row row;
  while (p.sample.size() < sample_rows) {
    auto more = (*reader)->Next(row);
    if (!more.ok()) return more.error();
    if (!*more) break;
    p.sample.push_back(row.cells);
  }
  return p;
}

tabular::Table ResultsTable(const std::vector<store::ImportRow>& rows) {
  tabular::Table t;
  t.header = {"row", "outcome", "review", "record_id", "reason", "details"};
  for (const auto& r : rows) {
    std::string reason, details;
    for (const auto& [k, v] : r.detail) {
      if (k == "reason") reason = v;
      else details += (details.empty() ? "" : "; ") + k + "=" + v;
    }
    t.rows.push_back({std::to_string(r.row_number), store::ImportOutcomeName(r.outcome), r.review,
                      r.record_id ? std::to_string(r.record_id) : "", reason, details});
    t.row_numbers.push_back(static_cast<std::size_t>(r.row_number));
  }
  return t;
}

Result<std::vector<store::ImportRow>> AllRows(store::Store& store, const model::Scope& scope, std::int64_t job_id) {
  constexpr std::int64_t kPage = 10000;
  std::vector<store::ImportRow> all;
  for (std::int64_t offset = 0;; offset += kPage) {
    auto page = store.ListImportRows(scope, job_id, std::nullopt, {kPage, offset});
    if (!page.ok()) return page.error();
    for (auto& r : page->items) all.push_back(std::move(r));
    if (static_cast<std::int64_t>(page->items.size()) < kPage) return all;
  }
}

Importer::Importer(base::Service& service, const forms::Dictionary& dictionary, const privacy::KeyRing& keys,
                   const Clock& clock)
    : service_(service), dictionary_(dictionary), clock_(clock), cipher_(keys), index_(keys) {}

Result<store::ImportJob> Importer::Start(const model::Scope& caller, const Source& source, Options& options) {
  auto reader = OpenSource(source);
  if (!reader.ok()) return reader.error();
  const auto& header = (*reader)->header();
  if (header.empty()) return MakeError(ErrorCode::kInvalid, "the file has no header row");
  if (options.mapping.empty()) options.mapping = SuggestMapping(header, dictionary_);
  CG_RETURN_IF_ERROR(CheckMapping(options.mapping, header.size(), dictionary_));
  if (options.batch_rows == 0) options.batch_rows = 1;
  // The whole file is read once before anything is written: a broken file changes nothing.
  std::int64_t total = 0;
  tabular::Row row;
  while (true) {
    auto more = (*reader)->Next(row);
    if (!more.ok()) return more.error();
    if (!*more) break;
    ++total;
  }
  if (total == 0) return MakeError(ErrorCode::kInvalid, "the file has a header but no data rows");
  store::ImportJob job;
  job.scope_code = options.scope_code;
  std::string name = source.file_name.empty() ? source.path : source.file_name;
  if (auto slash = name.find_last_of('/'); slash != std::string::npos) name = name.substr(slash + 1);
  job.file_name = name.substr(0, 200);
  for (std::size_t i = 0; i < options.mapping.size(); ++i) {
    if (!options.mapping[i].empty()) job.mapping[std::to_string(i)] = options.mapping[i];
  }
  job.dry_run = options.dry_run;
  job.total_rows = total;
  job.created_by = options.actor_user_id;
  job.created_at = clock_.Now();
  return service_.store().CreateImportJob(caller, job);
}

void Importer::Normalize(Row& row) const {
  auto id = row.values.find("person.id_number");
  if (id != row.values.end()) {
    row.id_index = index_.Compute("person.id_number", id->second);
    auto derived = model::DerivePersonFields(id->second);
    for (const char* check : {kBirthDate, kSex}) {
      auto given = row.values.find(check);
      if (given != row.values.end() && derived.count(check) && derived[check] != given->second) {
        row.errors.push_back(std::string(check == kBirthDate ? "birth_date (出生日期)" : "sex (性别)") +
                             ": differs from the ID number");
      }
    }
    row.values[kBirthDate] = derived[kBirthDate];
  }
  if (!row.values.count("person.name")) row.errors.push_back("person.name (姓名): empty");
  if (id == row.values.end() && !row.values.count(kBirthDate) && row.errors.empty()) {
    row.errors.push_back("neither an ID number nor a birth date: the row cannot be matched");
  }
}

Importer::Match Importer::Compare(const store::BaseRecord& person, const model::Fields& values) const {
  Match m;
  std::optional<model::Fields> shown;
  for (const auto& [target, value] : values) {
    if (MatchOnly(target) || target == "person.id_number") continue;
    if (target == "person.phone") {
      if (!person.phone) {
        m.fill[target] = value;
      } else if (person.phone->index != index_.Compute("person.phone", value)) {
        if (!shown) shown = service_.Present(person);
        m.conflicts.push_back(target);
        m.existing[target] = (*shown)["phone"];
      }
      continue;
    }
    auto it = person.fields.find(FieldKey(target));
    if (it == person.fields.end() || it->second.empty()) {
      m.fill[target] = value;
    } else if (it->second != value) {
      m.conflicts.push_back(target);
      m.existing[target] = it->second;
    }
  }
  return m;
}

std::string Importer::Seal(const model::Fields& values, std::int64_t job_id, std::int64_t row_number) const {
  return cipher_.Encrypt(EncodeValues(values), PayloadAssociated(job_id, row_number));
}

Result<model::Fields> Importer::Unseal(const store::ImportRow& row) const {
  if (row.payload.empty()) return MakeError(ErrorCode::kConflict, "the row holds no values to review");
  auto plain = cipher_.Decrypt(row.payload, PayloadAssociated(row.job_id, row.row_number));
  if (!plain.ok()) return MakeError(ErrorCode::kInternal, "review payload unreadable: " + plain.error().message);
  return DecodeValues(*plain);
}

std::string Importer::Address(const model::Scope& scope, const store::BaseRecord& person) {
  std::string out;
  auto it = person.fields.find("address_id");
  if (it != person.fields.end()) {
    auto id = std::strtoll(it->second.c_str(), nullptr, 10);
    auto address = service_.store().GetRecord(scope, BaseEntity::kAddress, id);
    if (address.ok()) {
      for (const char* part : {"road", "number", "compound", "building", "unit", "floor", "room"}) {
        auto p = address->fields.find(part);
        if (p != address->fields.end()) out += p->second;
      }
    }
  }
  return out;
}

void Importer::ProcessBatch(const store::ImportJob& job, const model::Scope& scope, std::vector<Row>& rows,
                            const Options& options, std::vector<store::ImportRow>& out) {
  const Timestamp now = clock_.Now();
  store::WriteContext ctx{options.actor_user_id, store::ChangeSource::kImport, now};
  auto emit = [&](store::ImportRow r) { out.push_back(std::move(r)); };
  auto invalid = [&](const Row& row, const std::string& reason) {
    store::ImportRow r = Outcome(row.number, ImportOutcome::kInvalid);
    r.detail["reason"] = reason;
    if (!row.warnings.empty()) r.detail["warnings"] = Join(row.warnings, "; ");
    emit(std::move(r));
  };
  auto review = [&](const Row& row, const char* kind) {
    store::ImportRow r = Outcome(row.number, ImportOutcome::kReview);
    r.review = kind;
    if (!job.dry_run) r.payload = Seal(row.values, job.id, row.number);
    return r;
  };

  // 1. Persons by ID number, in one query.
  std::vector<std::string> indexes;
  for (const auto& row : rows)
    if (row.errors.empty() && !row.id_index.empty()) indexes.push_back(row.id_index);
  std::map<std::string, store::BaseRecord> by_index;
  if (!indexes.empty()) {
    auto found = service_.store().FindPersonsByIdIndex(scope, indexes);
    if (!found.ok()) throw found.error();
    for (auto& p : *found) by_index.emplace(p.id_number->index, std::move(p));
  }
  // 2. Persons by name for rows not found by ID number, in one query; birth dates derived. A
  // row with an ID number needs them only to compare addresses (a mistyped number?).
  std::vector<std::string> names;
  for (const auto& row : rows) {
    if (row.errors.empty() && !by_index.count(row.id_index) && (row.id_index.empty() || row.values.count(kAddress))) {
      names.push_back(row.values.at("person.name"));
    }
  }
  std::multimap<std::string, store::BaseRecord> by_name;
  std::map<std::int64_t, std::string> birth;
  if (!names.empty()) {
    auto found = service_.store().FindPersonsByName(scope, names, kCandidatesPerName);
    if (!found.ok()) throw found.error();
    for (auto& p : *found) {
      birth[p.id] = service_.Present(p)["birth_date"];
      by_name.emplace(p.fields["name"], std::move(p));
    }
  }

  std::vector<std::size_t> creates;
  std::vector<std::pair<std::size_t, std::pair<const store::BaseRecord*, Match>>> updates;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    Row& row = rows[i];
    if (!row.errors.empty()) {
      invalid(row, Join(row.errors, "; "));
      continue;
    }
    const store::BaseRecord* person = nullptr;
    if (auto it = by_index.find(row.id_index); it != by_index.end()) {
      person = &it->second;
    } else {
      // Name + birth date (+ address) candidates.
      const std::string& name = row.values.at("person.name");
      const std::string& born = row.values.at(kBirthDate);
      auto address = row.values.find(kAddress);
      std::vector<const store::BaseRecord*> same, full;
      for (auto [b, e] = by_name.equal_range(name); b != e; ++b) {
        if (birth[b->second.id] != born) continue;
        same.push_back(&b->second);
        if (address != row.values.end()) {
          const std::string stored = Address(scope, b->second);
          auto hukou = b->second.fields.find("person.hukou_address");
          if (AddressesMatch(address->second, stored) ||
              (hukou != b->second.fields.end() && AddressesMatch(address->second, hukou->second))) {
            full.push_back(&b->second);
          }
        }
      }
      auto ids = [](const std::vector<const store::BaseRecord*>& v) {
        std::vector<std::string> s;
        for (auto* p : v) s.push_back(std::to_string(p->id));
        return Join(s);
      };
      if (!row.id_index.empty()) {
        // A new ID number, but somebody with the same name, birth date and address exists: the
        // same person with a mistyped number, or a namesake? A person decides.
        if (!full.empty()) {
          store::ImportRow r = review(row, "ambiguous");
          r.detail["reason"] = "same name, birth date and address as a person with another ID number";
          r.detail["candidates"] = ids(full);
          emit(std::move(r));
        } else {
          creates.push_back(i);
        }
        continue;
      }
      if (full.size() == 1) {
        person = full[0];
      } else if (!same.empty()) {
        store::ImportRow r = review(row, "ambiguous");
        r.detail["reason"] = full.size() > 1 ? "several persons share this name, birth date and address"
                             : address == row.values.end()
                                 ? "no ID number; persons with this name and birth date exist (no address to tell)"
                                 : "no ID number; persons with this name and birth date exist at other addresses";
        r.detail["candidates"] = ids(full.size() > 1 ? full : same);
        emit(std::move(r));
        continue;
      } else {
        invalid(row, "no ID number, and no person with this name and birth date in the import's scope "
                     "(a new person needs an ID number)");
        continue;
      }
    }
    Match m = Compare(*person, row.values);
    if (!m.conflicts.empty()) {
      store::ImportRow r = review(row, "conflict");
      r.record_id = person->id;
      r.detail["conflicts"] = Join(m.conflicts);
      for (const auto& t : m.conflicts) {
        r.detail["existing." + t] = m.existing[t];
        r.detail["file." + t] = MaskFor(t, row.values.at(t));
      }
      std::vector<std::string> fill;
      for (const auto& [t, v] : m.fill) fill.push_back(t);
      if (!fill.empty()) r.detail["filled"] = Join(fill);
      emit(std::move(r));
    } else if (m.fill.empty()) {
      store::ImportRow r = Outcome(row.number, ImportOutcome::kUnchanged);
      r.record_id = person->id;
      emit(std::move(r));
    } else {
      updates.push_back({i, {person, std::move(m)}});
    }
  }

  // 3. New persons, one transaction for the batch.
  std::vector<base::Service::NewRecord> fresh;
  for (std::size_t i : creates) {
    base::Service::NewRecord n;
    Split(rows[i].values, n.fields, n.attributes);
    if (!n.fields.count("grid_code") && job.scope_code.size() == 15) n.fields["grid_code"] = job.scope_code;
    fresh.push_back(std::move(n));
  }
  if (job.dry_run) {
    for (std::size_t k = 0; k < creates.size(); ++k) {
      // Validated as the real run would, without writing.
      store::ImportRow r = Outcome(rows[creates[k]].number, ImportOutcome::kCreated);
      emit(std::move(r));
    }
  } else if (!fresh.empty()) {
    std::vector<std::vector<model::FieldError>> errors;
    auto written = service_.CreateMany(scope, BaseEntity::kPerson, std::move(fresh), ctx, &errors);
    if (!written.ok()) throw written.error();
    for (std::size_t k = 0; k < creates.size(); ++k) {
      const Row& row = rows[creates[k]];
      auto& result = (*written)[k];
      if (result.ok()) {
        store::ImportRow r = Outcome(row.number, ImportOutcome::kCreated);
        r.record_id = result->id;
        emit(std::move(r));
      } else if (result.error().code == ErrorCode::kConflict) {
        invalid(row, "person.id_number (公民身份号码): a person with this ID number is registered outside the "
                     "import's scope");
      } else if (result.error().code == ErrorCode::kNotFound) {
        invalid(row, "grid_code (网格编码): not inside the import's scope");
      } else {
        invalid(row, result.error().message);
      }
    }
  }
  // 4. Empty fields filled, one person at a time.
  for (auto& [i, pm] : updates) {
    const Row& row = rows[i];
    auto& [person, m] = pm;
    std::vector<std::string> filled;
    model::Fields fields, attributes;
    for (const auto& [t, v] : m.fill) filled.push_back(t);
    Split(m.fill, fields, attributes);
    store::ImportRow r = Outcome(row.number, ImportOutcome::kUpdated);
    r.record_id = person->id;
    r.detail["filled"] = Join(filled);
    if (!job.dry_run) {
      std::vector<model::FieldError> errors;
      auto patched = service_.Patch(scope, BaseEntity::kPerson, person->id, person->version, fields, attributes, ctx,
                                    &errors);
      if (!patched.ok()) {
        if (patched.error().code == ErrorCode::kConflict) {
          invalid(row, "the person changed while the file was imported (another row of the file or another user); "
                       "import this row again");
        } else {
          invalid(row, patched.error().message);
        }
        continue;
      }
    }
    emit(std::move(r));
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.row_number < b.row_number; });
}

store::ImportJob Importer::Run(store::ImportJob job, const Source& source, const Options& options,
                               const ProgressFn& progress) {
  const model::Scope scope = model::Scope::Subtree(job.scope_code);
  auto& store = service_.store();
  auto finish = [&](store::ImportStatus status, std::string error) {
    job.status = status;
    job.error = std::move(error);
    job.updated_at = clock_.Now();
    if (auto s = store.RecordImportRows(scope, job, {}); !s.ok() && job.error.empty()) job.error = s.error().message;
    return job;
  };
  auto reader = OpenSource(source);
  if (!reader.ok()) return finish(store::ImportStatus::kFailed, reader.error().message);
  const Date today = DateAt(clock_.Now());
  std::vector<Row> batch;
  std::set<std::string> keys;                 // ID numbers / names in the batch
  std::map<std::string, std::int64_t> seen;   // dry run: ID index -> first row
  std::size_t warnings_seen = 0;
  auto flush = [&]() -> Status {
    if (batch.empty()) return {};
    std::vector<store::ImportRow> out;
    try {
      ProcessBatch(job, scope, batch, options, out);
    } catch (const Error& e) {
      return e;
    }
    for (const auto& r : out) job.counts.Of(r.outcome) += 1;
    job.done_rows += static_cast<std::int64_t>(batch.size());
    job.updated_at = clock_.Now();
    CG_RETURN_IF_ERROR(store.RecordImportRows(scope, job, out));
    batch.clear();
    keys.clear();
    if (progress) progress(job.done_rows, job.total_rows);
    return {};
  };
  tabular::Row cells;
  while (true) {
    auto more = (*reader)->Next(cells);
    if (!more.ok()) {
      (void)flush();
      return finish(store::ImportStatus::kFailed, more.error().message);
    }
    if (!*more) break;
    Row row;
    row.number = static_cast<std::int64_t>(cells.number);
    for (std::size_t c = 0; c < cells.cells.size() && c < options.mapping.size(); ++c) {
      const std::string& target = options.mapping[c];
      if (target.empty()) continue;
      auto v = NormalizeCell(dictionary_, target, cells.cells[c], today);
      if (!v.ok()) row.errors.push_back(v.error().message);
      else if (!v->empty()) row.values[target] = *v;
    }
    const auto& warnings = (*reader)->warnings();
    for (; warnings_seen < warnings.size(); ++warnings_seen) {
      if (warnings[warnings_seen].row == cells.number) row.warnings.push_back(warnings[warnings_seen].message);
    }
    if (!row.warnings.empty() && !row.errors.empty()) row.errors.push_back(Join(row.warnings, "; "));
    Normalize(row);
    if (job.dry_run && row.errors.empty() && !row.id_index.empty()) {
      if (auto [it, fresh] = seen.emplace(row.id_index, row.number); !fresh) {
        // The real run would match this row to the person the first row creates.
        store::ImportRow r = Outcome(row.number, ImportOutcome::kUnchanged);
        r.detail["reason"] = "same ID number as row " + std::to_string(it->second) +
                             " of this file: the run compares it with the person that row creates";
        job.counts.unchanged += 1;
        job.done_rows += 1;
        if (auto s = store.RecordImportRows(scope, job, {r}); !s.ok()) {
          return finish(store::ImportStatus::kFailed, s.error().message);
        }
        continue;
      }
    }
    // A second row for the same person waits for the next batch, where it meets the first
    // row's result (created or updated) instead of racing it.
    auto name = row.values.find("person.name");
    std::string key = !row.id_index.empty() ? "id:" + row.id_index
                      : name != row.values.end() ? "name:" + name->second
                                                 : "row:" + std::to_string(row.number);
    if (keys.count(key)) {
      if (auto s = flush(); !s.ok()) return finish(store::ImportStatus::kFailed, s.error().message);
    }
    keys.insert(key);
    batch.push_back(std::move(row));
    if (batch.size() >= options.batch_rows) {
      if (auto s = flush(); !s.ok()) return finish(store::ImportStatus::kFailed, s.error().message);
    }
  }
  if (auto s = flush(); !s.ok()) return finish(store::ImportStatus::kFailed, s.error().message);
  return finish(store::ImportStatus::kDone, "");
}

Result<model::Fields> Importer::ReviewValues(const store::ImportRow& row) const {
  auto values = Unseal(row);
  if (!values.ok()) return values.error();
  for (auto& [k, v] : *values) v = MaskFor(k, v);
  return values;
}

Result<store::ImportRow> Importer::Resolve(const model::Scope& caller, std::int64_t job_id, std::int64_t row_number,
                                           const Resolution& resolution, std::int64_t actor_user_id) {
  auto& store = service_.store();
  auto job = store.GetImportJob(caller, job_id);
  if (!job.ok()) return job.error();
  if (job->dry_run) return MakeError(ErrorCode::kConflict, "a dry run's rows cannot be resolved: run the import");
  const model::Scope scope = model::Scope::Subtree(job->scope_code);
  {
    std::lock_guard lock(resolving_mu_);
    if (!resolving_.insert({job_id, row_number}).second) {
      return MakeError(ErrorCode::kConflict, "the row is being resolved by someone else");
    }
  }
  struct Release {
    Importer* self;
    std::pair<std::int64_t, std::int64_t> key;
    ~Release() {
      std::lock_guard lock(self->resolving_mu_);
      self->resolving_.erase(key);
    }
  } release{this, {job_id, row_number}};

  auto row = store.GetImportRow(scope, job_id, row_number);
  if (!row.ok()) return row.error();
  if (row->outcome != ImportOutcome::kReview) {
    return MakeError(ErrorCode::kConflict, std::string("the row is ") + store::ImportOutcomeName(row->outcome) +
                                               ", not in review");
  }
  auto values = Unseal(*row);
  if (!values.ok()) return values.error();
  store::WriteContext ctx{actor_user_id, store::ChangeSource::kImport, clock_.Now()};
  store::ImportRow next = *row;
  next.resolved_by = actor_user_id;
  next.resolved_at = ctx.at;
  next.detail["resolution"] = resolution.action;
  if (resolution.action == "skip") {
    next.outcome = ImportOutcome::kSkipped;
  } else if (resolution.action == "create") {
    if (row->review == "conflict") {
      return MakeError(ErrorCode::kInvalid, "this row's person exists already: link it or skip the row");
    }
    model::Fields fields, attributes;
    Split(*values, fields, attributes);
    if (!fields.count("grid_code") && job->scope_code.size() == 15) fields["grid_code"] = job->scope_code;
    auto created = service_.Create(scope, BaseEntity::kPerson, fields, attributes, ctx, nullptr);
    if (!created.ok()) return created.error();
    next.outcome = ImportOutcome::kCreated;
    next.record_id = created->id;
  } else if (resolution.action == "link") {
    std::int64_t pid = resolution.person_id ? resolution.person_id : row->record_id;
    if (pid <= 0) return MakeError(ErrorCode::kInvalid, "link: person_id is required for an ambiguous row");
    auto person = store.GetRecord(scope, BaseEntity::kPerson, pid);
    if (!person.ok()) return person.error();
    std::set<std::string> take(resolution.take.begin(), resolution.take.end());
    model::Fields changes_fields, changes_attributes;
    auto id = values->find("person.id_number");
    bool other_id = id != values->end() && index_.Compute("person.id_number", id->second) != person->id_number->index;
    if (other_id && !take.count("person.id_number")) {
      return MakeError(ErrorCode::kInvalid,
                       "link: the row's ID number differs from that person's; take person.id_number to replace it");
    }
    Match m = Compare(*person, *values);
    model::Fields apply = m.fill;
    std::vector<std::string> taken, kept;
    std::set<std::string> conflicting(m.conflicts.begin(), m.conflicts.end());
    if (other_id) conflicting.insert("person.id_number");
    for (const auto& t : take) {
      if (!conflicting.count(t)) {
        return MakeError(ErrorCode::kInvalid, "link: '" + t.substr(0, 60) + "' is not in conflict with that person");
      }
      apply[t] = values->at(t);
      taken.push_back(t);
    }
    for (const auto& t : conflicting)
      if (!take.count(t)) kept.push_back(t);
    Split(apply, changes_fields, changes_attributes);
    if (!apply.empty()) {
      auto patched = service_.Patch(scope, BaseEntity::kPerson, pid, person->version, changes_fields,
                                    changes_attributes, ctx, nullptr);
      if (!patched.ok()) return patched.error();
    }
    std::vector<std::string> filled;
    for (const auto& [t, v] : m.fill) filled.push_back(t);
    next.outcome = apply.empty() ? ImportOutcome::kUnchanged : ImportOutcome::kUpdated;
    next.record_id = pid;
    if (!filled.empty()) next.detail["filled"] = Join(filled);
    if (!taken.empty()) next.detail["taken"] = Join(taken);
    if (!kept.empty()) next.detail["kept"] = Join(kept);
  } else {
    return MakeError(ErrorCode::kInvalid, "action must be link, create or skip");
  }
  return store.ChangeImportRow(scope, next, ImportOutcome::kReview);
}

}  // namespace cg::imports
