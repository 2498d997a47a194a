#include "cli/seed_welfare.hpp"

#include <fmt/format.h>

#include "api/app.hpp"
#include "welfare/service.hpp"

namespace cg::cli {
namespace {

constexpr Timestamp kDay = 86'400'000;
constexpr Timestamp kHour = 3'600'000;
constexpr char kJinhua[] = "150203010008";
constexpr int kRiderElders = 8;

// A small deterministic mix of the person id (splitmix64's finaliser).
std::uint64_t Mix(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

}  // namespace

Status SeedWelfare(store::Store& store, const Config& config, const Clock& clock) {
  const auto sys = model::Scope::System();
  auto existing = store.ListWelfareSubjects(sys, {}, {1, 0});
  if (!existing.ok()) return existing.error();
  if (existing->total > 0) return {};
  auto rider = store.FindUserByUsername("rider_jinhua");
  auto staff = store.FindUserByUsername("jinhua");
  if (!rider.ok() || !staff.ok()) return MakeError(ErrorCode::kNotFound, "demo accounts rider_jinhua and jinhua missing");
  const Timestamp now = clock.Now();
  std::vector<store::WelfareSubject> subjects;
  std::vector<std::int64_t> rider_elders;
  for (std::int64_t after = 0;;) {
    auto batch = store.PersonsWithTag("person.elderly_living_alone", after, 20'000);
    if (!batch.ok()) return batch.error();
    if (batch->empty()) break;
    for (const auto& [id, grid] : *batch) {
      const std::uint64_t h = Mix(static_cast<std::uint64_t>(id));
      store::WelfareSubject s;
      s.person_id = id;
      s.grid_code = grid;
      s.interval_days = h % 4 == 0 ? 7 : welfare::kDefaultIntervalDays;
      s.enrolled_by = staff->id;
      s.enrolled_at = now - 60 * kDay;
      // Last visits spread over 0..1.1 intervals ago: about one in eleven is overdue.
      const Timestamp span = s.interval_days * kDay * 11 / 10;
      s.last_visit_at = now - static_cast<Timestamp>((h >> 8) % static_cast<std::uint64_t>(span));
      s.last_health = (h >> 40) % 10 == 0 ? "unwell" : "well";
      if (grid.starts_with(kJinhua) && static_cast<int>(rider_elders.size()) < kRiderElders) {
        s.reporter_user_id = rider->id;
        s.last_visit_at = 0;  // their history is recorded below, visit by visit
        s.last_health.clear();
        rider_elders.push_back(id);
      }
      subjects.push_back(s);
    }
    after = batch->back().first;
  }
  if (subjects.empty()) return {};
  if (auto n = store.SeedWelfareSubjects(subjects); !n.ok()) return n.error();

  // The rider's round: visits over the past days, as the rider's phone would have recorded them.
  // The first elder's last visit, an hour ago, found them unwell enough to call it urgent (the
  // community has a case to answer); the last two elders were last seen five days ago (overdue).
  ManualClock at(now - 10 * kDay);
  api::App app(store, at, config);
  if (auto st = app.LoadCaseData(); !st.ok()) return st;
  const cases::Actor visitor{rider->id, model::Role::kReporter, kJinhua};
  const char* needs[] = {"", "想请社区帮忙修水龙头", "", "希望有人陪着去医院复查", "", "", "想要一个老年手机", ""};
  for (std::size_t i = 0; i < rider_elders.size(); ++i) {
    const int last_round = i == 0 ? 0 : i + 2 >= rider_elders.size() ? 5 : 2;
    for (int days_ago : {9, 6, last_round}) {
      if (days_ago > 8 && i % 2 == 1) continue;
      at.Set(days_ago == 0 ? now - kHour : now - days_ago * kDay + (10 + static_cast<int>(i)) * kHour);
      store::WelfareVisit v;
      v.person_id = rider_elders[i];
      v.visitor_user_id = rider->id;
      v.visitor_role = "reporter";
      v.visited_at = v.recorded_at = at.Now();
      v.meal = true;
      v.medicine = i % 3 == 0;
      v.health = (i == 0 && days_ago == last_round) ? "urgent" : (i % 4 == 3 ? "unwell" : "well");
      v.need = days_ago == last_round ? needs[i % 8] : "";
      v.note = v.health == "urgent" ? "老人说胸口发闷，已拨打家属电话，请社区尽快上门" : "";
      v.idempotency_key = fmt::format("demo-{}-{}", v.person_id, days_ago);
      auto saved = app.RecordWelfareVisit(visitor, model::Scope::Subtree(kJinhua), true, v, nullptr);
      if (!saved.ok()) return saved.error();
    }
  }
  // The overdue spells' cases, opened by the deadline job at the seed's clock.
  at.Set(now);
  auto opened = app.EvaluateWelfare();
  if (!opened.ok()) return opened.error();
  return {};
}

}  // namespace cg::cli
