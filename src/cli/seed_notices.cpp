// The demo city's notices and loudspeaker stations (docs/notices.md, "Demo"): the
// 1㎡长胜之声广播站 of 长胜街社区 and its sister stations, two stations in 金华社区, and a handful
// of notices at city, district and community level, two of them read aloud. Published through
// notices::Service like any notice, so the loudspeaker ones carry real synthesised audio.
#include "cli/seed_notices.hpp"

#include <string>
#include <vector>

#include "notices/service.hpp"

namespace cg::cli {
namespace {

struct DemoStation {
  const char* org_code;
  const char* name;
  const char* location;
  double dlon, dlat;  // offset from the community's label point, degrees
  const char* schedule;
};

constexpr DemoStation kStations[] = {
    {"150202002016", "1㎡长胜之声广播站", "长胜街社区党群服务站门前", 0.0, 0.0, "07:30,12:00,18:30"},
    {"150202002016", "长胜街社区2号楼广播点", "2号楼东单元门口", 0.0008, 0.0004, "07:30,18:30"},
    {"150202002016", "长胜街社区老年活动站广播点", "老年活动站院内", -0.0006, 0.0005, "09:00,15:00"},
    {"150203010008", "金华社区广场广播点", "金华社区文化广场", 0.0, 0.0, "08:00,17:30"},
    {"150203010008", "金华社区北门广播点", "小区北门岗亭", 0.0005, 0.0007, "08:00,12:00,17:30"},
};

struct DemoNotice {
  const char* author;  // demo account that publishes it
  const char* scope_code;
  const char* title;
  const char* body;
  const char* category;
  bool loudspeaker;
  bool urgent;
};

constexpr DemoNotice kNotices[] = {
    {"admin", "1502", "寒潮蓝色预警",
     "市气象台发布寒潮蓝色预警：未来两天气温下降八到十摄氏度，并伴有五到六级西北风。请居民减少外出，"
     "注意防寒保暖，独居老人家属请及时联系问候。",
     "weather", true, true},
    {"kundulun", "150203", "冬季供暖服务热线公布",
     "昆都仑区供热服务热线全天受理供暖不热、漏水等问题。网格员入户走访时可代为登记，"
     "社区将在二十四小时内回复处理进展。",
     "policy", false, false},
    {"changsheng", "150202002016", "冬季用电用气安全提示",
     "长胜街社区提醒：请勿私拉电线给电动车充电，使用燃气后及时关闭阀门，家中常备灭火器。"
     "如发现燃气异味，请立即开窗通风并拨打抢修电话。",
     "safety", true, false},
    {"jinhua", "150203010008", "社区议事会召开通知",
     "金华社区定于本周六上午九点在社区党群服务中心二楼召开议事会，议题为小区停车位规划，"
     "欢迎居民代表参加。",
     "activity", false, false},
};

}  // namespace

Status SeedNotices(store::Store& store, const Clock& clock) {
  auto existing = store.ListStations(model::Scope::System(), {1, 0});
  if (!existing.ok()) return existing.error();
  if (!existing->items.empty()) return {};  // seeded before
  notices::Service service(store, clock);
  const auto system = model::Scope::System();
  for (const auto& s : kStations) {
    auto unit = store.GetOrgUnit(system, s.org_code, false);
    if (!unit.ok()) continue;  // a tree without this community (a test source): no station
    notices::NewStation st{s.org_code, s.name, s.location, unit->center.lon + s.dlon,
                           unit->center.lat + s.dlat, s.schedule};
    auto r = service.RegisterStation(system, st);
    if (!r.ok()) return r.error();
  }
  for (const auto& n : kNotices) {
    auto author = store.FindUserByUsername(n.author);
    if (!author.ok()) return author.error();
    if (!store.GetOrgUnit(system, n.scope_code, false).ok()) continue;
    notices::Draft d;
    d.scope_code = n.scope_code;
    d.title = n.title;
    d.body = n.body;
    d.category = n.category;
    d.loudspeaker = n.loudspeaker;
    d.urgent = n.urgent;
    auto r = service.Publish(model::Scope::Subtree(author->scope_code), author->id, d);
    if (!r.ok()) return r.error();
  }
  return {};
}

}  // namespace cg::cli
