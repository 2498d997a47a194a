// The notice service over a real SQLite store: validation, speech, station tokens, playlists,
// acknowledgements and delivery states (the store's own contract runs on both backends).
#include "notices/service.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <random>

#include "broadcast/speech.hpp"

namespace cg::notices {
namespace {

model::OrgUnit Unit(std::string code, model::OrgKind kind, std::string parent) {
  model::OrgUnit u;
  u.code = std::move(code);
  u.kind = kind;
  u.name = "单位" + u.code;
  u.parent_code = std::move(parent);
  return u;
}

class NoticeServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("cg_notices_" + std::to_string(std::random_device{}()));
    std::filesystem::create_directories(dir_);
    auto s = store::Store::Open("sqlite://" + (dir_ / "t.db").string());
    ASSERT_TRUE(s.ok()) << s.error().message;
    store_ = std::move(s).value();
    ASSERT_TRUE(store_->Migrate().ok());
    ASSERT_TRUE(store_->UpsertOrgUnits({Unit("1502", model::OrgKind::kCity, ""),
                                        Unit("150203", model::OrgKind::kDistrict, "1502"),
                                        Unit("150203010", model::OrgKind::kStreet, "150203"),
                                        Unit("150203010008", model::OrgKind::kCommunity, "150203010"),
                                        Unit("150203010009", model::OrgKind::kCommunity, "150203010")})
                    .ok());
    service_ = std::make_unique<Service>(*store_, clock_);
  }
  void TearDown() override {
    service_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  Draft Text(std::string title, std::string body) {
    Draft d;
    d.scope_code = "150203010";
    d.title = std::move(title);
    d.body = std::move(body);
    d.category = "policy";
    return d;
  }
  NewStation Station(std::string org) {
    return {std::move(org), "长胜之声一号站", "社区广场东侧", 109.8312, 40.6571, "07:00,12:00,18:30"};
  }

  std::filesystem::path dir_;
  ManualClock clock_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<Service> service_;
};

TEST_F(NoticeServiceTest, BadDraftsAreRefusedNamingTheField) {
  const auto scope = model::Scope::Subtree("150203010");
  struct Case {
    Draft draft;
    std::string field;
  };
  std::vector<Case> cases;
  cases.push_back({Text("", "内容"), "title"});
  cases.push_back({Text("   \t", "内容"), "title"});
  cases.push_back({Text(std::string(101 * 3, 'x'), "内容"), "title"});
  cases.push_back({Text("标题", ""), "body"});
  cases.push_back({Text("标题", std::string("\xff\xfe", 2)), "body"});
  cases.push_back({Text("标题", std::string(4001, 'a')), "body"});
  Draft bad_category = Text("标题", "内容");
  bad_category.category = "gossip";
  cases.push_back({bad_category, "category"});
  Draft no_scope = Text("标题", "内容");
  no_scope.scope_code = "";
  cases.push_back({no_scope, "scope_code"});
  Draft urgent_text = Text("标题", "内容");
  urgent_text.urgent = true;
  cases.push_back({urgent_text, "urgent"});
  Draft hours = Text("标题", "内容");
  hours.play_within_hours = 169;
  cases.push_back({hours, "play_within_hours"});
  Draft long_speech = Text("标题", std::string(2000, 'a'));
  long_speech.loudspeaker = true;
  cases.push_back({long_speech, "body"});
  for (const auto& c : cases) {
    auto r = service_->Publish(scope, 1, c.draft);
    ASSERT_FALSE(r.ok()) << c.field;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalid) << c.field;
    EXPECT_TRUE(r.error().message.starts_with(c.field + ":")) << r.error().message;
  }
  Draft outside = Text("标题", "内容");
  outside.scope_code = "150203010";
  EXPECT_EQ(service_->Publish(model::Scope::Subtree("150203010008"), 1, outside).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store_->ListNotices(model::Scope::System(), "150203010", false, {50, 0})->total, 0) << "nothing written";
  // Control characters become spaces, the text is trimmed; markup stays text.
  auto ok = service_->Publish(scope, 1, Text("  停水\x07通知 ", "明天 <b>8:00</b>\r\n停水"));
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  EXPECT_EQ(ok->title, "停水 通知");
  EXPECT_EQ(ok->body, "明天 <b>8:00</b>\n停水");
  EXPECT_EQ(ok->audio_ms, 0);
}

TEST_F(NoticeServiceTest, StationsFetchUrgentFirstAcknowledgeAndStaffSeeEachState) {
  const auto street = model::Scope::Subtree("150203010");
  // Station registration: validated, token shown once, only its hash stored.
  auto bad = Station("150203010008");
  bad.schedule = "18:30,07:00";
  EXPECT_EQ(service_->RegisterStation(street, bad).error().code, ErrorCode::kInvalid);
  bad = Station("150203010008");
  bad.lon = 2.35;
  EXPECT_EQ(service_->RegisterStation(street, bad).error().code, ErrorCode::kInvalid);
  EXPECT_EQ(service_->RegisterStation(model::Scope::Subtree("150203010009"), Station("150203010008")).error().code,
            ErrorCode::kNotFound);
  auto one = service_->RegisterStation(street, Station("150203010008"));
  ASSERT_TRUE(one.ok()) << one.error().message;
  auto two = service_->RegisterStation(street, Station("150203010009"));
  ASSERT_TRUE(two.ok());
  EXPECT_TRUE(one->token.starts_with("cgst_"));
  EXPECT_NE(one->token, two->token);
  EXPECT_TRUE(service_->Authenticate(one->station.id, one->token).ok());
  EXPECT_EQ(service_->Authenticate(one->station.id, two->token).error().code, ErrorCode::kUnauthenticated);
  EXPECT_EQ(service_->Authenticate(one->station.id, "cgst_guess").error().code, ErrorCode::kUnauthenticated);
  EXPECT_EQ(service_->Authenticate(one->station.id, "").error().code, ErrorCode::kUnauthenticated);

  // A loudspeaker notice: real speech, its length recorded.
  Draft loud = Text("防汛通知", "今晚有大雨，请低洼地区居民注意安全。");
  loud.loudspeaker = true;
  loud.category = "weather";
  loud.play_within_hours = 2;
  auto rain = service_->Publish(street, 5, loud);
  ASSERT_TRUE(rain.ok()) << rain.error().message;
  clock_.Advance(60'000);
  Draft alarm = Text("燃气泄漏", "金华社区3号楼燃气泄漏，请立即撤离。");
  alarm.scope_code = "150203010008";
  alarm.loudspeaker = true;
  alarm.urgent = true;
  alarm.category = "safety";
  auto gas = service_->Publish(street, 5, alarm);
  ASSERT_TRUE(gas.ok()) << gas.error().message;
  auto audio = service_->StationAudio(one->station, rain->id);
  ASSERT_TRUE(audio.ok()) << audio.error().message;
  EXPECT_EQ(audio->first, "audio/ogg");
  auto stats = broadcast::Analyze(audio->second);
  ASSERT_TRUE(stats.ok()) << stats.error().message;
  EXPECT_NEAR(stats->duration_s * 1000, static_cast<double>(rain->audio_ms), 50);
  EXPECT_GT(stats->duration_s, 3.0);
  EXPECT_GT(stats->rms, 0.01) << "not silence";
  EXPECT_EQ(service_->StationAudio(two->station, gas->id).error().code, ErrorCode::kNotFound)
      << "community nine never got the gas alarm";

  auto list = service_->Playlist(one->station);
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].id, gas->id) << "urgent first";
  EXPECT_EQ(service_->Acknowledge(one->station, gas->id, clock_.Now() + 3'600'000).error().code, ErrorCode::kInvalid);
  auto played = service_->Acknowledge(one->station, gas->id, 0);
  ASSERT_TRUE(played.ok());
  EXPECT_EQ(played->played_at, clock_.Now());
  EXPECT_EQ(service_->Acknowledge(two->station, gas->id, 0).error().code, ErrorCode::kNotFound);

  // States: the gas alarm played at one; the rain notice pending at both, then missed.
  auto gas_d = service_->Deliveries(street, gas->id);
  ASSERT_TRUE(gas_d.ok());
  ASSERT_EQ(gas_d->size(), 1u);
  EXPECT_EQ((*gas_d)[0].state, "played");
  auto rain_d = service_->Deliveries(street, rain->id);
  ASSERT_EQ(rain_d->size(), 2u);
  EXPECT_EQ((*rain_d)[0].state, "pending");
  ASSERT_TRUE(service_->Acknowledge(two->station, rain->id, 0).ok());
  clock_.Advance(2 * 3'600'000);
  rain_d = service_->Deliveries(street, rain->id);
  EXPECT_EQ((*rain_d)[0].state, "missed");
  EXPECT_EQ((*rain_d)[1].state, "played");
  EXPECT_TRUE(service_->Playlist(one->station)->empty()) << "missed notices are not served late";
  // A withdrawn notice's unplayed copies show as withdrawn.
  Draft later = Text("停电通知", "周六停电。");
  later.loudspeaker = true;
  auto power = service_->Publish(street, 5, later);
  ASSERT_TRUE(power.ok());
  ASSERT_TRUE(store_->WithdrawNotice(street, power->id, "改期", clock_.Now()).ok());
  EXPECT_EQ((*service_->Deliveries(street, power->id))[0].state, "withdrawn");
  EXPECT_EQ(service_->Deliveries(model::Scope::Subtree("150204"), power->id).error().code, ErrorCode::kNotFound);
}

TEST(CheckSchedule, AcceptsAscendingTimesOnly) {
  EXPECT_EQ(CheckSchedule("07:00"), "");
  EXPECT_EQ(CheckSchedule("07:00,12:00,18:30"), "");
  for (const char* bad : {"", "7:00", "07:00,", ",07:00", "24:00", "07:60", "12:00,07:00", "07:00,07:00",
                          "07:00;12:00", "0a:00", "00:00,01:00,02:00,03:00,04:00,05:00,06:00,07:00,08:00,09:00,"
                                                  "10:00,11:00,12:00"}) {
    EXPECT_NE(CheckSchedule(bad), "") << bad;
  }
}

}  // namespace
}  // namespace cg::notices
