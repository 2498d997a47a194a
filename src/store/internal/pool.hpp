#pragma once
// A bounded pool of database connections, opened on demand up to `max_open`. Acquire blocks
// while all are in use. A connection found unhealthy on release is dropped, freeing its slot.
// Thread-safe.

#include <condition_variable>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <utility>
#include <vector>

namespace cg::store::internal {

template <class Conn>
class ConnectionPool {
 public:
  using Open = std::function<std::unique_ptr<Conn>()>;  // may throw; the slot is then freed
  using Healthy = std::function<bool(Conn&)>;

  ConnectionPool(std::size_t max_open, Open open, Healthy healthy = {})
      : max_open_(max_open), open_fn_(std::move(open)), healthy_(std::move(healthy)) {}

  // Returns its connection to the pool when destroyed.
  class Lease {
   public:
    Lease(ConnectionPool& pool, std::unique_ptr<Conn> conn) : pool_(pool), conn_(std::move(conn)) {}
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    ~Lease() { pool_.Release(std::move(conn_)); }
    Conn& operator*() { return *conn_; }
    Conn* operator->() { return conn_.get(); }

   private:
    ConnectionPool& pool_;
    std::unique_ptr<Conn> conn_;
  };

  Lease Acquire() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return !idle_.empty() || open_ < max_open_; });
    if (!idle_.empty()) {
      auto conn = std::move(idle_.back());
      idle_.pop_back();
      return Lease(*this, std::move(conn));
    }
    ++open_;
    lock.unlock();
    try {
      return Lease(*this, open_fn_());
    } catch (...) {
      std::lock_guard relock(mu_);
      --open_;
      cv_.notify_one();
      throw;
    }
  }

 private:
  void Release(std::unique_ptr<Conn> conn) {
    std::lock_guard lock(mu_);
    if (conn && (!healthy_ || healthy_(*conn))) idle_.push_back(std::move(conn));
    else --open_;
    cv_.notify_one();
  }

  const std::size_t max_open_;
  Open open_fn_;
  Healthy healthy_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<Conn>> idle_;
  std::size_t open_ = 0;
};

}  // namespace cg::store::internal
