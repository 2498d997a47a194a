#include "complaints/service.hpp"

#include "core/clean_text.hpp"

namespace cg::complaints {
namespace {

bool IsStaff(const model::User& u) { return u.role == model::Role::kStaff || u.role == model::Role::kAdmin; }

}  // namespace

bool WindowOpen(const store::ComplaintSession& s, Timestamp now) {
  return s.closes_at > s.opens_at && now >= s.opens_at && now < s.closes_at;
}

std::string StatusOf(const store::ComplaintSession& s, Timestamp now) {
  if (now < s.held_at) return WindowOpen(s, now) ? "collecting" : "upcoming";
  if (s.complaints == 0) return "held";
  // A complaint whose case is not linked yet counts as open: it is not rectified.
  return s.closed == s.complaints ? "closed" : "rectifying";
}

Result<store::ComplaintSession> Service::Create(const model::Scope& scope, const model::User& actor,
                                                const SessionDraft& d) {
  if (!IsStaff(actor)) return MakeError(ErrorCode::kForbidden, "only staff hold complaint sessions");
  auto title = CleanText("title", d.title, kMaxTitleChars, false);
  if (!title.ok()) return title.error();
  auto place = CleanText("place", d.place, kMaxPlaceChars, false);
  if (!place.ok()) return place.error();
  const Timestamp now = clock_.Now();
  if (d.held_at <= 0) return MakeError(ErrorCode::kInvalid, "held_at: required (ms since 1970)");
  if (d.held_at > now + kMaxLeadMs) return MakeError(ErrorCode::kInvalid, "held_at: at most a year ahead");
  const bool window = d.opens_at != 0 || d.closes_at != 0;
  if (window) {
    if (d.opens_at <= 0) return MakeError(ErrorCode::kInvalid, "opens_at: required with closes_at");
    if (d.held_at < d.opens_at) return MakeError(ErrorCode::kInvalid, "held_at: before the online window opens");
    if (d.closes_at <= d.opens_at) return MakeError(ErrorCode::kInvalid, "closes_at: after opens_at");
    if (d.closes_at > d.held_at) return MakeError(ErrorCode::kInvalid, "closes_at: by the time the session is held");
    if (d.closes_at - d.opens_at > kMaxWindowMs) {
      return MakeError(ErrorCode::kInvalid, "closes_at: at most 60 days after opens_at");
    }
  }
  if (!scope.Contains(d.org_code)) return MakeError(ErrorCode::kNotFound, "org unit not found");
  auto unit = store_.GetOrgUnit(scope, d.org_code, false);
  if (!unit.ok()) return unit.error();
  using model::OrgKind;
  if (unit->kind != OrgKind::kCommunity && unit->kind != OrgKind::kVillage && unit->kind != OrgKind::kStreet &&
      unit->kind != OrgKind::kTown) {
    return MakeError(ErrorCode::kInvalid, "org_code: a community, village, street or town holds a session");
  }
  store::ComplaintSession s;
  s.org_code = d.org_code;
  s.title = *title;
  s.place = *place;
  s.held_at = d.held_at;
  s.opens_at = window ? d.opens_at : 0;
  s.closes_at = window ? d.closes_at : 0;
  s.created_by = actor.id;
  s.created_at = now;
  return store_.CreateComplaintSession(scope, s);
}

Result<SessionView> Service::Get(const model::Scope& scope, std::int64_t id) {
  const Timestamp now = clock_.Now();
  SessionView v;
  auto s = store_.GetComplaintSession(scope, id, now);
  if (!s.ok()) return s.error();
  v.session = *s;
  v.status = StatusOf(v.session, now);
  auto list = store_.ListComplaints(id, now);
  if (!list.ok()) return list.error();
  v.complaints = std::move(*list);
  return v;
}

Result<store::Slice<store::ComplaintSession>> Service::List(const model::Scope& scope, const std::string& unit_code,
                                                            store::Page page) {
  return store_.ListComplaintSessions(scope, unit_code, clock_.Now(), page);
}

Result<store::Complaint> Service::BeginComplaint(const model::Scope& scope, const model::User& user,
                                                 std::int64_t session_id, const ComplaintDraft& d,
                                                 const cases::CaseType& type) {
  const bool staff = IsStaff(user);
  const Timestamp now = clock_.Now();
  if (!staff && user.role != model::Role::kResident) {
    // Others (grid workers) learn nothing of a session outside their scope: 404 before 403.
    if (auto seen = store_.GetComplaintSession(scope, session_id, now); !seen.ok()) return seen.error();
    return MakeError(ErrorCode::kForbidden, "complaints are recorded by staff or raised by residents");
  }
  // Staff record only for sessions inside their scope; residents see the public site's.
  auto s = store_.GetComplaintSession(staff ? scope : model::Scope::System(), session_id, now);
  if (!s.ok()) return s.error();
  auto text = CleanText("text", d.text, kMaxTextChars, true);
  if (!text.ok()) return text.error();
  if (d.category.empty()) return MakeError(ErrorCode::kInvalid, "category: required");
  if (!type.FindCategory(d.category)) return MakeError(ErrorCode::kInvalid, "category: unknown '" + d.category + "'");
  store::Complaint c;
  c.session_id = session_id;
  c.body = *text;
  c.category = d.category;
  c.user_id = user.id;
  c.created_at = now;
  if (staff) {
    auto name = CleanText("resident_name", d.resident_name, kMaxNameChars, false, false);
    if (!name.ok()) return name.error();
    c.channel = "in_person";
    c.resident_name = *name;
  } else {
    if (!WindowOpen(*s, now)) {
      return MakeError(ErrorCode::kConflict, now < s->opens_at || s->closes_at <= s->opens_at
                                                 ? "this session does not take complaints online now"
                                                 : "the online window of this session has closed");
    }
    c.channel = "online";
  }
  return store_.AddComplaint(c, kMaxPerResident);
}

Result<store::Complaint> Service::Link(std::int64_t session_id, std::int64_t complaint_id,
                                       const std::string& case_public_id) {
  return store_.LinkComplaintCase(session_id, complaint_id, case_public_id);
}

Status Service::Discard(std::int64_t session_id, std::int64_t complaint_id) {
  return store_.DiscardComplaint(session_id, complaint_id);
}

}  // namespace cg::complaints
