#pragma once
// Small helpers the store benchmarks share: exit on an error, and an org unit to load.
#include <cstdio>
#include <cstdlib>
#include <string>
#include <utility>

#include "core/result.hpp"
#include "model/org_unit.hpp"

namespace cg::bench {

// The value, or the error printed after `what` and exit(1): a benchmark cannot go on without it.
template <class T>
T Must(Result<T> r, const char* what) {
  if (!r.ok()) {
    std::fprintf(stderr, "%s: %s\n", what, r.error().message.c_str());
    std::exit(1);
  }
  return std::move(r).value();
}

// A unit named after its code ("单位<code>"), without geometry.
inline model::OrgUnit Unit(std::string code, model::OrgKind kind, std::string parent) {
  model::OrgUnit u;
  u.code = std::move(code);
  u.kind = kind;
  u.name = "单位" + u.code;
  u.parent_code = std::move(parent);
  return u;
}

}  // namespace cg::bench
