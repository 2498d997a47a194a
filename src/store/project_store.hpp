#pragma once
// "十百千" governance projects (docs/projects.md, DESIGN §6): a project of an owner org unit
// (city, district, or street/town/sumu and the communities in them) with goals, dated
// milestones, indicators and progress reports with photos. Its status is derived at read time
// from `today` (a "YYYY-MM-DD" date the caller takes from its clock), never stored:
//   done      when marked done;
//   stalled   when a milestone is past its due date (due < today) and not completed;
//   under_way when its start date has come, a milestone is completed or progress was reported;
//   planned   otherwise.
// Every write appends to the project's history (project_events, append-only) in its own
// transaction. Written once against internal::SqlTx for both backends (project_store.cpp).

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/clock.hpp"

namespace cg::store {

struct ProjectMilestone {
  std::int64_t id = 0;
  std::string title;
  std::string due_date;      // YYYY-MM-DD
  std::string completed_on;  // YYYY-MM-DD, "" while open; on time when <= due_date
  std::int64_t completed_by = 0;
};

struct ProjectIndicator {
  std::int64_t id = 0;
  std::string name;     // e.g. "调解案件"
  std::string unit;     // e.g. "件"
  double target = 0;
  double current = 0;   // the latest reported value
  Timestamp updated_at = 0;
};

struct Project {
  std::int64_t id = 0;
  std::string owner_code;   // the owner org unit
  std::string owner_name;   // read: the owner unit's name
  int depth = 0;            // of the owner unit: 0 city, 1 district, 2 street/town, 3 community
  std::string title;
  std::string category;     // see projects::kCategories
  std::string goals;
  std::string start_date;   // YYYY-MM-DD
  std::string end_date;     // YYYY-MM-DD, planned completion
  bool published = false;   // on the public accountability page
  std::string done_on;      // YYYY-MM-DD when marked done, "" otherwise
  std::int64_t created_by = 0;
  Timestamp created_at = 0;
  Timestamp updated_at = 0;
  // Derived at read time (see the header comment).
  std::string status;       // "planned" | "under_way" | "stalled" | "done"
  int milestones = 0;
  int milestones_done = 0;
  int milestones_overdue = 0;  // open and past due
  int reports = 0;
};

// A progress report: text, the indicator values it set (indicator id, value) and its photos.
struct ProjectReport {
  std::int64_t id = 0;
  std::string body;
  std::vector<std::pair<std::int64_t, double>> values;
  int photos = 0;
  std::int64_t created_by = 0;
  Timestamp created_at = 0;
};

// A report photo as kept: the re-encoded copy without metadata and its thumbnail (JPEG).
struct ProjectPhoto {
  std::string jpeg;
  std::string thumbnail;
  int width = 0;
  int height = 0;
};

// One entry of a project's history.
struct ProjectEvent {
  std::int64_t id = 0;
  Timestamp at = 0;
  std::int64_t actor_user_id = 0;
  std::string action;  // create, publish, unpublish, milestone_add, milestone_due, milestone_done,
                       // milestone_reopen, report, done, reopen
  std::string detail;
};

struct ProjectDetail {
  Project project;
  std::vector<ProjectMilestone> milestones;  // by due date
  std::vector<ProjectIndicator> indicators;  // in creation order
  std::vector<ProjectReport> reports;        // newest first, at most 50
  std::vector<ProjectEvent> events;          // newest first, at most 100
};

// Filters of ListProjects, combined with AND, always inside the scope.
struct ProjectQuery {
  std::string under;          // org code whose subtree owns them; "" = the scope's root
  int depth = -1;             // -1 any; 0 city; 1 district; 2 street level (depth 2 and 3)
  std::string status;         // "" any, else one of the statuses
  bool published_only = false;
  std::string today;          // YYYY-MM-DD, for the derived status
};

// What a roll-up needs of one project.
struct ProjectFacts {
  std::string owner_code;
  int depth = 0;
  std::string status;
  int milestones_on_time = 0;  // completed on or before the due date
  int milestones_late = 0;     // completed after it
  int milestones_open = 0;     // not completed (overdue ones included)
  int milestones_overdue = 0;  // not completed and past due
};

// A change to a milestone: a new due date and/or completion ("" leaves it; `reopen` clears it).
struct MilestoneChange {
  std::string due_date;
  std::string completed_on;
  bool reopen = false;
};

}  // namespace cg::store
