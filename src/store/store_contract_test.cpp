// One contract suite, run against every backend: SQLite on a temporary file and PostgreSQL at
// $CITYGRID_TEST_PG_URL (each test in a fresh schema). Without that variable the PostgreSQL
// instances fail with instructions, unless CITYGRID_TEST_SKIP_PG=1.

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <pqxx/pqxx>
#include <sqlite3.h>
#include <random>
#include <thread>

#include "store/internal/common.hpp"
#include "store/internal/migrations.hpp"
#include "store/sqlite/sqlite_store.hpp"
#include "store/contract_fixture.hpp"
#include "store/store.hpp"

namespace cg::store {
namespace {

using namespace contract;  // NOLINT: the fixture and its helpers

TEST_P(StoreContract, BackendNameMatches) {
  EXPECT_EQ(store_->Backend(), GetParam());
}

TEST_P(StoreContract, ServerInfoNamesTheEngineAndLatestVersionIsReached) {
  auto info = store_->ServerInfo();
  ASSERT_OK(info);
  EXPECT_EQ(info->rfind(GetParam() == "sqlite" ? "SQLite 3." : "PostgreSQL 1", 0), 0u) << *info;
  EXPECT_EQ(*store_->SchemaVersion(), Store::LatestSchemaVersion());
}

TEST_P(StoreContract, BackupRefusesAnExistingFileAndLeavesIt) {
  const std::string path = ::testing::TempDir() + "/contract_backup_exists_" + GetParam();
  { std::ofstream(path) << "keep"; }
  EXPECT_CODE(store_->BackupTo(path), ErrorCode::kConflict);
  std::ifstream in(path);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(text, "keep");
  std::remove(path.c_str());
}

TEST_P(StoreContract, MigrateTwiceIsNoOp) {
  int latest = internal::Migrations().back().version;
  ASSERT_EQ(*store_->SchemaVersion(), latest);
  LoadSmallTree();
  ASSERT_OK(store_->Migrate());
  ASSERT_OK(store_->Migrate());
  EXPECT_EQ(*store_->SchemaVersion(), latest);
  auto unit = store_->GetOrgUnit(Scope::System(), "1502");
  ASSERT_OK(unit);
  EXPECT_EQ(unit->name, "包头市");
}

TEST_P(StoreContract, OpenRejectsUnknownScheme) {
  EXPECT_CODE(Store::Open("mysql://localhost/x"), ErrorCode::kInvalid);
  EXPECT_CODE(Store::Open("sqlite://"), ErrorCode::kInvalid);
  EXPECT_CODE(Store::Open("sqlite:///nonexistent-dir/sub/x.db"), ErrorCode::kUnavailable);
  // Both PostgreSQL spellings are recognised; a server that is not there is kUnavailable.
  for (const char* url : {"postgresql://postgres@127.0.0.1:1/none?connect_timeout=2",
                          "postgres://postgres@127.0.0.1:1/none?connect_timeout=2"}) {
    auto r = Store::Open(url);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::kUnavailable);
    EXPECT_NE(r.error().message.find("cannot connect to PostgreSQL"), std::string::npos)
        << r.error().message;
  }
}

TEST_P(StoreContract, OrgUnitRoundTripIncludingGeometry) {
  OrgUnit city = Unit("1502", OrgKind::kCity, "包头市", "");
  geo::Polygon with_hole;
  with_hole.outer = {{109.0, 40.0}, {110.0, 40.0}, {110.0, 41.0}, {109.0, 41.0}, {109.0, 40.0}};
  with_hole.holes.push_back({{109.2, 40.2}, {109.2, 40.4}, {109.4, 40.4}, {109.4, 40.2}, {109.2, 40.2}});
  city.geometry = {with_hole, Square(111.123456789012345, 41.000000000000071, 0.1)[0]};
  city.center = {109.83789012345678, 40.657890123456789};
  city.bbox = {};
  for (const auto& poly : city.geometry) {
    for (const auto& p : poly.outer) city.bbox.Extend(p);
  }
  OrgUnit bare = Unit("150203", OrgKind::kDistrict, "昆都仑区", "1502", /*geometry=*/false);
  ASSERT_OK(store_->UpsertOrgUnits({city, bare}));

  auto got = store_->GetOrgUnit(Scope::System(), "1502");
  ASSERT_OK(got);
  EXPECT_EQ(got->code, city.code);
  EXPECT_EQ(got->kind, OrgKind::kCity);
  EXPECT_EQ(got->parent_code, "");
  EXPECT_EQ(got->name, city.name);
  ASSERT_EQ(got->geometry.size(), 2u);
  EXPECT_EQ(got->geometry[0].outer, with_hole.outer);
  EXPECT_EQ(got->geometry[0].holes, with_hole.holes);
  EXPECT_EQ(got->geometry[1].outer, city.geometry[1].outer);
  EXPECT_EQ(got->center, city.center);  // exact: doubles round-trip bit for bit
  EXPECT_EQ(got->bbox.min_lon, city.bbox.min_lon);
  EXPECT_EQ(got->bbox.max_lat, city.bbox.max_lat);

  auto no_geometry = store_->GetOrgUnit(Scope::System(), "1502", /*with_geometry=*/false);
  ASSERT_OK(no_geometry);
  EXPECT_TRUE(no_geometry->geometry.empty());
  EXPECT_EQ(no_geometry->center, city.center);

  auto district = store_->GetOrgUnit(Scope::System(), "150203");
  ASSERT_OK(district);
  EXPECT_TRUE(district->geometry.empty());
  EXPECT_TRUE(district->bbox.Empty());
  EXPECT_EQ(district->parent_code, "1502");

  // Upsert replaces by code.
  bare.name = "昆区";
  ASSERT_OK(store_->UpsertOrgUnits({bare}));
  EXPECT_EQ(store_->GetOrgUnit(Scope::System(), "150203")->name, "昆区");
  // Within one batch the last entry for a code wins.
  OrgUnit renamed = bare;
  renamed.name = "昆都仑";
  ASSERT_OK(store_->UpsertOrgUnits({bare, renamed}));
  EXPECT_EQ(store_->GetOrgUnit(Scope::System(), "150203")->name, "昆都仑");
  EXPECT_CODE(store_->GetOrgUnit(Scope::System(), "9999"), ErrorCode::kNotFound);
}

TEST_P(StoreContract, UpsertRejectsMissingParentAtomically) {
  std::vector<OrgUnit> units = {Unit("1502", OrgKind::kCity, "包头市", ""),
                                Unit("150299", OrgKind::kDistrict, "孤儿区", "150298")};
  EXPECT_CODE(store_->UpsertOrgUnits(units), ErrorCode::kInvalid);
  // Nothing of the failed batch is visible.
  EXPECT_CODE(store_->GetOrgUnit(Scope::System(), "1502"), ErrorCode::kNotFound);
  EXPECT_CODE(store_->UpsertOrgUnits({Unit("", OrgKind::kCity, "x", "")}), ErrorCode::kInvalid);
}

TEST_P(StoreContract, ChildrenOrderedAndPaged) {
  LoadSmallTree();
  auto all = store_->ListChildren(Scope::System(), "150203010008", /*with_geometry=*/true);
  ASSERT_OK(all);
  EXPECT_EQ(all->total, 5);
  EXPECT_EQ(Codes(all->items),
            (std::vector<std::string>{"150203010008001", "150203010008002", "150203010008003",
                                      "150203010008004", "150203010008005"}));
  EXPECT_FALSE(all->items[0].geometry.empty());

  auto page = store_->ListChildren(Scope::System(), "150203010008", false, Page{2, 1});
  ASSERT_OK(page);
  EXPECT_EQ(page->total, 5);
  EXPECT_EQ(Codes(page->items), (std::vector<std::string>{"150203010008002", "150203010008003"}));
  EXPECT_TRUE(page->items[0].geometry.empty());

  auto past_end = store_->ListChildren(Scope::System(), "150203010008", false, Page{10, 10});
  ASSERT_OK(past_end);
  EXPECT_EQ(past_end->total, 5);
  EXPECT_TRUE(past_end->items.empty());

  auto leaf = store_->ListChildren(Scope::System(), "150203010008001", false);
  ASSERT_OK(leaf);
  EXPECT_EQ(leaf->total, 0);

  EXPECT_CODE(store_->ListChildren(Scope::System(), "150203010007", false), ErrorCode::kNotFound);
  EXPECT_CODE(store_->ListChildren(Scope::System(), "1502", false, Page{-1, 0}), ErrorCode::kInvalid);

  auto counts = store_->CountChildren(Scope::System(), {"1502", "150203010008", "150203010008001", "77"});
  ASSERT_OK(counts);
  EXPECT_EQ(*counts, (std::vector<std::int64_t>{2, 5, 0, 0}));
}

TEST_P(StoreContract, DescendantsOrderedAndPaged) {
  LoadSmallTree();
  auto grids = store_->ListDescendants(Scope::System(), "1502", OrgKind::kGrid, false);
  ASSERT_OK(grids);
  EXPECT_EQ(grids->total, 6);
  EXPECT_EQ(Codes(grids->items),
            (std::vector<std::string>{"150203010008001", "150203010008002", "150203010008003",
                                      "150203010008004", "150203010008005", "150203010009001"}));
  auto page = store_->ListDescendants(Scope::System(), "150203", OrgKind::kGrid, true, Page{2, 4});
  ASSERT_OK(page);
  EXPECT_EQ(page->total, 6);
  EXPECT_EQ(Codes(page->items), (std::vector<std::string>{"150203010008005", "150203010009001"}));
  EXPECT_FALSE(page->items[0].geometry.empty());

  auto communities = store_->ListDescendants(Scope::System(), "150203", OrgKind::kCommunity, false);
  ASSERT_OK(communities);
  EXPECT_EQ(Codes(communities->items), (std::vector<std::string>{"150203010008", "150203010009"}));
  // A unit is not its own descendant.
  auto self = store_->ListDescendants(Scope::System(), "150203", OrgKind::kDistrict, false);
  ASSERT_OK(self);
  EXPECT_EQ(self->total, 0);
  auto none = store_->ListDescendants(Scope::System(), "150204", OrgKind::kGrid, false);
  ASSERT_OK(none);
  EXPECT_EQ(none->total, 0);
  EXPECT_CODE(store_->ListDescendants(Scope::System(), "150205", OrgKind::kGrid, false),
              ErrorCode::kNotFound);

  auto by_kind = store_->ListByKind(Scope::System(), OrgKind::kDistrict);
  ASSERT_OK(by_kind);
  EXPECT_EQ(Codes(*by_kind), (std::vector<std::string>{"150203", "150204"}));
}

TEST_P(StoreContract, AncestorsRootFirst) {
  LoadSmallTree();
  auto grid = "150203010008003";
  auto up = store_->ListAncestors(Scope::Subtree(grid), grid);
  ASSERT_OK(up);
  EXPECT_EQ(Codes(*up), (std::vector<std::string>{"1502", "150203", "150203010", "150203010008"}));
  for (const auto& u : *up) EXPECT_TRUE(u.geometry.empty());
  EXPECT_EQ((*up)[0].name, "包头市");

  auto root = store_->ListAncestors(Scope::System(), "1502");
  ASSERT_OK(root);
  EXPECT_TRUE(root->empty());
  EXPECT_CODE(store_->ListAncestors(Scope::System(), "150203010008999"), ErrorCode::kNotFound);
}

TEST_P(StoreContract, GridScopedCallerSeesOnlyItsGrid) {
  LoadSmallTree();
  const std::string own = "150203010008001";
  Scope scope = Scope::Subtree(own);

  auto mine = store_->GetOrgUnit(scope, own);
  ASSERT_OK(mine);
  EXPECT_EQ(mine->code, own);
  EXPECT_CODE(store_->GetOrgUnit(scope, "150203010008"), ErrorCode::kNotFound);     // community
  EXPECT_CODE(store_->GetOrgUnit(scope, "150203010008002"), ErrorCode::kNotFound);  // sibling
  EXPECT_CODE(store_->GetOrgUnit(scope, "1502"), ErrorCode::kNotFound);             // city
  EXPECT_CODE(store_->GetOrgUnit(scope, "150203010009001"), ErrorCode::kNotFound);
  EXPECT_CODE(store_->ListChildren(scope, "150203010008", false), ErrorCode::kNotFound);
  EXPECT_CODE(store_->ListDescendants(scope, "1502", OrgKind::kGrid, false), ErrorCode::kNotFound);
  EXPECT_CODE(store_->ListAncestors(scope, "150203010008002"), ErrorCode::kNotFound);
  // The same answer as for a unit that does not exist: existence is not revealed.
  EXPECT_EQ(store_->GetOrgUnit(scope, "1502").error().message,
            store_->GetOrgUnit(scope, "150203010008999").error().message);

  auto grids = store_->ListByKind(scope, OrgKind::kGrid);
  ASSERT_OK(grids);
  EXPECT_EQ(Codes(*grids), std::vector<std::string>{own});
  auto counts = store_->CountChildren(scope, {"150203010008", own});
  ASSERT_OK(counts);
  EXPECT_EQ(*counts, (std::vector<std::int64_t>{0, 0}));

  Scope community = Scope::Subtree("150203010008");
  auto community_grids = store_->ListByKind(community, OrgKind::kGrid);
  ASSERT_OK(community_grids);
  EXPECT_EQ(community_grids->size(), 5u);
  auto community_desc = store_->ListDescendants(community, "150203010008", OrgKind::kGrid, false);
  ASSERT_OK(community_desc);
  EXPECT_EQ(community_desc->total, 5);
  EXPECT_CODE(store_->ListChildren(community, "150203010", false), ErrorCode::kNotFound);
}

TEST_P(StoreContract, SqlMetacharactersAndLikeWildcardsAreHarmless) {
  LoadSmallTree();
  const std::vector<std::string> odd = {"1502%", "1502_", "1502'", "1502\\", "1502中", "1502\"; --"};
  std::vector<OrgUnit> units;
  for (const auto& code : odd) units.push_back(Unit(code, OrgKind::kDistrict, "名'称%_\\" + code, "1502"));
  units.push_back(Unit("1502%1", OrgKind::kGrid, "g%", "1502%"));
  units.push_back(Unit("1502_1", OrgKind::kGrid, "g_", "1502_"));
  units.push_back(Unit("1502\\1", OrgKind::kGrid, "g\\", "1502\\"));
  units.push_back(Unit("1502中1", OrgKind::kGrid, "g中", "1502中"));
  ASSERT_OK(store_->UpsertOrgUnits(units));

  for (const auto& code : odd) {
    auto got = store_->GetOrgUnit(Scope::System(), code);
    ASSERT_OK(got);
    EXPECT_EQ(got->name, "名'称%_\\" + code);
  }
  EXPECT_CODE(store_->GetOrgUnit(Scope::System(), "1502' OR '1'='1"), ErrorCode::kNotFound);
  EXPECT_CODE(store_->GetOrgUnit(Scope::System(), "%"), ErrorCode::kNotFound);
  EXPECT_CODE(store_->GetOrgUnit(Scope::System(), "1502__"), ErrorCode::kNotFound);

  // A scope whose code contains a wildcard matches only its literal prefix.
  for (const std::string& root : {std::string("1502%"), std::string("1502_"), std::string("1502\\"),
                                  std::string("1502中")}) {
    auto grids = store_->ListByKind(Scope::Subtree(root), OrgKind::kGrid);
    ASSERT_OK(grids);
    EXPECT_EQ(Codes(*grids), std::vector<std::string>{root + "1"}) << root;
    auto desc = store_->ListDescendants(Scope::Subtree(root), root, OrgKind::kGrid, false);
    ASSERT_OK(desc);
    EXPECT_EQ(desc->total, 1) << root;
    EXPECT_CODE(store_->GetOrgUnit(Scope::Subtree(root), "150203"), ErrorCode::kNotFound);
  }
  auto prefix_scope = store_->ListByKind(Scope::Subtree("150"), OrgKind::kGrid);
  ASSERT_OK(prefix_scope);
  EXPECT_EQ(prefix_scope->size(), 10u);
  auto empty_scope = store_->ListByKind(Scope::Subtree("%"), OrgKind::kGrid);
  ASSERT_OK(empty_scope);
  EXPECT_TRUE(empty_scope->empty());

  const std::vector<std::string> names = {"o'brien", "100%", "1000", "a_b", "axb", "back\\slash",
                                          "x'; DROP TABLE users; --", "张三"};
  for (const auto& n : names) ASSERT_OK(store_->CreateUser(MakeUser(n)));
  for (const auto& n : names) {
    auto u = store_->FindUserByUsername(n);
    ASSERT_OK(u);
    EXPECT_EQ(u->username, n);
  }
  EXPECT_CODE(store_->FindUserByUsername("a%"), ErrorCode::kNotFound);
  EXPECT_CODE(store_->FindUserByUsername("a_"), ErrorCode::kNotFound);
  EXPECT_CODE(store_->FindUserByUsername("%"), ErrorCode::kNotFound);
  EXPECT_CODE(store_->FindUserByUsername("' OR ''='"), ErrorCode::kNotFound);
  EXPECT_CODE(store_->CreateUser(MakeUser("o'brien")), ErrorCode::kConflict);
  ASSERT_OK(store_->CheckIntegrity());
}

TEST_P(StoreContract, Users) {
  auto created = store_->CreateUser(MakeUser("wang.wei"));
  ASSERT_OK(created);
  EXPECT_GT(created->id, 0);
  model::User second = MakeUser("li.na");
  second.role = model::Role::kAdmin;
  second.disabled = true;
  auto created2 = store_->CreateUser(second);
  ASSERT_OK(created2);
  EXPECT_NE(created2->id, created->id);

  auto got = store_->GetUser(created->id);
  ASSERT_OK(got);
  EXPECT_EQ(got->username, "wang.wei");
  EXPECT_EQ(got->display_name, "Test wang.wei");
  EXPECT_EQ(got->role, model::Role::kGridWorker);
  EXPECT_EQ(got->scope_code, "150203010008001");
  EXPECT_EQ(got->password_hash, MakeUser("x").password_hash);
  EXPECT_FALSE(got->disabled);
  EXPECT_EQ(got->created_at, 1'767'225'600'000);

  auto li = store_->FindUserByUsername("li.na");
  ASSERT_OK(li);
  EXPECT_EQ(li->id, created2->id);
  EXPECT_EQ(li->role, model::Role::kAdmin);
  EXPECT_TRUE(li->disabled);

  EXPECT_CODE(store_->CreateUser(MakeUser("wang.wei")), ErrorCode::kConflict);
  EXPECT_CODE(store_->CreateUser(MakeUser("")), ErrorCode::kInvalid);
  EXPECT_CODE(store_->GetUser(987654), ErrorCode::kNotFound);
  EXPECT_CODE(store_->FindUserByUsername("WANG.WEI"), ErrorCode::kNotFound);

  ASSERT_OK(store_->SetUserPassword(created->id, "new-hash"));
  EXPECT_EQ(store_->GetUser(created->id)->password_hash, "new-hash");
  EXPECT_CODE(store_->SetUserPassword(987654, "x"), ErrorCode::kNotFound);
}

TEST_P(StoreContract, Sessions) {
  auto user = store_->CreateUser(MakeUser("wang.wei"));
  ASSERT_OK(user);
  Session s{"a1b2c3", user->id, "csrf-1", 1000, 1000};
  ASSERT_OK(store_->CreateSession(s));
  EXPECT_CODE(store_->CreateSession(s), ErrorCode::kConflict);
  EXPECT_CODE(store_->CreateSession(Session{"zz", 987654, "c", 1, 1}), ErrorCode::kInvalid);

  auto got = store_->GetSession("a1b2c3");
  ASSERT_OK(got);
  EXPECT_EQ(got->user_id, user->id);
  EXPECT_EQ(got->csrf_token, "csrf-1");
  EXPECT_EQ(got->created_at, 1000);
  EXPECT_EQ(got->last_seen_at, 1000);

  ASSERT_OK(store_->TouchSession("a1b2c3", 5000));
  EXPECT_EQ(store_->GetSession("a1b2c3")->last_seen_at, 5000);
  ASSERT_OK(store_->TouchSession("a1b2c3", 4000));  // never moves backwards
  EXPECT_EQ(store_->GetSession("a1b2c3")->last_seen_at, 5000);
  EXPECT_CODE(store_->TouchSession("nope", 5000), ErrorCode::kNotFound);

  ASSERT_OK(store_->DeleteSession("a1b2c3"));
  EXPECT_CODE(store_->GetSession("a1b2c3"), ErrorCode::kNotFound);
  ASSERT_OK(store_->DeleteSession("a1b2c3"));  // idempotent

  // Expiry: idle since before 10'000 or created before 2'000.
  ASSERT_OK(store_->CreateSession(Session{"idle", user->id, "c", 5000, 9000}));
  ASSERT_OK(store_->CreateSession(Session{"old", user->id, "c", 1000, 20000}));
  ASSERT_OK(store_->CreateSession(Session{"fresh", user->id, "c", 5000, 15000}));
  auto removed = store_->DeleteExpiredSessions(10'000, 2'000);
  ASSERT_OK(removed);
  EXPECT_EQ(*removed, 2);
  EXPECT_CODE(store_->GetSession("idle"), ErrorCode::kNotFound);
  EXPECT_CODE(store_->GetSession("old"), ErrorCode::kNotFound);
  ASSERT_OK(store_->GetSession("fresh"));
}

TEST_P(StoreContract, CheckIntegrity) {
  LoadSmallTree();
  ASSERT_OK(store_->CreateUser(MakeUser("u")));
  ASSERT_OK(store_->CheckIntegrity());
}

TEST_P(StoreContract, DurabilityPragmasAreSet) {
  if (GetParam() != "sqlite") GTEST_SKIP() << "SQLite only";
  auto pragmas = sqlite::InspectPragmas(*store_);
  ASSERT_OK(pragmas);
  for (const auto& p : {pragmas->first, pragmas->second}) {
    EXPECT_EQ(p.journal_mode, "wal");
    EXPECT_EQ(p.synchronous, 2);  // FULL
    EXPECT_EQ(p.foreign_keys, 1);
    EXPECT_GE(p.busy_timeout, 1000);
  }
}

TEST_P(StoreContract, ValueSurvivesReopen) {
  LoadSmallTree();
  auto user = store_->CreateUser(MakeUser("persist"));
  ASSERT_OK(user);
  store_.reset();
  auto reopened = Store::Open(url_);
  ASSERT_OK(reopened);
  store_ = std::move(reopened).value();
  ASSERT_OK(store_->Migrate());
  EXPECT_EQ(store_->GetOrgUnit(Scope::System(), "150203010008003")->name, "网格003");
  EXPECT_EQ(store_->FindUserByUsername("persist")->id, user->id);
}

TEST_P(StoreContract, AcknowledgedWriteSurvivesKill9) {
  // A child process writes, gets the acknowledgement, and is killed with SIGKILL at once.
  pid_t child = fork();
  ASSERT_NE(child, -1);
  if (child == 0) {
    auto s = Store::Open(url_);
    if (!s.ok()) _exit(3);
    if (!(*s)->CreateUser(MakeUser("survivor")).ok()) _exit(4);
    raise(SIGKILL);
    _exit(5);
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << "child status " << status;
  store_.reset();
  auto reopened = Store::Open(url_);
  ASSERT_OK(reopened);
  store_ = std::move(reopened).value();
  ASSERT_OK(store_->FindUserByUsername("survivor"));
  ASSERT_OK(store_->CheckIntegrity());
}

TEST_P(StoreContract, ConcurrentReadersAndWriters) {
  LoadSmallTree();
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 6; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 40; ++i) {
        if (t % 2 == 0) {
          if (!store_->CreateUser(MakeUser("t" + std::to_string(t) + "_" + std::to_string(i))).ok()) ++failures;
        } else {
          auto r = store_->ListDescendants(Scope::Subtree("150203"), "150203", OrgKind::kGrid, true);
          if (!r.ok() || r->total != 6) ++failures;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  for (int t = 0; t < 6; t += 2) ASSERT_OK(store_->FindUserByUsername("t" + std::to_string(t) + "_39"));
}

// ~11k grids + ~900 other units with 64-vertex boundaries, like the full demo city.
TEST_P(StoreContract, BulkLoadIsFast) {
  std::vector<OrgUnit> units;
  units.push_back(Unit("1502", OrgKind::kCity, "包头市", ""));
  int grids = 0;
  for (int d = 1; d <= 9; ++d) {
    std::string district = "1502" + std::string(d < 10 ? "0" : "") + std::to_string(d);
    units.push_back(Unit(district, OrgKind::kDistrict, "区" + district, "1502"));
    for (int s = 1; s <= 10; ++s) {
      char street[16];
      std::snprintf(street, sizeof street, "%s%03d", district.c_str(), s);
      units.push_back(Unit(street, OrgKind::kStreet, "街道", district));
      for (int c = 1; c <= 9; ++c) {
        char community[16];
        std::snprintf(community, sizeof community, "%s%03d", street, c);
        units.push_back(Unit(community, OrgKind::kCommunity, "社区", street));
        for (int g = 1; g <= 14 && grids < 11'000; ++g, ++grids) {
          char grid[24];
          std::snprintf(grid, sizeof grid, "%s%03d", community, g);
          OrgUnit u = Unit(grid, OrgKind::kGrid, "网格", community, false);
          u.geometry = Square(109.0 + g * 0.01, 40.0 + c * 0.01, 0.01, 16);
          for (const auto& p : u.geometry[0].outer) u.bbox.Extend(p);
          u.center = {109.0 + g * 0.01 + 0.005, 40.0 + c * 0.01 + 0.005};
          units.push_back(std::move(u));
        }
      }
    }
  }
  auto start = std::chrono::steady_clock::now();
  ASSERT_OK(store_->UpsertOrgUnits(units));
  double load_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  start = std::chrono::steady_clock::now();
  auto all = store_->ListByKind(Scope::System(), OrgKind::kGrid);
  double read_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ASSERT_OK(all);
  EXPECT_EQ(all->size(), static_cast<size_t>(grids));
  std::cout << "[ " << GetParam() << " ] upserted " << units.size() << " units (" << grids
            << " grids, 64-vertex rings) in " << load_s << " s; ListByKind(grid) in " << read_s
            << " s\n";
  RecordProperty("load_seconds", std::to_string(load_s));
  EXPECT_LT(load_s, 20.0);
}

// --- Base data, change log, audit log ----------------------------------------------------------

TEST_P(StoreContract, BaseRecordCreateGetUpdateHistory) {
  LoadSmallTree();
  const auto grid = Scope::Subtree("150203010008001");
  auto created = store_->CreateRecord(grid, FakePerson("150203010008001", "张三", "1234"), Ctx(100), FakeSeal());
  ASSERT_OK(created);
  EXPECT_EQ(created->version, 1);
  auto got = store_->GetRecord(grid, model::BaseEntity::kPerson, created->id);
  ASSERT_OK(got);
  EXPECT_EQ(got->fields.at("name"), "张三");
  EXPECT_EQ(got->id_number->cipher, "cipher-of-" + std::to_string(created->id));
  EXPECT_EQ(got->id_number->index, "index-1234");
  // Another grid sees nothing.
  EXPECT_CODE(store_->GetRecord(Scope::Subtree("150203010008002"), model::BaseEntity::kPerson, created->id),
              ErrorCode::kNotFound);
  EXPECT_CODE(store_->History(Scope::Subtree("150203010008002"), model::BaseEntity::kPerson, created->id),
              ErrorCode::kNotFound);

  BaseRecord change = *got;
  change.fields["name"] = "张三丰";
  change.fields["person.veteran"] = "true";
  auto updated = store_->UpdateRecord(grid, change, Ctx(200));
  ASSERT_OK(updated);
  EXPECT_EQ(updated->version, 2);
  // Stale version.
  change.fields["name"] = "李四";
  EXPECT_CODE(store_->UpdateRecord(grid, change, Ctx(300)), ErrorCode::kConflict);

  auto history = store_->History(grid, model::BaseEntity::kPerson, created->id);
  ASSERT_OK(history);
  std::vector<std::string> seen;
  std::int64_t last_seq = 0;
  for (const auto& c : *history) {
    EXPECT_GT(c.seq, last_seq);
    last_seq = c.seq;
    seen.push_back(c.field + ":" + c.old_value.value_or("-") + ">" + c.new_value.value_or("-"));
    EXPECT_EQ(c.actor_user_id, 7);
    EXPECT_EQ(c.source, "api");
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"ethnicity:->01", "grid_code:->150203010008001", "name:->张三",
                                             "id_number:->150203********1234", "name:张三>张三丰",
                                             "person.veteran:->true"}));
}

TEST_P(StoreContract, FailedBaseWriteLeavesNeitherRowNorLog) {
  LoadSmallTree();
  const auto sys = Scope::System();
  ASSERT_OK(store_->CreateRecord(sys, FakePerson("150203010008001", "甲", "1111"), Ctx(1), FakeSeal()));
  auto before = store_->ChangesSince(sys, 0, 1000);
  ASSERT_OK(before);
  // Same ID number (blind index): conflict, nothing written.
  EXPECT_CODE(store_->CreateRecord(sys, FakePerson("150203010008002", "乙", "1111"), Ctx(2), FakeSeal()),
              ErrorCode::kConflict);
  // A sealer that fails after the insert: rolled back too.
  EXPECT_CODE(store_->CreateRecord(sys, FakePerson("150203010008002", "丙", "2222"), Ctx(3),
                                   [](BaseRecord&) { return Status(MakeError(ErrorCode::kInternal, "boom")); }),
              ErrorCode::kInternal);
  // Unknown grid and grid outside scope.
  EXPECT_CODE(store_->CreateRecord(sys, FakePerson("150203010008099", "丁", "3333"), Ctx(4), FakeSeal()),
              ErrorCode::kInvalid);
  EXPECT_CODE(store_->CreateRecord(Scope::Subtree("150203010009"), FakePerson("150203010008002", "戊", "4444"),
                                   Ctx(5), FakeSeal()),
              ErrorCode::kNotFound);
  auto after = store_->ChangesSince(sys, 0, 1000);
  ASSERT_OK(after);
  EXPECT_EQ(after->size(), before->size());
  RecordQuery q;
  auto all = store_->ListRecords(sys, q, {});
  ASSERT_OK(all);
  EXPECT_EQ(all->total, 1);
}

TEST_P(StoreContract, CreateRecordsWritesABatchWithPerRowConflicts) {
  LoadSmallTree();
  const auto sys = Scope::System();
  const auto community = Scope::Subtree("150203010008");
  ASSERT_OK(store_->CreateRecord(sys, FakePerson("150203010008001", "甲", "1111"), Ctx(1), FakeSeal()));
  std::vector<BaseRecord> batch;
  for (int i = 0; i < 1200; ++i) {  // more than one IN chunk and one multi-row INSERT
    batch.push_back(FakePerson(i % 2 ? "150203010008001" : "150203010008002", "人" + std::to_string(i),
                               std::to_string(5000 + i)));
  }
  batch[3] = FakePerson("150203010008002", "重复库", "1111");       // stored already
  batch[7] = FakePerson("150203010008001", "重复批", "5005");       // repeats row 5 of the batch
  batch[9] = FakePerson("150203010008099", "无网格", "9999");       // no such grid
  batch[11] = FakePerson("150203010009001", "域外", "9998");        // outside the caller's scope
  auto out = store_->CreateRecords(community, batch, Ctx(50), FakeSeal());
  ASSERT_OK(out);
  ASSERT_EQ(out->size(), batch.size());
  EXPECT_CODE((*out)[3], ErrorCode::kConflict);
  EXPECT_CODE((*out)[7], ErrorCode::kConflict);
  EXPECT_CODE((*out)[9], ErrorCode::kInvalid);
  EXPECT_CODE((*out)[11], ErrorCode::kNotFound);
  std::set<std::int64_t> ids;
  std::size_t written = 0;
  for (std::size_t i = 0; i < out->size(); ++i) {
    if (!(*out)[i].ok()) continue;
    ++written;
    const auto& r = *(*out)[i];
    EXPECT_EQ(r.version, 1);
    EXPECT_TRUE(ids.insert(r.id).second);
    auto got = store_->GetRecord(community, model::BaseEntity::kPerson, r.id);
    ASSERT_OK(got);
    EXPECT_EQ(got->fields.at("name"), "人" + std::to_string(i));
    EXPECT_EQ(got->id_number->cipher, "cipher-of-" + std::to_string(r.id));  // sealed with its own id
  }
  EXPECT_EQ(written, batch.size() - 4);
  // Found again through the blind index; the change log has each record's fields.
  RecordQuery q;
  q.id_number_index = "index-5101";
  auto found = store_->ListRecords(sys, q, {});
  ASSERT_OK(found);
  ASSERT_EQ(found->total, 1);
  auto history = store_->History(sys, model::BaseEntity::kPerson, found->items[0].id);
  ASSERT_OK(history);
  std::vector<std::string> seen;
  for (const auto& c : *history) seen.push_back(c.field + ">" + c.new_value.value_or("-") + "@" + c.source);
  EXPECT_EQ(seen, (std::vector<std::string>{"ethnicity>01@api", "grid_code>150203010008001@api", "name>人101@api",
                                             "id_number>150203********5101@api"}));
  // Ids keep increasing after a batch, through the single-record path too.
  auto next = store_->CreateRecord(sys, FakePerson("150203010008001", "后", "7777"), Ctx(60), FakeSeal());
  ASSERT_OK(next);
  EXPECT_GT(next->id, *ids.rbegin());
  // ExistingIds answers inside the scope only.
  auto existing = store_->ExistingIds(Scope::Subtree("150203010008001"), model::BaseEntity::kPerson,
                                      {found->items[0].id, (*out)[0]->id, 999999});
  ASSERT_OK(existing);
  EXPECT_EQ(*existing, (std::set<std::int64_t>{found->items[0].id}));
}

TEST_P(StoreContract, CreateRecordsFailingSealerWritesNothing) {
  LoadSmallTree();
  const auto sys = Scope::System();
  std::vector<BaseRecord> batch = {FakePerson("150203010008001", "甲", "1111"),
                                   FakePerson("150203010008001", "乙", "2222")};
  EXPECT_CODE(store_->CreateRecords(sys, batch, Ctx(1),
                                    [](BaseRecord& r) {
                                      if (r.fields.at("name") == "乙") return Status(MakeError(ErrorCode::kInternal, "boom"));
                                      return Status();
                                    }),
              ErrorCode::kInternal);
  auto changes = store_->ChangesSince(sys, 0, 1000);
  ASSERT_OK(changes);
  EXPECT_TRUE(changes->empty());
  // Mixed entities are refused.
  BaseRecord address;
  address.entity = model::BaseEntity::kAddress;
  address.grid_code = "150203010008001";
  batch.push_back(address);
  EXPECT_CODE(store_->CreateRecords(sys, batch, Ctx(2), FakeSeal()), ErrorCode::kInvalid);
  auto empty = store_->CreateRecords(sys, {}, Ctx(3), FakeSeal());
  ASSERT_OK(empty);
  EXPECT_TRUE(empty->empty());
}

TEST_P(StoreContract, ChangesSincePagesInScope) {
  LoadSmallTree();
  const auto sys = Scope::System();
  for (int i = 0; i < 5; ++i) {
    std::string grid = i % 2 ? "150203010008002" : "150203010008001";
    ASSERT_OK(store_->CreateRecord(sys, FakePerson(grid, "人" + std::to_string(i), std::to_string(1000 + i)),
                                   Ctx(i), FakeSeal()));
  }
  std::vector<Change> all;
  std::int64_t since = 0;
  for (int guard = 0; guard < 100; ++guard) {
    auto page = store_->ChangesSince(sys, since, 4);
    ASSERT_OK(page);
    if (page->empty()) break;
    EXPECT_LE(page->size(), 4u);
    for (const auto& c : *page) {
      EXPECT_GT(c.seq, since);
      since = c.seq;
      all.push_back(c);
    }
  }
  EXPECT_EQ(all.size(), 5u * 4);  // grid_code, name, ethnicity, id_number per person
  auto mine = store_->ChangesSince(Scope::Subtree("150203010008002"), 0, 1000);
  ASSERT_OK(mine);
  EXPECT_EQ(mine->size(), 2u * 4);
  for (const auto& c : *mine) EXPECT_EQ(c.grid_code, "150203010008002");
  // Search by tail, by index, by name part; scope applies.
  RecordQuery q;
  q.id_number_tail = "tail-1";
  auto by_tail = store_->ListRecords(Scope::Subtree("150203010008002"), q, {});
  ASSERT_OK(by_tail);
  EXPECT_EQ(by_tail->total, 2);
  RecordQuery n;
  n.name_contains = "人3";
  auto by_name = store_->ListRecords(sys, n, {});
  ASSERT_OK(by_name);
  ASSERT_EQ(by_name->items.size(), 1u);
  RecordQuery g;
  g.grid_prefix = "150203010008002";
  EXPECT_CODE(store_->ListRecords(Scope::Subtree("150203010008001"), g, {}), ErrorCode::kNotFound);
  // Deletion is logged.
  auto victim = by_name->items[0];
  EXPECT_CODE(store_->DeleteRecord(sys, model::BaseEntity::kPerson, victim.id, 9, Ctx(9)), ErrorCode::kConflict);
  ASSERT_OK(store_->DeleteRecord(sys, model::BaseEntity::kPerson, victim.id, 1, Ctx(9)));
  auto tail = store_->ChangesSince(sys, since, 10);
  ASSERT_OK(tail);
  ASSERT_EQ(tail->size(), 1u);
  EXPECT_EQ(tail->at(0).field, "*");
  EXPECT_FALSE(tail->at(0).new_value.has_value());
}

BaseRecord FakeHousehold(const std::string& grid) {
  BaseRecord r;
  r.entity = model::BaseEntity::kHousehold;
  r.grid_code = grid;
  r.fields = {{"grid_code", grid}};
  return r;
}

TEST_P(StoreContract, VisitsAreScopedLoggedAndIdempotent) {
  LoadSmallTree();
  const auto g1 = Scope::Subtree("150203010008001");
  const auto g2 = Scope::Subtree("150203010008002");
  auto h1 = store_->CreateRecord(g1, FakeHousehold("150203010008001"), Ctx(10), nullptr);
  ASSERT_OK(h1);
  auto h2 = store_->CreateRecord(g2, FakeHousehold("150203010008002"), Ctx(11), nullptr);
  ASSERT_OK(h2);
  Visit v;
  v.household_id = h1->id;
  v.visitor_user_id = 7;
  v.visited_at = 5000;
  v.checklist = {{"residents_present", "yes"}, {"safety", "ok\nline two"}};
  v.notes = "独居老人，身体良好";
  v.changed_records = {"person:3", "household:" + std::to_string(h1->id)};
  WriteContext ctx = Ctx(6000);
  ctx.idempotency_key = "visit-uuid-1";
  ctx.request_hash = "h1";
  // A household outside the caller's grid is not found; nothing is written.
  Visit foreign = v;
  foreign.household_id = h2->id;
  EXPECT_CODE(store_->CreateVisit(g1, foreign, Ctx(6000)), ErrorCode::kNotFound);
  auto created = store_->CreateVisit(g1, v, ctx);
  ASSERT_OK(created);
  EXPECT_GT(created->id, 0);
  EXPECT_EQ(created->grid_code, "150203010008001");
  EXPECT_GT(created->change_seq, 0);
  // The replay returns the first visit and writes nothing more.
  auto before = store_->ChangesSince(Scope::System(), 0, 1000);
  ASSERT_OK(before);
  auto replay = store_->CreateVisit(g1, v, ctx);
  ASSERT_OK(replay);
  EXPECT_EQ(replay->id, created->id);
  auto after = store_->ChangesSince(Scope::System(), 0, 1000);
  ASSERT_OK(after);
  EXPECT_EQ(after->size(), before->size());
  // The same key with another request is a conflict.
  WriteContext other = ctx;
  other.request_hash = "h2";
  EXPECT_CODE(store_->CreateVisit(g1, v, other), ErrorCode::kConflict);
  // Another user may use the same key.
  WriteContext someone = ctx;
  someone.actor_user_id = 8;
  auto second = store_->CreateVisit(g1, v, someone);
  ASSERT_OK(second);
  EXPECT_NE(second->id, created->id);
  // The change log announces the visit on the household, in its grid.
  const Change& logged = after->back();
  EXPECT_EQ(logged.seq, created->change_seq);
  EXPECT_EQ(logged.entity, model::BaseEntity::kHousehold);
  EXPECT_EQ(logged.entity_id, h1->id);
  EXPECT_EQ(logged.field, "visit");
  EXPECT_EQ(logged.new_value.value_or(""), std::to_string(created->id));
  EXPECT_EQ(logged.grid_code, "150203010008001");

  VisitQuery q;
  q.household_id = h1->id;
  auto mine = store_->ListVisits(g1, q, {});
  ASSERT_OK(mine);
  ASSERT_EQ(mine->total, 2);
  const Visit& got = mine->items.back();
  EXPECT_EQ(got.id, created->id);
  EXPECT_EQ(got.checklist, v.checklist);
  EXPECT_EQ(got.notes, v.notes);
  EXPECT_EQ(got.changed_records, v.changed_records);
  EXPECT_EQ(got.visited_at, 5000);
  EXPECT_EQ(got.visitor_user_id, 7);
  auto theirs = store_->ListVisits(g2, q, {});
  ASSERT_OK(theirs);
  EXPECT_EQ(theirs->total, 0);
  VisitQuery outside;
  outside.grid_prefix = "150203010008001";
  EXPECT_CODE(store_->ListVisits(g2, outside, {}), ErrorCode::kNotFound);
  VisitQuery window;
  window.from = 5001;
  auto none = store_->ListVisits(Scope::System(), window, {});
  ASSERT_OK(none);
  EXPECT_EQ(none->total, 0);
}

TEST_P(StoreContract, RecordCreationIsIdempotentPerActorAndKey) {
  LoadSmallTree();
  const auto g1 = Scope::Subtree("150203010008001");
  WriteContext ctx = Ctx(10);
  ctx.idempotency_key = "k-1";
  ctx.request_hash = "same";
  auto first = store_->CreateRecord(g1, FakePerson("150203010008001", "王五", "5555"), ctx, FakeSeal());
  ASSERT_OK(first);
  auto replay = store_->CreateRecord(g1, FakePerson("150203010008001", "王五", "5555"), ctx, FakeSeal());
  ASSERT_OK(replay);
  EXPECT_EQ(replay->id, first->id);
  RecordQuery q;
  auto all = store_->ListRecords(Scope::System(), q, {});
  ASSERT_OK(all);
  EXPECT_EQ(all->total, 1);
  // The key named a person: reusing it for a household is a conflict.
  EXPECT_CODE(store_->CreateRecord(g1, FakeHousehold("150203010008001"), ctx, nullptr), ErrorCode::kConflict);
}

TEST_P(StoreContract, ScanRecordsKeysetPagesInScopeAndLastChangeSeq) {
  LoadSmallTree();
  const auto sys = Scope::System();
  auto empty = store_->LastChangeSeq();
  ASSERT_OK(empty);
  EXPECT_EQ(*empty, 0);
  std::vector<std::int64_t> ids;
  for (int i = 0; i < 7; ++i) {
    std::string grid = i % 3 == 0 ? "150203010009001" : "150203010008001";
    auto r = store_->CreateRecord(sys, FakePerson(grid, "扫" + std::to_string(i), std::to_string(2000 + i)), Ctx(i),
                                  FakeSeal());
    ASSERT_OK(r);
    ids.push_back(r->id);
  }
  auto all_changes = store_->ChangesSince(sys, 0, 1000);
  ASSERT_OK(all_changes);
  auto last = store_->LastChangeSeq();
  ASSERT_OK(last);
  EXPECT_EQ(*last, all_changes->back().seq);
  // Pages of 3, keyed by the last id: every record once, in id order, sealed values included.
  std::vector<std::int64_t> seen;
  std::int64_t after = 0;
  for (int guard = 0; guard < 10; ++guard) {
    auto page = store_->ScanRecords(sys, model::BaseEntity::kPerson, after, 3);
    ASSERT_OK(page);
    if (page->empty()) break;
    for (const auto& r : *page) {
      seen.push_back(r.id);
      EXPECT_EQ(r.id_number->cipher, "cipher-of-" + std::to_string(r.id));
      EXPECT_EQ(r.fields.at("name").substr(0, 3), "扫");
    }
    after = page->back().id;
  }
  EXPECT_EQ(seen, ids);
  // In scope only.
  auto community = store_->ScanRecords(Scope::Subtree("150203010009"), model::BaseEntity::kPerson, 0, 100);
  ASSERT_OK(community);
  EXPECT_EQ(community->size(), 3u);
  for (const auto& r : *community) EXPECT_EQ(r.grid_code, "150203010009001");
  // Other families are separate; bad arguments are refused.
  auto households = store_->ScanRecords(sys, model::BaseEntity::kHousehold, 0, 100);
  ASSERT_OK(households);
  EXPECT_TRUE(households->empty());
  EXPECT_CODE(store_->ScanRecords(sys, model::BaseEntity::kPerson, -1, 10), ErrorCode::kInvalid);
  EXPECT_CODE(store_->ScanRecords(sys, model::BaseEntity::kPerson, 0, 0), ErrorCode::kInvalid);
  EXPECT_CODE(store_->ScanRecords(sys, model::BaseEntity::kPerson, 0, 100001), ErrorCode::kInvalid);
}

TEST_P(StoreContract, ReportTemplatesInsertListDelete) {
  auto empty = store_->ListReportTemplates();
  ASSERT_OK(empty);
  EXPECT_TRUE(empty->empty());
  ASSERT_OK(store_->InsertReportTemplate({"b.two", "code = \"b.two\"\n'; DROP TABLE x; --", 3, 20}));
  ASSERT_OK(store_->InsertReportTemplate({"a.one", "中文", 2, 10}));
  EXPECT_CODE(store_->InsertReportTemplate({"a.one", "again", 2, 11}), ErrorCode::kConflict);
  auto all = store_->ListReportTemplates();
  ASSERT_OK(all);
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ(all->at(0).code, "a.one");
  EXPECT_EQ(all->at(0).body, "中文");
  EXPECT_EQ(all->at(0).created_by, 2);
  EXPECT_EQ(all->at(0).created_at, 10);
  EXPECT_EQ(all->at(1).body, "code = \"b.two\"\n'; DROP TABLE x; --");
  ASSERT_OK(store_->DeleteReportTemplate("a.one"));
  EXPECT_CODE(store_->DeleteReportTemplate("a.one"), ErrorCode::kNotFound);
  EXPECT_EQ(store_->ListReportTemplates()->size(), 1u);
}

TEST_P(StoreContract, AuditChainVerifiesAndDetectsTampering) {
  ASSERT_OK(store_->VerifyAuditChain());
  for (int i = 0; i < 3; ++i) {
    AuditEntry e;
    e.at = 1000 + i;
    e.actor_user_id = 1;
    e.action = "unmask";
    e.entity = "person";
    e.entity_id = 10 + i;
    e.field = "id_number";
    e.reason = "核实身份 " + std::to_string(i);
    auto r = store_->AppendAudit(e);
    ASSERT_OK(r);
    EXPECT_EQ(r->seq, i + 1);
    EXPECT_EQ(r->hash.size(), 64u);
  }
  ASSERT_OK(store_->VerifyAuditChain());
  auto listed = store_->ListAudit(0, 10);
  ASSERT_OK(listed);
  ASSERT_EQ(listed->size(), 3u);
  EXPECT_EQ(listed->at(1).prev_hash, listed->at(0).hash);
  // Tamper: the append-only trigger refuses; with it dropped, the chain check notices.
  if (GetParam() == "sqlite") {
    std::string path = url_.substr(std::string("sqlite://").size());
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
    EXPECT_NE(sqlite3_exec(db, "UPDATE audit_log SET reason = 'x' WHERE seq = 2", nullptr, nullptr, nullptr), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db, "DROP TRIGGER audit_log_no_update; UPDATE audit_log SET reason = 'curiosity' WHERE seq = 2",
                           nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(db);
  } else {
    pqxx::connection c(url_);
    {
      pqxx::work w(c);
      EXPECT_THROW(w.exec("UPDATE audit_log SET reason = 'x' WHERE seq = 2"), pqxx::sql_error);
    }
    pqxx::work w(c);
    w.exec("DROP TRIGGER audit_log_no_change ON audit_log");
    w.exec("UPDATE audit_log SET reason = 'curiosity' WHERE seq = 2");
    w.commit();
  }
  auto verdict = store_->VerifyAuditChain();
  ASSERT_FALSE(verdict.ok());
  EXPECT_NE(verdict.error().message.find("seq 2"), std::string::npos) << verdict.error().message;
}

// --- Imports (store/import_store.hpp) ------------------------------------------------------------

TEST_P(StoreContract, PersonsFoundByIdIndexAndNameOnlyInsideScope) {
  LoadSmallTree();
  const auto sys = Scope::System();
  ASSERT_OK(store_->CreateRecord(sys, FakePerson("150203010008001", "张三", "1111"), Ctx(1), FakeSeal()));
  ASSERT_OK(store_->CreateRecord(sys, FakePerson("150203010008002", "张三", "2222"), Ctx(2), FakeSeal()));
  ASSERT_OK(store_->CreateRecord(sys, FakePerson("150203010008002", "张三丰", "3333"), Ctx(3), FakeSeal()));
  const auto g1 = Scope::Subtree("150203010008001");
  auto by_id = store_->FindPersonsByIdIndex(g1, {"index-1111", "index-2222", "index-9999"});
  ASSERT_OK(by_id);
  ASSERT_EQ(by_id->size(), 1u);  // 2222 exists, but outside the grid
  EXPECT_EQ(by_id->at(0).fields.at("name"), "张三");
  EXPECT_EQ(by_id->at(0).id_number->index, "index-1111");
  auto all = store_->FindPersonsByIdIndex(sys, {"index-1111", "index-2222", "index-1111"});
  ASSERT_OK(all);
  EXPECT_EQ(all->size(), 2u);
  // Exact names only (no substring), inside the scope, capped per name.
  auto named = store_->FindPersonsByName(Scope::Subtree("150203010008"), {"张三", "x' OR 1=1 --"}, 10);
  ASSERT_OK(named);
  EXPECT_EQ(named->size(), 2u);
  auto capped = store_->FindPersonsByName(sys, {"张三"}, 1);
  ASSERT_OK(capped);
  EXPECT_EQ(capped->size(), 1u);
  auto in_g1 = store_->FindPersonsByName(g1, {"张三", "张三丰"}, 10);
  ASSERT_OK(in_g1);
  EXPECT_EQ(in_g1->size(), 1u);
}

TEST_P(StoreContract, ImportJobsRowsAndReviewAreScoped) {
  LoadSmallTree();
  const auto community = Scope::Subtree("150203010008");
  const auto other = Scope::Subtree("150203010009");
  ImportJob job;
  job.scope_code = "150203010008";
  job.file_name = "民政台账.xlsx";
  job.mapping = {{"0", "person.name"}, {"1", "person.id_number"}};
  job.created_by = 7;
  job.created_at = 1000;
  EXPECT_CODE(store_->CreateImportJob(other, job), ErrorCode::kNotFound);
  ImportJob ghost = job;
  ghost.scope_code = "150203010077";
  EXPECT_CODE(store_->CreateImportJob(Scope::System(), ghost), ErrorCode::kNotFound);
  auto created = store_->CreateImportJob(community, job);
  ASSERT_OK(created);
  EXPECT_GT(created->id, 0);
  EXPECT_CODE(store_->GetImportJob(other, created->id), ErrorCode::kNotFound);
  EXPECT_CODE(store_->ListImportRows(other, created->id, std::nullopt, {}), ErrorCode::kNotFound);

  std::vector<ImportRow> rows(3);
  rows[0].row_number = 2;
  rows[0].outcome = ImportOutcome::kCreated;
  rows[0].record_id = 41;
  rows[1].row_number = 3;
  rows[1].outcome = ImportOutcome::kInvalid;
  rows[1].detail = {{"reason", "person.id_number: check digit\nwrong"}};
  rows[2].row_number = 4;
  rows[2].outcome = ImportOutcome::kReview;
  rows[2].review = "ambiguous";
  rows[2].detail = {{"candidates", "41,42"}};
  rows[2].payload = std::string("\x00\x01sealed\xff", 9);
  ImportJob progress = *created;
  progress.total_rows = 3;
  progress.done_rows = 3;
  progress.status = ImportStatus::kDone;
  progress.updated_at = 2000;
  EXPECT_CODE(store_->RecordImportRows(other, progress, rows), ErrorCode::kNotFound);
  ASSERT_OK(store_->RecordImportRows(community, progress, rows));
  // A row recorded twice is refused, and nothing of that batch is written.
  EXPECT_CODE(store_->RecordImportRows(community, progress, {rows[0]}), ErrorCode::kConflict);

  auto got = store_->GetImportJob(Scope::Subtree("1502"), created->id);
  ASSERT_OK(got);
  EXPECT_EQ(got->status, ImportStatus::kDone);
  EXPECT_EQ(got->done_rows, 3);
  EXPECT_EQ(got->counts.created, 1);
  EXPECT_EQ(got->counts.invalid, 1);
  EXPECT_EQ(got->counts.review, 1);
  EXPECT_EQ(got->file_name, "民政台账.xlsx");
  EXPECT_EQ(got->mapping.at("1"), "person.id_number");

  auto all = store_->ListImportRows(community, created->id, std::nullopt, {2, 1});
  ASSERT_OK(all);
  EXPECT_EQ(all->total, 3);
  ASSERT_EQ(all->items.size(), 2u);
  EXPECT_EQ(all->items[0].row_number, 3);
  EXPECT_EQ(all->items[0].detail.at("reason"), "person.id_number: check digit\nwrong");
  auto review = store_->ListImportRows(community, created->id, ImportOutcome::kReview, {});
  ASSERT_OK(review);
  ASSERT_EQ(review->items.size(), 1u);
  EXPECT_EQ(review->items[0].payload, rows[2].payload);
  EXPECT_EQ(review->items[0].review, "ambiguous");

  // Resolving: compare-and-set on the outcome, counts follow, the payload goes.
  ImportRow resolved = review->items[0];
  resolved.outcome = ImportOutcome::kUpdated;
  resolved.record_id = 42;
  resolved.resolved_by = 9;
  resolved.resolved_at = 3000;
  EXPECT_CODE(store_->ChangeImportRow(other, resolved, ImportOutcome::kReview), ErrorCode::kNotFound);
  auto changed = store_->ChangeImportRow(community, resolved, ImportOutcome::kReview);
  ASSERT_OK(changed);
  EXPECT_EQ(changed->review, "ambiguous");
  EXPECT_CODE(store_->ChangeImportRow(community, resolved, ImportOutcome::kReview), ErrorCode::kConflict);
  auto after = store_->GetImportRow(community, created->id, 4);
  ASSERT_OK(after);
  EXPECT_EQ(after->outcome, ImportOutcome::kUpdated);
  EXPECT_EQ(after->record_id, 42);
  EXPECT_TRUE(after->payload.empty());
  EXPECT_EQ(after->resolved_by, 9);
  auto counted = store_->GetImportJob(community, created->id);
  ASSERT_OK(counted);
  EXPECT_EQ(counted->counts.review, 0);
  EXPECT_EQ(counted->counts.updated, 1);
  EXPECT_CODE(store_->GetImportRow(community, created->id, 99), ErrorCode::kNotFound);

  auto listed = store_->ListImportJobs(Scope::Subtree("150203"), {});
  ASSERT_OK(listed);
  EXPECT_EQ(listed->total, 1);
  auto none = store_->ListImportJobs(other, {});
  ASSERT_OK(none);
  EXPECT_EQ(none->total, 0);
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreContract, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

// PrefixEnd is the heart of scope filtering: check it directly too.
TEST(PrefixEnd, IsTheSmallestStringAfterThePrefixRange) {
  EXPECT_EQ(internal::PrefixEnd("1502"), "1503");
  EXPECT_EQ(internal::PrefixEnd("150%"), "150&");
  EXPECT_EQ(internal::PrefixEnd("a\x7F"), "a\xC2\x80");
  EXPECT_EQ(internal::PrefixEnd("中"), "丮");
  EXPECT_EQ(internal::PrefixEnd("a\xF4\x8F\xBF\xBF"), "b");
  EXPECT_EQ(internal::PrefixEnd("\xED\x9F\xBF"), "\xEE\x80\x80");  // U+D7FF -> U+E000
  EXPECT_EQ(internal::PrefixEnd(""), std::nullopt);
}

}  // namespace
}  // namespace cg::store
