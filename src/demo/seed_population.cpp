#include "demo/seed_population.hpp"

#include "demo/population.hpp"

namespace cg::demo {
namespace {

using model::BaseEntity;

// Creates `rows` and returns their ids, or the first row's error.
Result<std::vector<std::string>> CreateAll(base::Service& service, BaseEntity entity,
                                           std::vector<base::Service::NewRecord> rows,
                                           const store::WriteContext& ctx) {
  std::vector<std::vector<model::FieldError>> errors;
  auto written = service.CreateMany(model::Scope::System(), entity, std::move(rows), ctx, &errors);
  if (!written.ok()) return written.error();
  std::vector<std::string> ids;
  ids.reserve(written->size());
  for (auto& r : *written) {
    if (!r.ok()) {
      return MakeError(r.error().code, std::string(model::BaseEntityName(entity)) + ": " + r.error().message);
    }
    ids.push_back(std::to_string(r->id));
  }
  return ids;
}

Status WriteBatch(base::Service& service, std::vector<SyntheticGrid>& grids, const store::WriteContext& ctx,
                  SeedCounts& counts) {
  using Rows = std::vector<base::Service::NewRecord>;
  Rows buildings, addresses;
  for (auto& g : grids) {
    for (auto& b : g.buildings) buildings.push_back({std::move(b.fields), {}});
    for (auto& hh : g.households) addresses.push_back({hh.address, {}});
  }
  auto building_ids = CreateAll(service, BaseEntity::kBuilding, std::move(buildings), ctx);
  if (!building_ids.ok()) return building_ids.error();
  auto address_ids = CreateAll(service, BaseEntity::kAddress, std::move(addresses), ctx);
  if (!address_ids.ok()) return address_ids.error();
  Rows houses;
  std::size_t b0 = 0, h = 0;
  for (auto& g : grids) {
    for (auto& hh : g.households) {
      model::Fields f = std::move(hh.house);
      f["grid_code"] = g.grid_code;
      f["address_id"] = (*address_ids)[h++];
      f["building_id"] = (*building_ids)[b0 + hh.building];
      houses.push_back({std::move(f), {}});
    }
    b0 += g.buildings.size();
  }
  auto house_ids = CreateAll(service, BaseEntity::kHouse, std::move(houses), ctx);
  if (!house_ids.ok()) return house_ids.error();
  Rows persons;
  h = 0;
  for (auto& g : grids) {
    for (auto& hh : g.households) {
      for (auto& m : hh.members) {
        m.fields["address_id"] = (*address_ids)[h];
        m.fields["house_id"] = (*house_ids)[h];
        persons.push_back({std::move(m.fields), std::move(m.attributes)});
      }
      ++h;
    }
  }
  auto person_ids = CreateAll(service, BaseEntity::kPerson, std::move(persons), ctx);
  if (!person_ids.ok()) return person_ids.error();
  Rows households;
  std::size_t p = 0;
  h = 0;
  for (auto& g : grids) {
    for (auto& hh : g.households) {
      std::string members;
      const std::string head = (*person_ids)[p];
      for (const auto& m : hh.members) members += (members.empty() ? "" : ",") + (*person_ids)[p++] + ":" + m.relation;
      households.push_back({{{"grid_code", g.grid_code},
                             {"address_id", (*address_ids)[h]},
                             {"house_id", (*house_ids)[h]},
                             {"head_person_id", head},
                             {"members", members}},
                            std::move(hh.attributes)});
      ++h;
    }
  }
  auto household_ids = CreateAll(service, BaseEntity::kHousehold, std::move(households), ctx);
  if (!household_ids.ok()) return household_ids.error();
  counts.people += static_cast<std::int64_t>(person_ids->size());
  counts.households += static_cast<std::int64_t>(household_ids->size());
  counts.buildings += static_cast<std::int64_t>(building_ids->size());
  counts.grids += static_cast<std::int64_t>(grids.size());
  grids.clear();
  return {};
}

}  // namespace

Result<SeedCounts> SeedPopulation(base::Service& service, const std::vector<std::string>& grid_codes,
                                  std::int64_t people, std::uint64_t seed, Date today,
                                  const SeedProgress& progress, std::int64_t batch_people) {
  SeedCounts counts;
  if (grid_codes.empty() || people <= 0) return counts;
  PopulationGenerator gen(seed, today);
  store::WriteContext ctx{0, store::ChangeSource::kSeed, 0};
  const auto n = static_cast<std::int64_t>(grid_codes.size());
  std::vector<SyntheticGrid> pending;
  std::int64_t pending_people = 0, made = 0;
  for (std::int64_t i = 0; i < n; ++i) {
    // Each grid gets an even share of what is still wanted, so the last household's overshoot
    // in one grid is taken off the next.
    std::int64_t share = (people - made + (n - i) - 1) / (n - i);
    if (share <= 0) continue;
    pending.push_back(gen.Grid(grid_codes[static_cast<std::size_t>(i)], static_cast<int>(share)));
    for (const auto& hh : pending.back().households) {
      pending_people += static_cast<std::int64_t>(hh.members.size());
      made += static_cast<std::int64_t>(hh.members.size());
    }
    if (pending_people >= batch_people) {
      CG_RETURN_IF_ERROR(WriteBatch(service, pending, ctx, counts));
      pending_people = 0;
      if (progress) progress(counts.people, people);
    }
  }
  if (!pending.empty()) {
    CG_RETURN_IF_ERROR(WriteBatch(service, pending, ctx, counts));
    if (progress) progress(counts.people, people);
  }
  return counts;
}

}  // namespace cg::demo
