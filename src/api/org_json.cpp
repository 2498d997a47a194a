#include "api/org_json.hpp"

namespace cg::api {

nlohmann::json OrgRef(const model::OrgUnit& unit) {
  return {{"code", unit.code}, {"name", unit.name}, {"kind", model::OrgKindName(unit.kind)}};
}

nlohmann::json OrgDetail(const model::OrgUnit& unit) {
  nlohmann::json j = OrgRef(unit);
  j["parent_code"] = unit.parent_code.empty() ? nlohmann::json(nullptr) : nlohmann::json(unit.parent_code);
  j["level"] = model::LevelOf(unit.kind);
  j["center"] = {unit.center.lon, unit.center.lat};
  if (unit.bbox.Empty()) j["bbox"] = nullptr;
  else j["bbox"] = {unit.bbox.min_lon, unit.bbox.min_lat, unit.bbox.max_lon, unit.bbox.max_lat};
  return j;
}

nlohmann::json UserJson(const model::User& user, const model::OrgUnit& scope_unit) {
  return {{"id", user.id},
          {"username", user.username},
          {"display_name", user.display_name},
          {"role", model::RoleName(user.role)},
          {"scope", OrgRef(scope_unit)}};
}

}  // namespace cg::api
