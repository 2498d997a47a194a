// Deliberation: resident links, topics, options, votes, comments, meetings
// (store/topic_store.hpp): written once against internal::SqlTx for both backends.
#include <string>

#include "store/base_store.hpp"
#include "store/internal/area_sql.hpp"
#include "store/internal/audit.hpp"
#include "store/internal/codec.hpp"
#include "store/internal/common.hpp"
#include "store/internal/group_commit.hpp"
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

const char kTopicCols[] =
    "t.id, t.org_code, t.title, t.background, t.mode, t.opens_at, t.closes_at, t.created_by, t.created_at, "
    "(SELECT COUNT(*) FROM topic_votes v WHERE v.topic_id = t.id)";
const char kCommentCols[] = "id, topic_id, user_id, author, body, created_at, hidden_reason, hidden_by, hidden_at";
const char kMeetingCols[] =
    "id, topic_id, held_at, place, attendees, minutes, decision, case_public_id, created_by, created_at, project_id";

Topic ReadTopic(const SqlRow& r) {
  Topic t;
  t.id = ToInt(r[0]);
  t.org_code = r[1].value_or("");
  t.title = r[2].value_or("");
  t.background = r[3].value_or("");
  t.mode = r[4].value_or("");
  t.opens_at = ToInt(r[5]);
  t.closes_at = ToInt(r[6]);
  t.created_by = ToInt(r[7]);
  t.created_at = ToInt(r[8]);
  t.votes = ToInt(r[9]);
  return t;
}

TopicComment ReadComment(const SqlRow& r) {
  TopicComment c;
  c.id = ToInt(r[0]);
  c.topic_id = ToInt(r[1]);
  c.user_id = ToInt(r[2]);
  c.author = r[3].value_or("");
  c.body = r[4].value_or("");
  c.created_at = ToInt(r[5]);
  c.hidden_reason = r[6].value_or("");
  c.hidden_by = ToInt(r[7]);
  c.hidden_at = ToInt(r[8]);
  return c;
}

TopicMeeting ReadMeeting(const SqlRow& r) {
  TopicMeeting m;
  m.id = ToInt(r[0]);
  m.topic_id = ToInt(r[1]);
  m.held_at = ToInt(r[2]);
  m.place = r[3].value_or("");
  m.attendees = r[4].value_or("");
  m.minutes = r[5].value_or("");
  m.decision = r[6].value_or("");
  m.case_public_id = r[7].value_or("");
  m.created_by = ToInt(r[8]);
  m.created_at = ToInt(r[9]);
  m.project_id = ToInt(r[10]);
  return m;
}

Topic RequireTopic(SqlTx& tx, std::int64_t id) {
  auto rows = tx.Run(std::string("SELECT ") + kTopicCols + " FROM topics t WHERE t.id = ?1", {P::Int(id)});
  if (rows.empty()) Fail(ErrorCode::kNotFound, "topic not found");
  return ReadTopic(rows[0]);
}

ResidentLink ReadLink(SqlTx& tx, std::int64_t user_id) {
  auto rows = tx.Run(
      "SELECT l.user_id, l.person_id, p.grid_code, p.name, l.linked_at FROM resident_links l "
      "JOIN persons p ON p.id = l.person_id WHERE l.user_id = ?1",
      {P::Int(user_id)});
  if (rows.empty()) Fail(ErrorCode::kNotFound, "this account is not linked to a resident");
  return ResidentLink{ToInt(rows[0][0]), ToInt(rows[0][1]), rows[0][2].value_or(""), rows[0][3].value_or(""),
                      ToInt(rows[0][4])};
}

std::vector<TopicOption> ReadOptions(SqlTx& tx, std::int64_t topic_id) {
  auto rows = tx.Run(
      "SELECT o.id, o.topic_id, o.label, o.proposed_by, o.created_at, "
      "(SELECT COUNT(*) FROM topic_votes v WHERE v.option_id = o.id) FROM topic_options o "
      "WHERE o.topic_id = ?1 ORDER BY o.id",
      {P::Int(topic_id)});
  std::vector<TopicOption> out;
  for (const auto& r : rows) {
    out.push_back({ToInt(r[0]), ToInt(r[1]), r[2].value_or(""), ToInt(r[3]), ToInt(r[4]), ToInt(r[5])});
  }
  return out;
}

}  // namespace

Result<ResidentLink> BaseDataStore::LinkResident(std::int64_t user_id, std::int64_t person_id, Timestamp at) {
  return Guard([&]() -> Result<ResidentLink> {
    ResidentLink out;
    RunBaseTx(true, [&](SqlTx& tx) {
      if (tx.Run("SELECT 1 FROM persons WHERE id = ?1", {P::Int(person_id)}).empty()) {
        Fail(ErrorCode::kNotFound, "person not found");
      }
      auto other = tx.Run("SELECT user_id FROM resident_links WHERE person_id = ?1", {P::Int(person_id)});
      if (!other.empty() && ToInt(other[0][0]) != user_id) {
        Fail(ErrorCode::kConflict, "another account is linked to this resident");
      }
      tx.Run(
          "INSERT INTO resident_links(user_id, person_id, linked_at) VALUES (?1, ?2, ?3) "
          "ON CONFLICT (user_id) DO UPDATE SET person_id = excluded.person_id, linked_at = excluded.linked_at",
          {P::Int(user_id), P::Int(person_id), P::Int(at)});
      out = ReadLink(tx, user_id);
    });
    return out;
  });
}

Result<ResidentLink> BaseDataStore::GetResidentLink(std::int64_t user_id) {
  return Guard([&]() -> Result<ResidentLink> {
    ResidentLink out;
    RunBaseTx(false, [&](SqlTx& tx) { out = ReadLink(tx, user_id); });
    return out;
  });
}

Result<Topic> BaseDataStore::CreateTopic(const model::Scope& scope, Topic topic, const std::vector<std::string>& options) {
  if (!scope.Contains(topic.org_code)) return MakeError(ErrorCode::kNotFound, "org unit not found");
  return Guard([&]() -> Result<Topic> {
    RunBaseTx(true, [&](SqlTx& tx) {
      internal::RequireUnit(tx, topic.org_code);
      auto rows = tx.Run(
          "INSERT INTO topics(org_code, title, background, mode, opens_at, closes_at, created_by, created_at) "
          "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) RETURNING id",
          {P::Text(topic.org_code), P::Text(topic.title), P::Text(topic.background), P::Text(topic.mode),
           P::Int(topic.opens_at), P::Int(topic.closes_at), P::Int(topic.created_by), P::Int(topic.created_at)});
      topic.id = ToInt(rows[0][0]);
      for (const auto& label : options) {
        auto added = tx.Run(
            "INSERT INTO topic_options(topic_id, label, proposed_by, created_at) VALUES (?1, ?2, 0, ?3) "
            "ON CONFLICT (topic_id, label) DO NOTHING RETURNING id",
            {P::Int(topic.id), P::Text(label), P::Int(topic.created_at)});
        if (added.empty()) Fail(ErrorCode::kInvalid, "options: \"" + label + "\" is listed twice");
      }
      topic = RequireTopic(tx, topic.id);
    });
    return topic;
  });
}

Result<Topic> BaseDataStore::GetTopic(std::int64_t id) {
  return Guard([&]() -> Result<Topic> {
    Topic t;
    RunBaseTx(false, [&](SqlTx& tx) { t = RequireTopic(tx, id); });
    return t;
  });
}

Result<Slice<Topic>> BaseDataStore::ListTopics(const std::string& unit_code, Page page) {
  CG_RETURN_IF_ERROR(internal::ValidatePage(page));
  return Guard([&]() -> Result<Slice<Topic>> {
    Slice<Topic> out;
    RunBaseTx(false, [&](SqlTx& tx) {
      // Below the unit, or one of the units above it.
      std::vector<P> params;
      const std::string where = internal::AreaSql("t.org_code", unit_code, params);
      auto count = tx.Run("SELECT COUNT(*) FROM topics t WHERE " + where, params);
      out.total = ToInt(count[0][0]);
      params.push_back(P::Int(page.limit));
      params.push_back(P::Int(page.offset));
      auto rows = tx.Run(std::string("SELECT ") + kTopicCols + " FROM topics t WHERE " + where +
                             " ORDER BY t.id DESC LIMIT ?" + std::to_string(params.size() - 1) + " OFFSET ?" +
                             std::to_string(params.size()),
                         params);
      for (const auto& r : rows) out.items.push_back(ReadTopic(r));
    });
    return out;
  });
}

Result<std::vector<TopicOption>> BaseDataStore::ListTopicOptions(std::int64_t topic_id) {
  return Guard([&]() -> Result<std::vector<TopicOption>> {
    std::vector<TopicOption> out;
    RunBaseTx(false, [&](SqlTx& tx) {
      RequireTopic(tx, topic_id);
      out = ReadOptions(tx, topic_id);
    });
    return out;
  });
}

Result<TopicOption> BaseDataStore::AddTopicOption(std::int64_t topic_id, const std::string& label,
                                                  std::int64_t user_id, Timestamp at) {
  return Guard([&]() -> Result<TopicOption> {
    TopicOption out;
    RunBaseTx(true, [&](SqlTx& tx) {
      RequireTopic(tx, topic_id);
      auto rows = tx.Run(
          "INSERT INTO topic_options(topic_id, label, proposed_by, created_at) VALUES (?1, ?2, ?3, ?4) "
          "ON CONFLICT (topic_id, label) DO NOTHING RETURNING id",
          {P::Int(topic_id), P::Text(label), P::Int(user_id), P::Int(at)});
      if (rows.empty()) Fail(ErrorCode::kConflict, "this proposal has been made already");
      out = {ToInt(rows[0][0]), topic_id, label, user_id, at, 0};
    });
    return out;
  });
}

// A vote and its check, queued for the next shared transaction.
struct CheckedVote {
  const VoteRequest* vote;
  const std::function<Status(const VoteFacts&)>* check;
};

struct BaseDataStore::VoteQueue {
  internal::GroupCommit<CheckedVote, Status> queue;
  explicit VoteQueue(BaseDataStore& store)
      : queue(internal::kMaxIntakeBatch, [&store](std::vector<internal::GroupCommit<CheckedVote, Status>::Slot*>& batch) {
          // Results are kept apart until COMMIT returns: a vote is reported only once durable.
          std::vector<Status> results(batch.size());
          store.RunBaseTx(true, [&](SqlTx& tx) {
            for (std::size_t i = 0; i < batch.size(); ++i) results[i] = CastOne(tx, *batch[i]->req);
          });
          for (std::size_t i = 0; i < batch.size(); ++i) batch[i]->res = std::move(results[i]);
        }) {}

  static Status CastOne(SqlTx& tx, const CheckedVote& c) {
    const VoteRequest& v = *c.vote;
    auto topic = tx.Run("SELECT org_code, opens_at, closes_at FROM topics WHERE id = ?1", {P::Int(v.topic_id)});
    if (topic.empty()) return MakeError(ErrorCode::kNotFound, "topic not found");
    VoteFacts f;
    f.org_code = topic[0][0].value_or("");
    f.opens_at = ToInt(topic[0][1]);
    f.closes_at = ToInt(topic[0][2]);
    auto link = tx.Run(
        "SELECT l.person_id, p.grid_code FROM resident_links l JOIN persons p ON p.id = l.person_id "
        "WHERE l.user_id = ?1",
        {P::Int(v.user_id)});
    if (!link.empty()) {
      f.linked = true;
      f.person_id = ToInt(link[0][0]);
      f.grid_code = link[0][1].value_or("");
    }
    if (Status ok = (*c.check)(f); !ok.ok()) return ok;
    if (tx.Run("SELECT 1 FROM topic_options WHERE id = ?1 AND topic_id = ?2", {P::Int(v.option_id), P::Int(v.topic_id)})
            .empty()) {
      return MakeError(ErrorCode::kNotFound, "option not found on this topic");
    }
    auto rows = tx.Run(
        "INSERT INTO topic_votes(topic_id, user_id, person_id, option_id, cast_at) VALUES (?1, ?2, ?3, ?4, ?5) "
        "ON CONFLICT DO NOTHING RETURNING topic_id",
        {P::Int(v.topic_id), P::Int(v.user_id), P::Int(f.person_id), P::Int(v.option_id), P::Int(v.at)});
    if (rows.empty()) return MakeError(ErrorCode::kConflict, "you have voted on this topic already");
    return {};
  }
};

Status BaseDataStore::CastCheckedVote(const VoteRequest& vote, const std::function<Status(const VoteFacts&)>& check) {
  std::call_once(vote_queue_once_, [this] { vote_queue_ = std::make_shared<VoteQueue>(*this); });
  return Guard([&]() -> Status { return vote_queue_->queue.Submit(CheckedVote{&vote, &check}); });
}

Result<std::int64_t> BaseDataStore::GetVote(std::int64_t topic_id, std::int64_t user_id) {
  return Guard([&]() -> Result<std::int64_t> {
    std::int64_t out = 0;
    RunBaseTx(false, [&](SqlTx& tx) {
      auto rows = tx.Run("SELECT option_id FROM topic_votes WHERE topic_id = ?1 AND user_id = ?2",
                         {P::Int(topic_id), P::Int(user_id)});
      if (!rows.empty()) out = ToInt(rows[0][0]);
    });
    return out;
  });
}

Result<TopicComment> BaseDataStore::AddTopicComment(TopicComment c) {
  return Guard([&]() -> Result<TopicComment> {
    RunBaseTx(true, [&](SqlTx& tx) {
      RequireTopic(tx, c.topic_id);
      auto rows = tx.Run(
          "INSERT INTO topic_comments(topic_id, user_id, author, body, created_at) VALUES (?1, ?2, ?3, ?4, ?5) "
          "RETURNING id",
          {P::Int(c.topic_id), P::Int(c.user_id), P::Text(c.author), P::Text(c.body), P::Int(c.created_at)});
      c.id = ToInt(rows[0][0]);
      c.hidden_reason.clear();
      c.hidden_by = 0;
      c.hidden_at = 0;
    });
    return c;
  });
}

Result<Slice<TopicComment>> BaseDataStore::ListTopicComments(std::int64_t topic_id, bool with_hidden, Page page) {
  CG_RETURN_IF_ERROR(internal::ValidatePage(page));
  return Guard([&]() -> Result<Slice<TopicComment>> {
    Slice<TopicComment> out;
    RunBaseTx(false, [&](SqlTx& tx) {
      RequireTopic(tx, topic_id);
      const std::string where = std::string(" FROM topic_comments WHERE topic_id = ?1") +
                                (with_hidden ? "" : " AND hidden_reason = ''");
      out.total = ToInt(tx.Run("SELECT COUNT(*)" + where, {P::Int(topic_id)})[0][0]);
      auto rows = tx.Run(std::string("SELECT ") + kCommentCols + where + " ORDER BY id LIMIT ?2 OFFSET ?3",
                         {P::Int(topic_id), P::Int(page.limit), P::Int(page.offset)});
      for (const auto& r : rows) out.items.push_back(ReadComment(r));
    });
    return out;
  });
}

Result<TopicComment> BaseDataStore::HideTopicComment(std::int64_t topic_id, std::int64_t comment_id,
                                                     const AuditEntry& audit) {
  return Guard([&]() -> Result<TopicComment> {
    TopicComment out;
    RunBaseTx(true, [&](SqlTx& tx) {
      auto rows = tx.Run(std::string("SELECT ") + kCommentCols + " FROM topic_comments WHERE id = ?1 AND topic_id = ?2",
                         {P::Int(comment_id), P::Int(topic_id)});
      if (rows.empty()) Fail(ErrorCode::kNotFound, "comment not found");
      out = ReadComment(rows[0]);
      if (!out.hidden_reason.empty()) Fail(ErrorCode::kConflict, "this comment is hidden already");
      tx.Run("UPDATE topic_comments SET hidden_reason = ?1, hidden_by = ?2, hidden_at = ?3 WHERE id = ?4",
             {P::Text(audit.reason), P::Int(audit.actor_user_id), P::Int(audit.at), P::Int(comment_id)});
      out.hidden_reason = audit.reason;
      out.hidden_by = audit.actor_user_id;
      out.hidden_at = audit.at;
      AuditEntry e = audit;
      internal::AppendAuditIn(tx, e);
    });
    return out;
  });
}

Result<TopicMeeting> BaseDataStore::AddTopicMeeting(TopicMeeting m) {
  return Guard([&]() -> Result<TopicMeeting> {
    RunBaseTx(true, [&](SqlTx& tx) {
      RequireTopic(tx, m.topic_id);
      auto rows = tx.Run(
          "INSERT INTO topic_meetings(topic_id, held_at, place, attendees, minutes, decision, case_public_id, "
          "created_by, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, '', ?7, ?8) RETURNING id",
          {P::Int(m.topic_id), P::Int(m.held_at), P::Text(m.place), P::Text(m.attendees), P::Text(m.minutes),
           P::Text(m.decision), P::Int(m.created_by), P::Int(m.created_at)});
      m.id = ToInt(rows[0][0]);
      m.case_public_id.clear();
    });
    return m;
  });
}

Result<std::vector<TopicMeeting>> BaseDataStore::ListTopicMeetings(std::int64_t topic_id) {
  return Guard([&]() -> Result<std::vector<TopicMeeting>> {
    std::vector<TopicMeeting> out;
    RunBaseTx(false, [&](SqlTx& tx) {
      RequireTopic(tx, topic_id);
      auto rows = tx.Run(std::string("SELECT ") + kMeetingCols + " FROM topic_meetings WHERE topic_id = ?1 ORDER BY id",
                         {P::Int(topic_id)});
      for (const auto& r : rows) out.push_back(ReadMeeting(r));
    });
    return out;
  });
}

// The meeting `meeting_id` of the topic, for `update` to link (in the same transaction).
TopicMeeting RequireMeeting(SqlTx& tx, std::int64_t topic_id, std::int64_t meeting_id) {
  auto rows = tx.Run(std::string("SELECT ") + kMeetingCols + " FROM topic_meetings WHERE id = ?1 AND topic_id = ?2",
                     {P::Int(meeting_id), P::Int(topic_id)});
  if (rows.empty()) Fail(ErrorCode::kNotFound, "meeting not found");
  return ReadMeeting(rows[0]);
}

Result<TopicMeeting> BaseDataStore::SetMeetingCase(std::int64_t topic_id, std::int64_t meeting_id,
                                                   const std::string& case_public_id) {
  return Guard([&]() -> Result<TopicMeeting> {
    TopicMeeting out;
    RunBaseTx(true, [&](SqlTx& tx) {
      out = RequireMeeting(tx, topic_id, meeting_id);
      if (!out.case_public_id.empty()) Fail(ErrorCode::kConflict, "this decision has opened case " + out.case_public_id);
      tx.Run("UPDATE topic_meetings SET case_public_id = ?1 WHERE id = ?2", {P::Text(case_public_id), P::Int(meeting_id)});
      out.case_public_id = case_public_id;
    });
    return out;
  });
}

Result<TopicMeeting> BaseDataStore::SetMeetingProject(std::int64_t topic_id, std::int64_t meeting_id,
                                                      std::int64_t project_id) {
  return Guard([&]() -> Result<TopicMeeting> {
    TopicMeeting out;
    RunBaseTx(true, [&](SqlTx& tx) {
      out = RequireMeeting(tx, topic_id, meeting_id);
      if (out.project_id) Fail(ErrorCode::kConflict, "this decision has opened project " + std::to_string(out.project_id));
      tx.Run("UPDATE topic_meetings SET project_id = ?1 WHERE id = ?2", {P::Int(project_id), P::Int(meeting_id)});
      out.project_id = project_id;
    });
    return out;
  });
}

}  // namespace cg::store
