#include "privacy/blind_index.hpp"

#include <sodium.h>

#include "privacy/internal/sodium_init.hpp"

namespace cg::privacy {
namespace {

static_assert(kBlindIndexBytes >= crypto_generichash_BYTES_MIN &&
              kBlindIndexBytes <= crypto_generichash_BYTES_MAX);

std::string KeyedHash(const Key& key, std::string_view field, std::string_view value) {
  EnsureSodium();
  crypto_generichash_state state;
  crypto_generichash_init(&state, key.data(), key.size(), kBlindIndexBytes);
  crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(field.data()), field.size());
  const unsigned char zero = 0;
  crypto_generichash_update(&state, &zero, 1);
  crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(value.data()), value.size());
  std::string out(kBlindIndexBytes, '\0');
  crypto_generichash_final(&state, reinterpret_cast<unsigned char*>(out.data()), out.size());
  sodium_memzero(&state, sizeof state);
  return out;
}

std::string_view Tail(std::string_view value) {
  return value.size() > 4 ? value.substr(value.size() - 4) : value;
}

Error UnknownKey(KeyId key) {
  char hex[9];
  for (int i = 0; i < 8; ++i) hex[i] = "0123456789abcdef"[(key >> (28 - 4 * i)) & 15];
  hex[8] = '\0';
  return MakeError(ErrorCode::kInvalid, std::string("blind index: unknown key id ") + hex +
                                            " (not in the key ring)");
}

}  // namespace

std::string BlindIndex::Compute(std::string_view field, std::string_view value) const {
  return KeyedHash(keys_.active().index, field, value);
}

Result<std::string> BlindIndex::ComputeWith(KeyId key, std::string_view field,
                                            std::string_view value) const {
  const KeyRing::Entry* e = keys_.Find(key);
  if (e == nullptr) return UnknownKey(key);
  return KeyedHash(e->index, field, value);
}

std::string Tail4Index::Compute(std::string_view field, std::string_view value) const {
  return KeyedHash(keys_.active().tail, field, Tail(value));
}

Result<std::string> Tail4Index::ComputeWith(KeyId key, std::string_view field,
                                            std::string_view value) const {
  const KeyRing::Entry* e = keys_.Find(key);
  if (e == nullptr) return UnknownKey(key);
  return KeyedHash(e->tail, field, Tail(value));
}

}  // namespace cg::privacy
