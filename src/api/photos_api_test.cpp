// Photo uploads end to end on the test city: multipart intake on the public, staff and Open311
// paths; what the public copies carry (nothing) and who sees originals; hostile uploads and
// malformed multipart refused with a 4xx and no case left behind. Images are made in the test.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "api/test_city.hpp"
#include "auth/random.hpp"
#include "media/media.hpp"
#include "media/testing/test_images.hpp"
#include "store/case_store.hpp"

namespace cg::api {
namespace {

using nlohmann::json;
using testing::TestCity;
using testing::FilePart;
using testing::Multipart;
using testing::MultipartHeaders;
namespace ti = media::test_images;

// 41°00'00" N, 109°12'00" E: inside grid A (甲网格) of the test city.
const ti::GpsSpec kGridAGps{{41, 0, 0}, "N", {109, 12, 0}, "E"};

json Parse(const Response& r) {
  auto j = json::parse(r.body, nullptr, false);
  EXPECT_FALSE(j.is_discarded()) << r.body.substr(0, 200);
  return j;
}

std::string Header(const Response& r, const std::string& name) {
  for (const auto& [k, v] : r.headers) {
    if (k == name) return v;
  }
  return "";
}

// A JPEG whose SOF claims width x height (the pixels stay tiny): walks the marker segments.
std::string JpegClaiming(int width, int height) {
  std::string jpeg = ti::Gradient(16, 16);
  std::size_t i = 2;
  while (i + 9 < jpeg.size() && static_cast<unsigned char>(jpeg[i]) == 0xFF) {
    const unsigned marker = static_cast<unsigned char>(jpeg[i + 1]);
    const std::size_t length = (static_cast<unsigned char>(jpeg[i + 2]) << 8) | static_cast<unsigned char>(jpeg[i + 3]);
    if (marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC) {
      jpeg[i + 5] = static_cast<char>(height >> 8);
      jpeg[i + 6] = static_cast<char>(height & 0xFF);
      jpeg[i + 7] = static_cast<char>(width >> 8);
      jpeg[i + 8] = static_cast<char>(width & 0xFF);
      return jpeg;
    }
    i += 2 + length;
  }
  ADD_FAILURE() << "no SOF in the test JPEG";
  return jpeg;
}

std::uint32_t Crc32(std::string_view data) {
  std::uint32_t crc = 0xFFFFFFFFu;
  for (unsigned char c : data) {
    crc ^= c;
    for (int k = 0; k < 8; ++k) crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
  }
  return ~crc;
}

// A PNG whose IHDR (with a valid CRC) claims 30000 x 30000 around a tiny image's data.
std::string PngBomb() {
  std::string png = ti::Gradient(8, 8, ".png");
  auto put32 = [&](std::size_t at, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) png[at + i] = static_cast<char>(v >> (24 - 8 * i));
  };
  put32(16, 30000);  // IHDR data starts at 16: width, height
  put32(20, 30000);
  put32(29, Crc32(std::string_view(png).substr(12, 17)));  // over "IHDR" + 13 data bytes
  return png;
}

struct Photos : ::testing::Test {
  Config config = [] {
    Config c;
    c.public_reports_per_hour = 1000;
    return c;
  }();
  TestCity city{std::string("photos_") + ::testing::UnitTest::GetInstance()->current_test_info()->name(), config};

  Response PublicPost(const std::string& body, std::map<std::string, std::string> extra = {}) {
    return city.Call("POST", "/api/v1/public/cases", body, "", "", MultipartHeaders(std::move(extra)));
  }
  std::vector<std::pair<std::string, std::string>> PublicFields(const std::string& description = "路灯坏了") {
    return {{"category", "garbage"}, {"description", description}, {"contact_phone", "13812345678"}};
  }
  // Every case, through the city-wide staff queue.
  std::int64_t CaseCount() {
    auto alice = city.LogIn("alice");
    auto j = Parse(city.Call("GET", "/api/v1/cases", "", alice.cookie));
    return j.value("total", -1);
  }
  std::string StaffIdOf(const std::string& public_id) {
    auto r = city.store->Cases().GetCaseByPublicId(public_id);
    EXPECT_TRUE(r.ok());
    return r.ok() ? r->c.id : "";
  }
  void ExpectRefused(const Response& r, int status, const std::string& message_part, std::int64_t cases_before) {
    EXPECT_EQ(r.status, status) << r.body;
    auto j = Parse(r);
    EXPECT_TRUE(j.contains("error")) << r.body;
    EXPECT_NE(r.body.find(message_part), std::string::npos) << r.body;
    EXPECT_EQ(CaseCount(), cases_before);
  }
};

TEST_F(Photos, PublicReportTakesItsLocationFromExifAndServesStrippedCopies) {
  const std::string original = ti::JpegWithExif(640, 480, kGridAGps);
  ASSERT_TRUE(media::ReadExifGps(original).ok());
  ASSERT_NE(original.find(ti::kMake), std::string::npos);
  auto fields = PublicFields("<script>alert('x')</script> 垃圾桶满了");
  auto r = PublicPost(Multipart(fields, {{"photo", "IMG_0001.JPG", "image/jpeg", original}}));
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.body.find("<script>"), std::string::npos);  // JSON with <, > escaped
  auto j = Parse(r);
  ASSERT_EQ(j["photos"].size(), 1u);
  const std::string photo_id = j["photos"][0]["id"];
  EXPECT_EQ(j["photos"][0]["url"], "/api/v1/public/photos/" + photo_id);
  EXPECT_EQ(j["photos"][0]["thumb_url"], "/api/v1/public/photos/" + photo_id + "/thumb");
  EXPECT_FALSE(j["photos"][0].contains("original_url"));
  EXPECT_TRUE(j["possible_duplicates"].is_array());

  // The location came from the photo: grid A, 109.2 / 41.
  auto stored = city.store->Cases().GetCaseByPublicId(j["public_id"]);
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->c.grid_code, "150203010008001");
  EXPECT_NEAR(stored->lon, 109.2, 1e-9);
  EXPECT_NEAR(stored->lat, 41.0, 1e-9);
  EXPECT_EQ(stored->description, "<script>alert('x')</script> 垃圾桶满了");  // verbatim

  for (const std::string& url : {j["photos"][0]["url"].get<std::string>(), j["photos"][0]["thumb_url"].get<std::string>()}) {
    auto copy = city.Call("GET", url);
    ASSERT_EQ(copy.status, 200) << url << " " << copy.body.substr(0, 200);
    EXPECT_EQ(copy.content_type, "image/jpeg");
    EXPECT_EQ(Header(copy, "X-Content-Type-Options"), "nosniff");
    EXPECT_NE(Header(copy, "Cache-Control").find("immutable"), std::string::npos);
    auto info = media::Inspect(copy.body);
    ASSERT_TRUE(info.ok()) << info.error().message;
    EXPECT_EQ(info->mime, "image/jpeg");
    EXPECT_EQ(media::ReadExifGps(copy.body).error().code, ErrorCode::kNotFound);
    EXPECT_EQ(copy.body.find(ti::kMake), std::string::npos);
    EXPECT_EQ(copy.body.find(ti::kModel), std::string::npos);
    EXPECT_EQ(copy.body.find("Exif"), std::string::npos);
  }
  EXPECT_EQ(city.Call("GET", "/api/v1/public/photos/nope").status, 404);

  // The status page lists the photo.
  auto page = Parse(city.Call("GET", "/api/v1/public/cases/" + j["public_id"].get<std::string>()));
  ASSERT_EQ(page["photos"].size(), 1u);
  EXPECT_EQ(page["photos"][0]["id"], photo_id);

  // The original: staff of the grid get the bytes as uploaded; nobody else.
  const std::string id = stored->c.id;
  const std::string original_url = "/api/v1/cases/" + id + "/photos/" + photo_id + "/original";
  EXPECT_EQ(city.Call("GET", original_url).status, 401);
  auto gb = city.LogIn("gb");
  EXPECT_EQ(city.Call("GET", original_url, "", gb.cookie).status, 404);
  auto ga = city.LogIn("ga");
  auto mine = city.Call("GET", original_url, "", ga.cookie);
  ASSERT_EQ(mine.status, 200) << mine.body;
  EXPECT_EQ(mine.body, original);
  EXPECT_EQ(mine.content_type, "image/jpeg");
  EXPECT_EQ(Header(mine, "Cache-Control"), "private, no-store");
  auto gps = media::ReadExifGps(mine.body);
  ASSERT_TRUE(gps.ok());
  EXPECT_NEAR(gps->latitude, 41.0, 1e-9);
  EXPECT_NE(mine.body.find(ti::kMake), std::string::npos);
  // Another photo id under this case, or a bad variant, is 404 too.
  EXPECT_EQ(city.Call("GET", "/api/v1/cases/" + id + "/photos/nope/original", "", ga.cookie).status, 404);
  EXPECT_EQ(city.Call("GET", "/api/v1/cases/" + id + "/photos/" + photo_id + "/exif", "", ga.cookie).status, 404);

  // The staff view: original_url and the EXIF position.
  auto staff = Parse(city.Call("GET", "/api/v1/cases/" + id, "", ga.cookie));
  ASSERT_EQ(staff["photos"].size(), 1u);
  EXPECT_EQ(staff["photos"][0]["original_url"], original_url);
  EXPECT_EQ(staff["photos"][0]["url"], "/api/v1/public/photos/" + photo_id);
  EXPECT_NEAR(staff["photos"][0]["exif_gps"]["lat"].get<double>(), 41.0, 1e-9);
  EXPECT_EQ(staff["photos"][0]["mime"], "image/jpeg");
  EXPECT_EQ(staff["description"], "<script>alert('x')</script> 垃圾桶满了");
}

TEST_F(Photos, StaffReportWithPngAndExplicitLocation) {
  auto rita = city.LogIn("rita");
  const std::string png = ti::Gradient(300, 200, ".png");
  auto r = city.Call("POST", "/api/v1/cases",
                     Multipart({{"type", "snap_report"}, {"category", "garbage"}, {"description", "满了"},
                                {"lon", "109.3"}, {"lat", "41.5"}, {"fields[address]", "甲路 1 号"}},
                               {{"photo", "a.png", "image/png", png}, {"photo", "b.jpg", "image/jpeg", ti::Gradient(64, 64)}}),
                     rita.cookie, rita.csrf, MultipartHeaders());
  ASSERT_EQ(r.status, 201) << r.body;
  auto j = Parse(r);
  EXPECT_NEAR(j["lon"].get<double>(), 109.3, 1e-9);
  EXPECT_EQ(j["fields"]["address"], "甲路 1 号");
  ASSERT_EQ(j["photos"].size(), 2u);
  EXPECT_EQ(j["photos"][0]["mime"], "image/png");
  EXPECT_EQ(j["photos"][0]["width"], 300);
  EXPECT_FALSE(j["photos"][0].contains("exif_gps"));
  auto copy = city.Call("GET", j["photos"][0]["url"].get<std::string>());
  ASSERT_EQ(copy.status, 200);
  EXPECT_EQ(media::Inspect(copy.body)->mime, "image/jpeg");
  auto original = city.Call("GET", j["photos"][0]["original_url"].get<std::string>(), "", rita.cookie);
  ASSERT_EQ(original.status, 200);  // the reporter sees her own case
  EXPECT_EQ(original.content_type, "image/png");
  EXPECT_EQ(original.body, png);
  // A JSON body still works, without photos.
  auto plain = city.Call("POST", "/api/v1/cases",
                         json{{"type", "snap_report"}, {"category", "garbage"}, {"description", "x"}, {"lon", 109.2}, {"lat", 41}}.dump(),
                         rita.cookie, rita.csrf);
  ASSERT_EQ(plain.status, 201) << plain.body;
  EXPECT_TRUE(Parse(plain)["photos"].empty());
  // The queue names the first photo's thumbnail of each case (lists carry no photo list).
  auto queue = Parse(city.Call("GET", "/api/v1/cases", "", rita.cookie));
  ASSERT_EQ(queue["items"].size(), 2u) << queue.dump();
  for (const auto& item : queue["items"]) {
    if (item["id"] == j["id"]) EXPECT_EQ(item["first_photo_thumb_url"], j["photos"][0]["thumb_url"]);
    else EXPECT_TRUE(item["first_photo_thumb_url"].is_null()) << item.dump();
  }
  // Multipart without CSRF is refused like JSON.
  EXPECT_EQ(city.Call("POST", "/api/v1/cases", Multipart({{"type", "snap_report"}}, {}), rita.cookie, "",
                      MultipartHeaders()).status, 403);
}

TEST_F(Photos, HostileUploadsAreRefusedAndLeaveNoCase) {
  const auto fields = PublicFields();
  auto with_lonlat = fields;
  with_lonlat.push_back({"lon", "109.2"});
  with_lonlat.push_back({"lat", "41"});
  const std::int64_t before = CaseCount();
  ASSERT_EQ(before, 0);
  const std::string good = ti::Gradient(64, 48);

  ExpectRefused(PublicPost(Multipart(with_lonlat, {{"photo", "cat.jpg", "image/jpeg", "just some text, not a JPEG"}})),
                400, "photo 1 (part 6): not an image", before);
  // The second photo is bad: the first is not kept either.
  ExpectRefused(PublicPost(Multipart(with_lonlat, {{"photo", "1.jpg", "image/jpeg", good},
                                                    {"photo", "2.jpg", "image/jpeg", "GIF89a......"}})),
                400, "photo 2", before);
  // 100 megapixels declared: refused from the header, before decoding.
  ExpectRefused(PublicPost(Multipart(with_lonlat, {{"photo", "big.jpg", "image/jpeg", JpegClaiming(10000, 10000)}})),
                413, "photo 1", before);
  ExpectRefused(PublicPost(Multipart(with_lonlat, {{"photo", "bomb.png", "image/png", PngBomb()}})), 413, "photo 1",
                before);
  // Truncated pixel data.
  ExpectRefused(PublicPost(Multipart(with_lonlat, {{"photo", "cut.jpg", "image/jpeg", good.substr(0, good.size() / 2)}})),
                400, "photo 1", before);
  // Seven photos.
  std::vector<FilePart> seven(7, FilePart{"photo", "p.jpg", "image/jpeg", good});
  ExpectRefused(PublicPost(Multipart(with_lonlat, seven)), 400, "at most 6", before);
  // A file under another name.
  ExpectRefused(PublicPost(Multipart(with_lonlat, {{"attachment", "x.jpg", "image/jpeg", good}})), 400,
                "unexpected file", before);
  // Bad coordinates: out of range, not a number, a photo position outside the city.
  auto bad_lon = fields;
  bad_lon.push_back({"lon", "500"});
  bad_lon.push_back({"lat", "41"});
  ExpectRefused(PublicPost(Multipart(bad_lon, {})), 400, "'lon' is out of range", before);
  auto nan_lon = fields;
  nan_lon.push_back({"lon", "nan"});
  nan_lon.push_back({"lat", "41"});
  ExpectRefused(PublicPost(Multipart(nan_lon, {})), 400, "'lon' must be a number", before);
  const ti::GpsSpec shanghai{{31, 14, 0}, "N", {121, 28, 0}, "E"};
  ExpectRefused(PublicPost(Multipart(fields, {{"photo", "sh.jpg", "image/jpeg", ti::JpegWithExif(64, 48, shanghai)}})),
                400, "outside every grid", before);
  // No location at all, and the photo has none.
  ExpectRefused(PublicPost(Multipart(fields, {{"photo", "p.jpg", "image/jpeg", good}})), 400,
                "a location is required: 'lon' and 'lat', or a photo with an EXIF GPS position", before);
  ExpectRefused(PublicPost(Multipart(fields, {})), 400, "a location is required", before);
  // Text parts must be UTF-8.
  ExpectRefused(PublicPost(Multipart({{"category", "garbage"}, {"description", "\xC0\xAF"}}, {})), 400, "UTF-8", before);

  // Broken EXIF is no reason to refuse the photo: it is stored without a position.
  std::string broken = ti::InsertSegment(good, 0xE1, std::string("Exif\0\0II*\0\x08\0\0\0\xFF\xFF", 16));
  auto ok = PublicPost(Multipart(with_lonlat, {{"photo", "broken.jpg", "image/jpeg", broken}}));
  ASSERT_EQ(ok.status, 201) << ok.body;
  auto stored = city.store->Cases().GetCaseByPublicId(Parse(ok)["public_id"]);
  ASSERT_TRUE(stored.ok());
  ASSERT_EQ(stored->photos.size(), 1u);
  EXPECT_FALSE(stored->photos[0].gps_lat.has_value());
  EXPECT_EQ(CaseCount(), before + 1);
}

TEST_F(Photos, MalformedMultipartIs4xx) {
  const std::int64_t before = CaseCount();
  const std::string body = Multipart(PublicFields(), {});
  // No boundary in the Content-Type.
  auto r = city.Call("POST", "/api/v1/public/cases", body, "", "", {{"content-type", "multipart/form-data"}});
  ExpectRefused(r, 400, "no boundary", before);
  // Unterminated (no closing delimiter).
  ExpectRefused(PublicPost(body.substr(0, body.size() - 30)), 400, "multipart", before);
  // Huge part headers.
  std::string huge = "--" + testing::kBoundary + "\r\nContent-Disposition: form-data; name=\"" + std::string(100000, 'a') +
                     "\"\r\n\r\nx\r\n--" + testing::kBoundary + "--\r\n";
  ExpectRefused(PublicPost(huge), 413, "headers longer than", before);
  // 1000 parts.
  std::vector<std::pair<std::string, std::string>> many;
  for (int i = 0; i < 1000; ++i) many.push_back({"f" + std::to_string(i), "x"});
  ExpectRefused(PublicPost(Multipart(many, {})), 413, "more than 32 parts", before);
  // A field given twice.
  auto twice = PublicFields();
  twice.push_back({"category", "road_damage"});
  ExpectRefused(PublicPost(Multipart(twice, {})), 400, "more than once", before);
}

TEST_F(Photos, PublicReportsOfferNearbyDuplicatesWithoutPrivateData) {
  auto fields = PublicFields();
  fields.push_back({"lon", "109.2"});
  fields.push_back({"lat", "41"});
  auto first = PublicPost(Multipart(fields, {}));
  ASSERT_EQ(first.status, 201) << first.body;
  const std::string first_id = Parse(first)["public_id"];
  auto near = fields;
  near[3].second = "109.2002";  // ~17 m east
  auto second = PublicPost(Multipart(near, {}));
  ASSERT_EQ(second.status, 201) << second.body;
  auto dups = Parse(second)["possible_duplicates"];
  ASSERT_EQ(dups.size(), 1u) << second.body;
  EXPECT_EQ(dups[0]["public_id"], first_id);
  EXPECT_EQ(dups[0]["category"], "garbage");
  EXPECT_EQ(dups[0]["status"], "open");
  EXPECT_NEAR(dups[0]["distance_m"].get<double>(), 17, 1);
  for (const char* key : {"id", "grid_code", "contact_phone", "description", "reporter_user_id", "fields", "lon"}) {
    EXPECT_FALSE(dups[0].contains(key)) << key;
  }
  EXPECT_EQ(second.body.find("13812345678"), std::string::npos);
}

TEST_F(Photos, Open311MediaUploadAndMediaUrl) {
  const std::string key = "photo-test-key-0123";
  ASSERT_TRUE(city.store->Cases().CreateApiKey({0, "photos", auth::Sha256Hex(key), 0}).ok());
  auto post = [&](const std::string& ext, const std::vector<std::pair<std::string, std::string>>& fields,
                  const std::vector<FilePart>& files) {
    return city.Call("POST", "/open311/v2/requests." + ext, Multipart(fields, files), "", "", MultipartHeaders());
  };
  // No lat/long and only an address: the media's EXIF position locates it.
  auto r = post("json", {{"api_key", key}, {"service_code", "snap_report.garbage"}, {"description", "满了"},
                         {"address_string", "甲路 1 号"}},
                {{"media", "photo.jpg", "image/jpeg", ti::JpegWithExif(320, 240, kGridAGps)}});
  ASSERT_EQ(r.status, 201) << r.body;
  const std::string id = Parse(r)[0]["service_request_id"];
  auto got = Parse(city.Call("GET", "/open311/v2/requests/" + id + ".json"));
  const std::string media_url = got[0]["media_url"];
  ASSERT_EQ(media_url.rfind("/api/v1/public/photos/", 0), 0u) << media_url;
  auto copy = city.Call("GET", media_url);
  ASSERT_EQ(copy.status, 200);
  EXPECT_EQ(media::ReadExifGps(copy.body).error().code, ErrorCode::kNotFound);
  EXPECT_NEAR(got[0]["lat"].get<double>(), 41.0, 1e-9);
  auto xml = city.Call("GET", "/open311/v2/requests.xml");
  EXPECT_NE(xml.body.find("<media_url>" + media_url + "</media_url>"), std::string::npos) << xml.body;

  // Refusals in the Open311 error shape.
  auto no_key = post("json", {{"service_code", "snap_report.garbage"}, {"lat", "41"}, {"long", "109.2"}},
                     {{"media", "p.jpg", "image/jpeg", ti::Gradient(32, 32)}});
  EXPECT_EQ(no_key.status, 403);
  auto bad_media = post("xml", {{"api_key", key}, {"service_code", "snap_report.garbage"}, {"lat", "41"}, {"long", "109.2"},
                                {"description", "x"}},
                        {{"media", "p.jpg", "image/jpeg", "<svg onload=alert(1)>"}});
  EXPECT_EQ(bad_media.status, 400);
  EXPECT_NE(bad_media.body.find("<errors><error><code>400</code><description>media 1"), std::string::npos) << bad_media.body;
  auto two = post("json", {{"api_key", key}, {"service_code", "snap_report.garbage"}, {"lat", "41"}, {"long", "109.2"},
                           {"description", "x"}},
                  {{"media", "a.jpg", "image/jpeg", ti::Gradient(32, 32)}, {"media", "b.jpg", "image/jpeg", ti::Gradient(32, 32)}});
  EXPECT_EQ(two.status, 400);
  auto address_only = post("json", {{"api_key", key}, {"service_code", "snap_report.garbage"}, {"description", "x"},
                                    {"address_string", "甲路 1 号"}}, {});
  EXPECT_EQ(address_only.status, 400);
  EXPECT_NE(address_only.body.find("address lookup is not available"), std::string::npos);
  EXPECT_EQ(Parse(city.Call("GET", "/open311/v2/requests.json")).size(), 1u);
}

}  // namespace
}  // namespace cg::api
