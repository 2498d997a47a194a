#include "volunteers/service.hpp"

#include <set>

#include "core/clean_text.hpp"

namespace cg::volunteers {
namespace {

using model::OrgKind;
using model::Role;

// Volunteers and activities belong to a community/village or a street/town.
Status CheckUnit(store::Store& store, const model::Scope& scope, const std::string& code) {
  if (code.empty() || code.size() > 15) return MakeError(ErrorCode::kInvalid, "org_code: the code of a community");
  auto unit = store.GetOrgUnit(scope, code, false);
  if (!unit.ok()) return unit.error();
  switch (unit->kind) {
    case OrgKind::kCommunity:
    case OrgKind::kVillage:
    case OrgKind::kStreet:
    case OrgKind::kTown:
      return {};
    default:
      return MakeError(ErrorCode::kInvalid, "org_code: a community, village, street or town (not a grid or district)");
  }
}

}  // namespace

std::string HoursText(std::int64_t minutes) {
  const std::int64_t h = minutes / 60, m = minutes % 60;
  if (h == 0) return std::to_string(m) + " 分钟";
  return std::to_string(h) + " 小时" + (m ? " " + std::to_string(m) + " 分钟" : "");
}

Result<std::vector<std::string>> Service::CleanSkills(const std::vector<std::string>& skills) {
  if (skills.size() > kMaxSkills) {
    return MakeError(ErrorCode::kInvalid, "skills: at most " + std::to_string(kMaxSkills));
  }
  std::vector<std::string> out;
  std::set<std::string> seen;
  for (std::size_t i = 0; i < skills.size(); ++i) {
    auto s = CleanText("skills[" + std::to_string(i) + "]", skills[i], kMaxSkillChars, false);
    if (!s.ok()) return s.error();
    if (seen.insert(*s).second) out.push_back(*s);
  }
  return out;
}

Result<store::Volunteer> Service::Join(const model::User& user, const std::string& org_code,
                                       const std::vector<std::string>& skills) {
  if (user.role != Role::kResident) {
    return MakeError(ErrorCode::kForbidden, "only resident accounts join as volunteers; staff register residents");
  }
  auto clean = CleanSkills(skills);
  if (!clean.ok()) return clean.error();
  CG_RETURN_IF_ERROR(CheckUnit(store_, model::Scope::System(), org_code));
  store::Volunteer v;
  v.org_code = org_code;
  v.user_id = user.id;
  v.name = user.display_name.empty() ? user.username : user.display_name;
  if (auto link = store_.GetResidentLink(user.id); link.ok()) {  // verified: the person it is
    v.person_id = link->person_id;
    v.name = link->person_name;
  }
  v.skills = *clean;
  v.registered_by = user.id;
  v.registered_at = clock_.Now();
  return store_.RegisterVolunteer(model::Scope::System(), v);
}

Result<store::Volunteer> Service::Register(const model::Scope& scope, std::int64_t actor_user_id,
                                           std::int64_t person_id, const std::vector<std::string>& skills) {
  auto clean = CleanSkills(skills);
  if (!clean.ok()) return clean.error();
  auto person = store_.GetRecord(scope, model::BaseEntity::kPerson, person_id);
  if (!person.ok()) return person.error();
  store::Volunteer v;
  v.org_code = person->grid_code.substr(0, std::min<std::size_t>(12, person->grid_code.size()));
  v.person_id = person_id;
  const auto name = person->fields.find("name");
  v.name = name == person->fields.end() ? "" : name->second;
  v.skills = *clean;
  v.registered_by = actor_user_id;
  v.registered_at = clock_.Now();
  return store_.RegisterVolunteer(scope, v);
}

Result<store::Volunteer> Service::Me(const model::User& user) { return store_.GetVolunteerByUser(user.id); }

Result<store::VolunteerActivity> Service::Publish(const model::Scope& scope, std::int64_t actor_user_id,
                                                  const ActivityDraft& d) {
  store::VolunteerActivity a;
  auto title = CleanText("title", d.title, kMaxTitleChars, false);
  if (!title.ok()) return title.error();
  auto description = CleanText("description", d.description, kMaxDescriptionChars, true);
  if (!description.ok()) return description.error();
  auto place = CleanText("place", d.place, kMaxPlaceChars, false);
  if (!place.ok()) return place.error();
  auto skills = CleanSkills(d.skills);
  if (!skills.ok()) return skills.error();
  const Timestamp now = clock_.Now();
  if (d.starts_at <= now) return MakeError(ErrorCode::kInvalid, "starts_at: in the future");
  if (d.ends_at <= d.starts_at) return MakeError(ErrorCode::kInvalid, "ends_at: after starts_at");
  if (d.ends_at - d.starts_at > kMaxActivityMs) return MakeError(ErrorCode::kInvalid, "ends_at: within a day of starts_at");
  if (d.capacity < 1 || d.capacity > kMaxCapacity) {
    return MakeError(ErrorCode::kInvalid, "capacity: 1 to " + std::to_string(kMaxCapacity) + " places");
  }
  CG_RETURN_IF_ERROR(CheckUnit(store_, scope, d.org_code));
  a.org_code = d.org_code;
  a.title = *title;
  a.description = *description;
  a.place = *place;
  a.skills = *skills;
  a.starts_at = d.starts_at;
  a.ends_at = d.ends_at;
  a.capacity = d.capacity;
  a.created_by = actor_user_id;
  a.created_at = now;
  return store_.CreateVolunteerActivity(scope, a);
}

Result<store::VolunteerActivity> Service::Managed(const model::Scope& scope, std::int64_t activity_id) {
  auto a = store_.GetVolunteerActivity(activity_id);
  if (!a.ok()) return a.error();
  if (!scope.Contains(a->org_code)) return MakeError(ErrorCode::kNotFound, "activity not found");
  return a;
}

Result<store::SignupChange> Service::SignUp(std::int64_t activity_id, std::int64_t volunteer_id) {
  auto a = store_.GetVolunteerActivity(activity_id);
  if (!a.ok()) return a.error();
  const Timestamp now = clock_.Now();
  if (now >= a->starts_at) return MakeError(ErrorCode::kConflict, "the activity has started: sign-up is closed");
  return store_.SignUpVolunteer(activity_id, volunteer_id, now);
}

Result<store::SignupChange> Service::Cancel(std::int64_t activity_id, std::int64_t volunteer_id) {
  auto a = store_.GetVolunteerActivity(activity_id);
  if (!a.ok()) return a.error();
  if (clock_.Now() >= a->starts_at) {
    return MakeError(ErrorCode::kConflict, "the activity has started: a sign-up can no longer be cancelled");
  }
  return store_.CancelVolunteerSignup(activity_id, volunteer_id);
}

Result<store::VolunteerSignup> Service::CheckIn(const model::Scope& scope, std::int64_t activity_id,
                                                std::int64_t volunteer_id) {
  auto a = Managed(scope, activity_id);
  if (!a.ok()) return a.error();
  const Timestamp now = clock_.Now();
  if (now < a->starts_at - kCheckInEarlyMs) {
    return MakeError(ErrorCode::kConflict, "check-in opens 2 hours before the activity starts");
  }
  if (now > a->ends_at) return MakeError(ErrorCode::kConflict, "the activity has ended: check-in is closed");
  return store_.CheckInVolunteer(activity_id, volunteer_id, now);
}

Result<store::VolunteerSignup> Service::RecordMinutes(const model::Scope& scope, std::int64_t actor_user_id,
                                                      std::int64_t activity_id, std::int64_t volunteer_id,
                                                      std::int64_t minutes) {
  auto a = Managed(scope, activity_id);
  if (!a.ok()) return a.error();
  const std::int64_t length = (a->ends_at - a->starts_at) / 60'000;
  if (minutes == 0) minutes = length;
  if (minutes < 1 || minutes > length) {
    return MakeError(ErrorCode::kInvalid, "minutes: 1 to " + std::to_string(length) + " (the activity's length)");
  }
  const Timestamp now = clock_.Now();
  if (now > a->ends_at + kRecordWindowMs) {
    return MakeError(ErrorCode::kConflict, "more than 30 days after the activity: hours can no longer be recorded");
  }
  store::AuditEntry audit;
  audit.at = now;
  audit.actor_user_id = actor_user_id;
  audit.action = "volunteer_minutes";
  audit.entity = "volunteer";
  audit.entity_id = volunteer_id;
  audit.field = "minutes";
  audit.reason = "activity " + std::to_string(activity_id) + ": " + std::to_string(minutes) + " minutes";
  return store_.RecordVolunteerMinutes(activity_id, volunteer_id, minutes, audit);
}

}  // namespace cg::volunteers
