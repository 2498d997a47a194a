// Complaint sessions and their complaints (store/complaint_store.hpp): written once against
// internal::SqlTx for both backends. The rectification list and the counts read the cases
// table directly (state, terminal, due_at, the breach flag, the "reply" field), so a session of
// any size is one query, not one case read per complaint.
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
using internal::SqlRow;
using internal::SqlTx;
using internal::ToInt;
using P = internal::SqlParam;

// Open: a linked case that is not terminal. Overdue: open and past due_at at ?1 (the read's
// now), or flagged breached (flags bit 2). `terminal` is an integer on SQLite and a boolean on
// PostgreSQL; CASE WHEN reads both.
const char kSessionCols[] =
    "s.id, s.org_code, s.title, s.place, s.held_at, s.opens_at, s.closes_at, s.created_by, s.created_at, "
    "(SELECT COUNT(*) FROM complaints c WHERE c.session_id = s.id), "
    "(SELECT COUNT(*) FROM complaints c JOIN cases k ON k.public_id = c.case_public_id "
    "  WHERE c.session_id = s.id AND (CASE WHEN k.terminal THEN 0 ELSE 1 END) = 1), "
    "(SELECT COUNT(*) FROM complaints c JOIN cases k ON k.public_id = c.case_public_id "
    "  WHERE c.session_id = s.id AND (CASE WHEN k.terminal THEN 0 ELSE 1 END) = 1 "
    "  AND ((k.due_at > 0 AND k.due_at <= ?1) OR (k.flags & 2) <> 0)), "
    "(SELECT COUNT(*) FROM complaints c JOIN cases k ON k.public_id = c.case_public_id "
    "  WHERE c.session_id = s.id AND (CASE WHEN k.terminal THEN 1 ELSE 0 END) = 1)";

ComplaintSession ReadSession(const SqlRow& r) {
  ComplaintSession s;
  s.id = ToInt(r[0]);
  s.org_code = r[1].value_or("");
  s.title = r[2].value_or("");
  s.place = r[3].value_or("");
  s.held_at = ToInt(r[4]);
  s.opens_at = ToInt(r[5]);
  s.closes_at = ToInt(r[6]);
  s.created_by = ToInt(r[7]);
  s.created_at = ToInt(r[8]);
  s.complaints = ToInt(r[9]);
  s.open = ToInt(r[10]);
  s.overdue = ToInt(r[11]);
  s.closed = ToInt(r[12]);
  return s;
}

const char kComplaintCols[] =
    "c.id, c.session_id, c.body, c.category, c.channel, c.resident_name, c.user_id, c.created_at, "
    "c.case_public_id, k.id, k.state, CASE WHEN k.terminal THEN 1 ELSE 0 END, k.due_at, "
    "CASE WHEN k.id IS NOT NULL AND NOT (CASE WHEN k.terminal THEN 1 ELSE 0 END) = 1 "
    "  AND ((k.due_at > 0 AND k.due_at <= ?1) OR (k.flags & 2) <> 0) THEN 1 ELSE 0 END, "
    "k.handling_unit_code, f.value";
const char kComplaintFrom[] =
    " FROM complaints c LEFT JOIN cases k ON k.public_id = c.case_public_id AND c.case_public_id <> '' "
    "LEFT JOIN case_fields f ON f.case_id = k.id AND f.code = 'reply'";

Complaint ReadComplaint(const SqlRow& r) {
  Complaint c;
  c.id = ToInt(r[0]);
  c.session_id = ToInt(r[1]);
  c.body = r[2].value_or("");
  c.category = r[3].value_or("");
  c.channel = r[4].value_or("");
  c.resident_name = r[5].value_or("");
  c.user_id = ToInt(r[6]);
  c.created_at = ToInt(r[7]);
  c.case_public_id = r[8].value_or("");
  c.case_id = r[9].value_or("");
  c.case_state = r[10].value_or("");
  c.case_terminal = ToInt(r[11]) != 0;
  c.due_at = ToInt(r[12]);
  c.overdue = ToInt(r[13]) != 0;
  c.handling_unit_code = r[14].value_or("");
  c.reply = r[15].value_or("");
  return c;
}

ComplaintSession RequireSession(SqlTx& tx, std::int64_t id, Timestamp now) {
  auto rows = tx.Run(std::string("SELECT ") + kSessionCols + " FROM complaint_sessions s WHERE s.id = ?2",
                     {P::Int(now), P::Int(id)});
  if (rows.empty()) Fail(ErrorCode::kNotFound, "complaint session not found");
  return ReadSession(rows[0]);
}

Complaint RequireComplaint(SqlTx& tx, std::int64_t session_id, std::int64_t id) {
  auto rows = tx.Run(std::string("SELECT ") + kComplaintCols + kComplaintFrom +
                         " WHERE c.id = ?2 AND c.session_id = ?3",
                     {P::Int(0), P::Int(id), P::Int(session_id)});
  if (rows.empty()) Fail(ErrorCode::kNotFound, "complaint not found");
  return ReadComplaint(rows[0]);
}

}  // namespace

Result<ComplaintSession> BaseDataStore::CreateComplaintSession(const model::Scope& scope, ComplaintSession s) {
  if (!scope.Contains(s.org_code)) return MakeError(ErrorCode::kNotFound, "org unit not found");
  return Guard([&]() -> Result<ComplaintSession> {
    RunBaseTx(true, [&](SqlTx& tx) {
      internal::RequireUnit(tx, s.org_code);
      auto rows = tx.Run(
          "INSERT INTO complaint_sessions(org_code, title, place, held_at, opens_at, closes_at, created_by, "
          "created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) RETURNING id",
          {P::Text(s.org_code), P::Text(s.title), P::Text(s.place), P::Int(s.held_at), P::Int(s.opens_at),
           P::Int(s.closes_at), P::Int(s.created_by), P::Int(s.created_at)});
      s = RequireSession(tx, ToInt(rows[0][0]), s.created_at);
    });
    return s;
  });
}

Result<ComplaintSession> BaseDataStore::GetComplaintSession(const model::Scope& scope, std::int64_t id, Timestamp now) {
  return Guard([&]() -> Result<ComplaintSession> {
    ComplaintSession s;
    RunBaseTx(false, [&](SqlTx& tx) {
      s = RequireSession(tx, id, now);
      // Outside the scope reads exactly like no session: existence is not revealed.
      if (!scope.Contains(s.org_code)) Fail(ErrorCode::kNotFound, "complaint session not found");
    });
    return s;
  });
}

Result<Slice<ComplaintSession>> BaseDataStore::ListComplaintSessions(const model::Scope& scope,
                                                                     const std::string& unit_code, Timestamp now,
                                                                     Page page) {
  CG_RETURN_IF_ERROR(internal::ValidatePage(page));
  if (!scope.Contains(unit_code) && !scope.root_code().starts_with(unit_code)) {
    return MakeError(ErrorCode::kNotFound, "org unit not found");
  }
  return Guard([&]() -> Result<Slice<ComplaintSession>> {
    Slice<ComplaintSession> out;
    RunBaseTx(false, [&](SqlTx& tx) {
      std::vector<P> params{P::Int(now)};
      auto bind = [&](P p) {
        params.push_back(std::move(p));
        return "?" + std::to_string(params.size());
      };
      // Below the unit or one of the units above it, and inside the caller's scope.
      std::string where = internal::AreaSql("s.org_code", unit_code, params);
      if (!scope.is_system()) where += " AND " + internal::SubtreeSql("s.org_code", scope.root_code(), params);
      // ?1 (now) is not needed to count; the cast gives PostgreSQL its type.
      out.total =
          ToInt(tx.Run("SELECT COUNT(*), CAST(?1 AS bigint) FROM complaint_sessions s WHERE " + where, params)[0][0]);
      const std::string limit = bind(P::Int(page.limit));
      const std::string offset = bind(P::Int(page.offset));
      auto rows = tx.Run(std::string("SELECT ") + kSessionCols + " FROM complaint_sessions s WHERE " + where +
                             " ORDER BY s.held_at DESC, s.id DESC LIMIT " + limit + " OFFSET " + offset,
                         params);
      for (const auto& r : rows) out.items.push_back(ReadSession(r));
    });
    return out;
  });
}

Result<Complaint> BaseDataStore::AddComplaint(Complaint c, int max_per_account) {
  return Guard([&]() -> Result<Complaint> {
    RunBaseTx(true, [&](SqlTx& tx) {
      // Taking the session row's write lock first serialises concurrent submissions to one
      // session (PostgreSQL row lock; SQLite has one writer), so the count below holds.
      auto touched = tx.Run(
          "UPDATE complaint_sessions SET complaint_seq = complaint_seq + 1 WHERE id = ?1 RETURNING id",
          {P::Int(c.session_id)});
      if (touched.empty()) Fail(ErrorCode::kNotFound, "complaint session not found");
      if (c.channel == "online") {
        auto n = tx.Run("SELECT COUNT(*) FROM complaints WHERE session_id = ?1 AND channel = 'online' AND user_id = ?2",
                        {P::Int(c.session_id), P::Int(c.user_id)});
        if (ToInt(n[0][0]) >= max_per_account) {
          Fail(ErrorCode::kConflict, "you have raised " + std::to_string(max_per_account) +
                                         " complaints at this session already");
        }
      }
      auto rows = tx.Run(
          "INSERT INTO complaints(session_id, body, category, channel, resident_name, user_id, created_at) "
          "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) RETURNING id",
          {P::Int(c.session_id), P::Text(c.body), P::Text(c.category), P::Text(c.channel),
           P::Text(c.resident_name), P::Int(c.user_id), P::Int(c.created_at)});
      c = RequireComplaint(tx, c.session_id, ToInt(rows[0][0]));
    });
    return c;
  });
}

Result<Complaint> BaseDataStore::LinkComplaintCase(std::int64_t session_id, std::int64_t complaint_id,
                                                   const std::string& case_public_id) {
  return Guard([&]() -> Result<Complaint> {
    Complaint out;
    RunBaseTx(true, [&](SqlTx& tx) {
      out = RequireComplaint(tx, session_id, complaint_id);
      if (out.case_public_id == case_public_id) return;
      if (!out.case_public_id.empty()) Fail(ErrorCode::kConflict, "this complaint has opened case " + out.case_public_id);
      tx.Run("UPDATE complaints SET case_public_id = ?1 WHERE id = ?2", {P::Text(case_public_id), P::Int(complaint_id)});
      out = RequireComplaint(tx, session_id, complaint_id);
    });
    return out;
  });
}

Status BaseDataStore::DiscardComplaint(std::int64_t session_id, std::int64_t complaint_id) {
  return Guard([&]() -> Status {
    RunBaseTx(true, [&](SqlTx& tx) {
      auto rows = tx.Run("DELETE FROM complaints WHERE id = ?1 AND session_id = ?2 AND case_public_id = '' RETURNING id",
                         {P::Int(complaint_id), P::Int(session_id)});
      if (rows.empty()) Fail(ErrorCode::kNotFound, "complaint not found or it has a case");
    });
    return {};
  });
}

Result<std::vector<Complaint>> BaseDataStore::ListComplaints(std::int64_t session_id, Timestamp now) {
  return Guard([&]() -> Result<std::vector<Complaint>> {
    std::vector<Complaint> out;
    RunBaseTx(false, [&](SqlTx& tx) {
      RequireSession(tx, session_id, now);
      auto rows = tx.Run(std::string("SELECT ") + kComplaintCols + kComplaintFrom +
                             " WHERE c.session_id = ?2 ORDER BY c.id",
                         {P::Int(now), P::Int(session_id)});
      for (const auto& r : rows) out.push_back(ReadComplaint(r));
    });
    return out;
  });
}

}  // namespace cg::store
