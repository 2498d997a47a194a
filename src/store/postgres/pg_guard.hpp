#pragma once
// The error guard shared by the PostgreSQL backend's parts. Private to src/store.

#include <new>
#include <pqxx/pqxx>
#include <string>

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

}  // namespace cg::store::postgres
