#pragma once
// Master keys for field encryption and blind indexes (DESIGN §8). A key ring holds one active
// 32-byte master key and any number of retired ones (still able to decrypt after a rotation).
// Subkeys are derived with libsodium's crypto_kdf under distinct contexts, so encryption, the
// blind index and the tail index never share a key. Each master key has a 32-bit key id
// derived from it (a fingerprint), stored with every ciphertext.

#include <array>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace cg::privacy {

using KeyId = std::uint32_t;
using Key = std::array<unsigned char, 32>;

// Environment variable read by KeyRing::FromEnv: hex master key(s), comma-separated, active first.
inline constexpr const char* kMasterKeyEnv = "CITYGRID_MASTER_KEY";

class KeyRing {
 public:
  // The subkeys of one master key. Never leaves this component's public API by value copy in
  // logs; memory is wiped when the ring is destroyed.
  struct Entry {
    KeyId id = 0;
    Key encryption{};  // XChaCha20-Poly1305 key for FieldCipher
    Key index{};       // generichash key for BlindIndex
    Key tail{};        // generichash key for Tail4Index
  };

  // Loads a key file: either exactly 32 raw bytes, or text with one 64-hex-digit key a line
  // (active key first, then retired keys; blank lines and lines starting with '#' ignored).
  // kInvalid if the file is group- or world-accessible (it must be mode 0600 or 0400), not a
  // regular file, or malformed; kNotFound if it does not exist.
  static Result<KeyRing> LoadFile(const std::filesystem::path& path);

  // Loads keys from the environment variable `var` (64 hex digits a key, comma-separated,
  // active first). kNotFound if unset, kInvalid if malformed.
  static Result<KeyRing> FromEnv(const char* var = kMasterKeyEnv);

  // Keys from hex text (same syntax as FromEnv).
  static Result<KeyRing> FromHex(std::string_view hex_keys);

  // From raw 32-byte master keys, active first. kInvalid if `masters` is empty.
  static Result<KeyRing> FromKeys(const std::vector<Key>& masters);

  // Writes a new random master key as hex to `path` with mode 0600, creating the file
  // exclusively. kConflict if it exists, kUnavailable if it cannot be written.
  static Status Generate(const std::filesystem::path& path);

  // Rotation: puts a new random key first in the existing key file at `path`, keeping its keys
  // after it as retired keys (they still decrypt, e.g. old backups). The file is replaced
  // atomically (written beside it with mode 0600, fsynced, renamed). Returns the new key's id.
  // Errors as LoadFile; kUnavailable if the new file cannot be written (the old one stays).
  static Result<KeyId> RotateFile(const std::filesystem::path& path);

  KeyRing(KeyRing&& other) noexcept = default;
  KeyRing& operator=(KeyRing&& other) noexcept = default;
  KeyRing(const KeyRing&) = delete;
  KeyRing& operator=(const KeyRing&) = delete;
  ~KeyRing();

  const Entry& active() const { return entries_.front(); }
  // The entry with key id `id`, or nullptr.
  const Entry* Find(KeyId id) const;
  std::size_t size() const { return entries_.size(); }

  // The key id of a 32-byte master key.
  static KeyId IdOf(const Key& master);

 private:
  KeyRing() = default;
  std::vector<Entry> entries_;
};

// Lower-case hex of bytes (for key files, logs of key ids and tests).
std::string ToHex(std::string_view bytes);

}  // namespace cg::privacy
