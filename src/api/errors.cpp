#include "api/errors.hpp"

#include <nlohmann/json.hpp>

namespace cg::api {

int HttpStatusOf(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalid: return 400;
    case ErrorCode::kUnauthenticated: return 401;
    case ErrorCode::kForbidden: return 403;
    case ErrorCode::kNotFound: return 404;
    case ErrorCode::kConflict: return 409;
    case ErrorCode::kTooLarge: return 413;
    case ErrorCode::kRateLimited: return 429;
    case ErrorCode::kUnavailable: return 503;
    case ErrorCode::kInternal: return 500;
  }
  return 500;
}

Response ErrorResponse(int status, const std::string& code, const std::string& message) {
  Response r;
  r.status = status;
  nlohmann::json body = {{"error", {{"code", code}, {"message", message}}}};
  // Replace invalid UTF-8 (e.g. echoed from a hostile request) instead of throwing.
  r.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return r;
}

Response ErrorResponse(const Error& error) {
  return ErrorResponse(HttpStatusOf(error.code), ErrorCodeName(error.code), error.message);
}

Response BaseDataUnavailable() {
  return ErrorResponse(503, "unavailable",
                       "base data is off: the server found no data-element dictionary at start (elements_dir)");
}

}  // namespace cg::api
