// Durable votes through the store (bench/run-votes.sh, docs/benchmarks.md "Deliberation votes"):
// `threads` voters vote at once through Store::CastCheckedVote (the path of POST
// /api/v1/topics/{id}/votes below HTTP and sessions: the eligibility read in the vote's own
// transaction, concurrent votes sharing one durable commit). Prints votes/s and per-vote latency percentiles, then checks that the
// counts equal the votes cast. Not the HTTP target: see docs/benchmarks.md.
// Usage: vote_bench STORE_URL THREADS VOTES_PER_THREAD
//        vote_bench prepare STORE_URL VOTERS TOPICS OUT_FILE — in a seeded demo city, accounts
//        voter0.. (password citygrid-demo) linked to residents of 市府东路街道 and TOPICS open
//        topics there; writes "topic_id option_id" lines to OUT_FILE (the HTTP run's input).
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <fstream>
#include <functional>
#include <vector>

#include "auth/password.hpp"
#include "bench_util.hpp"
#include "store/store.hpp"

namespace {

using namespace cg;

using bench::Must;
using bench::Unit;

}  // namespace

// The HTTP run's city: voters linked to residents of the street and open topics there.
int Prepare(const std::string& url, int voters, int topics, const std::string& out_file) {
  auto store = Must(store::Store::Open(url), "open");
  const auto sys = model::Scope::System();
  store::RecordQuery q;
  q.entity = model::BaseEntity::kPerson;
  q.grid_prefix = "150203010";
  auto people = Must(store->ListRecords(sys, q, {voters, 0}), "persons");
  if (static_cast<int>(people.items.size()) < voters) {
    std::fprintf(stderr, "only %zu residents in 150203010\n", people.items.size());
    return 1;
  }
  const std::string hash = Must(auth::HashPassword("citygrid-demo"), "hash");
  for (int v = 0; v < voters; ++v) {
    model::User u;
    u.username = "voter" + std::to_string(v);
    u.display_name = u.username;
    u.role = model::Role::kResident;
    u.scope_code = people.items[v].grid_code;
    u.password_hash = hash;
    auto user = Must(store->CreateUser(u), "user");
    Must(store->LinkResident(user.id, people.items[v].id, 1), "link");
  }
  std::ofstream out(out_file);
  for (int t = 0; t < topics; ++t) {
    store::Topic topic;
    topic.org_code = "150203010";
    topic.title = "基准议题" + std::to_string(t);
    topic.background = "基准";
    topic.opens_at = 1;
    topic.closes_at = 4'000'000'000'000;
    auto created = Must(store->CreateTopic(sys, topic, {"同意", "不同意"}), "topic");
    out << created.id << ' ' << Must(store->ListTopicOptions(created.id), "options").front().id << '\n';
  }
  return 0;
}

int main(int argc, char** argv) {
  if (argc == 6 && std::string(argv[1]) == "prepare") {
    return Prepare(argv[2], std::atoi(argv[3]), std::atoi(argv[4]), argv[5]);
  }
  if (argc != 4) {
    std::fprintf(stderr, "usage: vote_bench STORE_URL THREADS VOTES_PER_THREAD\n");
    return 2;
  }
  const int threads = std::atoi(argv[2]);
  const int per_thread = std::atoi(argv[3]);
  auto store = Must(store::Store::Open(argv[1]), "open");
  if (!store->Migrate().ok()) return 1;
  const auto sys = model::Scope::System();
  if (!store->UpsertOrgUnits({Unit("1502", model::OrgKind::kCity, ""), Unit("150203", model::OrgKind::kDistrict, "1502"),
                              Unit("150203010", model::OrgKind::kStreet, "150203"),
                              Unit("150203010008", model::OrgKind::kCommunity, "150203010"),
                              Unit("150203010008001", model::OrgKind::kGrid, "150203010008")})
           .ok()) {
    return 1;
  }
  // One topic per vote of a voter (each voter votes once per topic), two options each.
  std::vector<std::int64_t> topics, options;
  for (int t = 0; t < per_thread; ++t) {
    store::Topic topic;
    topic.org_code = "150203010008";
    topic.title = "议题" + std::to_string(t);
    topic.background = "基准";
    topic.opens_at = 1;
    topic.closes_at = 4'000'000'000'000;
    auto created = Must(store->CreateTopic(sys, topic, {"同意", "不同意"}), "topic");
    topics.push_back(created.id);
    options.push_back(Must(store->ListTopicOptions(created.id), "options").front().id);
  }
  std::vector<std::int64_t> users;
  for (int v = 0; v < threads; ++v) {
    store::BaseRecord p;
    p.entity = model::BaseEntity::kPerson;
    p.grid_code = "150203010008001";
    p.fields = {{"grid_code", p.grid_code}, {"name", "居民" + std::to_string(v)}, {"ethnicity", "01"}};
    p.id_number = store::SealedValue{"", "bench-index-" + std::to_string(v), "t", "masked"};
    auto rec = Must(store->CreateRecord(sys, p, store::WriteContext{1, store::ChangeSource::kApi, 1},
                                        [](store::BaseRecord& r) {
                                          r.id_number->cipher = "c" + std::to_string(r.id);
                                          return Status();
                                        }),
                    "person");
    model::User u;
    u.username = "voter" + std::to_string(v);
    u.display_name = u.username;
    u.role = model::Role::kResident;
    u.scope_code = "150203010008001";
    u.password_hash = "$argon2id$bench";
    auto user = Must(store->CreateUser(u), "user");
    Must(store->LinkResident(user.id, rec.id, 1), "link");
    users.push_back(user.id);
  }

  // The service's check: a linked resident of the topic's area (every voter here is).
  const std::function<Status(const store::VoteFacts&)> eligible = [](const store::VoteFacts& f) -> Status {
    if (!f.linked || !f.grid_code.starts_with(f.org_code)) return MakeError(ErrorCode::kForbidden, "not eligible");
    return {};
  };
  std::vector<std::vector<double>> latencies(threads);
  std::atomic<int> failures{0};
  auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> pool;
  for (int v = 0; v < threads; ++v) {
    pool.emplace_back([&, v] {
      latencies[v].reserve(per_thread);
      for (int t = 0; t < per_thread; ++t) {
        auto t0 = std::chrono::steady_clock::now();
        if (!store->CastCheckedVote({topics[t], options[t], users[v], 2}, eligible).ok()) ++failures;
        latencies[v].push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
      }
    });
  }
  for (auto& th : pool) th.join();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::vector<double> all;
  for (const auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
  std::sort(all.begin(), all.end());
  auto pct = [&](double p) { return all.empty() ? 0.0 : all[std::min(all.size() - 1, static_cast<std::size_t>(p * all.size()))]; };
  std::int64_t counted = 0;
  for (auto id : topics) counted += Must(store->GetTopic(id), "topic").votes;
  std::printf("%s: %d voters at once, %zu durable votes in %.2f s = %.0f votes/s; latency p50 %.2f ms, p90 %.2f ms, "
              "p99 %.2f ms, max %.2f ms; failures %d; counted %lld\n",
              std::string(argv[1]).substr(0, 10).c_str(), threads, all.size(), seconds, all.size() / seconds, pct(0.5),
              pct(0.9), pct(0.99), all.empty() ? 0.0 : all.back(), failures.load(), static_cast<long long>(counted));
  return failures.load() == 0 && counted == static_cast<std::int64_t>(all.size()) ? 0 : 1;
}
