#include "cli/seed_volunteers.hpp"

#include <array>

namespace cg::cli {
namespace {

constexpr Timestamp kHour = 3'600'000;
constexpr Timestamp kDay = 24 * kHour;

constexpr std::array<const char*, 8> kSkills = {"理发", "急救", "维修家电", "法律咨询", "书法", "陪伴老人", "垃圾分类宣传", "摄影"};

struct ActivitySpec {
  const char* title;
  const char* description;
  const char* place;
  const char* skill;
  int day;          // days from now (negative: past)
  int start_hour;   // local time
  int hours;
  int capacity;
};

// Local (UTC+8) midnight of the day `days` from now, plus `hour` hours.
Timestamp LocalAt(Timestamp now, int days, int hour) {
  const Timestamp local = now + 8 * kHour;
  const Timestamp midnight = local - local % kDay - 8 * kHour;
  return midnight + days * kDay + hour * kHour;
}

Status SeedCommunity(store::Store& store, Timestamp now, std::int64_t staff, const std::string& unit,
                     const std::vector<ActivitySpec>& specs, std::int64_t persons,
                     const std::vector<std::int64_t>& accounts) {
  const auto sys = model::Scope::System();
  store::RecordQuery q;
  q.entity = model::BaseEntity::kPerson;
  q.grid_prefix = unit;
  auto people = store.ListRecords(sys, q, {persons, 0});
  if (!people.ok()) return people.error();
  std::vector<std::int64_t> volunteers;
  for (std::size_t i = 0; i < people->items.size(); ++i) {
    const auto& p = people->items[i];
    store::Volunteer v;
    v.org_code = unit;
    v.person_id = p.id;
    const auto name = p.fields.find("name");
    v.name = name == p.fields.end() ? "志愿者" : name->second;
    v.skills = {kSkills[i % kSkills.size()], kSkills[(i * 3 + 1) % kSkills.size()]};
    v.registered_by = staff;
    v.registered_at = now - static_cast<Timestamp>(200 - i) * kDay;
    auto r = store.RegisterVolunteer(sys, v);
    if (!r.ok() && r.error().code != ErrorCode::kConflict) return r.error();  // a verified account's person
    if (r.ok()) volunteers.push_back(r->id);
  }
  for (std::int64_t id : accounts) volunteers.push_back(id);
  // A community without residents in the demo population still lists its activities.

  for (std::size_t k = 0; k < specs.size(); ++k) {
    const auto& s = specs[k];
    store::VolunteerActivity a;
    a.org_code = unit;
    a.title = s.title;
    a.description = s.description;
    a.place = s.place;
    a.skills = {s.skill};
    a.starts_at = LocalAt(now, s.day, s.start_hour);
    a.ends_at = a.starts_at + s.hours * kHour;
    a.capacity = s.capacity;
    a.created_by = staff;
    a.created_at = a.starts_at - 10 * kDay;
    auto created = store.CreateVolunteerActivity(sys, a);
    if (!created.ok()) return created.error();
    // Sign-ups in turn, from a different volunteer each activity; a past activity's confirmed
    // volunteers came, were checked in and have their hours (some stayed less).
    // Past and small activities filled up (with a waiting list of two), the larger upcoming
    // ones half full.
    const std::size_t places = static_cast<std::size_t>(s.capacity);
    const std::size_t wanted =
        std::min<std::size_t>(volunteers.size(), s.day < 0 || places <= 3 ? places + 2 : places / 2);
    for (std::size_t i = 0; i < wanted; ++i) {
      const std::int64_t vid = volunteers[(k * 5 + i) % volunteers.size()];
      auto up = store.SignUpVolunteer(created->id, vid, a.created_at + static_cast<Timestamp>(i + 1) * kHour);
      if (!up.ok()) return up.error();
      if (s.day >= 0 || up->signup.status != "confirmed") continue;
      if (auto c = store.CheckInVolunteer(created->id, vid, a.starts_at - 600'000); !c.ok()) return c.error();
      store::AuditEntry e;
      e.at = a.ends_at + kHour;
      e.actor_user_id = staff;
      e.action = "volunteer_minutes";
      e.entity = "volunteer";
      e.entity_id = vid;
      e.field = "minutes";
      const std::int64_t minutes = s.hours * 60 - (i % 4 == 3 ? 30 : 0);
      e.reason = "activity " + std::to_string(created->id) + ": " + std::to_string(minutes) + " minutes";
      if (auto m = store.RecordVolunteerMinutes(created->id, vid, minutes, e); !m.ok()) return m.error();
    }
  }
  return {};
}

}  // namespace

Status SeedVolunteers(store::Store& store, const Clock& clock) {
  const auto sys = model::Scope::System();
  auto existing = store.ListVolunteers(sys, "1502", {1, 0});
  if (!existing.ok()) return existing.error();
  if (existing->total > 0) return {};
  const Timestamp now = clock.Now();
  auto jinhua = store.FindUserByUsername("jinhua");
  auto changsheng = store.FindUserByUsername("changsheng");
  if (!jinhua.ok()) return jinhua.error();
  if (!changsheng.ok()) return changsheng.error();

  // The two resident accounts join 金华社区 as a resident would (POST /api/v1/me/volunteer): the
  // verified one under the name of the person it is.
  std::vector<std::int64_t> accounts;
  for (const char* username : {"resident_verified", "resident_demo"}) {
    auto u = store.FindUserByUsername(username);
    if (!u.ok()) return u.error();
    store::Volunteer v;
    v.org_code = "150203010008";
    v.user_id = u->id;
    v.name = u->display_name;
    if (auto link = store.GetResidentLink(u->id); link.ok()) {
      v.person_id = link->person_id;
      v.name = link->person_name;
    }
    v.skills = {"陪伴老人"};
    v.registered_by = u->id;
    v.registered_at = now - 30 * kDay;
    auto r = store.RegisterVolunteer(sys, v);
    if (!r.ok()) return r.error();
    accounts.push_back(r->id);
  }

  const std::vector<ActivitySpec> jinhua_acts = {
      {"敬老院义剪", "为金华社区独居和高龄老人上门或集中理发。", "金华社区党群服务中心一楼", "理发", -40, 9, 3, 6},
      {"垃圾分类入户宣传", "分片入户讲解垃圾分类，发放分类指南。", "金华小区1—12号楼", "垃圾分类宣传", -21, 14, 2, 10},
      {"家电义务维修", "为居民免费检修小家电，只收零件费。", "金华社区广场", "维修家电", -7, 9, 4, 5},
      {"重阳节陪伴独居老人", "两人一组上门陪伴聊天、打扫卫生，记录老人需求。", "金华社区（按分组入户）", "陪伴老人", 3, 9,
       3, 4},
      {"法律咨询进社区", "律师志愿者现场解答婚姻家庭、物业纠纷等问题。", "金华社区党群服务中心议事厅", "法律咨询", 6, 14, 2,
       3},
      {"冬季清雪", "清扫小区主干道和楼门口积雪，保障老人出行。", "金华小区主干道", "陪伴老人", 12, 8, 2, 20},
  };
  if (auto s = SeedCommunity(store, now, jinhua->id, "150203010008", jinhua_acts, 24, accounts); !s.ok()) return s;

  const std::vector<ActivitySpec> changsheng_acts = {
      {"1㎡长胜之声 读报志愿", "在广播站为老人朗读当日新闻和政策。", "长胜街社区1㎡广播站", "书法", -30, 8, 1, 3},
      {"长胜街社区环境整治", "清理楼道杂物和小广告。", "长胜街社区各楼栋", "垃圾分类宣传", -10, 9, 3, 12},
      {"书法进万家 写春联", "为居民义写春联、福字。", "长胜街社区文化活动室", "书法", 20, 9, 3, 6},
  };
  return SeedCommunity(store, now, changsheng->id, "150202002016", changsheng_acts, 16, {});
}

}  // namespace cg::cli
