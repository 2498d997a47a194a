// GroupCommit: followers that arrive while a leader commits form the next batch together,
// each gets its own result, and nobody returns before the batch holding it was committed.
#include "store/internal/group_commit.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>
#include <thread>

namespace cg::store::internal {
namespace {

TEST(GroupCommit, WaitersQueuedDuringACommitShareTheNextBatch) {
  std::mutex mu;
  std::condition_variable cv;
  bool release_first = false;
  std::vector<std::size_t> sizes;
  std::atomic<int> committed{0};
  GroupCommit<int, int> q(64, [&](std::vector<GroupCommit<int, int>::Slot*>& batch) {
    std::unique_lock lock(mu);
    sizes.push_back(batch.size());
    if (sizes.size() == 1) cv.wait(lock, [&] { return release_first; });  // hold the leader
    committed += static_cast<int>(batch.size());
    for (auto* s : batch) s->res = *s->req * 10;
  });
  std::thread first([&] { EXPECT_EQ(q.Submit(1), 10); });
  while (true) {  // wait until the first batch is being committed
    std::lock_guard lock(mu);
    if (!sizes.empty()) break;
  }
  std::vector<std::thread> rest;
  std::atomic<int> returned{0};
  for (int i = 2; i <= 9; ++i) {
    rest.emplace_back([&, i] {
      EXPECT_EQ(q.Submit(i), i * 10);
      EXPECT_GE(committed.load(), 9);  // returned only after its batch was committed
      ++returned;
    });
  }
  while (q.Queued() < 8) std::this_thread::yield();  // all eight wait behind the held leader
  EXPECT_EQ(returned, 0);
  {
    std::lock_guard lock(mu);
    release_first = true;
  }
  cv.notify_all();
  first.join();
  for (auto& t : rest) t.join();
  ASSERT_EQ(sizes.size(), 2u);
  EXPECT_EQ(sizes[0], 1u);
  EXPECT_EQ(sizes[1], 8u);
  EXPECT_EQ(q.Counts(), (std::pair<std::size_t, std::size_t>{2, 9}));
}

TEST(GroupCommit, BatchesAreCappedAtMaxBatch) {
  std::vector<std::size_t> sizes;
  std::mutex mu;
  GroupCommit<int, int> q(3, [&](std::vector<GroupCommit<int, int>::Slot*>& batch) {
    {
      std::lock_guard lock(mu);
      sizes.push_back(batch.size());
    }
    for (auto* s : batch) s->res = *s->req;
  });
  std::vector<std::thread> ts;
  for (int i = 0; i < 40; ++i) ts.emplace_back([&, i] { EXPECT_EQ(q.Submit(i), i); });
  for (auto& t : ts) t.join();
  std::size_t total = 0;
  for (auto n : sizes) {
    EXPECT_LE(n, 3u);
    total += n;
  }
  EXPECT_EQ(total, 40u);
}

TEST(GroupCommit, AThrowingCommitReachesEveryCallerAndTheQueueGoesOn) {
  std::atomic<bool> fail{true};
  GroupCommit<int, int> q(8, [&](std::vector<GroupCommit<int, int>::Slot*>& batch) {
    if (fail) throw std::runtime_error("bug");
    for (auto* s : batch) s->res = *s->req;
  });
  EXPECT_THROW(q.Submit(1), std::runtime_error);
  fail = false;
  EXPECT_EQ(q.Submit(2), 2);
}

}  // namespace
}  // namespace cg::store::internal
