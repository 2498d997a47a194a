#pragma once
// PostgreSQL CaseStore (pg_cases.cpp). Private to src/store: reached through Store::Cases().

#include <memory>
#include <string>

#include "store/case_store.hpp"

namespace cg::store::postgres {

// Uses its own connection pool to `url`, connecting on first use.
std::unique_ptr<CaseStore> OpenPgCaseStore(const std::string& url);

}  // namespace cg::store::postgres
