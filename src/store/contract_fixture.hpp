#pragma once
// The fixture of the store contract suites (store_contract_test.cpp, notices_contract_test.cpp):
// each test gets a fresh SQLite file or a fresh PostgreSQL schema at $CITYGRID_TEST_PG_URL
// (without it the PostgreSQL instances fail with instructions, unless CITYGRID_TEST_SKIP_PG=1).
// Test-only: included by the contract tests, never by the store.

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <pqxx/pqxx>
#include <random>
#include <string>
#include <vector>

#include "store/store.hpp"

namespace cg::store::contract {

using model::OrgKind;
using model::OrgUnit;
using model::Scope;

inline std::string RandomHex(int n) {
  static std::mt19937_64 rng(std::random_device{}());
  static const char* kDigits = "0123456789abcdef";
  std::string s;
  for (int i = 0; i < n; ++i) s += kDigits[rng() % 16];
  return s;
}

inline geo::MultiPolygon Square(double lon, double lat, double size, int vertices_per_side = 1) {
  geo::Polygon p;
  auto side = [&](geo::Point a, geo::Point b) {
    for (int i = 0; i < vertices_per_side; ++i) {
      double t = static_cast<double>(i) / vertices_per_side;
      p.outer.push_back({a.lon + (b.lon - a.lon) * t, a.lat + (b.lat - a.lat) * t});
    }
  };
  geo::Point a{lon, lat}, b{lon + size, lat}, c{lon + size, lat + size}, d{lon, lat + size};
  side(a, b);
  side(b, c);
  side(c, d);
  side(d, a);
  p.outer.push_back(a);
  return {p};
}

inline OrgUnit Unit(std::string code, OrgKind kind, std::string name, std::string parent,
             bool geometry = true) {
  OrgUnit u;
  u.code = std::move(code);
  u.kind = kind;
  u.name = std::move(name);
  u.parent_code = std::move(parent);
  if (geometry) {
    u.geometry = Square(109.8, 40.6, 0.01);
    for (const auto& p : u.geometry[0].outer) u.bbox.Extend(p);
    u.center = {109.805, 40.605};
  }
  return u;
}

// A small Baotou-like tree: city, two districts, a street, two communities, six grids.
inline std::vector<OrgUnit> SmallTree() {
  std::vector<OrgUnit> v;
  // Deliberately not in tree order: parents are checked at commit, order must not matter.
  for (const char* g : {"005", "003", "001", "004", "002"}) {
    v.push_back(Unit(std::string("150203010008") + g, OrgKind::kGrid, std::string("网格") + g,
                     "150203010008"));
  }
  v.push_back(Unit("150203010009001", OrgKind::kGrid, "网格九一", "150203010009"));
  v.push_back(Unit("150203010008", OrgKind::kCommunity, "金华社区", "150203010"));
  v.push_back(Unit("150203010009", OrgKind::kCommunity, "九号社区", "150203010"));
  v.push_back(Unit("150203010", OrgKind::kStreet, "市府东路街道", "150203"));
  v.push_back(Unit("150203", OrgKind::kDistrict, "昆都仑区", "1502"));
  v.push_back(Unit("150204", OrgKind::kDistrict, "青山区", "1502"));
  v.push_back(Unit("1502", OrgKind::kCity, "包头市", ""));
  return v;
}

inline std::vector<std::string> Codes(const std::vector<OrgUnit>& units) {
  std::vector<std::string> out;
  for (const auto& u : units) out.push_back(u.code);
  return out;
}

inline model::User MakeUser(std::string username) {
  model::User u;
  u.username = std::move(username);
  u.display_name = "Test " + u.username;
  u.role = model::Role::kGridWorker;
  u.scope_code = "150203010008001";
  u.password_hash = "$argon2id$v=19$m=65536,t=2,p=1$abc$def";
  u.created_at = 1'767'225'600'000;
  return u;
}

// A person record with fake sealed values (index "index-<idx>"): the store never decrypts.
inline BaseRecord FakePerson(const std::string& grid, const std::string& name, const std::string& idx) {
  BaseRecord r;
  r.entity = model::BaseEntity::kPerson;
  r.grid_code = grid;
  r.fields = {{"grid_code", grid}, {"name", name}, {"ethnicity", "01"}};
  r.id_number = SealedValue{"", "index-" + idx, "tail-" + idx.substr(0, 1), "150203********" + idx};
  return r;
}

inline Sealer FakeSeal() {
  return [](BaseRecord& r) {
    r.id_number->cipher = "cipher-of-" + std::to_string(r.id);
    return Status();
  };
}

inline WriteContext Ctx(std::int64_t at) { return WriteContext{7, ChangeSource::kApi, at}; }

class StoreContract : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "sqlite") {
      dir_ = std::filesystem::temp_directory_path() / ("citygrid-store-" + RandomHex(12));
      std::filesystem::create_directories(dir_);
      url_ = "sqlite://" + (dir_ / "test.db").string();
    } else {
      const char* pg = std::getenv("CITYGRID_TEST_PG_URL");
      if (pg == nullptr || *pg == '\0') {
        const char* skip = std::getenv("CITYGRID_TEST_SKIP_PG");
        if (skip != nullptr && std::string(skip) == "1") {
          GTEST_SKIP() << "CITYGRID_TEST_SKIP_PG=1: PostgreSQL contract tests skipped";
        }
        FAIL() << "CITYGRID_TEST_PG_URL is not set. Start a throw-away PostgreSQL (as root) with\n"
                  "  export CITYGRID_TEST_PG_URL=$(scripts/start-pg.sh | tail -1)\n"
                  "or set CITYGRID_TEST_SKIP_PG=1 to skip the PostgreSQL instances.";
      }
      pg_url_ = pg;
      schema_ = "cg_test_" + RandomHex(12);
      try {
        pqxx::connection c(pg_url_);
        pqxx::work w(c);
        w.exec("CREATE SCHEMA " + w.quote_name(schema_));
        w.commit();
      } catch (const std::exception& e) {
        FAIL() << "cannot prepare a schema at CITYGRID_TEST_PG_URL (" << e.what()
               << "). Is the server running? Try: scripts/start-pg.sh";
      }
      url_ = pg_url_ + (pg_url_.find('?') == std::string::npos ? "?" : "&") +
             "options=-csearch_path%3D" + schema_;
    }
    auto opened = Store::Open(url_);
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    store_ = std::move(opened).value();
    auto version = store_->SchemaVersion();
    ASSERT_TRUE(version.ok()) << version.error().message;
    ASSERT_EQ(*version, 0);
    auto migrated = store_->Migrate();
    ASSERT_TRUE(migrated.ok()) << migrated.error().message;
  }

  void TearDown() override {
    store_.reset();
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
    if (!schema_.empty()) {
      try {
        pqxx::connection c(pg_url_);
        pqxx::work w(c);
        w.exec("DROP SCHEMA " + w.quote_name(schema_) + " CASCADE");
        w.commit();
      } catch (const std::exception& e) {
        ADD_FAILURE() << "cannot drop test schema " << schema_ << ": " << e.what();
      }
    }
  }

  void LoadSmallTree() {
    auto st = store_->UpsertOrgUnits(SmallTree());
    ASSERT_TRUE(st.ok()) << st.error().message;
  }

  std::filesystem::path dir_;
  std::string pg_url_;
  std::string schema_;
  std::string url_;
  std::unique_ptr<Store> store_;
};

#define ASSERT_OK(expr)                                               \
  do {                                                                \
    auto&& r_ = (expr);                                               \
    ASSERT_TRUE(r_.ok()) << #expr << ": " << r_.error().message;      \
  } while (0)

#define EXPECT_CODE(expr, expected)                                   \
  do {                                                                \
    auto&& r_ = (expr);                                               \
    ASSERT_FALSE(r_.ok()) << #expr << " succeeded";                   \
    EXPECT_EQ(r_.error().code, expected) << #expr << ": " << r_.error().message; \
  } while (0)

}  // namespace cg::store::contract
