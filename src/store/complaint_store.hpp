#pragma once
// Complaint sessions (docs/complaints.md, 居民吐槽大会): a community or street holds a session
// where residents' complaints are collected — in person by staff, or online beforehand inside
// the session's window — and each complaint opens a case on the engine; the session's
// rectification list (整改清单) reads every complaint with its case's state. Written once
// against internal::SqlTx for both backends (complaint_store.cpp).

#include <cstdint>
#include <string>
#include <vector>

#include "core/clock.hpp"

namespace cg::store {

struct ComplaintSession {
  std::int64_t id = 0;
  std::string org_code;  // the owner unit: a community/village or a street/town
  std::string title;
  std::string place;
  Timestamp held_at = 0;
  Timestamp opens_at = 0;   // the online window for residents (opens_at == closes_at: none)
  Timestamp closes_at = 0;
  std::int64_t created_by = 0;
  Timestamp created_at = 0;
  // Read with the session at the `now` of the read: complaints, and those whose case is open,
  // open past its deadline (or flagged breached), or closed (terminal).
  std::int64_t complaints = 0;
  std::int64_t open = 0;
  std::int64_t overdue = 0;
  std::int64_t closed = 0;
};

struct Complaint {
  std::int64_t id = 0;
  std::int64_t session_id = 0;
  std::string body;
  std::string category;
  std::string channel = "in_person";  // "in_person" (recorded by staff) or "online" (a resident)
  std::string resident_name;          // in person: the resident, if they gave a name ("" none)
  std::int64_t user_id = 0;           // online: the resident's account; in person: the staff member
  Timestamp created_at = 0;
  std::string case_public_id;  // "" while its case is being opened
  // Read from the case (empty / 0 without one).
  std::string case_id;
  std::string case_state;
  bool case_terminal = false;
  Timestamp due_at = 0;
  bool overdue = false;  // open, and past due_at at the read's `now` or flagged breached
  std::string handling_unit_code;
  std::string reply;  // the case's "reply" field (the rectification answer), once given
};

}  // namespace cg::store
