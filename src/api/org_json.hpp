#pragma once
// JSON shapes of org units and users, shared by the handlers.

#include <nlohmann/json.hpp>

#include "model/org_unit.hpp"
#include "model/user.hpp"

namespace cg::api {

// {"code","name","kind"}
nlohmann::json OrgRef(const model::OrgUnit& unit);
// OrgRef plus parent_code, level, center, bbox.
nlohmann::json OrgDetail(const model::OrgUnit& unit);
// {"id","username","display_name","role","scope":OrgRef}
nlohmann::json UserJson(const model::User& user, const model::OrgUnit& scope_unit);

}  // namespace cg::api
