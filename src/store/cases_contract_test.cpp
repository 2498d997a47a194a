// The CaseStore contract, run against both backends like store_contract_test.cpp: SQLite on a
// temporary file and PostgreSQL at $CITYGRID_TEST_PG_URL in a fresh schema.

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <limits>
#include <pqxx/pqxx>
#include <random>
#include <sqlite3.h>
#include <set>
#include <thread>

#include "store/case_store.hpp"
#include "store/store.hpp"

namespace cg::store {
namespace {

using model::Scope;

std::string Hex(int n) {
  static std::mt19937_64 rng(std::random_device{}());
  std::string s;
  for (int i = 0; i < n; ++i) s += "0123456789abcdef"[rng() % 16];
  return s;
}

constexpr Timestamp kT0 = 1'780'000'000'000;

#define ASSERT_OK(expr)                                          \
  do {                                                           \
    auto&& r_ = (expr);                                          \
    ASSERT_TRUE(r_.ok()) << #expr << ": " << r_.error().message; \
  } while (0)

class CasesContract : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "sqlite") {
      dir_ = std::filesystem::temp_directory_path() / ("citygrid-cases-" + Hex(12));
      std::filesystem::create_directories(dir_);
      url_ = "sqlite://" + (dir_ / "test.db").string();
    } else {
      const char* pg = std::getenv("CITYGRID_TEST_PG_URL");
      if (pg == nullptr || *pg == '\0') {
        const char* skip = std::getenv("CITYGRID_TEST_SKIP_PG");
        if (skip != nullptr && std::string(skip) == "1") GTEST_SKIP() << "CITYGRID_TEST_SKIP_PG=1";
        FAIL() << "CITYGRID_TEST_PG_URL is not set (scripts/start-pg.sh), or set CITYGRID_TEST_SKIP_PG=1";
      }
      pg_url_ = pg;
      schema_ = "cg_cases_" + Hex(12);
      pqxx::connection c(pg_url_);
      pqxx::work w(c);
      w.exec("CREATE SCHEMA " + w.quote_name(schema_));
      w.commit();
      url_ = pg_url_ + (pg_url_.find('?') == std::string::npos ? "?" : "&") +
             "options=-csearch_path%3D" + schema_;
    }
    Reopen();
    ASSERT_OK(store_->Migrate());
  }

  void Reopen() {
    store_.reset();
    auto opened = Store::Open(url_);
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    store_ = std::move(opened).value();
  }

  void TearDown() override {
    store_.reset();
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
    if (!schema_.empty()) {
      pqxx::connection c(pg_url_);
      pqxx::work w(c);
      w.exec("DROP SCHEMA " + w.quote_name(schema_) + " CASCADE");
      w.commit();
    }
  }

  CaseStore& cases() { return store_->Cases(); }

  // A case in `grid` handled by `unit`, at (lon, lat), due `due_ms` after kT0.
  static NewCase Make(const std::string& grid, const std::string& unit, double lon, double lat,
                      Timestamp due_ms = 3600'000, std::string key = "") {
    NewCase n;
    CaseRecord& r = n.record;
    r.c.type = "snap_report";
    r.c.category = "garbage";
    r.c.state = "reported";
    r.c.grid_code = grid;
    r.c.handling_unit_code = unit;
    r.c.reporter_user_id = 7;
    r.c.opened_at = r.c.state_entered_at = kT0;
    r.c.due_at = kT0 + due_ms;
    r.c.warn_at = kT0 + due_ms * 8 / 10;
    r.c.fields = {{"description", "<script>alert(1)</script> 垃圾'; DROP TABLE cases;--"},
                  {"location", "109.8,40.6"}};
    r.c.timeline.push_back({kT0, 7, "resident", "create", "", "reported", unit, "", false});
    r.lon = lon;
    r.lat = lat;
    r.description = r.c.fields["description"];
    r.public_id = "P" + Hex(10);
    r.public_token_hash = Hex(64);
    r.idempotency_key = std::move(key);
    cases::Notification note;
    note.recipient = cases::RecipientKind::kHandlingUnit;
    note.org_code = unit;
    note.event = "create";
    n.notifications.push_back(note);
    return n;
  }

  // Creates each case from its own thread, all released at once (so they share batches).
  std::vector<Result<CreatedCase>> CreateAtOnce(const std::vector<NewCase>& work) {
    const int n = static_cast<int>(work.size());
    std::vector<Result<CreatedCase>> out(work.size(), MakeError(ErrorCode::kInternal, "not run"));
    std::atomic<int> ready{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < n; ++t) {
      threads.emplace_back([&, t] {
        ++ready;
        while (ready < n) std::this_thread::yield();
        out[t] = cases().CreateCase(work[t], kT0);
      });
    }
    for (auto& th : threads) th.join();
    return out;
  }

  std::filesystem::path dir_;
  std::string pg_url_, schema_, url_;
  std::unique_ptr<Store> store_;
};

const CaseViewer kCity{Scope::Subtree("1502"), 1};
const CaseViewer kGridA{Scope::Subtree("150203010008001"), 2};
const CaseViewer kGridB{Scope::Subtree("150203010008002"), 3};

TEST_P(CasesContract, CreateGetRoundTripWithTimelineAndFields) {
  auto created = cases().CreateCase(Make("150203010008001", "150203010008", 109.8, 40.6), kT0);
  ASSERT_OK(created);
  EXPECT_FALSE(created->replayed);
  const CaseRecord& r = created->record;
  EXPECT_FALSE(r.c.id.empty());
  EXPECT_EQ(r.version, 1);
  auto got = cases().GetCase(kCity, r.c.id);
  ASSERT_OK(got);
  EXPECT_EQ(got->c.fields.at("description"), "<script>alert(1)</script> 垃圾'; DROP TABLE cases;--");
  EXPECT_EQ(got->description, got->c.fields.at("description"));
  ASSERT_EQ(got->c.timeline.size(), 1u);
  EXPECT_EQ(got->c.timeline[0].event, "create");
  EXPECT_EQ(got->c.reporter_user_id, 7);
  EXPECT_FALSE(got->c.assignee_user_id.has_value());
  EXPECT_DOUBLE_EQ(got->lon, 109.8);
  EXPECT_EQ(got->c.due_at, kT0 + 3600'000);
  auto pub = cases().GetCaseByPublicId(r.public_id);
  ASSERT_OK(pub);
  EXPECT_EQ(pub->c.id, r.c.id);
  EXPECT_EQ(cases().GetCaseByPublicId("nope").error().code, ErrorCode::kNotFound);
}

TEST_P(CasesContract, ScopeCoversHandlingUnitOrGridOrReporter) {
  auto a = cases().CreateCase(Make("150203010008001", "150203010008", 109.8, 40.6), kT0);
  ASSERT_OK(a);
  const std::string id = a->record.c.id;
  EXPECT_TRUE(cases().GetCase(kGridA, id).ok());                                           // grid
  EXPECT_TRUE(cases().GetCase({Scope::Subtree("150203010008"), 9}, id).ok());               // unit
  EXPECT_EQ(cases().GetCase(kGridB, id).error().code, ErrorCode::kNotFound);               // neither
  EXPECT_TRUE(cases().GetCase({Scope::Subtree("150203010008002"), 7}, id).ok());            // reporter
  EXPECT_EQ(cases().GetCase(kGridB, "1 OR 1=1").error().code, ErrorCode::kNotFound);
  auto list = cases().ListCases(kGridB, {}, {});
  ASSERT_OK(list);
  EXPECT_EQ(list->total, 0);
  list = cases().ListCases(kGridA, {}, {});
  ASSERT_OK(list);
  EXPECT_EQ(list->total, 1);
}

TEST_P(CasesContract, IdempotencyKeyReturnsTheFirstCase) {
  auto first = cases().CreateCase(Make("150203010008001", "150203010008", 109.8, 40.6, 3600'000, "k-1"), kT0);
  ASSERT_OK(first);
  auto again = cases().CreateCase(Make("150203010008001", "150203010008", 109.8, 40.6, 3600'000, "k-1"), kT0);
  ASSERT_OK(again);
  EXPECT_TRUE(again->replayed);
  EXPECT_EQ(again->record.c.id, first->record.c.id);
  EXPECT_EQ(cases().ListCases(kCity, {}, {})->total, 1);
}

TEST_P(CasesContract, SaveWithExpectedVersionAndConflict) {
  auto created = cases().CreateCase(Make("150203010008001", "150203010008", 109.8, 40.6), kT0);
  ASSERT_OK(created);
  CaseRecord r = created->record;
  r.c.state = "filed";
  r.c.assignee_user_id = 5;
  r.c.fields["note"] = "x";
  r.c.timeline.push_back({kT0 + 1, 1, "staff", "file", "reported", "filed", "150203010008", "立案", false});
  r.last_public_note = "立案";
  auto v = cases().SaveCase(r, 1, {}, kT0 + 1);
  ASSERT_OK(v);
  EXPECT_EQ(*v, 2);
  EXPECT_EQ(cases().SaveCase(r, 1, {}, kT0 + 2).error().code, ErrorCode::kConflict);
  auto got = cases().GetCase(kCity, r.c.id);
  ASSERT_OK(got);
  EXPECT_EQ(got->version, 2);
  EXPECT_EQ(got->c.state, "filed");
  EXPECT_EQ(got->c.assignee_user_id, 5);
  EXPECT_EQ(got->c.timeline.size(), 2u);
  EXPECT_EQ(got->c.timeline[1].note, "立案");
  EXPECT_EQ(got->c.fields.at("note"), "x");
  EXPECT_EQ(got->last_public_note, "立案");
  r.c.id = "999999";
  EXPECT_EQ(cases().SaveCase(r, 1, {}, kT0).error().code, ErrorCode::kNotFound);
}

TEST_P(CasesContract, ConcurrentSavesOfOneVersionOnlyOneWins) {
  auto created = cases().CreateCase(Make("150203010008001", "150203010008", 109.8, 40.6), kT0);
  ASSERT_OK(created);
  std::atomic<int> wins{0}, conflicts{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&, i] {
      CaseRecord r = created->record;
      r.c.fields["who"] = std::to_string(i);
      auto v = cases().SaveCase(r, 1, {}, kT0 + i);
      if (v.ok()) ++wins;
      else if (v.error().code == ErrorCode::kConflict) ++conflicts;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(wins, 1);
  EXPECT_EQ(conflicts, 3);
}

TEST_P(CasesContract, QueueFiltersOrderAndPaging) {
  for (int i = 0; i < 5; ++i) {
    auto n = Make("150203010008001", "150203010008", 109.8, 40.6, (5 - i) * 3600'000LL);
    if (i == 4) n.record.c.state = "filed";
    ASSERT_OK(cases().CreateCase(n, kT0));
  }
  auto all = cases().ListCases(kCity, {}, {2, 0});
  ASSERT_OK(all);
  EXPECT_EQ(all->total, 5);
  ASSERT_EQ(all->items.size(), 2u);
  EXPECT_LE(all->items[0].c.due_at, all->items[1].c.due_at);
  CaseFilter filed;
  filed.state = "filed";
  EXPECT_EQ(cases().ListCases(kCity, filed, {})->total, 1);
  CaseFilter overdue;
  overdue.overdue_only = true;
  overdue.now = kT0 + 2 * 3600'000 + 1;
  EXPECT_EQ(cases().ListCases(kCity, overdue, {})->total, 2);
  CaseFilter other;
  other.type = "public_qa";
  EXPECT_EQ(cases().ListCases(kCity, other, {})->total, 0);
}

// The queue (ListCases) against an oracle computed here: cases spread over units, grids,
// reporters and deadlines (some without one), some moved or re-timed by SaveCase (the queue
// index follows through its triggers), read by viewers at every level, with filters and pages.
// Standard codes take the queue index; other scopes (a 5-character prefix, the system scope)
// the plain range query; both must give the same answers.
TEST_P(CasesContract, QueueMatchesTheScopeRuleAtEveryLevelAfterMovesAndDeadlineChanges) {
  struct Want {
    std::string id, grid, unit, state;
    std::int64_t reporter = 0;
    Timestamp due = 0;
  };
  std::vector<Want> all;
  const std::vector<std::string> grids = {"150203010008001", "150203010008002", "150203010009001",
                                          "150204001001001"};
  const std::vector<std::string> units = {"150203010008", "150203", "150203010", "150204001001", "150204"};
  std::mt19937 rng(7);
  for (int i = 0; i < 40; ++i) {
    const std::string& grid = grids[rng() % grids.size()];
    const std::string& unit = units[rng() % units.size()];
    // Deadlines collide on purpose (ties are ordered by id); every 7th case has none.
    Timestamp due_ms = i % 7 == 3 ? -kT0 : static_cast<Timestamp>((rng() % 5 + 1) * 3600'000LL);
    NewCase n = Make(grid, unit, 109.8, 40.6, due_ms);
    n.record.c.reporter_user_id = 100 + static_cast<int>(rng() % 3);
    if (i % 5 == 0) n.record.c.state = "filed";
    auto created = cases().CreateCase(n, kT0);
    ASSERT_OK(created);
    all.push_back({created->record.c.id, grid, unit, n.record.c.state, *n.record.c.reporter_user_id,
                   created->record.c.due_at});
  }
  // Moves (another grid and unit) and deadline changes, including to and from "none".
  for (std::size_t i = 0; i < all.size(); i += 3) {
    auto cur = cases().GetCaseSystem(all[i].id);
    ASSERT_OK(cur);
    CaseRecord r = *cur;
    if (i % 2 == 0) {
      r.c.grid_code = grids[(i / 3) % grids.size()];
      r.c.handling_unit_code = units[(i / 3 + 1) % units.size()];
    }
    r.c.due_at = i % 4 == 0 ? 0 : kT0 + static_cast<Timestamp>(i) * 60'000;
    ASSERT_OK(cases().SaveCase(r, cur->version, {}, kT0 + 1));
    all[i].grid = r.c.grid_code;
    all[i].unit = r.c.handling_unit_code;
    all[i].due = r.c.due_at;
  }
  auto key = [](const Want& w) {
    return std::pair{w.due == 0 ? std::numeric_limits<Timestamp>::max() : w.due, std::stoll(w.id)};
  };
  std::sort(all.begin(), all.end(), [&](const Want& a, const Want& b) { return key(a) < key(b); });
  const std::vector<std::string> roots = {"1502", "150203", "150203010", "150203010008", "150203010008001",
                                          "150204001001001", "15020", "", "9999"};
  CaseFilter filed;
  filed.state = "filed";
  for (const auto& root : roots) {
    for (std::int64_t user : {0, 100, 101}) {
      for (bool only_filed : {false, true}) {
        CaseViewer viewer{root.empty() ? Scope::System() : Scope::Subtree(root), user};
        std::vector<std::string> want;
        for (const auto& w : all) {
          bool visible = w.grid.starts_with(root) || w.unit.starts_with(root) || (user != 0 && w.reporter == user);
          if (visible && (!only_filed || w.state == "filed")) want.push_back(w.id);
        }
        for (Page page : {Page{500, 0}, Page{7, 0}, Page{7, 5}, Page{4, 30}, Page{0, 0}}) {
          auto got = cases().ListCases(viewer, only_filed ? filed : CaseFilter{}, page);
          ASSERT_OK(got);
          SCOPED_TRACE("root '" + root + "' user " + std::to_string(user) + (only_filed ? " filed" : "") +
                       " page " + std::to_string(page.limit) + "@" + std::to_string(page.offset));
          EXPECT_EQ(got->total, static_cast<std::int64_t>(want.size()));
          std::vector<std::string> ids;
          for (const auto& r : got->items) ids.push_back(r.c.id);
          std::vector<std::string> expected;
          for (std::int64_t i = page.offset; i < page.offset + page.limit && i < static_cast<std::int64_t>(want.size()); ++i) {
            expected.push_back(want[static_cast<std::size_t>(i)]);
          }
          EXPECT_EQ(ids, expected);
        }
      }
    }
  }
}

TEST_P(CasesContract, NearbyUsesExactDistance) {
  ASSERT_OK(cases().CreateCase(Make("150203010008001", "150203010008", 109.8, 40.6), kT0));
  ASSERT_OK(cases().CreateCase(Make("150203010008001", "150203010008", 109.8005, 40.6), kT0));  // ~42 m
  ASSERT_OK(cases().CreateCase(Make("150203010008001", "150203010008", 109.81, 40.6), kT0));    // ~845 m
  auto near = cases().ListNearby("snap_report", "garbage", 109.8, 40.6, 100, 10);
  ASSERT_OK(near);
  ASSERT_EQ(near->size(), 2u);
  EXPECT_DOUBLE_EQ((*near)[0].lon, 109.8);
  EXPECT_EQ(cases().ListNearby("snap_report", "noise", 109.8, 40.6, 100, 10)->size(), 0u);
  EXPECT_EQ(cases().ListNearby("snap_report", "garbage", 109.8, 40.6, 1000, 10)->size(), 3u);
  EXPECT_NEAR(DistanceMeters(109.8, 40.6, 109.81, 40.6), 845, 5);
}

// The duplicate check's index reads latitude cells (SQLite: 1/2000 degree): points on both sides
// of cell edges, in every direction and at many distances, against the exact distance, for radii
// read cell by cell and as one range; closed cases and other categories never appear.
TEST_P(CasesContract, NearbyFindsExactlyThePointsWithinTheRadiusAcrossCells) {
  const double lon0 = 109.80685, lat0 = 40.7750;  // 40.775 * 2000 is a cell edge
  std::vector<std::pair<double, double>> points;
  std::mt19937 rng(11);
  std::uniform_real_distribution<double> d(-0.012, 0.012);
  for (int i = 0; i < 60; ++i) points.emplace_back(lon0 + d(rng), lat0 + d(rng) / 3);
  for (double dl : {-0.0005, -0.00049, 0.0, 0.00001, 0.0005, 0.00051}) points.emplace_back(lon0, lat0 + dl);
  for (const auto& [lon, lat] : points) {
    ASSERT_OK(cases().CreateCase(Make("150203010008001", "150203010008", lon, lat), kT0));
  }
  auto closed = Make("150203010008001", "150203010008", lon0, lat0);
  closed.record.terminal = true;
  ASSERT_OK(cases().CreateCase(closed, kT0));
  auto other = Make("150203010008001", "150203010008", lon0, lat0);
  other.record.c.category = "noise";
  ASSERT_OK(cases().CreateCase(other, kT0));
  for (double radius : {30.0, 60.0, 120.0, 400.0, 1000.0, 3000.0}) {
    std::size_t want = 0;
    for (const auto& [lon, lat] : points) want += DistanceMeters(lon0, lat0, lon, lat) <= radius ? 1 : 0;
    auto near = cases().ListNearby("snap_report", "garbage", lon0, lat0, radius, 1000);
    ASSERT_OK(near);
    EXPECT_EQ(near->size(), want) << "radius " << radius;
    for (const auto& r : *near) {
      EXPECT_LE(DistanceMeters(lon0, lat0, r.lon, r.lat), radius);
      EXPECT_FALSE(r.terminal);
      EXPECT_EQ(r.c.category, "garbage");
    }
  }
}

TEST_P(CasesContract, DueIdsAndNotifications) {
  auto a = cases().CreateCase(Make("150203010008001", "150203010008", 109.8, 40.6, 10'000), kT0);
  ASSERT_OK(a);
  EXPECT_TRUE(cases().ListDueIds(kT0, 10)->empty());
  auto due = cases().ListDueIds(kT0 + 8'000, 10);
  ASSERT_OK(due);
  ASSERT_EQ(due->size(), 1u);
  CaseRecord r = *cases().GetCaseSystem((*due)[0]);
  r.c.warned = true;
  ASSERT_OK(cases().SaveCase(r, r.version, {}, kT0 + 8'000));
  EXPECT_TRUE(cases().ListDueIds(kT0 + 9'000, 10)->empty());
  EXPECT_EQ(cases().ListDueIds(kT0 + 10'000, 10)->size(), 1u);

  cases::Notification user_note;
  user_note.recipient = cases::RecipientKind::kReporter;
  user_note.user_id = 7;
  user_note.event = "file";
  r = *cases().GetCaseSystem(r.c.id);
  ASSERT_OK(cases().SaveCase(r, r.version, {user_note}, kT0 + 9'000));

  Recipient unit{1, "150203010008"};
  auto list = cases().ListNotifications(unit, {});
  ASSERT_OK(list);
  EXPECT_EQ(list->total, 1);
  EXPECT_EQ(list->unread, 1);
  EXPECT_EQ(list->items[0].case_id, r.c.id);
  EXPECT_EQ(list->items[0].org_code, "150203010008");
  Recipient reporter{7, "150203010008002"};
  auto mine = cases().ListNotifications(reporter, {});
  ASSERT_OK(mine);
  ASSERT_EQ(mine->total, 1);
  EXPECT_EQ(mine->items[0].event, "file");
  // Someone else's notification is not found; marking is idempotent.
  EXPECT_EQ(cases().MarkNotificationRead(reporter, list->items[0].id, kT0).error().code, ErrorCode::kNotFound);
  ASSERT_OK(cases().MarkNotificationRead(unit, list->items[0].id, kT0 + 1));
  ASSERT_OK(cases().MarkNotificationRead(unit, list->items[0].id, kT0 + 2));
  list = cases().ListNotifications(unit, {});
  EXPECT_EQ(list->unread, 0);
  EXPECT_EQ(list->items[0].read_at, kT0 + 1);
}

TEST_P(CasesContract, RequestsListingFilters) {
  auto a = cases().CreateCase(Make("150203010008001", "150203010008", 109.8, 40.6), kT0);
  auto b_case = Make("150203010008002", "150203010008", 109.8, 40.6);
  b_case.record.c.category = "noise";
  b_case.record.c.opened_at = kT0 + 1000;
  b_case.record.public_open = false;
  auto b = cases().CreateCase(b_case, kT0);
  ASSERT_OK(a);
  ASSERT_OK(b);
  RequestFilter f;
  EXPECT_EQ(cases().ListRequests(f)->size(), 2u);
  EXPECT_EQ(cases().ListRequests(f)->front().c.id, b->record.c.id);  // newest first
  f.category = "noise";
  EXPECT_EQ(cases().ListRequests(f)->size(), 1u);
  f = {};
  f.open = true;
  EXPECT_EQ(cases().ListRequests(f)->size(), 1u);
  f = {};
  f.start = kT0 + 500;
  EXPECT_EQ(cases().ListRequests(f)->size(), 1u);
  f = {};
  f.public_ids = {a->record.public_id, "unknown"};
  ASSERT_EQ(cases().ListRequests(f)->size(), 1u);
  f = {};
  f.limit = 1;
  EXPECT_EQ(cases().ListRequests(f)->size(), 1u);
}

TEST_P(CasesContract, ApiKeysStoreOnlyHashes) {
  ApiKey k{0, "mobile-app", std::string(64, 'a'), kT0};
  auto created = cases().CreateApiKey(k);
  ASSERT_OK(created);
  EXPECT_GT(created->id, 0);
  EXPECT_EQ(cases().CreateApiKey(k).error().code, ErrorCode::kConflict);
  auto found = cases().FindApiKey(std::string(64, 'a'));
  ASSERT_OK(found);
  EXPECT_EQ(found->name, "mobile-app");
  EXPECT_EQ(cases().FindApiKey("b").error().code, ErrorCode::kNotFound);
}

TEST_P(CasesContract, CaseSurvivesReopen) {
  auto a = cases().CreateCase(Make("150203010008001", "150203010008", 109.8, 40.6), kT0);
  ASSERT_OK(a);
  Reopen();
  auto got = cases().GetCase(kCity, a->record.c.id);
  ASSERT_OK(got);
  EXPECT_EQ(got->c.timeline.size(), 1u);
}

// Group commit: many submitters at once share transactions; every acknowledged case is
// stored exactly once, with its fields, first timeline entry and notification.
TEST_P(CasesContract, ConcurrentSubmittersEachStoredExactlyOnce) {
  constexpr int kThreads = 16, kPerThread = 25;
  std::vector<std::vector<NewCase>> work(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    for (int i = 0; i < kPerThread; ++i) {
      work[t].push_back(Make("150203010008001", "150203010008", 109.8, 40.6, 3600'000,
                             "k" + std::to_string(t) + "-" + std::to_string(i)));
    }
  }
  std::vector<std::vector<std::string>> ids(kThreads);
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (const auto& n : work[t]) {
        auto r = cases().CreateCase(n, kT0);
        if (!r.ok() || r->replayed) {
          ++failures;
          continue;
        }
        ids[t].push_back(r->record.c.id);
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures, 0);
  std::set<std::string> distinct;
  for (const auto& v : ids) distinct.insert(v.begin(), v.end());
  EXPECT_EQ(distinct.size(), static_cast<std::size_t>(kThreads * kPerThread));
  auto all = cases().ListCases(kCity, {}, {1, 0});
  ASSERT_OK(all);
  EXPECT_EQ(all->total, kThreads * kPerThread);
  for (int t = 0; t < kThreads; t += 5) {
    for (std::size_t i = 0; i < ids[t].size(); i += 7) {
      auto got = cases().GetCase(kCity, ids[t][i]);
      ASSERT_OK(got);
      EXPECT_EQ(got->idempotency_key, "k" + std::to_string(t) + "-" + std::to_string(i));
      EXPECT_EQ(got->c.timeline.size(), 1u);
      EXPECT_EQ(got->c.fields.size(), 2u);
    }
  }
  auto notes = cases().ListNotifications({0, "150203010008"}, {1, 0});
  ASSERT_OK(notes);
  EXPECT_EQ(notes->total, kThreads * kPerThread);
}

// The same idempotency key from many threads at once (so usually inside one batch): one case,
// every other submission is a replay of it.
TEST_P(CasesContract, IdempotencyKeyHoldsWithinABatch) {
  constexpr int kThreads = 12;
  for (int round = 0; round < 5; ++round) {
    std::vector<NewCase> work;
    for (int t = 0; t < kThreads; ++t) {
      work.push_back(Make("150203010008001", "150203010008", 109.8, 40.6, 3600'000,
                          "same-" + std::to_string(round)));
    }
    auto out = CreateAtOnce(work);
    int fresh = 0;
    std::set<std::string> distinct;
    for (const auto& r : out) {
      ASSERT_OK(r);
      if (!r->replayed) ++fresh;
      distinct.insert(r->record.c.id);
    }
    EXPECT_EQ(fresh, 1);
    EXPECT_EQ(distinct.size(), 1u);
  }
  EXPECT_EQ(cases().ListCases(kCity, {}, {1, 0})->total, 5);
}

// A case that fails in the database (a taken public id) fails alone; the others sharing its
// batch are stored.
TEST_P(CasesContract, OneFailingSubmissionDoesNotFailItsBatch) {
  auto first = Make("150203010008001", "150203010008", 109.8, 40.6);
  ASSERT_OK(cases().CreateCase(first, kT0));
  constexpr int kThreads = 16;
  std::vector<NewCase> work;
  for (int t = 0; t < kThreads; ++t) {
    work.push_back(Make("150203010008001", "150203010008", 109.8, 40.6));
    if (t % 4 == 0) work.back().record.public_id = first.record.public_id;
  }
  auto out = CreateAtOnce(work);
  for (int t = 0; t < kThreads; ++t) {
    if (t % 4 == 0) {
      ASSERT_FALSE(out[t].ok());
      EXPECT_EQ(out[t].error().code, ErrorCode::kConflict);
    } else {
      ASSERT_OK(out[t]);
      EXPECT_TRUE(cases().GetCaseByPublicId(work[t].record.public_id).ok());
    }
  }
  EXPECT_EQ(cases().ListCases(kCity, {}, {1, 0})->total, 1 + kThreads - kThreads / 4);
  // Every stored case has exactly its own timeline and notification (nothing of a failed one).
  EXPECT_EQ(cases().ListNotifications({0, "150203010008"}, {1, 0})->total, 1 + kThreads - kThreads / 4);
}

TEST_P(CasesContract, CheckIntegrityFindsACaseWithoutItsTimeline) {
  auto a = cases().CreateCase(Make("150203010008001", "150203010008", 109.8, 40.6), kT0);
  ASSERT_OK(a);
  ASSERT_OK(store_->CheckIntegrity());
  const std::string sql = "DELETE FROM case_events WHERE case_id = " + a->record.c.id;
  if (GetParam() == "sqlite") {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open((dir_ / "test.db").string().c_str(), &db), SQLITE_OK);
    EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(db);
  } else {
    pqxx::connection c(url_);
    pqxx::work w(c);
    w.exec(sql);
    w.commit();
  }
  auto found = store_->CheckIntegrity();
  ASSERT_FALSE(found.ok());
  EXPECT_NE(found.error().message.find("case " + a->record.c.id + " has no first timeline entry"),
            std::string::npos)
      << found.error().message;
}

TEST_P(CasesContract, CheckIntegrityFindsAWrongQueueRow) {
  auto a = cases().CreateCase(Make("150203010008001", "150203010008", 109.8, 40.6), kT0);
  ASSERT_OK(a);
  ASSERT_OK(store_->CheckIntegrity());
  // A queue row with a stale deadline, as if a trigger had missed an update.
  const std::string sql = "UPDATE case_scope SET due_key = due_key + 1 WHERE code = '150203' AND case_id = " +
                          a->record.c.id;
  if (GetParam() == "sqlite") {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open((dir_ / "test.db").string().c_str(), &db), SQLITE_OK);
    EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
    EXPECT_EQ(sqlite3_changes(db), 1);
    sqlite3_close(db);
  } else {
    pqxx::connection c(url_);
    pqxx::work w(c);
    EXPECT_EQ(w.exec(sql).affected_rows(), 1);
    w.commit();
  }
  auto found = store_->CheckIntegrity();
  ASSERT_FALSE(found.ok());
  EXPECT_NE(found.error().message.find("case " + a->record.c.id + " has wrong queue rows"), std::string::npos)
      << found.error().message;
}

// A photo with binary bytes (NUL, high bytes) in every copy; gps optional.
std::shared_ptr<const NewPhoto> Photo(const std::string& id, bool with_gps) {
  auto p = std::make_shared<NewPhoto>();
  p->info.photo_id = id;
  p->info.sha256 = Hex(64);
  p->info.mime = "image/png";
  p->info.width = 4000;
  p->info.height = 3000;
  if (with_gps) {
    p->info.gps_lat = 40.65;
    p->info.gps_lon = 109.85;
    p->info.gps_alt = -12.5;
    p->info.gps_time = kT0 - 1000;
  }
  p->original = std::string("\x89PNG\0\xff original ", 16) + id;
  p->public_jpeg = std::string("\xff\xd8\xff\0 public ", 12) + id;
  p->thumbnail_jpeg = std::string("\xff\xd8\xff\0 thumb ", 11) + id;
  return p;
}

TEST_P(CasesContract, PhotosAreStoredWithTheCaseAndReadInOrder) {
  NewCase n = Make("150203010008001", "150203010008", 109.8, 40.6);
  const std::string id1 = "ph1" + Hex(10), id2 = "ph2" + Hex(10);
  n.photos = {Photo(id1, true), Photo(id2, false)};
  auto created = cases().CreateCase(n, kT0);
  ASSERT_OK(created);
  ASSERT_EQ(created->record.photos.size(), 2u);
  EXPECT_EQ(created->record.first_photo_id, id1);
  auto got = cases().GetCase(kCity, created->record.c.id);
  ASSERT_OK(got);
  ASSERT_EQ(got->photos.size(), 2u);
  const PhotoInfo& a = got->photos[0];
  EXPECT_EQ(a.photo_id, id1);
  EXPECT_EQ(a.case_id, got->c.id);
  EXPECT_EQ(a.seq, 0);
  EXPECT_EQ(a.sha256, n.photos[0]->info.sha256);
  EXPECT_EQ(a.mime, "image/png");
  EXPECT_EQ(a.width, 4000);
  EXPECT_EQ(a.height, 3000);
  EXPECT_EQ(a.bytes, static_cast<std::int64_t>(n.photos[0]->original.size()));
  EXPECT_DOUBLE_EQ(a.gps_lat.value_or(0), 40.65);
  EXPECT_DOUBLE_EQ(a.gps_lon.value_or(0), 109.85);
  EXPECT_DOUBLE_EQ(a.gps_alt.value_or(0), -12.5);
  EXPECT_EQ(a.gps_time.value_or(0), kT0 - 1000);
  EXPECT_EQ(a.created_at, kT0);
  EXPECT_EQ(got->photos[1].photo_id, id2);
  EXPECT_EQ(got->photos[1].seq, 1);
  EXPECT_FALSE(got->photos[1].gps_lat.has_value());
  EXPECT_EQ(cases().GetCaseByPublicId(got->public_id)->photos.size(), 2u);
  // Listings carry the first photo's id (Open311 media_url) but not the photo list.
  auto requests = cases().ListRequests({});
  ASSERT_OK(requests);
  ASSERT_EQ(requests->size(), 1u);
  EXPECT_EQ((*requests)[0].first_photo_id, id1);
  auto queue = cases().ListCases(kCity, {}, {10, 0});  // the staff queue shows its thumbnail
  ASSERT_OK(queue);
  ASSERT_EQ(queue->items.size(), 1u);
  EXPECT_EQ(queue->items[0].first_photo_id, id1);
  EXPECT_TRUE(queue->items[0].photos.empty());

  // Bytes of each copy, binary-safe.
  auto original = cases().GetPhoto(id1, PhotoVariant::kOriginal);
  ASSERT_OK(original);
  EXPECT_EQ(original->data, n.photos[0]->original);
  EXPECT_EQ(original->mime, "image/png");
  auto pub = cases().GetPhoto(id1, PhotoVariant::kPublic);
  ASSERT_OK(pub);
  EXPECT_EQ(pub->data, n.photos[0]->public_jpeg);
  EXPECT_EQ(pub->mime, "image/jpeg");
  EXPECT_EQ(pub->info.case_id, got->c.id);
  EXPECT_EQ(cases().GetPhoto(id2, PhotoVariant::kThumb)->data, n.photos[1]->thumbnail_jpeg);
  EXPECT_EQ(cases().GetPhoto("nope", PhotoVariant::kPublic).error().code, ErrorCode::kNotFound);
  Reopen();
  EXPECT_EQ(cases().GetPhoto(id2, PhotoVariant::kOriginal)->data, n.photos[1]->original);
}

TEST_P(CasesContract, OriginalsFollowTheCaseScope) {
  NewCase n = Make("150203010008001", "150203010008", 109.8, 40.6);
  const std::string pid = "ph" + Hex(12);
  n.photos = {Photo(pid, true)};
  auto created = cases().CreateCase(n, kT0);
  ASSERT_OK(created);
  const std::string id = created->record.c.id;
  auto mine = cases().GetCasePhoto(kGridA, id, pid, PhotoVariant::kOriginal);
  ASSERT_OK(mine);
  EXPECT_EQ(mine->data, n.photos[0]->original);
  EXPECT_TRUE(cases().GetCasePhoto(kCity, id, pid, PhotoVariant::kOriginal).ok());
  EXPECT_TRUE(cases().GetCasePhoto({Scope::Subtree("150203010008002"), 7}, id, pid, PhotoVariant::kOriginal).ok());
  EXPECT_EQ(cases().GetCasePhoto(kGridB, id, pid, PhotoVariant::kOriginal).error().code, ErrorCode::kNotFound);
  // The photo must belong to the case named in the path.
  auto other = cases().CreateCase(Make("150203010008001", "150203010008", 109.8, 40.6), kT0);
  ASSERT_OK(other);
  EXPECT_EQ(cases().GetCasePhoto(kCity, other->record.c.id, pid, PhotoVariant::kOriginal).error().code,
            ErrorCode::kNotFound);
  EXPECT_EQ(cases().GetCasePhoto(kCity, "1 OR 1=1", pid, PhotoVariant::kOriginal).error().code, ErrorCode::kNotFound);
}

TEST_P(CasesContract, BadPhotosWriteNothing) {
  NewCase seven = Make("150203010008001", "150203010008", 109.8, 40.6);
  for (int i = 0; i < 7; ++i) seven.photos.push_back(Photo("seven" + std::to_string(i) + Hex(8), false));
  auto r = cases().CreateCase(seven, kT0);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalid);
  NewCase empty = Make("150203010008001", "150203010008", 109.8, 40.6);
  auto blank = std::make_shared<NewPhoto>(*Photo("blank" + Hex(8), false));
  blank->original.clear();
  empty.photos = {blank};
  EXPECT_EQ(cases().CreateCase(empty, kT0).error().code, ErrorCode::kInvalid);
  // A photo id already taken fails the whole case: no case row, no photo rows.
  NewCase first = Make("150203010008001", "150203010008", 109.8, 40.6);
  const std::string taken = "taken" + Hex(8);
  first.photos = {Photo(taken, false)};
  ASSERT_OK(cases().CreateCase(first, kT0));
  NewCase second = Make("150203010008001", "150203010008", 109.8, 40.6);
  second.photos = {Photo("fresh" + Hex(8), false), Photo(taken, false)};
  auto dup = cases().CreateCase(second, kT0);
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.error().code, ErrorCode::kConflict);
  EXPECT_EQ(cases().ListCases(kCity, {}, {})->total, 1);
  EXPECT_EQ(cases().GetPhoto(second.photos[0]->info.photo_id, PhotoVariant::kOriginal).error().code,
            ErrorCode::kNotFound);
  EXPECT_EQ(cases().GetCaseByPublicId(second.record.public_id).error().code, ErrorCode::kNotFound);
  // Six is allowed.
  NewCase six = Make("150203010008001", "150203010008", 109.8, 40.6);
  for (int i = 0; i < 6; ++i) six.photos.push_back(Photo("six" + std::to_string(i) + Hex(8), false));
  auto ok = cases().CreateCase(six, kT0);
  ASSERT_OK(ok);
  EXPECT_EQ(ok->record.photos.size(), 6u);
}

INSTANTIATE_TEST_SUITE_P(Backends, CasesContract, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace cg::store
