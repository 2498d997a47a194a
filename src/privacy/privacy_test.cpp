#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "privacy/blind_index.hpp"
#include "privacy/field_cipher.hpp"
#include "privacy/key_ring.hpp"

namespace cg::privacy {
namespace {

namespace fs = std::filesystem;

const std::string kHexA = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
const std::string kHexB = "ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100";

KeyRing Ring(const std::string& hex) {
  auto r = KeyRing::FromHex(hex);
  EXPECT_TRUE(r.ok()) << r.error().message;
  return std::move(r).value();
}

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "cg-privacy-XXXXXX").string();
    path_ = ::mkdtemp(tmpl.data());
  }
  ~TempDir() { fs::remove_all(path_); }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

void WriteFile(const fs::path& p, const std::string& content, mode_t mode) {
  std::ofstream(p, std::ios::binary) << content;
  ::chmod(p.c_str(), mode);
}

TEST(FieldCipherTest, RoundTrip) {
  const KeyRing ring = Ring(kHexA);
  const FieldCipher cipher(ring);
  for (const std::string& plain : std::vector<std::string>{"", "1", "150203199005201234", "13800138000",
                            std::string(1000, 'x'), std::string("\0\xff\x01", 3)}) {
    const std::string c = cipher.Encrypt(plain, "person.id_number");
    EXPECT_EQ(c.size(), plain.size() + kCipherOverhead);
    EXPECT_EQ(c.find("150203199005201234"), std::string::npos);
    auto back = cipher.Decrypt(c, "person.id_number");
    ASSERT_TRUE(back.ok()) << back.error().message;
    EXPECT_EQ(*back, plain);
    EXPECT_EQ(*FieldCipher::KeyIdOf(c), ring.active().id);
  }
}

TEST(FieldCipherTest, SameValueEncryptsDifferently) {
  const KeyRing ring = Ring(kHexA);
  const FieldCipher cipher(ring);
  const std::string a = cipher.Encrypt("13800138000", "person.phone");
  const std::string b = cipher.Encrypt("13800138000", "person.phone");
  EXPECT_NE(a, b);
  EXPECT_NE(a.substr(5, 24), b.substr(5, 24));  // nonces
}

TEST(FieldCipherTest, EveryFlippedByteIsDetected) {
  const KeyRing ring = Ring(kHexA);
  const FieldCipher cipher(ring);
  const std::string c = cipher.Encrypt("150203199005201234", "person.id_number");
  for (std::size_t i = 0; i < c.size(); ++i) {
    for (unsigned char mask : {0x01, 0x80, 0xff}) {
      std::string bad = c;
      bad[i] = static_cast<char>(bad[i] ^ mask);
      auto r = cipher.Decrypt(bad, "person.id_number");
      ASSERT_FALSE(r.ok()) << "byte " << i;
      EXPECT_EQ(r.error().code, ErrorCode::kInvalid);
    }
  }
}

TEST(FieldCipherTest, TruncationAndGarbage) {
  const KeyRing ring = Ring(kHexA);
  const FieldCipher cipher(ring);
  const std::string c = cipher.Encrypt("13800138000", "person.phone");
  for (std::size_t n = 0; n < c.size(); ++n) {
    auto r = cipher.Decrypt(c.substr(0, n), "person.phone");
    ASSERT_FALSE(r.ok()) << n;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalid);
  }
  EXPECT_NE(cipher.Decrypt("", "x").error().message.find("truncated"), std::string::npos);
  EXPECT_NE(cipher.Decrypt(c + "x", "person.phone").error().message.find("authentication"),
            std::string::npos);
  std::string v2 = c;
  v2[0] = 2;
  EXPECT_EQ(cipher.Decrypt(v2, "person.phone").error().message,
            "ciphertext: unsupported format version 2");
  // Deterministic pseudo-random garbage of every length up to 200 bytes.
  std::uint32_t x = 12345;
  for (std::size_t n = 0; n < 200; ++n) {
    std::string g(n, '\0');
    for (char& ch : g) ch = static_cast<char>((x = x * 1103515245 + 12345) >> 16);
    if (n > 0) g[0] = 1;
    EXPECT_FALSE(cipher.Decrypt(g, "person.phone").ok());
  }
}

TEST(FieldCipherTest, WrongAssociatedDataOrKey) {
  const KeyRing ring = Ring(kHexA);
  const FieldCipher cipher(ring);
  const std::string c = cipher.Encrypt("13800138000", "person.phone");
  auto r = cipher.Decrypt(c, "person.guardian_phone");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message,
            "ciphertext: authentication failed (tampered, or encrypted for another field)");
  EXPECT_FALSE(cipher.Decrypt(c, "").ok());
  EXPECT_FALSE(cipher.Decrypt(c, "person.phon").ok());

  const KeyRing other = Ring(kHexB);
  auto u = FieldCipher(other).Decrypt(c, "person.phone");
  ASSERT_FALSE(u.ok());
  EXPECT_NE(u.error().message.find("unknown key id"), std::string::npos) << u.error().message;
}

TEST(FieldCipherTest, RotationKeepsOldCiphertextsReadable) {
  const KeyRing old_ring = Ring(kHexA);
  const std::string old_c = FieldCipher(old_ring).Encrypt("13800138000", "person.phone");
  const KeyRing rotated = Ring(kHexB + "," + kHexA);  // B active, A retired
  EXPECT_EQ(rotated.size(), 2u);
  const FieldCipher cipher(rotated);
  EXPECT_EQ(*cipher.Decrypt(old_c, "person.phone"), "13800138000");
  const std::string new_c = cipher.Encrypt("13800138000", "person.phone");
  EXPECT_EQ(*FieldCipher::KeyIdOf(new_c), rotated.active().id);
  EXPECT_NE(*FieldCipher::KeyIdOf(new_c), *FieldCipher::KeyIdOf(old_c));
  EXPECT_FALSE(FieldCipher(old_ring).Decrypt(new_c, "person.phone").ok());
}

TEST(BlindIndexTest, DeterministicPerKeyAndField) {
  const KeyRing a = Ring(kHexA), b = Ring(kHexB);
  const BlindIndex ia(a), ib(b);
  const std::string v = "150203199005201234";
  EXPECT_EQ(ia.Compute("person.id_number", v), ia.Compute("person.id_number", v));
  EXPECT_EQ(ia.Compute("person.id_number", v).size(), kBlindIndexBytes);
  EXPECT_NE(ia.Compute("person.id_number", v), ib.Compute("person.id_number", v));
  EXPECT_NE(ia.Compute("person.id_number", v), ia.Compute("person.guardian_id_number", v));
  EXPECT_NE(ia.Compute("person.id_number", v), ia.Compute("person.id_number", "150203199005201235"));
  // Field and value are separated, so ("ab", "c") and ("a", "bc") differ.
  EXPECT_NE(ia.Compute("ab", "c"), ia.Compute("a", "bc"));
  EXPECT_EQ(ia.key_id(), a.active().id);
}

TEST(BlindIndexTest, TailIndexUsesItsOwnKey) {
  const KeyRing a = Ring(kHexA), b = Ring(kHexB);
  const Tail4Index ta(a), tb(b);
  const BlindIndex ia(a);
  EXPECT_EQ(ta.Compute("person.id_number", "150203199005201234"),
            ta.Compute("person.id_number", "110105194912311234"));
  EXPECT_NE(ta.Compute("person.id_number", "150203199005201234"),
            ta.Compute("person.id_number", "15020319900520123X"));
  EXPECT_EQ(ta.Compute("person.id_number", "1234"), ta.Compute("person.id_number", "991234"));
  EXPECT_NE(ta.Compute("person.id_number", "1234"), tb.Compute("person.id_number", "1234"));
  // Same input through the two indexes: different subkeys give unrelated values.
  EXPECT_NE(ta.Compute("person.id_number", "1234"), ia.Compute("person.id_number", "1234"));
}

TEST(BlindIndexTest, RetiredKeysDuringRotation) {
  const KeyRing old_ring = Ring(kHexA);
  const KeyRing rotated = Ring(kHexB + "," + kHexA);
  const std::string v = "13800138000";
  const std::string old_index = BlindIndex(old_ring).Compute("person.phone", v);
  const BlindIndex index(rotated);
  EXPECT_NE(index.Compute("person.phone", v), old_index);  // active key B
  EXPECT_EQ(*index.ComputeWith(old_ring.active().id, "person.phone", v), old_index);
  EXPECT_EQ(*index.ComputeWith(rotated.active().id, "person.phone", v),
            index.Compute("person.phone", v));
  EXPECT_EQ(*Tail4Index(rotated).ComputeWith(old_ring.active().id, "person.phone", v),
            Tail4Index(old_ring).Compute("person.phone", v));
  auto unknown = index.ComputeWith(0x01020304, "person.phone", v);
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().message, "blind index: unknown key id 01020304 (not in the key ring)");
}

TEST(KeyRingTest, SubkeysAreDistinct) {
  const KeyRing a = Ring(kHexA);
  const auto& e = a.active();
  EXPECT_NE(e.encryption, e.index);
  EXPECT_NE(e.encryption, e.tail);
  EXPECT_NE(e.index, e.tail);
  Key master{};
  for (int i = 0; i < 32; ++i) master[i] = static_cast<unsigned char>(i);
  EXPECT_NE(e.encryption, master);
  EXPECT_EQ(KeyRing::IdOf(master), e.id);
  EXPECT_EQ(ToHex("\x01\xab"), "01ab");
}

TEST(KeyRingTest, HexParsing) {
  EXPECT_TRUE(KeyRing::FromHex("  " + kHexA + "\n").ok());
  EXPECT_TRUE(KeyRing::FromHex(kHexA.substr(0, 10) + "ABCDEF" + kHexA.substr(16)).ok());
  auto short_key = KeyRing::FromHex(kHexA.substr(2));
  ASSERT_FALSE(short_key.ok());
  EXPECT_EQ(short_key.error().message,
            "key 1: a master key is 64 hex digits (32 bytes), got 62 characters");
  EXPECT_EQ(KeyRing::FromHex("zz" + kHexA.substr(2)).error().message,
            "key 1: a master key may contain only hex digits");
  EXPECT_EQ(KeyRing::FromHex(kHexA + "," + kHexA).error().message,
            "key ring: the same master key is listed twice");
  EXPECT_FALSE(KeyRing::FromHex("").ok());
}

TEST(KeyRingTest, GenerateAndLoadFile) {
  TempDir dir;
  const fs::path p = dir.path() / "master.key";
  ASSERT_TRUE(KeyRing::Generate(p).ok());
  struct stat st {};
  ASSERT_EQ(::stat(p.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto ring = KeyRing::LoadFile(p);
  ASSERT_TRUE(ring.ok()) << ring.error().message;
  EXPECT_EQ(ring->size(), 1u);
  // Refuses to overwrite.
  auto again = KeyRing::Generate(p);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::kConflict);
  EXPECT_EQ(KeyRing::LoadFile(p)->active().id, ring->active().id);
  // Two generated keys differ.
  ASSERT_TRUE(KeyRing::Generate(dir.path() / "second.key").ok());
  EXPECT_NE(KeyRing::LoadFile(dir.path() / "second.key")->active().id, ring->active().id);
}

TEST(KeyRingTest, RotateFilePutsANewKeyFirstAndKeepsTheOldOnes) {
  TempDir dir;
  const fs::path p = dir.path() / "master.key";
  WriteFile(p, "# note\n" + kHexA + "\n\n" + kHexB + "\n", 0600);
  auto before = KeyRing::LoadFile(p);
  ASSERT_TRUE(before.ok());
  const std::string sealed = FieldCipher(*before).Encrypt("150203198001011238", "person.id_number:1");
  auto id = KeyRing::RotateFile(p);
  ASSERT_TRUE(id.ok()) << id.error().message;
  auto after = KeyRing::LoadFile(p);
  ASSERT_TRUE(after.ok()) << after.error().message;
  EXPECT_EQ(after->size(), 3u);
  EXPECT_EQ(after->active().id, *id);
  EXPECT_NE(*id, before->active().id);
  EXPECT_NE(after->Find(before->active().id), nullptr);
  EXPECT_NE(after->Find(KeyRing::FromHex(kHexB)->active().id), nullptr);
  // Old values still open; new ones are sealed under the new key.
  EXPECT_EQ(*FieldCipher(*after).Decrypt(sealed, "person.id_number:1"), "150203198001011238");
  EXPECT_EQ(*FieldCipher::KeyIdOf(FieldCipher(*after).Encrypt("x", "a")), *id);
  struct stat st {};
  ASSERT_EQ(::stat(p.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_FALSE(fs::exists(p.string() + ".rotating"));
  // A raw 32-byte file becomes a text file with both keys.
  std::string raw(32, '\x07');
  WriteFile(p, raw, 0600);
  ASSERT_TRUE(KeyRing::RotateFile(p).ok());
  EXPECT_EQ(KeyRing::LoadFile(p)->size(), 2u);
  // A bad file is refused and left as it was.
  WriteFile(p, kHexA + "\n", 0644);
  EXPECT_EQ(KeyRing::RotateFile(p).error().code, ErrorCode::kInvalid);
  ::chmod(p.c_str(), 0600);
  EXPECT_EQ(KeyRing::LoadFile(p)->size(), 1u);
  EXPECT_EQ(KeyRing::RotateFile(dir.path() / "missing").error().code, ErrorCode::kNotFound);
}

TEST(KeyRingTest, FilePermissionsAreChecked) {
  TempDir dir;
  const fs::path p = dir.path() / "k";
  for (mode_t mode : {0644, 0640, 0604, 0660, 0610, 0601}) {
    WriteFile(p, kHexA + "\n", mode);
    auto r = KeyRing::LoadFile(p);
    ASSERT_FALSE(r.ok()) << std::oct << mode;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalid);
    EXPECT_NE(r.error().message.find("must not be accessible by group or others"), std::string::npos)
        << r.error().message;
  }
  WriteFile(p, kHexA + "\n", 0644);
  EXPECT_NE(KeyRing::LoadFile(p).error().message.find("has mode 0644"), std::string::npos);
  for (mode_t mode : {0600, 0400}) {
    WriteFile(p, kHexA + "\n", mode);
    EXPECT_TRUE(KeyRing::LoadFile(p).ok()) << std::oct << mode;
  }
  EXPECT_EQ(KeyRing::LoadFile(dir.path() / "missing").error().code, ErrorCode::kNotFound);
  ::chmod(dir.path().c_str(), 0700);
  EXPECT_EQ(KeyRing::LoadFile(dir.path()).error().code, ErrorCode::kInvalid);  // a directory
}

TEST(KeyRingTest, FileFormats) {
  TempDir dir;
  const fs::path p = dir.path() / "k";
  // Raw 32 bytes.
  std::string raw;
  for (int i = 0; i < 32; ++i) raw += static_cast<char>(i);
  WriteFile(p, raw, 0600);
  auto r = KeyRing::LoadFile(p);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->active().id, Ring(kHexA).active().id);
  // Hex with comments and a retired key.
  WriteFile(p, "# active\n" + kHexB + "\n\n# retired\n" + kHexA + "\n", 0600);
  r = KeyRing::LoadFile(p);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->size(), 2u);
  EXPECT_EQ(r->active().id, Ring(kHexB).active().id);
  EXPECT_NE(r->Find(Ring(kHexA).active().id), nullptr);
  // Errors name the line.
  WriteFile(p, "# k\n" + kHexA.substr(1) + "\n", 0600);
  EXPECT_EQ(KeyRing::LoadFile(p).error().message,
            "key file " + p.string() + ":2: a master key is 64 hex digits (32 bytes), got 63 characters");
  WriteFile(p, "# nothing\n", 0600);
  EXPECT_NE(KeyRing::LoadFile(p).error().message.find("holds no key"), std::string::npos);
}

TEST(KeyRingTest, FromEnvironment) {
  ::unsetenv("CG_TEST_MASTER_KEY");
  EXPECT_EQ(KeyRing::FromEnv("CG_TEST_MASTER_KEY").error().code, ErrorCode::kNotFound);
  ::setenv("CG_TEST_MASTER_KEY", kHexA.c_str(), 1);
  auto r = KeyRing::FromEnv("CG_TEST_MASTER_KEY");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->active().id, Ring(kHexA).active().id);
  ::setenv("CG_TEST_MASTER_KEY", "nothex", 1);
  auto bad = KeyRing::FromEnv("CG_TEST_MASTER_KEY");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalid);
  EXPECT_EQ(bad.error().message.rfind("CG_TEST_MASTER_KEY: ", 0), 0u) << bad.error().message;
  ::unsetenv("CG_TEST_MASTER_KEY");
  EXPECT_STREQ(kMasterKeyEnv, "CITYGRID_MASTER_KEY");
}

}  // namespace
}  // namespace cg::privacy
