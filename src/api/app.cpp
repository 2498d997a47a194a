#include "api/app.hpp"

#include <spdlog/spdlog.h>

#include <chrono>
#include <filesystem>
#include <stdexcept>

#include "api/errors.hpp"
#include "auth/random.hpp"

namespace cg::api {
namespace {

bool IsApiPath(const std::string& path) {
  return path.rfind("/api/", 0) == 0 || path == "/api" || path.rfind("/open311/", 0) == 0 ||
         path == "/healthz" || path == "/metrics";
}

bool IsSafeMethod(const std::string& m) { return m == "GET" || m == "HEAD" || m == "OPTIONS"; }

}  // namespace

void AddSecurityHeaders(Response& r) {
  r.AddHeader("Content-Security-Policy",
              "default-src 'self'; img-src 'self' data: blob:; worker-src 'self' blob:; "
              "style-src 'self' 'unsafe-inline'; connect-src 'self'; object-src 'none'; "
              "base-uri 'none'; frame-ancestors 'none'; form-action 'self'");
  r.AddHeader("X-Content-Type-Options", "nosniff");
  r.AddHeader("X-Frame-Options", "DENY");
  r.AddHeader("Referrer-Policy", "no-referrer");
}

namespace {
// `trusted_proxies` was validated when the config was loaded; a Config built in code with a bad
// value is a start-up bug and fails fast.
NetworkSet TrustedProxies(const std::string& text) {
  auto set = NetworkSet::Parse(text);
  if (!set.ok()) throw std::invalid_argument("trusted_proxies: " + set.error().message);
  return std::move(set).value();
}
}  // namespace

App::App(store::Store& store, const Clock& clock, Config config)
    : store_(store),
      clock_(clock),
      config_(std::move(config)),
      trusted_proxies_(TrustedProxies(config_.trusted_proxies)),
      auth_(store, clock,
            auth::AuthOptions{config_.session_idle_ms, config_.session_absolute_ms,
                              config_.login_max_failures, config_.login_window_ms,
                              config_.session_cache_ms}),
      public_report_limiter_(clock, config_.public_reports_per_hour, 3600'000),
      id_search_limiter_(clock, kIdSearchesPerHour, 3600'000) {
  notices_ = std::make_unique<notices::Service>(store_, clock_);
  deliberation_ = std::make_unique<deliberation::Service>(store_, clock_, nullptr);
  complaints_ = std::make_unique<complaints::Service>(store_, clock_);
  projects_ = std::make_unique<projects::Service>(store_, clock_);
  volunteers_ = std::make_unique<volunteers::Service>(store_, clock_);
  mediation_ = std::make_unique<mediation::Service>(store_, clock_);
  RegisterRoutes();
}

void App::RegisterRoutes() {
  RegisterSystemRoutes();
  RegisterSessionRoutes();
  RegisterOrgRoutes();
  RegisterBaseRoutes();
  RegisterVisitRoutes();
  RegisterCaseRoutes();
  RegisterPublicCaseRoutes();
  RegisterOpen311Routes();
  RegisterPhotoRoutes();
  RegisterReportRoutes();
  RegisterImportRoutes();
  RegisterNoticeRoutes();
  RegisterTopicRoutes();
  RegisterVolunteerRoutes();
  RegisterMediationRoutes();
  RegisterWelfareRoutes();
  RegisterComplaintRoutes();
  RegisterProjectRoutes();
}

Response App::Handle(Request& request) {
  auto start = std::chrono::steady_clock::now();
  std::string route_label = "static";
  Response response;
  if (!trusted_proxies_.empty()) {
    auto xff = request.headers.find("x-forwarded-for");
    if (xff != request.headers.end())
      request.remote_address = ClientAddress(request.remote_address, xff->second, trusted_proxies_);
  }
  try {
    response = Dispatch(request, route_label);
  } catch (const std::exception& e) {
    spdlog::error("unhandled exception method={} path={} what={}", request.method, request.path, e.what());
    response = ErrorResponse(500, "internal", "internal error");
  }
  AddSecurityHeaders(response);
  if (IsApiPath(request.path)) response.AddHeader("Cache-Control", "no-store");
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  metrics_.Observe(request.method, route_label, response.status, secs);
  return response;
}

Response App::Dispatch(Request& request, std::string& route_label) {
  if (!IsApiPath(request.path)) {
    if (request.method != "GET" && request.method != "HEAD")
      return ErrorResponse(405, "method_not_allowed", "only GET is allowed here");
    return ServeStatic(request);
  }
  auto match = router_.Find(request.method, request.path);
  if (match.kind == Router::MatchKind::kNoPath) {
    route_label = "unmatched";
    return ErrorResponse(404, "not_found", "no such endpoint: " + request.path);
  }
  if (match.kind == Router::MatchKind::kNoMethod) {
    route_label = "unmatched";
    Response r = ErrorResponse(405, "method_not_allowed", "method not allowed; use " + match.allowed);
    r.AddHeader("Allow", match.allowed);
    return r;
  }
  const Route& route = *match.route;
  route_label = route.pattern;
  request.params = std::move(match.params);

  // Authentication: a session cookie, if any, is resolved for every route.
  std::string token = request.Cookie(kSessionCookie);
  if (!token.empty()) {
    auto principal = auth_.Resolve(token);
    if (principal.ok()) request.principal = std::move(principal).value();
  }
  if (route.access == Access::kUser && !request.principal) {
    return ErrorResponse(401, "unauthenticated", "log in first");
  }
  if (route.access == Access::kUser && !route.reporter && request.principal &&
      request.principal->user.role == model::Role::kReporter) {
    return ErrorResponse(403, "forbidden", "a reporter account may only record welfare visits");
  }
  // CSRF: a state-changing request made with a session must echo the session's token.
  if (request.principal && !IsSafeMethod(request.method) &&
      !auth::SecureEquals(request.Header("x-csrf-token"), request.principal->csrf_token)) {
    return ErrorResponse(403, "csrf", "missing or wrong X-CSRF-Token header");
  }
  Response r = route.handler(request);
  if (request.method == "HEAD") r.body.clear();
  return r;
}

Response App::ServeStatic(const Request& request) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path root = fs::weakly_canonical(config_.web_root, ec);
  const std::string& path = request.path;
  // The path is already percent-decoded; refuse anything that could leave the root.
  if (path.find("..") != std::string::npos || path.find('\\') != std::string::npos ||
      path.find('\0') != std::string::npos || path.empty() || path[0] != '/') {
    return ErrorResponse(400, "invalid", "invalid path");
  }
  fs::path candidate = fs::weakly_canonical(root / path.substr(1), ec);
  auto rel = candidate.lexically_relative(root);
  bool inside = !ec && !rel.empty() && *rel.begin() != "..";
  bool is_file = inside && fs::is_regular_file(candidate, ec);
  bool spa_fallback = false;
  if (!is_file) {
    // Client-side routes fall back to the app shell; missing assets stay 404.
    if (path.rfind("/assets/", 0) == 0 || fs::path(path).has_extension()) {
      return ErrorResponse(404, "not_found", "no such file");
    }
    // The field app (/m/...) is its own single-page app with its own shell.
    const bool field_app = path == "/m" || path.rfind("/m/", 0) == 0;
    candidate = root / (field_app ? "m/index.html" : "index.html");
    spa_fallback = true;
    if (!fs::is_regular_file(candidate, ec)) {
      return ErrorResponse(404, "not_found", "web app not built (run: cd web && npm ci && npm run build)");
    }
  }
  static const std::map<std::string, std::string> kTypes = {
      {".html", "text/html; charset=utf-8"}, {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"}, {".css", "text/css; charset=utf-8"},
      {".json", "application/json"}, {".svg", "image/svg+xml"}, {".png", "image/png"},
      {".jpg", "image/jpeg"}, {".ico", "image/x-icon"}, {".woff2", "font/woff2"},
      {".webmanifest", "application/manifest+json"}, {".map", "application/json"},
      {".wasm", "application/wasm"}, {".txt", "text/plain; charset=utf-8"}};
  Response r;
  auto it = kTypes.find(candidate.extension().string());
  r.content_type = it == kTypes.end() ? "application/octet-stream" : it->second;
  r.file_path = candidate.string();
  r.AddHeader("Cache-Control", !spa_fallback && path.rfind("/assets/", 0) == 0
                                   ? "public, max-age=31536000, immutable"
                                   : "no-cache");
  return r;
}

std::shared_ptr<const geo::GridIndex> App::grid_index() const {
  std::lock_guard lock(index_mu_);
  return grid_index_;
}

Status App::LoadGridIndex() {
  auto grids = store_.ListByKind(model::Scope::System(), model::OrgKind::kGrid);
  if (!grids.ok()) return grids.error();
  std::vector<std::pair<std::string, geo::MultiPolygon>> items;
  items.reserve(grids->size());
  for (auto& g : *grids) items.emplace_back(g.code, std::move(g.geometry));
  auto snapshot = std::make_shared<const geo::GridIndex>(geo::GridIndex::Build(std::move(items)));
  {
    std::lock_guard lock(index_mu_);
    grid_index_ = std::move(snapshot);
  }
  metrics_.SetGauge("citygrid_grid_index_grids", static_cast<double>(grid_index()->size()));
  spdlog::info("grid index loaded grids={}", grid_index()->size());
  return {};
}

}  // namespace cg::api
