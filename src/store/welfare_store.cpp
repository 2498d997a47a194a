// Welfare checks (store/welfare_store.hpp): subjects and visits, written once against
// internal::SqlTx for both backends. Scope is the person's grid now: welfare_subjects.grid_code
// is a copy of persons.grid_code, written on enrolment and changed by UpdateRecord in the same
// transaction as the person's move, so the lists need no join to be scoped.
#include <string>

#include "store/base_store.hpp"
#include "store/internal/area_sql.hpp"
#include "store/internal/codec.hpp"
#include "store/internal/common.hpp"
#include "store/internal/sql_tx.hpp"
#include "store/store.hpp"

namespace cg::store {
namespace {

using internal::Fail;
using internal::Guard;
using internal::ListRoot;
using internal::SqlRow;
using internal::SqlTx;
using internal::ToInt;
using P = internal::SqlParam;

constexpr Timestamp kDayMs = 86'400'000;

const char kSubjectCols[] =
    "s.person_id, s.grid_code, p.name, s.interval_days, s.reporter_user_id, COALESCE(u.display_name, ''), s.active, "
    "s.enrolled_by, s.enrolled_at, s.updated_at, s.last_visit_at, s.last_health, s.due_at, s.overdue_case_id";
const char kSubjectFrom[] =
    " FROM welfare_subjects s JOIN persons p ON p.id = s.person_id"
    " LEFT JOIN users u ON u.id = s.reporter_user_id";

WelfareSubject ReadSubject(const SqlRow& r) {
  WelfareSubject s;
  s.person_id = ToInt(r[0]);
  s.grid_code = r[1].value_or("");
  s.name = r[2].value_or("");
  s.interval_days = static_cast<int>(ToInt(r[3]));
  s.reporter_user_id = ToInt(r[4]);
  s.reporter_name = r[5].value_or("");
  s.active = ToInt(r[6]) != 0;
  s.enrolled_by = ToInt(r[7]);
  s.enrolled_at = ToInt(r[8]);
  s.updated_at = ToInt(r[9]);
  s.last_visit_at = ToInt(r[10]);
  s.last_health = r[11].value_or("");
  s.due_at = ToInt(r[12]);
  s.overdue_case_id = r[13].value_or("");
  return s;
}

const char kVisitCols[] =
    "v.id, v.person_id, p.name, v.grid_code, v.visitor_user_id, v.visitor_role, COALESCE(u.display_name, ''), "
    "v.visited_at, v.recorded_at, v.meal, v.medicine, v.health, v.need, v.note, "
    "(SELECT COUNT(*) FROM welfare_visit_photos ph WHERE ph.visit_id = v.id), v.case_id, v.idempotency_key";
const char kVisitFrom[] =
    " FROM welfare_visits v JOIN persons p ON p.id = v.person_id LEFT JOIN users u ON u.id = v.visitor_user_id";

WelfareVisit ReadVisit(const SqlRow& r) {
  WelfareVisit v;
  v.id = ToInt(r[0]);
  v.person_id = ToInt(r[1]);
  v.person_name = r[2].value_or("");
  v.grid_code = r[3].value_or("");
  v.visitor_user_id = ToInt(r[4]);
  v.visitor_role = r[5].value_or("");
  v.visitor_name = r[6].value_or("");
  v.visited_at = ToInt(r[7]);
  v.recorded_at = ToInt(r[8]);
  v.meal = ToInt(r[9]) != 0;
  v.medicine = ToInt(r[10]) != 0;
  v.health = r[11].value_or("");
  v.need = r[12].value_or("");
  v.note = r[13].value_or("");
  v.has_photo = ToInt(r[14]) != 0;
  v.case_id = r[15].value_or("");
  v.idempotency_key = r[16].value_or("");
  return v;
}

void CheckInterval(int days) {
  if (days < 1 || days > kWelfareMaxIntervalDays)
    Fail(ErrorCode::kInvalid, "interval_days: must be 1.." + std::to_string(kWelfareMaxIntervalDays));
}

// The reporter must be a reporter account bound to a unit that holds the person's grid.
void CheckReporter(SqlTx& tx, std::int64_t user_id, const std::string& grid_code) {
  if (user_id == 0) return;
  auto rows = tx.Run("SELECT role, scope_code, CASE WHEN disabled THEN 1 ELSE 0 END FROM users WHERE id = ?1", {P::Int(user_id)});
  if (rows.empty() || rows[0][0].value_or("") != "reporter")
    Fail(ErrorCode::kInvalid, "reporter_user_id: not a reporter account");
  if (ToInt(rows[0][2]) != 0) Fail(ErrorCode::kInvalid, "reporter_user_id: the account is disabled");
  if (!grid_code.starts_with(rows[0][1].value_or("-")))
    Fail(ErrorCode::kInvalid, "reporter_user_id: the reporter serves " + rows[0][1].value_or("") +
                                  ", which does not hold this person");
}

std::optional<WelfareSubject> FindSubject(SqlTx& tx, std::int64_t person_id) {
  auto rows = tx.Run(std::string("SELECT ") + kSubjectCols + kSubjectFrom + " WHERE s.person_id = ?1",
                     {P::Int(person_id)});
  if (rows.empty()) return std::nullopt;
  return ReadSubject(rows[0]);
}

WelfareSubject RequireSubject(SqlTx& tx, const model::Scope& scope, std::int64_t person_id,
                              std::int64_t reporter_user_id) {
  auto s = FindSubject(tx, person_id);
  // Not enrolled, outside the scope and not assigned all read the same.
  if (!s || !scope.Contains(s->grid_code) || (reporter_user_id != 0 && s->reporter_user_id != reporter_user_id))
    Fail(ErrorCode::kNotFound, "welfare subject not found");
  return *s;
}

Timestamp DueAt(Timestamp last_visit, Timestamp enrolled, int interval_days) {
  return (last_visit != 0 ? last_visit : enrolled) + interval_days * kDayMs;
}

std::optional<WelfareVisit> FindVisitByKey(SqlTx& tx, std::int64_t visitor, const std::string& key) {
  if (key.empty()) return std::nullopt;
  auto rows = tx.Run(std::string("SELECT ") + kVisitCols + kVisitFrom +
                         " WHERE v.visitor_user_id = ?1 AND v.idempotency_key = ?2",
                     {P::Int(visitor), P::Text(key)});
  if (rows.empty()) return std::nullopt;
  return ReadVisit(rows[0]);
}

}  // namespace

Result<WelfareSubject> BaseDataStore::EnrolWelfareSubject(const model::Scope& scope, WelfareSubject s) {
  return Guard([&]() -> Result<WelfareSubject> {
    RunBaseTx(true, [&](SqlTx& tx) {
      auto person = tx.Run("SELECT grid_code FROM persons WHERE id = ?1", {P::Int(s.person_id)});
      if (person.empty() || !scope.Contains(person[0][0].value_or(""))) Fail(ErrorCode::kNotFound, "person not found");
      CheckInterval(s.interval_days);
      CheckReporter(tx, s.reporter_user_id, person[0][0].value_or(""));
      if (FindSubject(tx, s.person_id)) Fail(ErrorCode::kConflict, "this person is enrolled for welfare visits already");
      tx.Run("INSERT INTO welfare_subjects(person_id, grid_code, interval_days, reporter_user_id, active, enrolled_by, "
             "enrolled_at, updated_at, last_visit_at, last_health, due_at, overdue_case_id) "
             "VALUES (?1, ?8, ?2, ?3, ?4, ?5, ?6, ?6, 0, '', ?7, '')",
             {P::Int(s.person_id), P::Int(s.interval_days), P::Int(s.reporter_user_id), P::Int(s.active ? 1 : 0),
              P::Int(s.enrolled_by), P::Int(s.enrolled_at), P::Int(DueAt(0, s.enrolled_at, s.interval_days)),
              P::Text(person[0][0].value_or(""))});
      s = *FindSubject(tx, s.person_id);
    });
    return s;
  });
}

Result<WelfareSubject> BaseDataStore::UpdateWelfareSubject(const model::Scope& scope, const WelfareSubject& change) {
  return Guard([&]() -> Result<WelfareSubject> {
    WelfareSubject s;
    RunBaseTx(true, [&](SqlTx& tx) {
      s = RequireSubject(tx, scope, change.person_id, 0);
      CheckInterval(change.interval_days);
      CheckReporter(tx, change.reporter_user_id, s.grid_code);
      tx.Run("UPDATE welfare_subjects SET interval_days = ?1, reporter_user_id = ?2, active = ?3, updated_at = ?4, "
             "due_at = ?5 WHERE person_id = ?6",
             {P::Int(change.interval_days), P::Int(change.reporter_user_id), P::Int(change.active ? 1 : 0),
              P::Int(change.updated_at), P::Int(DueAt(s.last_visit_at, s.enrolled_at, change.interval_days)),
              P::Int(change.person_id)});
      s = *FindSubject(tx, change.person_id);
    });
    return s;
  });
}

Result<WelfareSubject> BaseDataStore::GetWelfareSubject(const model::Scope& scope, std::int64_t person_id,
                                                        std::int64_t reporter_user_id) {
  return Guard([&]() -> Result<WelfareSubject> {
    WelfareSubject s;
    RunBaseTx(false, [&](SqlTx& tx) { s = RequireSubject(tx, scope, person_id, reporter_user_id); });
    return s;
  });
}

Result<Slice<WelfareSubject>> BaseDataStore::ListWelfareSubjects(const model::Scope& scope, const WelfareQuery& q,
                                                                 Page page) {
  CG_RETURN_IF_ERROR(internal::ValidatePage(page));
  return Guard([&]() -> Result<Slice<WelfareSubject>> {
    Slice<WelfareSubject> out;
    RunBaseTx(false, [&](SqlTx& tx) {
      std::vector<P> params;
      auto bind = [&](P p) {
        params.push_back(std::move(p));
        return "?" + std::to_string(params.size());
      };
      std::string where = internal::SubtreeSql("s.grid_code", ListRoot(scope, q.under), params);
      if (q.active_only) where += " AND s.active = 1";
      if (q.reporter_user_id != 0) where += " AND s.reporter_user_id = " + bind(P::Int(q.reporter_user_id));
      if (q.overdue_only) where += " AND s.due_at < " + bind(P::Int(q.now));
      out.total = ToInt(tx.Run("SELECT COUNT(*) FROM welfare_subjects s WHERE " + where, params)[0][0]);
      const std::string limit = bind(P::Int(page.limit));
      const std::string offset = bind(P::Int(page.offset));
      // The page is cut from welfare_subjects alone (one index range and a top-N sort); only its
      // rows are joined to persons and users for the names.
      for (const auto& r : tx.Run(std::string("SELECT ") + kSubjectCols + " FROM (SELECT * FROM welfare_subjects s WHERE " +
                                      where + " ORDER BY s.due_at, s.person_id LIMIT " + limit + " OFFSET " + offset +
                                      ") s JOIN persons p ON p.id = s.person_id LEFT JOIN users u ON u.id = s.reporter_user_id"
                                      " ORDER BY s.due_at, s.person_id",
                                  params)) {
        out.items.push_back(ReadSubject(r));
      }
    });
    return out;
  });
}

Result<WelfareVisit> BaseDataStore::RecordWelfareVisit(const model::Scope& scope, WelfareVisit v, bool reporter_only,
                                                       const WelfarePhoto* photo) {
  return Guard([&]() -> Result<WelfareVisit> {
    RunBaseTx(true, [&](SqlTx& tx) {
      if (auto seen = FindVisitByKey(tx, v.visitor_user_id, v.idempotency_key)) {
        v = *seen;
        return;
      }
      WelfareSubject s = RequireSubject(tx, scope, v.person_id, reporter_only ? v.visitor_user_id : 0);
      if (!s.active) Fail(ErrorCode::kNotFound, "welfare subject not found");
      auto rows = tx.Run(
          "INSERT INTO welfare_visits(person_id, grid_code, visitor_user_id, visitor_role, visited_at, recorded_at, "
          "meal, medicine, health, need, note, case_id, idempotency_key) "
          "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13) RETURNING id",
          {P::Int(v.person_id), P::Text(s.grid_code), P::Int(v.visitor_user_id), P::Text(v.visitor_role),
           P::Int(v.visited_at), P::Int(v.recorded_at), P::Int(v.meal ? 1 : 0), P::Int(v.medicine ? 1 : 0),
           P::Text(v.health), P::Text(v.need), P::Text(v.note), P::Text(v.case_id), P::Text(v.idempotency_key)});
      const std::int64_t id = ToInt(rows[0][0]);
      if (photo) {
        tx.Run("INSERT INTO welfare_visit_photos(visit_id, width, height, jpeg, thumbnail) VALUES (?1, ?2, ?3, ?4, ?5)",
               {P::Int(id), P::Int(photo->width), P::Int(photo->height), P::Text(internal::Hex(photo->jpeg)),
                P::Text(internal::Hex(photo->thumbnail))});
      }
      // An older visit recorded late (offline) does not move the last visit back.
      if (v.visited_at >= s.last_visit_at) {
        tx.Run("UPDATE welfare_subjects SET last_visit_at = ?1, last_health = ?2, due_at = ?3, overdue_case_id = '' "
               "WHERE person_id = ?4",
               {P::Int(v.visited_at), P::Text(v.health), P::Int(DueAt(v.visited_at, s.enrolled_at, s.interval_days)),
                P::Int(v.person_id)});
      }
      v = ReadVisit(tx.Run(std::string("SELECT ") + kVisitCols + kVisitFrom + " WHERE v.id = ?1", {P::Int(id)})[0]);
    });
    return v;
  });
}

Result<std::optional<WelfareVisit>> BaseDataStore::FindWelfareVisit(std::int64_t visitor_user_id,
                                                                    const std::string& idempotency_key) {
  return Guard([&]() -> Result<std::optional<WelfareVisit>> {
    std::optional<WelfareVisit> out;
    RunBaseTx(false, [&](SqlTx& tx) { out = FindVisitByKey(tx, visitor_user_id, idempotency_key); });
    return out;
  });
}

Result<Slice<WelfareVisit>> BaseDataStore::ListWelfareVisits(const model::Scope& scope, const WelfareVisitQuery& q,
                                                             Page page) {
  CG_RETURN_IF_ERROR(internal::ValidatePage(page));
  return Guard([&]() -> Result<Slice<WelfareVisit>> {
    Slice<WelfareVisit> out;
    RunBaseTx(false, [&](SqlTx& tx) {
      std::vector<P> params;
      auto bind = [&](P p) {
        params.push_back(std::move(p));
        return "?" + std::to_string(params.size());
      };
      std::string where = internal::SubtreeSql("v.grid_code", ListRoot(scope, q.under), params);
      if (q.person_id != 0) where += " AND v.person_id = " + bind(P::Int(q.person_id));
      if (q.visitor_user_id != 0) where += " AND v.visitor_user_id = " + bind(P::Int(q.visitor_user_id));
      out.total = ToInt(tx.Run("SELECT COUNT(*) FROM welfare_visits v WHERE " + where, params)[0][0]);
      const std::string limit = bind(P::Int(page.limit));
      const std::string offset = bind(P::Int(page.offset));
      for (const auto& r : tx.Run(std::string("SELECT ") + kVisitCols + kVisitFrom + " WHERE " + where +
                                      " ORDER BY v.visited_at DESC, v.id DESC LIMIT " + limit + " OFFSET " + offset,
                                  params)) {
        out.items.push_back(ReadVisit(r));
      }
    });
    return out;
  });
}

Result<std::string> BaseDataStore::GetWelfareVisitPhoto(const model::Scope& scope, std::int64_t visit_id,
                                                        std::int64_t visitor_user_id, bool thumbnail) {
  return Guard([&]() -> Result<std::string> {
    std::string out;
    RunBaseTx(false, [&](SqlTx& tx) {
      auto rows = tx.Run(std::string("SELECT v.grid_code, v.visitor_user_id, ") + (thumbnail ? "ph.thumbnail" : "ph.jpeg") +
                             " FROM welfare_visits v JOIN welfare_visit_photos ph ON ph.visit_id = v.id WHERE v.id = ?1",
                         {P::Int(visit_id)});
      if (rows.empty() || !scope.Contains(rows[0][0].value_or("")) ||
          (visitor_user_id != 0 && ToInt(rows[0][1]) != visitor_user_id))
        Fail(ErrorCode::kNotFound, "photo not found");
      out = internal::Unhex(rows[0][2].value_or(""));
    });
    return out;
  });
}

Result<std::vector<WelfareSubject>> BaseDataStore::ListNewlyOverdue(Timestamp now, std::int64_t limit) {
  return Guard([&]() -> Result<std::vector<WelfareSubject>> {
    std::vector<WelfareSubject> out;
    RunBaseTx(false, [&](SqlTx& tx) {
      for (const auto& r : tx.Run(std::string("SELECT ") + kSubjectCols + kSubjectFrom +
                                      " WHERE s.active = 1 AND s.due_at < ?1 AND s.overdue_case_id = '' "
                                      "ORDER BY s.due_at, s.person_id LIMIT ?2",
                                  {P::Int(now), P::Int(limit)})) {
        out.push_back(ReadSubject(r));
      }
    });
    return out;
  });
}

Result<bool> BaseDataStore::MarkWelfareOverdue(std::int64_t person_id, Timestamp due_at, const std::string& case_id) {
  return Guard([&]() -> Result<bool> {
    bool marked = false;
    RunBaseTx(true, [&](SqlTx& tx) {
      marked = !tx.Run("UPDATE welfare_subjects SET overdue_case_id = ?1 WHERE person_id = ?2 AND due_at = ?3 "
                       "AND overdue_case_id = '' RETURNING person_id",
                       {P::Text(case_id), P::Int(person_id), P::Int(due_at)})
                    .empty();
    });
    return marked;
  });
}

Result<std::vector<WelfareReporter>> BaseDataStore::ListWelfareReporters(const model::Scope& scope,
                                                                         const std::string& under) {
  return Guard([&]() -> Result<std::vector<WelfareReporter>> {
    std::vector<WelfareReporter> out;
    RunBaseTx(false, [&](SqlTx& tx) {
      std::vector<P> params;
      std::string where = internal::SubtreeSql("u.scope_code", ListRoot(scope, under), params);
      for (const auto& r : tx.Run("SELECT u.id, u.username, u.display_name, u.scope_code, "
                                  "(SELECT COUNT(*) FROM welfare_subjects s WHERE s.reporter_user_id = u.id AND s.active = 1) "
                                  "FROM users u WHERE u.role = 'reporter' AND NOT u.disabled AND " +
                                      where + " ORDER BY u.scope_code, u.id LIMIT 1000",
                                  params)) {
        out.push_back({ToInt(r[0]), r[1].value_or(""), r[2].value_or(""), r[3].value_or(""), ToInt(r[4])});
      }
    });
    return out;
  });
}

Result<std::vector<std::pair<std::int64_t, std::string>>> BaseDataStore::PersonsWithTag(const std::string& element_code,
                                                                                        std::int64_t after_id,
                                                                                        std::int64_t limit) {
  return Guard([&]() -> Result<std::vector<std::pair<std::int64_t, std::string>>> {
    std::vector<std::pair<std::int64_t, std::string>> out;
    RunBaseTx(false, [&](SqlTx& tx) {
      // The fields are "key=value" lines (EncodeFields); '_' in a code matches itself too.
      for (const auto& r : tx.Run("SELECT id, grid_code FROM persons WHERE id > ?1 AND data LIKE ?2 ORDER BY id LIMIT ?3",
                                  {P::Int(after_id), P::Text("%" + element_code + "=true\n%"), P::Int(limit)})) {
        out.emplace_back(ToInt(r[0]), r[1].value_or(""));
      }
    });
    return out;
  });
}

Result<std::int64_t> BaseDataStore::SeedWelfareSubjects(const std::vector<WelfareSubject>& subjects) {
  return Guard([&]() -> Result<std::int64_t> {
    RunBaseTx(true, [&](SqlTx& tx) {
      std::vector<std::vector<P>> rows;
      rows.reserve(subjects.size());
      for (const auto& s : subjects) {
        rows.push_back({P::Int(s.person_id), P::Text(s.grid_code), P::Int(s.interval_days), P::Int(s.reporter_user_id), P::Int(s.active ? 1 : 0),
                        P::Int(s.enrolled_by), P::Int(s.enrolled_at), P::Int(s.enrolled_at), P::Int(s.last_visit_at),
                        P::Text(s.last_health), P::Int(DueAt(s.last_visit_at, s.enrolled_at, s.interval_days)),
                        P::Text("")});
      }
      tx.InsertRows("welfare_subjects",
                    {"person_id", "grid_code", "interval_days", "reporter_user_id", "active", "enrolled_by", "enrolled_at",
                     "updated_at", "last_visit_at", "last_health", "due_at", "overdue_case_id"},
                    rows);
    });
    return static_cast<std::int64_t>(subjects.size());
  });
}

}  // namespace cg::store
