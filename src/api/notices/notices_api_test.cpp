// Notices and loudspeaker stations over HTTP: staff publish, a station polls with its token,
// downloads real audio and acknowledges; staff see the play; the public page lists the notice
// without grid codes; every refusal is a clear 4xx that writes nothing.
#include <gtest/gtest.h>

#include "api/test_city.hpp"
#include "broadcast/speech.hpp"
#include "media/testing/test_images.hpp"

namespace cg::api {
namespace {

using testing::Multipart;
using testing::MultipartHeaders;
using testing::TestCity;
namespace ti = media::test_images;

nlohmann::json Json(const Response& r) { return nlohmann::json::parse(r.body, nullptr, false); }

TEST(NoticesApi, PublishPollPlayAndSeeTheDelivery) {
  TestCity city("notices_api");
  auto jin = city.LogIn("jin");      // staff of 金华社区
  auto alice = city.LogIn("alice");  // staff of the city
  auto ga = city.LogIn("ga");        // grid worker of 甲网格
  const nlohmann::json draft = {{"scope_code", "150203010008"}, {"title", "燃气检修通知"},
                                {"body", "明天上午九点到十一点检修燃气管道，请居民提前做好准备。"},
                                {"category", "safety"}, {"loudspeaker", true}, {"urgent", true}};
  // Refusals first: role, scope, fields.
  EXPECT_EQ(city.Call("POST", "/api/v1/notices", draft.dump(), ga.cookie, ga.csrf).status, 403);
  auto above = draft;
  above["scope_code"] = "150203010";
  EXPECT_EQ(city.Call("POST", "/api/v1/notices", above.dump(), jin.cookie, jin.csrf).status, 404);
  for (auto [field, value] : {std::pair{"category", nlohmann::json("rumour")}, std::pair{"title", nlohmann::json("")},
                              std::pair{"loudspeaker", nlohmann::json("yes")},
                              std::pair{"play_within_hours", nlohmann::json(1.5)},
                              std::pair{"play_within_hours", nlohmann::json(0)}}) {
    auto bad = draft;
    bad[field] = value;
    auto r = city.Call("POST", "/api/v1/notices", bad.dump(), jin.cookie, jin.csrf);
    EXPECT_EQ(r.status, 400) << field << ": " << r.body;
    EXPECT_NE(r.body.find(field), std::string::npos) << r.body;
  }
  EXPECT_EQ(city.Call("POST", "/api/v1/notices", "{not json", jin.cookie, jin.csrf).status, 400);
  EXPECT_EQ(Json(city.Call("GET", "/api/v1/notices", "", jin.cookie))["total"], 0) << "nothing was written";

  // Stations: one in 甲网格, one in 丙社区.
  const nlohmann::json station_a = {{"org_code", "150203010008001"}, {"name", "甲网格广播站"},
                                    {"location", "甲网格活动室门口"}, {"lon", 109.3}, {"lat", 41.0},
                                    {"schedule", "07:00,18:30"}};
  auto sa = city.Call("POST", "/api/v1/broadcast/stations", station_a.dump(), alice.cookie, alice.csrf);
  ASSERT_EQ(sa.status, 201) << sa.body;
  auto station_c = station_a;
  station_c["org_code"] = "150203010009001";
  station_c["name"] = "丙网格广播站";
  auto sc = city.Call("POST", "/api/v1/broadcast/stations", station_c.dump(), alice.cookie, alice.csrf);
  ASSERT_EQ(sc.status, 201);
  auto bad_station = station_a;
  bad_station["schedule"] = "25:00";
  EXPECT_EQ(city.Call("POST", "/api/v1/broadcast/stations", bad_station.dump(), alice.cookie, alice.csrf).status, 400);
  bad_station = station_a;
  bad_station.erase("lon");
  EXPECT_EQ(city.Call("POST", "/api/v1/broadcast/stations", bad_station.dump(), alice.cookie, alice.csrf).status, 400);
  EXPECT_EQ(city.Call("POST", "/api/v1/broadcast/stations", station_c.dump(), jin.cookie, jin.csrf).status, 404)
      << "丙社区 is not 金华社区's";
  const std::string a_id = std::to_string(Json(sa)["id"].get<int>()), a_token = Json(sa)["token"];
  const std::string c_id = std::to_string(Json(sc)["id"].get<int>()), c_token = Json(sc)["token"];
  auto listed = Json(city.Call("GET", "/api/v1/broadcast/stations", "", jin.cookie));
  ASSERT_EQ(listed["total"], 1) << "jin sees her community's station only";
  EXPECT_FALSE(listed["items"][0].contains("token"));

  auto published = city.Call("POST", "/api/v1/notices", draft.dump(), jin.cookie, jin.csrf);
  ASSERT_EQ(published.status, 201) << published.body;
  auto notice = Json(published);
  const std::string nid = std::to_string(notice["id"].get<int>());
  EXPECT_GT(notice["audio_ms"].get<int>(), 2000);

  // The station's side.
  const std::string base_a = "/api/v1/broadcast/stations/" + a_id;
  auto bearer = [](const std::string& t) { return std::map<std::string, std::string>{{"authorization", "Bearer " + t}}; };
  EXPECT_EQ(city.Call("GET", base_a + "/playlist").status, 401);
  EXPECT_EQ(city.Call("GET", base_a + "/playlist", "", "", "", bearer(c_token)).status, 401) << "another station's token";
  EXPECT_EQ(city.Call("GET", base_a + "/playlist", "", ga.cookie).status, 401) << "a session is not a station";
  auto playlist = city.Call("GET", base_a + "/playlist", "", "", "", bearer(a_token));
  ASSERT_EQ(playlist.status, 200) << playlist.body;
  auto items = Json(playlist)["items"];
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0]["notice_id"], notice["id"]);
  EXPECT_EQ(items[0]["urgent"], true);
  auto c_list = Json(city.Call("GET", "/api/v1/broadcast/stations/" + c_id + "/playlist", "", "", "", bearer(c_token)));
  EXPECT_TRUE(c_list["items"].empty()) << "丙 never got 金华's notice";
  auto audio = city.Call("GET", items[0]["audio_url"].get<std::string>(), "", "", "", bearer(a_token));
  ASSERT_EQ(audio.status, 200);
  EXPECT_EQ(audio.content_type, "audio/ogg");
  auto stats = broadcast::Analyze(audio.body);
  ASSERT_TRUE(stats.ok()) << stats.error().message;
  EXPECT_NEAR(stats->duration_s * 1000, notice["audio_ms"].get<double>(), 50);
  EXPECT_GT(stats->rms, 0.01);
  EXPECT_EQ(city.Call("GET", "/api/v1/broadcast/stations/" + c_id + "/audio/" + nid, "", "", "", bearer(c_token)).status,
            404);
  const std::string ack = items[0]["ack_url"];
  EXPECT_EQ(city.Call("POST", ack, R"({"played_at":"soon"})", "", "", bearer(a_token)).status, 400);
  EXPECT_EQ(city.Call("POST", ack, R"({"played_at":)" + std::to_string(city.clock.Now() + 3'600'000) + "}", "", "",
                      bearer(a_token)).status,
            400);
  EXPECT_EQ(city.Call("POST", ack, "", "", "", bearer(c_token)).status, 401);
  auto played = city.Call("POST", ack, "", "", "", bearer(a_token));
  ASSERT_EQ(played.status, 200) << played.body;
  EXPECT_EQ(Json(played)["played_at"], city.clock.Now());
  EXPECT_TRUE(Json(city.Call("GET", base_a + "/playlist", "", "", "", bearer(a_token)))["items"].empty());

  // Staff see the delivery; the grid worker below sees the notice too.
  auto seen = Json(city.Call("GET", "/api/v1/notices/" + nid, "", jin.cookie));
  ASSERT_EQ(seen["deliveries"].size(), 1u);
  EXPECT_EQ(seen["deliveries"][0]["state"], "played");
  EXPECT_EQ(seen["delivery_counts"]["played"], 1);
  EXPECT_EQ(city.Call("GET", "/api/v1/notices/" + nid, "", ga.cookie).status, 200);
  EXPECT_EQ(city.Call("GET", "/api/v1/notices/" + nid + "/audio", "", ga.cookie).status, 200);
  EXPECT_EQ(city.Call("GET", "/api/v1/notices/999999", "", jin.cookie).status, 404);
  EXPECT_EQ(city.Call("GET", "/api/v1/notices/abc", "", jin.cookie).status, 404);

  // The public page: by community, no grid codes, no authors.
  auto pub = city.Call("GET", "/api/v1/public/notices?unit=150203010008");
  ASSERT_EQ(pub.status, 200) << pub.body;
  auto pub_items = Json(pub)["items"];
  ASSERT_EQ(pub_items.size(), 1u);
  EXPECT_EQ(pub_items[0]["area_name"], "金华社区");
  EXPECT_FALSE(pub_items[0].contains("created_by"));
  EXPECT_EQ(city.Call("GET", "/api/v1/public/notices?unit=150203010008001").status, 400) << "never by grid";
  EXPECT_EQ(city.Call("GET", "/api/v1/public/notices").status, 400);
  EXPECT_EQ(city.Call("GET", "/api/v1/public/notices?unit=1599").status, 404);

  // Withdrawal: staff only, with a reason, once.
  const std::string w = "/api/v1/notices/" + nid + "/withdraw";
  EXPECT_EQ(city.Call("POST", w, R"({"reason":"错发"})", ga.cookie, ga.csrf).status, 403);
  EXPECT_EQ(city.Call("POST", w, R"({"reason":"  "})", jin.cookie, jin.csrf).status, 400);
  EXPECT_EQ(city.Call("POST", w, R"({"reason":"改期"})", jin.cookie, jin.csrf).status, 200);
  EXPECT_EQ(city.Call("POST", w, R"({"reason":"改期"})", jin.cookie, jin.csrf).status, 409);
  EXPECT_EQ(Json(city.Call("GET", "/api/v1/public/notices?unit=150203010008"))["total"], 0);
  auto gone = city.Call("GET", "/api/v1/notices/" + nid + "/audio", "", jin.cookie);
  EXPECT_EQ(gone.status, 409) << "a withdrawn notice's audio is not served";
  EXPECT_NE(gone.body.find("withdrawn"), std::string::npos) << gone.body;
  EXPECT_EQ(city.Call("GET", base_a + "/audio/" + nid, "", "", "", bearer(a_token)).status, 409)
      << "nor to a station that has its copy";

  // Station management: off (no polls, no new copies), a new token (the old one is dead), on again.
  const std::string manage = "/api/v1/broadcast/stations/" + a_id;
  EXPECT_EQ(city.Call("POST", manage + "/active", R"({"active":false})", ga.cookie, ga.csrf).status, 403);
  EXPECT_EQ(city.Call("POST", "/api/v1/broadcast/stations/" + c_id + "/active", R"({"active":false})", jin.cookie,
                      jin.csrf).status,
            404)
      << "丙's station is not jin's";
  EXPECT_EQ(city.Call("POST", manage + "/active", R"({"active":"no"})", jin.cookie, jin.csrf).status, 400);
  ASSERT_EQ(city.Call("POST", manage + "/active", R"({"active":false})", jin.cookie, jin.csrf).status, 200);
  EXPECT_EQ(city.Call("GET", base_a + "/playlist", "", "", "", bearer(a_token)).status, 401) << "inactive";
  auto quiet = draft;
  quiet["title"] = "停用期间的通知";
  quiet["urgent"] = false;
  auto during = Json(city.Call("POST", "/api/v1/notices", quiet.dump(), jin.cookie, jin.csrf));
  auto reissued = city.Call("POST", manage + "/token", "", jin.cookie, jin.csrf);
  ASSERT_EQ(reissued.status, 200) << reissued.body;
  const std::string new_token = Json(reissued)["token"];
  EXPECT_NE(new_token, a_token);
  EXPECT_EQ(Json(reissued)["active"], true);
  EXPECT_EQ(city.Call("GET", base_a + "/playlist", "", "", "", bearer(a_token)).status, 401) << "the old token is dead";
  auto after = city.Call("GET", base_a + "/playlist", "", "", "", bearer(new_token));
  ASSERT_EQ(after.status, 200);
  EXPECT_TRUE(Json(after)["items"].empty()) << "no copy of what was published while it was off: " << during.dump();

  // Documented.
  auto api = city.Call("GET", "/api/openapi.json");
  for (const char* path : {"/api/v1/notices", "/api/v1/broadcast/stations/{station_id}/playlist",
                           "/api/v1/public/notices"}) {
    EXPECT_NE(api.body.find(path), std::string::npos) << path;
  }
}

TEST(NoticesApi, ANoticeWithAnImage) {
  TestCity city("notices_image");
  auto jin = city.LogIn("jin");
  auto ga = city.LogIn("ga");
  const std::vector<std::pair<std::string, std::string>> fields = {
      {"scope_code", "150203010008"}, {"title", "社区义诊活动"}, {"body", "周六上午在社区广场义诊。"},
      {"category", "activity"}, {"loudspeaker", "false"}, {"play_within_hours", "12"}};
  const std::string photo = ti::JpegWithExif(2400, 1600, ti::GpsSpec{{41, 0, 0}, "N", {109, 12, 0}, "E"});
  ASSERT_FALSE(photo.empty());
  auto post = [&](const std::vector<testing::FilePart>& files) {
    return city.Call("POST", "/api/v1/notices", Multipart(fields, files), jin.cookie, jin.csrf, MultipartHeaders());
  };
  // Refused, naming the part, and nothing written: not an image; two images.
  auto bad = post({{"image", "poster.jpg", "image/jpeg", "<script>alert(1)</script>"}});
  EXPECT_EQ(bad.status, 400) << bad.body;
  EXPECT_NE(bad.body.find("image 1"), std::string::npos) << bad.body;
  EXPECT_EQ(post({{"image", "a.jpg", "image/jpeg", photo}, {"image", "b.jpg", "image/jpeg", photo}}).status, 400);
  EXPECT_EQ(Json(city.Call("GET", "/api/v1/notices", "", jin.cookie))["total"], 0) << "nothing was written";

  auto created = post({{"image", "poster.jpg", "image/jpeg", photo}});
  ASSERT_EQ(created.status, 201) << created.body;
  auto n = Json(created);
  EXPECT_EQ(n["loudspeaker"], false);
  EXPECT_EQ(n["play_by"].get<std::int64_t>() - n["created_at"].get<std::int64_t>(), 12 * 3'600'000)
      << "a form's number of hours is read as a number";
  EXPECT_EQ(n["image_width"], 1600) << "the size of the copy served (long side <= 1600 px), not the upload's";
  EXPECT_EQ(n["image_height"], 1067);
  const std::string nid = std::to_string(n["id"].get<int>());
  const std::string url = n["image_url"];
  EXPECT_EQ(url, "/api/v1/notices/" + nid + "/image");
  // Staff and the field app read it in scope; it is the re-encoded copy: JPEG, smaller, no EXIF/GPS.
  auto img = city.Call("GET", url, "", ga.cookie);
  ASSERT_EQ(img.status, 200);
  EXPECT_EQ(img.content_type, "image/jpeg");
  EXPECT_NE(img.body, photo);
  EXPECT_EQ(img.body.find(ti::kMake), std::string::npos) << "no camera metadata";
  EXPECT_EQ(img.body.find("Exif"), std::string::npos) << "no EXIF block";
  auto thumb = city.Call("GET", url + "/thumb", "", ga.cookie);
  ASSERT_EQ(thumb.status, 200);
  EXPECT_LT(thumb.body.size(), img.body.size());
  EXPECT_EQ(city.Call("GET", url, "").status, 401) << "the staff route needs a session";
  // The public list links the public copy; the public route serves it while published.
  auto pub = Json(city.Call("GET", "/api/v1/public/notices?unit=150203010008"));
  ASSERT_EQ(pub["items"].size(), 1u);
  const std::string pub_url = pub["items"][0]["image_url"];
  EXPECT_EQ(pub_url, "/api/v1/public/notices/" + nid + "/image");
  auto pub_img = city.Call("GET", pub_url);
  ASSERT_EQ(pub_img.status, 200);
  EXPECT_EQ(pub_img.body, img.body);
  // A notice without an image has none; a withdrawn notice's image is no longer served.
  auto plain = city.Call("POST", "/api/v1/notices",
                         R"({"scope_code":"150203010008","title":"停水","body":"周日停水","category":"policy"})",
                         jin.cookie, jin.csrf);
  ASSERT_EQ(plain.status, 201) << plain.body;
  EXPECT_TRUE(Json(plain)["image_url"].is_null());
  EXPECT_EQ(city.Call("GET", "/api/v1/public/notices/" + std::to_string(Json(plain)["id"].get<int>()) + "/image").status,
            404);
  ASSERT_EQ(city.Call("POST", "/api/v1/notices/" + nid + "/withdraw", R"({"reason":"活动取消"})", jin.cookie, jin.csrf)
                .status,
            200);
  EXPECT_EQ(city.Call("GET", pub_url).status, 404);
  EXPECT_EQ(city.Call("GET", url, "", jin.cookie).status, 409);
}

}  // namespace
}  // namespace cg::api
