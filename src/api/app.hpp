#pragma once
// The HTTP application: routes, authentication, CSRF, scope, errors, static files. It turns a
// Request into a Response and knows nothing of sockets (http_server.cpp does that), so tests
// drive it directly.

#include <atomic>
#include <memory>
#include <mutex>
#include <string>

#include <nlohmann/json.hpp>

#include "api/http_types.hpp"
#include "api/metrics.hpp"
#include "api/router.hpp"
#include "auth/authenticator.hpp"
#include "base/service.hpp"
#include "core/clock.hpp"
#include "core/config.hpp"
#include "geo/grid_index.hpp"
#include "store/store.hpp"

namespace cg::api {

inline constexpr char kSessionCookie[] = "cg_session";

class App {
 public:
  // `store` and `clock` must outlive the App. Call LoadGridIndex() before serving locate.
  App(store::Store& store, const Clock& clock, Config config);

  // Handles one request completely; never throws (an escaped exception becomes a 500).
  Response Handle(Request& request);

  // (Re)builds the in-memory point-location index from the grids in the store.
  Status LoadGridIndex();

  // Turns on the base-data routes (/api/v1/persons ...); until then they answer 503.
  Status EnableBaseData(privacy::KeyRing keys, forms::Dictionary dictionary);

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
  Response Dispatch(Request& request, std::string& route_label);
  Response ServeStatic(const Request& request);
  std::shared_ptr<const geo::GridIndex> grid_index() const;

  store::Store& store_;
  const Clock& clock_;
  Config config_;
  auth::Authenticator auth_;
  Router router_;
  Metrics metrics_;
  mutable std::mutex index_mu_;
  std::shared_ptr<const geo::GridIndex> grid_index_;
  // Base data: set once by EnableBaseData before serving.
  std::unique_ptr<privacy::KeyRing> keys_;
  std::unique_ptr<forms::Dictionary> dictionary_;
  std::unique_ptr<base::Service> base_;
};

// Security headers every response carries (CSP, nosniff, frame denial, referrer policy).
void AddSecurityHeaders(Response& response);

}  // namespace cg::api
