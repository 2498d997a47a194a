// Walks EVERY route registered in the router, as an anonymous client and as a grid worker of
// another grid, and fails if any answers with data about a grid outside the caller's scope.
// Routes added later are covered automatically; a route with a path parameter this test does
// not know fails until the test learns how to aim it at a foreign resource.
#include <gtest/gtest.h>

#include <set>

#include "api/test_city.hpp"

namespace cg::api {
namespace {

using testing::TestCity;

// Public routes that carry no org data by design.
const std::set<std::string> kPublicRoutes = {"GET /healthz", "GET /metrics", "GET /api/openapi.json",
                                             "POST /api/v1/session"};

// The target: grid B (150203010008002, "乙网格") and the units above it, none visible to ga.
const std::map<std::string, std::string> kForeignParams = {{"code", "150203010008002"}};
// Query parameters that aim at grid B where a route reads them.
const char kForeignQuery[] =
    "?lon=109.7&lat=41&scope=150203010008002&code=150203010008002&grid=150203010008002&q=乙";
// Words that would reveal the target (base data in grid B: see TestCity::SeedGridB).
const std::vector<std::string> kSecrets = {"乙网格", "150203010008002", "乙居民", "乙路", "乙楼", "乙公司",
                                           "5678", TestCity::kGridBIdNumber().substr(14)};

// {id} of a base-data route: the record of its family (the path segment after /api/v1/) in grid B.
std::map<std::string, std::string> ParamsFor(const Route& route, const std::map<std::string, std::string>& ids) {
  std::map<std::string, std::string> params = kForeignParams;
  if (route.segments.size() > 2) {
    auto it = ids.find(route.segments[2]);
    if (it != ids.end()) params["id"] = it->second;
  }
  return params;
}

std::string Fill(const Route& route, const std::map<std::string, std::string>& params) {
  std::string path;
  for (const auto& seg : route.segments) {
    path += '/';
    if (seg.size() > 2 && seg.front() == '{') {
      auto it = params.find(seg.substr(1, seg.size() - 2));
      if (it == params.end()) {
        ADD_FAILURE() << route.method << " " << route.pattern << ": scope_walk_test does not know how to "
                      << "fill parameter " << seg << "; teach it (kForeignParams)";
        return {};
      }
      path += it->second;
    } else {
      path += seg;
    }
  }
  return path;
}

void ExpectNoSecret(const Response& r, const std::string& what) {
  for (const auto& s : kSecrets) {
    EXPECT_EQ(r.body.find(s), std::string::npos) << what << " leaked '" << s << "': " << r.body.substr(0, 300);
  }
}

TEST(ScopeWalk, EveryRouteRefusesAnonymousAndForeignCallers) {
  TestCity city("scopewalk");
  const auto ids = city.SeedGridB();
  const auto& routes = city.app->router().routes();
  ASSERT_GT(routes.size(), 5u);
  for (const Route& route : routes) {
    const std::string name = route.method + " " + route.pattern;
    std::string path = Fill(route, ParamsFor(route, ids));
    if (path.empty()) continue;
    const std::string target = path + kForeignQuery;
    const std::string body = "{}";

    // Anonymous: every non-public route answers 401 and shows nothing.
    auto anon = city.Call(route.method, target, route.method == "GET" ? "" : body);
    if (!kPublicRoutes.count(name)) {
      EXPECT_EQ(route.access, Access::kUser) << name << " is public but not in the reviewed public list";
      EXPECT_EQ(anon.status, 401) << name;
    }
    ExpectNoSecret(anon, name + " (anonymous)");

    // A grid worker of grid A: nothing about grid B, whatever the route.
    auto ga = city.LogIn("ga");
    ASSERT_FALSE(ga.cookie.empty());
    auto foreign = city.Call(route.method, target, route.method == "GET" ? "" : body, ga.cookie, ga.csrf);
    ExpectNoSecret(foreign, name + " (foreign grid worker)");
    if (route.pattern.find("{code}") != std::string::npos || route.pattern.find("{id}") != std::string::npos) {
      EXPECT_EQ(foreign.status, 404) << name << ": " << foreign.body;
    }
  }
}

TEST(ScopeWalk, TheOwnerDoesSeeIt) {
  // The same requests made by B's own grid worker succeed: the walk above can fail.
  TestCity city("scopewalk_owner");
  const auto ids = city.SeedGridB();
  auto gb = city.LogIn("gb");
  for (const Route& route : city.app->router().routes()) {
    if (route.method != "GET" || (route.pattern.find("{code}") == std::string::npos &&
                                  route.pattern.find("{id}") == std::string::npos)) continue;
    auto r = city.Call("GET", Fill(route, ParamsFor(route, ids)) + kForeignQuery, "", gb.cookie);
    EXPECT_EQ(r.status, 200) << route.pattern << ": " << r.body;
  }
  auto r = city.Call("GET", std::string("/api/v1/grids/locate") + kForeignQuery, "", gb.cookie);
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("乙网格"), std::string::npos);
}

}  // namespace
}  // namespace cg::api
