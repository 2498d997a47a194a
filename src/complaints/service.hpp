#pragma once
// Complaint sessions (docs/complaints.md, 居民吐槽大会, DESIGN §6): a community, village, street
// or town holds a session where residents say what is wrong; staff record complaints in person,
// and signed-in residents may submit online inside the session's window beforehand (at most
// kMaxPerResident each). Every complaint opens a case of type "complaint" handled by the
// session's unit — the api layer opens it (App::SubmitCase, idempotency key "complaint:<id>")
// between BeginComplaint and Link — and the session's rectification list (整改清单) shows each
// case's state until all are closed. The session's status is derived from the Clock and the
// cases, never stored. Thread-safe.
#include <cstdint>
#include <string>
#include <vector>

#include "cases/case_type.hpp"
#include "core/clock.hpp"
#include "core/result.hpp"
#include "model/scope.hpp"
#include "model/user.hpp"
#include "store/store.hpp"

namespace cg::complaints {

inline constexpr std::size_t kMaxTitleChars = 100;
inline constexpr std::size_t kMaxPlaceChars = 200;
inline constexpr std::size_t kMaxTextChars = 2000;
inline constexpr std::size_t kMaxNameChars = 50;
inline constexpr int kMaxPerResident = 5;
inline constexpr Timestamp kMaxWindowMs = 60LL * 86'400'000;
inline constexpr Timestamp kMaxLeadMs = 365LL * 86'400'000;  // how far ahead a session may be planned
inline constexpr char kCaseType[] = "complaint";

struct SessionDraft {
  std::string org_code;  // a community/village or a street/town
  std::string title;
  std::string place;
  Timestamp held_at = 0;
  Timestamp opens_at = 0;  // both 0: no online window
  Timestamp closes_at = 0;
};

struct ComplaintDraft {
  std::string text;
  std::string category;       // one of the "complaint" case type's categories
  std::string resident_name;  // in person only, optional
};

// "upcoming" (before the session, window not open), "collecting" (the online window is open),
// "held" (the session is past and raised nothing), "rectifying" (整改中: some case is open, or
// a complaint's case is still being opened) or "closed" (整改完成: every case is closed).
std::string StatusOf(const store::ComplaintSession& s, Timestamp now);
// Whether residents may submit online at `now`.
bool WindowOpen(const store::ComplaintSession& s, Timestamp now);

struct SessionView {
  store::ComplaintSession session;
  std::string status;
  std::vector<store::Complaint> complaints;  // the rectification list, oldest first
};

class Service {
 public:
  // `store` and `clock` must outlive the service.
  Service(store::Store& store, const Clock& clock) : store_(store), clock_(clock) {}

  // Validates and creates a session of a unit inside `scope`. kForbidden unless `actor` is
  // staff or admin; kInvalid naming the field (title, place, held_at, opens_at, closes_at,
  // org_code for a unit that is not a community, village, street or town); kNotFound outside
  // `scope`.
  Result<store::ComplaintSession> Create(const model::Scope& scope, const model::User& actor, const SessionDraft& draft);
  // A session inside `scope` (model::Scope::System() for the public) with its status and list.
  Result<SessionView> Get(const model::Scope& scope, std::int64_t id);
  // Sessions of units at, above or below `unit_code` inside `scope`, latest first.
  Result<store::Slice<store::ComplaintSession>> List(const model::Scope& scope, const std::string& unit_code,
                                                     store::Page page);
  // Validates and records a complaint whose case is still to be opened: staff and admins of
  // `scope` in person (kNotFound for a session outside it), residents online (any session of
  // the public site, inside its window — else kConflict — and at most kMaxPerResident each —
  // kConflict). kForbidden for other roles; kInvalid naming text or category (checked against
  // `type`). The caller opens the case, then calls Link, or Discard when it could not.
  Result<store::Complaint> BeginComplaint(const model::Scope& scope, const model::User& user, std::int64_t session_id,
                                          const ComplaintDraft& draft, const cases::CaseType& type);
  Result<store::Complaint> Link(std::int64_t session_id, std::int64_t complaint_id, const std::string& case_public_id);
  Status Discard(std::int64_t session_id, std::int64_t complaint_id);

 private:
  store::Store& store_;
  const Clock& clock_;
};

}  // namespace cg::complaints
