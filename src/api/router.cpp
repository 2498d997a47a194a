#include "api/router.hpp"

namespace cg::api {
namespace {

std::vector<std::string> Split(const std::string& path) {
  std::vector<std::string> out;
  std::size_t pos = 1;  // skip the leading '/'
  while (pos <= path.size()) {
    std::size_t end = path.find('/', pos);
    if (end == std::string::npos) end = path.size();
    out.push_back(path.substr(pos, end - pos));
    pos = end + 1;
  }
  return out;
}

bool IsParam(const std::string& seg) { return seg.size() > 2 && seg.front() == '{' && seg.back() == '}'; }

}  // namespace

void Router::Add(Route route) {
  route.segments = Split(route.pattern);
  routes_.push_back(std::move(route));
}

Router::Match Router::Find(const std::string& method, const std::string& path) const {
  Match result;
  if (path.empty() || path[0] != '/') return result;
  const auto segs = Split(path);
  for (const Route& r : routes_) {
    if (r.segments.size() != segs.size()) continue;
    std::map<std::string, std::string> params;
    bool ok = true;
    for (std::size_t i = 0; i < segs.size() && ok; ++i) {
      const std::string& p = r.segments[i];
      if (IsParam(p)) {
        // A parameter segment may carry a literal suffix in the pattern, e.g. "{code}.geojson"
        // is not supported; such routes use a separate literal segment instead.
        if (segs[i].empty()) ok = false;
        else params[p.substr(1, p.size() - 2)] = segs[i];
      } else if (p != segs[i]) {
        ok = false;
      }
    }
    if (!ok) continue;
    if (r.method == method || (method == "HEAD" && r.method == "GET")) {
      result.kind = MatchKind::kFound;
      result.route = &r;
      result.params = std::move(params);
      return result;
    }
    result.kind = MatchKind::kNoMethod;
    if (!result.allowed.empty()) result.allowed += ", ";
    result.allowed += r.method;
  }
  return result;
}

}  // namespace cg::api
