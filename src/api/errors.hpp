#pragma once
// The one place where an ErrorCode becomes an HTTP status and the JSON error body
// {"error":{"code":"not_found","message":"..."}}.

#include "api/http_types.hpp"
#include "core/result.hpp"

namespace cg::api {

int HttpStatusOf(ErrorCode code);
Response ErrorResponse(const Error& error);
// For failures found before routing (bad target, 404 path, 405 method, 413, 431 ...).
Response ErrorResponse(int status, const std::string& code, const std::string& message);
// 503 for base-data, visit and report routes while base data is off: the server started without
// a data-element dictionary (elements_dir); the master key is created when missing.
Response BaseDataUnavailable();

}  // namespace cg::api
