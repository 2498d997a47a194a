#pragma once
// "十百千" governance projects (docs/projects.md, DESIGN §6): city (≈10), district (≈100) and
// street/town/sumu (≈1000) projects with an owner unit, goals, dated milestones, indicators and
// progress reports with photos. The service validates every write (kInvalid naming the field),
// takes "today" from the injected clock (China Standard Time) for the derived status, and rolls
// projects up per level and per child unit. Every read and write takes the caller's scope: a
// project is seen by staff scoped at or above its owner; the public reads published ones.
// Thread-safe (no state beside the store).

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "core/result.hpp"
#include "model/scope.hpp"
#include "store/store.hpp"

namespace cg::projects {

inline constexpr const char* kCategories[] = {"smart",     "burden",    "party",  "enterprise", "dialogue",
                                              "community", "volunteer", "safety", "service"};
inline constexpr const char* kStatuses[] = {"planned", "under_way", "stalled", "done"};
inline constexpr const char* kLevels[] = {"city", "district", "street"};
inline constexpr std::size_t kMaxTitleChars = 100;
inline constexpr std::size_t kMaxGoalsChars = 2000;
inline constexpr std::size_t kMaxReportChars = 2000;
inline constexpr std::size_t kMaxMilestones = 20;
inline constexpr std::size_t kMaxIndicators = 10;
inline constexpr std::size_t kMaxReportPhotos = 4;

struct NewMilestone {
  std::string title;
  std::string due_date;      // YYYY-MM-DD, not before the project's start
  std::string completed_on;  // optional (seeding history): YYYY-MM-DD, not after today
};

struct NewIndicator {
  std::string name;
  std::string unit;
  double target = 0;   // >= 0
  double current = 0;  // >= 0
};

struct NewProject {
  std::string owner_code;
  std::string title;
  std::string category;
  std::string goals;
  std::string start_date;  // YYYY-MM-DD
  std::string end_date;    // YYYY-MM-DD, not before start_date
  bool published = true;
  std::vector<NewMilestone> milestones;
  std::vector<NewIndicator> indicators;
};

struct NewReport {
  std::string body;
  std::vector<std::pair<std::int64_t, double>> values;  // indicator id -> new current value
  std::vector<store::ProjectPhoto> photos;              // already re-encoded (media::Process)
};

// Counts of a set of projects.
struct Tally {
  int projects = 0;
  int planned = 0, under_way = 0, stalled = 0, done = 0;
  int milestones_on_time = 0, milestones_late = 0, milestones_open = 0, milestones_overdue = 0;
  void Add(const store::ProjectFacts& f);
};

struct RollupRow {
  std::string code;  // a child unit of `under`, or `under` itself for its own projects
  std::string name;
  Tally tally;
};

struct Rollup {
  std::string under;
  std::string name;
  std::string today;
  Tally total;
  std::array<Tally, 3> by_level;  // city, district, street (kLevels order)
  std::vector<RollupRow> by_child;  // children in code order (only those with projects), then `under`'s own
};

// The depth filter of a level name ("" → -1 any); kInvalid naming `level` otherwise.
Result<int> ParseLevel(std::string_view level);
// "city", "district" or "street" for an owner depth.
const char* LevelName(int depth);
// kInvalid naming `status` unless "" or one of kStatuses.
Status CheckStatus(std::string_view status);

class Service {
 public:
  // `store` and `clock` must outlive the service.
  Service(store::Store& store, const Clock& clock) : store_(store), clock_(clock) {}

  // Today's date in China Standard Time, "YYYY-MM-DD".
  std::string Today() const;

  // Validates and creates; kInvalid naming the field (e.g. "milestones[1].due_date: before the
  // project's start"), kNotFound for an owner outside `scope`.
  Result<store::ProjectDetail> Create(const model::Scope& scope, std::int64_t actor, const NewProject& project);
  // One project, its status as of today; kNotFound outside `scope`.
  Result<store::ProjectDetail> Get(const model::Scope& scope, std::int64_t id);
  // A published project for the public page; kNotFound otherwise.
  Result<store::ProjectDetail> GetPublic(std::int64_t id);
  // Projects under `under` ("" = the scope's root) at `level` with `status`; kInvalid for an
  // unknown level or status. `published_only` for the public page (pass the system scope).
  Result<store::Slice<store::Project>> List(const model::Scope& scope, const std::string& under,
                                            std::string_view level, std::string_view status, bool published_only,
                                            store::Page page);
  Result<std::int64_t> AddMilestone(const model::Scope& scope, std::int64_t actor, std::int64_t project_id,
                                    const NewMilestone& milestone);
  // A new due date (not before the project's start; may lie in the past, which stalls it).
  Status Reschedule(const model::Scope& scope, std::int64_t actor, std::int64_t project_id, std::int64_t milestone_id,
                    const std::string& due_date);
  // Completes a milestone on `completed_on` ("" = today; not after today, not before the start).
  Status Complete(const model::Scope& scope, std::int64_t actor, std::int64_t project_id, std::int64_t milestone_id,
                  const std::string& completed_on);
  Status Reopen(const model::Scope& scope, std::int64_t actor, std::int64_t project_id, std::int64_t milestone_id);
  // Marks the project done today (or reopens it).
  Status SetDone(const model::Scope& scope, std::int64_t actor, std::int64_t project_id, bool done);
  Status SetPublished(const model::Scope& scope, std::int64_t actor, std::int64_t project_id, bool published);
  // A progress report; kInvalid naming the field (body, values, photos).
  Result<std::int64_t> Report(const model::Scope& scope, std::int64_t actor, std::int64_t project_id,
                              const NewReport& report);
  // Photo `seq` of a report of a project `scope` can see (or, with `published_only`, a published one).
  Result<std::string> Photo(const model::Scope& scope, std::int64_t project_id, std::int64_t report_id, int seq,
                            bool thumbnail, bool published_only);
  // The roll-up of every project under `under` (inside `scope`, else kNotFound).
  Result<Rollup> RollUp(const model::Scope& scope, const std::string& under, bool published_only);

 private:
  Result<store::ProjectDetail> Load(const model::Scope& scope, std::int64_t id);

  store::Store& store_;
  const Clock& clock_;
};

}  // namespace cg::projects
