// The demo city's "十百千" governance projects (docs/projects.md, "Demo"): the projects the
// programme names — 智慧昆都仑 云·智中心, 基层一表通, the riders' party branch and care home, 青山区's
// enterprise service centre, 五当召镇's 民情恳谈 and 书记镇长有问必答, 长胜街社区's five 1㎡ brands,
// 居民吐槽大会 and 志愿者之家 — and a plausible rest: ten city projects, eleven per district and one
// per street or town. Dates are relative to the seeding day and every choice follows the
// project's index, so a seed is deterministic for its day and always shows projects planned,
// under way, done and stalled (a milestone past due and open). Written through projects::Service.
#include "cli/seed_projects.hpp"

#include <string>
#include <vector>

#include "core/date.hpp"
#include "projects/service.hpp"

namespace cg::cli {
namespace {

// How a seeded project stands today.
enum class Shape { kPlanned, kOnTrack, kLate, kStalled, kDone };

struct Named {
  const char* owner;
  const char* title;
  const char* category;
  const char* goals;
  Shape shape;
  const char* indicator;  // "name|unit|target|current", or ""
  const char* report;     // a progress report's text, or ""
};

constexpr Named kNamed[] = {
    {"1502", "基层一表通", "burden",
     "各部门报表由网格数据一次采集、自动生成，取消重复填报；年底前覆盖全市全部社区，填报事项精简一半。", Shape::kOnTrack,
     "自动生成报表|张|44|31", "民政、卫健、残联等六个部门的报表已由一表通自动生成，社区填报字段减少一千余项。"},
    {"150203", "智慧昆都仑 云·智中心", "smart",
     "区级城市运行中心：网格事件、视频、热线一屏统览，事件自动分拨，处置闭环可追溯。", Shape::kOnTrack,
     "接入视频点位|个|1200|860", "大屏二期上线，接入视频点位860个，事件平均分拨时间降至8分钟。"},
    {"150203", "外卖骑手党支部", "party",
     "在外卖配送站建立流动党员党支部，骑手兼任兼职网格员，随手拍上报问题。", Shape::kOnTrack,
     "骑手兼职网格员|人|300|214", "新发展骑手兼职网格员38名，本月随手拍上报问题126件。"},
    {"150203", "骑手关心关爱之家", "party",
     "在商圈建设骑手驿站：饮水、充电、休息、法律咨询，一站服务新就业群体。", Shape::kStalled,
     "建成驿站|个|12|5", "第五处驿站在万达商圈投用；其余选址因场地协调滞后。"},
    {"150204", "青山区企业服务中心", "enterprise",
     "企业全生命周期57项服务一窗受理、一站办结，代办帮办，诉求限时回复。", Shape::kOnTrack,
     "一窗受理事项|项|57|57", "57项服务全部进驻中心，本季度办结企业诉求412件。"},
    {"150205101", "民情恳谈", "dialogue",
     "镇村干部每月进村入户恳谈，群众诉求当场登记、限期办结、结果公开。", Shape::kOnTrack,
     "调解案件|件|120|106", "今年已调解矛盾纠纷106件，调解成功率97%。"},
    {"150205101", "书记镇长有问必答", "dialogue",
     "群众在线向镇党委书记、镇长提问，五个工作日内公开答复。", Shape::kLate, "按时答复率|%|100|92",
     "本月收到提问31条，全部答复，按时答复率92%。"},
    {"150202002016", "1㎡长胜之声广播站", "community",
     "用一平方米的广播站把政策、安全提示送到不用智能手机的老人耳边。", Shape::kOnTrack, "广播点|个|3|3",
     "三个广播点每日定时播放，寒潮预警当日覆盖全部楼院。"},
    {"150202002016", "1㎡议事角", "community", "在楼道口设一平方米议事角，小事不出楼、大事不出社区。", Shape::kOnTrack,
     "议事事项|件|40|23", ""},
    {"150202002016", "1㎡便民服务站", "community", "代收快递、测血压、修小家电，一平方米的便民服务。", Shape::kDone,
     "服务人次|人次|2000|2315", ""},
    {"150202002016", "1㎡红色书屋", "community", "楼院一平方米书屋，党员捐书、青少年共读。", Shape::kPlanned,
     "藏书|册|1000|0", ""},
    {"150202002016", "1㎡志愿驿站", "volunteer", "志愿者在一平方米驿站登记服务、领取任务、记录时长。", Shape::kStalled,
     "登记志愿者|人|150|64", ""},
    {"150203010", "居民吐槽大会", "dialogue",
     "每季度请居民“吐槽”，问题现场认领、限时整改、下次大会通报。", Shape::kStalled, "认领问题|个|40|18",
     "第二场吐槽大会认领问题18个，其中停车难问题待区里协调。"},
    {"150203010008", "志愿者之家", "volunteer", "社区志愿者之家：服务积分、时间银行、困难群众结对帮扶。", Shape::kOnTrack,
     "志愿服务时长|小时|5000|3120", "本月志愿服务时长412小时，新增结对帮扶家庭9户。"},
};

constexpr const char* kCityTitles[][3] = {
    {"市域社会治理现代化试点", "safety", "健全市、区、街道、社区、网格五级治理体系。"},
    {"城市运行一网统管", "smart", "全市事件一网受理、统一分拨、闭环考核。"},
    {"12345热线接诉即办", "service", "热线诉求限时办结，回访满意率持续提升。"},
    {"网格化服务管理全覆盖", "community", "全市网格划分到位、网格员配齐、一网格一清单。"},
    {"新就业群体暖蜂行动", "party", "快递员、外卖骑手融入基层治理，共建共享。"},
    {"矛盾纠纷多元化解", "dialogue", "市、区、街道、社区四级调解中心贯通，公调、诉调对接。"},
    {"智慧社区建设", "smart", "社区服务线上办、数据一次采集、多方共享。"},
    {"平安包头建设", "safety", "重点人群关爱走访、隐患排查整治常态化。"},
    {"志愿服务时间银行", "volunteer", "志愿服务时长存入时间银行，可兑换服务。"},
};

constexpr const char* kDistrictTitles[][3] = {
    {"矛盾纠纷调解中心建设", "dialogue", "区级调解中心实体化运行，疑难纠纷一站化解。"},
    {"网格员队伍专业化", "community", "网格员培训、考核、待遇保障一体推进。"},
    {"老旧小区治理提升", "community", "老旧小区物业、停车、加装电梯问题逐项销号。"},
    {"企业服务专员制度", "enterprise", "一企一专员，诉求直达、限时回复。"},
    {"社区减负增效", "burden", "清理社区证明事项和报表，减轻社区负担。"},
    {"党群服务中心提质", "party", "党群服务中心功能整合，错时延时服务。"},
    {"独居老人关爱走访", "safety", "独居、高龄老人定期走访，紧急情况一键呼叫。"},
    {"平安校园护航", "safety", "校园周边治安、交通、食品安全联合整治。"},
    {"社区议事协商", "dialogue", "社区议事会规范运行，居民事居民议。"},
    {"志愿服务站点建设", "volunteer", "每个社区建成志愿服务站，志愿者注册率提升。"},
    {"12345诉求源头治理", "service", "高频诉求分析、源头治理，重复诉求下降。"},
};

constexpr const char* kStreetTitles[][3] = {
    {"网格议事会", "dialogue", "每个网格每月议事一次，小事网格内解决。"},
    {"便民服务站", "service", "街道便民服务站就近办理高频事项。"},
    {"楼院长队伍建设", "community", "每个楼院选出楼院长，协助网格员联系群众。"},
    {"矛盾纠纷调解室", "dialogue", "街道调解室规范运行，纠纷就地化解。"},
    {"关爱帮扶行动", "safety", "困难群众、留守老人结对帮扶。"},
    {"党建联盟共建", "party", "辖区单位党组织共驻共建，资源共享。"},
};

// A deterministic spread of shapes over generated projects: 2 planned, 3 on track, 1 late,
// 2 stalled, 2 done in every 10.
Shape ShapeOf(std::size_t i) {
  constexpr Shape kSpread[] = {Shape::kOnTrack, Shape::kStalled, Shape::kDone,    Shape::kPlanned, Shape::kOnTrack,
                               Shape::kLate,    Shape::kOnTrack, Shape::kStalled, Shape::kDone,    Shape::kPlanned};
  return kSpread[(i * 7 + 3) % 10];
}

std::string Day(std::int64_t today, std::int64_t offset) { return FormatDate(DateFromDays(today + offset)); }

// A project of `shape` with three milestones around `today` (days since 1970).
projects::NewProject Build(std::int64_t today, std::size_t i, Shape shape, const std::string& owner,
                           const std::string& title, const std::string& category, const std::string& goals) {
  projects::NewProject p;
  p.owner_code = owner;
  p.title = title;
  p.category = category;
  p.goals = goals;
  const std::int64_t start = shape == Shape::kPlanned ? 10 + static_cast<std::int64_t>(i % 5) * 9
                                                      : -200 - static_cast<std::int64_t>(i % 7) * 15;
  p.start_date = Day(today, start);
  p.end_date = Day(today, start + 365);
  const std::int64_t due[3] = {start + 60, start + 150, shape == Shape::kDone ? start + 190 : start + 300};
  const char* names[3] = {"方案制定", "试点推开", "全面完成"};
  for (int m = 0; m < 3; ++m) {
    projects::NewMilestone ms{names[m], Day(today, due[m]), ""};
    const bool past = due[m] < 0;
    if (past && shape != Shape::kPlanned) {
      // The last past milestone of a stalled project stays open; a late one was done 6 days late.
      const bool last_past = m == 2 || due[m + 1] >= 0;
      if (!(shape == Shape::kStalled && last_past)) {
        const std::int64_t on = shape == Shape::kLate && m == 0 ? due[m] + 6 : due[m] - 3;
        ms.completed_on = Day(today, std::min<std::int64_t>(on, 0));
      }
    }
    p.milestones.push_back(ms);
  }
  return p;
}

void AddIndicator(projects::NewProject& p, const std::string& spec) {
  // "name|unit|target|current"
  std::vector<std::string> parts;
  std::size_t at = 0;
  while (true) {
    auto bar = spec.find('|', at);
    parts.push_back(spec.substr(at, bar == std::string::npos ? std::string::npos : bar - at));
    if (bar == std::string::npos) break;
    at = bar + 1;
  }
  if (parts.size() != 4) return;
  p.indicators.push_back({parts[0], parts[1], std::stod(parts[2]), std::stod(parts[3])});
}

}  // namespace

Status SeedProjects(store::Store& store, const Clock& clock) {
  const auto system = model::Scope::System();
  projects::Service service(store, clock);
  auto existing = service.List(system, "", "", "", false, {1, 0});
  if (!existing.ok()) return existing.error();
  if (existing->total > 0) return {};  // seeded before
  auto admin = store.FindUserByUsername("admin");
  if (!admin.ok()) return admin.error();
  const std::int64_t actor = admin->id;
  const std::int64_t today = DaysSinceEpoch(DateAt(clock.Now()));
  std::size_t index = 0;
  auto create = [&](projects::NewProject p, Shape shape, const std::string& report) -> Status {
    if (!store.GetOrgUnit(system, p.owner_code, false).ok()) return {};  // a tree without this unit
    auto created = service.Create(system, actor, p);
    if (!created.ok()) return created.error();
    const auto id = created->project.id;
    if (!report.empty()) {
      projects::NewReport r;
      r.body = report;
      for (const auto& ind : created->indicators) r.values.emplace_back(ind.id, ind.current);
      if (auto s = service.Report(system, actor, id, r); !s.ok()) return s.error();
    }
    if (shape == Shape::kDone) return service.SetDone(system, actor, id, true);
    return {};
  };
  for (const auto& n : kNamed) {
    auto p = Build(today, index++, n.shape, n.owner, n.title, n.category, n.goals);
    if (*n.indicator) AddIndicator(p, n.indicator);
    CG_RETURN_IF_ERROR(create(p, n.shape, n.report));
  }
  for (const auto& t : kCityTitles) {
    const Shape shape = ShapeOf(index);
    auto p = Build(today, index++, shape, "1502", t[0], t[1], t[2]);
    CG_RETURN_IF_ERROR(create(p, shape, ""));
  }
  auto districts = store.ListChildren(system, "1502", false, {100, 0});
  if (!districts.ok()) return districts.error();
  for (const auto& d : districts->items) {
    for (const auto& t : kDistrictTitles) {
      const Shape shape = ShapeOf(index);
      auto p = Build(today, index++, shape, d.code, d.name + t[0], t[1], t[2]);
      AddIndicator(p, "完成率|%|100|" + std::to_string(shape == Shape::kDone ? 100 : (index * 13) % 90));
      CG_RETURN_IF_ERROR(create(p, shape, ""));
    }
    for (model::OrgKind kind : {model::OrgKind::kStreet, model::OrgKind::kTown}) {
      auto streets = store.ListDescendants(system, d.code, kind, false, {1000, 0});
      if (!streets.ok()) return streets.error();
      for (const auto& s : streets->items) {
        const auto& t = kStreetTitles[index % std::size(kStreetTitles)];
        const Shape shape = ShapeOf(index);
        auto p = Build(today, index++, shape, s.code, s.name + t[0], t[1], t[2]);
        CG_RETURN_IF_ERROR(create(p, shape, ""));
      }
    }
  }
  return {};
}

}  // namespace cg::cli
