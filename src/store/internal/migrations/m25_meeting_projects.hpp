#pragma once
// Migration 25: a deliberation meeting's decision can open a governance project (docs/
// deliberation.md, issue 12 item 1): the project it opened, beside the case it opened.
// Included by migrations.cpp only.
#include <string_view>

namespace cg::store::internal {

inline constexpr std::string_view kSqlite25 = R"sql(
ALTER TABLE topic_meetings ADD COLUMN project_id INTEGER NOT NULL DEFAULT 0;
)sql";

inline constexpr std::string_view kPostgres25 = R"sql(
ALTER TABLE topic_meetings ADD COLUMN project_id bigint NOT NULL DEFAULT 0;
)sql";

}  // namespace cg::store::internal
