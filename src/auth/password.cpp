#include "auth/password.hpp"

#include <sodium.h>

#include "auth/random.hpp"

namespace cg::auth {

Status ValidateNewPassword(std::string_view password) {
  if (password.size() < 8) return MakeError(ErrorCode::kInvalid, "password must be at least 8 characters");
  if (password.size() > 256) return MakeError(ErrorCode::kInvalid, "password must be at most 256 bytes");
  return {};
}

Result<std::string> HashPassword(std::string_view password) {
  EnsureSodium();
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(),
                            crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return MakeError(ErrorCode::kInternal, "password hashing ran out of memory");
  }
  return std::string(out);
}

bool VerifyPassword(const std::string& encoded, std::string_view password) {
  EnsureSodium();
  if (encoded.empty() || encoded.size() >= crypto_pwhash_STRBYTES) return false;
  return crypto_pwhash_str_verify(encoded.c_str(), password.data(), password.size()) == 0;
}

}  // namespace cg::auth
