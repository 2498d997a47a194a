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

}  // namespace

std::string BlindIndex::Compute(std::string_view field, std::string_view value) const {
  return KeyedHash(keys_.active().index, field, value);
}

std::string Tail4Index::Compute(std::string_view field, std::string_view value) const {
  const std::string_view tail = value.size() > 4 ? value.substr(value.size() - 4) : value;
  return KeyedHash(keys_.active().tail, field, tail);
}

}  // namespace cg::privacy
