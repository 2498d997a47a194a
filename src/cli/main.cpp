// citygrid: one binary, subcommands serve | migrate | seed | import persons | user add | apikey add |
// key generate | check grids | check db | backup | restore | migrate-data | doctor.
#include <CLI/CLI.hpp>
#include <csignal>
#include <optional>
#include <filesystem>
#include <iostream>
#include <spdlog/spdlog.h>

#include "api/app.hpp"
#include "api/http_server.hpp"
#include "cli/backup.hpp"
#include "cli/commands.hpp"
#include "core/config.hpp"
#include "core/log.hpp"

namespace {

struct Common {
  std::string config_file;
  std::string data_dir;
  std::string db;
};

void AddCommon(CLI::App* cmd, Common& c) {
  cmd->add_option("--config", c.config_file, "TOML config file");
  cmd->add_option("--data-dir", c.data_dir, "data directory (database file, uploads)");
  cmd->add_option("--db", c.db, "database URL: sqlite://PATH or postgresql://...");
}

// Defaults, then the config file, then CITYGRID_* variables, then flags.
cg::Result<cg::Config> LoadConfig(const Common& c) {
  cg::Config config;
  if (!c.config_file.empty()) {
    if (auto s = cg::LoadConfigFile(c.config_file, config); !s.ok()) return s.error();
  }
  if (auto s = cg::ApplyEnvironment(cg::ProcessEnvironment(), config); !s.ok()) return s.error();
  if (!c.data_dir.empty()) config.data_dir = c.data_dir;
  if (!c.db.empty()) config.db_url = c.db;
  return config;
}

using cg::cli::Fail;

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"citygrid — city-wide social governance platform"};
  app.require_subcommand(1);

  Common serve_c;
  std::optional<std::uint16_t> port;
  std::string web_root, host;
  auto* serve = app.add_subcommand("serve", "Run the HTTP server (migrates the database first)");
  AddCommon(serve, serve_c);
  serve->add_option("--port", port, "listen port (default 8080; 0 picks a free one)");
  serve->add_option("--host", host, "listen address (default 0.0.0.0)");
  serve->add_option("--web-root", web_root, "folder of the built web app (default ./web/dist)");

  Common migrate_c;
  auto* migrate = app.add_subcommand("migrate", "Apply pending database migrations");
  AddCommon(migrate, migrate_c);

  Common seed_c;
  std::string scale = "demo", source = "data/baotou";
  std::uint64_t seed_number = 2026;
  bool if_empty = false;
  auto* seed = app.add_subcommand("seed", "Load the Baotou demo city (org tree, grids, accounts, synthetic residents)");
  AddCommon(seed, seed_c);
  seed->add_option("--scale", scale, "demo | city")->check(CLI::IsMember({"demo", "city"}));
  seed->add_option("--source", source, "folder with divisions.csv and districts.geojson");
  seed->add_option("--seed", seed_number, "random seed (same seed, same city)");
  std::int64_t people = 0;
  seed->add_option("--people", people, "synthetic residents instead of the scale's (demo 40,000; city 3,000,000)")
      ->check(CLI::Range(std::int64_t{0}, std::int64_t{10'000'000}));
  seed->add_flag("--if-empty", if_empty, "do nothing if the database already has an org tree");

  auto* user = app.add_subcommand("user", "Manage accounts");
  user->require_subcommand(1);
  Common user_c;
  std::string username, role, scope, display_name;
  auto* user_add = user->add_subcommand("add", "Create an account; the password is read from stdin");
  AddCommon(user_add, user_c);
  user_add->add_option("--username", username, "login name")->required();
  user_add->add_option("--role", role, "admin | staff | grid_worker | analyst | resident")
      ->required()->check(CLI::IsMember({"admin", "staff", "grid_worker", "analyst", "resident"}));
  user_add->add_option("--scope", scope, "org code the account is bound to, e.g. 150203")->required();
  user_add->add_option("--name", display_name, "display name");

  auto* apikey = app.add_subcommand("apikey", "Manage Open311 API keys");
  apikey->require_subcommand(1);
  Common apikey_c;
  std::string apikey_name;
  auto* apikey_add = apikey->add_subcommand("add", "Create an API key; prints it once (only its hash is stored)");
  AddCommon(apikey_add, apikey_c);
  apikey_add->add_option("--name", apikey_name, "who the key is for, e.g. the app's name")->required();

  auto* import = app.add_subcommand("import", "Import departments' spreadsheets (xlsx, CSV)");
  import->require_subcommand(1);
  Common import_c;
  cg::cli::ImportArgs import_args;
  auto* import_persons = import->add_subcommand(
      "persons", "Import persons: columns mapped to data elements, rows matched by ID number, then name + "
                 "birth date + address; nothing overwritten (differences go to the review queue)");
  AddCommon(import_persons, import_c);
  import_persons->add_option("file", import_args.file, "FILE.xlsx or FILE.csv")->required();
  import_persons->add_option("--scope", import_args.scope, "org code to import into, e.g. 150203010008001")
      ->required();
  import_persons->add_option("--map", import_args.maps,
                             "override the suggested mapping: HEADER=target or COLUMN_NUMBER=target "
                             "(target empty: ignore the column); repeatable");
  import_persons->add_option("--sheet", import_args.sheet, "xlsx sheet (default: the first)");
  import_persons->add_option("--report", import_args.report, "write every row's fate to this CSV file");
  import_persons->add_flag("--dry-run", import_args.dry_run, "match and report without writing any person");
  import_persons->add_option("--batch", import_args.batch, "rows per transaction (default 2000)")
      ->check(CLI::Range(std::size_t{1}, std::size_t{100000}));

  auto* key = app.add_subcommand("key", "Manage the master key of ID/phone encryption");
  key->require_subcommand(1);
  Common key_c;
  auto* key_generate = key->add_subcommand(
      "generate", "Create the master key file (mode 0600; refuses to overwrite one) at master_key_file");
  AddCommon(key_generate, key_c);
  auto* key_rotate = key->add_subcommand(
      "rotate", "Stop the server first. New master key first in the key file (old ones kept to read old "
                "backups), then every ID/phone number re-encrypted and re-indexed under it");
  AddCommon(key_rotate, key_c);
  auto* key_reseal = key->add_subcommand(
      "reseal", "Finish an interrupted rotation: re-seal what is not under the active key");
  AddCommon(key_reseal, key_c);

  auto* check = app.add_subcommand("check", "Consistency checks");
  check->require_subcommand(1);
  Common check_c;
  double tolerance = 1e-9;
  auto* check_grids = check->add_subcommand("grids", "Validate that grids tile their communities (and every level its parent)");
  AddCommon(check_grids, check_c);
  check_grids->add_option("--tolerance", tolerance, "area tolerance in square degrees");

  auto* check_db = check->add_subcommand("db", "Database integrity (SQLite integrity and foreign-key checks; cases complete)");
  AddCommon(check_db, check_c);

  Common backup_c;
  std::string backup_to;
  auto* backup = app.add_subcommand(
      "backup", "Online, consistent copy of the database to a new file (the master key is not in it)");
  AddCommon(backup, backup_c);
  backup->add_option("--to", backup_to, "backup file to create (must not exist)")->required();

  Common restore_c;
  std::string restore_from;
  auto* restore = app.add_subcommand(
      "restore", "Restore a backup into an empty database; needs the master key the backup names");
  AddCommon(restore, restore_c);
  restore->add_option("--from", restore_from, "backup file written by citygrid backup")->required();

  Common migrate_data_c;
  std::string migrate_from, migrate_to;
  auto* migrate_data = app.add_subcommand(
      "migrate-data", "Copy every table from a SQLite database into an empty PostgreSQL database");
  AddCommon(migrate_data, migrate_data_c);
  migrate_data->add_option("--from", migrate_from, "source, sqlite://PATH")->required();
  migrate_data->add_option("--to", migrate_to, "target, postgresql://... (empty database)")->required();

  Common doctor_c;
  auto* doctor = app.add_subcommand(
      "doctor", "Check an installation: database, schema, key file, disk, WAL, clock, web app, server");
  AddCommon(doctor, doctor_c);
  std::optional<std::uint16_t> doctor_port;
  std::string doctor_host;
  doctor->add_option("--port", doctor_port, "the server's port (default: the configured one)");
  doctor->add_option("--host", doctor_host, "the server's address (default: the configured one)");

  CLI11_PARSE(app, argc, argv);

  auto with_config = [](const Common& c, auto&& fn) -> int {
    auto config = LoadConfig(c);
    if (!config.ok()) return Fail(config.error());
    cg::InitLogging(config->log_level);
    return fn(*config);
  };

  if (*serve) {
    return with_config(serve_c, [&](cg::Config config) {
      if (port) config.port = *port;
      if (!host.empty()) config.host = host;
      if (!web_root.empty()) config.web_root = web_root;
      return cg::cli::Serve(config);
    });
  }
  if (*migrate) return with_config(migrate_c, [](cg::Config config) { return cg::cli::Migrate(config); });
  if (*seed) {
    return with_config(seed_c, [&](cg::Config config) {
      return cg::cli::Seed(config, scale, source, seed_number, if_empty, people);
    });
  }
  if (*user_add) {
    return with_config(user_c, [&](cg::Config config) {
      std::string password;
      std::getline(std::cin, password);
      return cg::cli::AddUser(config, username, display_name, role, scope, password);
    });
  }
  if (*apikey_add) {
    return with_config(apikey_c, [&](cg::Config config) { return cg::cli::AddApiKey(config, apikey_name); });
  }
  if (*import_persons) {
    return with_config(import_c, [&](cg::Config config) { return cg::cli::ImportPersons(config, import_args); });
  }
  if (*key_generate) {
    return with_config(key_c, [](cg::Config config) { return cg::cli::GenerateKey(config); });
  }
  if (*key_rotate) {
    return with_config(key_c, [](cg::Config config) { return cg::cli::RotateKey(config); });
  }
  if (*key_reseal) {
    return with_config(key_c, [](cg::Config config) { return cg::cli::ResealKeys(config); });
  }
  if (*backup) {
    return with_config(backup_c, [&](cg::Config config) { return cg::cli::Backup(config, backup_to); });
  }
  if (*restore) {
    return with_config(restore_c, [&](cg::Config config) { return cg::cli::Restore(config, restore_from); });
  }
  if (*migrate_data) {
    return with_config(migrate_data_c,
                       [&](cg::Config config) { return cg::cli::MigrateData(config, migrate_from, migrate_to); });
  }
  if (*doctor) {
    return with_config(doctor_c, [&](cg::Config config) {
      if (doctor_port) config.port = *doctor_port;
      if (!doctor_host.empty()) config.host = doctor_host;
      return cg::cli::Doctor(config);
    });
  }
  if (*check_db) {
    return with_config(check_c, [](cg::Config config) { return cg::cli::CheckDb(config); });
  }
  if (*check_grids) {
    return with_config(check_c, [&](cg::Config config) { return cg::cli::CheckGrids(config, tolerance); });
  }
  return 0;
}
