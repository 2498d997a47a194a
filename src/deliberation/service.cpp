#include "deliberation/service.hpp"

#include <set>

#include "core/clean_text.hpp"

namespace cg::deliberation {
namespace {

using model::Role;

bool IsStaff(const model::User& u) { return u.role == Role::kAdmin || u.role == Role::kStaff; }

std::string StateAt(const store::Topic& t, Timestamp now) {
  if (now < t.opens_at) return "upcoming";
  return now < t.closes_at ? "open" : "closed";
}

}  // namespace

const char* StandingName(Standing s) {
  switch (s) {
    case Standing::kAnonymous: return "anonymous";
    case Standing::kStaff: return "staff";
    case Standing::kUnverified: return "unverified";
    case Standing::kOutside: return "outside";
    case Standing::kEligible: return "eligible";
    case Standing::kVoted: return "voted";
  }
  return "anonymous";
}

Result<store::ResidentLink> Service::Verify(const model::User& user, std::string_view id_number,
                                            std::string_view name) {
  if (user.role != Role::kResident) return MakeError(ErrorCode::kForbidden, "only resident accounts are verified");
  if (!base_) return MakeError(ErrorCode::kUnavailable, "this server holds no base data to verify residents against");
  auto clean_name = CleanText("name", name, 50, false);
  if (!clean_name.ok()) return clean_name.error();
  auto person = base_->FindPersonByIdNumber(id_number);
  if (!person.ok() && person.error().code != ErrorCode::kNotFound) return person.error();
  const auto it = person.ok() ? person->fields.find("name") : model::Fields::const_iterator{};
  if (!person.ok() || it == person->fields.end() || it->second != *clean_name) {
    return MakeError(ErrorCode::kNotFound, "no resident with this ID number and name");
  }
  return store_.LinkResident(user.id, person->id, clock_.Now());
}

Result<store::ResidentLink> Service::Verification(const model::User& user) { return store_.GetResidentLink(user.id); }

Result<store::Topic> Service::Open(const model::Scope& scope, std::int64_t actor_user_id, const TopicDraft& d) {
  store::Topic t;
  auto title = CleanText("title", d.title, kMaxTitleChars, false);
  if (!title.ok()) return title.error();
  auto background = CleanText("background", d.background, kMaxBackgroundChars, true);
  if (!background.ok()) return background.error();
  if (d.mode != "options" && d.mode != "proposals") return MakeError(ErrorCode::kInvalid, "mode: options or proposals");
  std::vector<std::string> options;
  std::set<std::string> seen;
  for (std::size_t i = 0; i < d.options.size(); ++i) {
    auto o = CleanText("options[" + std::to_string(i) + "]", d.options[i], kMaxOptionChars, false);
    if (!o.ok()) return o.error();
    if (!seen.insert(*o).second) return MakeError(ErrorCode::kInvalid, "options: \"" + *o + "\" is listed twice");
    options.push_back(*o);
  }
  if (d.mode == "options" && (options.size() < 2 || options.size() > kMaxOptions)) {
    return MakeError(ErrorCode::kInvalid, "options: between 2 and " + std::to_string(kMaxOptions) + " choices");
  }
  if (d.mode == "proposals" && options.size() > kMaxProposals) {
    return MakeError(ErrorCode::kInvalid, "options: at most " + std::to_string(kMaxProposals));
  }
  const Timestamp now = clock_.Now();
  t.opens_at = d.opens_at == 0 ? now : d.opens_at;
  t.closes_at = d.closes_at;
  if (t.opens_at < now - 60'000) return MakeError(ErrorCode::kInvalid, "opens_at: in the past");
  if (t.closes_at <= t.opens_at) return MakeError(ErrorCode::kInvalid, "closes_at: after opens_at");
  if (t.closes_at - t.opens_at > kMaxVotingWindowMs) {
    return MakeError(ErrorCode::kInvalid, "closes_at: at most 90 days after opens_at");
  }
  if (!scope.Contains(d.org_code)) return MakeError(ErrorCode::kNotFound, "org unit not found");
  auto unit = store_.GetOrgUnit(scope, d.org_code, false);
  if (!unit.ok()) return unit.error();
  if (unit->kind == model::OrgKind::kCity || unit->kind == model::OrgKind::kDistrict) {
    return MakeError(ErrorCode::kInvalid, "org_code: the residents of a grid, community, village, street or town");
  }
  t.org_code = d.org_code;
  t.title = *title;
  t.background = *background;
  t.mode = d.mode;
  t.created_by = actor_user_id;
  t.created_at = now;
  return store_.CreateTopic(scope, t, options);
}

Result<Standing> Service::StandingOf(const model::User& user, const store::Topic& topic, std::int64_t* vote,
                                     std::int64_t* person_id) {
  *vote = 0;
  if (IsStaff(user)) return Standing::kStaff;
  if (user.role != Role::kResident) return Standing::kStaff;  // grid workers and analysts: not as residents
  auto link = store_.GetResidentLink(user.id);
  if (!link.ok()) {
    if (link.error().code == ErrorCode::kNotFound) return Standing::kUnverified;
    return link.error();
  }
  if (person_id) *person_id = link->person_id;
  if (!link->grid_code.starts_with(topic.org_code)) return Standing::kOutside;
  auto v = store_.GetVote(topic.id, user.id);
  if (!v.ok()) return v.error();
  *vote = *v;
  return *v ? Standing::kVoted : Standing::kEligible;
}

Result<TopicView> Service::View(std::int64_t topic_id, const model::User* viewer) {
  TopicView v;
  auto t = store_.GetTopic(topic_id);
  if (!t.ok()) return t.error();
  v.topic = *t;
  auto options = store_.ListTopicOptions(topic_id);
  if (!options.ok()) return options.error();
  v.options = std::move(options).value();
  auto meetings = store_.ListTopicMeetings(topic_id);
  if (!meetings.ok()) return meetings.error();
  v.meetings = std::move(meetings).value();
  v.state = StateAt(v.topic, clock_.Now());
  if (viewer) {
    auto s = StandingOf(*viewer, v.topic, &v.my_vote, nullptr);
    if (!s.ok()) return s.error();
    v.standing = *s;
  }
  return v;
}

Result<store::Slice<store::Topic>> Service::List(const std::string& unit_code, store::Page page) {
  if (unit_code.empty() || unit_code.size() > 15) return MakeError(ErrorCode::kInvalid, "unit: an org unit code");
  return store_.ListTopics(unit_code, page);
}

Result<store::Topic> Service::OpenTopic(std::int64_t topic_id) {
  auto t = store_.GetTopic(topic_id);
  if (!t.ok()) return t.error();
  const std::string state = StateAt(*t, clock_.Now());
  if (state == "upcoming") return MakeError(ErrorCode::kConflict, "voting has not opened yet");
  if (state == "closed") return MakeError(ErrorCode::kConflict, "voting has closed: the result is final");
  return t;
}

namespace {
Status Refusal(Standing s, const store::Topic& t) {
  switch (s) {
    case Standing::kStaff: return MakeError(ErrorCode::kForbidden, "only residents vote and propose");
    case Standing::kUnverified:
      return MakeError(ErrorCode::kForbidden, "verify your account with your ID number first: unverified accounts "
                                              "may read and comment only");
    case Standing::kOutside:
      return MakeError(ErrorCode::kForbidden, "only residents living in the topic's area (" + t.org_code + ") take part");
    case Standing::kVoted: return MakeError(ErrorCode::kConflict, "you have voted on this topic already");
    default: return {};
  }
}
}  // namespace

Status Service::Vote(const model::User& user, std::int64_t topic_id, std::int64_t option_id) {
  if (user.role != Role::kResident) return Refusal(Standing::kStaff, {});
  const Timestamp now = clock_.Now();
  // Visibility, the window and the standing are checked on what the vote's own transaction
  // reads, so nothing changes between the check and the vote, and a vote costs one (shared)
  // durable transaction.
  return store_.CastCheckedVote({topic_id, option_id, user.id, now}, [&](const store::VoteFacts& f) -> Status {
    // Topics are public to read: a resident of another area is told why they may not vote.
    const bool lives_there = f.linked && f.grid_code.starts_with(f.org_code);
    store::Topic t;
    t.org_code = f.org_code;
    t.opens_at = f.opens_at;
    t.closes_at = f.closes_at;
    const std::string state = StateAt(t, now);
    if (state == "upcoming") return MakeError(ErrorCode::kConflict, "voting has not opened yet");
    if (state == "closed") return MakeError(ErrorCode::kConflict, "voting has closed: the result is final");
    if (!f.linked) return Refusal(Standing::kUnverified, t);
    if (!lives_there) return Refusal(Standing::kOutside, t);
    return {};
  });
}

Result<store::TopicOption> Service::Propose(const model::User& user, std::int64_t topic_id, std::string_view label) {
  auto t = OpenTopic(topic_id);
  if (!t.ok()) return t.error();
  if (t->mode != "proposals") return MakeError(ErrorCode::kConflict, "this topic takes votes on set options only");
  auto clean = CleanText("label", label, kMaxOptionChars, false);
  if (!clean.ok()) return clean.error();
  std::int64_t vote = 0, person = 0;
  auto s = StandingOf(user, *t, &vote, &person);
  if (!s.ok()) return s.error();
  if (*s != Standing::kEligible && *s != Standing::kVoted) return Refusal(*s, *t).error();
  auto options = store_.ListTopicOptions(topic_id);
  if (!options.ok()) return options.error();
  if (options->size() >= kMaxProposals) return MakeError(ErrorCode::kConflict, "this topic has its 50 proposals");
  return store_.AddTopicOption(topic_id, *clean, user.id, clock_.Now());
}

Result<store::TopicComment> Service::Comment(const model::User& user, std::int64_t topic_id, std::string_view body) {
  auto clean = CleanText("body", body, kMaxCommentChars, true);
  if (!clean.ok()) return clean.error();
  store::TopicComment c;
  c.topic_id = topic_id;
  c.user_id = user.id;
  c.author = user.display_name.empty() ? user.username : user.display_name;
  c.body = *clean;
  c.created_at = clock_.Now();
  return store_.AddTopicComment(c);
}

Result<store::Slice<store::TopicComment>> Service::Comments(std::int64_t topic_id, bool with_hidden,
                                                            store::Page page) {
  return store_.ListTopicComments(topic_id, with_hidden, page);
}

Result<store::Topic> Service::Managed(const model::Scope& scope, std::int64_t topic_id) {
  auto t = store_.GetTopic(topic_id);
  if (!t.ok()) return t.error();
  if (!scope.Contains(t->org_code)) return MakeError(ErrorCode::kNotFound, "topic not found");
  return t;
}

Result<store::Topic> Service::Visible(const model::User& user, const model::Scope& scope, std::int64_t topic_id) {
  auto t = store_.GetTopic(topic_id);
  if (!t.ok()) return t.error();
  bool visible = false;
  if (user.role == Role::kResident) {
    visible = user.scope_code.starts_with(t->org_code);
    if (!visible) {
      auto link = store_.GetResidentLink(user.id);
      visible = link.ok() && link->grid_code.starts_with(t->org_code);
    }
  } else {
    visible = scope.Contains(t->org_code) || scope.root_code().starts_with(t->org_code);
  }
  if (!visible) return MakeError(ErrorCode::kNotFound, "topic not found");
  return t;
}

Result<store::TopicComment> Service::Hide(const model::Scope& scope, std::int64_t actor_user_id,
                                          std::int64_t topic_id, std::int64_t comment_id, std::string_view reason) {
  auto t = Managed(scope, topic_id);
  if (!t.ok()) return t.error();
  auto clean = CleanText("reason", reason, 500, false);
  if (!clean.ok()) return clean.error();
  if (CodePoints(*clean) < 4) return MakeError(ErrorCode::kInvalid, "reason: at least 4 characters");
  store::AuditEntry e;
  e.at = clock_.Now();
  e.actor_user_id = actor_user_id;
  e.action = "hide_comment";
  e.entity = "topic_comment";
  e.entity_id = comment_id;
  e.field = "topic:" + std::to_string(topic_id);
  e.reason = *clean;
  return store_.HideTopicComment(topic_id, comment_id, e);
}

Result<store::TopicMeeting> Service::RecordMeeting(const model::Scope& scope, std::int64_t actor_user_id,
                                                   std::int64_t topic_id, const MeetingDraft& d) {
  auto t = Managed(scope, topic_id);
  if (!t.ok()) return t.error();
  store::TopicMeeting m;
  for (auto [field, in, out, max, multiline] :
       {std::tuple{"place", &d.place, &m.place, std::size_t{200}, false},
        std::tuple{"attendees", &d.attendees, &m.attendees, kMaxMeetingTextChars, true},
        std::tuple{"minutes", &d.minutes, &m.minutes, kMaxMeetingTextChars, true},
        std::tuple{"decision", &d.decision, &m.decision, kMaxMeetingTextChars, true}}) {
    auto v = CleanText(field, *in, max, multiline);
    if (!v.ok()) return v.error();
    *out = *v;
  }
  const Timestamp now = clock_.Now();
  if (d.held_at <= 0 || d.held_at > now + 60'000) return MakeError(ErrorCode::kInvalid, "held_at: a time not in the future");
  m.topic_id = topic_id;
  m.held_at = d.held_at;
  m.created_by = actor_user_id;
  m.created_at = now;
  return store_.AddTopicMeeting(m);
}

}  // namespace cg::deliberation
