#pragma once
// `citygrid backup`, `restore`, `doctor` and `migrate-data`: the operator's commands
// (docs/operations.md). Each returns a process exit code: 0 success, 1 failure, 2 bad input.

#include <cstdint>
#include <istream>
#include <string>

#include "core/config.hpp"
#include "core/result.hpp"

namespace cg::cli {

// The text header of a backup file (format in backup_commands.cpp).
struct BackupHeader {
  std::string backend;        // "sqlite" | "postgresql"
  int schema_version = 0;
  std::string created_at;     // ISO 8601 UTC, when the copy's snapshot was taken
  std::uint32_t key_id = 0;   // active master key id at backup time
  std::uint64_t payload_bytes = 0;
  std::string payload_sha256;
};
// Reads and validates the header; leaves `in` at the first payload byte. kInvalid with what is
// wrong for anything that is not a well-formed header.
Result<BackupHeader> ReadBackupHeader(std::istream& in);

// Writes a consistent online backup of the configured database to `to` (must not exist).
int Backup(const Config& config, const std::string& to);
// Restores `from` into the configured database, which must be empty; refuses without the
// master key the backup names, and on a damaged, truncated or other-backend file.
int Restore(const Config& config, const std::string& from);
// Checks an installation and prints one finding a line (OK / WARN / FAIL) with what to do;
// 1 if anything failed.
int Doctor(const Config& config);
// Copies every table of the database at `from` into the empty database at `to` (another backend),
// then checks row counts table by table.
int MigrateData(const Config& config, const std::string& from, const std::string& to);

}  // namespace cg::cli
