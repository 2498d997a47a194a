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
// Incremental SHA-256 of a stream (backup files are hashed as they are written and read).
class Sha256Stream {
 public:
  Sha256Stream();
  void Update(std::string_view data);
  // Lower-case hex digest; the stream must not be updated afterwards.
  std::string FinishHex();

 private:
  alignas(16) unsigned char state_[128];
};
// Constant-time equality for secrets of any length.
bool SecureEquals(std::string_view a, std::string_view b);

}  // namespace cg::auth
