// City-wide live report at city scale (docs/benchmarks.md, "Reports"): N synthetic persons in
// 10,000 grids (10 districts × 10 streets × 10 communities × 10 grids) loaded into the
// ReportProjection with every shipped template active, then the elderly report
// (civil_affairs.elderly: 13 columns, age bands from birth dates) for the whole city, one row
// per district — timed over many runs. Beside it, the same figures computed by SQL from the same
// persons in SQLite and (when CITYGRID_BENCH_PG_URL is set) PostgreSQL, in the same run. The SQL
// side gets its best case: a flat table of typed columns (not the JSON `data` of the real
// schema) and no scope joins. Every engine's figures are checked against the projection's.
//
//   reports_bench [persons=3000000] [report_runs=200] [sql_runs=3]
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <pqxx/pqxx>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "forms/dictionary.hpp"
#include "reports/projection.hpp"
#include "reports/template.hpp"

namespace {

using SteadyClock = std::chrono::steady_clock;
using cg::Date;

long RssKb() {
  std::ifstream f("/proc/self/status");
  std::string line;
  while (std::getline(f, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  return 0;
}

double Ms(SteadyClock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size())))];
}

struct Person {
  int grid = 0;  // 0..9999
  Date birth;
  bool deceased = false, alone = false, empty_nest = false, allowance = false;
  int amount_fen = 0;  // allowance per month, in fen
};

std::string GridCode(int g) {
  // 1502 + district (2 digits) + street (3) + community (3) + grid (3).
  char buf[32];
  std::snprintf(buf, sizeof buf, "1502%02d%03d%03d%03d", 2 + g / 1000, 1 + (g / 100) % 10, 1 + (g / 10) % 10,
                1 + g % 10);
  return buf;
}
std::string DistrictCode(int d) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "1502%02d", 2 + d);
  return buf;
}
std::string DateText(Date d) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", d.year, d.month, d.day);
  return buf;
}

// Ages roughly like Baotou's pyramid (about 20 % aged 60+, a thin tail past 90).
std::vector<Person> MakePeople(std::size_t n, Date today) {
  std::mt19937_64 rng(20261124);
  std::vector<Person> out(n);
  std::discrete_distribution<int> decade({11, 10, 13, 15, 15, 16, 11, 6, 2.6, 0.35, 0.05});
  std::uniform_int_distribution<int> year_in(0, 9), month(1, 12), day(1, 28), grid(0, 9999), pct(0, 99);
  for (auto& p : out) {
    p.grid = grid(rng);
    int age = decade(rng) * 10 + year_in(rng);
    p.birth = Date{today.year - age - 1 + (pct(rng) < 50 ? 1 : 0), month(rng), day(rng)};
    p.deceased = pct(rng) < 1;
    if (age >= 60) {
      p.alone = pct(rng) < 9;
      p.empty_nest = !p.alone && pct(rng) < 22;
    }
    if (age >= 80) {
      p.allowance = pct(rng) < 85;
      p.amount_fen = age >= 90 ? 20000 : 10000;
    }
  }
  return out;
}

cg::store::BaseRecord Record(const Person& p, std::int64_t id) {
  cg::store::BaseRecord r;
  r.entity = cg::model::BaseEntity::kPerson;
  r.id = id;
  r.version = 1;
  r.grid_code = GridCode(p.grid);
  r.fields["birth_date"] = DateText(p.birth);
  r.fields["sex"] = id % 2 ? "male" : "female";
  r.fields["residence_status"] = "registered";
  if (p.deceased) r.fields["person.deceased_date"] = "2026-01-05";
  if (p.alone) r.fields["person.elderly_living_alone"] = "true";
  if (p.empty_nest) r.fields["person.elderly_empty_nest"] = "true";
  if (p.allowance) {
    r.fields["person.old_age_allowance"] = "true";
    char buf[32];
    std::snprintf(buf, sizeof buf, "%d.%02d", p.amount_fen / 100, p.amount_fen % 100);
    r.fields["person.old_age_allowance_amount"] = buf;
  }
  return r;
}

// The elderly report's columns other than the ratio, as SQL over the flat table. `:bNN` are
// the birth-date thresholds "born on or before today NN years ago".
std::string ElderlySql(Date today, bool postgres) {
  auto b = [&](int years) { return "'" + DateText(Date{today.year - years, today.month, today.day}) + "'"; };
  std::string flag = postgres ? " = true" : " = 1";
  std::string s = "SELECT substr(grid, 1, 6) AS d, count(*),";
  s += " sum(CASE WHEN birth <= " + b(60) + " THEN 1 ELSE 0 END),";
  s += " sum(CASE WHEN birth <= " + b(60) + " AND birth > " + b(70) + " THEN 1 ELSE 0 END),";
  s += " sum(CASE WHEN birth <= " + b(70) + " AND birth > " + b(80) + " THEN 1 ELSE 0 END),";
  s += " sum(CASE WHEN birth <= " + b(80) + " AND birth > " + b(90) + " THEN 1 ELSE 0 END),";
  s += " sum(CASE WHEN birth <= " + b(90) + " AND birth > " + b(100) + " THEN 1 ELSE 0 END),";
  s += " sum(CASE WHEN birth <= " + b(100) + " THEN 1 ELSE 0 END),";
  s += " sum(CASE WHEN alone" + flag + " AND birth <= " + b(60) + " THEN 1 ELSE 0 END),";
  s += " sum(CASE WHEN alone" + flag + " AND birth <= " + b(80) + " THEN 1 ELSE 0 END),";
  s += " sum(CASE WHEN empty_nest" + flag + " AND birth <= " + b(60) + " THEN 1 ELSE 0 END),";
  s += " sum(CASE WHEN allowance" + flag + " THEN 1 ELSE 0 END),";
  s += " sum(CASE WHEN allowance" + flag + " THEN amount_fen ELSE 0 END)";
  s += " FROM persons_flat WHERE NOT deceased GROUP BY substr(grid, 1, 6) ORDER BY 1";
  return s;
}

// One district's twelve figures (the ratio column left out), amounts in fen.
using Figures = std::vector<std::vector<std::int64_t>>;

bool Same(const Figures& a, const Figures& b, const char* what) {
  if (a == b) return true;
  std::fprintf(stderr, "MISMATCH: %s figures differ from the projection's\n", what);
  for (std::size_t i = 0; i < std::min(a.size(), b.size()); ++i)
    for (std::size_t j = 0; j < std::min(a[i].size(), b[i].size()); ++j)
      if (a[i][j] != b[i][j]) {
        std::fprintf(stderr, "  district %zu column %zu: %lld vs %lld\n", i, j, static_cast<long long>(a[i][j]),
                     static_cast<long long>(b[i][j]));
        return false;
      }
  return false;
}

int Fail(const std::string& m) {
  std::fprintf(stderr, "reports_bench: %s\n", m.c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  const std::size_t n = argc > 1 ? std::stoul(argv[1]) : 3'000'000;
  const int runs = argc > 2 ? std::stoi(argv[2]) : 200;
  const int sql_runs = argc > 3 ? std::stoi(argv[3]) : 3;
  const std::string root = CITYGRID_SOURCE_DIR;
  const Date today{2026, 11, 24};

  auto dict = cg::forms::Dictionary::LoadDirectory(root + "/data/elements");
  if (!dict.ok()) return Fail(dict.error().message);
  auto templates = cg::reports::LoadTemplateDirectory(root + "/data/reports", *dict);
  if (!templates.ok()) return Fail(templates.error().message);
  std::vector<const cg::reports::Template*> active;
  const cg::reports::Template* elderly = nullptr;
  for (const auto& t : *templates) {
    active.push_back(&t);
    if (t.code == "civil_affairs.elderly") elderly = &t;
  }
  if (!elderly) return Fail("data/reports has no civil_affairs.elderly");

  std::printf("persons %zu, grids 10000, templates %zu\n", n, active.size());
  auto t0 = SteadyClock::now();
  auto people = MakePeople(n, today);
  std::printf("generate: %.0f ms\n", Ms(SteadyClock::now() - t0));

  // --- The projection (what the server keeps) ---
  long rss0 = RssKb();
  cg::reports::ReportProjection projection;
  projection.SetTemplates(active);
  t0 = SteadyClock::now();
  for (std::size_t i = 0; i < people.size(); ++i) projection.Upsert(Record(people[i], static_cast<std::int64_t>(i + 1)));
  double load_ms = Ms(SteadyClock::now() - t0);
  std::printf("projection load (snapshot of %zu persons, %zu templates): %.0f ms, RSS +%ld MiB\n", n, active.size(),
              load_ms, (RssKb() - rss0) / 1024);

  std::vector<std::string> rows;
  for (int d = 0; d < 10; ++d) rows.push_back(DistrictCode(d));
  std::vector<double> lat;
  Figures mine;
  for (int i = 0; i < runs; ++i) {
    auto s = SteadyClock::now();
    auto r = projection.Compute(*elderly, rows, "1502", today);
    lat.push_back(Ms(SteadyClock::now() - s));
    if (!r.ok()) return Fail(r.error().message);
    if (i == 0) {
      for (std::size_t row = 0; row < rows.size(); ++row) {
        std::vector<std::int64_t> f;
        for (std::size_t c = 0; c + 1 < (*r)[row].size(); ++c) {
          const auto& cell = (*r)[row][c];
          // Amounts to fen whatever the cell's decimals.
          f.push_back(cell.decimals == 0 ? cell.value : std::llround(cell.Number() * 100));
        }
        mine.push_back(f);
      }
    }
  }
  std::printf("city-wide elderly report from the projection (10 rows + total over 10,000 grids, %d runs): "
              "p50 %.2f ms, p99 %.2f ms, max %.2f ms\n",
              runs, Percentile(lat, 0.5), Percentile(lat, 0.99), Percentile(lat, 1.0));

  // --- SQLite ---
  auto dir = std::filesystem::temp_directory_path() / "cg_reports_bench";
  std::filesystem::create_directories(dir);
  auto db_path = (dir / "flat.db").string();
  std::filesystem::remove(db_path);
  sqlite3* db = nullptr;
  if (sqlite3_open(db_path.c_str(), &db) != SQLITE_OK) return Fail("sqlite open");
  sqlite3_exec(db,
               "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
               "CREATE TABLE persons_flat(id INTEGER PRIMARY KEY, grid TEXT NOT NULL, birth TEXT NOT NULL,"
               " deceased INTEGER NOT NULL, alone INTEGER NOT NULL, empty_nest INTEGER NOT NULL,"
               " allowance INTEGER NOT NULL, amount_fen INTEGER NOT NULL)",
               nullptr, nullptr, nullptr);
  t0 = SteadyClock::now();
  sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr);
  sqlite3_stmt* ins = nullptr;
  sqlite3_prepare_v2(db, "INSERT INTO persons_flat VALUES (?,?,?,?,?,?,?,?)", -1, &ins, nullptr);
  for (std::size_t i = 0; i < people.size(); ++i) {
    const auto& p = people[i];
    auto grid = GridCode(p.grid), birth = DateText(p.birth);
    sqlite3_bind_int64(ins, 1, static_cast<sqlite3_int64>(i + 1));
    sqlite3_bind_text(ins, 2, grid.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(ins, 3, birth.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(ins, 4, p.deceased);
    sqlite3_bind_int(ins, 5, p.alone);
    sqlite3_bind_int(ins, 6, p.empty_nest);
    sqlite3_bind_int(ins, 7, p.allowance);
    sqlite3_bind_int(ins, 8, p.amount_fen);
    if (sqlite3_step(ins) != SQLITE_DONE) return Fail(sqlite3_errmsg(db));
    sqlite3_reset(ins);
  }
  sqlite3_finalize(ins);
  sqlite3_exec(db, "COMMIT; CREATE INDEX persons_flat_grid ON persons_flat(grid); ANALYZE", nullptr, nullptr, nullptr);
  std::printf("sqlite load: %.0f ms\n", Ms(SteadyClock::now() - t0));
  const std::string sql = ElderlySql(today, false);
  std::vector<double> sqlite_lat;
  Figures theirs;
  for (int i = 0; i < sql_runs; ++i) {
    sqlite3_stmt* q = nullptr;
    auto s = SteadyClock::now();
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &q, nullptr) != SQLITE_OK) return Fail(sqlite3_errmsg(db));
    Figures got;
    while (sqlite3_step(q) == SQLITE_ROW) {
      std::vector<std::int64_t> f;
      for (int c = 1; c < sqlite3_column_count(q); ++c) f.push_back(sqlite3_column_int64(q, c));
      got.push_back(f);
    }
    sqlite3_finalize(q);
    sqlite_lat.push_back(Ms(SteadyClock::now() - s));
    theirs = got;
  }
  sqlite3_close(db);
  std::filesystem::remove_all(dir);
  // The amount column: SQL sums fen; the projection's cell is yuan with 2 decimals → fen above.
  bool same = Same(mine, theirs, "SQLite");
  std::printf("same aggregation as SQL on SQLite (flat typed table, %d runs): median %.0f ms, min %.0f ms; figures %s\n",
              sql_runs, Percentile(sqlite_lat, 0.5), Percentile(sqlite_lat, 0.0), same ? "identical" : "DIFFER");
  if (!same) return 1;

  // --- PostgreSQL ---
  const char* pg_url = std::getenv("CITYGRID_BENCH_PG_URL");
  if (pg_url && *pg_url) {
    try {
      pqxx::connection c(pg_url);
      {
        pqxx::work w(c);
        w.exec0("DROP TABLE IF EXISTS persons_flat");
        w.exec0(
            "CREATE TABLE persons_flat(id bigint PRIMARY KEY, grid text COLLATE \"C\" NOT NULL, birth text COLLATE "
            "\"C\" NOT NULL, deceased boolean NOT NULL, alone boolean NOT NULL, empty_nest boolean NOT NULL, "
            "allowance boolean NOT NULL, amount_fen bigint NOT NULL)");
        w.commit();
      }
      t0 = SteadyClock::now();
      {
        pqxx::work w(c);
        pqxx::stream_to stream(w, "persons_flat",
                               std::vector<std::string>{"id", "grid", "birth", "deceased", "alone", "empty_nest",
                                                        "allowance", "amount_fen"});
        for (std::size_t i = 0; i < people.size(); ++i) {
          const auto& p = people[i];
          stream << std::make_tuple(static_cast<std::int64_t>(i + 1), GridCode(p.grid), DateText(p.birth), p.deceased,
                                    p.alone, p.empty_nest, p.allowance, static_cast<std::int64_t>(p.amount_fen));
        }
        stream.complete();
        w.exec0("CREATE INDEX persons_flat_grid ON persons_flat(grid)");
        w.commit();
      }
      {
        pqxx::nontransaction w(c);
        w.exec0("VACUUM ANALYZE persons_flat");
      }
      std::printf("postgres load (COPY): %.0f ms\n", Ms(SteadyClock::now() - t0));
      const std::string pg_sql = ElderlySql(today, true);
      std::vector<double> pg_lat;
      Figures pg;
      for (int i = 0; i < sql_runs; ++i) {
        pqxx::work w(c);
        auto s = SteadyClock::now();
        auto res = w.exec(pg_sql);
        pg_lat.push_back(Ms(SteadyClock::now() - s));
        Figures got;
        for (const auto& row : res) {
          std::vector<std::int64_t> f;
          for (int col = 1; col < static_cast<int>(row.size()); ++col) f.push_back(row[col].as<std::int64_t>());
          got.push_back(f);
        }
        pg = got;
      }
      {
        pqxx::work w(c);
        w.exec0("DROP TABLE persons_flat");
        w.commit();
      }
      bool pg_same = Same(mine, pg, "PostgreSQL");
      std::printf("same aggregation as SQL on PostgreSQL (flat typed table, %d runs): median %.0f ms, min %.0f ms; "
                  "figures %s\n",
                  sql_runs, Percentile(pg_lat, 0.5), Percentile(pg_lat, 0.0), pg_same ? "identical" : "DIFFER");
      if (!pg_same) return 1;
    } catch (const std::exception& e) {
      return Fail(std::string("postgres: ") + e.what());
    }
  } else {
    std::printf("postgres: skipped (set CITYGRID_BENCH_PG_URL)\n");
  }
  return 0;
}
