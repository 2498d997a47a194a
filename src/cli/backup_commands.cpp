// `citygrid backup` and `citygrid restore` (docs/operations.md, "Backup and restore").
//
// A backup file is a short text header and the backend's own copy of the database after it:
//
//   citygrid-backup 1
//   backend: sqlite | postgresql
//   schema_version: 12
//   created_at: 2026-12-06T04:30:00Z
//   key_id: 1a2b3c4d            (the active master key's id; the key itself is never in it)
//   payload_bytes: 123456
//   payload_sha256: <64 hex digits>
//   <blank line>
//   <payload: a SQLite database file (VACUUM INTO) or a pg_dump custom-format archive>
//
// Restore checks the header, the payload's length and hash, the backend and that the master key
// the data was encrypted with is at hand before it writes anything.
#include <algorithm>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>

#include "auth/random.hpp"
#include "store/store.hpp"
#include "cli/backup.hpp"
#include "cli/commands.hpp"
#include "core/clock.hpp"
#include <ctime>
#include "privacy/key_ring.hpp"

namespace cg::cli {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kMagic = "citygrid-backup 1";
constexpr std::size_t kMaxHeader = 4096;
constexpr std::size_t kChunk = 1 << 20;

std::string BackendOf(const std::string& url) {
  if (url.starts_with("sqlite://")) return "sqlite";
  if (url.starts_with("postgresql://") || url.starts_with("postgres://")) return "postgresql";
  return "";
}

std::string KeyIdHex(privacy::KeyId id) {
  char buf[9];
  std::snprintf(buf, sizeof buf, "%08x", static_cast<unsigned>(id));
  return buf;
}

Status FsyncFile(const fs::path& p) {
  const int fd = ::open(p.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return MakeError(ErrorCode::kUnavailable, "cannot open " + p.string());
  const int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) return MakeError(ErrorCode::kUnavailable, "fsync " + p.string() + " failed");
  return {};
}

std::string FormatIso8601(Timestamp ms) {
  const std::time_t t = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// At most 60 characters of `s`, non-printable bytes as '?' (a header line may be anything).
std::string Printable(const std::string& s) {
  std::string out;
  for (unsigned char c : s.substr(0, 60)) out += (c >= 0x20 && c < 0x7F) ? static_cast<char>(c) : '?';
  return out;
}

// Removes a file when it goes out of scope unless released.
struct TempFile {
  fs::path path;
  ~TempFile() {
    std::error_code ec;
    if (!path.empty()) fs::remove(path, ec);
  }
};

// Copies `len` bytes (all, if len is npos) from `in` to `out`, hashing them.
Result<std::uint64_t> CopyHashed(std::istream& in, std::ostream* out, std::uint64_t len, auth::Sha256Stream& hash) {
  std::string buf(kChunk, '\0');
  std::uint64_t done = 0;
  while (done < len) {
    const auto want = static_cast<std::streamsize>(std::min<std::uint64_t>(kChunk, len - done));
    in.read(buf.data(), want);
    const auto got = in.gcount();
    if (got <= 0) break;
    hash.Update(std::string_view(buf.data(), static_cast<std::size_t>(got)));
    if (out != nullptr && !out->write(buf.data(), got)) return MakeError(ErrorCode::kUnavailable, "write failed");
    done += static_cast<std::uint64_t>(got);
  }
  return done;
}

// The master key ring, from CITYGRID_MASTER_KEY or the key file; never created here.
Result<privacy::KeyRing> LoadExistingKeys(const Config& config) {
  auto env = privacy::KeyRing::FromEnv();
  if (env.ok() || env.error().code != ErrorCode::kNotFound) return env;
  return privacy::KeyRing::LoadFile(config.EffectiveMasterKeyFile());
}

}  // namespace

Result<BackupHeader> ReadBackupHeader(std::istream& in) {
  std::map<std::string, std::string> fields;
  std::string line;
  std::size_t read = 0;
  bool first = true, ended = false;
  while (read < kMaxHeader) {
    if (!std::getline(in, line)) break;
    read += line.size() + 1;
    if (first) {
      if (line != kMagic) return MakeError(ErrorCode::kInvalid, "not a citygrid backup file (no 'citygrid-backup 1' header)");
      first = false;
      continue;
    }
    if (line.empty()) {
      ended = true;
      break;
    }
    // "key: value": a key of a-z, 0-9 and _, no control characters anywhere (binary is refused
    // here, not taken for a field).
    const auto colon = line.find(": ");
    const bool key_ok = colon != std::string::npos && colon > 0 &&
                        std::all_of(line.begin(), line.begin() + static_cast<std::ptrdiff_t>(colon), [](char c) {
                          return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
                        });
    const bool printable = std::none_of(line.begin(), line.end(), [](char c) {
      return (static_cast<unsigned char>(c) < 0x20 && c != '\t') || c == 0x7f;
    });
    if (!key_ok || !printable)
      return MakeError(ErrorCode::kInvalid, "malformed backup header line: " + Printable(line));
    fields[line.substr(0, colon)] = line.substr(colon + 2);
  }
  if (first) return MakeError(ErrorCode::kInvalid, "not a citygrid backup file (empty)");
  if (!ended) return MakeError(ErrorCode::kInvalid, "backup header is truncated or too long");
  BackupHeader h;
  auto need = [&](const char* name) -> Result<std::string> {
    auto it = fields.find(name);
    if (it == fields.end() || it->second.empty())
      return MakeError(ErrorCode::kInvalid, std::string("backup header has no ") + name);
    return it->second;
  };
  auto number = [&](const char* name, int base) -> Result<std::uint64_t> {
    auto v = need(name);
    if (!v.ok()) return v.error();
    std::size_t used = 0;
    std::uint64_t n = 0;
    try {
      n = std::stoull(*v, &used, base);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != v->size() || v->front() == '-')
      return MakeError(ErrorCode::kInvalid, std::string("backup header: bad ") + name + ": " + v->substr(0, 40));
    return n;
  };
  auto backend = need("backend");
  if (!backend.ok()) return backend.error();
  if (*backend != "sqlite" && *backend != "postgresql")
    return MakeError(ErrorCode::kInvalid, "backup header: unknown backend " + backend->substr(0, 40));
  h.backend = *backend;
  auto version = number("schema_version", 10);
  if (!version.ok()) return version.error();
  if (*version > 1'000'000) return MakeError(ErrorCode::kInvalid, "backup header: bad schema_version");
  h.schema_version = static_cast<int>(*version);
  auto created = need("created_at");
  if (!created.ok()) return created.error();
  h.created_at = *created;
  auto key = need("key_id");
  if (!key.ok()) return key.error();
  if (key->size() != 8) return MakeError(ErrorCode::kInvalid, "backup header: bad key_id");
  auto key_id = number("key_id", 16);
  if (!key_id.ok()) return key_id.error();
  h.key_id = static_cast<std::uint32_t>(*key_id);
  auto bytes = number("payload_bytes", 10);
  if (!bytes.ok()) return bytes.error();
  h.payload_bytes = *bytes;
  auto sha = need("payload_sha256");
  if (!sha.ok()) return sha.error();
  if (sha->size() != 64 || sha->find_first_not_of("0123456789abcdef") != std::string::npos)
    return MakeError(ErrorCode::kInvalid, "backup header: bad payload_sha256");
  h.payload_sha256 = *sha;
  return h;
}

int Backup(const Config& config, const std::string& to) {
  if (to.empty()) return Fail(MakeError(ErrorCode::kInvalid, "--to FILE is required"));
  std::error_code ec;
  if (fs::exists(to, ec)) return Fail(MakeError(ErrorCode::kConflict, to + " exists; refusing to overwrite a backup"));
  // The key id goes in the header so a restore can tell whether the right key is at hand.
  auto keys = LoadExistingKeys(config);
  if (!keys.ok()) {
    return Fail(MakeError(keys.error().code, "the master key is needed to label the backup: " + keys.error().message));
  }
  const std::string url = config.EffectiveDbUrl();
  if (url.starts_with("sqlite://") && !fs::exists(url.substr(9), ec))
    return Fail(MakeError(ErrorCode::kNotFound, "no database at " + url.substr(9)));
  auto db = store::Store::Open(url);
  if (!db.ok()) return Fail(db.error());
  auto version = (*db)->SchemaVersion();
  if (!version.ok()) return Fail(version.error());

  const fs::path target = fs::absolute(to);
  TempFile payload{target.string() + ".payload"};
  TempFile partial{target.string() + ".partial"};
  fs::remove(payload.path, ec);
  fs::remove(partial.path, ec);
  const auto started = SystemClock::Instance().Now();
  if (auto s = (*db)->BackupTo(payload.path.string()); !s.ok()) return Fail(s.error());

  auth::Sha256Stream hash;
  std::uint64_t bytes = 0;
  {
    std::ifstream in(payload.path, std::ios::binary);
    auto n = CopyHashed(in, nullptr, UINT64_MAX, hash);
    if (!n.ok()) return Fail(n.error());
    bytes = *n;
  }
  const std::string digest = hash.FinishHex();
  {
    std::ofstream out(partial.path, std::ios::binary | std::ios::trunc);
    out << kMagic << "\n"
        << "backend: " << (*db)->Backend() << "\n"
        << "schema_version: " << *version << "\n"
        << "created_at: " << FormatIso8601(started) << "\n"
        << "key_id: " << KeyIdHex(keys->active().id) << "\n"
        << "payload_bytes: " << bytes << "\n"
        << "payload_sha256: " << digest << "\n\n";
    std::ifstream in(payload.path, std::ios::binary);
    auth::Sha256Stream again;
    auto n = CopyHashed(in, &out, UINT64_MAX, again);
    out.flush();
    if (!n.ok() || !out || *n != bytes || again.FinishHex() != digest)
      return Fail(MakeError(ErrorCode::kUnavailable, "cannot write " + partial.path.string()));
  }
  if (auto s = FsyncFile(partial.path); !s.ok()) return Fail(s.error());
  if (::link(partial.path.c_str(), target.c_str()) != 0)  // never replaces a file that appeared meanwhile
    return Fail(MakeError(ErrorCode::kConflict, "cannot create " + target.string()));
  if (auto s = FsyncFile(target.parent_path()); !s.ok()) return Fail(s.error());
  ::chmod(target.c_str(), 0600);
  std::cout << "backup " << target.string() << ": " << (*db)->Backend() << ", schema " << *version << ", "
            << bytes << " bytes, taken at " << FormatIso8601(started) << ", master key id "
            << KeyIdHex(keys->active().id) << " (the key is not in the backup: keep it apart)\n";
  return 0;
}

int Restore(const Config& config, const std::string& from) {
  if (from.empty()) return Fail(MakeError(ErrorCode::kInvalid, "--from FILE is required"));
  std::ifstream in(from, std::ios::binary);
  if (!in) return Fail(MakeError(ErrorCode::kNotFound, "cannot open " + from));
  auto header = ReadBackupHeader(in);
  if (!header.ok()) return Fail(header.error());
  const std::string url = config.EffectiveDbUrl();
  const std::string backend = BackendOf(url);
  if (backend != header->backend) {
    return Fail(MakeError(ErrorCode::kInvalid, "the backup is of a " + header->backend + " database but the target " +
                                                   "is " + (backend.empty() ? "unknown" : backend) +
                                                   " (moving between backends: citygrid migrate-data)"));
  }
  if (header->schema_version > store::Store::LatestSchemaVersion()) {
    return Fail(MakeError(ErrorCode::kInvalid, "the backup has schema version " +
                                                   std::to_string(header->schema_version) + ", newer than this build's " +
                                                   std::to_string(store::Store::LatestSchemaVersion()) +
                                                   ": restore with the release that made it"));
  }
  auto keys = LoadExistingKeys(config);
  if (!keys.ok()) {
    return Fail(MakeError(ErrorCode::kNotFound, "refusing to restore without the master key (id " +
                                                    KeyIdHex(header->key_id) + "): " + keys.error().message +
                                                    ". Put the key file at " + config.EffectiveMasterKeyFile() +
                                                    " (mode 0600) or set CITYGRID_MASTER_KEY"));
  }
  if (keys->Find(header->key_id) == nullptr) {
    return Fail(MakeError(ErrorCode::kNotFound, "refusing to restore: the backup's data is encrypted under master key id " +
                                                    KeyIdHex(header->key_id) + ", which is not in " +
                                                    config.EffectiveMasterKeyFile() + " (active key id " +
                                                    KeyIdHex(keys->active().id) + ")"));
  }
  std::error_code ec;
  fs::create_directories(config.data_dir, ec);
  if (ec) return Fail(MakeError(ErrorCode::kUnavailable, "cannot create data dir " + config.data_dir));
  TempFile payload{fs::absolute(fs::path(config.data_dir) / ".restore.payload")};
  fs::remove(payload.path, ec);
  {
    std::ofstream out(payload.path, std::ios::binary | std::ios::trunc);
    auth::Sha256Stream hash;
    auto n = CopyHashed(in, &out, header->payload_bytes, hash);
    out.flush();
    if (!n.ok() || !out) return Fail(MakeError(ErrorCode::kUnavailable, "cannot write " + payload.path.string()));
    if (*n != header->payload_bytes)
      return Fail(MakeError(ErrorCode::kInvalid, "the backup is truncated: " + std::to_string(*n) + " of " +
                                                     std::to_string(header->payload_bytes) + " bytes"));
    char extra;
    if (in.read(&extra, 1); in.gcount() != 0)
      return Fail(MakeError(ErrorCode::kInvalid, "the backup has bytes after its payload"));
    if (hash.FinishHex() != header->payload_sha256)
      return Fail(MakeError(ErrorCode::kInvalid, "the backup is damaged: its payload does not match its SHA-256"));
  }
  if (auto s = store::RestoreDatabase(url, payload.path.string()); !s.ok()) return Fail(s.error());
  std::cout << "restored " << header->backend << " backup of " << header->created_at << " (schema "
            << header->schema_version << ") into "
            << (backend == "sqlite" ? url.substr(9) : std::string("the configured PostgreSQL database"))
            << "; next: citygrid migrate, then citygrid check db\n";
  return 0;
}

}  // namespace cg::cli

namespace cg::cli {

int MigrateData(const Config& config, const std::string& from, const std::string& to) {
  (void)config;
  if (from.empty() || to.empty()) return Fail(MakeError(ErrorCode::kInvalid, "--from and --to are required"));
  const auto t0 = std::chrono::steady_clock::now();
  std::int64_t total = 0;
  auto copied = store::CopySqliteToPostgres(from, to, [&](const store::TableCopy& t) {
    std::cerr << "\r  " << t.table << ": " << t.rows << " rows" << std::string(20, ' ');
  });
  std::cerr << "\r" << std::string(60, ' ') << "\r";
  if (!copied.ok()) return Fail(copied.error());
  for (const auto& t : *copied) {
    std::cout << "  " << t.table << ": " << t.rows << "\n";
    total += t.rows;
  }
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
  std::cout << "copied " << copied->size() << " tables, " << total << " rows in " << ms
            << " ms; row counts match and the integrity check passed. Point db_url at the new database "
            << "and keep the same master key.\n";
  return 0;
}

}  // namespace cg::cli
