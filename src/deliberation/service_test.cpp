// The deliberation service over a real SQLite store and the real base-data service (blind
// index): verification by ID number and name, the voting window on the injected clock, one vote
// per verified resident of the area, proposals, moderation with its audit entry, meetings.
#include "deliberation/service.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <random>

#include "model/id_number.hpp"

namespace cg::deliberation {
namespace {

using model::OrgKind;
using model::Role;

model::OrgUnit Unit(std::string code, OrgKind kind, std::string parent) {
  model::OrgUnit u;
  u.code = std::move(code);
  u.kind = kind;
  u.name = "单位" + u.code;
  u.parent_code = std::move(parent);
  return u;
}

constexpr Timestamp kDay = 86'400'000;

class DeliberationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("cg_delib_" + std::to_string(std::random_device{}()));
    std::filesystem::create_directories(dir_);
    auto s = store::Store::Open("sqlite://" + (dir_ / "t.db").string());
    ASSERT_TRUE(s.ok()) << s.error().message;
    store_ = std::move(s).value();
    ASSERT_TRUE(store_->Migrate().ok());
    ASSERT_TRUE(store_->UpsertOrgUnits({Unit("1502", OrgKind::kCity, ""), Unit("150203", OrgKind::kDistrict, "1502"),
                                        Unit("150203010", OrgKind::kStreet, "150203"),
                                        Unit("150203010008", OrgKind::kCommunity, "150203010"),
                                        Unit("150203010008001", OrgKind::kGrid, "150203010008"),
                                        Unit("150203010009", OrgKind::kCommunity, "150203010"),
                                        Unit("150203010009001", OrgKind::kGrid, "150203010009")})
                    .ok());
    auto keys = privacy::KeyRing::FromHex(std::string(64, 'b'));
    ASSERT_TRUE(keys.ok());
    keys_ = std::make_unique<privacy::KeyRing>(std::move(keys).value());
    auto dict = forms::Dictionary::LoadDirectory(std::filesystem::path(CITYGRID_SOURCE_DIR) / "data/elements");
    ASSERT_TRUE(dict.ok()) << dict.error().message;
    dict_ = std::make_unique<forms::Dictionary>(std::move(dict).value());
    clock_.Set(1'780'000'000'000);
    base_ = std::make_unique<base::Service>(*store_, *keys_, *dict_, clock_);
    service_ = std::make_unique<Service>(*store_, clock_, base_.get());
  }
  void TearDown() override {
    service_.reset();
    base_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  // A person of the base data and a resident account for them; returns the account.
  model::User Resident(const std::string& name, const std::string& grid, int seq, std::string* id_out = nullptr) {
    const std::string id = model::MakeResidentId("150203", Date{1960, 1, 2}, seq);
    std::vector<model::FieldError> errors;
    auto p = base_->Create(model::Scope::System(), model::BaseEntity::kPerson,
                           {{"grid_code", grid}, {"name", name}, {"id_number", id}, {"ethnicity", "01"},
                            {"residence_status", "registered"}},
                           {}, {}, &errors);
    EXPECT_TRUE(p.ok()) << p.error().message;
    model::User u;
    u.username = "r" + std::to_string(seq);
    u.display_name = name;
    u.role = Role::kResident;
    u.scope_code = grid;
    u.password_hash = "$argon2id$x";
    auto created = store_->CreateUser(u);
    EXPECT_TRUE(created.ok()) << created.error().message;
    if (id_out) *id_out = id;
    return created.ok() ? *created : u;
  }
  TopicDraft Draft() {
    TopicDraft d;
    d.org_code = "150203010008";
    d.title = "是否加装电梯";
    d.background = "3号楼居民提议加装电梯，费用按楼层分摊。";
    d.options = {"同意", "不同意"};
    d.closes_at = clock_.Now() + 7 * kDay;
    return d;
  }

  std::filesystem::path dir_;
  ManualClock clock_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<privacy::KeyRing> keys_;
  std::unique_ptr<forms::Dictionary> dict_;
  std::unique_ptr<base::Service> base_;
  std::unique_ptr<Service> service_;
};

TEST_F(DeliberationTest, VerificationNeedsTheIdNumberAndTheName) {
  std::string id;
  const auto u = Resident("王秀英", "150203010008001", 11, &id);
  EXPECT_EQ(service_->Verification(u).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(service_->Verify(u, id, "王秀").error().code, ErrorCode::kNotFound) << "wrong name";
  const std::string bad_check = id.substr(0, 17) + (id[17] == '0' ? '1' : '0');
  EXPECT_EQ(service_->Verify(u, bad_check, "王秀英").error().code, ErrorCode::kInvalid) << "bad check digit";
  const std::string unknown = model::MakeResidentId("150203", Date{1961, 1, 2}, 12);
  EXPECT_EQ(service_->Verify(u, unknown, "王秀英").error().code, ErrorCode::kNotFound);
  auto link = service_->Verify(u, id, " 王秀英 ");
  ASSERT_TRUE(link.ok()) << link.error().message;
  EXPECT_EQ(link->grid_code, "150203010008001");
  // Another account cannot claim the same person; staff accounts are not verified.
  auto other = Resident("李四", "150203010008001", 13);
  EXPECT_EQ(service_->Verify(other, id, "王秀英").error().code, ErrorCode::kConflict);
  model::User staff = other;
  staff.role = Role::kStaff;
  EXPECT_EQ(service_->Verify(staff, id, "王秀英").error().code, ErrorCode::kForbidden);
  Service without(*store_, clock_, nullptr);
  EXPECT_EQ(without.Verify(other, id, "王秀英").error().code, ErrorCode::kUnavailable);
}

TEST_F(DeliberationTest, OneVotePerVerifiedResidentOfTheAreaInTheWindow) {
  std::string id_a, id_b, id_c;
  const auto a = Resident("甲", "150203010008001", 21, &id_a);
  const auto b = Resident("乙", "150203010008001", 22, &id_b);
  const auto far = Resident("丙", "150203010009001", 23, &id_c);
  const auto unverified = Resident("丁", "150203010008001", 24);
  ASSERT_TRUE(service_->Verify(a, id_a, "甲").ok());
  ASSERT_TRUE(service_->Verify(b, id_b, "乙").ok());
  ASSERT_TRUE(service_->Verify(far, id_c, "丙").ok());

  const auto scope = model::Scope::Subtree("150203010008");
  TopicDraft d = Draft();
  d.opens_at = clock_.Now() + kDay;
  auto topic = service_->Open(scope, 7, d);
  ASSERT_TRUE(topic.ok()) << topic.error().message;
  auto view = service_->View(topic->id, &a);
  ASSERT_TRUE(view.ok());
  EXPECT_EQ(view->state, "upcoming");
  EXPECT_EQ(view->standing, Standing::kEligible);
  const auto yes = view->options[0].id, no = view->options[1].id;
  EXPECT_EQ(service_->Vote(a, topic->id, yes).error().code, ErrorCode::kConflict) << "not open yet";

  clock_.Advance(kDay);
  ASSERT_TRUE(service_->Vote(a, topic->id, yes).ok());
  EXPECT_EQ(service_->Vote(a, topic->id, no).error().code, ErrorCode::kConflict) << "second vote";
  EXPECT_EQ(service_->Vote(unverified, topic->id, yes).error().code, ErrorCode::kForbidden);
  EXPECT_EQ(service_->Vote(far, topic->id, yes).error().code, ErrorCode::kForbidden) << "outside the area";
  model::User staff = a;
  staff.role = Role::kStaff;
  EXPECT_EQ(service_->Vote(staff, topic->id, yes).error().code, ErrorCode::kForbidden);
  EXPECT_EQ(service_->Vote(b, topic->id, 999999).error().code, ErrorCode::kNotFound);
  ASSERT_TRUE(service_->Vote(b, topic->id, no).ok());

  view = service_->View(topic->id, &a);
  EXPECT_EQ(view->state, "open");
  EXPECT_EQ(view->standing, Standing::kVoted);
  EXPECT_EQ(view->my_vote, yes);
  EXPECT_EQ(view->options[0].votes, 1);
  EXPECT_EQ(view->options[1].votes, 1);
  EXPECT_EQ(service_->View(topic->id, &far)->standing, Standing::kOutside);
  EXPECT_EQ(service_->View(topic->id, &unverified)->standing, Standing::kUnverified);
  EXPECT_EQ(service_->View(topic->id, &unverified)->my_vote, 0) << "never another's vote";
  // Unverified accounts read and comment.
  EXPECT_TRUE(service_->Comment(unverified, topic->id, "支持，但费用要公开").ok());

  clock_.Advance(7 * kDay);
  const auto late = Resident("戊", "150203010008001", 25);
  EXPECT_EQ(service_->Vote(b, topic->id, yes).error().code, ErrorCode::kConflict);
  EXPECT_EQ(service_->View(topic->id, nullptr)->state, "closed");
  EXPECT_EQ(service_->Vote(late, topic->id, yes).error().code, ErrorCode::kConflict)
      << "closed, also for a verified resident who has not voted";
  EXPECT_EQ(service_->View(topic->id, nullptr)->topic.votes, 2) << "final";
}

TEST_F(DeliberationTest, TopicsAreValidated) {
  const auto scope = model::Scope::Subtree("150203010008");
  auto expect = [&](TopicDraft d, ErrorCode code, const std::string& field) {
    auto r = service_->Open(scope, 7, d);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, code);
    EXPECT_NE(r.error().message.find(field), std::string::npos) << r.error().message;
  };
  TopicDraft d = Draft();
  d.title = "   ";
  expect(d, ErrorCode::kInvalid, "title");
  d = Draft();
  d.options = {"同意"};
  expect(d, ErrorCode::kInvalid, "options");
  d = Draft();
  d.options = {"同意", " 同意"};
  expect(d, ErrorCode::kInvalid, "twice");
  d = Draft();
  d.mode = "poll";
  expect(d, ErrorCode::kInvalid, "mode");
  d = Draft();
  d.closes_at = clock_.Now() - 1;
  expect(d, ErrorCode::kInvalid, "closes_at");
  d = Draft();
  d.closes_at = clock_.Now() + 100 * kDay;
  expect(d, ErrorCode::kInvalid, "closes_at");
  d = Draft();
  d.org_code = "150203010009";
  expect(d, ErrorCode::kNotFound, "org unit");
  d = Draft();
  d.org_code = "150203";
  auto wide = service_->Open(model::Scope::Subtree("150203"), 7, d);
  ASSERT_FALSE(wide.ok());
  EXPECT_NE(wide.error().message.find("org_code"), std::string::npos);
  d = Draft();
  d.title = "<script>alert(1)</script>加装电梯";
  auto stored = service_->Open(scope, 7, d);
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->title, "<script>alert(1)</script>加装电梯") << "stored as text; pages escape it";
}

TEST_F(DeliberationTest, ProposalsModerationAndMeetings) {
  std::string id;
  const auto a = Resident("甲", "150203010008001", 31, &id);
  ASSERT_TRUE(service_->Verify(a, id, "甲").ok());
  const auto b = Resident("乙", "150203010008001", 32);
  const auto scope = model::Scope::Subtree("150203010008");
  TopicDraft d = Draft();
  d.mode = "proposals";
  d.options = {};
  auto topic = service_->Open(scope, 7, d);
  ASSERT_TRUE(topic.ok()) << topic.error().message;
  auto p = service_->Propose(a, topic->id, "电梯费用按楼层分摊");
  ASSERT_TRUE(p.ok()) << p.error().message;
  EXPECT_EQ(service_->Propose(b, topic->id, "不装").error().code, ErrorCode::kForbidden) << "unverified";
  ASSERT_TRUE(service_->Vote(a, topic->id, p->id).ok());

  auto c = service_->Comment(b, topic->id, "广告：低价装修");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(service_->Hide(scope, 7, topic->id, c->id, "广").error().code, ErrorCode::kInvalid);
  EXPECT_EQ(service_->Hide(model::Scope::Subtree("150203010009"), 7, topic->id, c->id, "广告内容").error().code,
            ErrorCode::kNotFound);
  ASSERT_TRUE(service_->Hide(scope, 7, topic->id, c->id, "广告内容，与议题无关").ok());
  EXPECT_EQ(service_->Comments(topic->id, false, {})->total, 0);
  auto audit = store_->ListAudit(0, 100);
  ASSERT_TRUE(audit.ok());
  ASSERT_FALSE(audit->empty());
  EXPECT_EQ(audit->back().action, "hide_comment");
  EXPECT_EQ(audit->back().reason, "广告内容，与议题无关");

  MeetingDraft m{clock_.Now() - 3600'000, "金华社区议事厅", "王主任\n居民代表甲", "讨论加装电梯", "同意加装，费用按楼层分摊"};
  auto meeting = service_->RecordMeeting(scope, 7, topic->id, m);
  ASSERT_TRUE(meeting.ok()) << meeting.error().message;
  m.held_at = clock_.Now() + kDay;
  EXPECT_EQ(service_->RecordMeeting(scope, 7, topic->id, m).error().code, ErrorCode::kInvalid);
  m.held_at = clock_.Now();
  m.decision = "";
  EXPECT_EQ(service_->RecordMeeting(scope, 7, topic->id, m).error().code, ErrorCode::kInvalid);
  EXPECT_EQ(service_->View(topic->id, nullptr)->meetings.size(), 1u);
}

}  // namespace
}  // namespace cg::deliberation
