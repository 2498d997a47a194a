#pragma once
// Random tokens and hashes for sessions and CSRF (libsodium CSPRNG).

#include <string>
#include <string_view>

namespace cg::auth {

// Initialises libsodium once; aborts the process if it cannot (a bad start-up, not an error).
void EnsureSodium();
// `bytes` random bytes as unpadded base64url (32 bytes -> 43 characters, 256 bits).
std::string RandomToken(std::size_t bytes = 32);
// Lower-case hex SHA-256 of `data`.
std::string Sha256Hex(std::string_view data);
// Constant-time equality for secrets of any length.
bool SecureEquals(std::string_view a, std::string_view b);

}  // namespace cg::auth
