#include "api/http_probe.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstring>

namespace cg::api {
namespace {

struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

using Deadline = std::chrono::steady_clock::time_point;

int Remaining(Deadline d) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(d - std::chrono::steady_clock::now()).count();
  return ms > 0 ? static_cast<int>(ms) : 0;
}

bool WaitFor(int fd, short events, Deadline d) {
  pollfd p{fd, events, 0};
  int rc;
  do rc = ::poll(&p, 1, Remaining(d));
  while (rc < 0 && errno == EINTR);
  return rc > 0;
}

}  // namespace

Result<ProbeResponse> ProbeHttp(const std::string& host, std::uint16_t port, const std::string& path,
                                int timeout_ms) {
  const std::string where = host + ":" + std::to_string(port);
  if (path.empty() || path[0] != '/' || path.find_first_of("\r\n ") != std::string::npos)
    return MakeError(ErrorCode::kInvalid, "bad probe path");
  const Deadline deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV;
  addrinfo* found = nullptr;
  if (::getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found) != 0 || found == nullptr)
    return MakeError(ErrorCode::kUnavailable, "cannot resolve " + host);
  Fd s{::socket(found->ai_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0)};
  int rc = s.fd < 0 ? -1 : ::connect(s.fd, found->ai_addr, found->ai_addrlen);
  ::freeaddrinfo(found);
  if (s.fd < 0) return MakeError(ErrorCode::kUnavailable, "socket: " + std::string(std::strerror(errno)));
  if (rc != 0 && errno != EINPROGRESS)
    return MakeError(ErrorCode::kUnavailable, "nothing listens on " + where + " (" + std::strerror(errno) + ")");
  if (rc != 0) {
    if (!WaitFor(s.fd, POLLOUT, deadline)) return MakeError(ErrorCode::kUnavailable, "no answer from " + where);
    int err = 0;
    socklen_t len = sizeof err;
    ::getsockopt(s.fd, SOL_SOCKET, SO_ERROR, &err, &len);
    if (err != 0)
      return MakeError(ErrorCode::kUnavailable, "nothing listens on " + where + " (" + std::strerror(err) + ")");
  }
  const std::string request = "GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n" +
                              "User-Agent: citygrid-doctor\r\n\r\n";
  std::size_t sent = 0;
  while (sent < request.size()) {
    if (!WaitFor(s.fd, POLLOUT, deadline)) return MakeError(ErrorCode::kUnavailable, "timeout sending to " + where);
    ssize_t n = ::send(s.fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) continue;
    if (n <= 0) return MakeError(ErrorCode::kUnavailable, "send to " + where + " failed");
    sent += static_cast<std::size_t>(n);
  }
  std::string reply;
  char buf[8192];
  constexpr std::size_t kMax = 64 * 1024 + 16 * 1024;
  while (reply.size() < kMax) {
    if (!WaitFor(s.fd, POLLIN, deadline)) return MakeError(ErrorCode::kUnavailable, "timeout waiting for " + where);
    ssize_t n = ::recv(s.fd, buf, sizeof buf, 0);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) continue;
    if (n < 0) return MakeError(ErrorCode::kUnavailable, "read from " + where + " failed");
    if (n == 0) break;
    reply.append(buf, static_cast<std::size_t>(n));
  }
  ProbeResponse out;
  if (reply.rfind("HTTP/1.", 0) != 0 || reply.size() < 12)
    return MakeError(ErrorCode::kUnavailable, where + " did not answer in HTTP");
  out.status = std::atoi(reply.c_str() + 9);
  if (out.status < 100 || out.status > 599) return MakeError(ErrorCode::kUnavailable, where + ": bad HTTP status line");
  auto body = reply.find("\r\n\r\n");
  if (body != std::string::npos) out.body = reply.substr(body + 4, 64 * 1024);
  return out;
}

std::string LocalAddressFor(const std::string& listen_host) {
  if (listen_host.empty() || listen_host == "0.0.0.0") return "127.0.0.1";
  if (listen_host == "::") return "::1";
  return listen_host;
}

}  // namespace cg::api
