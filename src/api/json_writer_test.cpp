// JsonWriter and WriteCaseSummary: the hand-written queue JSON must say exactly what the
// nlohmann tree said (CaseJson without timeline and actions, through SafeJsonResponse).
#include "api/json_writer.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "api/case_json.hpp"
#include "api/json_body.hpp"

namespace cg::api {
namespace {

TEST(JsonWriter, EscapesLikeSafeJsonResponse) {
  const std::string hostile = std::string("a\"b\\c\b\f\n\r\t\x01\x1f\x7f <script>&amp; 中文 ") +
                              "\xF0\x9F\x98\x80";  // an emoji (4 bytes)
  JsonWriter w;
  w.BeginObject().Key("s").String(hostile).Key("n").Int(-42).Key("d").Double(109.80685);
  w.Key("b").Bool(true).Key("z").Null().Key("a").BeginArray().Int(1).String("x").BeginObject().EndObject();
  w.EndArray().EndObject();
  nlohmann::json tree = {{"s", hostile}, {"n", -42}, {"d", 109.80685}, {"b", true}, {"z", nullptr},
                         {"a", {1, "x", nlohmann::json::object()}}};
  EXPECT_EQ(nlohmann::json::parse(w.str()), tree);
  EXPECT_EQ(w.str().find('<'), std::string::npos);
  EXPECT_EQ(w.str().find('&'), std::string::npos);
  // Strings and numbers come out byte for byte as SafeJsonResponse writes them.
  std::string one;
  AppendSafeJsonString(one, hostile);
  EXPECT_EQ(one, SafeJsonResponse(nlohmann::json(hostile)).body);
  JsonWriter d;
  d.Double(0.1).Raw(",").Double(1e21).Raw(",").Double(40.0);
  EXPECT_EQ(d.str(), Dump(nlohmann::json(0.1)) + "," + Dump(nlohmann::json(1e21)) + "," + Dump(nlohmann::json(40.0)));
}

TEST(JsonWriter, ReplacesInvalidUtf8) {
  for (std::string bad : {std::string("x\xC0\xAFy"), std::string("\xED\xA0\x80"), std::string("\xFF"),
                          std::string("\xE4\xB8"), std::string("\xF4\x90\x80\x80")}) {
    std::string out;
    AppendSafeJsonString(out, bad);
    auto parsed = nlohmann::json::parse(out);  // throws if the output were not valid JSON/UTF-8
    EXPECT_NE(parsed.get<std::string>().find("\xEF\xBF\xBD"), std::string::npos) << out;
  }
}

TEST(JsonWriter, CaseSummaryIsCaseJsonWithoutTimelineAndActions) {
  store::CaseRecord r;
  r.c.id = "42";
  r.c.type = "snap_report";
  r.c.category = "garbage";
  r.c.state = "reported";
  r.c.grid_code = "150203010008001";
  r.c.handling_unit_code = "150203010008";
  r.c.reporter_user_id = 7;
  r.c.opened_at = 1'780'000'000'000;
  r.c.state_entered_at = r.c.opened_at + 1;
  r.c.due_at = r.c.opened_at + 3600'000;
  r.c.warn_at = r.c.opened_at + 2880'000;
  r.c.escalation_level = 1;
  r.c.breached = true;
  r.c.fields = {{"description", "<b>满了</b> & \"quoted\""}, {"contact_phone", "13900001111"}};
  r.c.timeline.push_back({r.c.opened_at, 7, "resident", "create", "", "reported", "150203010008", "", false});
  r.lon = 109.80685;
  r.lat = 40.77127;
  r.description = r.c.fields["description"];
  r.version = 3;
  r.public_id = "AbCdEf123456";
  r.terminal = false;
  r.public_open = true;
  store::PhotoInfo p;
  p.photo_id = "ph1";
  p.case_id = "42";
  p.mime = "image/jpeg";
  p.width = 640;
  p.height = 480;
  p.bytes = 1234;
  p.sha256 = std::string(64, 'a');
  p.gps_lat = 40.7;
  p.gps_lon = 109.8;
  for (bool with_photo : {false, true}) {
    r.photos.clear();
    r.first_photo_id.clear();
    if (with_photo) r.photos.push_back(p);
    if (with_photo) r.first_photo_id = p.photo_id;  // as a list read fills it
    for (bool assigned : {false, true}) {
      r.c.assignee_user_id.reset();
      if (assigned) r.c.assignee_user_id = 5;
      nlohmann::json want = CaseJson(r, nullptr, {"file"});
      want.erase("timeline");
      want.erase("actions");
      JsonWriter w;
      WriteCaseSummary(w, r, nullptr);
      EXPECT_EQ(w.str(), SafeJsonResponse(want).body) << "photo " << with_photo << " assigned " << assigned;
    }
  }
}

}  // namespace
}  // namespace cg::api
