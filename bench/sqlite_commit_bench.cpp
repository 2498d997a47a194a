// Raw SQLite durable-commit rate, for comparison with durable intake over HTTP in the same run
// (bench/run-intake.sh): one connection, WAL + synchronous=FULL (the server's settings),
// single-row INSERT + COMMIT in a loop for --seconds; then the same with 16 rows per commit.
// It includes sqlite3.h outside src/store on purpose: it measures the library, not citygrid.
// Usage: sqlite_commit_bench DB_FILE [SECONDS]
#include <sqlite3.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace {

void Check(int rc, sqlite3* db, const char* what) {
  if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW) {
    std::fprintf(stderr, "%s: %s\n", what, sqlite3_errmsg(db));
    std::exit(1);
  }
}

// Commits of `rows_per_commit` rows each for `seconds`; prints commits/s and rows/s.
void Run(sqlite3* db, int rows_per_commit, double seconds) {
  sqlite3_stmt* ins = nullptr;
  Check(sqlite3_prepare_v2(db, "INSERT INTO t(v, at) VALUES (?1, ?2)", -1, &ins, nullptr), db, "prepare");
  const std::string payload(600, 'x');  // about one case row with its fields
  auto start = std::chrono::steady_clock::now();
  auto until = start + std::chrono::duration<double>(seconds);
  long commits = 0;
  while (std::chrono::steady_clock::now() < until) {
    Check(sqlite3_exec(db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), db, "begin");
    for (int i = 0; i < rows_per_commit; ++i) {
      sqlite3_bind_text(ins, 1, payload.data(), static_cast<int>(payload.size()), SQLITE_STATIC);
      sqlite3_bind_int64(ins, 2, commits);
      Check(sqlite3_step(ins), db, "insert");
      sqlite3_reset(ins);
    }
    Check(sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr), db, "commit");
    ++commits;
  }
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("sqlite WAL+FULL, %2d row(s)/commit: %8.0f commits/s  %8.0f rows/s  (%.1f ms/commit)\n",
              rows_per_commit, commits / secs, commits * rows_per_commit / secs, 1000 * secs / commits);
  sqlite3_finalize(ins);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s DB_FILE [SECONDS]\n", argv[0]);
    return 2;
  }
  double seconds = argc > 2 ? std::atof(argv[2]) : 5;
  sqlite3* db = nullptr;
  Check(sqlite3_open(argv[1], &db), db, "open");
  Check(sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; "
                         "CREATE TABLE IF NOT EXISTS t(id INTEGER PRIMARY KEY, v TEXT, at INTEGER)",
                     nullptr, nullptr, nullptr),
        db, "setup");
  Run(db, 1, seconds);
  Run(db, 16, seconds);
  sqlite3_close(db);
  return 0;
}
