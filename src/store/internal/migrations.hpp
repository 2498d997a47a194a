#pragma once
// The schema's history: numbered migrations, each with one script per SQL dialect. A migration
// is never edited once released; a schema change is a new entry at the end.

#include <span>
#include <string_view>

namespace cg::store::internal {

struct Migration {
  int version;
  std::string_view description;
  std::string_view sqlite_sql;
  std::string_view postgres_sql;
};

// All migrations in ascending version order (1, 2, ... without gaps).
std::span<const Migration> Migrations();

}  // namespace cg::store::internal
