#pragma once
// SQLite backend (raw C API). See docs/store.md for the thread and durability model.

#include <memory>
#include <cstdint>
#include <string>
#include <utility>

#include "store/store.hpp"

namespace cg::store::sqlite {

// Opens or creates the database file at `path` (parent directories must exist) with WAL,
// synchronous=FULL and foreign keys on. kUnavailable if the file cannot be opened.
Result<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path);

// Connection settings as SQLite reports them, for tests and `citygrid check`.
struct Pragmas {
  std::string journal_mode;
  std::int64_t synchronous = -1;  // 2 = FULL
  std::int64_t foreign_keys = -1;
  std::int64_t busy_timeout = -1;
};
// The writer's and one reader connection's settings; kInvalid if `store` is not a SQLite store.
Result<std::pair<Pragmas, Pragmas>> InspectPragmas(Store& store);

}  // namespace cg::store::sqlite
