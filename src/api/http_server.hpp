#pragma once
// HTTP/1.1 server (Boost.Beast) in front of an App. Reads the header first, so an oversize
// body is answered 413 and an oversize header 431 before the body is read, and the
// connection is closed politely (the response is always delivered).

#include <cstdint>
#include <memory>
#include <string>

#include "api/app.hpp"
#include "core/result.hpp"

namespace cg::api {

struct ServerOptions {
  std::string host = "0.0.0.0";
  std::uint16_t port = 8080;  // 0 picks a free port (tests)
  std::size_t threads = 2;
  std::size_t max_body_bytes = 1 << 20;
  std::size_t max_upload_bytes = 64 << 20;  // multipart/form-data bodies (photo uploads)
  std::size_t max_header_bytes = 16 * 1024;  // request line + headers, incl. the query string
  int idle_timeout_s = 30;
};

class HttpServer {
 public:
  HttpServer(App& app, ServerOptions options);
  ~HttpServer();  // Stops if still running.

  // Binds and starts the worker threads. kUnavailable if the address cannot be bound.
  Status Start();
  // The bound port (after Start).
  std::uint16_t port() const;
  // Stops accepting, lets requests in flight finish (up to `grace_ms`), then stops the threads.
  void Stop(int grace_ms = 10'000);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace cg::api
