#pragma once
// Test-only: a migrated Store on SQLite (temporary file) or PostgreSQL ($CITYGRID_TEST_PG_URL,
// a fresh schema dropped afterwards), with a small org tree. Used by the parameterised base
// and reports tests so they run on both backends like the store contract suite.

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <pqxx/pqxx>
#include <random>
#include <string>

#include "model/org_unit.hpp"
#include "store/store.hpp"

namespace cg::testing {

class BackendStore {
 public:
  // Opens and migrates; on failure `error` is set (the caller FAILs or SKIPs with it).
  explicit BackendStore(const std::string& backend) {
    static std::mt19937_64 rng(std::random_device{}());
    std::string tag = std::to_string(rng() % 1'000'000'000'000ULL);
    if (backend == "sqlite") {
      dir_ = std::filesystem::temp_directory_path() / ("citygrid-base-" + tag);
      std::filesystem::create_directories(dir_);
      url_ = "sqlite://" + (dir_ / "test.db").string();
    } else {
      const char* pg = std::getenv("CITYGRID_TEST_PG_URL");
      if (pg == nullptr || *pg == '\0') {
        const char* skip = std::getenv("CITYGRID_TEST_SKIP_PG");
        skipped = skip != nullptr && std::string(skip) == "1";
        error = "CITYGRID_TEST_PG_URL is not set (export CITYGRID_TEST_PG_URL=$(bash scripts/start-pg.sh | tail -1), "
                "or CITYGRID_TEST_SKIP_PG=1)";
        return;
      }
      pg_url_ = pg;
      schema_ = "cg_test_" + tag;
      try {
        pqxx::connection c(pg_url_);
        pqxx::work w(c);
        w.exec("CREATE SCHEMA " + w.quote_name(schema_));
        w.commit();
      } catch (const std::exception& e) {
        error = std::string("cannot prepare a schema: ") + e.what();
        schema_.clear();
        return;
      }
      url_ = pg_url_ + (pg_url_.find('?') == std::string::npos ? "?" : "&") + "options=-csearch_path%3D" + schema_;
    }
    auto opened = store::Store::Open(url_);
    if (!opened.ok()) {
      error = opened.error().message;
      return;
    }
    store = std::move(opened).value();
    if (auto m = store->Migrate(); !m.ok()) error = m.error().message;
  }

  ~BackendStore() {
    store.reset();
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
    if (!schema_.empty()) {
      try {
        pqxx::connection c(pg_url_);
        pqxx::work w(c);
        w.exec("DROP SCHEMA " + w.quote_name(schema_) + " CASCADE");
        w.commit();
      } catch (const std::exception&) {
      }
    }
  }

  const std::string& url() const { return url_; }

  std::unique_ptr<store::Store> store;
  std::string error;
  bool skipped = false;

 private:
  std::filesystem::path dir_;
  std::string url_, pg_url_, schema_;
};

inline model::OrgUnit TestUnit(std::string code, model::OrgKind kind, std::string name) {
  model::OrgUnit u;
  u.parent_code = model::ParentCode(code);
  u.code = std::move(code);
  u.kind = kind;
  u.name = std::move(name);
  return u;
}

}  // namespace cg::testing
