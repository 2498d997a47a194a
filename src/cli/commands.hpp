#pragma once
// The subcommands' bodies. Each returns a process exit code: 0 success, 1 failure, 2 bad input.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/config.hpp"
#include "store/store.hpp"

namespace cg::cli {

// Opens the configured database (creating the data dir) and migrates it.
Result<std::unique_ptr<store::Store>> OpenStore(const Config& config);

int Serve(const Config& config);
int Migrate(const Config& config);
int Seed(const Config& config, const std::string& scale, const std::string& source,
         std::uint64_t seed, bool if_empty, std::int64_t people);
int AddUser(const Config& config, const std::string& username, const std::string& display_name,
            const std::string& role, const std::string& scope, const std::string& password);
// Creates an Open311 API key named `name`, prints it once on stdout, stores only its hash.
int AddApiKey(const Config& config, const std::string& name);
// Options of `citygrid import persons`.
struct ImportArgs {
  std::string file;
  std::string scope;                 // org code imported into
  std::vector<std::string> maps;     // "HEADER=target" or "COLUMN_NUMBER=target" ("" target: ignore)
  std::string sheet;
  std::string report;                // write every row's fate to this CSV
  bool dry_run = false;
  std::size_t batch = 2000;
};
// Imports a person spreadsheet through imports::Importer with a terminal progress bar and prints
// the summary: counts, and the rows that need attention (all of them with --report).
int ImportPersons(const Config& config, const ImportArgs& args);
int CheckGrids(const Config& config, double tolerance);
// Prints "ok" and returns 0 if Store::CheckIntegrity passes; else prints what failed, 1.
int CheckDb(const Config& config);
// `citygrid key generate`: a new master key file at config.EffectiveMasterKeyFile(), mode 0600;
// exit 1 without touching anything when the file exists or cannot be created.
int GenerateKey(const Config& config);
// `citygrid key rotate`: refuses while a server answers on the configured port or the key comes
// from CITYGRID_MASTER_KEY; puts a new key first in the key file, then re-seals every ID and
// phone number and import review payload under it (docs/operations.md "Master key").
int RotateKey(const Config& config);
// `citygrid key reseal`: finishes an interrupted rotation (re-seals what is not under the
// active key); also after putting a new key first in CITYGRID_MASTER_KEY by hand.
int ResealKeys(const Config& config);

// Prints "error: <message>"; exit code 2 for bad input (kInvalid), else 1.
int Fail(const Error& e);

}  // namespace cg::cli
