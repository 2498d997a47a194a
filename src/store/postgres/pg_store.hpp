#pragma once
// PostgreSQL backend (libpqxx 6.4). See docs/store.md for the thread model.

#include <memory>
#include <string>

#include "store/store.hpp"

namespace cg::store::postgres {

// Connects to the libpq URL `url` (postgresql://... or postgres://...). kUnavailable with the
// server's message if it cannot be reached. Extra libpq options in the URL are honoured, e.g.
// "?options=-csearch_path%3Dmy_schema" to use another schema.
Result<std::unique_ptr<Store>> OpenPgStore(const std::string& url);

}  // namespace cg::store::postgres
