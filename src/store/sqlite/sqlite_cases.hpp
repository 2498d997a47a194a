#pragma once
// SQLite CaseStore (sqlite_cases.cpp). Private to src/store: reached through Store::Cases().

#include <memory>
#include <string>

#include "store/case_store.hpp"

namespace cg::store::sqlite {

// Opens its own connections to the database file at `path`; throws internal::DbError if it
// cannot be opened.
std::unique_ptr<CaseStore> OpenSqliteCaseStore(const std::string& path);

}  // namespace cg::store::sqlite
