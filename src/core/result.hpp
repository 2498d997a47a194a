#pragma once
// Expected failures are values: Result<T> holds either a T or an Error with an ErrorCode.
// Exactly one place (api/errors.cpp) maps ErrorCode to an HTTP status.

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace cg {

enum class ErrorCode {
  kInvalid,       // the caller sent something malformed or out of range
  kNotFound,      // does not exist, or exists outside the caller's scope
  kConflict,      // violates uniqueness or a concurrent change
  kUnauthenticated,
  kForbidden,     // authenticated, but the role may not do this
  kTooLarge,
  kRateLimited,
  kUnavailable,   // a dependency (database) is down; retrying may help
  kInternal,
};

// Stable machine name of a code, e.g. "not_found"; used in JSON errors and logs.
const char* ErrorCodeName(ErrorCode code);

struct Error {
  ErrorCode code;
  std::string message;
};

inline Error MakeError(ErrorCode code, std::string message) { return Error{code, std::move(message)}; }

// A T or an Error. Accessing value() of an error (or error() of a value) is a bug and asserts.
template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}
  Result(Error error) : v_(std::move(error)) {}

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { assert(ok()); return std::get<0>(v_); }
  const T& value() const& { assert(ok()); return std::get<0>(v_); }
  T&& value() && { assert(ok()); return std::get<0>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  const Error& error() const { assert(!ok()); return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

// Success or an Error, for operations that return nothing.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Error error) : error_(std::move(error)), ok_(false) {}
  static Status Ok() { return Status(); }
  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const { assert(!ok_); return error_; }

 private:
  Error error_{ErrorCode::kInternal, {}};
  bool ok_ = true;
};

}  // namespace cg

// Propagates an error from a Status or Result expression out of the enclosing function.
#define CG_RETURN_IF_ERROR(expr)            \
  do {                                      \
    auto&& cg_status_ = (expr);             \
    if (!cg_status_.ok()) return cg_status_.error(); \
  } while (0)
