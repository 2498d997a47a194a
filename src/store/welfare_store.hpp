#pragma once
// Welfare checks (docs/welfare.md, 关爱走访): the people a community looks in on — persons of
// the base data with a visit interval and, optionally, the part-time reporter (a delivery rider)
// assigned to them — and the visits recorded. Written once against internal::SqlTx for both
// backends (welfare_store.cpp). A visit that finds someone in urgent need opens a case of type
// "welfare_check" on the engine; so does the deadline job for a person not visited in time.

#include <cstdint>
#include <string>

#include "core/clock.hpp"

namespace cg::store {

inline constexpr int kWelfareMaxIntervalDays = 90;

struct WelfareSubject {
  std::int64_t person_id = 0;
  std::string grid_code;  // the person's grid now (set by the store; given when seeding)
  std::string name;       // read: the person's name
  int interval_days = 3;  // 1..kWelfareMaxIntervalDays
  std::int64_t reporter_user_id = 0;  // the assigned reporter's account, 0 if none
  std::string reporter_name;          // read
  bool active = true;
  std::int64_t enrolled_by = 0;
  Timestamp enrolled_at = 0;
  Timestamp updated_at = 0;
  Timestamp last_visit_at = 0;  // 0: not visited yet
  std::string last_health;      // of the last visit: "well", "unwell", "urgent" or ""
  Timestamp due_at = 0;         // (last visit, else enrolment) + interval: overdue after it
  std::string overdue_case_id;  // the case opened for the current overdue spell, "" if none
};

// Filters of ListWelfareSubjects; ordered by due time (most overdue first).
struct WelfareQuery {
  std::string under;                  // an org code inside the caller's scope; "" = the scope
  std::int64_t reporter_user_id = 0;  // only the subjects assigned to this account
  bool overdue_only = false;          // due_at < now
  bool active_only = true;
  Timestamp now = 0;
};

struct WelfareVisit {
  std::int64_t id = 0;
  std::int64_t person_id = 0;
  std::string person_name;  // read
  std::string grid_code;    // the person's grid when visited (set by the store)
  std::int64_t visitor_user_id = 0;
  std::string visitor_role;  // "reporter", "grid_worker", "staff", "admin"
  std::string visitor_name;  // read
  Timestamp visited_at = 0;  // when it happened (an offline visit is recorded later)
  Timestamp recorded_at = 0;
  bool meal = false;      // a meal delivered
  bool medicine = false;  // medicine delivered
  std::string health;     // "well", "unwell", "urgent"
  std::string need;       // a wish or need the person voiced
  std::string note;
  bool has_photo = false;  // read
  std::string case_id;     // the welfare_check case an urgent visit opened, "" if none
  std::string idempotency_key;  // per visitor: a repeated key returns the first visit
};

struct WelfareVisitQuery {
  std::string under;
  std::int64_t person_id = 0;
  std::int64_t visitor_user_id = 0;
};

// A visit's photo: the re-encoded copy (metadata stripped) and its thumbnail, both JPEG.
struct WelfarePhoto {
  int width = 0;
  int height = 0;
  std::string jpeg;
  std::string thumbnail;
};

// A reporter account that may be assigned subjects (read).
struct WelfareReporter {
  std::int64_t user_id = 0;
  std::string username;
  std::string display_name;
  std::string scope_code;
  std::int64_t subjects = 0;  // active subjects assigned
};

}  // namespace cg::store
