// The welfare check's pure parts: a visit checked at the server's clock (offline window, clock
// skew, health values, texts, the idempotency key), care tags from the dictionary, the address
// line, days overdue and the fields of the cases it opens.
#include "welfare/service.hpp"

#include <filesystem>

#include <gtest/gtest.h>

namespace cg::welfare {
namespace {

constexpr Timestamp kNow = 1'790'000'000'000;
constexpr Timestamp kDay = 86'400'000;

model::User Rider() {
  model::User u;
  u.id = 42;
  u.role = model::Role::kReporter;
  u.scope_code = "150203010008";
  return u;
}

VisitInput Input() {
  VisitInput in;
  in.person_id = 7;
  in.health = "well";
  in.meal = true;
  in.need = "  想买一个助听器 ";
  in.idempotency_key = "v-20261207-01";
  return in;
}

TEST(WelfareServiceTest, CheckVisitCleansAndStamps) {
  auto v = CheckVisit(Input(), Rider(), kNow);
  ASSERT_TRUE(v.ok()) << v.error().message;
  EXPECT_EQ(v->visited_at, kNow);
  EXPECT_EQ(v->recorded_at, kNow);
  EXPECT_EQ(v->visitor_user_id, 42);
  EXPECT_EQ(v->visitor_role, "reporter");
  EXPECT_EQ(v->need, "想买一个助听器");
  EXPECT_TRUE(v->meal);
  EXPECT_FALSE(v->medicine);
  VisitInput offline = Input();
  offline.visited_at = kNow - 6 * kDay;
  EXPECT_EQ(CheckVisit(offline, Rider(), kNow)->visited_at, kNow - 6 * kDay);
}

TEST(WelfareServiceTest, CheckVisitRefusesBadInput) {
  auto expect = [](VisitInput in, const std::string& message) {
    auto v = CheckVisit(in, Rider(), kNow);
    ASSERT_FALSE(v.ok()) << message;
    EXPECT_EQ(v.error().code, ErrorCode::kInvalid);
    EXPECT_NE(v.error().message.find(message), std::string::npos) << v.error().message;
  };
  VisitInput in = Input();
  in.health = "fine";
  expect(in, "health: must be one of");
  in = Input();
  in.health = "";
  expect(in, "health");
  in = Input();
  in.person_id = 0;
  expect(in, "person_id");
  in = Input();
  in.need = std::string(kMaxNeedChars + 1, 'a');
  expect(in, "need");
  in = Input();
  in.note = "\xff\xfe not utf-8";
  expect(in, "note");
  in = Input();
  in.idempotency_key = "a b";
  expect(in, "idempotency_key");
  in.idempotency_key = std::string(65, 'a');
  expect(in, "idempotency_key");
  in = Input();
  in.visited_at = kNow + kMaxClockAheadMs + 1;
  expect(in, "visited_at: in the future");
  in.visited_at = kNow - kMaxVisitAgeMs - 1;
  expect(in, "visited_at: more than 7 days ago");
}

TEST(WelfareServiceTest, CareTagsAddressAndCaseFields) {
  auto dict = forms::Dictionary::LoadDirectory(std::filesystem::path(CITYGRID_SOURCE_DIR) / "data/elements");
  ASSERT_TRUE(dict.ok()) << dict.error().message;
  auto tags = CareTagsOf(*dict, {{"name", "王大爷"},
                                 {"person.elderly_living_alone", "true"},
                                 {"person.elderly_empty_nest", "false"}});
  ASSERT_EQ(tags.size(), 1u);
  EXPECT_EQ(tags[0], "person.elderly_living_alone");
  EXPECT_TRUE(CareTagsOf(*dict, {{"name", "x"}}).empty());

  EXPECT_EQ(AddressLine({{"road", "钢铁大街"}, {"number", "12"}, {"compound", "金华小区"}, {"building", "3"},
                         {"unit", "2"}, {"floor", "5"}, {"room", "501"}}),
            "钢铁大街 12号 金华小区 3栋 2单元 5层 501室");
  EXPECT_EQ(AddressLine({{"road", "钢铁大街"}, {"number", "12号"}}), "钢铁大街 12号");
  EXPECT_EQ(AddressLine({}), "");

  store::WelfareSubject s;
  s.person_id = 7;
  s.name = "王大爷";
  s.interval_days = 3;
  s.due_at = kNow;
  EXPECT_EQ(DaysOverdue(s, kNow), 0);
  EXPECT_EQ(DaysOverdue(s, kNow + 1), 1);
  EXPECT_EQ(DaysOverdue(s, kNow + 2 * kDay + 1), 3);
  auto overdue = OverdueCaseFields(s, kNow + kDay + 1);
  EXPECT_EQ(overdue.at("person_name"), "王大爷");
  EXPECT_EQ(overdue.at("days_overdue"), "2");
  EXPECT_NE(overdue.at("description").find("3 天"), std::string::npos);

  auto v = CheckVisit(Input(), Rider(), kNow);
  ASSERT_TRUE(v.ok());
  v->health = "urgent";
  auto urgent = UrgentCaseFields(s, *v);
  EXPECT_EQ(urgent.at("health"), "urgent");
  EXPECT_EQ(urgent.at("need"), "想买一个助听器");
  EXPECT_EQ(urgent.at("meal"), "true");
  EXPECT_EQ(urgent.count("description"), 0u);
}

}  // namespace
}  // namespace cg::welfare
