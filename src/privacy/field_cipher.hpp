#pragma once
// Encryption at rest of single field values (ID numbers, phone numbers): XChaCha20-Poly1305-IETF
// with a random 24-byte nonce. Ciphertext layout (binary, 45 + plaintext bytes):
//   [1] version (1)  [4] key id, big-endian  [24] nonce  [n + 16] ciphertext and tag
// The version, key id and the caller's `associated` string (e.g. "person.id_number", or a
// table/column/row binding) are authenticated, so a value moved to another field fails.

#include <string>
#include <string_view>

#include "core/result.hpp"
#include "privacy/key_ring.hpp"

namespace cg::privacy {

inline constexpr unsigned char kCipherVersion = 1;
inline constexpr std::size_t kCipherOverhead = 1 + 4 + 24 + 16;

class FieldCipher {
 public:
  // `keys` must outlive the cipher. Thread-safe: all methods are const and share no state.
  explicit FieldCipher(const KeyRing& keys) : keys_(keys) {}

  // Encrypts under the ring's active key. Two calls with the same input differ (random nonce).
  std::string Encrypt(std::string_view plaintext, std::string_view associated) const;

  // Decrypts a value from Encrypt under any key in the ring. kInvalid, never a crash, when the
  // input is truncated, has an unknown version or key id, or fails authentication (tampered
  // bytes, wrong key, or `associated` differs from the one used to encrypt).
  Result<std::string> Decrypt(std::string_view ciphertext, std::string_view associated) const;

  // The key id a ciphertext was made with (for re-encryption after a rotation), or kInvalid if
  // it is too short or of an unknown version.
  static Result<KeyId> KeyIdOf(std::string_view ciphertext);

 private:
  const KeyRing& keys_;
};

}  // namespace cg::privacy
