// /healthz, /metrics, /api/openapi.json.
#include "api/app.hpp"
#include "api/errors.hpp"
#include "api/json_body.hpp"
#include "auth/random.hpp"

namespace cg::api {
namespace {

bool IsLoopback(const std::string& address) {
  return address.rfind("127.", 0) == 0 || address == "::1" || address.rfind("::ffff:127.", 0) == 0;
}

// The OpenAPI 3.1 document, generated from the route table so it lists every route.
nlohmann::json OpenApi(const Router& router) {
  nlohmann::json paths = nlohmann::json::object();
  for (const Route& r : router.routes()) {
    if (r.pattern.rfind("/api/", 0) != 0 && r.pattern != "/healthz") continue;
    nlohmann::json op = {{"summary", r.summary},
                         {"tags", {r.tag}},
                         {"responses",
                          {{"200", {{"description", "Success"}}},
                            {"4XX", {{"description", "Client error"}}}}}};
    op["responses"]["4XX"] = {{"description", "Client error"},
                              {"content", {{"application/json", {{"schema", {{"$ref", "#/components/schemas/Error"}}}}}}}};
    nlohmann::json params = nlohmann::json::array();
    for (const auto& seg : r.segments) {
      if (seg.size() > 2 && seg.front() == '{')
        params.push_back({{"name", seg.substr(1, seg.size() - 2)}, {"in", "path"}, {"required", true},
                          {"schema", {{"type", "string"}}}});
    }
    if (!params.empty()) op["parameters"] = params;
    if (r.access == Access::kPublic) op["security"] = nlohmann::json::array();
    std::string method = r.method;
    for (auto& c : method) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    paths[r.pattern][method] = op;
  }
  return {{"openapi", "3.1.0"},
          {"info", {{"title", "citygrid API"}, {"version", "1"},
                    {"description", "City-wide social governance platform. Errors: {\"error\":{\"code\",\"message\"}}. "
                                    "State-changing requests with a session need the X-CSRF-Token header."}}},
          {"paths", paths},
          {"security", {{{"session", nlohmann::json::array()}}}},
          {"components",
           {{"securitySchemes", {{"session", {{"type", "apiKey"}, {"in", "cookie"}, {"name", kSessionCookie}}}}},
            {"schemas",
             {{"Error",
               {{"type", "object"},
                {"properties",
                 {{"error", {{"type", "object"},
                             {"properties", {{"code", {{"type", "string"}}}, {"message", {{"type", "string"}}}}}}}}}}}}}}}};
}

}  // namespace

void App::RegisterSystemRoutes() {
  router_.Add({"GET", "/healthz", Access::kPublic, "Liveness and database check", "system",
               [this](Request&) {
                 auto v = store_.SchemaVersion();
                 if (!v.ok()) return ErrorResponse(v.error());
                 auto idx = grid_index();
                 return JsonResponse({{"status", "ok"},
                                      {"db", store_.Backend()},
                                      {"schema_version", *v},
                                      {"grids_indexed", idx ? idx->size() : 0}});
               }});
  router_.Add({"GET", "/metrics", Access::kPublic,
               "Prometheus metrics (loopback callers, or Authorization: Bearer <metrics_token>)",
               "system", [this](Request& req) {
                 bool allowed = config_.metrics_token.empty()
                                    ? IsLoopback(req.remote_address)
                                    : auth::SecureEquals(req.Header("authorization"),
                                                         "Bearer " + config_.metrics_token);
                 if (!allowed) return ErrorResponse(MakeError(ErrorCode::kForbidden, "metrics are not public"));
                 Response r;
                 r.content_type = "text/plain; version=0.0.4; charset=utf-8";
                 r.body = metrics_.RenderPrometheus();
                 return r;
               }});
  router_.Add({"GET", "/api/openapi.json", Access::kPublic, "This OpenAPI document", "system",
               [this](Request&) { return JsonResponse(OpenApi(router_)); }});
}

}  // namespace cg::api
