#pragma once
// Password hashing with argon2id (libsodium, "interactive" limits).

#include <string>
#include <string_view>

#include "core/result.hpp"

namespace cg::auth {

// kInvalid unless 8..256 bytes: the rules a new password must meet.
Status ValidateNewPassword(std::string_view password);
// Encoded argon2id hash (salt and parameters included). kInternal if memory is exhausted.
Result<std::string> HashPassword(std::string_view password);
// True if `password` matches `encoded`; false for any mismatch or malformed hash.
bool VerifyPassword(const std::string& encoded, std::string_view password);

}  // namespace cg::auth
