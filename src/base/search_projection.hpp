#pragma once
// The search index as a change-log follower: a base::Projection that keeps a SearchIndex of
// persons (name, ID tail hash), addresses (address text), buildings and organisations (name).
// Households have no text of their own: they are found through their members and address.

#include "base/change_feed.hpp"
#include "base/search_index.hpp"

namespace cg::base {

class SearchProjection : public Projection {
 public:
  bool Wants(model::BaseEntity e) const override;
  void Upsert(const store::BaseRecord& r) override;
  void Remove(model::BaseEntity e, std::int64_t id) override;

  const SearchIndex& index() const { return index_; }

  // The text a record is found by (exposed for tests).
  static std::string TextOf(const store::BaseRecord& r);

 private:
  SearchIndex index_;
};

}  // namespace cg::base
