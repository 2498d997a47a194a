#pragma once
// Volunteers (docs/volunteers.md, 志愿者之家): volunteers serving with a community (a resident
// account or a person of the base data), activities with a number of places, sign-ups (confirmed
// or on the waiting list, in the order they came), check-in at the activity and the service
// minutes recorded for it. Written once against internal::SqlTx for both backends
// (volunteer_store.cpp).

#include <cstdint>
#include <string>
#include <vector>

#include "core/clock.hpp"

namespace cg::store {

struct Volunteer {
  std::int64_t id = 0;
  std::string org_code;        // the community (or street) they serve with
  std::int64_t user_id = 0;    // their resident account (0: none)
  std::int64_t person_id = 0;  // the person of the base data (0: none)
  std::string name;
  std::vector<std::string> skills;
  std::int64_t registered_by = 0;
  Timestamp registered_at = 0;
  std::int64_t minutes = 0;     // service minutes recorded so far (read with the volunteer)
  std::int64_t activities = 0;  // activities with minutes recorded
};

struct VolunteerActivity {
  std::int64_t id = 0;
  std::string org_code;
  std::string title;
  std::string description;
  std::string place;
  std::vector<std::string> skills;  // wanted (a hint, not a condition)
  Timestamp starts_at = 0;
  Timestamp ends_at = 0;
  std::int64_t capacity = 0;
  std::int64_t created_by = 0;
  Timestamp created_at = 0;
  std::int64_t confirmed = 0;  // read with the activity
  std::int64_t waiting = 0;
};

struct VolunteerSignup {
  std::int64_t activity_id = 0;
  std::int64_t volunteer_id = 0;
  std::string volunteer_name;
  std::string status;          // "confirmed" | "waiting" | "cancelled"
  std::int64_t position = 0;   // 1-based place on the waiting list (waiting only)
  Timestamp signed_up_at = 0;
  Timestamp checked_in_at = 0; // 0: not checked in
  std::int64_t minutes = 0;
  std::int64_t hours_by = 0;
  Timestamp hours_at = 0;
  // The activity, for a volunteer's own record (ListVolunteerRecord).
  std::string activity_title;
  std::string activity_org_code;
  Timestamp activity_starts_at = 0;
  Timestamp activity_ends_at = 0;
};

// What SignUpVolunteer and CancelVolunteerSignup changed.
struct SignupChange {
  VolunteerSignup signup;           // the caller's row after the change
  std::int64_t promoted = 0;        // the volunteer moved from the waiting list (0: none)
};

// Service minutes per unit (a child of the unit asked for), ListVolunteerHours.
struct VolunteerHours {
  std::string org_code;
  std::int64_t volunteers = 0;   // registered
  std::int64_t active = 0;       // with minutes recorded
  std::int64_t minutes = 0;
};

}  // namespace cg::store
