#pragma once
// The HTTP application: routes, authentication, CSRF, scope, errors, static files. It turns a
// Request into a Response and knows nothing of sockets (http_server.cpp does that), so tests
// drive it directly.

#include <atomic>
#include <functional>
#include <memory>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "api/http_types.hpp"
#include "api/metrics.hpp"
#include "api/router.hpp"
#include "auth/authenticator.hpp"
#include "base/service.hpp"
#include "auth/login_limiter.hpp"
#include "cases/calendar.hpp"
#include "cases/case_type.hpp"
#include "cases/officials.hpp"
#include "cases/routing.hpp"
#include "core/clock.hpp"
#include "core/config.hpp"
#include "core/net_address.hpp"
#include "geo/grid_index.hpp"
#include "media/media.hpp"
#include "notices/service.hpp"
#include "complaints/service.hpp"
#include "deliberation/service.hpp"
#include "volunteers/service.hpp"
#include "mediation/service.hpp"
#include "projects/service.hpp"
#include "reports/catalog.hpp"
#include "store/case_store.hpp"
#include "store/store.hpp"

namespace cg::api {

inline constexpr char kSessionCookie[] = "cg_session";
// ID-number, ID-tail and phone searches one user may make per hour (each is audited).
inline constexpr int kIdSearchesPerHour = 60;
// Open cases of the same category this close to a new report are offered as possible duplicates.
inline constexpr double kDuplicateRadiusM = 50;

// The case types, routing rules and working-time calendar, loaded at start from
// <data_root>/case-types and <data_root>/calendar. Immutable once loaded.
struct CaseData {
  cases::CaseTypeRegistry registry;
  cases::RoutingTable routing;
  cases::Calendar calendar;
  std::vector<cases::Official> officials;  // <data_root>/officials.toml (有问必答), may be empty
};

// A case to open (our API, the public form, Open311). Grid from lon/lat when given, else
// grid_code. reporter nullopt: an anonymous public report.
struct CaseSubmission {
  std::string type;
  std::string category;
  std::map<std::string, std::string> fields;
  std::optional<double> lon, lat;
  std::string grid_code;
  std::optional<cases::Actor> reporter;
  std::string idempotency_key;
  std::string public_token_hash;
  // Photos already processed (ReadUploadForm), stored in the case's own transaction.
  std::vector<std::shared_ptr<const store::NewPhoto>> photos;
};

// What a case type needs checked or added beyond its data file, registered by its domain's
// routes (e.g. mediation: the mediator assigned must mediate at the case's unit). Each may be
// empty. Errors are answered like the engine's and nothing is written.
struct CaseTypeHooks {
  // Before the engine opens the case; may complete its fields (e.g. a referral's station).
  std::function<Status(std::map<std::string, std::string>& fields)> before_create;
  // Before the engine takes `transition` with `input` on `current`.
  std::function<Status(const store::CaseRecord& current, const std::string& transition,
                       const std::map<std::string, std::string>& input)>
      before_transition;
  // After the engine took it: further notifications to save with the case.
  std::function<void(const store::CaseRecord& updated, const std::string& transition,
                     std::vector<cases::Notification>& notifications)>
      after_transition;
};

struct UploadOptions;  // api/photo_upload.hpp

class App {
 public:
  // `store` and `clock` must outlive the App. Call LoadGridIndex() before serving locate.
  App(store::Store& store, const Clock& clock, Config config);

  // Handles one request completely; never throws (an escaped exception becomes a 500).
  Response Handle(Request& request);

  // (Re)builds the in-memory point-location index from the grids in the store.
  Status LoadGridIndex();

  // Turns on the base-data routes (/api/v1/persons ...) and reports; until then they answer
  // 503. Loads the report templates (<data_root>/reports and those stored), then starts the
  // change feed with every projection registered (a snapshot of the base data). kInvalid
  // names a bad template file; the server refuses to start then.
  Status EnableBaseData(privacy::KeyRing keys, forms::Dictionary dictionary);
  // The master key without base data (no dictionary): cases still seal their phone numbers.
  void UseMasterKey(privacy::KeyRing keys) { keys_ = std::make_unique<privacy::KeyRing>(std::move(keys)); }
  // Applies base-data writes made since the last catch-up (by any node) to the in-memory
  // views and picks up report templates other nodes added or removed. Thread-safe; the server
  // calls it every feed_interval_ms. No-op before EnableBaseData.
  Status CatchUpChanges();
  // Loads case types, routing, calendar and officials from config.data_root. kInvalid names the file at
  // fault; the server refuses to start then. Until it succeeds, case routes answer 503.
  Status LoadCaseData();

  // The deadline job, once, at the clock's now: evaluates every case whose warning or deadline
  // has come, saving warnings, escalations and overdue flags with their notifications.
  // Returns how many cases changed. Thread-safe; the server calls it every
  // case_eval_interval_ms, tests call it after moving a ManualClock.
  Result<int> EvaluateDueCases();
  // The welfare part of the deadline job (EvaluateDueCases runs it too): opens one
  // welfare_check case for each person whose visit is overdue and has none for this spell, at
  // most 2,000 a run. Returns how many it opened; 0 without the case type.
  Result<int> EvaluateWelfare();
  // Records a checked welfare visit (welfare::CheckVisit) by `visitor` of a subject inside
  // `scope` (assigned to the visitor when `reporter_only`); an urgent one first opens its
  // welfare_check case for the community, and the visit keeps its id. kNotFound for a person
  // who is not an active subject the visitor may reach; nothing is written then.
  Result<store::WelfareVisit> RecordWelfareVisit(const cases::Actor& visitor, const model::Scope& scope,
                                                 bool reporter_only, store::WelfareVisit visit,
                                                 std::shared_ptr<const store::NewPhoto> photo);

  // Opens a case: locate, route, engine Create, store (idempotent by key).
  Result<store::CreatedCase> SubmitCase(const CaseSubmission& submission);

  const Router& router() const { return router_; }
  Metrics& metrics() { return metrics_; }
  const Config& config() const { return config_; }

 private:
  void RegisterRoutes();
  void RegisterSessionRoutes();
  void RegisterOrgRoutes();
  void RegisterSystemRoutes();
  void RegisterBaseRoutes();
  nlohmann::json RecordJson(const store::BaseRecord& record) const;
  Result<store::WriteContext> CreationContext(const Request& req, const std::string& fallback_key) const;
  Response StaleVersion(const Request& req, model::BaseEntity e, std::int64_t id, const Error& error);
  // ID-number, ID-tail and phone searches: rate-limited per user and audited ("search_id");
  // returns the refusal, or nullopt to go on.
  std::optional<Response> CheckIdentifyingSearch(const Request& req, model::BaseEntity e, const std::string& q);
  void RegisterVisitRoutes();
  void RegisterCaseRoutes();
  void RegisterPublicCaseRoutes();
  void RegisterOpen311Routes();
  void RegisterPhotoRoutes();
  void RegisterReportRoutes();
  nlohmann::json TemplateJson(const reports::Template& t) const;
  void RegisterImportRoutes();  // import_handlers.cpp
  void RegisterNoticeRoutes();  // notices/notice_handlers.cpp
  void RegisterTopicRoutes();   // deliberation/topic_handlers.cpp
  void RegisterComplaintRoutes();  // complaints/complaint_handlers.cpp
  void RegisterProjectRoutes();  // projects/project_handlers.cpp
  void RegisterVolunteerRoutes();  // volunteers/volunteer_handlers.cpp
  void RegisterMediationRoutes();  // mediation/mediation_handlers.cpp
  void RegisterWelfareRoutes();    // welfare/welfare_handlers.cpp
  // Open cases of the same type and category within kDuplicateRadiusM of a new public report,
  // privacy-safe: public id, category, distance, state and public status only.
  nlohmann::json PublicDuplicates(const store::CaseRecord& created);
  // Upload limits from the config for `max_files` parts named `file_part`.
  UploadOptions upload_options(const std::string& file_part, std::size_t max_files) const;
  // A case submission's body as a JSON object: the JSON body itself, or the text parts of a
  // multipart/form-data body (`number_keys` parsed as numbers), whose photos are processed
  // into s.photos and whose first EXIF position goes to `gps`. Errors name the part.
  Result<nlohmann::json> ReadSubmission(const Request& req, std::vector<std::string> number_keys,
                                        CaseSubmission& s, std::optional<media::Gps>& gps) const;
  std::shared_ptr<const CaseData> case_data() const;
  Response Transition(Request& request, const std::string& id, const std::string& name);
  Response Dispatch(Request& request, std::string& route_label);
  Response ServeStatic(const Request& request);
  std::shared_ptr<const geo::GridIndex> grid_index() const;

  store::Store& store_;
  const Clock& clock_;
  Config config_;
  NetworkSet trusted_proxies_;  // from config_.trusted_proxies (validated when loaded)
  auth::Authenticator auth_;
  Router router_;
  Metrics metrics_;
  mutable std::mutex index_mu_;
  std::shared_ptr<const geo::GridIndex> grid_index_;
  // Base data: set once by EnableBaseData before serving.
  std::unique_ptr<privacy::KeyRing> keys_;
  std::unique_ptr<forms::Dictionary> dictionary_;
  std::unique_ptr<base::Service> base_;
  std::unique_ptr<base::SearchProjection> search_;  // the search index, fed by feed_
  std::unique_ptr<base::ChangeFeed> feed_;  // follows the change log for the projections
  std::unique_ptr<notices::Service> notices_;  // notices and loudspeaker stations
  std::unique_ptr<complaints::Service> complaints_;  // complaint sessions (吐槽大会)
  std::unique_ptr<deliberation::Service> deliberation_;  // topics and votes (base_ once base data is on)
  std::unique_ptr<projects::Service> projects_;  // governance projects (十百千)
  std::mutex decision_project_mu_;  // one project per deliberation decision (topic_handlers.cpp)
  std::unique_ptr<volunteers::Service> volunteers_;  // volunteers, activities, hours (志愿者之家)
  std::unique_ptr<mediation::Service> mediation_;    // the mediation registry and its case checks
  std::map<std::string, CaseTypeHooks> case_hooks_;  // by case type code; set while registering routes
  std::unique_ptr<reports::Catalog> reports_;  // report templates and their live figures
  std::shared_ptr<const CaseData> case_data_;  // guarded by index_mu_
  auth::LoginLimiter public_report_limiter_;   // public and Open311 submissions per address
  auth::LoginLimiter id_search_limiter_;       // ID/phone searches per user
  std::mutex eval_mu_;                         // one deadline job at a time
  // Imports: uploads, the importer and its background jobs (import_handlers.cpp). Last, so it is
  // destroyed first: its destructor waits for running jobs, which use the members above.
  struct ImportState;
  std::shared_ptr<ImportState> imports_;
};

// A change-log row as JSON (base_handlers.cpp).
nlohmann::json ChangeJson(const store::Change& change);

// Security headers every response carries (CSP, nosniff, frame denial, referrer policy).
void AddSecurityHeaders(Response& response);

}  // namespace cg::api
