#pragma once
// Group commit: concurrent callers share one durable transaction. Each caller enqueues its
// request and waits; whichever waiting caller finds no batch in progress becomes the leader,
// takes every queued request (up to `max_batch`), runs the commit function once for all of
// them (one transaction, one fsync), fills each slot's result and wakes the followers. While a
// leader commits, new requests queue up and form the next batch, so the batch size adapts to
// the load: one request alone is committed at once, with no added wait.
//
// Durability: a caller returns only after the batch holding its request was committed (or
// failed), because the commit function sets the results only after its COMMIT returned.
// Thread-safe; no thread of its own (nothing to stop on destruction). Private to src/store.

#include <condition_variable>
#include <cstddef>
#include <exception>
#include <functional>
#include <mutex>
#include <optional>
#include <utility>
#include <vector>

namespace cg::store::internal {

// Largest batch of case submissions committed together (bounds one transaction's size).
inline constexpr std::size_t kMaxIntakeBatch = 256;

template <class Req, class Res>
class GroupCommit {
 public:
  struct Slot {
    const Req* req = nullptr;
    std::optional<Res> res;  // set by the commit function
    std::exception_ptr error;  // what the commit function threw, rethrown to every caller
    bool done = false;       // guarded by the queue's mutex
  };
  // Must set res of every slot; map failures to Res (if it throws anyway, every caller of the
  // batch gets the exception rather than hanging).
  using CommitFn = std::function<void(std::vector<Slot*>& batch)>;

  GroupCommit(std::size_t max_batch, CommitFn commit) : max_batch_(max_batch), commit_(std::move(commit)) {}

  // Blocks until the batch holding `req` has been committed; returns its result.
  Res Submit(const Req& req) {
    Slot slot;
    slot.req = &req;
    std::unique_lock lock(mu_);
    queue_.push_back(&slot);
    while (!slot.done) {
      if (leader_active_) {
        cv_.wait(lock);
        continue;
      }
      leader_active_ = true;
      std::vector<Slot*> batch;
      std::size_t n = std::min(queue_.size(), max_batch_);
      batch.assign(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(n));
      queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(n));
      lock.unlock();
      try {
        commit_(batch);
      } catch (...) {  // a bug, not a database error: no caller may wait forever for it
        for (Slot* s : batch) s->error = std::current_exception();
      }
      lock.lock();
      for (Slot* s : batch) s->done = true;
      ++batches_;
      committed_ += batch.size();
      leader_active_ = false;
      cv_.notify_all();
    }
    if (slot.error) std::rethrow_exception(slot.error);
    return std::move(*slot.res);
  }

  // For commit functions: gives each slot its own result if the transaction committed
  // (`committed` ok), else the commit's error.
  template <class St>
  static void Deliver(std::vector<Slot*>& batch, const St& committed_status, std::vector<Res>& results) {
    for (std::size_t i = 0; i < batch.size(); ++i) {
      if (committed_status.ok()) batch[i]->res.emplace(std::move(results[i]));
      else batch[i]->res.emplace(committed_status.error());
    }
  }

  // Requests waiting for a leader (not yet in a batch).
  std::size_t Queued() {
    std::lock_guard lock(mu_);
    return queue_.size();
  }

  // Batches committed and requests in them since construction (for metrics and benches).
  std::pair<std::size_t, std::size_t> Counts() {
    std::lock_guard lock(mu_);
    return {batches_, committed_};
  }

 private:
  const std::size_t max_batch_;
  CommitFn commit_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Slot*> queue_;
  bool leader_active_ = false;
  std::size_t batches_ = 0;
  std::size_t committed_ = 0;
};

}  // namespace cg::store::internal
