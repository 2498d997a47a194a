#pragma once
// In-memory views that follow the base-data change log (DESIGN §4): a ChangeFeed takes one
// snapshot of the records its projections want and then applies the change log from the seq
// it remembered, re-reading each touched record once. Reports (src/reports) and search keep
// their state this way instead of scanning the tables per request. See docs/reports.md.

#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <vector>

#include "core/result.hpp"
#include "model/base_data.hpp"
#include "store/store.hpp"

namespace cg::base {

// An in-memory view that follows the change log. Its methods are called by one ChangeFeed
// only, never concurrently with each other (the feed holds its mutex); a projection that is
// read from other threads guards its own state.
class Projection {
 public:
  virtual ~Projection() = default;
  // Whether records of `e` interest this projection (asked once, at ChangeFeed::Start).
  virtual bool Wants(model::BaseEntity e) const = 0;
  // The record was created or changed (or is part of the start snapshot): its full current
  // state. May be called again for a state the projection has already seen.
  virtual void Upsert(const store::BaseRecord& r) = 0;
  // The record was deleted (or is no longer readable). May name a record never upserted.
  virtual void Remove(model::BaseEntity e, std::int64_t id) = 0;
};

class ChangeFeed {
 public:
  // `store` must outlive the feed. `page` rows per snapshot scan and per change-log read.
  explicit ChangeFeed(store::Store& store, std::int64_t page = 5000);

  // Registers a projection (not owned; must outlive the feed). Only before Start.
  void Add(Projection* p);
  // Remembers the last change-log seq, then upserts every record of the wanted entities into
  // the projections that want them (system-wide, keyset-paged). Call once.
  Status Start();
  // Applies the change-log rows after seq(): each touched record is re-read once per page of
  // the log, then upserted (or removed when it no longer exists), in seq order. Serialised
  // by a mutex; safe from any thread. On a store error seq() does not move past the page.
  Status CatchUp();
  // Rebuilds one projection whose wants or rules changed (e.g. a report template was added):
  // under the feed's lock, calls `reset` (the projection clears and re-plans itself), then
  // upserts every record it now wants. Other projections are untouched. Requires Start.
  Status Resync(Projection* p, const std::function<void()>& reset);
  // The last change-log seq applied (0 before Start).
  std::int64_t seq() const { return seq_.load(); }
  bool started() const { return started_.load(); }

 private:
  Status Snapshot(const std::vector<Projection*>& targets);
  void Apply(model::BaseEntity e, std::int64_t id, const Result<store::BaseRecord>& r);

  store::Store& store_;
  const std::int64_t page_;
  std::vector<Projection*> projections_;
  std::mutex mu_;
  std::atomic<std::int64_t> seq_{0};
  std::atomic<bool> started_{false};
};

}  // namespace cg::base
