#include "privacy/field_cipher.hpp"

#include <sodium.h>

#include <cstring>

#include "privacy/internal/sodium_init.hpp"

namespace cg::privacy {
namespace {

constexpr std::size_t kHeader = 1 + 4;
constexpr std::size_t kNonce = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
constexpr std::size_t kTag = crypto_aead_xchacha20poly1305_ietf_ABYTES;
static_assert(kNonce == 24 && kTag == 16 && kHeader + kNonce + kTag == kCipherOverhead);

const unsigned char* U(const char* p) { return reinterpret_cast<const unsigned char*>(p); }

// Additional data = header || associated: binds version and key id as well as the field.
std::string AdditionalData(std::string_view header, std::string_view associated) {
  std::string ad(header);
  ad += associated;
  return ad;
}

}  // namespace

std::string FieldCipher::Encrypt(std::string_view plaintext, std::string_view associated) const {
  EnsureSodium();
  const KeyRing::Entry& key = keys_.active();
  std::string out(kCipherOverhead + plaintext.size(), '\0');
  out[0] = static_cast<char>(kCipherVersion);
  for (int i = 0; i < 4; ++i) out[1 + i] = static_cast<char>((key.id >> (24 - 8 * i)) & 0xFF);
  auto* nonce = reinterpret_cast<unsigned char*>(out.data() + kHeader);
  randombytes_buf(nonce, kNonce);
  const std::string ad = AdditionalData(std::string_view(out).substr(0, kHeader), associated);
  unsigned long long written = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(
      reinterpret_cast<unsigned char*>(out.data() + kHeader + kNonce), &written, U(plaintext.data()),
      plaintext.size(), U(ad.data()), ad.size(), nullptr, nonce, key.encryption.data());
  return out;
}

Result<KeyId> FieldCipher::KeyIdOf(std::string_view c) {
  if (c.size() < kCipherOverhead) {
    return MakeError(ErrorCode::kInvalid, "ciphertext: truncated (" + std::to_string(c.size()) +
                                              " bytes, at least " +
                                              std::to_string(kCipherOverhead) + " expected)");
  }
  if (static_cast<unsigned char>(c[0]) != kCipherVersion) {
    return MakeError(ErrorCode::kInvalid, "ciphertext: unsupported format version " +
                                              std::to_string(static_cast<unsigned char>(c[0])));
  }
  KeyId id = 0;
  for (int i = 1; i <= 4; ++i) id = (id << 8) | static_cast<unsigned char>(c[i]);
  return id;
}

Result<std::string> FieldCipher::Decrypt(std::string_view c, std::string_view associated) const {
  EnsureSodium();
  auto id = KeyIdOf(c);
  if (!id.ok()) return id.error();
  const KeyRing::Entry* key = keys_.Find(*id);
  if (key == nullptr) {
    return MakeError(ErrorCode::kInvalid, "ciphertext: unknown key id " +
                                              ToHex(std::string_view(c.data() + 1, 4)) +
                                              " (not in the key ring)");
  }
  const std::string ad = AdditionalData(c.substr(0, kHeader), associated);
  const std::string_view body = c.substr(kHeader + kNonce);
  std::string plain(body.size() - kTag, '\0');
  unsigned long long written = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(
          reinterpret_cast<unsigned char*>(plain.data()), &written, nullptr, U(body.data()),
          body.size(), U(ad.data()), ad.size(), U(c.data() + kHeader), key->encryption.data()) != 0) {
    return MakeError(ErrorCode::kInvalid,
                     "ciphertext: authentication failed (tampered, or encrypted for another field)");
  }
  plain.resize(written);
  return plain;
}

}  // namespace cg::privacy
