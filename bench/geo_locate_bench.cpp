// Point lookup: GridIndex::Locate over the whole Baotou grid set (about 10k synthetic grids tiling
// the real district boundaries) vs PostGIS ST_Contains with a GiST index, single lookups over
// loopback with a prepared statement. Both use the same random points inside the city's bbox.
// The PostGIS benchmark runs when CITYGRID_PG_URL (or CITYGRID_TEST_PG_URL) names a database.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include <pqxx/pqxx>

#include "demo/baotou.hpp"
#include "geo/grid_index.hpp"
#include "geo/wkb.hpp"

namespace {

using cg::geo::GridIndex;
using cg::geo::Point;

struct Fixture {
  std::vector<std::pair<std::string, cg::geo::MultiPolygon>> grids;
  std::unique_ptr<GridIndex> index;
  std::vector<Point> points[2];  // [0] inside the city's bbox, [1] inside Kundulun's (dense urban grids)
  std::size_t vertices = 0;
};

const Fixture& Data() {
  static const Fixture* f = [] {
    auto* fx = new Fixture;
    auto tree = cg::demo::BuildBaotouOrgTree(CITYGRID_SOURCE_DIR "/data/baotou", 1);
    if (!tree.ok()) {
      std::fprintf(stderr, "BuildBaotouOrgTree: %s\n", tree.error().message.c_str());
      std::exit(1);
    }
    cg::geo::BBox boxes[2] = {(*tree)[0].bbox, {}};
    for (auto& u : *tree) {
      if (u.code == cg::demo::kKundulunCode) boxes[1] = u.bbox;
    }
    for (auto& u : *tree) {
      if (u.kind != cg::model::OrgKind::kGrid) continue;
      for (const auto& p : u.geometry) fx->vertices += p.outer.size();
      fx->grids.emplace_back(u.code, u.geometry);
    }
    fx->index = std::make_unique<GridIndex>(GridIndex::Build(fx->grids));
    for (int k = 0; k < 2; ++k) {
      std::mt19937_64 rng(12345);
      std::uniform_real_distribution<double> lon(boxes[k].min_lon, boxes[k].max_lon);
      std::uniform_real_distribution<double> lat(boxes[k].min_lat, boxes[k].max_lat);
      for (int i = 0; i < 1 << 20; ++i) fx->points[k].push_back({lon(rng), lat(rng)});
    }
    return fx;
  }();
  return *f;
}

void BM_GridIndexLocate(benchmark::State& state) {
  const Fixture& f = Data();
  const std::vector<Point>& points = f.points[state.range(0)];
  std::size_t i = static_cast<std::size_t>(state.thread_index()) * 7919, hits = 0;
  for (auto _ : state) {
    auto r = f.index->Locate(points[i++ & (points.size() - 1)]);
    hits += r.has_value();
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations());
  using benchmark::Counter;
  state.counters["grids"] = Counter(static_cast<double>(f.grids.size()), Counter::kAvgThreads);
  state.counters["avg_vertices"] = Counter(static_cast<double>(f.vertices) / f.grids.size(), Counter::kAvgThreads);
  state.counters["hit_ratio"] = Counter(static_cast<double>(hits) / state.iterations(), Counter::kAvgThreads);
}
// Arg 0: points in the city's bbox; 1: points in Kundulun's bbox.
BENCHMARK(BM_GridIndexLocate)->ArgName("kundulun")->Arg(0)->Arg(1)->Threads(1)->Threads(2)->UseRealTime();

const char* PgUrl() {
  const char* url = std::getenv("CITYGRID_PG_URL");
  if (url == nullptr || *url == 0) url = std::getenv("CITYGRID_TEST_PG_URL");
  return url != nullptr && *url != 0 ? url : nullptr;
}

std::string Hex(const std::string& bytes) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(digits[c >> 4]);
    out.push_back(digits[c & 15]);
  }
  return out;
}

// Loads the grids once per process into table bench_geo_grid with a GiST index.
void LoadPostgis(pqxx::connection& conn, const Fixture& f) {
  static bool loaded = false;
  if (loaded) return;
  pqxx::work tx(conn);
  tx.exec("CREATE EXTENSION IF NOT EXISTS postgis");
  tx.exec("DROP TABLE IF EXISTS bench_geo_grid");
  tx.exec("CREATE TABLE bench_geo_grid (code text PRIMARY KEY, geom geometry(MultiPolygon, 4326) NOT NULL)");
  {
    pqxx::stream_to copy(tx, "bench_geo_grid", std::vector<std::string>{"code", "geom"});
    for (const auto& [code, mp] : f.grids) {
      // Hex EWKB with SRID 4326: set the SRID flag on the outer type and insert the SRID.
      std::string wkb = cg::geo::EncodeWkb(mp);
      std::string ewkb = wkb.substr(0, 1) + std::string("\x06\x00\x00\x20", 4) + std::string("\xe6\x10\x00\x00", 4) +
                         wkb.substr(5);
      copy << std::make_tuple(code, Hex(ewkb));
    }
    copy.complete();
  }
  tx.exec("CREATE INDEX bench_geo_grid_gist ON bench_geo_grid USING gist (geom)");
  tx.exec("ANALYZE bench_geo_grid");
  tx.commit();
  loaded = true;
}

void BM_PostgisContains(benchmark::State& state) {
  const char* url = PgUrl();
  if (url == nullptr) {
    state.SkipWithError("set CITYGRID_PG_URL to a PostgreSQL+PostGIS database (bench/run-geo.sh does)");
    for (auto _ : state) {}
    return;
  }
  const Fixture& f = Data();
  pqxx::connection conn(url);
  LoadPostgis(conn, f);
  conn.prepare("locate", "SELECT code FROM bench_geo_grid WHERE ST_Contains(geom, "
                         "ST_SetSRID(ST_MakePoint($1, $2), 4326)) LIMIT 1");
  const std::vector<Point>& points = f.points[state.range(0)];
  std::size_t i = 0, hits = 0, agree = 0, compared = 0;
  for (auto _ : state) {
    const Point p = points[i++ & (points.size() - 1)];
    pqxx::nontransaction tx(conn);
    pqxx::result r = tx.exec_prepared("locate", p.lon, p.lat);
    hits += !r.empty();
    if (compared < 5000) {
      auto mine = f.index->Locate(p);
      std::string pg = r.empty() ? "" : r[0][0].c_str();
      agree += (mine ? f.index->CodeAt(*mine) : std::string()) == pg;
      ++compared;
    }
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["hit_ratio"] = static_cast<double>(hits) / state.iterations();
  state.counters["agree_with_index"] = compared ? static_cast<double>(agree) / compared : 0;
}
BENCHMARK(BM_PostgisContains)->ArgName("kundulun")->Arg(0)->Arg(1)->MinTime(3.0)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
