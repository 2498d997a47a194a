#pragma once
// A one-shot HTTP/1.1 GET against a server on this machine (`citygrid doctor` asks a running
// server's /healthz). Plain TCP, no TLS, bounded by a timeout.

#include <cstdint>
#include <string>

#include "core/result.hpp"

namespace cg::api {

struct ProbeResponse {
  int status = 0;
  std::string body;  // at most 64 KiB
};

// GET `path` from host:port (an IPv4/IPv6 literal or "localhost"). kUnavailable when nothing
// answers within `timeout_ms` or the reply is not HTTP.
Result<ProbeResponse> ProbeHttp(const std::string& host, std::uint16_t port, const std::string& path,
                                int timeout_ms = 2000);

// The address to reach a server listening on `listen_host` from this machine: a wildcard
// (0.0.0.0, ::, empty) becomes the loopback of its family.
std::string LocalAddressFor(const std::string& listen_host);

}  // namespace cg::api
