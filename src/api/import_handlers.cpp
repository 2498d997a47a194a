// Spreadsheet imports over HTTP (docs/import.md): upload and preview, start (dry run or real),
// progress, per-row results (JSON and CSV), and the review queue. Jobs run on a background
// thread each; everything they write and every read here is cut to the job's scope in the store.
#include <algorithm>
#include <atomic>
#include <charconv>
#include <list>
#include <thread>

#include "api/app.hpp"
#include "api/errors.hpp"
#include "api/json_body.hpp"
#include "api/multipart.hpp"
#include "auth/random.hpp"
#include "imports/importer.hpp"
#include "tabular/csv.hpp"

namespace cg::api {

struct App::ImportState {
  struct Upload {
    std::int64_t user_id = 0;
    std::string file_name;
    std::string sheet;
    std::shared_ptr<const std::string> bytes;
    Timestamp at = 0;
  };
  struct Worker {
    std::thread thread;
    std::shared_ptr<std::atomic<bool>> done;
  };
  std::mutex mu;
  std::unique_ptr<imports::Importer> importer;
  std::map<std::string, Upload> uploads;  // by upload id
  std::list<Worker> workers;

  ~ImportState() {
    for (auto& w : workers) w.thread.join();
  }
  int Running() {
    int n = 0;
    for (auto it = workers.begin(); it != workers.end();) {
      if (*it->done) {
        it->thread.join();
        it = workers.erase(it);
      } else {
        ++n;
        ++it;
      }
    }
    return n;
  }
};

namespace {

constexpr int kMaxRunningImports = 2;
constexpr std::size_t kUploadsPerUser = 3;
constexpr Timestamp kUploadLifetimeMs = 2 * 3600'000;

bool CanImport(const Request& req) {
  auto r = req.principal->user.role;
  return r == model::Role::kAdmin || r == model::Role::kStaff;
}

std::optional<std::int64_t> PositiveId(const std::string& text) {
  std::int64_t v = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || p != text.data() + text.size() || v <= 0 || text.size() > 15) return std::nullopt;
  return v;
}

nlohmann::json Counts(const store::ImportCounts& c) {
  return {{"created", c.created}, {"updated", c.updated}, {"unchanged", c.unchanged},
          {"invalid", c.invalid}, {"review", c.review},   {"skipped", c.skipped}};
}

nlohmann::json JobJson(const store::ImportJob& j) {
  nlohmann::json mapping = nlohmann::json::array();
  for (const auto& [column, target] : j.mapping) {
    mapping.push_back({{"column", std::stoi(column)}, {"target", target}});
  }
  return {{"id", j.id},
          {"scope_code", j.scope_code},
          {"entity", j.entity},
          {"file_name", j.file_name},
          {"dry_run", j.dry_run},
          {"status", store::ImportStatusName(j.status)},
          {"error", j.error},
          {"total_rows", j.total_rows},
          {"done_rows", j.done_rows},
          {"counts", Counts(j.counts)},
          {"mapping", mapping},
          {"created_by", j.created_by},
          {"created_at", j.created_at},
          {"updated_at", j.updated_at}};
}

std::string BaseName(std::string name) {
  if (auto slash = name.find_last_of("/\\"); slash != std::string::npos) name = name.substr(slash + 1);
  return name.substr(0, 200);
}

}  // namespace

void App::RegisterImportRoutes() {
  imports_ = std::make_shared<ImportState>();
  auto unavailable = [] { return ErrorResponse(503, "unavailable", "base data is not configured (master key)"); };
  // The importer, made on first use (base data is enabled after the routes are registered).
  auto importer = [this]() -> imports::Importer& {
    std::lock_guard lock(imports_->mu);
    if (!imports_->importer) imports_->importer = std::make_unique<imports::Importer>(*base_, *dictionary_, *keys_, clock_);
    return *imports_->importer;
  };
  auto forbidden = [] { return ErrorResponse(403, "forbidden", "only staff and administrators import spreadsheets"); };
  // The job of {import_id} if the caller sees it (404 otherwise) and may import (403).
  auto visible_job = [this, forbidden](Request& req, std::int64_t& id) -> std::optional<Response> {
    auto parsed = PositiveId(req.params.at("import_id"));
    if (!parsed) return ErrorResponse(404, "not_found", "import not found");
    id = *parsed;
    auto job = store_.GetImportJob(req.principal->scope(), id);
    if (!job.ok()) return ErrorResponse(job.error());
    if (!CanImport(req)) return forbidden();
    return std::nullopt;
  };
  auto row_json = [importer](const store::ImportRow& r) {
    nlohmann::json detail = nlohmann::json::object();
    for (const auto& [k, v] : r.detail) detail[k] = v;
    nlohmann::json out = {{"row", r.row_number},        {"outcome", store::ImportOutcomeName(r.outcome)},
                          {"review", r.review},         {"record_id", r.record_id},
                          {"detail", detail},           {"resolved_by", r.resolved_by},
                          {"resolved_at", r.resolved_at}};
    if (r.outcome == store::ImportOutcome::kReview) {
      auto values = importer().ReviewValues(r);
      nlohmann::json v = nlohmann::json::object();
      if (values.ok())
        for (const auto& [k, val] : *values) v[k] = val;
      out["values"] = v;
    }
    return out;
  };

  router_.Add({"POST", "/api/v1/imports/uploads", Access::kUser,
               "Upload a spreadsheet to import (multipart/form-data: file = .xlsx or .csv, optional sheet); "
               "answers its header, a suggested mapping, the first rows and the targets",
               "imports", [this, unavailable, forbidden](Request& req) {
                 if (!base_) return unavailable();
                 if (!CanImport(req)) return forbidden();
                 auto boundary = MultipartBoundary(req.Header("content-type"));
                 if (!boundary.ok()) return ErrorResponse(boundary.error());
                 MultipartLimits limits;
                 limits.max_parts = 4;
                 limits.max_part_bytes = config_.max_upload_bytes;
                 auto parts = ParseMultipart(req.body, *boundary, limits);
                 if (!parts.ok()) return ErrorResponse(parts.error());
                 ImportState::Upload upload;
                 const MultipartPart* file = nullptr;
                 for (const auto& p : *parts) {
                   if (p.name == "file") file = &p;
                   else if (p.name == "sheet") upload.sheet = std::string(p.data.substr(0, 100));
                 }
                 if (!file) return ErrorResponse(400, "invalid", "the 'file' part (an .xlsx or .csv) is missing");
                 if (file->data.empty()) return ErrorResponse(400, "invalid", "file: empty");
                 upload.user_id = req.principal->user.id;
                 upload.file_name = BaseName(file->filename.value_or("upload"));
                 upload.bytes = std::make_shared<const std::string>(file->data);
                 upload.at = clock_.Now();
                 auto preview = imports::Inspect({upload.file_name, *upload.bytes, "", upload.sheet}, *dictionary_);
                 if (!preview.ok()) {
                   Error e = preview.error();
                   if (e.code == ErrorCode::kNotFound) e.code = ErrorCode::kInvalid;  // a sheet that is not there
                   e.message = "file: " + e.message;
                   return ErrorResponse(e);
                 }
                 std::string id = auth::RandomToken(16);
                 {
                   std::lock_guard lock(imports_->mu);
                   std::vector<std::pair<Timestamp, std::string>> mine;
                   for (auto it = imports_->uploads.begin(); it != imports_->uploads.end();) {
                     if (it->second.at + kUploadLifetimeMs < upload.at) {
                       it = imports_->uploads.erase(it);
                       continue;
                     }
                     if (it->second.user_id == upload.user_id) mine.emplace_back(it->second.at, it->first);
                     ++it;
                   }
                   std::sort(mine.begin(), mine.end());
                   for (std::size_t i = 0; i + kUploadsPerUser <= mine.size(); ++i) imports_->uploads.erase(mine[i].second);
                   imports_->uploads[id] = upload;
                 }
                 nlohmann::json targets = nlohmann::json::array();
                 for (const auto& t : imports::PersonTargets(*dictionary_)) {
                   targets.push_back({{"code", t.code}, {"label_zh", t.label_zh}, {"label_en", t.label_en},
                                      {"match_only", t.match_only}});
                 }
                 return JsonResponse({{"upload_id", id},
                                      {"file_name", upload.file_name},
                                      {"size", upload.bytes->size()},
                                      {"header", preview->header},
                                      {"suggested", preview->suggested},
                                      {"sample", preview->sample},
                                      {"sheets", preview->sheets},
                                      {"encoding", preview->encoding},
                                      {"targets", targets}},
                                     201);
               }});

  router_.Add({"POST", "/api/v1/imports", Access::kUser,
               "Start an import of an uploaded file (upload_id, scope, mapping: one target per column, dry_run); "
               "runs in the background, answers 202 with the job",
               "imports", [this, unavailable, forbidden, importer](Request& req) {
                 if (!base_) return unavailable();
                 if (!CanImport(req)) return forbidden();
                 auto body = ParseJsonObject(req);
                 if (!body.ok()) return ErrorResponse(body.error());
                 auto upload_id = StringField(*body, "upload_id", true, 100);
                 if (!upload_id.ok()) return ErrorResponse(upload_id.error());
                 auto scope_code = StringField(*body, "scope", false, 20);
                 if (!scope_code.ok()) return ErrorResponse(scope_code.error());
                 imports::Options options;
                 options.scope_code = scope_code->empty() ? req.principal->user.scope_code : *scope_code;
                 options.actor_user_id = req.principal->user.id;
                 if (auto it = body->find("dry_run"); it != body->end()) {
                   if (!it->is_boolean()) return ErrorResponse(400, "invalid", "dry_run: expected true or false");
                   options.dry_run = it->get<bool>();
                 }
                 if (auto it = body->find("mapping"); it != body->end()) {
                   if (!it->is_array() || it->size() > 16384) {
                     return ErrorResponse(400, "invalid", "mapping: expected an array of targets, one per column");
                   }
                   for (const auto& m : *it) {
                     if (m.is_null()) options.mapping.emplace_back();
                     else if (m.is_string() && m.get<std::string>().size() <= 100) options.mapping.push_back(m.get<std::string>());
                     else return ErrorResponse(400, "invalid", "mapping: each entry is a target code or null");
                   }
                 }
                 ImportState::Upload upload;
                 {
                   std::lock_guard lock(imports_->mu);
                   auto it = imports_->uploads.find(*upload_id);
                   if (it == imports_->uploads.end() || it->second.user_id != req.principal->user.id) {
                     return ErrorResponse(404, "not_found", "upload not found (uploads are kept for two hours)");
                   }
                   upload = it->second;
                   if (imports_->Running() >= kMaxRunningImports) {
                     Response r = ErrorResponse(429, "busy", "two imports are running; try again when one has finished");
                     r.AddHeader("Retry-After", "30");
                     return r;
                   }
                 }
                 imports::Source source{upload.file_name, *upload.bytes, "", upload.sheet};
                 auto job = importer().Start(req.principal->scope(), source, options);
                 if (!job.ok()) return ErrorResponse(job.error());
                 auto done = std::make_shared<std::atomic<bool>>(false);
                 std::lock_guard lock(imports_->mu);
                 imports_->workers.push_back(
                     {std::thread([this, job = *job, source = std::move(source), options, done]() mutable {
                        try {
                          imports_->importer->Run(job, source, options);
                        } catch (const std::exception& e) {  // e.g. out of memory: the job says so
                          job.status = store::ImportStatus::kFailed;
                          job.error = std::string("internal error: ") + e.what();
                          job.updated_at = clock_.Now();
                          (void)store_.RecordImportRows(model::Scope::Subtree(job.scope_code), job, {});
                        }
                        *done = true;
                      }),
                      done});
                 return JsonResponse(JobJson(*job), 202);
               }});

  router_.Add({"GET", "/api/v1/imports", Access::kUser, "Imports in scope, newest first (limit, offset)", "imports",
               [this, unavailable, forbidden](Request& req) {
                 if (!base_) return unavailable();
                 if (!CanImport(req)) return forbidden();
                 auto page = ParsePage(req, 50, 500);
                 if (!page.ok()) return ErrorResponse(page.error());
                 auto list = store_.ListImportJobs(req.principal->scope(), *page);
                 if (!list.ok()) return ErrorResponse(list.error());
                 nlohmann::json items = nlohmann::json::array();
                 for (const auto& j : list->items) items.push_back(JobJson(j));
                 return JsonResponse({{"items", items}, {"total", list->total}});
               }});

  router_.Add({"GET", "/api/v1/imports/{import_id}", Access::kUser,
               "One import: status, progress (done_rows of total_rows), counts per outcome", "imports",
               [this, unavailable, visible_job](Request& req) {
                 if (!base_) return unavailable();
                 std::int64_t id = 0;
                 if (auto refused = visible_job(req, id)) return *refused;
                 auto job = store_.GetImportJob(req.principal->scope(), id);
                 if (!job.ok()) return ErrorResponse(job.error());
                 return JsonResponse(JobJson(*job));
               }});

  router_.Add({"GET", "/api/v1/imports/{import_id}/rows", Access::kUser,
               "Every row's fate in source order (outcome=created|updated|unchanged|invalid|review|skipped, "
               "limit, offset); rows in review carry their values, ID and phone numbers masked",
               "imports", [this, unavailable, visible_job, row_json](Request& req) {
                 if (!base_) return unavailable();
                 std::int64_t id = 0;
                 if (auto refused = visible_job(req, id)) return *refused;
                 std::optional<store::ImportOutcome> outcome;
                 if (auto o = req.Query("outcome"); o && !o->empty()) {
                   outcome = store::ParseImportOutcome(*o);
                   if (!outcome) {
                     return ErrorResponse(400, "invalid",
                                          "outcome: one of created, updated, unchanged, invalid, review, skipped");
                   }
                 }
                 auto page = ParsePage(req, 100, 500);
                 if (!page.ok()) return ErrorResponse(page.error());
                 auto rows = store_.ListImportRows(req.principal->scope(), id, outcome, *page);
                 if (!rows.ok()) return ErrorResponse(rows.error());
                 nlohmann::json items = nlohmann::json::array();
                 for (const auto& r : rows->items) items.push_back(row_json(r));
                 return JsonResponse({{"items", items}, {"total", rows->total}});
               }});

  router_.Add({"GET", "/api/v1/imports/{import_id}/rows.csv", Access::kUser,
               "Every row's fate as CSV (UTF-8 with BOM, formula-safe) for Excel", "imports",
               [this, unavailable, visible_job](Request& req) {
                 if (!base_) return unavailable();
                 std::int64_t id = 0;
                 if (auto refused = visible_job(req, id)) return *refused;
                 auto all = imports::AllRows(store_, req.principal->scope(), id);
                 if (!all.ok()) return ErrorResponse(all.error());
                 Response r;
                 r.content_type = "text/csv; charset=utf-8";
                 r.body = tabular::WriteCsv(imports::ResultsTable(*all));
                 r.AddHeader("Content-Disposition", "attachment; filename=\"import-" + std::to_string(id) + ".csv\"");
                 return r;
               }});

  router_.Add({"POST", "/api/v1/imports/{import_id}/rows/{row}/resolve", Access::kUser,
               "Resolve a row in review: action link (person_id; take: conflicting targets to replace), create or "
               "skip",
               "imports", [this, unavailable, visible_job, importer, row_json](Request& req) {
                 if (!base_) return unavailable();
                 std::int64_t id = 0;
                 if (auto refused = visible_job(req, id)) return *refused;
                 auto row = PositiveId(req.params.at("row"));
                 if (!row) return ErrorResponse(404, "not_found", "import row not found");
                 auto body = ParseJsonObject(req);
                 if (!body.ok()) return ErrorResponse(body.error());
                 auto action = StringField(*body, "action", true, 20);
                 if (!action.ok()) return ErrorResponse(action.error());
                 imports::Resolution resolution;
                 resolution.action = *action;
                 if (auto it = body->find("person_id"); it != body->end() && !it->is_null()) {
                   if (!it->is_number_integer() || it->get<std::int64_t>() <= 0) {
                     return ErrorResponse(400, "invalid", "person_id: expected a positive integer");
                   }
                   resolution.person_id = it->get<std::int64_t>();
                 }
                 if (auto it = body->find("take"); it != body->end()) {
                   if (!it->is_array() || it->size() > 200) return ErrorResponse(400, "invalid", "take: expected an array of targets");
                   for (const auto& t : *it) {
                     if (!t.is_string()) return ErrorResponse(400, "invalid", "take: expected an array of targets");
                     resolution.take.push_back(t.get<std::string>());
                   }
                 }
                 auto resolved = importer().Resolve(req.principal->scope(), id, *row, resolution, req.principal->user.id);
                 if (!resolved.ok()) return ErrorResponse(resolved.error());
                 return JsonResponse(row_json(*resolved));
               }});
}

}  // namespace cg::api
