#include "store/store.hpp"

#include "store/postgres/pg_store.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace cg::store {

Result<std::unique_ptr<Store>> Store::Open(const std::string& url) {
  constexpr std::string_view kSqlite = "sqlite://";
  if (url.starts_with(kSqlite)) {
    std::string path = url.substr(kSqlite.size());
    if (path.empty()) return MakeError(ErrorCode::kInvalid, "sqlite:// URL has no file path");
    return sqlite::OpenSqliteStore(path);
  }
  if (url.starts_with("postgresql://") || url.starts_with("postgres://")) {
    return postgres::OpenPgStore(url);
  }
  return MakeError(ErrorCode::kInvalid,
                   "unknown database URL scheme (expected sqlite://PATH or postgresql://...)");
}

}  // namespace cg::store
