#pragma once
// Migration 20: a notice's optional image (docs/notices.md "Image"): the re-encoded copy
// (long side <= 1600 px, no metadata) and its thumbnail, as hex like the notice audio; the
// uploaded original is not kept (a notice is public). Included by migrations.cpp only.
#include <string_view>

namespace cg::store::internal {

inline constexpr std::string_view kSqlite20 = R"sql(
CREATE TABLE notice_images (
  notice_id INTEGER NOT NULL PRIMARY KEY REFERENCES notices(id) ON DELETE CASCADE,
  width INTEGER NOT NULL,
  height INTEGER NOT NULL,
  jpeg TEXT NOT NULL,
  thumbnail TEXT NOT NULL
);
)sql";

inline constexpr std::string_view kPostgres20 = R"sql(
CREATE TABLE notice_images (
  notice_id bigint NOT NULL PRIMARY KEY REFERENCES notices(id) ON DELETE CASCADE,
  width integer NOT NULL,
  height integer NOT NULL,
  jpeg text NOT NULL,
  thumbnail text NOT NULL
);
)sql";

}  // namespace cg::store::internal
