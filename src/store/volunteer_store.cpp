// Volunteers: volunteers, activities, sign-ups with a waiting list, check-in, service minutes
// (store/volunteer_store.hpp): written once against internal::SqlTx for both backends.
#include <string>

#include "store/base_store.hpp"
#include "store/internal/area_sql.hpp"
#include "store/internal/audit.hpp"
#include "store/internal/codec.hpp"
#include "store/internal/common.hpp"
#include "store/internal/sql_tx.hpp"
#include "store/store.hpp"

namespace cg::store {
namespace {

using internal::Fail;
using internal::Guard;
using internal::SqlRow;
using internal::SqlTx;
using internal::ToInt;
using P = internal::SqlParam;

// Skills are kept one per line.
std::string JoinLines(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) {
    if (!out.empty()) out += '\n';
    out += s;
  }
  return out;
}
std::vector<std::string> SplitLines(const std::string& text) {
  std::vector<std::string> out;
  std::size_t at = 0;
  while (at < text.size()) {
    const auto nl = text.find('\n', at);
    const auto end = nl == std::string::npos ? text.size() : nl;
    if (end > at) out.push_back(text.substr(at, end - at));
    at = end + 1;
  }
  return out;
}

const char kVolunteerCols[] =
    "v.id, v.org_code, v.user_id, v.person_id, v.name, v.skills, v.registered_by, v.registered_at, "
    "(SELECT COALESCE(SUM(s.minutes), 0) FROM volunteer_signups s WHERE s.volunteer_id = v.id), "
    "(SELECT COUNT(*) FROM volunteer_signups s WHERE s.volunteer_id = v.id AND s.minutes > 0)";
const char kActivityCols[] =
    "a.id, a.org_code, a.title, a.description, a.place, a.skills, a.starts_at, a.ends_at, a.capacity, a.created_by, "
    "a.created_at, "
    "(SELECT COUNT(*) FROM volunteer_signups s WHERE s.activity_id = a.id AND s.status = 'confirmed'), "
    "(SELECT COUNT(*) FROM volunteer_signups s WHERE s.activity_id = a.id AND s.status = 'waiting')";
// The sign-up columns, then the activity's; the waiting position is computed by the caller.
const char kSignupCols[] =
    "s.activity_id, s.volunteer_id, v.name, s.status, s.signed_up_at, s.checked_in_at, s.minutes, s.hours_by, "
    "s.hours_at, a.title, a.org_code, a.starts_at, a.ends_at";
const char kSignupFrom[] =
    " FROM volunteer_signups s JOIN volunteers v ON v.id = s.volunteer_id "
    "JOIN volunteer_activities a ON a.id = s.activity_id ";

Volunteer ReadVolunteer(const SqlRow& r) {
  Volunteer v;
  v.id = ToInt(r[0]);
  v.org_code = r[1].value_or("");
  v.user_id = ToInt(r[2]);
  v.person_id = ToInt(r[3]);
  v.name = r[4].value_or("");
  v.skills = SplitLines(r[5].value_or(""));
  v.registered_by = ToInt(r[6]);
  v.registered_at = ToInt(r[7]);
  v.minutes = ToInt(r[8]);
  v.activities = ToInt(r[9]);
  return v;
}

VolunteerActivity ReadActivity(const SqlRow& r) {
  VolunteerActivity a;
  a.id = ToInt(r[0]);
  a.org_code = r[1].value_or("");
  a.title = r[2].value_or("");
  a.description = r[3].value_or("");
  a.place = r[4].value_or("");
  a.skills = SplitLines(r[5].value_or(""));
  a.starts_at = ToInt(r[6]);
  a.ends_at = ToInt(r[7]);
  a.capacity = ToInt(r[8]);
  a.created_by = ToInt(r[9]);
  a.created_at = ToInt(r[10]);
  a.confirmed = ToInt(r[11]);
  a.waiting = ToInt(r[12]);
  return a;
}

VolunteerSignup ReadSignup(const SqlRow& r) {
  VolunteerSignup s;
  s.activity_id = ToInt(r[0]);
  s.volunteer_id = ToInt(r[1]);
  s.volunteer_name = r[2].value_or("");
  s.status = r[3].value_or("");
  s.signed_up_at = ToInt(r[4]);
  s.checked_in_at = ToInt(r[5]);
  s.minutes = ToInt(r[6]);
  s.hours_by = ToInt(r[7]);
  s.hours_at = ToInt(r[8]);
  s.activity_title = r[9].value_or("");
  s.activity_org_code = r[10].value_or("");
  s.activity_starts_at = ToInt(r[11]);
  s.activity_ends_at = ToInt(r[12]);
  return s;
}

VolunteerActivity RequireActivity(SqlTx& tx, std::int64_t id) {
  auto rows = tx.Run(std::string("SELECT ") + kActivityCols + " FROM volunteer_activities a WHERE a.id = ?1",
                     {P::Int(id)});
  if (rows.empty()) Fail(ErrorCode::kNotFound, "activity not found");
  return ReadActivity(rows[0]);
}

Volunteer RequireVolunteer(SqlTx& tx, std::int64_t id) {
  auto rows = tx.Run(std::string("SELECT ") + kVolunteerCols + " FROM volunteers v WHERE v.id = ?1", {P::Int(id)});
  if (rows.empty()) Fail(ErrorCode::kNotFound, "volunteer not found");
  return ReadVolunteer(rows[0]);
}

// Waiting-list order: the time of sign-up, then the volunteer id.
const char kQueueOrder[] = " ORDER BY s.signed_up_at, s.volunteer_id";

std::int64_t WaitingPosition(SqlTx& tx, const VolunteerSignup& s) {
  if (s.status != "waiting") return 0;
  auto rows = tx.Run(
      "SELECT COUNT(*) FROM volunteer_signups s WHERE s.activity_id = ?1 AND s.status = 'waiting' AND "
      "(s.signed_up_at < ?2 OR (s.signed_up_at = ?2 AND s.volunteer_id <= ?3))",
      {P::Int(s.activity_id), P::Int(s.signed_up_at), P::Int(s.volunteer_id)});
  return ToInt(rows[0][0]);
}

VolunteerSignup ReadOne(SqlTx& tx, std::int64_t activity_id, std::int64_t volunteer_id, bool must_be_active) {
  auto rows = tx.Run(std::string("SELECT ") + kSignupCols + kSignupFrom +
                         "WHERE s.activity_id = ?1 AND s.volunteer_id = ?2",
                     {P::Int(activity_id), P::Int(volunteer_id)});
  if (rows.empty() || (must_be_active && rows[0][3].value_or("") == "cancelled")) {
    Fail(ErrorCode::kNotFound, "this volunteer is not signed up for the activity");
  }
  VolunteerSignup s = ReadSignup(rows[0]);
  s.position = WaitingPosition(tx, s);
  return s;
}

// Locks the activity row (PostgreSQL) so that concurrent sign-ups and cancellations of one
// activity take turns; SQLite's write transaction is exclusive already.
void LockActivity(SqlTx& tx, std::int64_t id) {
  tx.Run("UPDATE volunteer_activities SET capacity = capacity WHERE id = ?1", {P::Int(id)});
}

}  // namespace

Result<Volunteer> BaseDataStore::RegisterVolunteer(const model::Scope& scope, Volunteer v) {
  if (!scope.Contains(v.org_code)) return MakeError(ErrorCode::kNotFound, "org unit not found");
  return Guard([&]() -> Result<Volunteer> {
    RunBaseTx(true, [&](SqlTx& tx) {
      internal::RequireUnit(tx, v.org_code);
      if (v.person_id && tx.Run("SELECT 1 FROM persons WHERE id = ?1", {P::Int(v.person_id)}).empty()) {
        Fail(ErrorCode::kNotFound, "person not found");
      }
      auto rows = tx.Run(
          "INSERT INTO volunteers(org_code, user_id, person_id, name, skills, registered_by, registered_at) "
          "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT DO NOTHING RETURNING id",
          {P::Text(v.org_code), v.user_id ? P::Int(v.user_id) : P::Null(), v.person_id ? P::Int(v.person_id) : P::Null(),
           P::Text(v.name), P::Text(JoinLines(v.skills)), P::Int(v.registered_by), P::Int(v.registered_at)});
      if (rows.empty()) Fail(ErrorCode::kConflict, "this resident is registered as a volunteer already");
      v = RequireVolunteer(tx, ToInt(rows[0][0]));
    });
    return v;
  });
}

Result<Volunteer> BaseDataStore::GetVolunteer(const model::Scope& scope, std::int64_t id) {
  return Guard([&]() -> Result<Volunteer> {
    Volunteer v;
    RunBaseTx(false, [&](SqlTx& tx) { v = RequireVolunteer(tx, id); });
    if (!scope.Contains(v.org_code)) return MakeError(ErrorCode::kNotFound, "volunteer not found");
    return v;
  });
}

Result<Volunteer> BaseDataStore::GetVolunteerByUser(std::int64_t user_id) {
  return Guard([&]() -> Result<Volunteer> {
    Volunteer v;
    RunBaseTx(false, [&](SqlTx& tx) {
      auto rows = tx.Run(std::string("SELECT ") + kVolunteerCols + " FROM volunteers v WHERE v.user_id = ?1",
                         {P::Int(user_id)});
      if (rows.empty()) Fail(ErrorCode::kNotFound, "this account is not registered as a volunteer");
      v = ReadVolunteer(rows[0]);
    });
    return v;
  });
}

Result<Slice<Volunteer>> BaseDataStore::ListVolunteers(const model::Scope& scope, const std::string& unit_code,
                                                      Page page) {
  CG_RETURN_IF_ERROR(internal::ValidatePage(page));
  if (!scope.Contains(unit_code)) return MakeError(ErrorCode::kNotFound, "org unit not found");
  return Guard([&]() -> Result<Slice<Volunteer>> {
    Slice<Volunteer> out;
    RunBaseTx(false, [&](SqlTx& tx) {
      std::vector<P> params;
      const std::string where = internal::SubtreeSql("v.org_code", unit_code, params);
      out.total = ToInt(tx.Run("SELECT COUNT(*) FROM volunteers v WHERE " + where, params)[0][0]);
      params.push_back(P::Int(page.limit));
      params.push_back(P::Int(page.offset));
      auto rows = tx.Run(std::string("SELECT ") + kVolunteerCols + " FROM volunteers v WHERE " + where +
                             " ORDER BY 9 DESC, v.id LIMIT ?" + std::to_string(params.size() - 1) + " OFFSET ?" +
                             std::to_string(params.size()),
                         params);
      for (const auto& r : rows) out.items.push_back(ReadVolunteer(r));
    });
    return out;
  });
}

Result<VolunteerActivity> BaseDataStore::CreateVolunteerActivity(const model::Scope& scope, VolunteerActivity a) {
  if (!scope.Contains(a.org_code)) return MakeError(ErrorCode::kNotFound, "org unit not found");
  return Guard([&]() -> Result<VolunteerActivity> {
    RunBaseTx(true, [&](SqlTx& tx) {
      internal::RequireUnit(tx, a.org_code);
      auto rows = tx.Run(
          "INSERT INTO volunteer_activities(org_code, title, description, place, skills, starts_at, ends_at, capacity, "
          "created_by, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) RETURNING id",
          {P::Text(a.org_code), P::Text(a.title), P::Text(a.description), P::Text(a.place), P::Text(JoinLines(a.skills)),
           P::Int(a.starts_at), P::Int(a.ends_at), P::Int(a.capacity), P::Int(a.created_by), P::Int(a.created_at)});
      a = RequireActivity(tx, ToInt(rows[0][0]));
    });
    return a;
  });
}

Result<VolunteerActivity> BaseDataStore::GetVolunteerActivity(std::int64_t id) {
  return Guard([&]() -> Result<VolunteerActivity> {
    VolunteerActivity a;
    RunBaseTx(false, [&](SqlTx& tx) { a = RequireActivity(tx, id); });
    return a;
  });
}

Result<Slice<VolunteerActivity>> BaseDataStore::ListVolunteerActivities(const std::string& unit_code,
                                                                        Timestamp ends_after, Page page) {
  CG_RETURN_IF_ERROR(internal::ValidatePage(page));
  return Guard([&]() -> Result<Slice<VolunteerActivity>> {
    Slice<VolunteerActivity> out;
    RunBaseTx(false, [&](SqlTx& tx) {
      std::vector<P> params{P::Int(ends_after)};
      const std::string where = "a.ends_at >= ?1 AND " + internal::AreaSql("a.org_code", unit_code, params);
      out.total = ToInt(tx.Run("SELECT COUNT(*) FROM volunteer_activities a WHERE " + where, params)[0][0]);
      params.push_back(P::Int(page.limit));
      params.push_back(P::Int(page.offset));
      auto rows = tx.Run(std::string("SELECT ") + kActivityCols + " FROM volunteer_activities a WHERE " + where +
                             " ORDER BY a.starts_at, a.id LIMIT ?" + std::to_string(params.size() - 1) + " OFFSET ?" +
                             std::to_string(params.size()),
                         params);
      for (const auto& r : rows) out.items.push_back(ReadActivity(r));
    });
    return out;
  });
}

Result<SignupChange> BaseDataStore::SignUpVolunteer(std::int64_t activity_id, std::int64_t volunteer_id, Timestamp at) {
  return Guard([&]() -> Result<SignupChange> {
    SignupChange out;
    RunBaseTx(true, [&](SqlTx& tx) {
      LockActivity(tx, activity_id);
      const VolunteerActivity a = RequireActivity(tx, activity_id);
      RequireVolunteer(tx, volunteer_id);
      const char* status = a.confirmed < a.capacity ? "confirmed" : "waiting";
      // A cancelled sign-up may come back, at the end of the queue.
      auto rows = tx.Run(
          "INSERT INTO volunteer_signups(activity_id, volunteer_id, status, signed_up_at) VALUES (?1, ?2, ?3, ?4) "
          "ON CONFLICT (activity_id, volunteer_id) DO UPDATE SET status = excluded.status, "
          "signed_up_at = excluded.signed_up_at WHERE volunteer_signups.status = 'cancelled' RETURNING activity_id",
          {P::Int(activity_id), P::Int(volunteer_id), P::Text(status), P::Int(at)});
      if (rows.empty()) Fail(ErrorCode::kConflict, "signed up for this activity already");
      out.signup = ReadOne(tx, activity_id, volunteer_id, true);
    });
    return out;
  });
}

Result<SignupChange> BaseDataStore::CancelVolunteerSignup(std::int64_t activity_id, std::int64_t volunteer_id) {
  return Guard([&]() -> Result<SignupChange> {
    SignupChange out;
    RunBaseTx(true, [&](SqlTx& tx) {
      LockActivity(tx, activity_id);
      const VolunteerSignup before = ReadOne(tx, activity_id, volunteer_id, true);
      if (before.checked_in_at) Fail(ErrorCode::kConflict, "checked in already: the sign-up cannot be cancelled");
      tx.Run("UPDATE volunteer_signups SET status = 'cancelled' WHERE activity_id = ?1 AND volunteer_id = ?2",
             {P::Int(activity_id), P::Int(volunteer_id)});
      if (before.status == "confirmed") {
        auto first = tx.Run(std::string("SELECT s.volunteer_id FROM volunteer_signups s WHERE s.activity_id = ?1 AND "
                                        "s.status = 'waiting'") +
                                kQueueOrder + " LIMIT 1",
                            {P::Int(activity_id)});
        if (!first.empty()) {
          out.promoted = ToInt(first[0][0]);
          tx.Run("UPDATE volunteer_signups SET status = 'confirmed' WHERE activity_id = ?1 AND volunteer_id = ?2",
                 {P::Int(activity_id), P::Int(out.promoted)});
        }
      }
      out.signup = ReadOne(tx, activity_id, volunteer_id, false);
    });
    return out;
  });
}

Result<VolunteerSignup> BaseDataStore::CheckInVolunteer(std::int64_t activity_id, std::int64_t volunteer_id,
                                                        Timestamp at) {
  return Guard([&]() -> Result<VolunteerSignup> {
    VolunteerSignup out;
    RunBaseTx(true, [&](SqlTx& tx) {
      const VolunteerSignup s = ReadOne(tx, activity_id, volunteer_id, true);
      if (s.status != "confirmed") Fail(ErrorCode::kConflict, "on the waiting list: no place to check in to");
      if (s.checked_in_at) Fail(ErrorCode::kConflict, "checked in already");
      tx.Run("UPDATE volunteer_signups SET checked_in_at = ?3 WHERE activity_id = ?1 AND volunteer_id = ?2",
             {P::Int(activity_id), P::Int(volunteer_id), P::Int(at)});
      out = ReadOne(tx, activity_id, volunteer_id, true);
    });
    return out;
  });
}

Result<VolunteerSignup> BaseDataStore::RecordVolunteerMinutes(std::int64_t activity_id, std::int64_t volunteer_id,
                                                              std::int64_t minutes, const AuditEntry& audit) {
  if (minutes < 0) return MakeError(ErrorCode::kInvalid, "minutes: not negative");
  return Guard([&]() -> Result<VolunteerSignup> {
    VolunteerSignup out;
    RunBaseTx(true, [&](SqlTx& tx) {
      const VolunteerSignup s = ReadOne(tx, activity_id, volunteer_id, true);
      if (!s.checked_in_at) Fail(ErrorCode::kConflict, "not checked in: no service to record");
      tx.Run(
          "UPDATE volunteer_signups SET minutes = ?3, hours_by = ?4, hours_at = ?5 WHERE activity_id = ?1 AND "
          "volunteer_id = ?2",
          {P::Int(activity_id), P::Int(volunteer_id), P::Int(minutes), P::Int(audit.actor_user_id), P::Int(audit.at)});
      AuditEntry e = audit;
      internal::AppendAuditIn(tx, e);
      out = ReadOne(tx, activity_id, volunteer_id, true);
    });
    return out;
  });
}

Result<std::vector<VolunteerSignup>> BaseDataStore::ListVolunteerSignups(std::int64_t activity_id) {
  return Guard([&]() -> Result<std::vector<VolunteerSignup>> {
    std::vector<VolunteerSignup> out;
    RunBaseTx(false, [&](SqlTx& tx) {
      RequireActivity(tx, activity_id);
      auto rows = tx.Run(std::string("SELECT ") + kSignupCols + kSignupFrom +
                             "WHERE s.activity_id = ?1 AND s.status <> 'cancelled' "
                             "ORDER BY CASE s.status WHEN 'confirmed' THEN 0 ELSE 1 END, s.signed_up_at, s.volunteer_id",
                         {P::Int(activity_id)});
      std::int64_t position = 0;
      for (const auto& r : rows) {
        out.push_back(ReadSignup(r));
        if (out.back().status == "waiting") out.back().position = ++position;
      }
    });
    return out;
  });
}

Result<std::vector<VolunteerSignup>> BaseDataStore::ListVolunteerRecord(std::int64_t volunteer_id) {
  return Guard([&]() -> Result<std::vector<VolunteerSignup>> {
    std::vector<VolunteerSignup> out;
    RunBaseTx(false, [&](SqlTx& tx) {
      RequireVolunteer(tx, volunteer_id);
      auto rows = tx.Run(std::string("SELECT ") + kSignupCols + kSignupFrom +
                             "WHERE s.volunteer_id = ?1 AND s.status <> 'cancelled' ORDER BY a.starts_at DESC, a.id DESC",
                         {P::Int(volunteer_id)});
      for (const auto& r : rows) {
        out.push_back(ReadSignup(r));
        out.back().position = WaitingPosition(tx, out.back());
      }
    });
    return out;
  });
}

Result<std::vector<VolunteerHours>> BaseDataStore::ListVolunteerHours(const model::Scope& scope,
                                                                     const std::string& unit_code) {
  if (!scope.Contains(unit_code)) return MakeError(ErrorCode::kNotFound, "org unit not found");
  return Guard([&]() -> Result<std::vector<VolunteerHours>> {
    std::vector<VolunteerHours> out;
    // The children's code length: city 4, district 6, street 9, community 12, grid 15.
    std::size_t child = 15;
    for (std::size_t n : {4, 6, 9, 12, 15}) {
      if (n > unit_code.size()) {
        child = n;
        break;
      }
    }
    RunBaseTx(false, [&](SqlTx& tx) {
      std::vector<P> params;
      const std::string where = internal::SubtreeSql("v.org_code", unit_code, params);
      auto rows = tx.Run(
          "SELECT SUBSTR(v.org_code, 1, " + std::to_string(child) + "), COUNT(*), "
          "SUM(CASE WHEN m.minutes > 0 THEN 1 ELSE 0 END), COALESCE(SUM(m.minutes), 0) FROM volunteers v "
          "LEFT JOIN (SELECT volunteer_id, SUM(minutes) AS minutes FROM volunteer_signups GROUP BY volunteer_id) m "
          "ON m.volunteer_id = v.id WHERE " + where + " GROUP BY 1 ORDER BY 1",
          params);
      for (const auto& r : rows) {
        out.push_back({r[0].value_or(""), ToInt(r[1]), ToInt(r[2]), ToInt(r[3])});
      }
    });
    return out;
  });
}

}  // namespace cg::store
