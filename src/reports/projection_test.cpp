// Live reports on SQLite and PostgreSQL: a seeded little city, every shipped template computed
// from the projection and compared with a brute-force recount from ListRecords; rows add up to
// the total; ages stay exact as the clock passes a birthday; edits show at once; templates
// added at run time; a second node sharing the database follows through its own feed.

#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "base/change_feed.hpp"
#include "base/service.hpp"
#include "base/test_store.hpp"
#include "model/id_number.hpp"
#include "reports/catalog.hpp"
#include "tabular/xlsx.hpp"

namespace cg::reports {
namespace {

using model::BaseEntity;
using model::OrgKind;

constexpr char kKey[] = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
const std::vector<std::string> kGrids = {"150203010008001", "150203010008002", "150203010009001",
                                         "150204001001001", "150204001001002"};

// Independent recount: the filter semantics written out again, ages with core AgeAt.
bool Brute(const Filter& f, BaseEntity subject, const model::Fields& fields, Date today) {
  if (f.field == "age") {
    auto it = fields.find("birth_date");
    if (it == fields.end()) return false;
    int y = std::stoi(it->second.substr(0, 4)), m = std::stoi(it->second.substr(5, 2)), d = std::stoi(it->second.substr(8, 2));
    int age = AgeAt(Date{y, m, d}, today);
    switch (f.op) {
      case FilterOp::kGe: return age >= f.number;
      case FilterOp::kGt: return age > f.number;
      case FilterOp::kLe: return age <= f.number;
      case FilterOp::kLt: return age < f.number;
      default: return false;
    }
  }
  std::string key = f.field;
  if (subject == BaseEntity::kPerson && key == "person.residence_status") key = "residence_status";
  auto it = fields.find(key);
  std::string v = it == fields.end() ? "" : it->second;
  auto list_has = [&](const std::string& code) { return ("," + v + ",").find("," + code + ",") != std::string::npos; };
  switch (f.op) {
    case FilterOp::kSet: return !v.empty();
    case FilterOp::kUnset: return v.empty();
    case FilterOp::kEq: return !v.empty() && v == f.value;
    case FilterOp::kNe: return !v.empty() && v != f.value;
    case FilterOp::kIn: return !v.empty() && std::count(f.values.begin(), f.values.end(), v);
    case FilterOp::kHas: return list_has(f.value);
    case FilterOp::kHasAny:
      for (const auto& c : f.values)
        if (list_has(c)) return true;
      return false;
    default: return !v.empty() && ((f.op == FilterOp::kGe && std::stod(v) >= f.number) ||
                                   (f.op == FilterOp::kGt && std::stod(v) > f.number) ||
                                   (f.op == FilterOp::kLe && std::stod(v) <= f.number) ||
                                   (f.op == FilterOp::kLt && std::stod(v) < f.number));
  }
}

class ReportsTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    db_ = std::make_unique<cg::testing::BackendStore>(GetParam());
    if (db_->skipped) GTEST_SKIP() << db_->error;
    ASSERT_TRUE(db_->error.empty()) << db_->error;
    using cg::testing::TestUnit;
    ASSERT_TRUE(db_->store
                    ->UpsertOrgUnits({TestUnit("1502", OrgKind::kCity, "包头市"),
                                      TestUnit("150203", OrgKind::kDistrict, "昆都仑区"),
                                      TestUnit("150204", OrgKind::kDistrict, "青山区"),
                                      TestUnit("150203010", OrgKind::kStreet, "市府东路街道"),
                                      TestUnit("150204001", OrgKind::kStreet, "青山街道"),
                                      TestUnit("150203010008", OrgKind::kCommunity, "金华社区"),
                                      TestUnit("150203010009", OrgKind::kCommunity, "丙社区"),
                                      TestUnit("150204001001", OrgKind::kCommunity, "青山社区"),
                                      TestUnit(kGrids[0], OrgKind::kGrid, "甲网格"), TestUnit(kGrids[1], OrgKind::kGrid, "乙网格"),
                                      TestUnit(kGrids[2], OrgKind::kGrid, "丙网格"), TestUnit(kGrids[3], OrgKind::kGrid, "丁网格"),
                                      TestUnit(kGrids[4], OrgKind::kGrid, "戊网格")})
                    .ok());
    keys_ = std::make_unique<privacy::KeyRing>(std::move(privacy::KeyRing::FromHex(kKey)).value());
    auto dict = forms::Dictionary::LoadDirectory("data/elements");
    ASSERT_TRUE(dict.ok());
    dict_ = std::make_unique<forms::Dictionary>(std::move(dict).value());
    clock_.Set(1'780'275'600'000);  // 2026-06-01 09:00 UTC+8
    service_ = std::make_unique<base::Service>(*db_->store, *keys_, *dict_, clock_);
  }

  // A node: feed + catalog on the shared store, started.
  struct Node {
    std::unique_ptr<base::ChangeFeed> feed;
    std::unique_ptr<Catalog> catalog;
  };
  Node StartNode() {
    Node n;
    n.feed = std::make_unique<base::ChangeFeed>(*db_->store);
    n.catalog = std::make_unique<Catalog>(*db_->store, *dict_, clock_);
    auto loaded = n.catalog->Load("data/reports", *n.feed);
    EXPECT_TRUE(loaded.ok()) << loaded.error().message;
    auto started = n.feed->Start();
    EXPECT_TRUE(started.ok()) << started.error().message;
    return n;
  }

  // ~300 people with a random mix of every attribute the templates read, through the service.
  void Seed(int people) {
    std::mt19937 rng(42);
    auto pick = [&](int n) { return static_cast<int>(rng() % n); };
    auto chance = [&](int pct) { return pick(100) < pct; };
    for (int i = 0; i < people; ++i) {
      int age = pick(100) < 30 ? 60 + pick(45) : pick(60);
      Date birth{2026 - age - 1, 1 + pick(12), 1 + pick(28)};
      if (i == 0) birth = {1946, 6, 2};  // turns 80 tomorrow
      if (i == 1) birth = {1944, 2, 29};
      model::Fields a;
      if (age >= 60 && chance(30)) a["person.elderly_living_alone"] = "true";
      if (age >= 60 && chance(20)) a["person.elderly_empty_nest"] = chance(50) ? "true" : "false";
      if (age >= 80 && chance(70)) {
        a["person.old_age_allowance"] = "true";
        a["person.old_age_allowance_amount"] = chance(50) ? "100" : "150.50";
      }
      if (chance(10)) {
        a["person.disabled"] = "true";
        a["person.disability_type"] = std::to_string(1 + pick(7));
        a["person.disability_grade"] = std::to_string(1 + pick(4));
        if (chance(50)) {
          a["person.disability_living_subsidy"] = "true";
          a["person.disability_living_subsidy_amount"] = "80.25";
        }
      }
      if (chance(8)) a["person.veteran"] = "true";
      if (chance(5)) a["person.entitled_group"] = chance(50) ? "disabled_serviceman,martyr_survivor" : "serving_family";
      if (chance(25)) a["person.chronic_disease"] = chance(50) ? "hypertension,diabetes" : "hypertension";
      if (chance(30)) a["person.family_doctor_signed"] = "true";
      if (chance(5)) a["person.extreme_poverty"] = "true", a["person.extreme_poverty_support_mode"] = chance(50) ? "dispersed" : "centralised",
                       a["person.extreme_poverty_amount"] = "1034.40";
      if (age < 18 && chance(10)) a["person.left_behind_child"] = "true", a["person.child_living_allowance"] = "600";
      if (chance(6)) a["person.needs_evacuation_help"] = "true";
      if (chance(5)) a["person.mobility"] = chance(50) ? "aid" : "carried";
      if (chance(3)) a["person.deceased_date"] = "2025-01-01";
      auto p = service_->Create(model::Scope::System(), BaseEntity::kPerson,
                                {{"grid_code", kGrids[pick(kGrids.size())]},
                                 {"name", "居民" + std::to_string(i)},
                                 {"id_number", model::MakeResidentId("150203", birth, 100 + i % 800)},
                                 {"ethnicity", "01"},
                                 {"residence_status", chance(70) ? "registered" : chance(50) ? "floating" : "away"}},
                                a, {}, nullptr);
      ASSERT_TRUE(p.ok()) << p.error().message;
      persons_.push_back(p->id);
      if (i % 3 == 0) {
        model::Fields h;
        if (chance(15)) {
          h["household.dibao"] = "true";
          h["household.dibao_category"] = chance(70) ? "urban" : "rural";
          h["household.dibao_members"] = std::to_string(1 + pick(4));
          h["household.dibao_amount"] = chance(50) ? "645.5" : "1290";
        }
        if (chance(5)) h["household.low_income_margin"] = "true";
        auto hh = service_->Create(model::Scope::System(), BaseEntity::kHousehold,
                                   {{"grid_code", p->grid_code}, {"head_person_id", std::to_string(p->id)},
                                    {"members", std::to_string(p->id) + ":02"}},
                                   h, {}, nullptr);
        ASSERT_TRUE(hh.ok()) << hh.error().message;
      }
    }
  }

  // Brute-force figures of `tpl` for `unit`, as Cells.
  RowValues Recount(const Template& tpl, const std::string& unit, Date today) {
    std::vector<store::BaseRecord> records;
    store::RecordQuery q;
    q.entity = tpl.subject;
    q.grid_prefix = unit;
    for (std::int64_t off = 0;; off += 500) {
      auto page = db_->store->ListRecords(model::Scope::System(), q, {500, off});
      EXPECT_TRUE(page.ok());
      records.insert(records.end(), page->items.begin(), page->items.end());
      if (page->items.size() < 500) break;
    }
    RowValues out(tpl.columns.size());
    for (std::size_t i = 0; i < tpl.columns.size(); ++i) {
      const Column& c = tpl.columns[i];
      if (c.kind == ColumnKind::kRatio) continue;
      out[i].decimals = c.kind == ColumnKind::kSum ? c.decimals : 0;
      for (const auto& r : records) {
        bool ok = true;
        for (const auto& f : c.filters) ok = ok && Brute(f, tpl.subject, r.fields, today);
        if (!ok) continue;
        if (c.kind == ColumnKind::kCount) {
          out[i].value += 1;
        } else if (auto it = r.fields.find(c.sum_element); it != r.fields.end()) {
          out[i].value += std::llround(std::stod(it->second) * std::pow(10, c.decimals));
        }
      }
    }
    return out;
  }

  void ExpectMatchesRecount(Catalog& catalog, const std::string& scope) {
    Date today = DateAt(clock_.Now());
    for (const auto& tpl : catalog.List()) {
      auto report = catalog.Run(model::Scope::System(), tpl->code, scope);
      ASSERT_TRUE(report.ok()) << tpl->code << ": " << report.error().message;
      ASSERT_FALSE(report->rows.empty());
      RowValues sum(tpl->columns.size());
      auto check = [&](const ReportRow& row) {
        RowValues expect = Recount(*tpl, row.code, today);
        for (std::size_t i = 0; i < tpl->columns.size(); ++i) {
          const Column& c = tpl->columns[i];
          if (c.kind == ColumnKind::kRatio) {
            std::size_t n = 0, d = 0;
            for (std::size_t k = 0; k < i; ++k) {
              if (tpl->columns[k].code == c.numerator) n = k;
              if (tpl->columns[k].code == c.denominator) d = k;
            }
            if (row.values[d].value == 0) {
              EXPECT_TRUE(row.values[i].null);
            } else {
              double want = row.values[n].Number() / row.values[d].Number() * (c.percent ? 100 : 1);
              EXPECT_NEAR(row.values[i].Number(), want, 0.5 * std::pow(10, -c.decimals) + 1e-9)
                  << tpl->code << "/" << c.code << " at " << row.code;
            }
            continue;
          }
          EXPECT_EQ(row.values[i].value, expect[i].value) << tpl->code << "/" << c.code << " at " << row.code;
        }
      };
      for (const auto& row : report->rows) {
        check(row);
        for (std::size_t i = 0; i < sum.size(); ++i) sum[i].value += row.values[i].value;
      }
      check(report->total);
      // Rows add up to the total (ratios excepted: they are not additive).
      for (std::size_t i = 0; i < sum.size(); ++i) {
        if (tpl->columns[i].kind != ColumnKind::kRatio)
          EXPECT_EQ(sum[i].value, report->total.values[i].value) << tpl->code << "/" << tpl->columns[i].code;
      }
    }
  }

  std::unique_ptr<cg::testing::BackendStore> db_;
  std::unique_ptr<privacy::KeyRing> keys_;
  std::unique_ptr<forms::Dictionary> dict_;
  ManualClock clock_;
  std::unique_ptr<base::Service> service_;
  std::vector<std::int64_t> persons_;
};

TEST_P(ReportsTest, EveryTemplateMatchesABruteForceRecountAndRowsSumToTheTotal) {
  Seed(240);
  Node node = StartNode();
  ASSERT_GE(node.catalog->List().size(), 8u);
  for (const char* scope : {"1502", "150203", "150203010", "150203010008", "150204001001002"})
    ExpectMatchesRecount(*node.catalog, scope);
  // Tomorrow someone turns 80, and everyone's age moves on: still exact.
  clock_.Advance(24LL * 3600 * 1000);
  ExpectMatchesRecount(*node.catalog, "1502");
  clock_.Set(1'772'323'200'000);  // 2026-03-01: the 29 February birthday counts today
  ExpectMatchesRecount(*node.catalog, "1502");
}

TEST_P(ReportsTest, RowsFollowTheScopeAndLevel) {
  Seed(30);
  Node node = StartNode();
  auto city = node.catalog->Run(model::Scope::System(), "civil_affairs.elderly", "1502");
  ASSERT_TRUE(city.ok());
  ASSERT_EQ(city->rows.size(), 2u);  // districts
  EXPECT_EQ(city->rows[0].name, "昆都仑区");
  EXPECT_EQ(city->total.name, "合计");
  EXPECT_EQ(city->total.code, "1502");
  auto grid = node.catalog->Run(model::Scope::System(), "civil_affairs.elderly", kGrids[0]);
  ASSERT_TRUE(grid.ok());
  ASSERT_EQ(grid->rows.size(), 1u);  // a grid is its own row
  EXPECT_EQ(grid->rows[0].code, kGrids[0]);
  // Outside the caller's subtree: not found, as if absent.
  auto outside = node.catalog->Run(model::Scope::Subtree("150204"), "civil_affairs.elderly", "150203");
  ASSERT_FALSE(outside.ok());
  EXPECT_EQ(outside.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(node.catalog->Run(model::Scope::System(), "no.such", "1502").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(node.catalog->Run(model::Scope::System(), "civil_affairs.elderly", "9999").error().code, ErrorCode::kNotFound);
  // xlsx: title, info row, two header rows with the group merged, data, 合计; read back.
  auto xlsx = RenderXlsx(*city);
  ASSERT_TRUE(xlsx.ok()) << xlsx.error().message;
  tabular::XlsxOptions opt;
  opt.header_row = 4;
  auto reader = tabular::OpenXlsx(*xlsx, opt);
  ASSERT_TRUE(reader.ok()) << reader.error().message;
  auto table = tabular::ReadAll(**reader);
  ASSERT_TRUE(table.ok());
  EXPECT_EQ(table->header[0], "");  // merged with the row above (单位)
  EXPECT_EQ(table->header[3], "60-69周岁（人）");
  ASSERT_GE(table->rows.size(), 3u);
  EXPECT_EQ(table->rows[0][0], "昆都仑区");
  EXPECT_EQ(table->rows[2][0], "合计");
  EXPECT_EQ(table->rows[2][1], city->total.values[0].Text());
  auto csv = RenderCsv(*city);
  EXPECT_EQ(csv.substr(0, 3), "\xEF\xBB\xBF");
  EXPECT_NE(csv.find("按年龄段/60-69周岁（人）"), std::string::npos);
  EXPECT_NE(csv.find("1502,合计," + city->total.values[0].Text()), std::string::npos);
}

TEST_P(ReportsTest, AnEditShowsAtOnceAndADeletionIsSubtracted) {
  Seed(20);
  Node node = StartNode();
  service_->SetChangeFeed(node.feed.get());
  auto before = node.catalog->Run(model::Scope::System(), "civil_affairs.elderly", "150203010008");
  ASSERT_TRUE(before.ok());
  const auto* tpl = before->tpl.get();
  std::size_t alone = 0;
  for (std::size_t i = 0; i < tpl->columns.size(); ++i)
    if (tpl->columns[i].code == "alone80") alone = i;
  // A new 85-year-old living alone in 甲网格.
  auto p = service_->Create(model::Scope::System(), BaseEntity::kPerson,
                            {{"grid_code", kGrids[0]}, {"name", "新老人"},
                             {"id_number", model::MakeResidentId("150203", Date{1941, 1, 1}, 901)},
                             {"ethnicity", "01"}, {"residence_status", "registered"}},
                            {{"person.elderly_living_alone", "true"}}, {}, nullptr);
  ASSERT_TRUE(p.ok());
  auto after = node.catalog->Run(model::Scope::System(), "civil_affairs.elderly", "150203010008");
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->total.values[alone].value, before->total.values[alone].value + 1);
  EXPECT_GT(after->seq, before->seq);
  // Moves to 丙社区: leaves 金华社区's figures.
  ASSERT_TRUE(service_->Patch(model::Scope::System(), BaseEntity::kPerson, p->id, 1, {{"grid_code", kGrids[2]}}, {}, {}, nullptr).ok());
  auto moved = node.catalog->Run(model::Scope::System(), "civil_affairs.elderly", "150203010008");
  EXPECT_EQ(moved->total.values[alone].value, before->total.values[alone].value);
  // No longer alone.
  ASSERT_TRUE(service_->Patch(model::Scope::System(), BaseEntity::kPerson, p->id, 2, {}, {{"person.elderly_living_alone", ""}}, {}, nullptr).ok());
  auto city1 = node.catalog->Run(model::Scope::System(), "civil_affairs.elderly", "1502");
  ASSERT_TRUE(db_->store->DeleteRecord(model::Scope::System(), BaseEntity::kPerson, p->id, 3, {}).ok());
  ASSERT_TRUE(node.feed->CatchUp().ok());
  auto city2 = node.catalog->Run(model::Scope::System(), "civil_affairs.elderly", "1502");
  EXPECT_EQ(city2->total.values[0].value, city1->total.values[0].value - 1);
  ExpectMatchesRecount(*node.catalog, "1502");
}

TEST_P(ReportsTest, TemplatesAddedAtRunTimeAreLiveOnEveryNodeAndShowTheirNewElements) {
  Seed(60);
  Node a = StartNode();
  Node b = StartNode();  // another server on the same database
  const std::string text = R"(code = "housing.difficulty"
department = "housing"
title_zh = "住房困难家庭统计表"
title_en = "Households in housing difficulty"
subject = "household"
[[column]]
code = "difficulty"
label_zh = "住房困难户"
label_en = "In difficulty"
filter = [{ field = "household.housing_difficulty", op = "=", value = true }]
[[column]]
code = "dibao"
label_zh = "其中低保户"
label_en = "of which dibao"
filter = [{ field = "household.housing_difficulty", op = "=", value = true }, { field = "household.dibao", op = "=", value = true }]
)";
  auto preview = a.catalog->Preview(text);
  ASSERT_TRUE(preview.ok()) << preview.error().message;
  ASSERT_EQ(preview->new_elements.size(), 1u);  // household.dibao is already collected
  EXPECT_EQ(preview->new_elements[0]->code, "household.housing_difficulty");
  auto form_before = a.catalog->Form("household");
  ASSERT_TRUE(form_before.ok());
  auto added = a.catalog->Add(text, 1);
  ASSERT_TRUE(added.ok()) << added.error().message;
  EXPECT_EQ(a.catalog->Add(text, 1).error().code, ErrorCode::kConflict);
  auto form_after = a.catalog->Form("household");
  EXPECT_EQ(form_after->burden.fields_once, form_before->burden.fields_once + 1);
  EXPECT_GT(form_after->burden.fields_separate, form_before->burden.fields_separate + 1);
  // Live on node A at once, on node B after its periodic refresh.
  auto on_a = a.catalog->Run(model::Scope::System(), "housing.difficulty", "1502");
  ASSERT_TRUE(on_a.ok()) << on_a.error().message;
  EXPECT_EQ(b.catalog->Run(model::Scope::System(), "housing.difficulty", "1502").error().code, ErrorCode::kNotFound);
  ASSERT_TRUE(b.catalog->Refresh().ok());
  ASSERT_TRUE(b.catalog->Run(model::Scope::System(), "housing.difficulty", "1502").ok());
  // A write through node A's service reaches node B through B's feed.
  service_->SetChangeFeed(a.feed.get());
  auto hh = service_->Create(model::Scope::System(), BaseEntity::kHousehold,
                             {{"grid_code", kGrids[1]}, {"head_person_id", std::to_string(persons_[0])}},
                             {{"household.housing_difficulty", "true"}}, {}, nullptr);
  ASSERT_TRUE(hh.ok()) << hh.error().message;
  ASSERT_TRUE(b.feed->CatchUp().ok());
  auto a_now = a.catalog->Run(model::Scope::System(), "housing.difficulty", "1502");
  auto b_now = b.catalog->Run(model::Scope::System(), "housing.difficulty", "1502");
  EXPECT_EQ(a_now->total.values[0].value, on_a->total.values[0].value + 1);
  EXPECT_EQ(b_now->total.values[0].value, a_now->total.values[0].value);
  ExpectMatchesRecount(*b.catalog, "1502");
  // Built-ins cannot be removed; added ones can.
  EXPECT_EQ(a.catalog->Remove("civil_affairs.elderly").error().code, ErrorCode::kConflict);
  ASSERT_TRUE(a.catalog->Remove("housing.difficulty").ok());
  EXPECT_EQ(a.catalog->Remove("housing.difficulty").error().code, ErrorCode::kNotFound);
  EXPECT_FALSE(a.catalog->Find("housing.difficulty"));
}

TEST_P(ReportsTest, GeneratedFormIsTheUnionAndCountsTheBurdenSaved) {
  Node node = StartNode();
  auto form = node.catalog->Form("household");
  ASSERT_TRUE(form.ok());
  std::set<std::string> seen;
  int sections_with_elements = 0;
  for (const auto& s : form->sections) {
    if (s.group != "core") ++sections_with_elements;
    for (const auto& f : s.fields) {
      EXPECT_TRUE(seen.insert(s.entity + ":" + f.code).second) << "asked twice: " << f.code;
      if (!f.core) EXPECT_FALSE(f.templates.empty()) << f.code;
    }
  }
  EXPECT_TRUE(seen.count("person:person.elderly_living_alone"));
  EXPECT_TRUE(seen.count("household:household.dibao"));
  EXPECT_TRUE(seen.count("person:id_number"));
  EXPECT_FALSE(seen.count("person:person.guardian_name"));  // no active template reads it
  EXPECT_GE(sections_with_elements, 5);
  EXPECT_GT(form->burden.fields_separate, form->burden.fields_once);
  EXPECT_GE(form->burden.departments, 6);
  EXPECT_EQ(node.catalog->Form("car").error().code, ErrorCode::kNotFound);
}

INSTANTIATE_TEST_SUITE_P(Backends, ReportsTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace cg::reports
