#pragma once
// Method + path-pattern routing. Patterns are literal segments and {name} parameters, e.g.
// "/api/v1/org-units/{code}/children". The route table is enumerable, so tests (and the
// OpenAPI document) cover every route that is registered.

#include <functional>
#include <string>
#include <vector>

#include "api/http_types.hpp"

namespace cg::api {

enum class Access {
  kPublic,  // anyone, no session needed
  kUser,    // any logged-in user; role checks are the handler's
};

using Handler = std::function<Response(Request&)>;

struct Route {
  std::string method;
  std::string pattern;
  Access access = Access::kUser;
  std::string summary;  // one line for the OpenAPI document
  std::string tag;
  Handler handler;
  // A part-time reporter (Role::kReporter) may call only the routes that set this; App answers
  // 403 on every other kUser route before its handler runs (least privilege, docs/welfare.md).
  bool reporter = false;
  std::vector<std::string> segments;  // pattern split on '/'
};

class Router {
 public:
  void Add(Route route);

  enum class MatchKind { kFound, kNoPath, kNoMethod };
  struct Match {
    MatchKind kind = MatchKind::kNoPath;
    const Route* route = nullptr;
    std::map<std::string, std::string> params;
    std::string allowed;  // for kNoMethod: "GET, POST"
  };
  Match Find(const std::string& method, const std::string& path) const;

  const std::vector<Route>& routes() const { return routes_; }

 private:
  std::vector<Route> routes_;
};

}  // namespace cg::api
