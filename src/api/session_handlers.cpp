// POST/DELETE /api/v1/session, GET /api/v1/me.
#include "api/app.hpp"
#include "api/errors.hpp"
#include "api/json_body.hpp"
#include "api/org_json.hpp"

namespace cg::api {
namespace {

std::string SessionCookie(const std::string& value, std::int64_t max_age_s, bool secure) {
  std::string c = std::string(kSessionCookie) + "=" + value + "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" +
                  std::to_string(max_age_s);
  if (secure) c += "; Secure";
  return c;
}

}  // namespace

void App::RegisterSessionRoutes() {
  auto me_json = [this](const auth::Principal& p) -> Result<nlohmann::json> {
    auto unit = store_.GetOrgUnit(model::Scope::System(), p.user.scope_code, false);
    if (!unit.ok()) return unit.error();
    return nlohmann::json{{"user", UserJson(p.user, *unit)}, {"csrf_token", p.csrf_token}};
  };

  router_.Add({"POST", "/api/v1/session", Access::kPublic,
               "Log in with {username, password}; sets the session cookie", "session",
               [this, me_json](Request& req) {
                 auto body = ParseJsonObject(req);
                 if (!body.ok()) return ErrorResponse(body.error());
                 auto username = StringField(*body, "username", true, 256);
                 if (!username.ok()) return ErrorResponse(username.error());
                 auto password = StringField(*body, "password", true, 1024);
                 if (!password.ok()) return ErrorResponse(password.error());
                 auto login = auth_.Login(*username, *password, req.remote_address);
                 if (!login.ok()) {
                   Response r = ErrorResponse(login.error());
                   if (login.error().code == ErrorCode::kRateLimited) r.AddHeader("Retry-After", "60");
                   return r;
                 }
                 auto j = me_json(login->principal);
                 if (!j.ok()) return ErrorResponse(j.error());
                 Response r = JsonResponse(*j);
                 r.AddHeader("Set-Cookie", SessionCookie(login->token, config_.session_absolute_ms / 1000,
                                                         config_.cookie_secure));
                 return r;
               }});
  router_.Add({"DELETE", "/api/v1/session", Access::kUser, "Log out", "session",
               [this](Request& req) {
                 if (auto s = auth_.Logout(*req.principal); !s.ok()) return ErrorResponse(s.error());
                 Response r;
                 r.status = 204;
                 r.content_type.clear();
                 r.AddHeader("Set-Cookie", SessionCookie("", 0, config_.cookie_secure));
                 return r;
               }, true});
  router_.Add({"GET", "/api/v1/me", Access::kUser, "The logged-in user, their scope and CSRF token",
               "session", [me_json](Request& req) {
                 auto j = me_json(*req.principal);
                 return j.ok() ? JsonResponse(*j) : ErrorResponse(j.error());
               }, true});
}

}  // namespace cg::api
