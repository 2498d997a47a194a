#include "base/search_projection.hpp"

namespace cg::base {

using model::BaseEntity;

bool SearchProjection::Wants(BaseEntity e) const {
  return e == BaseEntity::kPerson || e == BaseEntity::kAddress || e == BaseEntity::kBuilding ||
         e == BaseEntity::kOrganisation;
}

std::string SearchProjection::TextOf(const store::BaseRecord& r) {
  auto get = [&](const char* k) {
    auto it = r.fields.find(k);
    return it == r.fields.end() ? std::string() : it->second;
  };
  if (r.entity != BaseEntity::kAddress) return get("name");
  std::string out;
  for (const char* k : {"road", "number", "compound", "building", "unit", "floor", "room"}) {
    std::string v = get(k);
    out += v;  // written together, as addresses are: 钢铁大街12号
  }
  return out;
}

void SearchProjection::Upsert(const store::BaseRecord& r) {
  if (!Wants(r.entity)) return;
  std::string tail = r.id_number ? r.id_number->tail : std::string();
  index_.Upsert(r.entity, r.id, r.grid_code, TextOf(r), tail);
}

void SearchProjection::Remove(BaseEntity e, std::int64_t id) { index_.Remove(e, id); }

}  // namespace cg::base
