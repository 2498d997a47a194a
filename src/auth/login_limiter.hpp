#pragma once
// Counts failed logins per key (a username, an address) in a sliding window; a key with
// `max_failures` failures inside the window is refused until the oldest one ages out.
// In memory, per node; bounded in size. Thread-safe.

#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <unordered_map>

#include "core/clock.hpp"

namespace cg::auth {

class LoginLimiter {
 public:
  LoginLimiter(const Clock& clock, int max_failures, std::int64_t window_ms,
               std::size_t max_keys = 100'000);

  // Milliseconds until `key` may try again, or 0 if it may try now.
  std::int64_t RetryAfterMs(const std::string& key);
  void RecordFailure(const std::string& key);
  void RecordSuccess(const std::string& key);

 private:
  void Prune(std::deque<Timestamp>& q, Timestamp now) const;

  const Clock& clock_;
  const int max_failures_;
  const std::int64_t window_ms_;
  const std::size_t max_keys_;
  std::mutex mu_;
  std::unordered_map<std::string, std::deque<Timestamp>> failures_;
};

}  // namespace cg::auth
