// `citygrid key rotate` and `citygrid key reseal` (docs/operations.md "Master key").
#include <cstdio>
#include <iostream>
#include <string>

#include "api/http_probe.hpp"
#include "base/key_rotation.hpp"
#include "cli/backup.hpp"
#include "cli/commands.hpp"
#include "cli/progress.hpp"
#include "core/clock.hpp"
#include "imports/importer.hpp"
#include "privacy/key_ring.hpp"
#include "store/store.hpp"

namespace cg::cli {
namespace {

std::string KeyName(privacy::KeyId id) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%08x", id);
  return buf;
}

// Re-seals everything under the ring's active key and records it in the audit log.
int ResealWith(const Config& config, const privacy::KeyRing& keys) {
  auto store = OpenStore(config);
  if (!store.ok()) return Fail(store.error());
  // Re-seals with a progress line on stderr (rows read; the total is not known up front).
  auto with_progress = [](const char* label, auto&& run) {
    Progress bar(label, 0);
    auto counts = run([&](const base::ResealCounts& c) { bar.Update(c.seen); });
    bar.Finish();
    return counts;
  };
  auto persons = with_progress("persons", [&](auto&& cb) { return base::ResealPersons(**store, keys, cb); });
  if (!persons.ok()) return Fail(persons.error());
  auto payloads = with_progress("import review rows",
                                [&](auto&& cb) { return imports::ResealImportPayloads(**store, keys, cb); });
  if (!payloads.ok()) return Fail(payloads.error());
  auto phones = with_progress("case phone numbers",
                              [&](auto&& cb) { return base::ResealCaseFields(**store, keys, cb); });
  if (!phones.ok()) return Fail(phones.error());
  store::AuditEntry entry;
  entry.at = SystemClock::Instance().Now();
  entry.action = "key_reseal";
  entry.entity = "master_key";
  entry.entity_id = keys.active().id;
  entry.reason = std::to_string(persons->resealed) + " persons, " + std::to_string(payloads->resealed) +
                 " import review rows and " + std::to_string(phones->resealed) +
                 " case phone numbers re-sealed under key " + KeyName(keys.active().id);
  if (auto logged = (*store)->AppendAudit(entry); !logged.ok()) return Fail(logged.error());
  std::cout << "every sealed value is under key " << KeyName(keys.active().id) << ": " << persons->resealed
            << " of " << persons->seen << " persons and " << payloads->resealed << " of " << payloads->seen
            << " import review rows, " << phones->resealed << " of " << phones->seen
            << " case phone numbers re-sealed\n";
  return 0;
}

// Rotation rewrites the key file and the sealed columns: a running server holds the old ring
// and would go on sealing under the retired key, so it must be stopped first.
Status RefuseWhileServing(const Config& config) {
  const std::string host = api::LocalAddressFor(config.host);
  if (api::ProbeHttp(host, config.port, "/healthz", 1000).ok()) {
    return MakeError(ErrorCode::kConflict, "a server answers on " + host + ":" + std::to_string(config.port) +
                                               ": stop it first (systemctl stop citygrid)");
  }
  return Status();
}

}  // namespace

int RotateKey(const Config& config) {
  if (privacy::KeyRing::FromEnv().ok()) {
    return Fail(MakeError(ErrorCode::kInvalid,
                          "CITYGRID_MASTER_KEY is set: rotate a key file (master_key_file), not the environment; "
                          "unset it, or put the new key first in the variable yourself and run citygrid key reseal"));
  }
  if (auto refused = RefuseWhileServing(config); !refused.ok()) return Fail(refused.error());
  const std::string path = config.EffectiveMasterKeyFile();
  // Check the database opens before touching the key file.
  if (auto store = OpenStore(config); !store.ok()) return Fail(store.error());
  auto id = privacy::KeyRing::RotateFile(path);
  if (!id.ok()) return Fail(id.error());
  std::cout << "new active master key " << KeyName(*id) << " in " << path
            << " (the retired keys stay in the file below it); re-sealing...\n";
  auto keys = privacy::KeyRing::LoadFile(path);
  if (!keys.ok()) return Fail(keys.error());
  const int rc = ResealWith(config, *keys);
  if (rc != 0) {
    std::cerr << "re-sealing stopped; the new key is in place. Fix the cause and run: citygrid key reseal\n";
    return rc;
  }
  std::cout << "copy " << path << " to where the key is kept apart from the backups: backups made before "
            << "now need its retired keys, later ones its new first key\n";
  return 0;
}

int ResealKeys(const Config& config) {
  auto env = privacy::KeyRing::FromEnv();
  if (!env.ok() && env.error().code != ErrorCode::kNotFound) return Fail(env.error());
  if (auto refused = RefuseWhileServing(config); !refused.ok()) return Fail(refused.error());
  auto keys = env.ok() ? std::move(env) : privacy::KeyRing::LoadFile(config.EffectiveMasterKeyFile());
  if (!keys.ok()) return Fail(keys.error());
  return ResealWith(config, *keys);
}

}  // namespace cg::cli
