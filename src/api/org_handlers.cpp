// Org tree and grid lookup: /api/v1/org-units/..., /api/v1/grids/locate, and the public area map
// (/api/v1/public/areas.geojson, /api/v1/public/locate): boundaries and names of districts,
// streets and communities only — never grids, which are the unit of scope for staff.
#include <unordered_map>

#include "api/app.hpp"
#include "api/errors.hpp"
#include "api/json_body.hpp"
#include "api/org_json.hpp"
#include "geo/geojson.hpp"

namespace cg::api {
namespace {

// The code path parameter, validated before it reaches the store.
Result<std::string> CodeParam(const Request& req) {
  const std::string& code = req.params.at("code");
  if (auto s = model::ValidateOrgCode(code); !s.ok()) return s.error();
  return code;
}

// A FeatureCollection written as text: geometries come pre-serialised from geo.
std::string FeatureCollection(const std::vector<std::pair<nlohmann::json, std::string>>& features) {
  std::string out = R"({"type":"FeatureCollection","features":[)";
  bool first = true;
  for (const auto& [props, geometry] : features) {
    if (!first) out += ',';
    first = false;
    out += R"({"type":"Feature","properties":)";
    out += Dump(props);
    out += R"(,"geometry":)";
    out += geometry.empty() ? "null" : geometry;
    out += '}';
  }
  out += "]}";
  return out;
}

Response GeoJsonResponse(std::string body) {
  Response r;
  r.content_type = "application/geo+json";
  r.body = std::move(body);
  return r;
}

// The code of the grid at the request's lon/lat; kInvalid for bad parameters, kNotFound
// (with `outside`) for a point in no grid.
Result<std::string> GridCodeAt(const geo::GridIndex* index, const Request& req, const char* outside) {
  auto lon = NumberParam(req, "lon", -180, 180);
  if (!lon.ok()) return lon.error();
  auto lat = NumberParam(req, "lat", -90, 90);
  if (!lat.ok()) return lat.error();
  std::optional<std::size_t> hit;
  if (index) hit = index->Locate(geo::Point{*lon, *lat});
  if (!hit) return MakeError(ErrorCode::kNotFound, outside);
  return index->CodeAt(*hit);
}

}  // namespace

void App::RegisterOrgRoutes() {
  router_.Add({"GET", "/api/v1/org-units/{code}", Access::kUser,
               "One org unit with its ancestors and number of children", "org",
               [this](Request& req) {
                 auto code = CodeParam(req);
                 if (!code.ok()) return ErrorResponse(code.error());
                 auto scope = req.principal->scope();
                 auto unit = store_.GetOrgUnit(scope, *code, false);
                 if (!unit.ok()) return ErrorResponse(unit.error());
                 auto ancestors = store_.ListAncestors(scope, *code);
                 if (!ancestors.ok()) return ErrorResponse(ancestors.error());
                 auto counts = store_.CountChildren(scope, {*code});
                 if (!counts.ok()) return ErrorResponse(counts.error());
                 nlohmann::json j = OrgDetail(*unit);
                 j["child_count"] = counts->at(0);
                 j["ancestors"] = nlohmann::json::array();
                 for (const auto& a : *ancestors) j["ancestors"].push_back(OrgRef(a));
                 return JsonResponse(j);
               }});

  router_.Add({"GET", "/api/v1/org-units/{code}/children", Access::kUser,
               "Direct children of an org unit (paged: limit, offset)", "org",
               [this](Request& req) {
                 auto code = CodeParam(req);
                 if (!code.ok()) return ErrorResponse(code.error());
                 auto page = ParsePage(req, 500, 2000);
                 if (!page.ok()) return ErrorResponse(page.error());
                 auto scope = req.principal->scope();
                 auto children = store_.ListChildren(scope, *code, false, *page);
                 if (!children.ok()) return ErrorResponse(children.error());
                 std::vector<std::string> codes;
                 for (const auto& c : children->items) codes.push_back(c.code);
                 auto counts = store_.CountChildren(scope, codes);
                 if (!counts.ok()) return ErrorResponse(counts.error());
                 nlohmann::json items = nlohmann::json::array();
                 for (std::size_t i = 0; i < codes.size(); ++i) {
                   nlohmann::json c = OrgRef(children->items[i]);
                   c["child_count"] = (*counts)[i];
                   items.push_back(std::move(c));
                 }
                 return JsonResponse({{"items", items},
                                      {"total", children->total},
                                      {"limit", page->limit},
                                      {"offset", page->offset}});
               }});

  router_.Add({"GET", "/api/v1/org-units/{code}/children.geojson", Access::kUser,
               "Boundaries of an org unit's direct children as GeoJSON", "org",
               [this](Request& req) {
                 auto code = CodeParam(req);
                 if (!code.ok()) return ErrorResponse(code.error());
                 auto children = store_.ListChildren(req.principal->scope(), *code, true, {100000, 0});
                 if (!children.ok()) return ErrorResponse(children.error());
                 std::vector<std::pair<nlohmann::json, std::string>> features;
                 for (const auto& c : children->items)
                   features.emplace_back(OrgRef(c), geo::ToGeoJson(c.geometry));
                 return GeoJsonResponse(FeatureCollection(features));
               }});

  router_.Add({"GET", "/api/v1/org-units/{code}/grids.geojson", Access::kUser,
               "Every grid under an org unit as GeoJSON, with its community and street", "org",
               [this](Request& req) {
                 auto code = CodeParam(req);
                 if (!code.ok()) return ErrorResponse(code.error());
                 auto scope = req.principal->scope();
                 // The unit's own geometry is needed only when it is itself a grid (15 digits).
                 const bool is_grid = model::LevelOfCode(*code) == model::LevelOf(model::OrgKind::kGrid);
                 auto unit = store_.GetOrgUnit(scope, *code, is_grid);
                 if (!unit.ok()) return ErrorResponse(unit.error());
                 // Names of the unit, its ancestors, and the streets and communities below it.
                 std::unordered_map<std::string, std::string> names{{unit->code, unit->name}};
                 std::vector<model::OrgUnit> grids;
                 if (unit->kind == model::OrgKind::kGrid) {
                   grids.push_back(std::move(unit).value());
                 } else {
                   auto d = store_.ListDescendants(scope, *code, model::OrgKind::kGrid, true, {1'000'000, 0});
                   if (!d.ok()) return ErrorResponse(d.error());
                   grids = std::move(d->items);
                 }
                 auto ancestors = store_.ListAncestors(scope, *code);
                 if (!ancestors.ok()) return ErrorResponse(ancestors.error());
                 for (const auto& a : *ancestors) names[a.code] = a.name;
                 for (auto kind : {model::OrgKind::kStreet, model::OrgKind::kTown,
                                   model::OrgKind::kCommunity, model::OrgKind::kVillage}) {
                   auto d = store_.ListDescendants(scope, *code, kind, false, {1'000'000, 0});
                   if (!d.ok()) return ErrorResponse(d.error());
                   for (const auto& u : d->items) names[u.code] = u.name;
                 }
                 std::vector<std::pair<nlohmann::json, std::string>> features;
                 features.reserve(grids.size());
                 for (const auto& g : grids) {
                   std::string community = g.code.substr(0, 12), street = g.code.substr(0, 9);
                   nlohmann::json props = OrgRef(g);
                   props["community_code"] = community;
                   props["community_name"] = names[community];
                   props["street_code"] = street;
                   props["street_name"] = names[street];
                   features.emplace_back(std::move(props), geo::ToGeoJson(g.geometry));
                 }
                 return GeoJsonResponse(FeatureCollection(features));
               }});

  router_.Add({"GET", "/api/v1/public/areas.geojson", Access::kPublic,
               "Public map: boundaries of the children of a city, district or street/town (parent=; "
               "default the city), never grids",
               "public", [this](Request& req) {
                 std::string parent = req.Query("parent").value_or("");
                 if (parent.empty()) {
                   auto cities = store_.ListByKind(model::Scope::System(), model::OrgKind::kCity);
                   if (!cities.ok()) return ErrorResponse(cities.error());
                   if (cities->empty()) return GeoJsonResponse(FeatureCollection({}));
                   parent = cities->front().code;
                 }
                 if (auto s = model::ValidateOrgCode(parent); !s.ok()) return ErrorResponse(s.error());
                 if (*model::LevelOfCode(parent) >= model::LevelOf(model::OrgKind::kCommunity)) {
                   return ErrorResponse(MakeError(ErrorCode::kInvalid,
                                                  "the public map stops at communities and villages"));
                 }
                 auto children = store_.ListChildren(model::Scope::System(), parent, true, {100000, 0});
                 if (!children.ok()) return ErrorResponse(children.error());
                 std::vector<std::pair<nlohmann::json, std::string>> features;
                 for (const auto& c : children->items) {
                   if (c.kind == model::OrgKind::kGrid) continue;
                   features.emplace_back(OrgRef(c), geo::ToGeoJson(c.geometry));
                 }
                 return GeoJsonResponse(FeatureCollection(features));
               }});

  router_.Add({"GET", "/api/v1/public/locate", Access::kPublic,
               "Public: the district, street/town and community/village at a point (lon, lat); no grid",
               "public", [this](Request& req) {
                 auto code = GridCodeAt(grid_index().get(), req, "this point is outside the city");
                 if (!code.ok()) return ErrorResponse(code.error());
                 auto ancestors = store_.ListAncestors(model::Scope::System(), *code);
                 if (!ancestors.ok()) return ErrorResponse(ancestors.error());
                 nlohmann::json areas = nlohmann::json::array();
                 for (const auto& u : *ancestors) {
                   if (u.kind != model::OrgKind::kGrid) areas.push_back(OrgRef(u));
                 }
                 return JsonResponse({{"areas", areas}});
               }});

  router_.Add({"GET", "/api/v1/grids/locate", Access::kUser,
               "The grid containing a point (lon, lat in WGS-84) and its ancestors", "org",
               [this](Request& req) {
                 auto located = GridCodeAt(grid_index().get(), req, "no grid at this point");
                 if (!located.ok()) return ErrorResponse(located.error());
                 const std::string& code = *located;
                 auto scope = req.principal->scope();
                 // The store decides visibility: a point in a grid outside the caller's scope is 404.
                 auto grid = store_.GetOrgUnit(scope, code, false);
                 if (!grid.ok()) {
                   if (grid.error().code == ErrorCode::kNotFound)
                     return ErrorResponse(MakeError(ErrorCode::kNotFound, "no grid at this point"));
                   return ErrorResponse(grid.error());
                 }
                 auto ancestors = store_.ListAncestors(scope, code);
                 if (!ancestors.ok()) return ErrorResponse(ancestors.error());
                 nlohmann::json a = nlohmann::json::array();
                 for (const auto& u : *ancestors) a.push_back(OrgRef(u));
                 return JsonResponse({{"grid", OrgDetail(*grid)}, {"ancestors", a}});
               }});
}

}  // namespace cg::api
