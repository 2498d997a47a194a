#pragma once
// Keyed hashes for looking up encrypted fields by exact value without decrypting (DESIGN §8).
// Callers pass the NORMALISED value (model::ParseResidentId(...).text, ParseMobilePhone(...)),
// so every spelling of one number has one index value. Compute uses the ring's active key;
// ComputeWith a retired key serves lookups while index columns are rebuilt after a rotation.

#include <string>
#include <string_view>

#include "core/result.hpp"
#include "privacy/key_ring.hpp"

namespace cg::privacy {

inline constexpr std::size_t kBlindIndexBytes = 16;

// Exact-match index: BLAKE2b (crypto_generichash), 16 bytes, keyed with the ring's index subkey,
// over field || 0x00 || value, so the same number in two fields gives unrelated index values.
class BlindIndex {
 public:
  // `keys` must outlive the index. Thread-safe.
  explicit BlindIndex(const KeyRing& keys) : keys_(keys) {}
  // 16 binary bytes; deterministic for (key, field, value).
  std::string Compute(std::string_view field, std::string_view normalised_value) const;
  // The same under the ring's key `key` (to look up or rebuild during a key rotation);
  // kInvalid if the ring has no such key.
  Result<std::string> ComputeWith(KeyId key, std::string_view field,
                                  std::string_view normalised_value) const;
  KeyId key_id() const { return keys_.active().id; }

 private:
  const KeyRing& keys_;
};

// "Search by the last 4 characters" (e.g. of an ID number): a keyed hash, under its own subkey,
// of field || 0x00 || the last 4 characters. Only 10^4 (11 000 with X) possible tails, so this
// value identifies nobody alone and anyone with the key can tabulate it: use it only together
// with a scope filter (a grid or community) and never expose it. See docs/privacy.md.
class Tail4Index {
 public:
  explicit Tail4Index(const KeyRing& keys) : keys_(keys) {}
  // 16 binary bytes of the last 4 characters of `normalised_value` (all of it if shorter).
  std::string Compute(std::string_view field, std::string_view normalised_value) const;
  // The same under the ring's key `key`; kInvalid if the ring has no such key.
  Result<std::string> ComputeWith(KeyId key, std::string_view field,
                                  std::string_view normalised_value) const;
  KeyId key_id() const { return keys_.active().id; }

 private:
  const KeyRing& keys_;
};

}  // namespace cg::privacy
