#pragma once
// Volunteers (docs/volunteers.md, 志愿者之家, DESIGN §6): residents register as volunteers of a
// community (themselves, with a resident account, or registered by staff as a person of the
// base data); communities and streets publish activities with a number of places; volunteers
// sign up (confirmed while places are left, else on the waiting list, promoted in order when a
// place frees); staff check them in at the activity and record the minutes served; the hours
// are totalled per volunteer and per unit, and a volunteer's certificate of hours is a PDF.
// Time comes from the Clock. Thread-safe.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "core/result.hpp"
#include "model/scope.hpp"
#include "model/user.hpp"
#include "store/store.hpp"

namespace cg::volunteers {

inline constexpr std::size_t kMaxTitleChars = 100;
inline constexpr std::size_t kMaxDescriptionChars = 4000;
inline constexpr std::size_t kMaxPlaceChars = 200;
inline constexpr std::size_t kMaxSkills = 10;
inline constexpr std::size_t kMaxSkillChars = 20;
inline constexpr std::int64_t kMaxCapacity = 1000;
inline constexpr Timestamp kMaxActivityMs = 24LL * 3'600'000;     // one day at most
inline constexpr Timestamp kCheckInEarlyMs = 2LL * 3'600'000;     // check-in opens 2 h before the start
inline constexpr Timestamp kRecordWindowMs = 30LL * 86'400'000;   // minutes recorded within 30 days

struct ActivityDraft {
  std::string org_code;  // a community/village or street/town inside the caller's scope
  std::string title;
  std::string description;
  std::string place;
  std::vector<std::string> skills;
  Timestamp starts_at = 0;  // in the future
  Timestamp ends_at = 0;    // after starts_at, at most a day later
  std::int64_t capacity = 0;  // 1..kMaxCapacity places
};

class Service {
 public:
  // `store` and `clock` must outlive the service.
  Service(store::Store& store, const Clock& clock) : store_(store), clock_(clock) {}

  // A resident account registers itself with a community or village (or street/town); its
  // name is the verified person's when the account is verified, else the account's. kForbidden
  // for other roles, kConflict when registered already.
  Result<store::Volunteer> Join(const model::User& user, const std::string& org_code,
                                const std::vector<std::string>& skills);
  // Staff register a person of the base data (inside `scope`) with the person's community.
  Result<store::Volunteer> Register(const model::Scope& scope, std::int64_t actor_user_id, std::int64_t person_id,
                                    const std::vector<std::string>& skills);
  // The account's volunteer, kNotFound when not registered.
  Result<store::Volunteer> Me(const model::User& user);

  Result<store::VolunteerActivity> Publish(const model::Scope& scope, std::int64_t actor_user_id,
                                           const ActivityDraft& draft);
  // The activity if `scope` manages it (its unit inside the scope), else kNotFound.
  Result<store::VolunteerActivity> Managed(const model::Scope& scope, std::int64_t activity_id);

  // Sign-up and cancellation until the activity starts (kConflict after).
  Result<store::SignupChange> SignUp(std::int64_t activity_id, std::int64_t volunteer_id);
  Result<store::SignupChange> Cancel(std::int64_t activity_id, std::int64_t volunteer_id);
  // Staff managing the activity check a confirmed volunteer in, from kCheckInEarlyMs before
  // the start to its end (kConflict outside).
  Result<store::VolunteerSignup> CheckIn(const model::Scope& scope, std::int64_t activity_id,
                                         std::int64_t volunteer_id);
  // Staff managing the activity record the minutes a checked-in volunteer served (0 means the
  // activity's length), 1 .. the activity's length, from check-in until kRecordWindowMs after
  // its end. Audited.
  Result<store::VolunteerSignup> RecordMinutes(const model::Scope& scope, std::int64_t actor_user_id,
                                               std::int64_t activity_id, std::int64_t volunteer_id,
                                               std::int64_t minutes);

  // The certificate of hours (志愿服务时长证明) as a PDF: the volunteer, their unit, the total,
  // every activity with minutes, issued on today's date.
  Result<std::string> Certificate(const store::Volunteer& volunteer);

 private:
  Result<std::vector<std::string>> CleanSkills(const std::vector<std::string>& skills);

  store::Store& store_;
  const Clock& clock_;
};

// "3 小时 30 分钟" style total for a number of minutes.
std::string HoursText(std::int64_t minutes);

}  // namespace cg::volunteers
