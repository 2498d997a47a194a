#include "base/change_feed.hpp"

#include <algorithm>
#include <map>
#include <utility>

namespace cg::base {
ChangeFeed::ChangeFeed(store::Store& store, std::int64_t page) : store_(store), page_(page) {}

void ChangeFeed::Add(Projection* p) {
  std::lock_guard lock(mu_);
  projections_.push_back(p);
}

Status ChangeFeed::Snapshot(const std::vector<Projection*>& targets) {
  const auto sys = model::Scope::System();
  for (auto entity : model::kAllBaseEntities) {
    std::vector<Projection*> wanting;
    for (auto* p : targets)
      if (p->Wants(entity)) wanting.push_back(p);
    if (wanting.empty()) continue;
    std::int64_t after = 0;
    for (;;) {
      auto page = store_.ScanRecords(sys, entity, after, page_);
      if (!page.ok()) return page.error();
      for (const auto& r : *page)
        for (auto* p : wanting) p->Upsert(r);
      if (static_cast<std::int64_t>(page->size()) < page_) break;
      after = page->back().id;
    }
  }
  return {};
}

Status ChangeFeed::Start() {
  std::lock_guard lock(mu_);
  if (started_) return MakeError(ErrorCode::kInternal, "change feed already started");
  // The seq first: a change committed during the snapshot is applied again by CatchUp, which
  // is harmless (upserts carry full state); one committed before it is in the snapshot.
  auto last = store_.LastChangeSeq();
  if (!last.ok()) return last.error();
  CG_RETURN_IF_ERROR(Snapshot(projections_));
  seq_ = *last;
  started_ = true;
  return {};
}

Status ChangeFeed::Resync(Projection* p, const std::function<void()>& reset) {
  std::lock_guard lock(mu_);
  if (!started_) return MakeError(ErrorCode::kInternal, "change feed not started");
  if (reset) reset();
  // Records change after seq_ are re-applied by the next CatchUp: harmless, as in Start.
  return Snapshot({p});
}

void ChangeFeed::Apply(model::BaseEntity e, std::int64_t id, const Result<store::BaseRecord>& r) {
  for (auto* p : projections_) {
    if (!p->Wants(e)) continue;
    if (r.ok()) p->Upsert(*r);
    else p->Remove(e, id);
  }
}

Status ChangeFeed::CatchUp() {
  std::lock_guard lock(mu_);
  if (!started_) return MakeError(ErrorCode::kInternal, "change feed not started");
  const auto sys = model::Scope::System();
  for (;;) {
    auto page = store_.ChangesSince(sys, seq_, page_);
    if (!page.ok()) return page.error();
    if (page->empty()) return {};
    // Each touched record once, ordered by its last change in this page.
    std::map<std::pair<model::BaseEntity, std::int64_t>, std::int64_t> last_seq;
    for (const auto& c : *page) last_seq[{c.entity, c.entity_id}] = c.seq;
    std::vector<std::pair<std::int64_t, std::pair<model::BaseEntity, std::int64_t>>> order;
    order.reserve(last_seq.size());
    for (const auto& [key, s] : last_seq) order.push_back({s, key});
    std::sort(order.begin(), order.end());
    for (const auto& [s, key] : order) {
      bool wanted = false;
      for (auto* p : projections_) wanted = wanted || p->Wants(key.first);
      if (!wanted) continue;
      auto r = store_.GetRecord(sys, key.first, key.second);
      if (!r.ok() && r.error().code != ErrorCode::kNotFound) return r.error();
      Apply(key.first, key.second, r);
    }
    seq_ = page->back().seq;
    if (static_cast<std::int64_t>(page->size()) < page_) return {};
  }
}

}  // namespace cg::base
