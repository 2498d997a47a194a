#include "cli/seed_complaints.hpp"

#include "cli/seed_cases.hpp"

#include "api/app.hpp"
#include "cases/calendar.hpp"
#include "cases/engine.hpp"
#include "store/case_store.hpp"

#include <fmt/format.h>

namespace cg::cli {
namespace {

constexpr Timestamp kDay = 86'400'000;
constexpr Timestamp kHour = 3'600'000;
constexpr char kChangsheng[] = "150202002016";
constexpr char kJinhua[] = "150203010008";

struct Seeded {
  const char* category;
  const char* text;
  const char* resident;  // the name given in person ("" none)
  const char* accept;    // "" stays registered
  const char* reply;     // "" stays open
};

// 长胜街社区's session: what residents raised, and what came of it.
constexpr Seeded kChangshengComplaints[] = {
    {"environment", "垃圾分类点夏天异味大，清运不及时，楼下住户不敢开窗。", "李阿姨", "x",
     "已协调环卫所将清运改为每日早晚两次，分类点加装除臭喷淋，社区每周巡查。"},
    {"parking", "晚上小区里乱停车，消防通道经常被堵，救护车进不来。", "", "x",
     "已施划消防通道黄色标线并设置禁停牌，物业晚间巡查劝离，屡次违停的通知车主挪车。"},
    {"property", "3栋2单元楼道灯坏了两个月，物业一直不修。", "王师傅", "",
     "物业已更换3栋全部楼道灯共12盏，并公布报修电话，48小时内上门。"},
    {"services", "小区附近没有公交站，老人去医院要走很远。", "", "x",
     "已向区交通运输局反映，15路公交在长胜街口增设站点，下月起运营。"},
    {"safety", "小区北侧围墙开裂倾斜，孩子常在旁边玩，担心倒塌。", "赵大爷", "x", ""},
    {"elderly_care", "希望社区食堂能给行动不便的老人送餐。", "", "x", ""},
    {"property", "7栋电梯三天两头故障，上个月关人两次。", "孙女士", "", ""},
    {"other", "希望在小区空地增加儿童游乐设施。", "", "", ""},
};

}  // namespace

Status SeedComplaints(store::Store& store, const Config& config, const Clock& clock) {
  const auto sys = model::Scope::System();
  auto existing = store.ListComplaintSessions(sys, "1502", clock.Now(), {1, 0});
  if (!existing.ok()) return existing.error();
  if (existing->total > 0) return {};
  auto changsheng = store.FindUserByUsername("changsheng");
  if (!changsheng.ok()) return changsheng.error();
  auto jinhua = store.FindUserByUsername("jinhua");
  if (!jinhua.ok()) return jinhua.error();
  auto resident = store.FindUserByUsername("resident_verified");
  if (!resident.ok()) return resident.error();
  auto calendar = cases::Calendar::LoadDirectory(config.data_root + "/calendar");
  if (!calendar.ok()) return calendar.error();
  auto registry = cases::CaseTypeRegistry::LoadDirectory(config.data_root + "/case-types");
  if (!registry.ok()) return registry.error();
  const cases::CaseType* type = registry->Find("complaint");
  if (!type) return MakeError(ErrorCode::kInvalid, "case type 'complaint' is missing from " + config.data_root);

  // The seeding day at 00:00 China time (UTC+8), so the seed is the same all day.
  const Timestamp day = (clock.Now() + 8 * kHour) / kDay * kDay - 8 * kHour;
  ManualClock at(day);
  api::App app(store, at, config);  // opens each case as the API would (routing, calendar, store)
  if (auto st = app.LoadCaseData(); !st.ok()) return st;

  // Opens the case of a complaint at `when` and links it, as POST .../complaints does.
  auto raise = [&](const store::ComplaintSession& s, store::Complaint c, const model::User& by,
                   Timestamp when) -> Result<store::CreatedCase> {
    at.Set(when);
    c.session_id = s.id;
    c.user_id = by.id;
    c.created_at = when;
    auto added = store.AddComplaint(c, 5);
    if (!added.ok()) return added.error();
    api::CaseSubmission sub;
    sub.type = "complaint";
    sub.category = c.category;
    sub.grid_code = s.org_code;
    sub.fields = {{"description", c.body}, {"session_unit_code", s.org_code}, {"session_id", std::to_string(s.id)},
                  {"session_title", s.title}, {"channel", c.channel}};
    // At the middle of the session's unit (its bounding box), as the API places it.
    if (auto unit = store.GetOrgUnit(sys, s.org_code, false); unit.ok() && !unit->bbox.Empty()) {
      sub.fields["location"] = fmt::format("{:.6f},{:.6f}", (unit->bbox.min_lon + unit->bbox.max_lon) / 2,
                                           (unit->bbox.min_lat + unit->bbox.max_lat) / 2);
    }
    sub.reporter = cases::Actor{by.id, by.role, by.scope_code};
    sub.idempotency_key = "complaint:" + std::to_string(added->id);
    auto created = app.SubmitCase(sub);
    if (!created.ok()) return created.error();
    if (auto l = store.LinkComplaintCase(s.id, added->id, created->record.public_id); !l.ok()) return l.error();
    return created;
  };
  // Takes a transition of the complaint type on a stored case at `when` as `actor`.
  auto take = [&](const std::string& case_id, const std::string& transition, const cases::Actor& actor,
                  std::map<std::string, std::string> input, Timestamp when) {
    return TakeTransition(store.Cases(), *type, *calendar, case_id, transition, actor, std::move(input), when);
  };

  store::ComplaintSession held;
  held.org_code = kChangsheng;
  held.title = "长胜街社区居民吐槽大会";
  held.place = "长胜街社区党群服务中心二楼会议室";
  held.held_at = day - 11 * kDay + 19 * kHour;  // 19:00 China time
  held.opens_at = held.held_at - 7 * kDay;
  held.closes_at = held.held_at;
  held.created_by = changsheng->id;
  held.created_at = held.opens_at - kDay;
  auto s = store.CreateComplaintSession(sys, held);
  if (!s.ok()) return s.error();
  const cases::Actor staff{changsheng->id, model::Role::kStaff, kChangsheng};
  Timestamp t = held.held_at;
  for (const auto& k : kChangshengComplaints) {
    store::Complaint c;
    c.body = k.text;
    c.category = k.category;
    c.channel = "in_person";
    c.resident_name = k.resident;
    t += 5 * 60'000;
    auto created = raise(*s, c, *changsheng, t);
    if (!created.ok()) return created.error();
    const std::string id = created->record.c.id;
    if (*k.accept) {
      if (auto st = take(id, "accept", staff, {}, held.held_at + kDay + 2 * kHour); !st.ok()) return st;
    }
    if (*k.reply) {
      if (auto st = take(id, "rectify", staff, {{"reply", k.reply}}, held.held_at + 6 * kDay + 3 * kHour); !st.ok()) {
        return st;
      }
    }
  }

  store::ComplaintSession upcoming;
  upcoming.org_code = kJinhua;
  upcoming.title = "金华社区第二季度居民吐槽大会";
  upcoming.place = "金华社区党群服务中心议事厅";
  upcoming.held_at = day + 7 * kDay + 19 * kHour;  // 19:00 China time
  upcoming.opens_at = day - 3 * kDay;
  upcoming.closes_at = upcoming.held_at;
  upcoming.created_by = jinhua->id;
  upcoming.created_at = day - 4 * kDay;
  auto u = store.CreateComplaintSession(sys, upcoming);
  if (!u.ok()) return u.error();
  store::Complaint online;
  online.body = "小区东门外早市占道经营，早上车辆和行人都过不去。";
  online.category = "environment";
  online.channel = "online";
  if (auto r = raise(*u, online, *resident, day - 2 * kDay + 2 * kHour); !r.ok()) return r.error();
  return {};
}

}  // namespace cg::cli
