#pragma once
// Column codecs shared by the SQL written once for both backends (base_store.cpp,
// import_store.cpp): hex for binary values, "key=value" lines for field maps, and Guard, which
// turns a DbError thrown inside a transaction into a returned Error. Private to src/store.

#include <cstdint>
#include <new>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.hpp"
#include "model/base_data.hpp"
#include "store/base_store.hpp"
#include "store/internal/common.hpp"
#include "store/internal/sql_tx.hpp"

namespace cg::store::internal {

std::string Hex(std::string_view bytes);
// kInternal (thrown as DbError) for text that is not lower-case hex.
std::string Unhex(std::string_view hex);
// Field map <-> one text column: "key=value" lines, '\' and newline escaped in values.
std::string EncodeFields(const model::Fields& fields);
model::Fields DecodeFields(std::string_view text);
// A text column as an integer (0 for NULL).
std::int64_t ToInt(const std::optional<std::string>& v);
// The columns of a base-data row as SELECTed (persons add their sealed values), and the row read
// back (IsPerson: unhexed SealedValues without masks).
std::string SelectCols(model::BaseEntity e);
BaseRecord ReadRecord(model::BaseEntity e, const SqlRow& row);

template <class F>
auto Guard(F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const DbError& e) {
    return e.error;
  } catch (const std::bad_alloc&) {
    return MakeError(ErrorCode::kInternal, "out of memory");
  }
}

}  // namespace cg::store::internal
