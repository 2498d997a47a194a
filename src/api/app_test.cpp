#include "api/app.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "api/test_city.hpp"

namespace cg::api {
namespace {

using nlohmann::json;
using testing::TestCity;

json Body(const Response& r) { return json::parse(r.body, nullptr, false); }

void ExpectJsonError(const Response& r, int status, const std::string& code) {
  EXPECT_EQ(r.status, status) << r.body;
  auto j = Body(r);
  ASSERT_TRUE(j.is_object()) << r.body;
  ASSERT_TRUE(j.contains("error")) << r.body;
  EXPECT_EQ(j["error"]["code"], code) << r.body;
  EXPECT_TRUE(j["error"]["message"].is_string());
}

TEST(App, LoginMeLogout) {
  TestCity city("login");
  auto bad = city.Call("POST", "/api/v1/session", R"({"username":"alice","password":"wrong-password"})");
  ExpectJsonError(bad, 401, "unauthenticated");
  auto l = city.LogIn("alice");
  ASSERT_FALSE(l.cookie.empty());
  EXPECT_GE(l.cookie.size(), 43u);  // >= 256 bits of randomness, base64url
  auto me = city.Call("GET", "/api/v1/me", "", l.cookie);
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(Body(me)["user"]["role"], "staff");
  EXPECT_EQ(Body(me)["user"]["scope"]["name"], "包头市");
  // Logout needs the CSRF token.
  ExpectJsonError(city.Call("DELETE", "/api/v1/session", "", l.cookie), 403, "csrf");
  ExpectJsonError(city.Call("DELETE", "/api/v1/session", "", l.cookie, "wrong"), 403, "csrf");
  EXPECT_EQ(city.Call("DELETE", "/api/v1/session", "", l.cookie, l.csrf).status, 204);
  ExpectJsonError(city.Call("GET", "/api/v1/me", "", l.cookie), 401, "unauthenticated");
}

TEST(App, SessionCookieAttributes) {
  TestCity city("cookie");
  auto r = city.Call("POST", "/api/v1/session", R"({"username":"alice","password":"password-1"})");
  std::string cookie;
  for (auto& [k, v] : r.headers)
    if (k == "Set-Cookie") cookie = v;
  EXPECT_NE(cookie.find("HttpOnly"), std::string::npos);
  EXPECT_NE(cookie.find("SameSite=Strict"), std::string::npos);
  EXPECT_NE(cookie.find("Path=/"), std::string::npos);
}

TEST(App, LoginIsRateLimited) {
  Config config;
  config.login_max_failures = 3;
  TestCity city("ratelimit", config);
  for (int i = 0; i < 3; ++i)
    city.Call("POST", "/api/v1/session", R"({"username":"alice","password":"wrong-password"})");
  auto r = city.Call("POST", "/api/v1/session", R"({"username":"alice","password":"password-1"})");
  ExpectJsonError(r, 429, "rate_limited");
}

// Behind a reverse proxy the login limit counts per client, not per proxy: X-Forwarded-For is
// believed from `trusted_proxies` only, so a client cannot forge its way out of a lockout.
TEST(App, LoginLimitSeesClientsBehindTrustedProxy) {
  auto lock_out_then_try = [](TestCity& city) {
    const std::map<std::string, std::string> from_a{{"x-forwarded-for", "198.51.100.1"}};
    const std::map<std::string, std::string> from_b{{"x-forwarded-for", "198.51.100.2"}};
    for (const char* user : {"alice", "ga", "gb"})  // three usernames: the address limit trips
      city.Call("POST", "/api/v1/session", std::string(R"({"username":")") + user + R"(","password":"wrong"})",
                "", "", from_a);
    auto a = city.Call("POST", "/api/v1/session", R"({"username":"jin","password":"password-1"})", "", "", from_a);
    auto b = city.Call("POST", "/api/v1/session", R"({"username":"rita","password":"password-1"})", "", "", from_b);
    return std::pair{a.status, b.status};
  };
  Config behind_proxy;
  behind_proxy.login_max_failures = 3;
  behind_proxy.trusted_proxies = "127.0.0.1, ::1";
  TestCity proxied("xff_trusted", behind_proxy);
  EXPECT_EQ(lock_out_then_try(proxied), std::pair(429, 200));

  // Without a trusted proxy every request is the peer's (127.0.0.1): both clients are locked out.
  Config direct;
  direct.login_max_failures = 3;
  TestCity plain("xff_untrusted", direct);
  EXPECT_EQ(lock_out_then_try(plain), std::pair(429, 429));

  // A bad setting is refused when the config is loaded.
  Config c;
  auto s = ApplyEnvironment({{"CITYGRID_TRUSTED_PROXIES", "10.0.0.0/40"}}, c);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("trusted_proxies"), std::string::npos) << s.error().message;
}

TEST(App, OrgUnitAndChildren) {
  TestCity city("org");
  auto l = city.LogIn("alice");
  auto r = city.Call("GET", "/api/v1/org-units/150203010008", "", l.cookie);
  ASSERT_EQ(r.status, 200) << r.body;
  auto j = Body(r);
  EXPECT_EQ(j["name"], "金华社区");
  EXPECT_EQ(j["kind"], "community");
  EXPECT_EQ(j["child_count"], 2);
  ASSERT_EQ(j["ancestors"].size(), 3u);
  EXPECT_EQ(j["ancestors"][0]["code"], "1502");
  EXPECT_EQ(j["ancestors"][2]["code"], "150203010");

  auto c = Body(city.Call("GET", "/api/v1/org-units/150203010/children?limit=1&offset=1", "", l.cookie));
  EXPECT_EQ(c["total"], 2);
  ASSERT_EQ(c["items"].size(), 1u);
  EXPECT_EQ(c["items"][0]["code"], "150203010009");
  EXPECT_EQ(c["items"][0]["child_count"], 1);

  ExpectJsonError(city.Call("GET", "/api/v1/org-units/150203010/children?limit=0", "", l.cookie), 400, "invalid");
  ExpectJsonError(city.Call("GET", "/api/v1/org-units/150203010/children?limit=abc", "", l.cookie), 400, "invalid");
  ExpectJsonError(city.Call("GET", "/api/v1/org-units/150299", "", l.cookie), 404, "not_found");
  ExpectJsonError(city.Call("GET", "/api/v1/org-units/1502'--", "", l.cookie), 400, "invalid");
}

TEST(App, GeoJsonOfChildrenAndGrids) {
  TestCity city("geojson");
  auto l = city.LogIn("alice");
  auto r = city.Call("GET", "/api/v1/org-units/150203010/children.geojson", "", l.cookie);
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "application/geo+json");
  auto j = Body(r);
  EXPECT_EQ(j["type"], "FeatureCollection");
  ASSERT_EQ(j["features"].size(), 2u);
  EXPECT_EQ(j["features"][0]["geometry"]["type"], "MultiPolygon");

  auto g = Body(city.Call("GET", "/api/v1/org-units/150203/grids.geojson", "", l.cookie));
  ASSERT_EQ(g["features"].size(), 3u);
  auto p = g["features"][0]["properties"];
  EXPECT_EQ(p["code"], "150203010008001");
  EXPECT_EQ(p["community_name"], "金华社区");
  EXPECT_EQ(p["street_name"], "市府东路街道");
}

TEST(App, LocateFindsGridAndAncestors) {
  TestCity city("locate");
  auto l = city.LogIn("alice");
  auto r = city.Call("GET", "/api/v1/grids/locate?lon=109.7&lat=41", "", l.cookie);
  ASSERT_EQ(r.status, 200) << r.body;
  auto j = Body(r);
  EXPECT_EQ(j["grid"]["code"], "150203010008002");
  EXPECT_EQ(j["ancestors"].size(), 4u);
  ExpectJsonError(city.Call("GET", "/api/v1/grids/locate?lon=120&lat=41", "", l.cookie), 404, "not_found");
  ExpectJsonError(city.Call("GET", "/api/v1/grids/locate?lon=abc&lat=41", "", l.cookie), 400, "invalid");
  ExpectJsonError(city.Call("GET", "/api/v1/grids/locate?lon=200&lat=41", "", l.cookie), 400, "invalid");
  ExpectJsonError(city.Call("GET", "/api/v1/grids/locate?lat=41", "", l.cookie), 400, "invalid");
  ExpectJsonError(city.Call("GET", "/api/v1/grids/locate?lon=nan&lat=41", "", l.cookie), 400, "invalid");
}

TEST(App, GridWorkerSeesOnlyOwnGrid) {
  TestCity city("gridworker");
  auto l = city.LogIn("ga");
  EXPECT_EQ(city.Call("GET", "/api/v1/org-units/150203010008001", "", l.cookie).status, 200);
  ExpectJsonError(city.Call("GET", "/api/v1/org-units/150203010008002", "", l.cookie), 404, "not_found");
  ExpectJsonError(city.Call("GET", "/api/v1/org-units/150203010008", "", l.cookie), 404, "not_found");
  ExpectJsonError(city.Call("GET", "/api/v1/org-units/1502/children", "", l.cookie), 404, "not_found");
  EXPECT_EQ(city.Call("GET", "/api/v1/grids/locate?lon=109.2&lat=41", "", l.cookie).status, 200);
  ExpectJsonError(city.Call("GET", "/api/v1/grids/locate?lon=109.7&lat=41", "", l.cookie), 404, "not_found");
  auto g = Body(city.Call("GET", "/api/v1/org-units/150203010008001/grids.geojson", "", l.cookie));
  ASSERT_EQ(g["features"].size(), 1u);
  EXPECT_EQ(g["features"][0]["properties"]["community_name"], "金华社区");
}

TEST(App, UnknownApiPathsAreJson404And405) {
  TestCity city("unknown");
  ExpectJsonError(city.Call("GET", "/api/v1/nope"), 404, "not_found");
  ExpectJsonError(city.Call("GET", "/api/v2"), 404, "not_found");
  auto r = city.Call("PUT", "/api/v1/session");
  ExpectJsonError(r, 405, "method_not_allowed");
}

TEST(App, HostileBodies) {
  TestCity city("hostile");
  const char* bodies[] = {
      "{", "[]", "null", "\"x\"", R"({"username":1,"password":"x"})",
      R"({"username":"alice"})", R"({"username":"alice","password":{"$gt":""}})",
      R"({"username":"' OR 1=1 --","password":"' OR 1=1 --"})",
      "\xff\xfe{}",
  };
  for (const char* b : bodies) {
    auto r = city.Call("POST", "/api/v1/session", b);
    EXPECT_TRUE(r.status == 400 || r.status == 401) << b << " -> " << r.status << " " << r.body;
    EXPECT_TRUE(Body(r).contains("error")) << b;
  }
  std::string deep(100000, '[');
  ExpectJsonError(city.Call("POST", "/api/v1/session", deep), 400, "invalid");
  Request r;
  r.method = "POST";
  r.path = "/api/v1/session";
  r.body = R"({"username":"alice","password":"password-1"})";
  r.headers["content-type"] = "text/plain";
  ExpectJsonError(city.app->Handle(r), 400, "invalid");
}

TEST(App, StaticFilesCannotEscapeRoot) {
  TestCity city("static");
  auto index = city.Call("GET", "/");
  EXPECT_EQ(index.status, 200);
  EXPECT_NE(index.file_path.find("index.html"), std::string::npos);
  EXPECT_EQ(city.Call("GET", "/assets/app.js").content_type, "text/javascript; charset=utf-8");
  // Client-side routes get the app shell; missing assets do not.
  EXPECT_NE(city.Call("GET", "/org/150203").file_path.find("index.html"), std::string::npos);
  // The public site's deep links too, with the same CSP.
  for (const char* p : {"/p/", "/p/report", "/p/cases/aB3-_x9Zq0Lm", "/p/questions", "/cases/17"}) {
    auto r = city.Call("GET", p);
    EXPECT_EQ(r.status, 200) << p;
    EXPECT_NE(r.file_path.find("index.html"), std::string::npos) << p;
    bool strict = false;
    for (auto& [k, v] : r.headers) strict |= k == "Content-Security-Policy" && v.find("default-src 'self'") != std::string::npos;
    EXPECT_TRUE(strict) << p;
  }
  EXPECT_EQ(city.Call("GET", "/assets/missing.js").status, 404);
  // The field app has its own shell for /m and its deep links, with the same CSP.
  for (const char* p : {"/m", "/m/", "/m/household/12", "/m/login?next=/m/"}) {
    auto m = city.Call("GET", p);
    EXPECT_EQ(m.status, 200) << p;
    EXPECT_NE(m.file_path.find("m/index.html"), std::string::npos) << p << ": " << m.file_path;
  }
  EXPECT_EQ(city.Call("GET", "/mobile").file_path.find("m/index.html"), std::string::npos);
  EXPECT_EQ(city.Call("GET", "/m/assets/missing.js").status, 404);
  for (const char* p : {"/../secret.txt", "/assets/../../secret.txt", "/..", "/a/..\\..\\secret.txt"}) {
    auto r = city.Call("GET", p);
    EXPECT_EQ(r.status, 400) << p;
    EXPECT_TRUE(r.file_path.empty()) << p;
  }
  // Every response carries a strict CSP.
  bool csp = false;
  for (auto& [k, v] : index.headers) csp |= k == "Content-Security-Policy" && v.find("default-src 'self'") != std::string::npos;
  EXPECT_TRUE(csp);
}

TEST(App, HealthMetricsOpenApi) {
  TestCity city("system");
  auto h = city.Call("GET", "/healthz");
  ASSERT_EQ(h.status, 200);
  EXPECT_EQ(Body(h)["db"], "sqlite");
  EXPECT_EQ(Body(h)["grids_indexed"], 3);
  auto m = city.Call("GET", "/metrics");
  ASSERT_EQ(m.status, 200);
  EXPECT_NE(m.body.find("citygrid_http_requests_total{method=\"GET\",route=\"/healthz\",status=\"200\"} 1"),
            std::string::npos)
      << m.body;
  Request remote;
  remote.method = "GET";
  remote.path = "/metrics";
  remote.remote_address = "203.0.113.9";
  EXPECT_EQ(city.app->Handle(remote).status, 403);
  auto o = Body(city.Call("GET", "/api/openapi.json"));
  EXPECT_EQ(o["openapi"], "3.1.0");
  // Every /api route is documented.
  for (const auto& r : city.app->router().routes()) {
    if (r.pattern.rfind("/api/", 0) != 0) continue;
    std::string m2 = r.method;
    for (auto& c : m2) c = static_cast<char>(std::tolower(c));
    EXPECT_TRUE(o["paths"].contains(r.pattern) && o["paths"][r.pattern].contains(m2)) << r.pattern;
  }
}

}  // namespace
}  // namespace cg::api
