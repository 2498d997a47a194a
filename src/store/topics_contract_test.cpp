// Deliberation on both backends (store/topic_store.hpp): resident links, topics, one vote per
// account and per person, comments hidden with an audit entry, meetings and their case.
#include "store/contract_fixture.hpp"

namespace cg::store {
namespace {

using namespace contract;  // NOLINT: the fixture and its helpers

class TopicContract : public StoreContract {
 protected:
  std::int64_t Person(const std::string& grid, const std::string& name, const std::string& idx) {
    auto r = store_->CreateRecord(Scope::System(), FakePerson(grid, name, idx), Ctx(10), FakeSeal());
    EXPECT_TRUE(r.ok()) << r.error().message;
    return r.ok() ? r->id : 0;
  }
  std::int64_t Resident(const std::string& username) {
    model::User u = MakeUser(username);
    u.role = model::Role::kResident;
    auto r = store_->CreateUser(u);
    EXPECT_TRUE(r.ok()) << r.error().message;
    return r.ok() ? r->id : 0;
  }
  Topic Draft(const std::string& area, const std::string& title) {
    Topic t;
    t.org_code = area;
    t.title = title;
    t.background = title + "的背景";
    t.mode = "options";
    t.opens_at = 1000;
    t.closes_at = 9000;
    t.created_by = 7;
    t.created_at = 500;
    return t;
  }
};

TEST_P(TopicContract, OneVotePerAccountAndPerPersonCountedLive) {
  LoadSmallTree();
  const auto p1 = Person("150203010008001", "甲", "1111");
  const auto p2 = Person("150203010008002", "乙", "2222");
  const auto u1 = Resident("res1"), u2 = Resident("res2"), u3 = Resident("res3");
  ASSERT_OK(store_->LinkResident(u1, p1, 100));
  ASSERT_OK(store_->LinkResident(u1, p1, 101));  // linking again to the same person
  EXPECT_CODE(store_->LinkResident(u3, p1, 102), ErrorCode::kConflict);
  EXPECT_CODE(store_->LinkResident(u3, 999999, 102), ErrorCode::kNotFound);
  ASSERT_OK(store_->LinkResident(u2, p2, 103));
  auto link = store_->GetResidentLink(u1);
  ASSERT_OK(link);
  EXPECT_EQ(link->person_id, p1);
  EXPECT_EQ(link->grid_code, "150203010008001");
  EXPECT_EQ(link->person_name, "甲");
  EXPECT_CODE(store_->GetResidentLink(u3), ErrorCode::kNotFound);

  const Scope jinhua = Scope::Subtree("150203010008");
  EXPECT_CODE(store_->CreateTopic(jinhua, Draft("150203010", "越权"), {"a"}), ErrorCode::kNotFound);
  EXPECT_CODE(store_->CreateTopic(jinhua, Draft("150203010008777", "无此网格"), {"a"}), ErrorCode::kNotFound);
  EXPECT_CODE(store_->CreateTopic(jinhua, Draft("150203010008", "重复"), {"加装电梯", "加装电梯"}),
              ErrorCode::kInvalid);
  EXPECT_EQ(store_->ListTopics("150203010008", {})->total, 0) << "a refused topic leaves nothing";
  auto topic = store_->CreateTopic(jinhua, Draft("150203010008", "加装电梯"), {"同意", "不同意"});
  ASSERT_OK(topic);
  auto options = store_->ListTopicOptions(topic->id);
  ASSERT_OK(options);
  ASSERT_EQ(options->size(), 2u);
  const auto yes = (*options)[0].id, no = (*options)[1].id;

  // The check sees the topic and the account's link as the vote's transaction reads them; it
  // refuses unlinked accounts here as the service does.
  std::vector<VoteFacts> seen;
  const std::function<Status(const VoteFacts&)> linked_only = [&](const VoteFacts& f) -> Status {
    seen.push_back(f);
    if (!f.linked) return MakeError(ErrorCode::kForbidden, "unverified");
    return {};
  };
  auto vote = [&](std::int64_t topic_id, std::int64_t option, std::int64_t user) {
    return store_->CastCheckedVote({topic_id, option, user, 2000}, linked_only);
  };
  ASSERT_OK(vote(topic->id, yes, u1));
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].org_code, "150203010008");
  EXPECT_EQ(seen[0].opens_at, 1000);
  EXPECT_EQ(seen[0].closes_at, 9000);
  EXPECT_EQ(seen[0].person_id, p1);
  EXPECT_EQ(seen[0].grid_code, "150203010008001");
  EXPECT_CODE(vote(topic->id, no, u1), ErrorCode::kConflict);
  EXPECT_CODE(vote(topic->id, no, u3), ErrorCode::kForbidden);  // the check's refusal, nothing written
  EXPECT_CODE(vote(topic->id, 999999, u2), ErrorCode::kNotFound);
  EXPECT_CODE(vote(999999, yes, u2), ErrorCode::kNotFound);
  ASSERT_OK(vote(topic->id, no, u2));
  EXPECT_EQ(*store_->GetVote(topic->id, u1), yes);
  EXPECT_EQ(*store_->GetVote(topic->id, u3), 0);
  options = store_->ListTopicOptions(topic->id);
  EXPECT_EQ((*options)[0].votes, 1);
  EXPECT_EQ((*options)[1].votes, 1);
  EXPECT_EQ(store_->GetTopic(topic->id)->votes, 2);

  // Another topic's option is not this topic's.
  auto other = store_->CreateTopic(jinhua, Draft("150203010008001", "楼道灯"), {"修"});
  ASSERT_OK(other);
  EXPECT_CODE(vote(other->id, yes, u2), ErrorCode::kNotFound);

  // Listing: a grid sees its own and its community's topics; the street sees both below it.
  EXPECT_EQ(store_->ListTopics("150203010008001", {})->total, 2);
  EXPECT_EQ(store_->ListTopics("150203010008002", {})->total, 1);
  EXPECT_EQ(store_->ListTopics("150203010", {})->total, 2);
  EXPECT_EQ(store_->ListTopics("150203010009", {})->total, 0);
  EXPECT_EQ(store_->ListTopics("150203010", {1, 0})->items.front().id, other->id) << "newest first";
  EXPECT_CODE(store_->ListTopics("150203010", {-1, 0}), ErrorCode::kInvalid);
}

TEST_P(TopicContract, ProposalsCommentsModerationAndMeetings) {
  LoadSmallTree();
  const Scope street = Scope::Subtree("150203010");
  Topic d = Draft("150203010", "小区停车");
  d.mode = "proposals";
  auto topic = store_->CreateTopic(street, d, {});
  ASSERT_OK(topic);
  ASSERT_OK(store_->AddTopicOption(topic->id, "划定临时车位", 31, 1500));
  EXPECT_CODE(store_->AddTopicOption(topic->id, "划定临时车位", 32, 1501), ErrorCode::kConflict);
  EXPECT_CODE(store_->AddTopicOption(999999, "x", 32, 1501), ErrorCode::kNotFound);
  EXPECT_EQ(store_->ListTopicOptions(topic->id)->front().proposed_by, 31);

  TopicComment c;
  c.topic_id = topic->id;
  c.user_id = 31;
  c.author = "居民甲";
  c.body = "<script>alert(1)</script>晚上车位不够";
  c.created_at = 1600;
  auto first = store_->AddTopicComment(c);
  ASSERT_OK(first);
  c.body = "广告：低价车位";
  auto spam = store_->AddTopicComment(c);
  ASSERT_OK(spam);
  c.topic_id = 999999;
  EXPECT_CODE(store_->AddTopicComment(c), ErrorCode::kNotFound);

  AuditEntry audit{0, 1700, 7, "hide_comment", "topic_comment", spam->id, "body", "广告，与议题无关", "", ""};
  auto hidden = store_->HideTopicComment(topic->id, spam->id, audit);
  ASSERT_OK(hidden);
  EXPECT_EQ(hidden->hidden_reason, "广告，与议题无关");
  EXPECT_CODE(store_->HideTopicComment(topic->id, spam->id, audit), ErrorCode::kConflict);
  EXPECT_CODE(store_->HideTopicComment(topic->id + 1, first->id, audit), ErrorCode::kNotFound);
  auto shown = store_->ListTopicComments(topic->id, false, {});
  ASSERT_OK(shown);
  ASSERT_EQ(shown->total, 1);
  EXPECT_EQ(shown->items[0].body, "<script>alert(1)</script>晚上车位不够") << "stored as written";
  EXPECT_EQ(store_->ListTopicComments(topic->id, true, {})->total, 2);
  auto log = store_->ListAudit(0, 100);
  ASSERT_OK(log);
  ASSERT_EQ(log->size(), 1u) << "one audit entry, written with the hiding";
  EXPECT_EQ((*log)[0].action, "hide_comment");
  EXPECT_EQ((*log)[0].entity_id, spam->id);
  EXPECT_EQ((*log)[0].reason, "广告，与议题无关");
  ASSERT_OK(store_->VerifyAuditChain());

  TopicMeeting m;
  m.topic_id = topic->id;
  m.held_at = 5000;
  m.place = "社区议事厅";
  m.attendees = "王主任\n居民代表甲";
  m.minutes = "讨论停车问题";
  m.decision = "由物业划定临时车位";
  m.created_by = 7;
  m.created_at = 5100;
  auto meeting = store_->AddTopicMeeting(m);
  ASSERT_OK(meeting);
  ASSERT_OK(store_->SetMeetingCase(topic->id, meeting->id, "C20260105-0001"));
  EXPECT_CODE(store_->SetMeetingCase(topic->id, meeting->id, "C20260105-0002"), ErrorCode::kConflict);
  EXPECT_CODE(store_->SetMeetingCase(topic->id, meeting->id + 5, "C"), ErrorCode::kNotFound);
  ASSERT_OK(store_->SetMeetingProject(topic->id, meeting->id, 42));
  EXPECT_CODE(store_->SetMeetingProject(topic->id, meeting->id, 43), ErrorCode::kConflict);
  EXPECT_CODE(store_->SetMeetingProject(topic->id + 100, meeting->id, 43), ErrorCode::kNotFound);
  auto meetings = store_->ListTopicMeetings(topic->id);
  ASSERT_OK(meetings);
  ASSERT_EQ(meetings->size(), 1u);
  EXPECT_EQ((*meetings)[0].case_public_id, "C20260105-0001");
  EXPECT_EQ((*meetings)[0].project_id, 42);
  EXPECT_EQ((*meetings)[0].attendees, "王主任\n居民代表甲");
}

INSTANTIATE_TEST_SUITE_P(Backends, TopicContract, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace cg::store
