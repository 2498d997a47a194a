// Complaint sessions on both backends (store/complaint_store.hpp): scoped sessions, the
// per-account limit written in one transaction, the case link, and the rectification list and
// counts read from the cases table (open, overdue at the read's time, closed with the reply).
#include "store/case_store.hpp"
#include "store/contract_fixture.hpp"

namespace cg::store {
namespace {

using namespace contract;  // NOLINT: the fixture and its helpers

constexpr Timestamp kDay = 86'400'000;

class ComplaintContract : public StoreContract {
 protected:
  static ComplaintSession Draft(const std::string& unit, const std::string& title, Timestamp held_at) {
    ComplaintSession s;
    s.org_code = unit;
    s.title = title;
    s.place = "社区活动室";
    s.held_at = held_at;
    s.opens_at = held_at - 7 * kDay;
    s.closes_at = held_at;
    s.created_by = 7;
    s.created_at = held_at - 10 * kDay;
    return s;
  }
  static Complaint Raise(std::int64_t session, const std::string& body, const std::string& channel,
                         std::int64_t user) {
    Complaint c;
    c.session_id = session;
    c.body = body;
    c.category = "parking";
    c.channel = channel;
    c.user_id = user;
    c.created_at = 1000;
    return c;
  }
  // A complaint case handled by `unit`, due at `due_at`.
  std::string OpenCase(const std::string& unit, Timestamp due_at, const std::string& key) {
    NewCase n;
    CaseRecord& r = n.record;
    r.c.type = "complaint";
    r.c.category = "parking";
    r.c.state = "registered";
    r.c.grid_code = unit;
    r.c.handling_unit_code = unit;
    r.c.opened_at = r.c.state_entered_at = 1000;
    r.c.due_at = due_at;
    r.c.fields = {{"description", "停车难"}};
    r.c.timeline.push_back({1000, 7, "staff", "create", "", "registered", unit, "", false});
    r.description = "停车难";
    r.public_id = "P" + RandomHex(10);
    r.idempotency_key = key;
    auto created = store_->Cases().CreateCase(n, 1000);
    EXPECT_TRUE(created.ok()) << created.error().message;
    return created.ok() ? created->record.public_id : "";
  }
  void CloseCase(const std::string& public_id, const std::string& reply) {
    auto r = store_->Cases().GetCaseByPublicId(public_id);
    ASSERT_TRUE(r.ok()) << r.error().message;
    CaseRecord u = *r;
    u.c.state = "closed";
    u.terminal = true;
    u.public_open = false;
    u.c.due_at = 0;
    u.c.fields["reply"] = reply;
    u.c.timeline.push_back({2000, 7, "staff", "close", "registered", "closed", u.c.handling_unit_code, "", false});
    auto saved = store_->Cases().SaveCase(u, r->version, {}, 2000);
    ASSERT_TRUE(saved.ok()) << saved.error().message;
  }
};

TEST_P(ComplaintContract, SessionsAreScopedAndListedAboveAndBelow) {
  LoadSmallTree();
  const Scope jinhua = Scope::Subtree("150203010008");
  const Scope street = Scope::Subtree("150203010");
  EXPECT_CODE(store_->CreateComplaintSession(jinhua, Draft("150203010", "越权", 50 * kDay)), ErrorCode::kNotFound);
  EXPECT_CODE(store_->CreateComplaintSession(jinhua, Draft("150203010008777", "无此单位", 50 * kDay)),
              ErrorCode::kNotFound);
  auto own = store_->CreateComplaintSession(jinhua, Draft("150203010008", "<b>金华社区</b>吐槽大会", 50 * kDay));
  ASSERT_OK(own);
  EXPECT_EQ(own->title, "<b>金华社区</b>吐槽大会") << "stored as written";
  EXPECT_EQ(own->complaints, 0);
  auto up = store_->CreateComplaintSession(street, Draft("150203010", "街道吐槽大会", 60 * kDay));
  ASSERT_OK(up);

  ASSERT_OK(store_->GetComplaintSession(jinhua, own->id, 0));
  EXPECT_CODE(store_->GetComplaintSession(jinhua, up->id, 0), ErrorCode::kNotFound);  // the street's is outside
  EXPECT_CODE(store_->GetComplaintSession(Scope::Subtree("150203010009"), own->id, 0), ErrorCode::kNotFound);
  EXPECT_CODE(store_->GetComplaintSession(Scope::System(), 999999, 0), ErrorCode::kNotFound);

  // The public (system scope) sees a community's and its street's; the street's staff both,
  // latest held first; the community's staff only its own.
  auto pub = store_->ListComplaintSessions(Scope::System(), "150203010008", 0, {});
  ASSERT_OK(pub);
  ASSERT_EQ(pub->total, 2);
  EXPECT_EQ(pub->items[0].id, up->id);
  EXPECT_EQ(store_->ListComplaintSessions(street, "150203010", 0, {})->total, 2);
  EXPECT_EQ(store_->ListComplaintSessions(jinhua, "150203010008", 0, {})->total, 1);
  EXPECT_EQ(store_->ListComplaintSessions(Scope::System(), "150203010009", 0, {})->total, 1);
  EXPECT_EQ(store_->ListComplaintSessions(street, "150203010", 0, {1, 1})->items.front().id, own->id);
  EXPECT_CODE(store_->ListComplaintSessions(jinhua, "150203010009", 0, {}), ErrorCode::kNotFound);
  EXPECT_CODE(store_->ListComplaintSessions(street, "150203010", 0, {-1, 0}), ErrorCode::kInvalid);
}

TEST_P(ComplaintContract, ComplaintsLimitLinkAndRectificationList) {
  LoadSmallTree();
  const Scope jinhua = Scope::Subtree("150203010008");
  auto s = store_->CreateComplaintSession(jinhua, Draft("150203010008", "吐槽大会", 50 * kDay));
  ASSERT_OK(s);

  // Online: at most 3 per account here; staff in person are not limited.
  for (int i = 0; i < 3; ++i) ASSERT_OK(store_->AddComplaint(Raise(s->id, "线上" + std::to_string(i), "online", 31), 3));
  EXPECT_CODE(store_->AddComplaint(Raise(s->id, "第四条", "online", 31), 3), ErrorCode::kConflict);
  ASSERT_OK(store_->AddComplaint(Raise(s->id, "另一位居民", "online", 32), 3));
  for (int i = 0; i < 4; ++i) ASSERT_OK(store_->AddComplaint(Raise(s->id, "现场" + std::to_string(i), "in_person", 7), 3));
  EXPECT_CODE(store_->AddComplaint(Raise(999999, "无此会", "online", 33), 3), ErrorCode::kNotFound);
  auto list = store_->ListComplaints(s->id, 0);
  ASSERT_OK(list);
  ASSERT_EQ(list->size(), 8u) << "the refused fourth wrote nothing";

  // A complaint whose case could not be opened is discarded; a linked one cannot be.
  Complaint c = Raise(s->id, "<script>alert(1)</script>楼道堆物", "in_person", 7);
  c.resident_name = "张大爷";
  auto a = store_->AddComplaint(c, 3);
  ASSERT_OK(a);
  EXPECT_EQ(a->resident_name, "张大爷");
  EXPECT_TRUE(a->case_public_id.empty());
  ASSERT_OK(store_->DiscardComplaint(s->id, a->id));
  EXPECT_CODE(store_->DiscardComplaint(s->id, a->id), ErrorCode::kNotFound);

  list = store_->ListComplaints(s->id, 0);
  const auto first = (*list)[0].id, second = (*list)[1].id, third = (*list)[2].id;
  const std::string open_case = OpenCase("150203010008", 40 * kDay, "complaint:" + std::to_string(first));
  const std::string late_case = OpenCase("150203010008", 20 * kDay, "complaint:" + std::to_string(second));
  const std::string closed_case = OpenCase("150203010008", 30 * kDay, "complaint:" + std::to_string(third));
  ASSERT_OK(store_->LinkComplaintCase(s->id, first, open_case));
  ASSERT_OK(store_->LinkComplaintCase(s->id, first, open_case));  // the same case again: a replay
  EXPECT_CODE(store_->LinkComplaintCase(s->id, first, late_case), ErrorCode::kConflict);
  EXPECT_CODE(store_->LinkComplaintCase(s->id + 1, first, late_case), ErrorCode::kNotFound);
  EXPECT_CODE(store_->DiscardComplaint(s->id, first), ErrorCode::kNotFound);
  ASSERT_OK(store_->LinkComplaintCase(s->id, second, late_case));
  ASSERT_OK(store_->LinkComplaintCase(s->id, third, closed_case));
  CloseCase(closed_case, "已施划停车位 20 个");

  const Timestamp now = 25 * kDay;  // past the second's deadline only
  list = store_->ListComplaints(s->id, now);
  ASSERT_OK(list);
  ASSERT_EQ(list->size(), 8u);
  const Complaint& one = (*list)[0];
  EXPECT_EQ(one.case_public_id, open_case);
  EXPECT_EQ(one.case_state, "registered");
  EXPECT_FALSE(one.case_terminal);
  EXPECT_EQ(one.due_at, 40 * kDay);
  EXPECT_FALSE(one.overdue);
  EXPECT_EQ(one.handling_unit_code, "150203010008");
  EXPECT_TRUE((*list)[1].overdue);
  EXPECT_TRUE((*list)[2].case_terminal);
  EXPECT_FALSE((*list)[2].overdue);
  EXPECT_EQ((*list)[2].reply, "已施划停车位 20 个");
  EXPECT_EQ((*list)[2].case_state, "closed");
  EXPECT_TRUE((*list)[3].case_public_id.empty());
  EXPECT_TRUE((*list)[3].case_state.empty());

  auto counted = store_->GetComplaintSession(jinhua, s->id, now);
  ASSERT_OK(counted);
  EXPECT_EQ(counted->complaints, 8);
  EXPECT_EQ(counted->open, 2);
  EXPECT_EQ(counted->overdue, 1);
  EXPECT_EQ(counted->closed, 1);
  EXPECT_EQ(store_->GetComplaintSession(jinhua, s->id, 0)->overdue, 0) << "overdue is as of the read";
  auto listed = store_->ListComplaintSessions(jinhua, "150203010008", now, {});
  ASSERT_OK(listed);
  EXPECT_EQ(listed->items[0].overdue, 1);
}

INSTANTIATE_TEST_SUITE_P(Backends, ComplaintContract, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace cg::store
