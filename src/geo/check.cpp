#include "geo/check.hpp"

#include <algorithm>
#include <cstdio>

#include "geo/internal/geos.hpp"
#include "geo/ops.hpp"

namespace cg::geo {
namespace {

using internal::GeomPtr;
using internal::GeosContext;
using internal::Own;

std::string AreaText(double a) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3g", a);
  return buf;
}

// Builds `mp` in GEOS; reports and repairs invalidity. Null when it cannot be built at all.
GeomPtr Prepare(const GeosContext& ctx, const std::string& code, const MultiPolygon& mp,
                std::vector<TilingProblem>& problems) {
  GeomPtr g = internal::ToGeos(ctx, mp);
  if (g == nullptr) {
    problems.push_back({TilingProblemKind::kInvalidGeometry, {code}, 0,
                        code + ": malformed geometry (a ring with fewer than 4 points?)"});
    return g;
  }
  if (GEOSisValid_r(ctx.get(), g.get()) != 1) {
    char* reason = GEOSisValidReason_r(ctx.get(), g.get());
    std::string why = reason != nullptr ? reason : ctx.LastError();
    if (reason != nullptr) GEOSFree_r(ctx.get(), reason);
    problems.push_back({TilingProblemKind::kInvalidGeometry, {code}, 0, code + ": invalid geometry: " + why});
    g = internal::MakeValidPolygonal(ctx, std::move(g));
  }
  return g;
}

}  // namespace

const char* TilingProblemKindName(TilingProblemKind kind) {
  switch (kind) {
    case TilingProblemKind::kInvalidGeometry: return "invalid_geometry";
    case TilingProblemKind::kOverlap: return "overlap";
    case TilingProblemKind::kGap: return "gap";
    case TilingProblemKind::kOutsideParent: return "outside_parent";
  }
  return "unknown";
}

std::vector<TilingProblem> CheckTiling(const MultiPolygon& parent,
                                       const std::vector<std::pair<std::string, MultiPolygon>>& children,
                                       double tolerance) {
  std::vector<TilingProblem> problems;
  GeosContext ctx;
  GEOSContextHandle_t h = ctx.get();
  GeomPtr p = Prepare(ctx, "parent", parent, problems);
  std::vector<GeomPtr> kids;
  kids.reserve(children.size());
  for (const auto& [code, mp] : children) kids.push_back(Prepare(ctx, code, mp, problems));

  // Overlaps: candidate pairs from an STR-tree of the children's envelopes.
  GEOSSTRtree* tree = GEOSSTRtree_create_r(h, 10);
  std::vector<std::size_t> ids(kids.size());
  for (std::size_t i = 0; i < kids.size(); ++i) {
    ids[i] = i;
    if (kids[i] != nullptr) GEOSSTRtree_insert_r(h, tree, kids[i].get(), &ids[i]);
  }
  struct QueryState {
    std::size_t self;
    std::vector<std::size_t> hits;
  };
  for (std::size_t i = 0; i < kids.size(); ++i) {
    if (kids[i] == nullptr) continue;
    QueryState st{i, {}};
    GEOSSTRtree_query_r(h, tree, kids[i].get(), [](void* item, void* data) {
      auto* s = static_cast<QueryState*>(data);
      std::size_t j = *static_cast<std::size_t*>(item);
      if (j > s->self) s->hits.push_back(j);
    }, &st);
    std::sort(st.hits.begin(), st.hits.end());
    for (std::size_t j : st.hits) {
      if (GEOSIntersects_r(h, kids[i].get(), kids[j].get()) != 1) continue;
      GeomPtr inter = Own(ctx, GEOSIntersection_r(h, kids[i].get(), kids[j].get()));
      double a = internal::GeosArea(ctx, inter.get());
      if (a > tolerance) {
        const std::string& ci = children[i].first;
        const std::string& cj = children[j].first;
        problems.push_back({TilingProblemKind::kOverlap, {ci, cj}, a,
                            ci + " and " + cj + " overlap by " + AreaText(a) + " deg²"});
      }
    }
  }
  GEOSSTRtree_destroy_r(h, tree);
  if (p == nullptr) return problems;

  // Children outside the parent.
  for (std::size_t i = 0; i < kids.size(); ++i) {
    if (kids[i] == nullptr) continue;
    GeomPtr out = Own(ctx, GEOSDifference_r(h, kids[i].get(), p.get()));
    double a = internal::GeosArea(ctx, out.get());
    if (a > tolerance) {
      const std::string& c = children[i].first;
      problems.push_back({TilingProblemKind::kOutsideParent, {c}, a,
                          c + " extends " + AreaText(a) + " deg² outside the parent"});
    }
  }

  // Gaps: parent minus the union of the children, one problem per piece.
  std::vector<GEOSGeometry*> parts;
  for (const GeomPtr& k : kids) {
    if (k != nullptr) parts.push_back(GEOSGeom_clone_r(h, k.get()));
  }
  GeomPtr all = Own(ctx, GEOSGeom_createCollection_r(h, GEOS_GEOMETRYCOLLECTION, parts.data(),
                                                     static_cast<unsigned>(parts.size())));
  GeomPtr covered = Own(ctx, GEOSUnaryUnion_r(h, all.get()));
  GeomPtr gaps = covered != nullptr ? Own(ctx, GEOSDifference_r(h, p.get(), covered.get()))
                                    : Own(ctx, GEOSGeom_clone_r(h, p.get()));
  auto pieces = internal::FromGeos(ctx, gaps.get());
  if (!pieces.ok()) {
    problems.push_back({TilingProblemKind::kGap, {}, 0, "gap check failed: " + pieces.error().message});
    return problems;
  }
  for (const Polygon& piece : *pieces) {
    double a = Area(piece);
    if (a <= tolerance) continue;
    Point at = piece.outer.empty() ? Point{} : piece.outer.front();
    char where[64];
    std::snprintf(where, sizeof where, "%.6f,%.6f", at.lon, at.lat);
    problems.push_back({TilingProblemKind::kGap, {}, a,
                        "gap of " + AreaText(a) + " deg² not covered by any child, near " + where});
  }
  return problems;
}

}  // namespace cg::geo
