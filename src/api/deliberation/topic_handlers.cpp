// Deliberation over HTTP (docs/deliberation.md, 议事协商): staff open topics and record
// meetings, whose decision can open a case; residents verify their account by ID number, then
// vote once, propose and comment; the public site reads topics without who voted what.
#include "api/app.hpp"
#include "api/case_json.hpp"
#include "api/errors.hpp"
#include "api/json_body.hpp"
#include "core/date.hpp"

#include <map>
#include <mutex>
#include <optional>

#include <fmt/format.h>

namespace cg::api {
namespace {

using model::Role;

bool IsStaff(const Request& req) {
  const Role r = req.principal->user.role;
  return r == Role::kAdmin || r == Role::kStaff;
}

nlohmann::json TopicJson(const store::Topic& t, Timestamp now) {
  return {{"id", t.id},
          {"org_code", t.org_code},
          {"title", t.title},
          {"background", t.background},
          {"mode", t.mode},
          {"opens_at", t.opens_at},
          {"closes_at", t.closes_at},
          {"state", now < t.opens_at ? "upcoming" : now < t.closes_at ? "open" : "closed"},
          {"votes", t.votes},
          {"created_at", t.created_at}};
}

// The public site shows a commenter as their name's first character and asterisks (李**).
std::string MaskedAuthor(const std::string& name) {
  if (name.empty()) return "居民";
  std::size_t first = 1;
  const auto lead = static_cast<unsigned char>(name[0]);
  if (lead >= 0xF0) first = 4;
  else if (lead >= 0xE0) first = 3;
  else if (lead >= 0xC0) first = 2;
  return name.substr(0, std::min(first, name.size())) + "**";
}

nlohmann::json CommentJson(const store::TopicComment& c, bool moderator, bool masked = false) {
  nlohmann::json j = {{"id", c.id}, {"author", masked ? MaskedAuthor(c.author) : c.author}, {"body", c.body},
                      {"created_at", c.created_at}};
  if (moderator) {
    j["user_id"] = c.user_id;
    j["hidden"] = !c.hidden_reason.empty();
    j["hidden_reason"] = c.hidden_reason;
    j["hidden_at"] = c.hidden_at;
  }
  return j;
}

nlohmann::json MeetingJson(const store::TopicMeeting& m) {
  return {{"id", m.id},           {"held_at", m.held_at},   {"place", m.place},
          {"attendees", m.attendees}, {"minutes", m.minutes}, {"decision", m.decision},
          {"case_public_id", m.case_public_id}, {"project_id", m.project_id}, {"created_at", m.created_at}};
}

nlohmann::json ViewJson(const deliberation::TopicView& v, Timestamp now, const std::string& area_name) {
  nlohmann::json j = TopicJson(v.topic, now);
  j["area_name"] = area_name;
  nlohmann::json options = nlohmann::json::array();
  for (const auto& o : v.options) {
    options.push_back({{"id", o.id}, {"label", o.label}, {"proposed", o.proposed_by != 0}, {"votes", o.votes}});
  }
  j["options"] = options;
  j["final"] = v.state == "closed";
  j["standing"] = deliberation::StandingName(v.standing);
  j["my_vote"] = v.my_vote;
  nlohmann::json meetings = nlohmann::json::array();
  for (const auto& m : v.meetings) meetings.push_back(MeetingJson(m));
  j["meetings"] = meetings;
  return j;
}

}  // namespace

void App::RegisterTopicRoutes() {
  auto area_name = [this](const std::string& code) {
    auto u = store_.GetOrgUnit(model::Scope::System(), code, false);
    return u.ok() ? u->name : std::string();
  };

  // The topic of route parameter {id} if the caller may read it (else 404, as for no topic).
  auto visible = [this](const Request& req) -> Result<store::Topic> {
    auto id = PositiveParam(req, "id");
    if (!id) return MakeError(ErrorCode::kNotFound, "topic not found");
    return deliberation_->Visible(req.principal->user, req.principal->scope(), *id);
  };
  auto verification_json = [area_name](const store::ResidentLink& link) -> nlohmann::json {
    return {{"verified", true}, {"grid_code", link.grid_code}, {"area_name", area_name(link.grid_code.substr(0, 12))},
            {"linked_at", link.linked_at}};
  };

  router_.Add({"POST", "/api/v1/me/verification", Access::kUser,
               "Verify a resident account: the ID number and name of the person it is (base data, blind index); "
               "rate-limited and audited. A verified resident votes in the topics of the area they live in",
               "topics", [this, verification_json](Request& req) {
                 auto body = ParseJsonObject(req);
                 if (!body.ok()) return ErrorResponse(body.error());
                 auto id = StringField(*body, "id_number", true, 64);
                 if (!id.ok()) return ErrorResponse(id.error());
                 auto name = StringField(*body, "name", true, 200);
                 if (!name.ok()) return ErrorResponse(name.error());
                 if (req.principal->user.role != Role::kResident) {
                   return ErrorResponse(403, "forbidden", "only resident accounts are verified");
                 }
                 // Each try is an ID-number lookup: counted against the same hourly limit as ID searches.
                 const std::string key = "verify:" + std::to_string(req.principal->user.id);
                 if (std::int64_t wait = id_search_limiter_.RetryAfterMs(key); wait > 0) {
                   Response r = ErrorResponse(429, "rate_limited", "too many verification attempts; try again later");
                   r.AddHeader("Retry-After", std::to_string((wait + 999) / 1000));
                   return r;
                 }
                 id_search_limiter_.RecordFailure(key);
                 auto link = deliberation_->Verify(req.principal->user, *id, *name);
                 store::AuditEntry e;
                 e.at = clock_.Now();
                 e.actor_user_id = req.principal->user.id;
                 e.action = "verify_resident";
                 e.entity = "person";
                 e.entity_id = link.ok() ? link->person_id : 0;
                 e.field = "id_number";
                 e.reason = link.ok() ? "linked" : std::string("refused: ") + ErrorCodeName(link.error().code);
                 if (auto logged = store_.AppendAudit(e); !logged.ok()) return ErrorResponse(logged.error());
                 if (!link.ok()) return ErrorResponse(link.error());
                 return SafeJsonResponse(verification_json(*link));
               }});
  router_.Add({"GET", "/api/v1/me/verification", Access::kUser, "Whether this account is a verified resident",
               "topics", [this, verification_json](Request& req) {
                 auto link = deliberation_->Verification(req.principal->user);
                 if (!link.ok() && link.error().code != ErrorCode::kNotFound) return ErrorResponse(link.error());
                 if (!link.ok()) return SafeJsonResponse({{"verified", false}});
                 return SafeJsonResponse(verification_json(*link));
               }});

  router_.Add({"POST", "/api/v1/topics", Access::kUser,
               "Open a deliberation topic for the residents of an area (org_code: a grid, community/village or "
               "street/town; title, background, mode options|proposals, options [..], opens_at, closes_at in ms)",
               "topics", [this](Request& req) {
                 if (!IsStaff(req)) return ErrorResponse(403, "forbidden", "only staff open topics");
                 auto body = ParseJsonObject(req);
                 if (!body.ok()) return ErrorResponse(body.error());
                 deliberation::TopicDraft d;
                 for (auto [field, out, max] : {std::tuple{"org_code", &d.org_code, std::size_t{32}},
                                                std::tuple{"title", &d.title, std::size_t{1000}},
                                                std::tuple{"background", &d.background, std::size_t{20000}},
                                                std::tuple{"mode", &d.mode, std::size_t{32}}}) {
                   auto v = StringField(*body, field, false, max);
                   if (!v.ok()) return ErrorResponse(v.error());
                   *out = *v;
                 }
                 if (d.mode.empty()) d.mode = "options";
                 if (auto it = body->find("options"); it != body->end() && !it->is_null()) {
                   if (!it->is_array()) return ErrorResponse(400, "invalid", "options: expected a list of texts");
                   for (const auto& o : *it) {
                     if (!o.is_string()) return ErrorResponse(400, "invalid", "options: expected a list of texts");
                     d.options.push_back(o.get<std::string>());
                   }
                 }
                 for (auto [field, out] : {std::pair{"opens_at", &d.opens_at}, std::pair{"closes_at", &d.closes_at}}) {
                   auto it = body->find(field);
                   if (it == body->end() || it->is_null()) continue;
                   if (!it->is_number_integer()) {
                     return ErrorResponse(400, "invalid", std::string(field) + ": expected a time in ms since 1970");
                   }
                   *out = it->get<Timestamp>();
                 }
                 if (d.closes_at == 0) return ErrorResponse(400, "invalid", "closes_at: required");
                 auto t = deliberation_->Open(req.principal->scope(), req.principal->user.id, d);
                 if (!t.ok()) return ErrorResponse(t.error());
                 return SafeJsonResponse(TopicJson(*t, clock_.Now()), 201);
               }});
  router_.Add({"GET", "/api/v1/topics", Access::kUser,
               "Topics of an org unit (unit=CODE, default: yours — a resident also sees the topics of the area "
               "they are verified in): those of the unit, above it and below it, newest first (limit, offset)",
               "topics", [this, area_name](Request& req) {
                 const auto& user = req.principal->user;
                 std::string unit = req.Query("unit").value_or(user.scope_code);
                 if (user.role == Role::kResident && !req.Query("unit")) {
                   if (auto link = deliberation_->Verification(user); link.ok()) unit = link->grid_code;
                 }
                 if (user.role != Role::kResident && !req.principal->scope().Contains(unit) &&
                     !req.principal->scope().root_code().starts_with(unit)) {
                   return ErrorResponse(404, "not_found", "org unit not found");
                 }
                 auto page = ParsePage(req, 50, 200);
                 if (!page.ok()) return ErrorResponse(page.error());
                 auto list = deliberation_->List(unit, *page);
                 if (!list.ok()) return ErrorResponse(list.error());
                 nlohmann::json items = nlohmann::json::array();
                 std::map<std::string, std::string> names;
                 for (const auto& t : list->items) {
                   nlohmann::json j = TopicJson(t, clock_.Now());
                   if (!names.count(t.org_code)) names[t.org_code] = area_name(t.org_code);
                   j["area_name"] = names[t.org_code];
                   items.push_back(j);
                 }
                 return SafeJsonResponse({{"items", items}, {"total", list->total}});
               }});
  router_.Add({"GET", "/api/v1/topics/{id}", Access::kUser,
               "A topic with its options and live counts, its meetings, your standing (eligible, voted, "
               "unverified, outside, staff) and your own vote — never anyone else's",
               "topics", [this, visible, area_name](Request& req) {
                 auto t = visible(req);
                 if (!t.ok()) return ErrorResponse(t.error());
                 auto v = deliberation_->View(t->id, &req.principal->user);
                 if (!v.ok()) return ErrorResponse(v.error());
                 nlohmann::json j = ViewJson(*v, clock_.Now(), area_name(t->org_code));
                 j["manage"] = IsStaff(req) && req.principal->scope().Contains(t->org_code);
                 return SafeJsonResponse(j);
               }});
  router_.Add({"POST", "/api/v1/topics/{id}/votes", Access::kUser,
               "Vote (option_id): once per verified resident of the topic's area, while it is open",
               "topics", [this, visible](Request& req) {
                 auto id = PositiveParam(req, "id");
                 if (!id) return ErrorResponse(404, "not_found", "topic not found");
                 // A resident's vote is checked inside its own transaction (the hot path: one
                 // shared durable commit; topics are public to read, so one of another area is
                 // told it is outside); other accounts get 404 outside their areas.
                 if (req.principal->user.role != Role::kResident) {
                   if (auto t = visible(req); !t.ok()) return ErrorResponse(t.error());
                 }
                 auto body = ParseJsonObject(req);
                 if (!body.ok()) return ErrorResponse(body.error());
                 auto it = body->find("option_id");
                 if (it == body->end() || !it->is_number_integer() || it->get<std::int64_t>() <= 0) {
                   return ErrorResponse(400, "invalid", "option_id: the id of one of the topic's options");
                 }
                 auto voted = deliberation_->Vote(req.principal->user, *id, it->get<std::int64_t>());
                 if (!voted.ok()) return ErrorResponse(voted.error());
                 return SafeJsonResponse({{"voted", true}, {"option_id", it->get<std::int64_t>()}}, 201);
               }});
  router_.Add({"POST", "/api/v1/topics/{id}/proposals", Access::kUser,
               "Propose an option (label) on a topic of mode proposals: verified residents of its area, while open",
               "topics", [this, visible](Request& req) {
                 auto t = visible(req);
                 if (!t.ok()) return ErrorResponse(t.error());
                 auto body = ParseJsonObject(req);
                 if (!body.ok()) return ErrorResponse(body.error());
                 auto label = StringField(*body, "label", true, 1000);
                 if (!label.ok()) return ErrorResponse(label.error());
                 auto o = deliberation_->Propose(req.principal->user, t->id, *label);
                 if (!o.ok()) return ErrorResponse(o.error());
                 return SafeJsonResponse({{"id", o->id}, {"label", o->label}, {"proposed", true}, {"votes", 0}}, 201);
               }});
  router_.Add({"GET", "/api/v1/topics/{id}/comments", Access::kUser,
               "Comments, oldest first (limit, offset); staff managing the topic also see hidden ones",
               "topics", [this, visible](Request& req) {
                 auto t = visible(req);
                 if (!t.ok()) return ErrorResponse(t.error());
                 auto page = ParsePage(req, 50, 200);
                 if (!page.ok()) return ErrorResponse(page.error());
                 const bool moderator = IsStaff(req) && req.principal->scope().Contains(t->org_code);
                 auto list = deliberation_->Comments(t->id, moderator, *page);
                 if (!list.ok()) return ErrorResponse(list.error());
                 nlohmann::json items = nlohmann::json::array();
                 for (const auto& c : list->items) items.push_back(CommentJson(c, moderator));
                 return SafeJsonResponse({{"items", items}, {"total", list->total}});
               }});
  router_.Add({"POST", "/api/v1/topics/{id}/comments", Access::kUser,
               "Comment (body, up to 1000 characters): any account that can read the topic", "topics",
               [this, visible](Request& req) {
                 auto t = visible(req);
                 if (!t.ok()) return ErrorResponse(t.error());
                 auto body = ParseJsonObject(req);
                 if (!body.ok()) return ErrorResponse(body.error());
                 auto text = StringField(*body, "body", true, 8000);
                 if (!text.ok()) return ErrorResponse(text.error());
                 auto c = deliberation_->Comment(req.principal->user, t->id, *text);
                 if (!c.ok()) return ErrorResponse(c.error());
                 return SafeJsonResponse(CommentJson(*c, false), 201);
               }});
  router_.Add({"POST", "/api/v1/topics/{id}/comments/{comment_id}/hide", Access::kUser,
               "Hide a comment (reason, 4..500 characters): staff managing the topic; kept in the audit log",
               "topics", [this, visible](Request& req) {
                 auto t = visible(req);
                 if (!t.ok()) return ErrorResponse(t.error());
                 if (!IsStaff(req)) return ErrorResponse(403, "forbidden", "only staff moderate comments");
                 auto cid = PositiveParam(req, "comment_id");
                 if (!cid) return ErrorResponse(404, "not_found", "comment not found");
                 auto body = ParseJsonObject(req);
                 if (!body.ok()) return ErrorResponse(body.error());
                 auto reason = StringField(*body, "reason", true, 2000);
                 if (!reason.ok()) return ErrorResponse(reason.error());
                 auto c = deliberation_->Hide(req.principal->scope(), req.principal->user.id, t->id, *cid, *reason);
                 if (!c.ok()) return ErrorResponse(c.error());
                 return SafeJsonResponse(CommentJson(*c, true));
               }});
  router_.Add({"POST", "/api/v1/topics/{id}/meetings", Access::kUser,
               "Record a meeting (议事会): held_at (ms), place, attendees (one per line), minutes, decision",
               "topics", [this, visible](Request& req) {
                 auto t = visible(req);
                 if (!t.ok()) return ErrorResponse(t.error());
                 if (!IsStaff(req)) return ErrorResponse(403, "forbidden", "only staff record meetings");
                 auto body = ParseJsonObject(req);
                 if (!body.ok()) return ErrorResponse(body.error());
                 deliberation::MeetingDraft m;
                 for (auto [field, out] : {std::pair{"place", &m.place}, std::pair{"attendees", &m.attendees},
                                           std::pair{"minutes", &m.minutes}, std::pair{"decision", &m.decision}}) {
                   auto v = StringField(*body, field, false, 40000);
                   if (!v.ok()) return ErrorResponse(v.error());
                   *out = *v;
                 }
                 auto held = body->find("held_at");
                 if (held == body->end() || !held->is_number_integer()) {
                   return ErrorResponse(400, "invalid", "held_at: expected a time in ms since 1970");
                 }
                 m.held_at = held->get<Timestamp>();
                 auto r = deliberation_->RecordMeeting(req.principal->scope(), req.principal->user.id, t->id, m);
                 if (!r.ok()) return ErrorResponse(r.error());
                 return SafeJsonResponse(MeetingJson(*r), 201);
               }});
  // The topic and meeting of a decision route, for staff managing the topic; else the refusal.
  auto decision = [this, visible](const Request& req, store::Topic& topic,
                                  store::TopicMeeting& meeting) -> std::optional<Response> {
    auto t = visible(req);
    if (!t.ok()) return ErrorResponse(t.error());
    if (!IsStaff(req)) return ErrorResponse(403, "forbidden", "only staff act on decisions");
    auto managed = deliberation_->Managed(req.principal->scope(), t->id);
    if (!managed.ok()) return ErrorResponse(managed.error());
    auto mid = PositiveParam(req, "meeting_id");
    auto meetings = store_.ListTopicMeetings(t->id);
    if (!meetings.ok()) return ErrorResponse(meetings.error());
    for (const auto& m : *meetings) {
      if (mid && m.id == *mid) {
        topic = *t;
        meeting = m;
        return std::nullopt;
      }
    }
    return ErrorResponse(404, "not_found", "meeting not found");
  };
  router_.Add({"POST", "/api/v1/topics/{id}/meetings/{meeting_id}/project", Access::kUser,
               "Open a governance project (十百千) for a meeting's decision and link it, once per meeting: "
               "category, end_date (YYYY-MM-DD), optional title (default: the topic's) and start_date (default: "
               "today); its owner is the topic's community or street, its goals the decision",
               "topics", [this, decision](Request& req) {
                 store::Topic t;
                 store::TopicMeeting m;
                 if (auto refused = decision(req, t, m)) return *refused;
                 auto body = ParseJsonObject(req);
                 if (!body.ok()) return ErrorResponse(body.error());
                 projects::NewProject np;
                 for (auto [field, out, required] : {std::tuple{"category", &np.category, true},
                                                     std::tuple{"end_date", &np.end_date, true},
                                                     std::tuple{"start_date", &np.start_date, false},
                                                     std::tuple{"title", &np.title, false}}) {
                   auto v = StringField(*body, field, required, 1000);
                   if (!v.ok()) return ErrorResponse(v.error());
                   *out = *v;
                 }
                 if (np.title.empty()) np.title = t.title;
                 if (np.start_date.empty()) np.start_date = FormatDate(DateAt(clock_.Now()));
                 // Projects belong to a community, street or above, never a grid.
                 np.owner_code = t.org_code.substr(0, std::min<std::size_t>(12, t.org_code.size()));
                 np.goals = "议事协商决定（" + t.title + "）：" + m.decision;
                 // One project per decision, also for two requests at once: checked and linked
                 // under one lock (the project and the link are two transactions).
                 std::lock_guard lock(decision_project_mu_);
                 auto fresh = store_.ListTopicMeetings(t.id);
                 if (!fresh.ok()) return ErrorResponse(fresh.error());
                 for (const auto& x : *fresh) {
                   if (x.id == m.id && x.project_id) {
                     return ErrorResponse(409, "conflict", "this decision has opened project " + std::to_string(x.project_id));
                   }
                 }
                 auto created = projects_->Create(req.principal->scope(), req.principal->user.id, np);
                 if (!created.ok()) return ErrorResponse(created.error());
                 auto linked = store_.SetMeetingProject(t.id, m.id, created->project.id);
                 if (!linked.ok()) return ErrorResponse(linked.error());
                 return SafeJsonResponse(MeetingJson(*linked), 201);
               }});
  router_.Add({"POST", "/api/v1/topics/{id}/meetings/{meeting_id}/case", Access::kUser,
               "Open a case for a meeting's decision (type, category; the case is in the topic's area and its "
               "description is the decision) and link it; once per meeting",
               "topics", [this, decision](Request& req) {
                 store::Topic topic;
                 store::TopicMeeting found;
                 if (auto refused = decision(req, topic, found)) return *refused;
                 const store::Topic* t = &topic;
                 const store::TopicMeeting* meeting = &found;
                 if (!meeting->case_public_id.empty()) {
                   return ErrorResponse(409, "conflict", "this decision has opened case " + meeting->case_public_id);
                 }
                 auto body = ParseJsonObject(req);
                 if (!body.ok()) return ErrorResponse(body.error());
                 CaseSubmission s;
                 auto type = StringField(*body, "type", true, 64);
                 if (!type.ok()) return ErrorResponse(type.error());
                 auto category = StringField(*body, "category", false, 64);
                 if (!category.ok()) return ErrorResponse(category.error());
                 s.type = *type;
                 s.category = *category;
                 s.grid_code = t->org_code;
                 s.fields["description"] = "议事协商决定（" + t->title + "）：" + meeting->decision;
                 // The case is placed at the middle of the topic's area (its bounding box).
                 auto unit = store_.GetOrgUnit(model::Scope::System(), t->org_code, false);
                 if (!unit.ok()) return ErrorResponse(unit.error());
                 if (!unit->bbox.Empty()) {
                   s.fields["location"] = fmt::format("{:.6f},{:.6f}", (unit->bbox.min_lon + unit->bbox.max_lon) / 2,
                                                      (unit->bbox.min_lat + unit->bbox.max_lat) / 2);
                 }
                 s.reporter = cases::Actor{req.principal->user.id, req.principal->user.role,
                                           req.principal->user.scope_code};
                 // Replays (a lost answer) return the same case.
                 s.idempotency_key = "topic-meeting:" + std::to_string(meeting->id);
                 auto created = SubmitCase(s);
                 if (!created.ok()) return ErrorResponse(created.error());
                 auto linked = store_.SetMeetingCase(t->id, meeting->id, created->record.c.id);
                 if (!linked.ok()) return ErrorResponse(linked.error());
                 return SafeJsonResponse(MeetingJson(*linked), 201);
               }});

  router_.Add({"GET", "/api/v1/public/topics", Access::kPublic,
               "Deliberation topics of a community, street or district (unit=CODE, not a grid) and of the units "
               "above and below it, newest first (limit, offset); counts only, never who voted",
               "topics", [this, area_name](Request& req) {
                 const std::string unit = req.Query("unit").value_or("");
                 if (unit.empty() || unit.size() > 12) {
                   return ErrorResponse(400, "invalid", "unit: the code of a community, street, district or city");
                 }
                 auto page = ParsePage(req, 20, 100);
                 if (!page.ok()) return ErrorResponse(page.error());
                 auto list = deliberation_->List(unit, *page);
                 if (!list.ok()) return ErrorResponse(list.error());
                 nlohmann::json items = nlohmann::json::array();
                 for (const auto& t : list->items) {
                   nlohmann::json j = TopicJson(t, clock_.Now());
                   // The public site never names grids: a grid's topic shows its community.
                   const std::string area = t.org_code.substr(0, std::min<std::size_t>(12, t.org_code.size()));
                   j.erase("org_code");
                   j["area_name"] = area_name(area);
                   items.push_back(j);
                 }
                 return SafeJsonResponse({{"items", items}, {"total", list->total}});
               }});
  router_.Add({"GET", "/api/v1/public/topics/{id}", Access::kPublic,
               "A topic for the public site: options with live counts (final once closed), meetings and visible "
               "comments; never who voted what",
               "topics", [this, area_name](Request& req) {
                 auto id = PositiveParam(req, "id");
                 if (!id) return ErrorResponse(404, "not_found", "topic not found");
                 auto v = deliberation_->View(*id, nullptr);
                 if (!v.ok()) return ErrorResponse(v.error());
                 const std::string& code = v->topic.org_code;
                 nlohmann::json j = ViewJson(*v, clock_.Now(), area_name(code.substr(0, std::min<std::size_t>(12, code.size()))));
                 j.erase("org_code");
                 j.erase("standing");
                 j.erase("my_vote");
                 auto comments = deliberation_->Comments(*id, false, {200, 0});
                 if (!comments.ok()) return ErrorResponse(comments.error());
                 nlohmann::json items = nlohmann::json::array();
                 for (const auto& c : comments->items) items.push_back(CommentJson(c, false, true));
                 j["comments"] = items;
                 j["comment_total"] = comments->total;
                 return SafeJsonResponse(j);
               }});
}

}  // namespace cg::api
