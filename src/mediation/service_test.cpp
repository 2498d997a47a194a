// The mediation service over a real SQLite store: registry validation, which organisation
// mediates a unit's cases, the mediator check of an assignment and the police room check.
#include "mediation/service.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <random>

namespace cg::mediation {
namespace {

using model::OrgKind;
using model::Role;

model::OrgUnit Unit(std::string code, OrgKind kind, std::string name, std::string parent) {
  model::OrgUnit u;
  u.code = std::move(code);
  u.kind = kind;
  u.name = std::move(name);
  u.parent_code = std::move(parent);
  return u;
}

class MediationServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("cg_med_" + std::to_string(std::random_device{}()));
    std::filesystem::create_directories(dir_);
    auto s = store::Store::Open("sqlite://" + (dir_ / "t.db").string());
    ASSERT_TRUE(s.ok()) << s.error().message;
    store_ = std::move(s).value();
    ASSERT_TRUE(store_->Migrate().ok());
    ASSERT_TRUE(store_
                    ->UpsertOrgUnits({Unit("1502", OrgKind::kCity, "包头市", ""),
                                      Unit("150203", OrgKind::kDistrict, "昆都仑区", "1502"),
                                      Unit("150203010", OrgKind::kStreet, "市府东路街道", "150203"),
                                      Unit("150203010008", OrgKind::kCommunity, "金华社区", "150203010")})
                    .ok());
    model::User u;
    u.username = "med";
    u.display_name = "王秀英";
    u.role = Role::kStaff;
    u.scope_code = "150203010008";
    u.password_hash = "x";
    auto created = store_->CreateUser(u);
    ASSERT_TRUE(created.ok()) << created.error().message;
    mediator_user_ = created->id;
    staff_.role = Role::kStaff;
    staff_.scope_code = "150203";
    type_.code = "mediation";
    type_.categories.push_back({"neighbour", {"邻里纠纷", "Neighbours"}, 0});
    type_.categories.push_back({"family", {"婚姻家庭纠纷", "Family"}, 0});
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  store::MediationOrg Org(const std::string& unit, const std::string& kind, const std::string& name) {
    store::MediationOrg o;
    o.unit_code = unit;
    o.kind = kind;
    o.name = name;
    return o;
  }

  std::filesystem::path dir_;
  std::unique_ptr<store::Store> store_;
  ManualClock clock_{1'790'000'000'000};
  model::User staff_;
  cases::CaseType type_;
  std::int64_t mediator_user_ = 0;
  const model::Scope district_ = model::Scope::Subtree("150203");
};

TEST_F(MediationServiceTest, RegistryInputIsChecked) {
  Service s(*store_, clock_);
  model::User resident;
  resident.role = Role::kResident;
  EXPECT_EQ(s.CreateOrg(district_, resident, Org("150203010008", "community_committee", "甲")).error().code,
            ErrorCode::kForbidden);
  EXPECT_EQ(s.CreateOrg(district_, staff_, Org("150203010008", "club", "甲")).error().code, ErrorCode::kInvalid);
  EXPECT_EQ(s.CreateOrg(district_, staff_, Org("150203010008", "community_committee", "")).error().code,
            ErrorCode::kInvalid);
  EXPECT_EQ(s.CreateOrg(district_, staff_, Org("150203", "industry", "昆都仑区医疗纠纷人民调解委员会")).error().message,
            "field: required");
  auto committee = s.CreateOrg(district_, staff_, Org("150203010008", "community_committee", "金华社区人民调解委员会"));
  ASSERT_TRUE(committee.ok()) << committee.error().message;
  EXPECT_EQ(committee->created_at, clock_.Now());

  store::MediationRoom room;
  room.org_id = committee->id;
  room.unit_code = "150203010008";
  room.kind = "police";
  room.name = "金华公调对接室";
  EXPECT_EQ(s.CreateRoom(district_, staff_, room).error().message, "station: required");
  room.kind = "table";
  room.station = "少先路派出所";
  EXPECT_EQ(s.CreateRoom(district_, staff_, room).error().code, ErrorCode::kInvalid);

  store::Mediator m;
  m.org_id = committee->id;
  m.name = "王秀英";
  m.specialities = {"neighbour", "land"};
  EXPECT_NE(s.CreateMediator(district_, staff_, m, type_).error().message.find("'land'"), std::string::npos);
  m.specialities = {"neighbour"};
  m.user_id = 9999;
  EXPECT_EQ(s.CreateMediator(district_, staff_, m, type_).error().message, "user_id: not an active staff account");
  m.user_id = mediator_user_;
  auto made = s.CreateMediator(district_, staff_, m, type_);
  ASSERT_TRUE(made.ok()) << made.error().message;
  EXPECT_EQ(s.UpdateMediator(district_, staff_, made->id, {"nope"}, true, type_).error().code, ErrorCode::kInvalid);
}

TEST_F(MediationServiceTest, OrganisationMediatorAndPoliceRoom) {
  Service s(*store_, clock_);
  auto committee = s.CreateOrg(district_, staff_, Org("150203010008", "community_committee", "金华社区人民调解委员会"));
  auto street_committee = s.CreateOrg(district_, staff_, Org("150203010", "street_committee", "市府东路街道人民调解委员会"));
  auto centre = s.CreateOrg(district_, staff_, Org("150203010", "street_centre", "市府东路街道矛调中心"));
  ASSERT_TRUE(committee.ok() && street_committee.ok() && centre.ok());
  EXPECT_EQ(s.OrganisationOf("150203010008")->name, "金华社区人民调解委员会");
  EXPECT_EQ(s.OrganisationOf("150203010")->name, "市府东路街道矛调中心") << "the centre before the committee";
  EXPECT_EQ(s.OrganisationOf("150203").error().code, ErrorCode::kNotFound);

  EXPECT_FALSE(s.CheckMediator("150203010008", mediator_user_).ok()) << "not a mediator yet";
  store::Mediator m;
  m.org_id = committee->id;
  m.name = "王秀英";
  m.user_id = mediator_user_;
  auto made = s.CreateMediator(district_, staff_, m, type_);
  ASSERT_TRUE(made.ok());
  EXPECT_TRUE(s.CheckMediator("150203010008", mediator_user_).ok());
  Status other = s.CheckMediator("150203010", mediator_user_);
  ASSERT_FALSE(other.ok()) << "a community mediator does not mediate at the street centre";
  EXPECT_EQ(other.error().code, ErrorCode::kInvalid);
  ASSERT_TRUE(s.UpdateMediator(district_, staff_, made->id, {}, false, type_).ok());
  EXPECT_FALSE(s.CheckMediator("150203010008", mediator_user_).ok()) << "inactive";

  store::MediationRoom room;
  room.org_id = centre->id;
  room.unit_code = "150203010";
  room.kind = "police";
  room.name = "少先路派出所公调对接室";
  room.station = "少先路派出所";
  auto police = s.CreateRoom(district_, staff_, room);
  ASSERT_TRUE(police.ok()) << police.error().message;
  room.kind = "brand";
  room.station = "";
  room.name = "老娘舅调解工作室";
  auto brand = s.CreateRoom(district_, staff_, room);
  ASSERT_TRUE(brand.ok());
  EXPECT_EQ(s.PoliceRoom(police->id)->station, "少先路派出所");
  EXPECT_EQ(s.PoliceRoom(brand->id).error().code, ErrorCode::kInvalid);
  EXPECT_EQ(s.PoliceRoom(424242).error().code, ErrorCode::kInvalid);
}

}  // namespace
}  // namespace cg::mediation
