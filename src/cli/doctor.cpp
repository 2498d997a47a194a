// `citygrid doctor`: looks over an installation with the same configuration the server reads
// and prints one finding a line, each with what to do (docs/operations.md, "Doctor").
#include <sys/statvfs.h>
#include <sys/stat.h>
#include <sys/timex.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "api/http_probe.hpp"
#include "cli/backup.hpp"
#include "core/clock.hpp"
#include "privacy/key_ring.hpp"
#include "store/store.hpp"

namespace cg::cli {
namespace {

namespace fs = std::filesystem;

enum class Level { kOk, kWarn, kFail };

class Findings {
 public:
  void Add(Level level, const std::string& topic, const std::string& what, const std::string& todo = "") {
    const char* tag = level == Level::kOk ? "OK  " : level == Level::kWarn ? "WARN" : "FAIL";
    std::cout << tag << "  " << topic << ": " << what << "\n";
    if (!todo.empty()) std::cout << "      -> " << todo << "\n";
    if (level == Level::kFail) ++failed_;
    if (level == Level::kWarn) ++warned_;
  }
  int failed() const { return failed_; }
  int warned() const { return warned_; }

 private:
  int failed_ = 0, warned_ = 0;
};

std::string Size(std::uintmax_t bytes) {
  char buf[32];
  if (bytes >= (1ull << 30)) std::snprintf(buf, sizeof buf, "%.1f GiB", static_cast<double>(bytes) / (1ull << 30));
  else if (bytes >= (1ull << 20)) std::snprintf(buf, sizeof buf, "%.1f MiB", static_cast<double>(bytes) / (1ull << 20));
  else std::snprintf(buf, sizeof buf, "%ju KiB", bytes / 1024);
  return buf;
}

std::string Mode(const fs::path& p) {
  struct stat st {};
  if (::stat(p.c_str(), &st) != 0) return "?";
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(st.st_mode & 07777));
  return buf;
}

void CheckDataDir(const Config& config, Findings& f) {
  std::error_code ec;
  if (!fs::is_directory(config.data_dir, ec)) {
    f.Add(Level::kFail, "data dir", config.data_dir + " does not exist",
          "run `citygrid migrate` (or scripts/install-production.sh) with this configuration");
    return;
  }
  struct stat st {};
  ::stat(config.data_dir.c_str(), &st);
  if ((st.st_mode & 007) != 0) {
    f.Add(Level::kWarn, "data dir", config.data_dir + " has mode " + Mode(config.data_dir) + ": others may read it",
          "chmod 700 " + config.data_dir);
  } else {
    f.Add(Level::kOk, "data dir", config.data_dir + " (mode " + Mode(config.data_dir) + ")");
  }
  struct statvfs vfs {};
  if (::statvfs(config.data_dir.c_str(), &vfs) != 0) {
    f.Add(Level::kWarn, "disk", "cannot read the free space of " + config.data_dir);
    return;
  }
  const std::uintmax_t free_bytes = static_cast<std::uintmax_t>(vfs.f_bavail) * vfs.f_frsize;
  const std::uintmax_t total = static_cast<std::uintmax_t>(vfs.f_blocks) * vfs.f_frsize;
  const double share = total ? static_cast<double>(free_bytes) / static_cast<double>(total) : 0;
  std::uintmax_t db_bytes = 0;
  const std::string url = config.EffectiveDbUrl();
  if (url.starts_with("sqlite://")) db_bytes = fs::file_size(url.substr(9), ec);
  if (ec) db_bytes = 0;
  const std::string what = Size(free_bytes) + " free of " + Size(total) + " under " + config.data_dir;
  if (free_bytes < (256ull << 20) || share < 0.02) {
    f.Add(Level::kFail, "disk", what, "free space now: SQLite stops writing when the disk is full");
  } else if (free_bytes < (2ull << 30) || share < 0.10 || free_bytes < 2 * db_bytes) {
    f.Add(Level::kWarn, "disk", what + (db_bytes ? ", database " + Size(db_bytes) : ""),
          "keep at least twice the database's size free: a backup and VACUUM need that much");
  } else {
    f.Add(Level::kOk, "disk", what);
  }
}

void CheckKey(const Config& config, Findings& f) {
  auto env = privacy::KeyRing::FromEnv();
  if (env.ok()) {
    f.Add(Level::kOk, "master key", "from CITYGRID_MASTER_KEY, " + std::to_string(env->size()) + " key(s)");
    return;
  }
  if (env.error().code != ErrorCode::kNotFound) {
    f.Add(Level::kFail, "master key", "CITYGRID_MASTER_KEY: " + env.error().message,
          "set it to 64 hex digits a key, active first, comma-separated");
    return;
  }
  const std::string path = config.EffectiveMasterKeyFile();
  auto ring = privacy::KeyRing::LoadFile(path);
  if (!ring.ok()) {
    const bool missing = ring.error().code == ErrorCode::kNotFound;
    f.Add(Level::kFail, "master key", ring.error().message,
          missing ? "restore the key file from where you keep it (without it the encrypted ID and phone numbers "
                    "cannot be read); only for a new installation: citygrid key generate"
                  : "fix the file as the message says");
    return;
  }
  f.Add(Level::kOk, "master key", path + " (mode " + Mode(path) + "), " + std::to_string(ring->size()) + " key(s)");
  std::error_code ec;
  const auto key_dir = fs::weakly_canonical(fs::path(path).parent_path(), ec);
  const auto data_dir = fs::weakly_canonical(config.data_dir, ec);
  const auto rel = key_dir.lexically_relative(data_dir);
  if (!rel.empty() && *rel.begin() != "..") {
    f.Add(Level::kWarn, "master key", "the key file lives inside the data dir " + config.data_dir,
          "a copy of the data dir then carries both data and key: set master_key_file to /etc/citygrid/master.key "
          "(deploy/citygrid.toml)");
  }
}

void CheckClock(store::Store& s, Findings& f) {
  timex tx{};
  const int state = ::adjtimex(&tx);
  if (state == TIME_ERROR || (tx.status & STA_UNSYNC) != 0) {
    f.Add(Level::kWarn, "clock", "the system clock is not synchronised (NTP)",
          "enable time sync (e.g. systemd-timesyncd or chrony): deadlines and audit times come from this clock");
  } else {
    f.Add(Level::kOk, "clock", "synchronised (NTP), estimated error " + std::to_string(tx.esterror) + " us");
  }
  auto latest = s.LatestChangeAt();
  if (!latest.ok()) {
    f.Add(Level::kWarn, "clock", "cannot read the change log: " + latest.error().message);
    return;
  }
  const Timestamp now = SystemClock::Instance().Now();
  if (*latest > now + 60'000) {
    f.Add(Level::kFail, "clock",
          "the newest change-log entry is " + std::to_string((*latest - now) / 1000) + " s in the future",
          "the clock was set back or is wrong: fix it before serving (deadlines would be wrong)");
  } else if (*latest != 0) {
    f.Add(Level::kOk, "clock", "newest change " + std::to_string((now - *latest) / 1000) + " s ago");
  }
}

void CheckDatabase(const Config& config, Findings& f) {
  const std::string url = config.EffectiveDbUrl();
  const bool sqlite = url.starts_with("sqlite://");
  std::error_code ec;
  const std::string shown = sqlite ? url : url.substr(0, url.find("://") + 3) + "...";
  if (sqlite && !fs::exists(url.substr(9), ec)) {
    f.Add(Level::kFail, "database", "no database file at " + url.substr(9),
          "run `citygrid migrate` (and `citygrid seed` for the demo city), or restore a backup");
    return;
  }
  auto store = store::Store::Open(url);
  if (!store.ok()) {
    f.Add(Level::kFail, "database", shown + ": " + store.error().message,
          sqlite ? "check the file's owner and permissions" : "check that PostgreSQL runs and db_url is right");
    return;
  }
  auto& s = **store;
  auto version = s.SchemaVersion();
  const int latest = store::Store::LatestSchemaVersion();
  if (!version.ok()) {
    f.Add(Level::kFail, "database", version.error().message);
    return;
  }
  if (*version < latest) {
    f.Add(Level::kFail, "schema", "version " + std::to_string(*version) + ", this build expects " + std::to_string(latest),
          "take a backup (citygrid backup --to FILE), then run citygrid migrate");
  } else if (*version > latest) {
    f.Add(Level::kFail, "schema", "version " + std::to_string(*version) + " is newer than this build's " +
                                      std::to_string(latest),
          "this binary is older than the database: install the release that migrated it (migrations only go forward)");
  } else {
    f.Add(Level::kOk, "schema", s.Backend() + " at version " + std::to_string(*version) + " (latest)");
    if (auto st = s.CheckIntegrity(); !st.ok()) {
      f.Add(Level::kFail, "integrity", st.error().message, "restore the newest good backup; keep the damaged copy");
    } else {
      f.Add(Level::kOk, "integrity", "checks pass");
    }
  }
  if (sqlite) {
    const std::string wal = url.substr(9) + "-wal";
    const auto wal_bytes = fs::exists(wal, ec) ? fs::file_size(wal, ec) : 0;
    if (wal_bytes > (1ull << 30)) {
      f.Add(Level::kWarn, "WAL", wal + " is " + Size(wal_bytes),
            "something holds a read transaction open and checkpoints cannot finish: restart long readers "
            "(reports, backups) or the server");
    } else {
      f.Add(Level::kOk, "WAL", Size(wal_bytes));
    }
  } else {
    auto info = s.ServerInfo();
    if (!info.ok()) {
      f.Add(Level::kWarn, "PostgreSQL", info.error().message);
    } else {
      f.Add(Level::kOk, "PostgreSQL", *info + " (the schema needs no extension; PostGIS is used by bench/ only)");
      // pg_dump refuses a server newer than itself: backups need a client of the server's major.
      const std::string server_major = info->substr(11, info->find('.') - 11);
      std::string client;
      if (FILE* p = ::popen("pg_dump --version 2>/dev/null", "r")) {
        char buf[256];
        while (std::fgets(buf, sizeof buf, p)) client += buf;
        ::pclose(p);
      }
      const auto digits = client.find_first_of("0123456789");
      const std::string client_major = digits == std::string::npos ? "" : client.substr(digits, client.find('.', digits) - digits);
      if (client_major.empty()) {
        f.Add(Level::kFail, "pg_dump", "not found: citygrid backup cannot copy a PostgreSQL database",
              "apt-get install postgresql-client-" + server_major);
      } else if (std::atoi(client_major.c_str()) < std::atoi(server_major.c_str())) {
        f.Add(Level::kFail, "pg_dump", "version " + client_major + " is older than the server's " + server_major,
              "apt-get install postgresql-client-" + server_major);
      } else {
        f.Add(Level::kOk, "pg_dump", "version " + client_major + " (server " + server_major + ")");
      }
    }
  }
  CheckClock(s, f);
}

void CheckFiles(const Config& config, Findings& f) {
  std::error_code ec;
  const fs::path index = fs::path(config.web_root) / "index.html";
  if (fs::exists(index, ec)) {
    f.Add(Level::kOk, "web app", index.string());
  } else {
    f.Add(Level::kFail, "web app", "no " + index.string(), "build it: bash scripts/build.sh (or set web_root)");
  }
  if (fs::is_directory(config.elements_dir, ec)) {
    f.Add(Level::kOk, "data elements", config.elements_dir);
  } else {
    f.Add(Level::kFail, "data elements", "no folder " + config.elements_dir,
          "set elements_dir to the installed data/elements folder: base data is off without it");
  }
}

void CheckServer(const Config& config, Findings& f) {
  const std::string host = api::LocalAddressFor(config.host);
  auto r = api::ProbeHttp(host, config.port, "/healthz");
  if (!r.ok()) {
    f.Add(Level::kWarn, "server", r.error().message,
          "start it: systemctl start citygrid (or citygrid serve); ignore this if it is meant to be stopped");
  } else if (r->status != 200) {
    f.Add(Level::kFail, "server", "/healthz answered " + std::to_string(r->status) + ": " + r->body.substr(0, 200),
          "read the server's log: journalctl -u citygrid");
  } else {
    f.Add(Level::kOk, "server", "answers on " + host + ":" + std::to_string(config.port));
  }
}

}  // namespace

int Doctor(const Config& config) {
  Findings f;
  CheckDataDir(config, f);
  CheckKey(config, f);
  CheckDatabase(config, f);
  CheckFiles(config, f);
  CheckServer(config, f);
  std::cout << (f.failed() ? "problems found: " : "no problems: ") << f.failed() << " failed, " << f.warned()
            << " warnings\n";
  return f.failed() ? 1 : 0;
}

}  // namespace cg::cli
