// The mediation registry on both backends (store/mediation_store.hpp): organisations, rooms and
// mediators bound to org units and cut to the caller's scope; names unique; the bulk seed; and
// the inputs of case timeline entries (a mediation session's record) kept across saves.
#include "store/case_store.hpp"
#include "store/contract_fixture.hpp"

namespace cg::store {
namespace {

using namespace contract;  // NOLINT: the fixture and its helpers

class MediationContract : public StoreContract {
 protected:
  static MediationOrg Org(const std::string& unit, const std::string& kind, const std::string& name) {
    MediationOrg o;
    o.unit_code = unit;
    o.kind = kind;
    o.name = name;
    o.address = "包头市昆都仑区";
    o.phone = "0472-1234567";
    o.created_at = 1000;
    return o;
  }
};

TEST_P(MediationContract, RegistryIsScopedAndNamesAreUnique) {
  LoadSmallTree();
  const Scope jinhua = Scope::Subtree("150203010008");
  const Scope street = Scope::Subtree("150203010");
  const Scope qingshan = Scope::Subtree("150204");
  EXPECT_CODE(store_->CreateMediationOrg(jinhua, Org("150203010", "street_committee", "越权委员会")),
              ErrorCode::kNotFound);
  EXPECT_CODE(store_->CreateMediationOrg(jinhua, Org("150203010008777", "community_committee", "无此单位")),
              ErrorCode::kNotFound);
  auto committee = store_->CreateMediationOrg(jinhua, Org("150203010008", "community_committee", "金华社区人民调解委员会"));
  ASSERT_OK(committee);
  EXPECT_GT(committee->id, 0);
  EXPECT_EQ(committee->mediators, 0);
  EXPECT_CODE(store_->CreateMediationOrg(street, Org("150203010009", "community_committee", "金华社区人民调解委员会")),
              ErrorCode::kConflict);
  auto centre = store_->CreateMediationOrg(street, Org("150203010", "street_centre", "市府东路街道矛调中心"));
  ASSERT_OK(centre);

  MediationRoom room;
  room.org_id = centre->id;
  room.unit_code = "150203010";
  room.kind = "police";
  room.name = "少先路派出所公调对接室";
  room.station = "少先路派出所";
  room.created_at = 1000;
  EXPECT_CODE(store_->CreateMediationRoom(jinhua, room), ErrorCode::kNotFound);  // "the centre is above 金华社区"
  ASSERT_OK(store_->CreateMediationRoom(street, room));
  EXPECT_CODE(store_->CreateMediationRoom(street, room), ErrorCode::kConflict);
  MediationRoom table = room;
  table.org_id = committee->id;
  table.kind = "table";
  table.name = "金华社区一平米调解桌";
  table.station = "";
  table.unit_code = "150203010009";
  EXPECT_CODE(store_->CreateMediationRoom(street, table), ErrorCode::kInvalid);  // "outside the committee's area"
  table.unit_code = "150203010008";
  ASSERT_OK(store_->CreateMediationRoom(jinhua, table));

  Mediator m;
  m.org_id = committee->id;
  m.name = "王秀英";
  m.specialities = {"neighbour", "family"};
  m.user_id = 42;
  m.created_at = 1000;
  auto mediator = store_->CreateMediator(jinhua, m);
  ASSERT_OK(mediator);
  EXPECT_EQ(mediator->unit_code, "150203010008");
  EXPECT_EQ(mediator->org_name, "金华社区人民调解委员会");
  EXPECT_EQ(mediator->specialities, (std::vector<std::string>{"neighbour", "family"}));
  EXPECT_CODE(store_->CreateMediator(jinhua, m), ErrorCode::kConflict);  // "one record per account and organisation"
  m.org_id = centre->id;
  EXPECT_CODE(store_->CreateMediator(jinhua, m), ErrorCode::kNotFound);
  ASSERT_OK(store_->CreateMediator(street, m));

  // Lists: the subtree under `under`, inside the scope.
  auto orgs = store_->ListMediationOrgs(street, {}, {});
  ASSERT_OK(orgs);
  EXPECT_EQ(orgs->total, 2);
  EXPECT_EQ(orgs->items[0].unit_code, "150203010");
  EXPECT_EQ(orgs->items[0].rooms, 1);
  EXPECT_EQ(orgs->items[1].mediators, 1);
  EXPECT_EQ(store_->ListMediationOrgs(jinhua, {}, {})->total, 2) << "its committee and the street centre above";
  EXPECT_EQ(store_->ListMediationOrgs(jinhua, {.under = "150203010008"}, {})->total, 1);
  EXPECT_CODE(store_->ListMediationOrgs(jinhua, {.under = "150203010"}, {}), ErrorCode::kNotFound);
  EXPECT_EQ(store_->ListMediationOrgs(qingshan, {}, {})->total, 0);
  EXPECT_EQ(store_->ListMediationRooms(jinhua, {.kind = "police"}, {})->total, 1) << "the street's police room";
  EXPECT_EQ(store_->ListMediationRooms(jinhua, {.under = "150203010008", .kind = "police"}, {})->total, 0);
  EXPECT_EQ(store_->ListMediationOrgs(street, {.under = "150203010", .kind = "street_centre"}, {})->total, 1);
  auto police = store_->ListMediationRooms(street, {.kind = "police"}, {});
  ASSERT_OK(police);
  ASSERT_EQ(police->total, 1);
  EXPECT_EQ(police->items[0].station, "少先路派出所");
  EXPECT_EQ(police->items[0].org_name, "市府东路街道矛调中心");
  EXPECT_EQ(store_->ListMediationRooms(street, {}, {})->total, 2);
  EXPECT_EQ(store_->ListMediators(street, {.org_id = committee->id}, {})->total, 1);
  EXPECT_EQ(store_->ListMediators(jinhua, {}, {})->total, 1);
  EXPECT_CODE(store_->GetMediationOrg(jinhua, centre->id), ErrorCode::kNotFound);
  EXPECT_CODE(store_->GetMediator(qingshan, mediator->id), ErrorCode::kNotFound);

  // Deactivated: out of the active lists and of the account's own records.
  EXPECT_EQ(store_->MediatorsOfUser(42)->size(), 2u);
  auto updated = store_->UpdateMediator(jinhua, mediator->id, {"property"}, false, 2000);
  ASSERT_OK(updated);
  EXPECT_FALSE(updated->active);
  EXPECT_EQ(updated->updated_at, 2000);
  EXPECT_EQ(store_->ListMediators(jinhua, {.active_only = true}, {})->total, 0);
  EXPECT_EQ(store_->MediatorsOfUser(42)->size(), 1u);
  EXPECT_EQ(store_->GetMediationOrg(jinhua, committee->id)->mediators, 0);
  EXPECT_CODE(store_->UpdateMediator(qingshan, mediator->id, {}, true, 3000), ErrorCode::kNotFound);
}

TEST_P(MediationContract, SeedWritesEverythingInOneGo) {
  LoadSmallTree();
  std::vector<MediationOrg> orgs{Org("150203", "district_centre", "昆都仑区矛调中心"),
                                 Org("150203010008", "community_committee", "金华社区人民调解委员会")};
  MediationRoom room;
  room.org_name = "昆都仑区矛调中心";
  room.unit_code = "150203010";
  room.kind = "brand";
  room.name = "老娘舅调解工作室";
  Mediator m;
  m.org_name = "金华社区人民调解委员会";
  m.name = "刘志强";
  m.specialities = {"neighbour"};
  auto n = store_->SeedMediationRegistry(orgs, {room}, {m, m}, 5000);
  ASSERT_OK(n);
  EXPECT_EQ(*n, 5);
  auto list = store_->ListMediators(Scope::System(), {}, {});
  ASSERT_OK(list);
  ASSERT_EQ(list->total, 2);
  EXPECT_EQ(list->items[0].unit_code, "150203010008");
  EXPECT_EQ(store_->ListMediationRooms(Scope::System(), {}, {})->items[0].org_name, "昆都仑区矛调中心");
  Mediator stray = m;
  stray.org_name = "不存在的委员会";
  EXPECT_CODE(store_->SeedMediationRegistry({}, {}, {stray}, 5000), ErrorCode::kInvalid);
  EXPECT_EQ(store_->ListMediators(Scope::System(), {}, {})->total, 2) << "nothing half-written";
}

TEST_P(MediationContract, TimelineInputsSurviveSaves) {
  LoadSmallTree();
  NewCase n;
  CaseRecord& r = n.record;
  r.c.type = "mediation";
  r.c.category = "neighbour";
  r.c.state = "mediating";
  r.c.grid_code = "150203010008001";
  r.c.handling_unit_code = "150203010008";
  r.c.opened_at = r.c.state_entered_at = 1000;
  r.c.timeline.push_back({1000, 7, "staff", "create", "", "mediating", "150203010008", "", false});
  r.public_id = "P" + RandomHex(10);
  auto created = store_->Cases().CreateCase(n, 1000);
  ASSERT_OK(created);
  CaseRecord u = created->record;
  cases::TimelineEntry e{2000, 7, "staff", "record_session", "mediating", "mediating", "150203010008", "", false};
  e.inputs = {{"session_summary", "双方陈述\n第二行 = 等号\\反斜杠"}, {"session_date", "2026-10-09"}};
  u.c.timeline.push_back(e);
  ASSERT_OK(store_->Cases().SaveCase(u, u.version, {}, 2000));
  auto back = store_->Cases().GetCaseSystem(u.c.id);
  ASSERT_OK(back);
  ASSERT_EQ(back->c.timeline.size(), 2u);
  EXPECT_TRUE(back->c.timeline[0].inputs.empty());
  EXPECT_EQ(back->c.timeline[1].inputs, e.inputs);
}

INSTANTIATE_TEST_SUITE_P(Backends, MediationContract, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace cg::store
