#include "cases/case_type.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "model/id_number.hpp"

#include <filesystem>
#include <fstream>
#include <unistd.h>

#include "cases/internal/toml_util.hpp"
#include "cases/test_util.hpp"

namespace cg::cases {
namespace {

// A small valid type; tests break one thing at a time by string replacement.
const char* kMinimal = R"(code = "mini"
name = "小"
name_en = "Mini"
initial_state = "open"

[create]
roles = ["resident"]

[[fields]]
code = "text"
name = "内容"
name_en = "Text"
type = "text"
required = true
max_length = 5

[[states]]
code = "open"
name = "开"
name_en = "Open"
deadline_hours = 4

[[states]]
code = "done"
name = "完"
name_en = "Done"
terminal = true

[[transitions]]
code = "finish"
name = "完成"
name_en = "Finish"
from = ["open"]
to = "done"
allow = [{ role = "staff", relation = "handling_unit" }]
)";

std::string Replace(std::string text, const std::string& from, const std::string& to) {
  auto pos = text.find(from);
  EXPECT_NE(pos, std::string::npos) << from;
  if (pos != std::string::npos) text.replace(pos, from.size(), to);
  return text;
}

// Parses `text` and expects kInvalid with every piece of `parts` in the message.
void ExpectInvalid(const std::string& text, std::initializer_list<std::string> parts) {
  auto r = ParseCaseType(text, "broken.toml");
  ASSERT_FALSE(r.ok()) << "expected an error containing " << *parts.begin();
  EXPECT_EQ(r.error().code, ErrorCode::kInvalid);
  for (const auto& p : parts) EXPECT_NE(r.error().message.find(p), std::string::npos) << r.error().message;
}

TEST(CaseTypeTest, MinimalTypeParses) {
  auto r = ParseCaseType(kMinimal, "mini.toml");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->code, "mini");
  ASSERT_NE(r->FindState("open"), nullptr);
  EXPECT_EQ(r->FindState("open")->deadline->amount, 4);
  EXPECT_TRUE(r->FindState("done")->terminal);
  EXPECT_EQ(r->FindState("done")->public_status, PublicStatus::kClosed);
  EXPECT_EQ(r->overdue.ceiling_level, 1);
}

TEST(CaseTypeTest, EveryShippedTypeLoads) {
  auto registry = CaseTypeRegistry::LoadDirectory(test::DataDir("case-types"));
  ASSERT_TRUE(registry.ok()) << registry.error().message;
  auto all = registry->All();
  ASSERT_EQ(all.size(), 5u);
  EXPECT_EQ(all[0]->code, "complaint");
  EXPECT_EQ(all[1]->code, "mediation");
  EXPECT_EQ(all[2]->code, "public_qa");
  EXPECT_EQ(all[3]->code, "snap_report");
  EXPECT_EQ(all[4]->code, "welfare_check");

  const CaseType* welfare = registry->Find("welfare_check");
  ASSERT_NE(welfare, nullptr);
  EXPECT_EQ(welfare->FindState("reported")->deadline->unit, Deadline::Unit::kCalendarHours);
  EXPECT_EQ(welfare->FindState("reported")->deadline->amount, 2);
  EXPECT_NE(std::find(welfare->create_roles.begin(), welfare->create_roles.end(), model::Role::kReporter),
            welfare->create_roles.end());
  EXPECT_NE(welfare->FindCategory("urgent"), nullptr);
  EXPECT_NE(welfare->FindCategory("overdue"), nullptr);

  const CaseType* mediation = registry->Find("mediation");
  ASSERT_NE(mediation, nullptr);
  EXPECT_EQ(mediation->FindState("agreed")->deadline->unit, Deadline::Unit::kCalendarDays);
  EXPECT_EQ(mediation->FindTransition("apply_confirmation")->window, TransitionSpec::Window::kBeforeDeadline);
  EXPECT_TRUE(mediation->FindTransition("mark_complex")->escalate);
  EXPECT_EQ(mediation->overdue.ceiling_level, 1);

  const CaseType* complaint = registry->Find("complaint");
  ASSERT_NE(complaint, nullptr);
  EXPECT_EQ(complaint->handling_unit_field, "session_unit_code");
  EXPECT_EQ(complaint->FindCategory("safety")->deadline_days, 5);
  EXPECT_EQ(complaint->FindCategory("parking")->deadline_days, 15);
  EXPECT_FALSE(complaint->overdue.escalate);

  const CaseType* snap = registry->Find("snap_report");
  ASSERT_NE(snap, nullptr);
  EXPECT_EQ(snap->label.zh, "随手拍");
  for (const char* c : {"road_damage", "street_light", "garbage", "illegal_parking", "noise", "greenery",
                        "water_drainage", "illegal_construction", "stray_animals", "other"}) {
    EXPECT_NE(snap->FindCategory(c), nullptr) << c;
  }
  EXPECT_EQ(snap->FindCategory("road_damage")->label.zh, "道路破损");
  EXPECT_EQ(snap->FindCategory("street_light")->label.zh, "路灯");
  EXPECT_EQ(snap->FindCategory("garbage")->label.zh, "垃圾");
  // The GB/T 30428 loop is all there.
  for (const char* t : {"file", "dispatch", "sign", "feedback", "verify", "close", "evaluate", "reject", "return",
                        "reopen", "verify_fail", "withdraw"}) {
    EXPECT_NE(snap->FindTransition(t), nullptr) << t;
  }
  EXPECT_TRUE(snap->create_anonymous);

  const CaseType* qa = registry->Find("public_qa");
  ASSERT_NE(qa, nullptr);
  EXPECT_EQ(qa->handling_unit_field, "official_unit_code");
  EXPECT_EQ(qa->FindState("accepted")->deadline->anchor, Deadline::Anchor::kCaseOpened);
  EXPECT_EQ(qa->FindState("answered")->public_status, PublicStatus::kClosed);
  EXPECT_FALSE(qa->create_anonymous);
  EXPECT_EQ(registry->Find("nope"), nullptr);
}

TEST(CaseTypeTest, ExampleInDocsParses) {
  auto doc = internal::ReadFile(std::string(CITYGRID_SOURCE_DIR) + "/docs/cases.md");
  ASSERT_TRUE(doc.ok()) << doc.error().message;
  auto begin = doc->find("```toml\ncode = \"pothole_lite\"");
  ASSERT_NE(begin, std::string::npos);
  begin += 8;
  auto end = doc->find("```", begin);
  auto r = ParseCaseType(doc->substr(begin, end - begin), "docs/cases.md");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->FindTransition("finish")->permissions.size(), 2u);
}

TEST(CaseTypeTest, UnknownStateInTransition) {
  ExpectInvalid(Replace(kMinimal, "to = \"done\"", "to = \"finished\""),
                {"broken.toml:29", "transition 'finish'", "unknown state 'finished'"});
  ExpectInvalid(Replace(kMinimal, "from = [\"open\"]", "from = [\"opened\"]"),
                {"broken.toml:29", "unknown state 'opened' in 'from'"});
}

TEST(CaseTypeTest, UnreachableState) {
  std::string text = std::string(kMinimal) + R"(
[[states]]
code = "limbo"
name = "悬"
name_en = "Limbo"

[[transitions]]
code = "leave_limbo"
name = "离开"
name_en = "Leave"
from = ["limbo"]
to = "done"
allow = [{ role = "staff", relation = "handling_unit" }]
)";
  ExpectInvalid(text, {"broken.toml", "state 'limbo' is unreachable from the initial state 'open'"});
}

TEST(CaseTypeTest, DeadEndState) {
  std::string text = std::string(kMinimal) + R"(
[[transitions]]
code = "park"
name = "搁置"
name_en = "Park"
from = ["open"]
to = "stuck"
allow = [{ role = "staff", relation = "handling_unit" }]

[[states]]
code = "stuck"
name = "卡"
name_en = "Stuck"
)";
  ExpectInvalid(text, {"state 'stuck' cannot reach any terminal state"});
}

TEST(CaseTypeTest, NoTerminalState) {
  std::string text = Replace(kMinimal, "terminal = true\n", "");
  text = Replace(text, "to = \"done\"", "to = \"open\"");
  ExpectInvalid(text, {"broken.toml", "case type 'mini' has no terminal state"});
}

TEST(CaseTypeTest, UnknownRoleRelationAndRecipient) {
  ExpectInvalid(Replace(kMinimal, "role = \"staff\"", "role = \"mayor\""),
                {"broken.toml:35", "transition 'finish'", "unknown role 'mayor'"});
  ExpectInvalid(Replace(kMinimal, "relation = \"handling_unit\"", "relation = \"neighbour\""),
                {"broken.toml:35", "unknown relation 'neighbour'"});
  ExpectInvalid(Replace(kMinimal, "roles = [\"resident\"]", "roles = [\"citizen\"]"),
                {"broken.toml:7", "[create]: unknown role 'citizen'"});
  ExpectInvalid(std::string(kMinimal) + "notify = [\"mayor\"]\n", {"unknown recipient 'mayor'"});
}

TEST(CaseTypeTest, DuplicateCodes) {
  std::string dup_state = std::string(kMinimal) + "\n[[states]]\ncode = \"done\"\nname = \"x\"\nname_en = \"x\"\n";
  ExpectInvalid(dup_state, {"broken.toml:37", "duplicate state code 'done'"});
  std::string dup_transition = std::string(kMinimal) +
                               "\n[[transitions]]\ncode = \"finish\"\nname = \"x\"\nname_en = \"x\"\nfrom = [\"open\"]\n"
                               "to = \"done\"\nallow = [{ role = \"staff\", relation = \"handling_unit\" }]\n";
  ExpectInvalid(dup_transition, {"duplicate transition code 'finish'"});

  // Two files with the same type code.
  auto dir = std::filesystem::temp_directory_path() / ("cg-cases-dup-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "a.toml") << kMinimal;
  std::ofstream(dir / "b.toml") << kMinimal;
  std::ofstream(dir / "routing.toml") << "this is skipped = [";
  auto r = CaseTypeRegistry::LoadDirectory(dir.string());
  std::filesystem::remove_all(dir);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("b.toml: case type code 'mini' is already defined in"), std::string::npos)
      << r.error().message;
  EXPECT_NE(r.error().message.find("a.toml"), std::string::npos);
}

TEST(CaseTypeTest, OtherStrictChecks) {
  ExpectInvalid(std::string(kMinimal) + "colour = \"red\"\n", {"unknown key 'colour'"});
  ExpectInvalid(Replace(kMinimal, "initial_state = \"open\"", "initial_state = \"done\""),
                {"the initial state must not be terminal"});
  ExpectInvalid(Replace(kMinimal, "type = \"text\"", "type = \"enum\""), {"an enum field needs 'values'"});
  ExpectInvalid(Replace(kMinimal, "type = \"text\"", "type = \"blob\""), {"broken.toml:13", "unknown type 'blob'"});
  ExpectInvalid(Replace(kMinimal, "deadline_hours = 4", "deadline_hours = 4\ndeadline_days = 1"), {"give one of"});
  ExpectInvalid(Replace(kMinimal, "deadline_hours = 4", "deadline_calendar_days = 0"),
                {"'deadline_calendar_days' must be an integer in [1, 3660]"});
  ExpectInvalid(Replace(kMinimal, "deadline_hours = 4", "deadline_calendar_hours = -1"),
                {"'deadline_calendar_hours' must be a positive number"});
  ExpectInvalid(Replace(kMinimal, "deadline_hours = 4", "deadline_hours = 4\ndeadline_calendar_hours = 2"),
                {"give one of"});
  ExpectInvalid(std::string(kMinimal) + "window = \"later\"\n", {"'window' must be"});
  ExpectInvalid(Replace(kMinimal, "deadline_hours = 4", "") + "window = \"before_deadline\"\n",
                {"a 'window' needs a deadline on state 'open'"});
  ExpectInvalid(std::string(kMinimal) + "\n[[transitions.inputs]]\ncode = \"tel\"\nname = \"t\"\nname_en = \"t\"\ntype = \"phone\"\n",
                {"an input cannot be of type phone"});
  ExpectInvalid(Replace(kMinimal, "required = true\nmax_length = 5", "required_if = \"nope=1\""),
                {"'required_if' names unknown field 'nope'"});
  ExpectInvalid(Replace(kMinimal, "required = true\nmax_length = 5", "required_if = \"nope\""),
                {"'required_if' must be"});
  ExpectInvalid(Replace(kMinimal, "type = \"text\"", "type = \"bool\"\nmust_be = \"yes\""),
                {"'must_be' is not a valid value"});
  ExpectInvalid(Replace(kMinimal, "terminal = true", "terminal = true\ndeadline_days = 1"),
                {"a terminal state cannot have a deadline"});
  ExpectInvalid(Replace(kMinimal, "roles = [\"resident\"]", "roles = []"), {"nobody may create it"});
  ExpectInvalid(std::string(kMinimal) + "\n[overdue]\nceiling = \"grid\"\n", {"'ceiling' must be"});
  ExpectInvalid(Replace(kMinimal, "code = \"mini\"", "code = \"Mini Type\""), {"code must be [a-z0-9_]+"});
  ExpectInvalid(Replace(kMinimal, "from = [\"open\"]", "from = [\"done\"]"), {"leaves terminal state 'done'"});
  ExpectInvalid(std::string(kMinimal) + "set_assignee = \"somebody\"\n", {"'set_assignee' must be"});
  ExpectInvalid(std::string(kMinimal) + "\n[[transitions.inputs]]\ncode = \"note\"\nname = \"n\"\nname_en = \"n\"\n",
                {"'note' is reserved"});
  ExpectInvalid("code = \"x\"\nname = [\n", {"broken.toml:2", "TOML syntax error"});
  ExpectInvalid(std::string(kMinimal) + "\n[[categories]]\ncode = \"c\"\nname = \"c\"\nname_en = \"c\"\ndeadline_days = 0\n",
                {"category 'c': 'deadline_days' must be an integer in [1, 365]"});
}

TEST(CaseTypeTest, FieldValidation) {
  FieldSpec text{"title", {}, FieldType::kString, true, 5, {}};
  EXPECT_TRUE(ValidateField(text, "路灯不亮了").ok());  // 5 characters, 15 bytes
  EXPECT_FALSE(ValidateField(text, "路灯一直不亮").ok());
  EXPECT_FALSE(ValidateField(text, "").ok());
  EXPECT_FALSE(ValidateField(text, "a\nb").ok());
  EXPECT_FALSE(ValidateField(text, std::string("\xff\xfe")).ok());
  FieldSpec rating{"rating", {}, FieldType::kEnum, false, 0, {"good", "bad"}};
  EXPECT_TRUE(ValidateField(rating, "good").ok());
  EXPECT_TRUE(ValidateField(rating, "").ok());
  Status s = ValidateField(rating, "meh");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().message, "field 'rating': 'meh' is not one of the allowed values");
  FieldSpec point{"location", {}, FieldType::kPoint, true, 0, {}};
  EXPECT_TRUE(ValidateField(point, "109.84,40.65").ok());
  EXPECT_FALSE(ValidateField(point, "200,40").ok());
  EXPECT_FALSE(ValidateField(point, "109.84").ok());
  FieldSpec org{"unit", {}, FieldType::kOrgCode, true, 0, {}};
  EXPECT_TRUE(ValidateField(org, "150203").ok());
  EXPECT_FALSE(ValidateField(org, "15020").ok());
  FieldSpec user{"user", {}, FieldType::kUserId, true, 0, {}};
  EXPECT_TRUE(ValidateField(user, "42").ok());
  EXPECT_FALSE(ValidateField(user, "-1").ok());
  FieldSpec number{"n", {}, FieldType::kNumber, true, 0, {}};
  EXPECT_TRUE(ValidateField(number, "1.5").ok());
  EXPECT_FALSE(ValidateField(number, "1.5x").ok());
  FieldSpec date{"d", {}, FieldType::kDate, true, 0, {}};
  EXPECT_TRUE(ValidateField(date, "2026-10-01").ok());
  EXPECT_FALSE(ValidateField(date, "2026-13-01").ok());

  FieldSpec id{"id", {"身份证号", "ID"}, FieldType::kIdNumber, false, 0, {}};
  const std::string good_id = model::MakeResidentId("150203", {1958, 3, 9}, 17);
  EXPECT_TRUE(ValidateField(id, good_id).ok());
  std::string bad_id = good_id;
  bad_id[17] = bad_id[17] == '0' ? '1' : '0';
  s = ValidateField(id, bad_id);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("field 'id'"), std::string::npos) << s.error().message;
  EXPECT_NE(s.error().message.find("check"), std::string::npos) << s.error().message;
  EXPECT_TRUE(IsSealed(FieldType::kIdNumber));
  EXPECT_TRUE(IsSealed(FieldType::kPhone));
  EXPECT_FALSE(IsSealed(FieldType::kString));
  FieldSpec consent{"consent", {"同意调解", "Consents"}, FieldType::kBool, true, 0, {}};
  consent.must_be = "true";
  EXPECT_TRUE(ValidateField(consent, "true").ok());
  s = ValidateField(consent, "false");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().message, "field 'consent': must be true (同意调解)");
  FieldSpec source{"source", {}, FieldType::kEnum, true, 0, {"resident", "police_referral"}};
  FieldSpec station{"station", {}, FieldType::kString, false, 0, {}};
  station.required_if = {"source", "police_referral"};
  EXPECT_TRUE(ValidateFields({source, station}, {{"source", "resident"}}, "field").ok());
  s = ValidateFields({source, station}, {{"source", "police_referral"}, {"station", ""}}, "field");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().message, "field 'station': required when source is police_referral");
  EXPECT_TRUE(ValidateFields({source, station}, {{"source", "police_referral"}, {"station", "少先路派出所"}}, "field").ok());

  std::vector<FieldSpec> specs{text, rating};
  EXPECT_TRUE(ValidateFields(specs, {{"title", "路灯"}}, "field").ok());
  s = ValidateFields(specs, {{"title", "路灯"}, {"colour", "red"}}, "field");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().message, "unknown field 'colour'");
  s = ValidateFields(specs, {}, "input");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().message, "input 'title': required");
}

}  // namespace
}  // namespace cg::cases
