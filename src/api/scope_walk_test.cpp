// Walks EVERY route registered in the router, as an anonymous client and as a grid worker of
// another grid, and fails if any answers with data about a grid outside the caller's scope.
// Routes added later are covered automatically; a route with a path parameter this test does
// not know fails until the test learns how to aim it at a foreign resource.
#include <gtest/gtest.h>

#include <set>

#include "api/test_city.hpp"
#include "media/testing/test_images.hpp"

namespace cg::api {
namespace {

using testing::TestCity;

// Public routes that carry no org data by design, each reviewed.
const std::set<std::string> kPublicRoutes = {
    "GET /healthz", "GET /metrics", "GET /api/openapi.json", "POST /api/v1/session",
    // Residents report without an account (rate-limited per address); answers only a public id.
    "POST /api/v1/public/cases",
    // The status page: category, state and event times, no people, no grid (PublicCaseJson).
    "GET /api/v1/public/cases/{public_id}",
    // Rating needs the token given at submission; answers only the new state.
    "POST /api/v1/public/cases/{public_id}/rating",
    // Public copies of photos of public cases: re-encoded, no EXIF/GPS/device data (docs/media.md).
    "GET /api/v1/public/photos/{photo_id}", "GET /api/v1/public/photos/{photo_id}/thumb",
    // 有问必答 is public by design: answered questions and officials' answer rates, no askers.
    "GET /api/v1/public/questions", "GET /api/v1/public/officials/stats",
    // The officials one may ask (data/officials.toml): title, account id and unit, no grid.
    "GET /api/v1/public/officials",
    // Possible duplicates before reporting: public status fields of open cases within 50 m,
    // the same fields Open311 publishes (no reporter, contact or grid).
    "GET /api/v1/public/nearby-cases",
    // The public report map: boundaries and names down to communities, never grids.
    "GET /api/v1/public/areas.geojson", "GET /api/v1/public/locate",
    // Open311 GeoReport v2 is a public standard: service lists and public request fields only
    // (RequestJson has no reporter, contact or grid); POST needs an API key.
    "GET /open311/v2/discovery.json", "GET /open311/v2/discovery.xml", "GET /open311/v2/services.json",
    "GET /open311/v2/services.xml", "GET /open311/v2/services/{service_file}",
    "GET /open311/v2/requests.json", "GET /open311/v2/requests.xml", "POST /open311/v2/requests.json",
    "POST /open311/v2/requests.xml", "GET /open311/v2/requests/{request_file}",
    // Published notices are public by design; listed by community or above, never by grid, and
    // a grid's notice is shown under its community's name (no codes, no authors).
    "GET /api/v1/public/notices",
    // A published notice's image: the re-encoded copy without metadata, withdrawn ones 404.
    "GET /api/v1/public/notices/{id}/image", "GET /api/v1/public/notices/{id}/image/thumb",
    // Deliberation is public to read: topics listed by community or above (grids shown under
    // their community, no codes), a topic with its counts — never who voted what.
    "GET /api/v1/public/topics", "GET /api/v1/public/topics/{id}",
    // Complaint sessions (吐槽大会) are public to read: sessions of communities or above (never
    // grids), each complaint's text and its case's state and reply — never who complained.
    "GET /api/v1/public/complaint-sessions", "GET /api/v1/public/complaint-sessions/{id}",
    // A loudspeaker station's own side: its token (not a session) is checked in the handler, and
    // it answers only the notices sent to that station.
    "GET /api/v1/broadcast/stations/{station_id}/playlist",
    "GET /api/v1/broadcast/stations/{station_id}/audio/{notice_id}",
    "POST /api/v1/broadcast/stations/{station_id}/plays/{notice_id}",
    // The public accountability page of governance projects: published projects only (owner
    // units are communities or above, never grids), no authors or history; report photos are
    // re-encoded copies without metadata.
    "GET /api/v1/public/projects", "GET /api/v1/public/projects/rollup", "GET /api/v1/public/projects/{id}",
    "GET /api/v1/public/projects/{id}/reports/{report_id}/photos/{seq}",
    "GET /api/v1/public/projects/{id}/reports/{report_id}/photos/{seq}/thumb",
    // Volunteer activities are public by design (title, time, place, places left of a community
    // or above, never who signed up).
    "GET /api/v1/public/volunteer-activities", "GET /api/v1/public/volunteer-activities/{id}"};

// Path parameters that point at something in grid B (150203010008002, "乙网格"): the grid, and a
// case reported there by gb, none visible to ga. The case's id becomes the {id} of the "cases"
// and "notifications" route families in `ids` (a notification id that is not ga's is 404 too).
std::map<std::string, std::string> ForeignParams(TestCity& city, std::map<std::string, std::string>& ids) {
  auto gb = city.LogIn("gb");
  // With a photo, so the photo routes have something in grid B to aim at.
  const std::string boundary = "scopewalkBoundary";
  std::string body;
  const std::vector<std::pair<std::string, std::string>> fields = {
      {"type", "snap_report"}, {"category", "garbage"}, {"description", "trash bin overflowing"},
      {"lon", "109.7"}, {"lat", "41"}};
  for (const auto& [k, v] : fields) {
    body += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + k + "\"\r\n\r\n" + v + "\r\n";
  }
  body += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"b.jpg\"\r\n\r\n" +
          media::test_images::Gradient(32, 24) + "\r\n--" + boundary + "--\r\n";
  auto r = city.Call("POST", "/api/v1/cases", body, gb.cookie, gb.csrf,
                     {{"content-type", "multipart/form-data; boundary=" + boundary}});
  EXPECT_EQ(r.status, 201) << r.body;
  auto j = nlohmann::json::parse(r.body, nullptr, false);
  if (!j.is_object() || !j.contains("id")) {
    ADD_FAILURE() << "cannot create the case in grid B: " << r.body;
    return {{"code", "150203010008002"}};
  }
  EXPECT_EQ(j["grid_code"], "150203010008002");
  std::string id = j["id"], pid = j["public_id"];
  std::string photo_id = j["photos"].empty() ? "none" : j["photos"][0]["id"].get<std::string>();
  ids["cases"] = id;
  ids["notifications"] = id;
  // An import into grid B with a row in review: {import_id} and {row}.
  store::ImportJob job;
  job.scope_code = "150203010008002";
  job.file_name = "乙网格台账.csv";
  job.created_by = 1;
  auto imported = city.store->CreateImportJob(model::Scope::System(), job);
  EXPECT_TRUE(imported.ok());
  store::ImportRow row;
  row.row_number = 2;
  row.outcome = store::ImportOutcome::kReview;
  row.review = "ambiguous";
  row.detail = {{"reason", "乙居民"}};
  if (imported.ok()) {
    EXPECT_TRUE(city.store->RecordImportRows(model::Scope::System(), *imported, {row}).ok());
  }
  const std::string import_id = imported.ok() ? std::to_string(imported->id) : "1";
  // A loudspeaker notice to grid B ({id} of the "notices" routes) and a station there.
  store::Notice notice;
  notice.scope_code = "150203010008002";
  notice.title = "乙网格停水";
  notice.body = "乙楼停水";
  notice.category = "policy";
  notice.loudspeaker = true;
  notice.play_by = city.clock.Now() + 3'600'000;
  notice.audio_ms = 1000;
  notice.created_at = city.clock.Now();
  const store::NoticeImage image{"jpeg-bytes", "thumb-bytes", 640, 480};
  auto published = city.store->CreateNotice(model::Scope::System(), notice, "audio/ogg", "OggS-test", &image);
  EXPECT_TRUE(published.ok());
  if (published.ok()) ids["notices"] = std::to_string(published->id);
  store::BroadcastStation station;
  station.org_code = "150203010008002";
  station.name = "乙网格广播站";
  station.schedule = "07:00";
  auto st = city.store->CreateStation(model::Scope::System(), station, "scope-walk-token-hash");
  EXPECT_TRUE(st.ok());
  const std::string station_id = st.ok() ? std::to_string(st->id) : "1";
  ids["broadcast"] = station_id;  // {id} of /api/v1/broadcast/stations/{id}/...
  const std::string notice_id = published.ok() ? std::to_string(published->id) : "1";
  // A deliberation topic for grid B's residents ({id} of the "topics" routes), with a comment
  // and a meeting.
  store::Topic topic;
  topic.org_code = "150203010008002";
  // Its text is public by design (staff write it for the residents); the walk checks that the
  // public copy shows none of grid B's base data, nor a commenter's full name.
  topic.title = "停车议题";
  topic.background = "门前停车";
  topic.opens_at = city.clock.Now();
  topic.closes_at = city.clock.Now() + 86'400'000;
  topic.created_at = city.clock.Now();
  auto opened = city.store->CreateTopic(model::Scope::System(), topic, {"方案一", "方案二"});
  EXPECT_TRUE(opened.ok());
  const std::int64_t topic_id = opened.ok() ? opened->id : 1;
  ids["topics"] = std::to_string(topic_id);
  store::TopicComment comment;
  comment.topic_id = topic_id;
  comment.author = "乙居民";  // a display name that is a name of grid B's base data: masked in public
  comment.body = "我的意见";
  auto commented = city.store->AddTopicComment(comment);
  EXPECT_TRUE(commented.ok());
  store::TopicMeeting meeting;
  meeting.topic_id = topic_id;
  meeting.held_at = city.clock.Now();
  meeting.place = "议事厅";
  meeting.attendees = meeting.minutes = meeting.decision = "议定";
  auto met = city.store->AddTopicMeeting(meeting);
  EXPECT_TRUE(met.ok());
  // A complaint session of 金华社区 (above grid A's worker, so not hers): {id} of the
  // "complaint-sessions" routes, with an in-person complaint naming a resident of grid B.
  store::ComplaintSession session;
  session.org_code = "150203010008";
  session.title = "吐槽大会";
  session.place = "活动室";
  session.held_at = city.clock.Now() + 86'400'000;
  session.created_at = city.clock.Now();
  auto held = city.store->CreateComplaintSession(model::Scope::System(), session);
  EXPECT_TRUE(held.ok());
  if (held.ok()) {
    ids["complaint-sessions"] = std::to_string(held->id);
    store::Complaint complaint;
    complaint.session_id = held->id;
    complaint.body = "门前乱停车";
    complaint.category = "parking";
    complaint.resident_name = "乙居民";  // shown to the session's staff only
    complaint.created_at = city.clock.Now();
    EXPECT_TRUE(city.store->AddComplaint(complaint, 5).ok());
  }
  // An unpublished project of 金华社区 (above grid A's worker, so not hers) with a report photo:
  // {id} of the "projects" routes. No grid owns a project; its words are grid B's secrets.
  store::Project project;
  project.owner_code = "150203010008";
  project.title = "乙楼加装电梯";
  project.category = "community";
  project.goals = "乙楼";
  project.start_date = "2026-01-01";
  project.end_date = "2026-12-31";
  project.published = false;
  project.created_at = city.clock.Now();
  auto pid_created = city.store->CreateProject(model::Scope::System(), project, {{0, "乙楼立项", "2026-02-01", "", 0}},
                                               {{0, "乙楼户数", "户", 10, 0, 0}});
  EXPECT_TRUE(pid_created.ok());
  std::string report_id = "1";
  if (pid_created.ok()) {
    ids["projects"] = std::to_string(*pid_created);
    store::ProjectReport report;
    report.body = "乙楼进展";
    auto r = city.store->AddProjectReport(model::Scope::System(), *pid_created, report,
                                          {{"jpeg-bytes", "thumb-bytes", 640, 480}});
    EXPECT_TRUE(r.ok());
    if (r.ok()) report_id = std::to_string(*r);
  }
  // A volunteer of 丙社区 (another community: not grid A's) named like grid B's resident, and an
  // activity there they signed up for: {id} of the "volunteers" and "volunteer-activities" routes.
  store::Volunteer volunteer;
  volunteer.org_code = "150203010009";
  volunteer.name = "乙居民";
  volunteer.user_id = 1;
  volunteer.registered_at = city.clock.Now();
  auto vol = city.store->RegisterVolunteer(model::Scope::System(), volunteer);
  EXPECT_TRUE(vol.ok()) << (vol.ok() ? "" : vol.error().message);
  store::VolunteerActivity activity;
  activity.org_code = "150203010009";
  activity.title = "义务理发";
  activity.place = "丙社区活动室";
  activity.starts_at = city.clock.Now() + 86'400'000;
  activity.ends_at = activity.starts_at + 3'600'000;
  activity.capacity = 5;
  auto act = city.store->CreateVolunteerActivity(model::Scope::System(), activity);
  EXPECT_TRUE(act.ok());
  std::string volunteer_id = "1";
  if (vol.ok() && act.ok()) {
    ids["volunteers"] = volunteer_id = std::to_string(vol->id);
    ids["volunteer-activities"] = std::to_string(act->id);
    EXPECT_TRUE(city.store->SignUpVolunteer(act->id, vol->id, city.clock.Now()).ok());
  }
  // A mediation organisation of 丙社区 (not grid A's) with a room and a mediator, the first of
  // each table, so {id} of the "mediation" routes (organizations/{id}, mediators/{id}) is 1.
  store::MediationOrg morg;
  morg.unit_code = "150203010009";
  morg.kind = "community_committee";
  morg.name = "乙居民调解委员会";
  auto morg_made = city.store->CreateMediationOrg(model::Scope::System(), morg);
  EXPECT_TRUE(morg_made.ok());
  if (morg_made.ok()) {
    store::Mediator mediator;
    mediator.org_id = morg_made->id;
    mediator.name = "乙居民";
    auto med = city.store->CreateMediator(model::Scope::System(), mediator);
    EXPECT_TRUE(med.ok());
    EXPECT_EQ(morg_made->id, 1);
    if (med.ok()) {
      EXPECT_EQ(med->id, 1);
    }
    ids["mediation"] = "1";
  }
  // Grid B's person enrolled for welfare visits (no reporter assigned) with a visit and its
  // photo: {person_id} of the welfare routes and {id} of the "welfare" family (the visit).
  std::string person_id = ids.count("persons") ? ids["persons"] : "1";
  store::WelfareSubject subject;
  subject.person_id = std::stoll(person_id);
  subject.enrolled_at = city.clock.Now();
  EXPECT_TRUE(city.store->EnrolWelfareSubject(model::Scope::System(), subject).ok());
  store::WelfareVisit visit;
  visit.person_id = subject.person_id;
  visit.visitor_user_id = city.store->FindUserByUsername("gb")->id;
  visit.visitor_role = "grid_worker";
  visit.visited_at = visit.recorded_at = city.clock.Now();
  visit.health = "well";
  visit.note = "乙居民 在家";
  const store::WelfarePhoto visit_photo{4, 3, "jpeg-bytes", "thumb-bytes"};
  auto visited = city.store->RecordWelfareVisit(model::Scope::System(), visit, false, &visit_photo);
  EXPECT_TRUE(visited.ok());
  if (visited.ok()) ids["welfare"] = std::to_string(visited->id);
  return {{"code", "150203010008002"},  {"public_id", pid}, {"name", "file"}, {"photo_id", photo_id},
          {"person_id", person_id},
          {"variant", "original"}, {"template", "civil_affairs.elderly"},
          {"import_id", import_id}, {"row", "2"},
          {"service_file", "snap_report.garbage.json"}, {"request_file", pid + ".json"},
          {"station_id", station_id}, {"notice_id", notice_id},
          {"comment_id", commented.ok() ? std::to_string(commented->id) : "1"},
          {"meeting_id", met.ok() ? std::to_string(met->id) : "1"},
          {"report_id", report_id}, {"seq", "0"}, {"milestone_id", "1"}, {"volunteer_id", volunteer_id}};
}
// Query parameters that aim at grid B where a route reads them.
const char kForeignQuery[] =
    "?lon=109.7&lat=41&scope=150203010008002&code=150203010008002&grid=150203010008002&q=乙";
// Words that would reveal the target (base data in grid B: see TestCity::SeedGridB).
const std::vector<std::string> kSecrets = {"乙网格", "150203010008002", "乙居民", "乙路", "乙楼", "乙公司",
                                           "5678", TestCity::kGridBIdNumber().substr(14)};

// {id} of a base-data route: the record of its family (the path segment after /api/v1/) in grid B.
std::map<std::string, std::string> ParamsFor(const Route& route, const std::map<std::string, std::string>& ids,
                                             const std::map<std::string, std::string>& fixed) {
  std::map<std::string, std::string> params = fixed;
  // The family: /api/v1/<family>/{id}..., or /api/v1/public/<family>/{id}... for public copies.
  const std::size_t at = route.segments.size() > 3 && route.segments[2] == "public" ? 3 : 2;
  if (route.segments.size() > at) {
    auto it = ids.find(route.segments[at]);
    if (it != ids.end()) params["id"] = it->second;
  }
  return params;
}

std::string Fill(const Route& route, const std::map<std::string, std::string>& params) {
  std::string path;
  for (const auto& seg : route.segments) {
    path += '/';
    if (seg.size() > 2 && seg.front() == '{') {
      auto it = params.find(seg.substr(1, seg.size() - 2));
      if (it == params.end()) {
        ADD_FAILURE() << route.method << " " << route.pattern << ": scope_walk_test does not know how to "
                      << "fill parameter " << seg << "; teach it (ForeignParams)";
        return {};
      }
      path += it->second;
    } else {
      path += seg;
    }
  }
  return path;
}

void ExpectNoSecret(const Response& r, const std::string& what) {
  // /metrics prints request durations with many digits: a numeric secret ("5678") turns up in
  // them by chance about one run in ten. Its labels are route patterns, checked for the others.
  const bool metrics = what.rfind("GET /metrics", 0) == 0;
  for (const auto& s : kSecrets) {
    if (metrics && s.size() <= 4 && s.find_first_not_of("0123456789X") == std::string::npos) continue;
    EXPECT_EQ(r.body.find(s), std::string::npos) << what << " leaked '" << s << "': " << r.body.substr(0, 300);
  }
}

TEST(ScopeWalk, EveryRouteRefusesAnonymousAndForeignCallers) {
  TestCity city("scopewalk");
  auto ids = city.SeedGridB();
  const auto fixed = ForeignParams(city, ids);
  const auto& routes = city.app->router().routes();
  ASSERT_GT(routes.size(), 5u);
  for (const Route& route : routes) {
    const std::string name = route.method + " " + route.pattern;
    std::string path = Fill(route, ParamsFor(route, ids, fixed));
    if (path.empty()) continue;
    const std::string target = path + kForeignQuery;
    const std::string body = "{}";

    // Anonymous: every non-public route answers 401 and shows nothing.
    auto anon = city.Call(route.method, target, route.method == "GET" ? "" : body);
    if (!kPublicRoutes.count(name)) {
      EXPECT_EQ(route.access, Access::kUser) << name << " is public but not in the reviewed public list";
      EXPECT_EQ(anon.status, 401) << name;
    }
    ExpectNoSecret(anon, name + " (anonymous)");

    // A grid worker of grid A: nothing about grid B, whatever the route.
    auto ga = city.LogIn("ga");
    ASSERT_FALSE(ga.cookie.empty());
    auto foreign = city.Call(route.method, target, route.method == "GET" ? "" : body, ga.cookie, ga.csrf);
    ExpectNoSecret(foreign, name + " (foreign grid worker)");
    // A scoped route aimed at grid B's record is 404; a reviewed public one may serve it.
    if (!kPublicRoutes.count(name) &&
        (route.pattern.find("{code}") != std::string::npos || route.pattern.find("{id}") != std::string::npos)) {
      EXPECT_EQ(foreign.status, 404) << name << ": " << foreign.body;
    }
  }
}

TEST(ScopeWalk, AReporterReachesItsRoutesOnly) {
  // A part-time reporter of 金华社区 (which holds grid B): every route not marked for reporters
  // answers 403 before its handler; the marked ones answer only what is the reporter's own —
  // grid B's welfare subject is not assigned to them, its case and visit are not theirs.
  TestCity city("scopewalk_reporter");
  auto ids = city.SeedGridB();
  const auto fixed = ForeignParams(city, ids);
  auto rider = city.LogIn("rider");
  ASSERT_FALSE(rider.cookie.empty());
  int reporter_routes = 0;
  for (const Route& route : city.app->router().routes()) {
    if (route.access != Access::kUser) continue;
    const std::string name = route.method + " " + route.pattern;
    std::string path = Fill(route, ParamsFor(route, ids, fixed));
    if (path.empty()) continue;
    auto r = city.Call(route.method, path + kForeignQuery, route.method == "GET" ? "" : "{}", rider.cookie, rider.csrf);
    ExpectNoSecret(r, name + " (reporter)");
    if (!route.reporter) {
      EXPECT_EQ(r.status, 403) << name << ": " << r.body;
      continue;
    }
    ++reporter_routes;
    if (route.pattern.find('{') != std::string::npos) {
      EXPECT_EQ(r.status, 404) << name << ": " << r.body;
    } else if (route.method == "GET") {
      EXPECT_EQ(r.status, 200) << name << ": " << r.body;
    }
    if (name == "DELETE /api/v1/session") rider = city.LogIn("rider");
  }
  EXPECT_GE(reporter_routes, 9);
  // The reporter's own queue is empty: grid B's case was reported by gb.
  auto mine = city.Call("GET", "/api/v1/cases", "", rider.cookie);
  EXPECT_EQ(nlohmann::json::parse(mine.body)["total"], 0);
}

TEST(ScopeWalk, TheOwnerDoesSeeIt) {
  // The same requests made by B's own grid worker succeed: the walk above can fail.
  TestCity city("scopewalk_owner");
  auto ids = city.SeedGridB();
  const auto fixed = ForeignParams(city, ids);
  auto gb = city.LogIn("gb");
  // No grid owns a project: grid B's project belongs to 金华社区, whose staff own its routes; the
  // public ones serve it once it is published.
  auto jin = city.LogIn("jin");
  auto alice = city.LogIn("alice");
  ASSERT_TRUE(city.store->SetProjectPublished(model::Scope::System(), std::stoll(ids["projects"]), true, 0,
                                              city.clock.Now()).ok());
  for (const Route& route : city.app->router().routes()) {
    if (route.method != "GET" || (route.pattern.find("{code}") == std::string::npos &&
                                  route.pattern.find("{id}") == std::string::npos)) continue;
    const bool project = route.pattern.find("/projects/") != std::string::npos ||
                         route.pattern.find("/complaint-sessions/") != std::string::npos;
    // Volunteers serve a community (丙社区), whose staff — here the city's alice — own them.
    // So do the mediation organisations and mediators (of 丙社区).
    const bool volunteer = route.pattern.find("/volunteer") != std::string::npos ||
                           route.pattern.find("/mediation/") != std::string::npos;
    auto r = city.Call("GET", Fill(route, ParamsFor(route, ids, fixed)) + kForeignQuery, "",
                       project ? jin.cookie : volunteer ? alice.cookie : gb.cookie);
    // Grid B's case is a 随手拍 case: its owner is told it has no agreement (409), where the
    // foreign grid worker was told there is no case (404).
    const int expected = route.pattern == "/api/v1/cases/{id}/agreement.pdf" ? 409 : 200;
    EXPECT_EQ(r.status, expected) << route.pattern << ": " << r.body;
  }
  auto r = city.Call("GET", std::string("/api/v1/grids/locate") + kForeignQuery, "", gb.cookie);
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("乙网格"), std::string::npos);
}

}  // namespace
}  // namespace cg::api
