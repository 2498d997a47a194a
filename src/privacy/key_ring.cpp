#include "privacy/key_ring.hpp"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "privacy/internal/sodium_init.hpp"

namespace cg::privacy {
namespace {

constexpr char kCtxEncryption[] = "cg-field";
constexpr char kCtxIndex[] = "cg-index";
constexpr char kCtxTail[] = "cg-tail4";
constexpr char kCtxKeyId[] = "cg-keyid";
static_assert(sizeof(kCtxEncryption) - 1 == crypto_kdf_CONTEXTBYTES);
static_assert(crypto_kdf_KEYBYTES == 32);

Key Derive(const Key& master, const char* context) {
  Key out{};
  crypto_kdf_derive_from_key(out.data(), out.size(), 1, context, master.data());
  return out;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// Parses one 64-hex-digit key (surrounding whitespace ignored). `what` names the source.
Result<Key> ParseHexKey(std::string_view text, const std::string& what) {
  while (!text.empty() && IsSpace(text.front())) text.remove_prefix(1);
  while (!text.empty() && IsSpace(text.back())) text.remove_suffix(1);
  if (text.size() != 64) {
    return MakeError(ErrorCode::kInvalid, what + ": a master key is 64 hex digits (32 bytes), got " +
                                              std::to_string(text.size()) + " characters");
  }
  Key key{};
  for (std::size_t i = 0; i < 32; ++i) {
    const int hi = HexValue(text[2 * i]), lo = HexValue(text[2 * i + 1]);
    if (hi < 0 || lo < 0) {
      sodium_memzero(key.data(), key.size());
      return MakeError(ErrorCode::kInvalid, what + ": a master key may contain only hex digits");
    }
    key[i] = static_cast<unsigned char>(hi * 16 + lo);
  }
  return key;
}

std::string Errno(const std::string& prefix) { return prefix + ": " + std::strerror(errno); }

}  // namespace

KeyId KeyRing::IdOf(const Key& master) {
  EnsureSodium();
  Key k = Derive(master, kCtxKeyId);
  const KeyId id = (KeyId{k[0]} << 24) | (KeyId{k[1]} << 16) | (KeyId{k[2]} << 8) | KeyId{k[3]};
  sodium_memzero(k.data(), k.size());
  return id;
}

Result<KeyRing> KeyRing::FromKeys(const std::vector<Key>& masters) {
  EnsureSodium();
  if (masters.empty()) return MakeError(ErrorCode::kInvalid, "key ring: no master key given");
  KeyRing ring;
  for (const Key& master : masters) {
    Entry e;
    e.id = IdOf(master);
    if (ring.Find(e.id) != nullptr) {
      return MakeError(ErrorCode::kInvalid, "key ring: the same master key is listed twice");
    }
    e.encryption = Derive(master, kCtxEncryption);
    e.index = Derive(master, kCtxIndex);
    e.tail = Derive(master, kCtxTail);
    ring.entries_.push_back(e);
    sodium_memzero(&e, sizeof e);
  }
  return ring;
}

KeyRing::~KeyRing() {
  if (!entries_.empty()) sodium_memzero(entries_.data(), entries_.size() * sizeof(Entry));
}

const KeyRing::Entry* KeyRing::Find(KeyId id) const {
  for (const Entry& e : entries_) {
    if (e.id == id) return &e;
  }
  return nullptr;
}

Result<KeyRing> KeyRing::FromHex(std::string_view hex_keys) {
  std::vector<Key> keys;
  std::size_t n = 0;
  while (true) {
    const auto comma = hex_keys.find(',');
    auto key = ParseHexKey(hex_keys.substr(0, comma), "key " + std::to_string(++n));
    if (!key.ok()) return key.error();
    keys.push_back(*key);
    if (comma == std::string_view::npos) break;
    hex_keys.remove_prefix(comma + 1);
  }
  auto ring = FromKeys(keys);
  sodium_memzero(keys.data(), keys.size() * sizeof(Key));
  return ring;
}

Result<KeyRing> KeyRing::FromEnv(const char* var) {
  const char* value = std::getenv(var);
  if (value == nullptr || *value == '\0') {
    return MakeError(ErrorCode::kNotFound, std::string("environment variable ") + var + " is not set");
  }
  auto ring = FromHex(value);
  if (!ring.ok()) return MakeError(ring.error().code, std::string(var) + ": " + ring.error().message);
  return ring;
}

Result<KeyRing> KeyRing::LoadFile(const std::filesystem::path& path) {
  const std::string name = "key file " + path.string();
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) {
    return MakeError(errno == ENOENT ? ErrorCode::kNotFound : ErrorCode::kUnavailable, Errno(name));
  }
  struct FdCloser {
    int fd;
    ~FdCloser() { ::close(fd); }
  } closer{fd};
  struct stat st {};
  if (::fstat(fd, &st) != 0) return MakeError(ErrorCode::kUnavailable, Errno(name));
  if (!S_ISREG(st.st_mode)) return MakeError(ErrorCode::kInvalid, name + " is not a regular file");
  if ((st.st_mode & 077) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    return MakeError(ErrorCode::kInvalid, name + " has mode " + mode +
                                              ": it must not be accessible by group or others "
                                              "(run: chmod 600 " + path.string() + ")");
  }
  if (st.st_size > 64 * 1024) return MakeError(ErrorCode::kInvalid, name + " is too large");
  std::string content(static_cast<std::size_t>(st.st_size), '\0');
  std::size_t got = 0;
  while (got < content.size()) {
    const ssize_t r = ::read(fd, content.data() + got, content.size() - got);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return MakeError(ErrorCode::kUnavailable, Errno(name));
    got += static_cast<std::size_t>(r);
  }
  struct Wipe {
    std::string& s;
    ~Wipe() { sodium_memzero(s.data(), s.size()); }
  } wipe{content};

  std::vector<Key> keys;
  if (content.size() == 32) {
    Key key;
    std::memcpy(key.data(), content.data(), 32);
    keys.push_back(key);
    sodium_memzero(key.data(), key.size());
  } else {
    std::size_t line_no = 0;
    std::string_view rest = content;
    while (!rest.empty()) {
      const auto nl = rest.find('\n');
      std::string_view line = rest.substr(0, nl);
      rest.remove_prefix(nl == std::string_view::npos ? rest.size() : nl + 1);
      ++line_no;
      while (!line.empty() && IsSpace(line.front())) line.remove_prefix(1);
      if (line.empty() || line.front() == '#') continue;
      auto key = ParseHexKey(line, name + ":" + std::to_string(line_no));
      if (!key.ok()) {
        sodium_memzero(keys.data(), keys.size() * sizeof(Key));
        return key.error();
      }
      keys.push_back(*key);
    }
    if (keys.empty()) {
      return MakeError(ErrorCode::kInvalid,
                       name + " holds no key (expected 32 raw bytes or a line of 64 hex digits)");
    }
  }
  auto ring = FromKeys(keys);
  sodium_memzero(keys.data(), keys.size() * sizeof(Key));
  if (!ring.ok()) return MakeError(ring.error().code, name + ": " + ring.error().message);
  return ring;
}

namespace {

// A new random key as the first lines of a key file (header comment, hex).
std::string NewKeyText(KeyId* id) {
  Key key;
  randombytes_buf(key.data(), key.size());
  if (id != nullptr) *id = KeyRing::IdOf(key);
  std::string text = "# citygrid master key (active first; keep retired keys below it to read old data)\n" +
                     ToHex(std::string_view(reinterpret_cast<const char*>(key.data()), key.size())) + "\n";
  sodium_memzero(key.data(), key.size());
  return text;
}

// Sets mode 0600, writes all of `text` and fsyncs; false (errno set) on any failure.
bool WritePrivate(int fd, std::string_view text) {
  bool ok = ::fchmod(fd, 0600) == 0;
  std::size_t done = 0;
  while (ok && done < text.size()) {
    const ssize_t w = ::write(fd, text.data() + done, text.size() - done);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) ok = false; else done += static_cast<std::size_t>(w);
  }
  return ok && ::fsync(fd) == 0;
}

}  // namespace

Status KeyRing::Generate(const std::filesystem::path& path) {
  EnsureSodium();
  const std::string name = "key file " + path.string();
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) {
    return MakeError(errno == EEXIST ? ErrorCode::kConflict : ErrorCode::kUnavailable,
                     errno == EEXIST ? name + " already exists; refusing to overwrite a key"
                                     : Errno(name));
  }
  std::string text = NewKeyText(nullptr);
  const bool ok = WritePrivate(fd, text);
  const int saved = errno;
  ::close(fd);
  sodium_memzero(text.data(), text.size());
  if (!ok) {
    ::unlink(path.c_str());
    errno = saved;
    return MakeError(ErrorCode::kUnavailable, Errno(name));
  }
  return Status::Ok();
}

Result<KeyId> KeyRing::RotateFile(const std::filesystem::path& path) {
  EnsureSodium();
  auto old = LoadFile(path);  // validates the file, its mode and every key in it
  if (!old.ok()) return old.error();
  const std::string name = "key file " + path.string();
  std::string content;
  {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) return MakeError(ErrorCode::kUnavailable, Errno(name));
    char buf[4096];
    ssize_t r;
    while ((r = ::read(fd, buf, sizeof buf)) > 0 || (r < 0 && errno == EINTR)) {
      if (r > 0) content.append(buf, static_cast<std::size_t>(r));
    }
    ::close(fd);
  }
  KeyId id = 0;
  std::string text = NewKeyText(&id);
  if (content.size() == 32 && content.find('\n') == std::string::npos) {
    text += ToHex(content) + "\n";  // a raw 32-byte key file becomes a text one
  } else {
    std::string_view rest = content;
    while (!rest.empty()) {
      const auto nl = rest.find('\n');
      std::string_view line = rest.substr(0, nl);
      rest.remove_prefix(nl == std::string_view::npos ? rest.size() : nl + 1);
      while (!line.empty() && IsSpace(line.front())) line.remove_prefix(1);
      while (!line.empty() && IsSpace(line.back())) line.remove_suffix(1);
      if (line.empty() || line.front() == '#') continue;
      text += std::string(line) + "\n";
    }
  }
  sodium_memzero(content.data(), content.size());
  const std::filesystem::path tmp = path.string() + ".rotating";
  ::unlink(tmp.c_str());
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) {
    sodium_memzero(text.data(), text.size());
    return MakeError(ErrorCode::kUnavailable, Errno("key file " + tmp.string()));
  }
  bool ok = WritePrivate(fd, text);
  ::close(fd);
  sodium_memzero(text.data(), text.size());
  ok = ok && ::rename(tmp.c_str(), path.c_str()) == 0;
  if (!ok) {
    const int saved = errno;
    ::unlink(tmp.c_str());
    errno = saved;
    return MakeError(ErrorCode::kUnavailable, Errno(name));
  }
  const auto dir = path.parent_path().empty() ? std::filesystem::path(".") : path.parent_path();
  if (const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
  return id;
}

std::string ToHex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char b : bytes) {
    out += kDigits[b >> 4];
    out += kDigits[b & 15];
  }
  return out;
}

}  // namespace cg::privacy
