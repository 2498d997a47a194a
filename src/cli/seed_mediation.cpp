#include "cli/seed_mediation.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <map>
#include <set>

#include "api/app.hpp"
#include "cli/seed_cases.hpp"
#include "demo/population.hpp"

namespace cg::cli {
namespace {

constexpr Timestamp kDay = 86'400'000;
constexpr Timestamp kHour = 3'600'000;
constexpr char kWudangzhao[] = "150205101";

constexpr std::array<const char*, 8> kIndustries = {"医疗纠纷", "道路交通事故纠纷", "劳动争议", "物业纠纷",
                                                    "婚姻家庭纠纷", "消费纠纷", "金融纠纷", "知识产权纠纷"};
constexpr std::array<const char*, 11> kCategories = {"neighbour", "family", "property", "labour", "land",   "debt",
                                                     "damages",   "traffic", "medical", "consumer", "other"};
// Industrial parks without residents: their disputes go to the district centre.
const std::set<std::string> kNoCentre = {"150202400", "150204401"};

// "市府东路街道" -> "市府东路"; "五当召镇" -> "五当召".
std::string ShortName(std::string name) {
  for (const char* suffix : {"街道办事处", "街道", "办事处", "苏木", "镇", "乡"}) {
    const std::string s = suffix;
    if (name.size() > s.size() && name.compare(name.size() - s.size(), s.size(), s) == 0) {
      return name.substr(0, name.size() - s.size());
    }
  }
  return name;
}

struct Registry {
  std::vector<store::MediationOrg> orgs;
  std::vector<store::MediationRoom> rooms;
  std::vector<store::Mediator> mediators;
  std::set<std::string> names;
  std::map<std::pair<std::string, std::string>, std::string> by_unit;  // (code, kind) -> name
  std::uint64_t people = 0;

  // A unique organisation or room name: `name`, or with `prefix` in front when it is taken (and
  // a number after it when that is taken too).
  std::string Unique(const std::string& name, const std::string& prefix) {
    std::string n = names.count(name) ? prefix + name : name;
    for (int i = 2; names.count(n); ++i) n = prefix + name + "（" + std::to_string(i) + "）";
    names.insert(n);
    return n;
  }
  void Org(const model::OrgUnit& unit, const std::string& kind, const std::string& name, const std::string& field,
           int mediator_count) {
    store::MediationOrg o;
    o.unit_code = unit.code;
    o.kind = kind;
    o.name = name;
    o.field = field;
    o.address = unit.name + (kind == "community_committee" ? "党群服务中心" : "矛调中心");
    o.phone = fmt::format("0472-{:07d}", 2100000 + orgs.size() * 37 % 7000000);
    orgs.push_back(o);
    by_unit[{unit.code, kind}] = name;
    for (int i = 0; i < mediator_count; ++i) {
      store::Mediator m;
      m.org_name = name;
      m.name = demo::SyntheticName(++people);
      m.specialities = {kCategories[people % kCategories.size()], kCategories[(people * 7 + 3) % kCategories.size()]};
      if (m.specialities[0] == m.specialities[1]) m.specialities.pop_back();
      mediators.push_back(m);
    }
  }
};

}  // namespace

Status SeedMediation(store::Store& store, const Config& config, const Clock& clock) {
  const auto sys = model::Scope::System();
  auto existing = store.ListMediationOrgs(sys, {}, {1, 0});
  if (!existing.ok()) return existing.error();
  if (existing->total > 0) return {};
  auto city = store.GetOrgUnit(sys, "1502", false);
  if (!city.ok()) return city.error();
  auto list = [&](model::OrgKind kind) -> Result<std::vector<model::OrgUnit>> {
    auto r = store.ListDescendants(sys, "1502", kind, false, {100'000, 0});
    if (!r.ok()) return r.error();
    return r->items;
  };
  auto districts = list(model::OrgKind::kDistrict);
  auto streets = list(model::OrgKind::kStreet);
  auto towns = list(model::OrgKind::kTown);
  auto communities = list(model::OrgKind::kCommunity);
  auto villages = list(model::OrgKind::kVillage);
  for (auto* r : {&districts, &streets, &towns, &communities, &villages}) {
    if (!r->ok()) return r->error();
  }
  std::map<std::string, std::string> names;  // code -> name, for prefixes
  for (auto* r : {&districts, &streets, &towns, &communities, &villages})
    for (const auto& u : **r) names[u.code] = u.name;

  Registry reg;
  std::vector<model::OrgUnit> levels2 = *streets;  // streets before towns (the police order)
  levels2.insert(levels2.end(), towns->begin(), towns->end());
  std::vector<model::OrgUnit> local = *communities;
  local.insert(local.end(), villages->begin(), villages->end());
  std::sort(local.begin(), local.end(), [](const auto& a, const auto& b) { return a.code < b.code; });

  // 矛调中心: city, districts, streets/towns.
  reg.Org(*city, "city_centre", reg.Unique("包头市矛盾纠纷调处化解中心", ""), "", 5);
  for (const auto& d : *districts) reg.Org(d, "district_centre", reg.Unique(d.name + "矛盾纠纷调处化解中心", ""), "", 5);
  std::vector<model::OrgUnit> by_code = levels2;
  std::sort(by_code.begin(), by_code.end(), [](const auto& a, const auto& b) { return a.code < b.code; });
  std::vector<std::string> street_centres;
  for (const auto& s : by_code) {
    if (kNoCentre.count(s.code)) continue;
    const std::string name = reg.Unique(s.name + "矛盾纠纷调处化解中心", names[s.code.substr(0, 6)]);
    reg.Org(s, "street_centre", name, "", 5);
    street_centres.push_back(name);
  }
  // People's mediation committees.
  for (const auto& s : by_code) reg.Org(s, "street_committee", reg.Unique(s.name + "人民调解委员会", names[s.code.substr(0, 6)]), "", 3);
  for (const auto& c : local) reg.Org(c, "community_committee", reg.Unique(c.name + "人民调解委员会", names[c.code.substr(0, 9)]), "", 3);
  // Industry committees at the city and each district.
  std::vector<model::OrgUnit> upper{*city};
  upper.insert(upper.end(), districts->begin(), districts->end());
  for (const auto& u : upper)
    for (const char* field : kIndustries) reg.Org(u, "industry", reg.Unique(u.name + field + "人民调解委员会", ""), field, 4);

  // Brand rooms: named after a mediator of the street centre (the centre's first mediator).
  for (std::size_t i = 0; i < street_centres.size() && i < 81; ++i) {
    const auto& name = street_centres[i];
    auto org = std::find_if(reg.orgs.begin(), reg.orgs.end(), [&](const auto& o) { return o.name == name; });
    auto med = std::find_if(reg.mediators.begin(), reg.mediators.end(), [&](const auto& m) { return m.org_name == name; });
    store::MediationRoom r;
    r.org_name = name;
    r.unit_code = org->unit_code;
    r.kind = "brand";
    r.name = reg.Unique(std::string(med->name) + "调解工作室", ShortName(names[org->unit_code]));
    r.address = names[org->unit_code] + "矛调中心一楼";
    reg.rooms.push_back(r);
  }
  // Police–mediation rooms at the police stations of the first 70 streets/towns.
  for (std::size_t i = 0, made = 0; i < levels2.size() && made < 70; ++i) {
    const auto& s = levels2[i];
    if (kNoCentre.count(s.code)) continue;
    const std::string district = names[s.code.substr(0, 6)];
    store::MediationRoom r;
    r.org_name = reg.by_unit[{s.code, "street_committee"}];
    r.unit_code = s.code;
    r.kind = "police";
    r.station = ShortName(district) + "公安分局" + ShortName(s.name) + "派出所";
    r.name = reg.Unique(r.station + "公调对接室", s.code.substr(6) + "号");
    r.address = r.station + "一楼";
    reg.rooms.push_back(r);
    ++made;
  }
  // 1㎡ tables in the communities (not villages).
  for (const auto& c : *communities) {
    store::MediationRoom r;
    r.org_name = reg.by_unit[{c.code, "community_committee"}];
    r.unit_code = c.code;
    r.kind = "table";
    r.name = reg.Unique(r.org_name.substr(0, r.org_name.size() - std::string("人民调解委员会").size()) + "一平米调解桌",
                        names[c.code.substr(0, 9)]);
    r.address = c.name + "党群服务中心";
    reg.rooms.push_back(r);
  }
  // The demo mediators with accounts.
  for (auto [username, unit] : {std::pair{"wdz_mediator", kWudangzhao}, std::pair{"jinhua", "150203010008"}}) {
    auto user = store.FindUserByUsername(username);
    if (!user.ok()) return user.error();
    std::string org = reg.by_unit[{unit, "street_committee"}];
    if (org.empty()) org = reg.by_unit[{unit, "community_committee"}];
    if (org.empty()) return MakeError(ErrorCode::kNotFound, std::string("no committee at ") + unit);
    store::Mediator m;
    m.org_name = org;
    m.name = user->display_name;
    m.user_id = user->id;
    m.specialities = {"neighbour", "land", "family"};
    reg.mediators.push_back(m);
  }
  auto written = store.SeedMediationRegistry(reg.orgs, reg.rooms, reg.mediators, clock.Now());
  if (!written.ok()) return written.error();

  // Three disputes of 五当召镇, opened by its villages' committees and referred up as complex.
  auto mediator = store.FindUserByUsername("wdz_mediator");
  auto town = store.FindUserByUsername("wdz_mayor");
  if (!mediator.ok() || !town.ok()) return MakeError(ErrorCode::kNotFound, "demo accounts of 五当召镇 missing");
  auto calendar = cases::Calendar::LoadDirectory(config.data_root + "/calendar");
  if (!calendar.ok()) return calendar.error();
  auto registry = cases::CaseTypeRegistry::LoadDirectory(config.data_root + "/case-types");
  if (!registry.ok()) return registry.error();
  const cases::CaseType* type = registry->Find("mediation");
  if (!type) return MakeError(ErrorCode::kInvalid, "case type 'mediation' is missing from " + config.data_root);
  auto village = std::find_if(villages->begin(), villages->end(), [](const auto& v) { return v.code.starts_with(kWudangzhao); });
  if (village == villages->end()) return {};
  const Timestamp day = (clock.Now() + 8 * kHour) / kDay * kDay - 8 * kHour;
  ManualClock at(day);
  api::App app(store, at, config);
  if (auto st = app.LoadCaseData(); !st.ok()) return st;
  const cases::Actor staff{town->id, model::Role::kStaff, kWudangzhao};
  const cases::Actor med{mediator->id, model::Role::kStaff, kWudangzhao};
  struct Dispute {
    const char* category;
    const char* text;
    const char* applicant;
    const char* respondent;
    int days_ago;
    int stage;  // 0 accepted at the town, 1 mediating with a session, 2 agreed
  };
  const Dispute disputes[] = {
      {"land", "两户村民因承包地边界种植发生争执，双方各执一词，村委会调解未果。", "乌云", "张福生", 12, 2},
      {"neighbour", "邻居院墙排水沟堵塞导致雨水倒灌，双方多次争吵。", "刘桂芳", "王铁柱", 6, 1},
      {"family", "老人赡养费用分担问题，兄妹三人意见不一。", "李秀兰", "李建军", 2, 0},
  };
  int n = 0;
  for (const auto& d : disputes) {
    const Timestamp t0 = day - d.days_ago * kDay + 9 * kHour;
    at.Set(t0);
    api::CaseSubmission sub;
    sub.type = "mediation";
    sub.category = d.category;
    sub.grid_code = village->code;
    sub.fields = {{"description", d.text},          {"source", "community"},      {"applicant_kind", "person"},
                  {"applicant_name", d.applicant},  {"respondent_kind", "person"}, {"respondent_name", d.respondent},
                  {"applicant_address", village->name}};
    sub.reporter = cases::Actor{town->id, model::Role::kStaff, kWudangzhao};
    sub.idempotency_key = fmt::format("demo-mediation:{}", ++n);
    auto created = app.SubmitCase(sub);
    if (!created.ok()) return created.error();
    const std::string id = created->record.c.id;
    auto take = [&](const std::string& tr, const cases::Actor& a, std::map<std::string, std::string> in, Timestamp w) {
      return TakeTransition(store.Cases(), *type, *calendar, id, tr, a, std::move(in), w);
    };
    CG_RETURN_IF_ERROR(take("accept", staff, {{"applicant_consent", "true"}, {"respondent_consent", "true"}}, t0 + kHour));
    CG_RETURN_IF_ERROR(take("mark_complex", staff, {{"note", "涉及多户，提交镇人民调解委员会调解"}}, t0 + 2 * kHour));
    if (d.stage == 0) continue;
    CG_RETURN_IF_ERROR(take("assign", staff, {{"mediator_user_id", std::to_string(mediator->id)}}, t0 + 3 * kHour));
    const Date session_day = DateAt(t0 + kDay);
    CG_RETURN_IF_ERROR(take("record_session", med,
                            {{"session_date", FormatDate(session_day)},
                             {"session_place", "五当召镇人民调解委员会调解室"},
                             {"session_attendees", std::string(d.applicant) + "、" + d.respondent + "、村委会主任"},
                             {"session_summary", "双方陈述事实，调解员释明法律规定，约定下次现场勘查。"}},
                            t0 + kDay + 6 * kHour));
    if (d.stage == 1) continue;
    CG_RETURN_IF_ERROR(take("agree", med,
                            {{"agreement_terms", "一、以村委会存档的二轮承包合同四至为界，双方于本月内共同埋设界桩。\n"
                                                 "二、张福生补偿乌云青苗损失800元，于协议签订之日起十日内付清。\n"
                                                 "三、双方今后不得越界耕种。"},
                             {"agreement_date", FormatDate(DateAt(t0 + 3 * kDay))},
                             {"performance", "by_term"}},
                            t0 + 3 * kDay + 7 * kHour));
  }
  return {};
}

}  // namespace cg::cli
