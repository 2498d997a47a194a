#include "model/base_data.hpp"

#include <gtest/gtest.h>

#include "model/id_number.hpp"

namespace cg::model {
namespace {

constexpr Date kToday{2026, 1, 1};

std::map<std::string, std::string> ErrorsOf(BaseEntity e, Fields f) {
  std::map<std::string, std::string> out;
  for (const auto& err : NormalizeFields(e, f, kToday)) out[err.field] = err.message;
  return out;
}

TEST(BaseData, PersonNormalisesAndDerives) {
  std::string id = MakeResidentId("150203", Date{1985, 12, 31}, 7);
  std::string lower = id;
  if (lower.back() == 'X') lower.back() = 'x';
  Fields f = {{"grid_code", "150203010008001"}, {"name", " 张三 "}, {"id_number", lower},
              {"phone", "+86 138-0013-8000"}, {"ethnicity", "02"}, {"residence_status", "floating"},
              {"house_id", ""}};
  EXPECT_TRUE(NormalizeFields(BaseEntity::kPerson, f, kToday).empty());
  EXPECT_EQ(f["id_number"], id);
  EXPECT_EQ(f["phone"], "13800138000");
  EXPECT_EQ(f["name"], "张三");
  EXPECT_FALSE(f.count("house_id"));
  auto derived = DerivePersonFields(id);
  EXPECT_EQ(derived["sex"], "male");
  EXPECT_EQ(derived["birth_date"], "1985-12-31");
}

TEST(BaseData, FieldLevelErrors) {
  auto e = ErrorsOf(BaseEntity::kPerson, {{"grid_code", "1502"}, {"id_number", "150203198512310071"},
                                          {"ethnicity", "60"}, {"residence_status", "tourist"},
                                          {"phone", "1380013800"}, {"shoe_size", "42"}});
  EXPECT_TRUE(e.count("grid_code"));
  EXPECT_TRUE(e.count("id_number"));
  EXPECT_TRUE(e.count("ethnicity"));
  EXPECT_TRUE(e.count("residence_status"));
  EXPECT_TRUE(e.count("phone"));
  EXPECT_TRUE(e.count("shoe_size"));
  EXPECT_EQ(e["name"], "required");
}

TEST(BaseData, OtherFamilies) {
  EXPECT_TRUE(ErrorsOf(BaseEntity::kHouse, {{"grid_code", "150203010008001"}, {"address_id", "3"},
                                            {"kind", "dwelling"}, {"occupancy", "vacant"}, {"area", "75.5"}})
                  .empty());
  auto h = ErrorsOf(BaseEntity::kHousehold, {{"grid_code", "150203010008001"}, {"head_person_id", "0"},
                                             {"members", "4:02,5:11"}});
  EXPECT_TRUE(h.count("head_person_id"));
  EXPECT_TRUE(h.count("members"));
  auto b = ErrorsOf(BaseEntity::kBuilding, {{"grid_code", "150203010008001"}, {"name", "1号楼"}, {"floors", "0"}});
  EXPECT_TRUE(b.count("floors"));
  auto o = ErrorsOf(BaseEntity::kOrganisation, {{"grid_code", "150203010008001"}, {"name", "某公司"},
                                                {"kind", "enterprise"}, {"uscc", "911502030000000000"}});
  EXPECT_TRUE(o.count("uscc"));
  EXPECT_EQ(ParseMembers("4:02,15:10"), (std::vector<std::pair<std::int64_t, std::string>>{{4, "02"}, {15, "10"}}));
}

}  // namespace
}  // namespace cg::model
