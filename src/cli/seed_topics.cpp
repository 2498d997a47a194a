#include "cli/seed_topics.hpp"

namespace cg::cli {
namespace {

constexpr Timestamp kDay = 86'400'000;
constexpr char kJinhua[] = "150203010008";
constexpr char kJinhuaGrid1[] = "150203010008001";
constexpr char kShifudong[] = "150203010";

}  // namespace

Status SeedTopics(store::Store& store, const Clock& clock) {
  const auto sys = model::Scope::System();
  auto existing = store.ListTopics("1502", {1, 0});
  if (!existing.ok()) return existing.error();
  if (existing->total > 0) return {};
  auto staff = store.FindUserByUsername("jinhua");
  if (!staff.ok()) return staff.error();
  const Timestamp now = clock.Now();

  // resident_verified is the first resident of grid 1 (in code order), linked as a verified
  // resident would be after POST /api/v1/me/verification.
  auto resident = store.FindUserByUsername("resident_verified");
  if (!resident.ok()) return resident.error();
  store::RecordQuery q;
  q.entity = model::BaseEntity::kPerson;
  q.grid_prefix = kJinhuaGrid1;
  auto people = store.ListRecords(sys, q, {1, 0});
  if (!people.ok()) return people.error();
  if (!people->items.empty()) {
    if (auto l = store.LinkResident(resident->id, people->items.front().id, now); !l.ok()) return l.error();
  }

  store::Topic closed;
  closed.org_code = kJinhua;
  closed.title = "金华小区东门夜间是否关闭";
  closed.background = "有居民反映夜间东门外来车辆多、噪音大，提议23:00至次日6:00关闭东门，只开南门。";
  closed.opens_at = now - 20 * kDay;
  closed.closes_at = now - 6 * kDay;
  closed.created_by = staff->id;
  closed.created_at = now - 20 * kDay;
  auto c = store.CreateTopic(sys, closed, {"同意夜间关闭东门", "不同意，保持开放", "只在周末开放"});
  if (!c.ok()) return c.error();
  store::TopicMeeting m;
  m.topic_id = c->id;
  m.held_at = now - 4 * kDay;
  m.place = "金华社区党群服务中心议事厅";
  m.attendees = "社区党委书记\n物业经理\n楼栋长代表（6人）\n居民代表（9人）";
  m.minutes = "通报线上投票结果；物业说明门岗人员安排；居民代表讨论老人夜间就医出行问题。";
  m.decision = "自下月起23:00至次日6:00关闭东门，门岗保留应急开门电话；试行三个月后再议。";
  m.created_by = staff->id;
  m.created_at = now - 4 * kDay;
  if (auto r = store.AddTopicMeeting(m); !r.ok()) return r.error();

  store::Topic open;
  open.org_code = kJinhua;
  open.title = "3号楼是否加装电梯";
  open.background = "3号楼为1998年建成的六层住宅，共36户，其中60岁以上老人22人。"
                    "加装电梯费用约65万元，政府补贴20万元，其余按楼层分摊。";
  open.opens_at = now - kDay;
  open.closes_at = now + 13 * kDay;
  open.created_by = staff->id;
  open.created_at = now - kDay;
  if (auto r = store.CreateTopic(sys, open, {"同意加装", "不同意加装", "同意，但分摊方案需再议"}); !r.ok()) return r.error();

  store::Topic proposals;
  proposals.org_code = kShifudong;
  proposals.title = "街道口袋公园改造征集方案";
  proposals.background = "市府东路街道将改造钢铁大街旁的闲置绿地，欢迎居民提出改造方案，得票最多的方案提交街道议事会。";
  proposals.mode = "proposals";
  proposals.opens_at = now - 2 * kDay;
  proposals.closes_at = now + 28 * kDay;
  proposals.created_by = staff->id;
  proposals.created_at = now - 2 * kDay;
  auto p = store.CreateTopic(sys, proposals, {});
  if (!p.ok()) return p.error();
  if (auto r = store.AddTopicOption(p->id, "儿童游乐区＋老年健身器材", resident->id, now - kDay); !r.ok()) {
    return r.error();
  }
  return {};
}

}  // namespace cg::cli
