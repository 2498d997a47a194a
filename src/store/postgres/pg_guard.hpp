#pragma once
// The error guard shared by the PostgreSQL backend's parts. Private to src/store.

#include <new>
#include <pqxx/pqxx>
#include <string>
#include <string_view>

#include "store/internal/common.hpp"

namespace cg::store::postgres {

// Maps libpqxx exceptions to errors; class 23 (integrity) by SQLSTATE.
template <class F>
auto Guard(F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const internal::DbError& e) {
    return e.error;
  } catch (const pqxx::broken_connection& e) {
    return MakeError(ErrorCode::kUnavailable, std::string("PostgreSQL unreachable: ") + e.what());
  } catch (const pqxx::in_doubt_error& e) {
    return MakeError(ErrorCode::kUnavailable, std::string("PostgreSQL commit in doubt: ") + e.what());
  } catch (const pqxx::sql_error& e) {
    const std::string& state = e.sqlstate();
    ErrorCode code = ErrorCode::kInternal;
    if (state == "23505") code = ErrorCode::kConflict;
    else if (state.starts_with("23") || state.starts_with("22")) code = ErrorCode::kInvalid;
    else if (state == "40001" || state == "40P01") code = ErrorCode::kConflict;
    else if (state.starts_with("08") || state.starts_with("57")) code = ErrorCode::kUnavailable;
    return MakeError(code, std::string("PostgreSQL: ") + e.what());
  } catch (const pqxx::failure& e) {
    return MakeError(ErrorCode::kUnavailable, std::string("PostgreSQL: ") + e.what());
  } catch (const std::bad_alloc&) {
    return MakeError(ErrorCode::kInternal, "out of memory");
  }
}

// bytea input in hex format: "\\x" followed by two hex digits per byte.
inline std::string ByteaHex(std::string_view bytes) {
  static const char* kHex = "0123456789abcdef";
  std::string out;
  out.reserve(2 + bytes.size() * 2);
  out += "\\x";
  for (unsigned char b : bytes) {
    out += kHex[b >> 4];
    out += kHex[b & 0xF];
  }
  return out;
}

}  // namespace cg::store::postgres
