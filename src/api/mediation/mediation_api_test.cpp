// Dispute mediation over HTTP: the registry kept and read through scopes; a police-referred
// dispute mediated to an agreement — the referring room's station filled in, ID numbers sealed
// and masked, consent required, only a mediator of the case's unit assigned, sessions on the
// timeline, the agreement PDF read back with pdftotext, the outcome reported to the police
// room's unit — and the 30-day confirmation window closing; every refusal a 4xx writing nothing.
#include <gtest/gtest.h>

#include "api/test_city.hpp"
#include "pdf/testing.hpp"

namespace cg::api {
namespace {

using testing::TestCity;

nlohmann::json Json(const Response& r) { return nlohmann::json::parse(r.body, nullptr, false); }

constexpr Timestamp kDay = 86'400'000;

std::string Message(const Response& r) {
  auto j = Json(r);
  return j.is_object() && j.contains("error") ? j["error"]["message"].get<std::string>() : r.body;
}

TEST(MediationApi, PoliceReferralToAgreementAndTheWindow) {
  TestCity city("mediation_api");
  model::User street;
  street.username = "sfd";
  street.role = model::Role::kStaff;
  street.scope_code = "150203010";
  street.password_hash = *auth::HashPassword("password-1");
  ASSERT_TRUE(city.store->CreateUser(street).ok());
  auto alice = city.LogIn("alice");
  auto jin = city.LogIn("jin");
  auto ga = city.LogIn("ga");
  auto rita = city.LogIn("rita");
  const std::int64_t jin_id = city.store->FindUserByUsername("jin")->id;
  const std::int64_t ga_id = city.store->FindUserByUsername("ga")->id;

  // The registry: a community committee, a street centre with a police room, a mediator.
  auto post = [&](const TestCity::Login& who, const std::string& path, const nlohmann::json& body) {
    return city.Call("POST", path, body.dump(), who.cookie, who.csrf);
  };
  EXPECT_EQ(post(ga, "/api/v1/mediation/organizations",
                 {{"unit_code", "150203010008"}, {"kind", "community_committee"}, {"name", "x"}})
                .status,
            403);
  EXPECT_EQ(post(jin, "/api/v1/mediation/organizations",
                 {{"unit_code", "150203010"}, {"kind", "street_centre"}, {"name", "越权中心"}})
                .status,
            404);
  auto bad_kind = post(jin, "/api/v1/mediation/organizations",
                       {{"unit_code", "150203010008"}, {"kind", "club"}, {"name", "x"}});
  EXPECT_EQ(bad_kind.status, 400);
  EXPECT_NE(Message(bad_kind).find("kind"), std::string::npos);
  auto committee = post(jin, "/api/v1/mediation/organizations",
                        {{"unit_code", "150203010008"}, {"kind", "community_committee"}, {"name", "金华社区人民调解委员会"}});
  ASSERT_EQ(committee.status, 201) << committee.body;
  auto centre = post(alice, "/api/v1/mediation/organizations",
                     {{"unit_code", "150203010"}, {"kind", "street_centre"}, {"name", "市府东路街道矛调中心"}});
  ASSERT_EQ(centre.status, 201) << centre.body;
  auto police = post(alice, "/api/v1/mediation/rooms",
                     {{"org_id", Json(centre)["id"]}, {"unit_code", "150203010"}, {"kind", "police"},
                      {"name", "少先路派出所公调对接室"}, {"station", "昆都仑公安分局少先路派出所"}});
  ASSERT_EQ(police.status, 201) << police.body;
  auto brand = post(alice, "/api/v1/mediation/rooms",
                    {{"org_id", Json(centre)["id"]}, {"unit_code", "150203010"}, {"kind", "brand"}, {"name", "老娘舅调解室"}});
  ASSERT_EQ(brand.status, 201) << brand.body;
  EXPECT_EQ(post(jin, "/api/v1/mediation/mediators",
                 {{"org_id", Json(committee)["id"]}, {"name", "王秀英"}, {"specialities", {"gossip"}}})
                .status,
            400);
  ASSERT_EQ(post(jin, "/api/v1/mediation/mediators",
                 {{"org_id", Json(committee)["id"]}, {"name", "王秀英"}, {"specialities", {"neighbour"}}, {"user_id", jin_id}})
                .status,
            201);

  auto orgs = Json(city.Call("GET", "/api/v1/mediation/organizations", "", jin.cookie));
  EXPECT_EQ(orgs["total"], 2) << "jin sees the community's own and the street centre above";
  EXPECT_EQ(Json(city.Call("GET", "/api/v1/mediation/organizations?under=150203010008", "", jin.cookie))["total"], 1);
  auto ga_rooms = Json(city.Call("GET", "/api/v1/mediation/rooms?kind=police", "", ga.cookie));
  EXPECT_EQ(ga_rooms["total"], 1) << "the police room of the grid's street";
  EXPECT_EQ(city.Call("GET", "/api/v1/mediation/organizations?under=150203010", "", jin.cookie).status, 404);
  EXPECT_EQ(city.Call("GET", "/api/v1/mediation/rooms?kind=cell", "", alice.cookie).status, 400);
  auto rooms = Json(city.Call("GET", "/api/v1/mediation/rooms?under=150203010&kind=police", "", alice.cookie));
  ASSERT_EQ(rooms["total"], 1);
  EXPECT_EQ(rooms["items"][0]["kind_name"], "公调对接室");
  EXPECT_EQ(city.Call("GET", "/api/v1/mediation/mediators", "", rita.cookie).status, 403);

  // The referral: bad input is refused with nothing written.
  const std::string id_number = model::MakeResidentId("150203", Date{1962, 4, 18}, 35);
  nlohmann::json referral = {
      {"type", "mediation"},
      {"category", "neighbour"},
      {"grid_code", "150203010008001"},
      {"description", "楼上卫生间漏水，双方对维修费用有争议，派出所出警后移送调解"},
      {"fields",
       {{"source", "police_referral"}, {"police_room_id", std::to_string(Json(police)["id"].get<std::int64_t>())},
        {"police_case_no", "J150203202606010001"}, {"applicant_kind", "person"}, {"applicant_name", "张桂兰"},
        {"applicant_id_number", id_number}, {"applicant_phone", "13847261234"}, {"respondent_kind", "person"},
        {"respondent_name", "李建国"}}}};
  auto bad = referral;
  bad["fields"]["applicant_id_number"] = id_number.substr(0, 17) + (id_number[17] == '1' ? "2" : "1");
  auto r = post(jin, "/api/v1/cases", bad);
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_NE(Message(r).find("applicant_id_number"), std::string::npos) << r.body;
  bad = referral;
  bad["fields"]["police_room_id"] = std::to_string(Json(brand)["id"].get<std::int64_t>());
  r = post(jin, "/api/v1/cases", bad);
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_NE(Message(r).find("police_room_id"), std::string::npos) << r.body;
  bad = referral;
  bad["fields"].erase("police_room_id");
  r = post(jin, "/api/v1/cases", bad);
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_NE(Message(r).find("police_station"), std::string::npos) << r.body;
  EXPECT_EQ(Json(city.Call("GET", "/api/v1/cases?type=mediation", "", jin.cookie))["total"], 0) << "nothing written";

  auto created = post(jin, "/api/v1/cases", referral);
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string id = Json(created)["id"];
  const std::string path = "/api/v1/cases/" + id;
  auto kase = Json(city.Call("GET", path, "", jin.cookie));
  EXPECT_EQ(kase["fields"]["police_station"], "昆都仑公安分局少先路派出所") << "filled from the room";
  EXPECT_EQ(kase["fields"]["applicant_id_number"].get<std::string>().find(id_number.substr(6, 8)), std::string::npos)
      << "the ID number is masked";
  EXPECT_EQ(kase["handling_unit_code"], "150203010008");
  auto unmasked = post(jin, path + "/unmask", {{"field", "applicant_id_number"}, {"reason", "制作调解协议书核对身份"}});
  ASSERT_EQ(unmasked.status, 200) << unmasked.body;
  EXPECT_EQ(Json(unmasked)["value"], id_number);

  auto step = [&](const TestCity::Login& who, const std::string& transition, const nlohmann::json& input) {
    auto current = Json(city.Call("GET", path, "", who.cookie));
    return post(who, path + "/transitions/" + transition, {{"input", input}, {"version", current["version"]}});
  };
  r = step(jin, "accept", {{"applicant_consent", "true"}, {"respondent_consent", "false"}});
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(Message(r).find("respondent_consent"), std::string::npos) << r.body;
  EXPECT_EQ(Json(city.Call("GET", path, "", jin.cookie))["state"], "applied") << "nothing changed";
  ASSERT_EQ(step(jin, "accept", {{"applicant_consent", "true"}, {"respondent_consent", "true"}}).status, 200);
  r = step(jin, "assign", {{"mediator_user_id", std::to_string(ga_id)}});
  EXPECT_EQ(r.status, 400) << "a grid worker is no mediator: " << r.body;
  EXPECT_NE(Message(r).find("not an active mediator"), std::string::npos);
  EXPECT_EQ(Json(city.Call("GET", path, "", jin.cookie))["state"], "accepted");
  ASSERT_EQ(step(jin, "assign", {{"mediator_user_id", std::to_string(jin_id)}}).status, 200);
  ASSERT_EQ(step(jin, "record_session", {{"session_date", "2026-06-02"}, {"session_place", "金华社区调解室"},
                                         {"session_attendees", "张桂兰、李建国"}, {"session_summary", "双方陈述，查看漏水现场"}})
                .status,
            200);
  EXPECT_EQ(city.Call("GET", path + "/agreement.pdf", "", jin.cookie).status, 409) << "no agreement yet";
  r = step(jin, "agree", {{"agreement_date", "2026-06-03"}, {"performance", "by_term"}});
  EXPECT_EQ(r.status, 400) << "an agreement without terms";
  ASSERT_EQ(step(jin, "agree", {{"agreement_terms", "李建国于2026年6月13日前支付维修费1200元。"},
                                {"agreement_date", "2026-06-03"}, {"performance", "by_term"}})
                .status,
            200);
  kase = Json(city.Call("GET", path, "", jin.cookie));
  EXPECT_EQ(kase["state"], "agreed");
  bool session_kept = false;
  for (const auto& e : kase["timeline"])
    session_kept |= e["event"] == "record_session" && e["inputs"]["session_summary"] == "双方陈述，查看漏水现场";
  EXPECT_TRUE(session_kept) << kase["timeline"].dump();

  auto pdf = city.Call("GET", path + "/agreement.pdf", "", jin.cookie);
  ASSERT_EQ(pdf.status, 200) << pdf.body;
  EXPECT_EQ(pdf.content_type, "application/pdf");
  std::string text = pdf::testing::PdfText(pdf.body);
  std::erase(text, '\n');  // lines wrap where the page ends them
  for (const char* want : {"人民调解协议书", "张桂兰", "李建国", "支付维修费1200元", "金华社区人民调解委员会", "王秀英"})
    EXPECT_NE(text.find(want), std::string::npos) << want << " not in:\n" << text;
  EXPECT_EQ(text.find(id_number), std::string::npos) << "the document carries the masked number";
  EXPECT_EQ(city.Call("GET", path + "/agreement.pdf", "", rita.cookie).status, 404);

  // The police room's unit (the street) hears the outcome.
  auto sfd = city.LogIn("sfd");
  auto notes = Json(city.Call("GET", "/api/v1/notifications", "", sfd.cookie));
  bool told = false;
  for (const auto& n : notes["items"]) told |= n["case_id"] == id && n["event"] == "agree";
  EXPECT_TRUE(told) << notes.dump();

  // After day 30 no application for judicial confirmation is taken.
  city.clock.Set(city.clock.Now() + 31 * kDay);
  jin = city.LogIn("jin");
  r = step(jin, "apply_confirmation", {{"court", "昆都仑区人民法院"}, {"confirmation_applied_on", "2026-07-04"}});
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_NE(Message(r).find("until the deadline"), std::string::npos) << r.body;
  EXPECT_EQ(Json(city.Call("GET", path, "", jin.cookie))["state"], "agreed");
  ASSERT_EQ(step(jin, "window_ended", nlohmann::json::object()).status, 200);
  ASSERT_EQ(step(jin, "follow_up_visit", {{"visit_date", "2026-07-05"}, {"performed", "fully"}, {"visit_notes", "已付清"}})
                .status,
            200);
  EXPECT_EQ(Json(city.Call("GET", path, "", jin.cookie))["state"], "closed");
}

}  // namespace
}  // namespace cg::api
