#pragma once
// Migration 15: sealed case fields. A case field of type phone (e.g. 随手拍's contact_phone) is
// kept in case_fields only masked; its clear value lives here as privacy::FieldCipher output
// (hex), bound to "case.<code>:<public_id>", read only by the audited unmask route. Included by
// migrations.cpp only.
#include <string_view>

namespace cg::store::internal {

inline constexpr std::string_view kSqlite15 = R"sql(
CREATE TABLE case_sealed_fields (
  case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
  code TEXT NOT NULL,
  cipher TEXT NOT NULL,
  PRIMARY KEY (case_id, code)
);
)sql";

inline constexpr std::string_view kPostgres15 = R"sql(
CREATE TABLE case_sealed_fields (
  case_id bigint NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
  code text COLLATE "C" NOT NULL,
  cipher text NOT NULL,
  PRIMARY KEY (case_id, code)
);
)sql";

}  // namespace cg::store::internal
