#include "auth/login_limiter.hpp"

namespace cg::auth {

LoginLimiter::LoginLimiter(const Clock& clock, int max_failures, std::int64_t window_ms,
                           std::size_t max_keys)
    : clock_(clock), max_failures_(max_failures), window_ms_(window_ms), max_keys_(max_keys) {}

void LoginLimiter::Prune(std::deque<Timestamp>& q, Timestamp now) const {
  while (!q.empty() && q.front() <= now - window_ms_) q.pop_front();
}

std::int64_t LoginLimiter::RetryAfterMs(const std::string& key) {
  std::lock_guard lock(mu_);
  auto it = failures_.find(key);
  if (it == failures_.end()) return 0;
  Timestamp now = clock_.Now();
  Prune(it->second, now);
  if (static_cast<int>(it->second.size()) < max_failures_) return 0;
  return it->second.front() + window_ms_ - now;
}

void LoginLimiter::RecordFailure(const std::string& key) {
  std::lock_guard lock(mu_);
  Timestamp now = clock_.Now();
  if (failures_.size() >= max_keys_ && !failures_.count(key)) {
    // Under a flood of distinct keys, drop the expired ones; if none expired, forget all
    // rather than grow without bound (the per-address key still limits the flooder).
    for (auto it = failures_.begin(); it != failures_.end();) {
      Prune(it->second, now);
      it = it->second.empty() ? failures_.erase(it) : std::next(it);
    }
    if (failures_.size() >= max_keys_) failures_.clear();
  }
  auto& q = failures_[key];
  Prune(q, now);
  q.push_back(now);
  while (static_cast<int>(q.size()) > max_failures_) q.pop_front();
}

void LoginLimiter::RecordSuccess(const std::string& key) {
  std::lock_guard lock(mu_);
  failures_.erase(key);
}

}  // namespace cg::auth
