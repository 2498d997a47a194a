#include "model/user.hpp"

namespace cg::model {

const char* RoleName(Role role) {
  switch (role) {
    case Role::kAdmin: return "admin";
    case Role::kStaff: return "staff";
    case Role::kGridWorker: return "grid_worker";
    case Role::kAnalyst: return "analyst";
    case Role::kResident: return "resident";
    case Role::kReporter: return "reporter";
  }
  return "resident";
}

std::optional<Role> ParseRole(std::string_view name) {
  for (Role r : {Role::kAdmin, Role::kStaff, Role::kGridWorker, Role::kAnalyst, Role::kResident, Role::kReporter}) {
    if (name == RoleName(r)) return r;
  }
  return std::nullopt;
}

}  // namespace cg::model
