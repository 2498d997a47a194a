// The community's overdue list at district scale (docs/benchmarks.md "Welfare overdue list"):
// ELDERS elderly people living alone enrolled across one district (10 streets, 100 communities,
// 1,000 grids) and as many in a second district (scoping must cut them away), about a fifth of
// them overdue; then QUERIES reads of GET /api/v1/welfare/overdue's store query — the first
// page (50, most overdue first, with the total) under the district, a street and a community,
// round robin — and prints latency percentiles per scope. The store path is what the handler
// runs; its JSON for 50 rows is not included.
// Usage: welfare_bench STORE_URL [ELDERS=30000] [QUERIES=3000]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "bench_util.hpp"
#include "store/store.hpp"

namespace {

using namespace cg;
constexpr Timestamp kDay = 86'400'000;
constexpr Timestamp kNow = 1'790'000'000'000;

using bench::Must;
using bench::Unit;

std::string Pad(int n, int width) {
  std::string s = std::to_string(n);
  return std::string(width - s.size(), '0') + s;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: welfare_bench STORE_URL [ELDERS] [QUERIES]\n");
    return 2;
  }
  const int elders = argc > 2 ? std::atoi(argv[2]) : 30'000;
  const int queries = argc > 3 ? std::atoi(argv[3]) : 3'000;
  auto store = Must(store::Store::Open(argv[1]), "open");
  if (auto st = store->Migrate(); !st.ok()) {
    std::fprintf(stderr, "migrate: %s\n", st.error().message.c_str());
    return 1;
  }
  std::vector<model::OrgUnit> units = {Unit("1502", model::OrgKind::kCity, "")};
  std::vector<std::string> grids;
  for (const char* district : {"150203", "150204"}) {
    units.push_back(Unit(district, model::OrgKind::kDistrict, "1502"));
    for (int s = 1; s <= 10; ++s) {
      const std::string street = district + Pad(s, 3);
      units.push_back(Unit(street, model::OrgKind::kStreet, district));
      for (int c = 1; c <= 10; ++c) {
        const std::string community = street + Pad(c, 3);
        units.push_back(Unit(community, model::OrgKind::kCommunity, street));
        for (int g = 1; g <= 10; ++g) {
          grids.push_back(community + Pad(g, 3));
          units.push_back(Unit(grids.back(), model::OrgKind::kGrid, community));
        }
      }
    }
  }
  if (auto st = store->UpsertOrgUnits(units); !st.ok()) {
    std::fprintf(stderr, "units: %s\n", st.error().message.c_str());
    return 1;
  }
  const auto sys = model::Scope::System();
  const auto t0 = std::chrono::steady_clock::now();
  std::vector<store::WelfareSubject> subjects;
  int made = 0;
  for (int batch = 0; made < 2 * elders; ++batch) {
    std::vector<store::BaseRecord> people;
    for (int i = 0; i < 5'000 && made + static_cast<int>(people.size()) < 2 * elders; ++i) {
      const int n = made + static_cast<int>(people.size());
      // Both districts get `elders` people, spread over their 1,000 grids.
      const std::string& grid = grids[(n % 2) * 1000 + (n / 2) % 1000];
      store::BaseRecord r;
      r.entity = model::BaseEntity::kPerson;
      r.grid_code = grid;
      r.fields = {{"grid_code", grid}, {"name", "老人" + std::to_string(n)}, {"ethnicity", "01"},
                  {"person.elderly_living_alone", "true"}};
      r.id_number = store::SealedValue{"", "bench-index-" + std::to_string(n), "t", "150203********" + Pad(n % 10000, 4)};
      people.push_back(std::move(r));
    }
    auto rows = Must(store->CreateRecords(sys, std::move(people), store::WriteContext{1, store::ChangeSource::kImport, kNow},
                                          [](store::BaseRecord& r) {
                                            r.id_number->cipher = "c" + std::to_string(r.id);
                                            return Status();
                                          }),
                     "persons");
    for (auto& row : rows) {
      const auto& r = Must(std::move(row), "person");
      store::WelfareSubject s;
      s.person_id = r.id;
      s.grid_code = r.grid_code;
      s.interval_days = r.id % 4 == 0 ? 7 : 3;
      s.enrolled_at = kNow - 90 * kDay;
      // Last visits 0..1.25 intervals ago: about a fifth overdue.
      s.last_visit_at = kNow - (r.id * 7919) % (s.interval_days * kDay * 5 / 4);
      s.last_health = "well";
      subjects.push_back(s);
      ++made;
    }
  }
  Must(store->SeedWelfareSubjects(subjects), "subjects");
  const double load_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("backend %s: %d people with subjects in 2 districts (%d in 150203), loaded in %.1f s\n",
              store->Backend().c_str(), made, elders, load_s);

  struct Target {
    const char* label;
    std::string under;
    std::vector<double> ms;
    std::int64_t total = 0;
  };
  std::vector<Target> targets = {{"district 150203", "150203", {}, 0},
                                 {"street 150203005", "150203005", {}, 0},
                                 {"community 150203005007", "150203005007", {}, 0}};
  store::WelfareQuery q;
  q.overdue_only = true;
  q.now = kNow;
  for (int i = 0; i < 50; ++i) {  // warm the caches
    q.under = targets[i % 3].under;
    Must(store->ListWelfareSubjects(model::Scope::Subtree("150203"), q, store::Page{50, 0}), "warm");
  }
  for (int i = 0; i < queries; ++i) {
    Target& t = targets[i % 3];
    q.under = t.under;
    const auto a = std::chrono::steady_clock::now();
    auto page = Must(store->ListWelfareSubjects(model::Scope::Subtree("150203"), q, store::Page{50, 0}), "query");
    t.ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - a).count());
    t.total = page.total;
    if (page.items.size() > 50 || (page.total > 0 && page.items.empty())) {
      std::fprintf(stderr, "bad page\n");
      return 1;
    }
  }
  bool met = true;
  for (auto& t : targets) {
    std::sort(t.ms.begin(), t.ms.end());
    auto pct = [&](double p) { return t.ms[std::min(t.ms.size() - 1, static_cast<std::size_t>(p * t.ms.size()))]; };
    std::printf("%-24s overdue %6lld  p50 %6.2f ms  p95 %6.2f ms  p99 %6.2f ms  max %6.2f ms  (%zu reads)\n", t.label,
                static_cast<long long>(t.total), pct(0.50), pct(0.95), pct(0.99), t.ms.back(), t.ms.size());
    met = met && pct(0.99) <= 20.0;
  }
  std::printf("target p99 <= 20 ms: %s\n", met ? "met" : "NOT met");
  return 0;
}
