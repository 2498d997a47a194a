// The batch write path gives the same answers as Create, row by row, in one transaction.
#include "base/service.hpp"

#include <gtest/gtest.h>

#include <filesystem>

#include "model/id_number.hpp"
#include "model/masking.hpp"

namespace cg::base {
namespace {

using model::BaseEntity;

model::OrgUnit Unit(std::string code, model::OrgKind kind, std::string parent) {
  model::OrgUnit u;
  u.code = std::move(code);
  u.kind = kind;
  u.name = u.code;
  u.parent_code = std::move(parent);
  return u;
}

class ServiceBatch : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("cg_base_" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    auto s = store::Store::Open("sqlite://" + (dir_ / "t.db").string());
    ASSERT_TRUE(s.ok()) << s.error().message;
    store_ = std::move(s).value();
    ASSERT_TRUE(store_->Migrate().ok());
    ASSERT_TRUE(store_->UpsertOrgUnits({Unit("1502", model::OrgKind::kCity, ""),
                                        Unit("150203", model::OrgKind::kDistrict, "1502"),
                                        Unit("150203010", model::OrgKind::kStreet, "150203"),
                                        Unit("150203010008", model::OrgKind::kCommunity, "150203010"),
                                        Unit("150203010008001", model::OrgKind::kGrid, "150203010008"),
                                        Unit("150203010008002", model::OrgKind::kGrid, "150203010008")})
                    .ok());
    auto keys = privacy::KeyRing::FromHex(std::string(64, 'a'));
    ASSERT_TRUE(keys.ok());
    keys_ = std::make_unique<privacy::KeyRing>(std::move(keys).value());
    auto dict = forms::Dictionary::LoadDirectory(std::filesystem::path(CITYGRID_SOURCE_DIR) / "data/elements");
    ASSERT_TRUE(dict.ok()) << dict.error().message;
    dict_ = std::make_unique<forms::Dictionary>(std::move(dict).value());
    service_ = std::make_unique<Service>(*store_, *keys_, *dict_, clock_);
  }
  void TearDown() override {
    service_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  Service::NewRecord Person(const std::string& id, const std::string& grid = "150203010008001") {
    return {{{"grid_code", grid}, {"name", "王小明"}, {"id_number", id}, {"phone", "13812345678"},
             {"ethnicity", "01"}, {"residence_status", "registered"}},
            {{"person.elderly_living_alone", "true"}}};
  }

  std::filesystem::path dir_;
  ManualClock clock_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<privacy::KeyRing> keys_;
  std::unique_ptr<forms::Dictionary> dict_;
  std::unique_ptr<Service> service_;
};

TEST_F(ServiceBatch, CreateManyValidatesSealsAndReportsEachRow) {
  const auto sys = model::Scope::System();
  const std::string a = model::MakeResidentId("150203", Date{1950, 3, 4}, 11);
  const std::string b = model::MakeResidentId("150203", Date{1990, 7, 8}, 22);
  const std::string stored = model::MakeResidentId("150203", Date{1970, 1, 2}, 33);
  std::vector<model::FieldError> single_errors;
  ASSERT_TRUE(service_->Create(sys, BaseEntity::kPerson, Person(stored).fields, {}, {}, &single_errors).ok());

  auto address = service_->CreateMany(sys, BaseEntity::kAddress,
                                      {{{{"grid_code", "150203010008001"}, {"road", "钢铁大街"}, {"number", "1号"}}, {}}},
                                      {}, nullptr);
  ASSERT_TRUE(address.ok()) << address.error().message;
  ASSERT_TRUE((*address)[0].ok()) << (*address)[0].error().message;
  const std::string address_id = std::to_string((*address)[0]->id);

  std::vector<Service::NewRecord> rows = {Person(a), Person(b), Person(stored), Person(a)};
  rows[1].fields["address_id"] = address_id;
  auto bad = Person(model::MakeResidentId("150203", Date{1980, 1, 1}, 44));
  bad.fields["phone"] = "12345";
  bad.fields["address_id"] = "999999";
  rows.push_back(bad);
  rows.push_back(Person(model::MakeResidentId("150203", Date{1981, 1, 1}, 44), "150203010008099"));
  std::vector<std::vector<model::FieldError>> errors;
  auto out = service_->CreateMany(sys, BaseEntity::kPerson, rows, {}, &errors);
  ASSERT_TRUE(out.ok()) << out.error().message;
  ASSERT_EQ(out->size(), rows.size());
  ASSERT_TRUE((*out)[0].ok()) << (*out)[0].error().message;
  ASSERT_TRUE((*out)[1].ok()) << (*out)[1].error().message;
  EXPECT_EQ((*out)[2].error().code, ErrorCode::kConflict);  // stored before
  EXPECT_EQ((*out)[3].error().code, ErrorCode::kConflict);  // row 0 again
  ASSERT_EQ(errors[2].size(), 1u);
  EXPECT_EQ(errors[2][0].field, "id_number");
  EXPECT_EQ((*out)[4].error().code, ErrorCode::kInvalid);
  std::set<std::string> fields;
  for (const auto& e : errors[4]) fields.insert(e.field);
  EXPECT_TRUE(fields.count("phone"));                       // same field rules as Create
  EXPECT_EQ((*out)[5].error().code, ErrorCode::kInvalid);   // no such grid

  // The rows read back like Create's: encrypted, searchable by ID, presented masked.
  Search search;
  search.q = b;
  auto found = service_->List(sys, BaseEntity::kPerson, search);
  ASSERT_TRUE(found.ok());
  ASSERT_EQ(found->total, 1);
  EXPECT_EQ(found->items[0].fields.at("address_id"), address_id);
  auto shown = service_->Present(found->items[0]);
  EXPECT_EQ(shown.at("id_number"), model::MaskResidentId(b));
  EXPECT_EQ(shown.at("phone"), "138****5678");
  EXPECT_EQ(shown.at("birth_date"), "1990-07-08");
  auto clear = service_->Unmask(sys, found->items[0].id, "id_number", "batch test check", 1);
  ASSERT_TRUE(clear.ok()) << clear.error().message;
  EXPECT_EQ(*clear, b);

  // A missing reference gives Create's message.
  auto orphan = Person(model::MakeResidentId("150203", Date{1982, 1, 1}, 44));
  orphan.fields["house_id"] = "424242";
  std::vector<model::FieldError> one;
  EXPECT_FALSE(service_->Create(sys, BaseEntity::kPerson, orphan.fields, {}, {}, &one).ok());
  auto many = service_->CreateMany(sys, BaseEntity::kPerson, {orphan}, {}, &errors);
  ASSERT_TRUE(many.ok());
  EXPECT_FALSE((*many)[0].ok());
  ASSERT_EQ(one.size(), 1u);
  ASSERT_EQ(errors[0].size(), 1u);
  EXPECT_EQ(one[0].field, errors[0][0].field);
  EXPECT_EQ(one[0].message, errors[0][0].message);
}

}  // namespace
}  // namespace cg::base
