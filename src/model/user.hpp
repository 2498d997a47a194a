#pragma once
// Accounts. Every user is bound to one org-tree node (their scope) and has one role.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.hpp"

namespace cg::model {

// kReporter: a part-time reporter (a delivery rider, a volunteer) bound to a community, who
// sees only the elderly people assigned to them and records welfare visits (docs/welfare.md);
// the API lets this role reach the routes marked for it and nothing else.
enum class Role { kAdmin, kStaff, kGridWorker, kAnalyst, kResident, kReporter };

// "admin", "staff", "grid_worker", "analyst", "resident", "reporter"
const char* RoleName(Role role);
std::optional<Role> ParseRole(std::string_view name);

struct User {
  std::int64_t id = 0;
  std::string username;
  std::string display_name;
  Role role = Role::kResident;
  std::string scope_code;     // org code of the node this user is bound to
  std::string password_hash;  // argon2id encoded string (libsodium crypto_pwhash_str)
  bool disabled = false;
  Timestamp created_at = 0;
};

}  // namespace cg::model
