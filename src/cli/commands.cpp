#include "cli/commands.hpp"
#include "cli/seed_notices.hpp"
#include "cli/seed_topics.hpp"
#include "cli/seed_volunteers.hpp"
#include "cli/seed_complaints.hpp"
#include "cli/seed_mediation.hpp"
#include "cli/seed_welfare.hpp"
#include "cli/seed_projects.hpp"

#include <pthread.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <csignal>
#include <filesystem>
#include <iostream>

#include "api/app.hpp"
#include "api/http_server.hpp"
#include "auth/authenticator.hpp"
#include "auth/password.hpp"
#include "auth/random.hpp"
#include "store/case_store.hpp"
#include "demo/baotou.hpp"
#include "cli/progress.hpp"
#include "demo/seed_population.hpp"
#include "geo/check.hpp"
#include "imports/importer.hpp"
#include "tabular/csv.hpp"
#include <fstream>
#include "privacy/key_ring.hpp"

namespace cg::cli {

int Fail(const Error& e) {
  std::cerr << "error: " << e.message << "\n";
  return e.code == ErrorCode::kInvalid ? 2 : 1;
}

namespace {

// The demo password of every seeded account; printed by `seed` and written in README.md.
constexpr char kDemoPassword[] = "citygrid-demo";

struct DemoAccount {
  const char* username;
  const char* display_name;
  model::Role role;
  const char* scope;
};

// Named accounts a newcomer can log in with, one per role and level.
constexpr DemoAccount kDemoAccounts[] = {
    {"admin", "系统管理员", model::Role::kAdmin, "1502"},
    {"city_analyst", "市民政局分析员", model::Role::kAnalyst, "1502"},
    {"kundulun", "昆都仑区工作人员", model::Role::kStaff, "150203"},
    {"shifudong", "市府东路街道工作人员", model::Role::kStaff, "150203010"},
    {"jinhua", "金华社区工作人员", model::Role::kStaff, "150203010008"},
    {"jinhua_g1", "金华社区第1网格网格员", model::Role::kGridWorker, "150203010008001"},
    {"changsheng", "长胜街社区工作人员", model::Role::kStaff, "150202002016"},
    {"resident_demo", "居民", model::Role::kResident, "150203010008001"},
    // Linked to a resident of grid 1 by the deliberation seed (seed_topics.cpp): votes in 金华社区.
    {"resident_verified", "金华社区居民（已核验）", model::Role::kResident, "150203010008001"},
    // Officials residents may ask in public (有问必答, data/officials.toml), each at their unit.
    {"wdz_mayor", "五当召镇镇长", model::Role::kStaff, "150205101"},
    {"wdz_secretary", "五当召镇党委书记", model::Role::kStaff, "150205101"},
    {"sfd_secretary", "市府东路街道党工委书记", model::Role::kStaff, "150203010"},
    {"jinhua_secretary", "金华社区党委书记", model::Role::kStaff, "150203010008"},
    // A mediator of 五当召镇人民调解委员会 (seed_mediation.cpp): the mediator's workbench.
    {"wdz_mediator", "五当召镇人民调解员", model::Role::kStaff, "150205101"},
    // A part-time reporter (a delivery rider) of 金华社区 (seed_welfare.cpp): the rider's phone page.
    {"rider_jinhua", "金华社区兼职网格员（外卖骑手）", model::Role::kReporter, "150203010008"},
};

// Kundulun's grid workers: one per grid, and the surplus (1,503 - 1,391) as second workers of
// the first grids in code order, as in the model city.
constexpr int kKundulunGridWorkers = 1503;

Status SeedAccounts(store::Store& store, const Clock& clock) {
  auto hash = auth::HashPassword(kDemoPassword);  // one hash for all demo accounts: seeding speed
  if (!hash.ok()) return hash.error();
  auto add = [&](const std::string& username, const std::string& name, model::Role role,
                 const std::string& scope) -> Status {
    model::User u;
    u.username = username;
    u.display_name = name;
    u.role = role;
    u.scope_code = scope;
    u.password_hash = *hash;
    u.created_at = clock.Now();
    auto r = store.CreateUser(u);
    if (!r.ok() && r.error().code != ErrorCode::kConflict) return r.error();
    return {};
  };
  for (const auto& a : kDemoAccounts) CG_RETURN_IF_ERROR(add(a.username, a.display_name, a.role, a.scope));
  auto grids = store.ListDescendants(model::Scope::System(), "150203", model::OrgKind::kGrid, false,
                                     {1'000'000, 0});
  if (!grids.ok()) return grids.error();
  const auto& g = grids->items;
  for (int i = 0; i < kKundulunGridWorkers && !g.empty(); ++i) {
    const auto& grid = g[static_cast<std::size_t>(i) % g.size()];
    int nth = i / static_cast<int>(g.size()) + 1;
    CG_RETURN_IF_ERROR(add("gw" + grid.code + (nth > 1 ? "-" + std::to_string(nth) : ""),
                           grid.name + "网格员" + (nth > 1 ? std::to_string(nth) : ""),
                           model::Role::kGridWorker, grid.code));
  }
  return {};
}

// The master key: CITYGRID_MASTER_KEY if set, else the key file, created (mode 0600) on first use.
Result<privacy::KeyRing> LoadOrCreateMasterKey(const Config& config) {
  auto env = privacy::KeyRing::FromEnv();
  if (env.ok() || env.error().code != ErrorCode::kNotFound) return env;
  const std::string path = config.EffectiveMasterKeyFile();
  auto keys = privacy::KeyRing::LoadFile(path);
  if (keys.ok() || keys.error().code != ErrorCode::kNotFound) return keys;
  CG_RETURN_IF_ERROR(privacy::KeyRing::Generate(path));
  spdlog::warn("created a new master key file={} (mode 0600); back it up: without it the encrypted "
               "ID and phone numbers cannot be read", path);
  return privacy::KeyRing::LoadFile(path);
}

// Where and how many synthetic residents each scale gets: the demo fills all of 昆都仑区's
// grids thinly (quick to seed); the city fills every grid of Baotou.
struct PopulationPlan {
  const char* scope;
  std::int64_t people;
};
PopulationPlan PlanFor(const std::string& scale) {
  if (scale == "city") return {"1502", 3'000'000};
  return {"150203", 40'000};
}

// Synthetic residents through the base-data service's batch path (encrypted, change-logged as
// "seed"). Skipped when persons exist already or the data-element dictionary is missing.
Status SeedPopulation(store::Store& store, const Config& config, privacy::KeyRing keys, std::uint64_t seed,
                      const std::string& scale, std::int64_t people_override) {
  const auto sys = model::Scope::System();
  store::RecordQuery any;
  auto existing = store.ListRecords(sys, any, {1, 0});
  if (!existing.ok()) return existing.error();
  if (existing->total > 0) {
    std::cout << "population: persons exist already; not added\n";
    return {};
  }
  auto dictionary = forms::Dictionary::LoadDirectory(config.elements_dir);
  if (!dictionary.ok()) {
    std::cout << "population: skipped (" << dictionary.error().message << ")\n";
    return {};
  }
  PopulationPlan plan = PlanFor(scale);
  if (people_override > 0) plan.people = people_override;
  auto units = store.ListDescendants(sys, plan.scope, model::OrgKind::kGrid, false, {1'000'000, 0});
  if (!units.ok()) return units.error();
  std::vector<std::string> grids;
  for (const auto& u : units->items) grids.push_back(u.code);
  const Clock& clock = SystemClock::Instance();
  base::Service service(store, keys, *dictionary, clock);
  auto t0 = std::chrono::steady_clock::now();
  Progress bar("population", plan.people);
  auto counts = demo::SeedPopulation(service, grids, plan.people, seed, DateAt(clock.Now()),
                                     [&](std::int64_t done, std::int64_t) { bar.Update(done); });
  bar.Finish();
  if (!counts.ok()) return counts.error();
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
  std::cout << "population: " << Thousands(counts->people) << " people in " << Thousands(counts->households)
            << " households, " << Thousands(counts->buildings) << " buildings, " << Thousands(counts->grids)
            << " grids, in " << ms << " ms\n";
  return {};
}

}  // namespace

Result<std::unique_ptr<store::Store>> OpenStore(const Config& config) {
  std::error_code ec;
  std::filesystem::create_directories(config.data_dir, ec);
  if (ec) return MakeError(ErrorCode::kInvalid, "cannot create data dir " + config.data_dir + ": " + ec.message());
  auto store = store::Store::Open(config.EffectiveDbUrl());
  if (!store.ok()) return store.error();
  CG_RETURN_IF_ERROR((*store)->Migrate());
  return store;
}

int Serve(const Config& config) {
  auto store = OpenStore(config);
  if (!store.ok()) return Fail(store.error());
  api::App app(**store, SystemClock::Instance(), config);
  if (auto s = app.LoadGridIndex(); !s.ok()) return Fail(s.error());
  auto keys = LoadOrCreateMasterKey(config);
  if (!keys.ok()) return Fail(keys.error());
  auto dictionary = forms::Dictionary::LoadDirectory(config.elements_dir);
  if (dictionary.ok()) {
    if (auto s = app.EnableBaseData(std::move(keys).value(), std::move(dictionary).value()); !s.ok()) {
      return Fail(s.error());
    }
  } else if (dictionary.error().code == ErrorCode::kNotFound) {
    // Not fatal: the org tree, accounts and cases still work; base-data routes answer 503.
    app.UseMasterKey(std::move(keys).value());
    spdlog::warn("no data-element dictionary at elements_dir={}; base-data routes are disabled",
                 config.elements_dir);
  } else {
    return Fail(dictionary.error());
  }
  if (auto s = app.LoadCaseData(); !s.ok()) {
    if (s.error().code != ErrorCode::kNotFound) return Fail(s.error());
    // Not fatal either: case and Open311 routes answer 503 until the folder exists.
    spdlog::warn("no case data at data_root={}: {}; case routes are disabled", config.data_root,
                 s.error().message);
  }

  // Block SIGINT/SIGTERM in every thread; the main thread waits for them below.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  api::ServerOptions opt;
  opt.host = config.host;
  opt.port = config.port;
  opt.threads = config.threads;
  opt.max_body_bytes = config.max_body_bytes;
  opt.max_upload_bytes = config.max_upload_bytes;
  api::HttpServer server(app, opt);
  if (auto s = server.Start(); !s.ok()) return Fail(s.error());
  spdlog::info("listening host={} port={} db={} web_root={}", config.host, server.port(),
               (*store)->Backend(), config.web_root);
  std::cout << "citygrid is serving http://localhost:" << server.port() << "/" << std::endl;
  // The deadline job: every case_eval_interval_ms until shutdown.
  std::mutex eval_mu;
  std::condition_variable eval_cv;
  bool stopping = false;
  std::thread evaluator([&] {
    std::unique_lock lock(eval_mu);
    while (!eval_cv.wait_for(lock, std::chrono::milliseconds(config.case_eval_interval_ms),
                             [&] { return stopping; })) {
      lock.unlock();
      auto changed = app.EvaluateDueCases();
      if (!changed.ok()) spdlog::error("deadline job failed: {}", changed.error().message);
      lock.lock();
    }
  });
  // The change feed: other nodes' writes reach this node's reports within feed_interval_ms.
  std::thread follower([&] {
    std::unique_lock lock(eval_mu);
    while (!eval_cv.wait_for(lock, std::chrono::milliseconds(config.feed_interval_ms),
                             [&] { return stopping; })) {
      lock.unlock();
      if (auto s = app.CatchUpChanges(); !s.ok()) spdlog::error("change feed catch-up failed: {}", s.error().message);
      lock.lock();
    }
  });
  int sig = 0;
  sigwait(&signals, &sig);
  spdlog::info("shutting down signal={}", sig);
  {
    std::lock_guard lock(eval_mu);
    stopping = true;
  }
  eval_cv.notify_all();
  evaluator.join();
  follower.join();
  server.Stop();
  spdlog::info("stopped");
  return 0;
}

int Migrate(const Config& config) {
  auto store = OpenStore(config);
  if (!store.ok()) return Fail(store.error());
  auto v = (*store)->SchemaVersion();
  if (!v.ok()) return Fail(v.error());
  std::cout << "schema version " << *v << " (" << (*store)->Backend() << ")\n";
  return 0;
}

int Seed(const Config& config, const std::string& scale, const std::string& source,
         std::uint64_t seed, bool if_empty, std::int64_t people) {
  auto store = OpenStore(config);
  if (!store.ok()) return Fail(store.error());
  if (if_empty) {
    auto city = (*store)->GetOrgUnit(model::Scope::System(), "1502", false);
    if (city.ok()) {
      std::cout << "database already seeded; nothing to do\n";
      return 0;
    }
  }
  auto keys = LoadOrCreateMasterKey(config);
  if (!keys.ok()) return Fail(keys.error());
  auto t0 = std::chrono::steady_clock::now();
  auto tree = demo::BuildBaotouOrgTree(source, seed);
  if (!tree.ok()) return Fail(tree.error());
  auto t1 = std::chrono::steady_clock::now();
  if (auto s = (*store)->UpsertOrgUnits(*tree); !s.ok()) return Fail(s.error());
  auto t2 = std::chrono::steady_clock::now();
  if (auto s = SeedAccounts(**store, SystemClock::Instance()); !s.ok()) return Fail(s.error());
  auto t3 = std::chrono::steady_clock::now();
  auto ms = [](auto a, auto b) { return std::chrono::duration_cast<std::chrono::milliseconds>(b - a).count(); };
  std::size_t grids = 0;
  for (const auto& u : *tree) grids += u.kind == model::OrgKind::kGrid;
  std::cout << "seeded Baotou (" << scale << "): " << tree->size() << " org units, " << grids
            << " grids; generated in " << ms(t0, t1) << " ms, stored in " << ms(t1, t2)
            << " ms, accounts in " << ms(t2, t3) << " ms\n"
            << "demo accounts (password '" << kDemoPassword << "'): admin, city_analyst, kundulun, "
            << "shifudong, jinhua, jinhua_g1, changsheng, resident_demo, resident_verified, the officials wdz_mayor, wdz_secretary, "
            << "sfd_secretary, jinhua_secretary, the mediator wdz_mediator, and gw<grid code> for Kundulun's grids\n";
  if (auto s = SeedPopulation(**store, config, std::move(keys).value(), seed, scale, people); !s.ok()) {
    return Fail(s.error());
  }
  auto t4 = std::chrono::steady_clock::now();
  if (auto s = SeedNotices(**store, SystemClock::Instance()); !s.ok()) return Fail(s.error());
  std::cout << "seeded notices and loudspeaker stations in " << ms(t4, std::chrono::steady_clock::now())
            << " ms\n";
  if (auto s = SeedTopics(**store, SystemClock::Instance()); !s.ok()) return Fail(s.error());
  auto t5 = std::chrono::steady_clock::now();
  if (auto s = SeedProjects(**store, SystemClock::Instance()); !s.ok()) return Fail(s.error());
  std::cout << "seeded governance projects in " << ms(t5, std::chrono::steady_clock::now()) << " ms\n";
  if (auto s = SeedVolunteers(**store, SystemClock::Instance()); !s.ok()) return Fail(s.error());
  if (auto s = SeedComplaints(**store, config, SystemClock::Instance()); !s.ok()) return Fail(s.error());
  std::cout << "seeded complaint sessions (吐槽大会)\n";
  auto t6 = std::chrono::steady_clock::now();
  if (auto s = SeedMediation(**store, config, SystemClock::Instance()); !s.ok()) return Fail(s.error());
  std::cout << "seeded the mediation registry and disputes in " << ms(t6, std::chrono::steady_clock::now()) << " ms\n";
  auto t7 = std::chrono::steady_clock::now();
  if (auto s = SeedWelfare(**store, config, SystemClock::Instance()); !s.ok()) return Fail(s.error());
  std::cout << "seeded welfare checks in " << ms(t7, std::chrono::steady_clock::now()) << " ms\n";
  return 0;
}

int AddUser(const Config& config, const std::string& username, const std::string& display_name,
            const std::string& role, const std::string& scope, const std::string& password) {
  auto store = OpenStore(config);
  if (!store.ok()) return Fail(store.error());
  auto r = model::ParseRole(role);
  if (!r) return Fail(MakeError(ErrorCode::kInvalid, "unknown role " + role));
  auth::Authenticator auth(**store, SystemClock::Instance(), {});
  auto user = auth.CreateUser(username, display_name, *r, scope, password);
  if (!user.ok()) return Fail(user.error());
  std::cout << "created user " << user->username << " (id " << user->id << ", " << role << " of " << scope << ")\n";
  return 0;
}

int AddApiKey(const Config& config, const std::string& name) {
  auto store = OpenStore(config);
  if (!store.ok()) return Fail(store.error());
  if (name.empty() || name.size() > 100) return Fail(MakeError(ErrorCode::kInvalid, "--name must be 1..100 characters"));
  std::string key = auth::RandomToken(32);
  store::ApiKey k{0, name, auth::Sha256Hex(key), SystemClock::Instance().Now()};
  auto created = (*store)->Cases().CreateApiKey(k);
  if (!created.ok()) return Fail(created.error());
  std::cout << key << "\n";
  std::cerr << "created Open311 API key '" << name << "' (id " << created->id
            << "); it is shown only now, the database keeps its SHA-256\n";
  return 0;
}

int ImportPersons(const Config& config, const ImportArgs& args) {
  auto store = OpenStore(config);
  if (!store.ok()) return Fail(store.error());
  auto keys = LoadOrCreateMasterKey(config);
  if (!keys.ok()) return Fail(keys.error());
  auto dictionary = forms::Dictionary::LoadDirectory(config.elements_dir);
  if (!dictionary.ok()) return Fail(dictionary.error());
  const Clock& clock = SystemClock::Instance();
  base::Service service(**store, *keys, *dictionary, clock);
  imports::Importer importer(service, *dictionary, *keys, clock);
  imports::Source source{args.file, "", args.file, args.sheet};
  auto preview = imports::Inspect(source, *dictionary, 0);
  if (!preview.ok()) return Fail(preview.error());
  imports::Options options;
  options.scope_code = args.scope;
  options.dry_run = args.dry_run;
  options.batch_rows = args.batch;
  options.mapping = preview->suggested;
  for (const auto& m : args.maps) {
    auto eq = m.rfind('=');
    if (eq == std::string::npos) return Fail(MakeError(ErrorCode::kInvalid, "--map expects HEADER=target, got " + m));
    std::string column = m.substr(0, eq), target = m.substr(eq + 1);
    std::size_t index = preview->header.size();
    for (std::size_t i = 0; i < preview->header.size(); ++i)
      if (preview->header[i] == column) index = i;
    if (index == preview->header.size() && !column.empty() &&
        column.find_first_not_of("0123456789") == std::string::npos) {
      index = std::stoul(column) - 1;  // 1-based column number
    }
    if (index >= preview->header.size()) {
      return Fail(MakeError(ErrorCode::kInvalid, "--map: no column '" + column + "' in the header"));
    }
    for (auto& t : options.mapping)
      if (!target.empty() && t == target) t.clear();
    options.mapping[index] = target;
  }
  std::cerr << "mapping:\n";
  for (std::size_t i = 0; i < preview->header.size(); ++i) {
    std::cerr << "  " << (i + 1) << " " << preview->header[i] << " -> "
              << (options.mapping[i].empty() ? "(ignored)" : options.mapping[i]) << "\n";
  }
  auto t0 = std::chrono::steady_clock::now();
  auto job = importer.Start(model::Scope::System(), source, options);
  if (!job.ok()) return Fail(job.error());
  Progress bar(args.dry_run ? "import (dry run)" : "import", job->total_rows);
  auto done = importer.Run(*job, source, options, [&](std::int64_t n, std::int64_t) { bar.Update(n); });
  bar.Finish();
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
  const auto& c = done.counts;
  std::cout << "import " << done.id << (done.dry_run ? " (dry run: nothing written)" : "") << ": "
            << Thousands(done.done_rows) << " of " << Thousands(done.total_rows) << " rows in " << ms << " ms\n"
            << "  created   " << Thousands(c.created) << "\n"
            << "  updated   " << Thousands(c.updated) << " (only empty fields filled)\n"
            << "  unchanged " << Thousands(c.unchanged) << "\n"
            << "  invalid   " << Thousands(c.invalid) << "\n"
            << "  review    " << Thousands(c.review) << " (ambiguous matches and differing values: resolve them on "
            << "the workbench's import page)\n";
  const auto scope = model::Scope::System();
  if (!args.report.empty()) {
    auto all = imports::AllRows(**store, scope, done.id);
    if (!all.ok()) return Fail(all.error());
    std::ofstream out(args.report, std::ios::binary | std::ios::trunc);
    out << tabular::WriteCsv(imports::ResultsTable(*all));
    if (!out) return Fail(MakeError(ErrorCode::kInvalid, "cannot write " + args.report));
    std::cout << "every row's fate: " << args.report << "\n";
  } else {
    for (auto outcome : {store::ImportOutcome::kInvalid, store::ImportOutcome::kReview}) {
      auto page = (*store)->ListImportRows(scope, done.id, outcome, {20, 0});
      if (!page.ok()) return Fail(page.error());
      for (const auto& r : page->items) {
        std::string why = r.detail.count("reason") ? r.detail.at("reason") : "";
        if (r.detail.count("conflicts")) why = "differs: " + r.detail.at("conflicts");
        std::cout << "  row " << r.row_number << ": " << store::ImportOutcomeName(outcome) << " — " << why << "\n";
      }
      if (page->total > 20) {
        std::cout << "  ... " << Thousands(page->total - 20) << " more " << store::ImportOutcomeName(outcome)
                  << " rows (--report FILE.csv lists every row)\n";
      }
    }
  }
  if (done.status == store::ImportStatus::kFailed) {
    return Fail(MakeError(ErrorCode::kInvalid, "import stopped: " + done.error));
  }
  return 0;
}

int GenerateKey(const Config& config) {
  const std::string path = config.EffectiveMasterKeyFile();
  if (auto s = privacy::KeyRing::Generate(path); !s.ok()) return Fail(s.error());
  std::cout << "created master key " << path << " (mode 0600). Keep a copy apart from the backups: "
            << "without it the encrypted ID and phone numbers cannot be read.\n";
  return 0;
}

int CheckDb(const Config& config) {
  // Checks what is there: never creates or migrates a database (an empty new one would pass).
  const std::string url = config.EffectiveDbUrl();
  if (url.starts_with("sqlite://") && !std::filesystem::exists(url.substr(9)))
    return Fail(MakeError(ErrorCode::kNotFound, "no database at " + url.substr(9)));
  auto store = store::Store::Open(url);
  if (!store.ok()) return Fail(store.error());
  auto version = (*store)->SchemaVersion();
  if (!version.ok()) return Fail(version.error());
  if (*version != store::Store::LatestSchemaVersion())
    return Fail(MakeError(ErrorCode::kInternal, "schema version " + std::to_string(*version) + ", this build expects " +
                                                    std::to_string(store::Store::LatestSchemaVersion()) +
                                                    " (run citygrid migrate)"));
  auto st = (*store)->CheckIntegrity();
  if (!st.ok()) return Fail(st.error());
  std::cout << "ok\n";
  return 0;
}

int CheckGrids(const Config& config, double tolerance) {
  auto store = OpenStore(config);
  if (!store.ok()) return Fail(store.error());
  auto& s = **store;
  const auto sys = model::Scope::System();
  std::size_t parents = 0, problems = 0;
  // Every level must tile its parent: districts' children, streets' children, communities' grids.
  for (auto parent_kind : {model::OrgKind::kDistrict, model::OrgKind::kStreet, model::OrgKind::kTown,
                           model::OrgKind::kCommunity, model::OrgKind::kVillage}) {
    auto units = s.ListByKind(sys, parent_kind);
    if (!units.ok()) return Fail(units.error());
    for (const auto& parent : *units) {
      auto children = s.ListChildren(sys, parent.code, true, {1'000'000, 0});
      if (!children.ok()) return Fail(children.error());
      if (children->items.empty()) continue;
      std::vector<std::pair<std::string, geo::MultiPolygon>> parts;
      for (auto& c : children->items) parts.emplace_back(c.code, std::move(c.geometry));
      ++parents;
      for (const auto& p : geo::CheckTiling(parent.geometry, parts, tolerance)) {
        ++problems;
        std::cout << parent.code << " " << parent.name << ": " << p.message << "\n";
      }
    }
  }
  std::cout << "checked " << parents << " parents; " << problems << " problem(s)\n";
  return problems == 0 ? 0 : 1;
}

}  // namespace cg::cli
