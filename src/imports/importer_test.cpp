// Imports end to end on both backends: mapping suggestions, matching, every outcome, the review
// queue, scope, and hostile files.
#include "imports/importer.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <pqxx/pqxx>
#include <random>

#include "model/id_number.hpp"
#include "model/masking.hpp"
#include "tabular/csv.hpp"
#include "tabular/xlsx.hpp"

namespace cg::imports {
namespace {

using model::BaseEntity;
using store::ImportOutcome;

model::OrgUnit Unit(std::string code, model::OrgKind kind, std::string parent) {
  model::OrgUnit u;
  u.code = std::move(code);
  u.kind = kind;
  u.name = u.code;
  u.parent_code = std::move(parent);
  return u;
}

std::string RandomHex(int n) {
  static std::mt19937_64 rng(std::random_device{}());
  std::string s;
  for (int i = 0; i < n; ++i) s += "0123456789abcdef"[rng() % 16];
  return s;
}

const std::string kGrid1 = "150203010008001";
const std::string kGrid2 = "150203010008002";

forms::Dictionary LoadDictionary() {
  auto dict = forms::Dictionary::LoadDirectory(std::filesystem::path(CITYGRID_SOURCE_DIR) / "data/elements");
  EXPECT_TRUE(dict.ok()) << dict.error().message;
  return std::move(dict).value();
}

TEST(Mapping, SuggestsTargetsFromDepartmentHeaders) {
  auto dict = LoadDictionary();
  std::vector<std::string> header = {"序号",     "姓 名",    "身份证号码*", "性别",     "出生日期",   "民族",
                                     "联系电话", "现住址",   "独居老人",    "残疾等级", "网格编码",   "备注",
                                     "Phone"};
  auto m = SuggestMapping(header, dict);
  ASSERT_EQ(m.size(), header.size());
  EXPECT_EQ(m[0], "");
  EXPECT_EQ(m[1], "person.name");
  EXPECT_EQ(m[2], "person.id_number");
  EXPECT_EQ(m[3], kSex);
  EXPECT_EQ(m[4], kBirthDate);
  EXPECT_EQ(m[5], "person.ethnicity");
  EXPECT_EQ(m[6], "person.phone");
  EXPECT_EQ(m[7], kAddress);
  EXPECT_EQ(m[8], "person.elderly_living_alone");
  EXPECT_EQ(m[9], "person.disability_grade");
  EXPECT_EQ(m[10], kGridCode);
  EXPECT_EQ(m[11], "");
  EXPECT_EQ(m[12], "") << "phone is taken by 联系电话 already";
  EXPECT_TRUE(CheckMapping(m, header.size(), dict).ok());
  auto dup = m;
  dup[0] = "person.name";
  EXPECT_FALSE(CheckMapping(dup, header.size(), dict).ok());
  auto unknown = m;
  unknown[0] = "person.salary'; DROP TABLE persons";
  EXPECT_FALSE(CheckMapping(unknown, header.size(), dict).ok());
  EXPECT_FALSE(CheckMapping({"person.id_number"}, 1, dict).ok()) << "no name column";
  EXPECT_FALSE(CheckMapping(m, 3, dict).ok()) << "more entries than columns";
  // Phone-bearing attributes would be stored in clear: not offered.
  for (const auto& t : PersonTargets(dict)) EXPECT_NE(t.code, "person.guardian_phone");
}

TEST(Mapping, NormalizesLabelsBooleansAndDates) {
  auto dict = LoadDictionary();
  const Date today{2026, 1, 1};
  auto cell = [&](const char* target, const char* raw) {
    auto r = NormalizeCell(dict, target, raw, today);
    return r.ok() ? *r : "ERR:" + r.error().message;
  };
  EXPECT_EQ(cell("person.ethnicity", "汉族"), "01");
  EXPECT_EQ(cell("person.ethnicity", "蒙古族"), "02");
  EXPECT_EQ(cell("person.ethnicity", "02"), "02");
  EXPECT_EQ(cell("person.residence_status", "流动人口"), "floating");
  EXPECT_EQ(cell("person.residence_status", "户籍"), "registered");
  EXPECT_EQ(cell("person.elderly_living_alone", "是"), "true");
  EXPECT_EQ(cell("person.elderly_living_alone", " 否 "), "false");
  EXPECT_EQ(cell("person.elderly_living_alone", ""), "");
  EXPECT_EQ(cell(kBirthDate, "1950年3月4日"), "1950-03-04");
  EXPECT_EQ(cell(kBirthDate, "1950/3/4"), "1950-03-04");
  EXPECT_EQ(cell(kBirthDate, "19500304"), "1950-03-04");
  EXPECT_EQ(cell(kSex, "女"), "female");
  EXPECT_EQ(cell("person.name", " 张  三 "), "张三");
  EXPECT_EQ(cell("person.phone", "+86 138-1234-5678"), "13812345678");
  EXPECT_TRUE(cell(kBirthDate, "1950-02-30").starts_with("ERR:")) << cell(kBirthDate, "1950-02-30");
  EXPECT_TRUE(cell("person.ethnicity", "火星族").starts_with("ERR:person.ethnicity"));
  EXPECT_TRUE(cell("person.elderly_living_alone", "maybe").starts_with("ERR:"));
  // A bad ID number is named, never repeated.
  std::string bad = model::MakeResidentId("150203", Date{1950, 3, 4}, 11);
  bad[17] = bad[17] == '1' ? '2' : '1';
  std::string msg = cell("person.id_number", bad.c_str());
  EXPECT_TRUE(msg.starts_with("ERR:person.id_number")) << msg;
  EXPECT_EQ(msg.find(bad.substr(0, 17)), std::string::npos) << msg;
  EXPECT_TRUE(AddressesMatch("钢铁大街 12号 3号楼 2单元 501", "钢铁大街12号3栋2单元501"));
  EXPECT_FALSE(AddressesMatch("钢铁大街12号", "阿尔丁大街12号"));
}

// fuzz/import_cells_fuzz.cpp's corpus (seeds and any crash kept there) replayed through the same
// calls (tests run from the source root).
TEST(Mapping, FuzzCorpusReplays) {
  const forms::Dictionary empty;
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator("fuzz/corpus/import_cells")) {
    std::ifstream in(entry.path(), std::ios::binary);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::vector<std::string> lines;
    std::size_t start = 0;
    while (start <= text.size() && lines.size() < 64) {
      auto nl = text.find('\n', start);
      if (nl == std::string::npos) nl = text.size();
      lines.push_back(text.substr(start, nl - start));
      start = nl + 1;
    }
    for (std::size_t i = 0; i < lines.size(); ++i) {
      for (const char* target : {"person.name", "person.id_number", "person.phone", "grid_code", "birth_date", "sex",
                                 "address", "person.unknown"}) {
        (void)NormalizeCell(empty, target, lines[i], Date{2026, 1, 1});
      }
      (void)NormalizeDateText(lines[i]);
      if (i > 0) (void)AddressesMatch(lines[i - 1], lines[i]);
    }
    EXPECT_EQ(SuggestMapping(lines, empty).size(), lines.size()) << entry.path();
    ++files;
  }
  EXPECT_GE(files, 2);
}

TEST(Results, TableNeutralisesFormulasInCsv) {
  store::ImportRow r;
  r.row_number = 7;
  r.outcome = ImportOutcome::kInvalid;
  r.detail = {{"reason", "=HYPERLINK(\"http://evil\",\"x\")"}};
  std::string csv = tabular::WriteCsv(ResultsTable({r}));
  EXPECT_NE(csv.find("'=HYPERLINK"), std::string::npos) << csv;
  EXPECT_EQ(csv.find(",=HYPERLINK"), std::string::npos) << csv;
}

class ImportTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    std::string url;
    if (GetParam() == "sqlite") {
      dir_ = std::filesystem::temp_directory_path() / ("cg_imports_" + RandomHex(10));
      std::filesystem::create_directories(dir_);
      url = "sqlite://" + (dir_ / "t.db").string();
    } else {
      const char* pg = std::getenv("CITYGRID_TEST_PG_URL");
      if (pg == nullptr || *pg == '\0') {
        const char* skip = std::getenv("CITYGRID_TEST_SKIP_PG");
        if (skip && std::string(skip) == "1") GTEST_SKIP() << "CITYGRID_TEST_SKIP_PG=1";
        FAIL() << "CITYGRID_TEST_PG_URL is not set (scripts/start-pg.sh), or set CITYGRID_TEST_SKIP_PG=1";
      }
      pg_url_ = pg;
      schema_ = "cg_imp_" + RandomHex(12);
      pqxx::connection c(pg_url_);
      pqxx::work w(c);
      w.exec("CREATE SCHEMA " + w.quote_name(schema_));
      w.commit();
      url = pg_url_ + (pg_url_.find('?') == std::string::npos ? "?" : "&") + "options=-csearch_path%3D" + schema_;
    }
    auto s = store::Store::Open(url);
    ASSERT_TRUE(s.ok()) << s.error().message;
    store_ = std::move(s).value();
    ASSERT_TRUE(store_->Migrate().ok());
    ASSERT_TRUE(store_->UpsertOrgUnits({Unit("1502", model::OrgKind::kCity, ""),
                                        Unit("150203", model::OrgKind::kDistrict, "1502"),
                                        Unit("150203010", model::OrgKind::kStreet, "150203"),
                                        Unit("150203010008", model::OrgKind::kCommunity, "150203010"),
                                        Unit(kGrid1, model::OrgKind::kGrid, "150203010008"),
                                        Unit(kGrid2, model::OrgKind::kGrid, "150203010008")})
                    .ok());
    auto keys = privacy::KeyRing::FromHex(std::string(64, 'b'));
    ASSERT_TRUE(keys.ok());
    keys_ = std::make_unique<privacy::KeyRing>(std::move(keys).value());
    dict_ = std::make_unique<forms::Dictionary>(LoadDictionary());
    service_ = std::make_unique<base::Service>(*store_, *keys_, *dict_, clock_);
    importer_ = std::make_unique<Importer>(*service_, *dict_, *keys_, clock_);
  }
  void TearDown() override {
    importer_.reset();
    service_.reset();
    store_.reset();
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
    if (!schema_.empty()) {
      pqxx::connection c(pg_url_);
      pqxx::work w(c);
      w.exec("DROP SCHEMA " + w.quote_name(schema_) + " CASCADE");
      w.commit();
    }
  }

  std::int64_t AddPerson(const std::string& grid, const std::string& name, const std::string& id,
                         model::Fields extra = {}, model::Fields attributes = {}) {
    model::Fields f = {{"grid_code", grid}, {"name", name}, {"id_number", id}, {"ethnicity", "01"},
                       {"residence_status", "registered"}};
    for (auto& [k, v] : extra) f[k] = v;
    auto p = service_->Create(model::Scope::System(), BaseEntity::kPerson, f, attributes, {}, nullptr);
    EXPECT_TRUE(p.ok()) << p.error().message;
    return p.ok() ? p->id : 0;
  }

  std::vector<store::ImportRow> Rows(std::int64_t job) {
    auto rows = store_->ListImportRows(model::Scope::System(), job, std::nullopt, {10000, 0});
    EXPECT_TRUE(rows.ok());
    return rows.ok() ? rows->items : std::vector<store::ImportRow>{};
  }

  Result<store::ImportJob> Import(const std::string& csv, const std::string& scope_code, bool dry_run = false,
                                 std::size_t batch = 2000) {
    Source src{"台账.csv", csv, "", ""};
    Options o;
    o.scope_code = scope_code;
    o.dry_run = dry_run;
    o.batch_rows = batch;
    o.actor_user_id = 42;
    auto job = importer_->Start(model::Scope::Subtree("150203"), src, o);
    if (!job.ok()) return job.error();
    std::vector<std::int64_t> progress;
    auto done = importer_->Run(*job, src, o, [&](std::int64_t d, std::int64_t) { progress.push_back(d); });
    EXPECT_FALSE(progress.empty());
    EXPECT_EQ(progress.back(), done.total_rows);
    return done;
  }

  std::filesystem::path dir_;
  std::string pg_url_, schema_;
  ManualClock clock_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<privacy::KeyRing> keys_;
  std::unique_ptr<forms::Dictionary> dict_;
  std::unique_ptr<base::Service> service_;
  std::unique_ptr<Importer> importer_;
};

TEST_P(ImportTest, EveryRowGetsItsFateAndNothingIsOverwritten) {
  const std::string a = model::MakeResidentId("150203", Date{1950, 3, 4}, 11);
  const std::string b = model::MakeResidentId("150203", Date{1960, 5, 6}, 22);
  const std::string c = model::MakeResidentId("150203", Date{1990, 7, 8}, 33);
  const std::string d = model::MakeResidentId("150203", Date{1980, 1, 2}, 44);
  const std::string outside = model::MakeResidentId("150203", Date{1970, 9, 9}, 55);
  std::string bad = model::MakeResidentId("150203", Date{1955, 1, 1}, 66);
  bad[17] = bad[17] == '1' ? '2' : '1';
  const auto pa = AddPerson(kGrid1, "王秀英", a, {{"phone", "13800000001"}});
  const auto pb = AddPerson(kGrid1, "李建国", b);
  const auto pd = AddPerson(kGrid1, "赵敏", d, {}, {{"person.elderly_living_alone", "true"}});
  const auto po = AddPerson(kGrid2, "孙丽", outside);
  std::string csv =
      "姓名,身份证号码,民族,联系电话,独居老人,出生日期,人口类型\n"
      "王秀英," + a + ",汉族,,是,,\n"                      // 2 fills the attribute: updated
      "李建国," + b + ",蒙古族,,,,\n"                       // 3 ethnicity differs: review (conflict)
      "张伟," + c + ",汉族,13912345678,否,,户籍\n"          // 4 new: created
      "错号," + bad + ",汉族,,,,户籍\n"                     // 5 invalid: check digit
      "赵敏," + d + ",汉族,,是,,\n"                         // 6 nothing new: unchanged
      "王秀英,,,,,1950-03-04,\n"                            // 7 no ID: name + birth date, no address: review
      "张伟," + c + ",汉族,13912345678,否,,户籍\n"          // 8 same as row 4: unchanged (next batch)
      "孙丽," + outside + ",汉族,,,,户籍\n"                 // 9 registered in grid 2: invalid
      "无名,,汉族,,,1999-09-09,户籍\n"                      // 10 no ID, nobody like that: invalid
      "王秀英," + a + ",汉族,13800000009,,,\n";             // 11 phone differs: review (conflict)
  auto job = Import(csv, kGrid1);
  ASSERT_TRUE(job.ok()) << job.error().message;
  EXPECT_EQ(job->status, store::ImportStatus::kDone) << job->error;
  EXPECT_EQ(job->total_rows, 10);
  EXPECT_EQ(job->done_rows, 10);
  auto rows = Rows(job->id);
  ASSERT_EQ(rows.size(), 10u);
  std::map<std::int64_t, store::ImportRow> by;
  for (auto& r : rows) by[r.row_number] = r;
  auto outcome = [&](int n) { return std::string(store::ImportOutcomeName(by[n].outcome)); };
  EXPECT_EQ(outcome(2), "updated");
  EXPECT_EQ(by[2].detail["filled"], "person.elderly_living_alone");
  EXPECT_EQ(outcome(3), "review");
  EXPECT_EQ(by[3].review, "conflict");
  EXPECT_EQ(by[3].detail["conflicts"], "person.ethnicity");
  EXPECT_EQ(by[3].detail["existing.person.ethnicity"], "01");
  EXPECT_EQ(outcome(4), "created");
  EXPECT_EQ(outcome(5), "invalid");
  EXPECT_NE(by[5].detail["reason"].find("check digit"), std::string::npos) << by[5].detail["reason"];
  EXPECT_EQ(by[5].detail["reason"].find(bad.substr(0, 17)), std::string::npos);
  EXPECT_EQ(outcome(6), "unchanged");
  EXPECT_EQ(by[6].record_id, pd);
  EXPECT_EQ(outcome(7), "review");
  EXPECT_EQ(by[7].review, "ambiguous");
  EXPECT_EQ(by[7].detail["candidates"], std::to_string(pa));
  EXPECT_EQ(outcome(8), "unchanged");
  EXPECT_EQ(by[8].record_id, by[4].record_id);
  EXPECT_EQ(outcome(9), "invalid");
  EXPECT_NE(by[9].detail["reason"].find("outside"), std::string::npos);
  EXPECT_EQ(outcome(10), "invalid");
  EXPECT_EQ(outcome(11), "review");
  EXPECT_EQ(by[11].detail["existing.person.phone"], "138****0001");
  EXPECT_EQ(by[11].detail["file.person.phone"], "138****0009");
  EXPECT_EQ(job->counts.created, 1);
  EXPECT_EQ(job->counts.updated, 1);
  EXPECT_EQ(job->counts.unchanged, 2);
  EXPECT_EQ(job->counts.invalid, 3);
  EXPECT_EQ(job->counts.review, 3);
  auto stored_job = store_->GetImportJob(model::Scope::System(), job->id);
  ASSERT_TRUE(stored_job.ok());
  EXPECT_EQ(stored_job->counts.review, 3);
  EXPECT_EQ(stored_job->status, store::ImportStatus::kDone);

  // Nothing overwritten: 李建国 keeps 01, 王秀英 keeps her phone; the fill went in with source import.
  auto pb_now = store_->GetRecord(model::Scope::System(), BaseEntity::kPerson, pb);
  ASSERT_TRUE(pb_now.ok());
  EXPECT_EQ(pb_now->fields["ethnicity"], "01");
  EXPECT_EQ(pb_now->version, 1);
  auto pa_now = store_->GetRecord(model::Scope::System(), BaseEntity::kPerson, pa);
  ASSERT_TRUE(pa_now.ok());
  EXPECT_EQ(pa_now->fields["person.elderly_living_alone"], "true");
  auto history = store_->History(model::Scope::System(), BaseEntity::kPerson, pa);
  ASSERT_TRUE(history.ok());
  EXPECT_EQ(history->back().source, "import");
  EXPECT_EQ(history->back().actor_user_id, 42);
  EXPECT_EQ(service_->Present(*pa_now)["phone"], "138****0001");
  auto po_now = store_->GetRecord(model::Scope::System(), BaseEntity::kPerson, po);
  ASSERT_TRUE(po_now.ok());
  EXPECT_EQ(po_now->version, 1);

  // Review payloads are encrypted: no ID number in them; the reviewer sees masks.
  EXPECT_EQ(by[3].payload.find(b), std::string::npos);
  auto shown = importer_->ReviewValues(by[3]);
  ASSERT_TRUE(shown.ok()) << shown.error().message;
  EXPECT_EQ((*shown)["person.id_number"], model::MaskResidentId(b));
  EXPECT_EQ((*shown)["person.ethnicity"], "02");

  // The review queue: take the file's ethnicity; keep the stored phone; link the ambiguous row.
  const auto area = model::Scope::Subtree("150203010008");
  Resolution take_eth{"link", 0, {"person.ethnicity"}};
  auto r3 = importer_->Resolve(area, job->id, 3, take_eth, 43);
  ASSERT_TRUE(r3.ok()) << r3.error().message;
  EXPECT_EQ(r3->outcome, ImportOutcome::kUpdated);
  EXPECT_EQ(r3->detail["taken"], "person.ethnicity");
  pb_now = store_->GetRecord(model::Scope::System(), BaseEntity::kPerson, pb);
  EXPECT_EQ(pb_now->fields["ethnicity"], "02");
  EXPECT_EQ(importer_->Resolve(area, job->id, 3, take_eth, 43).error().code, ErrorCode::kConflict);
  EXPECT_EQ(importer_->Resolve(area, job->id, 11, {"link", 0, {"person.name"}}, 43).error().code,
            ErrorCode::kInvalid)
      << "name is not in conflict";
  EXPECT_EQ(importer_->Resolve(area, job->id, 11, {"create", 0, {}}, 43).error().code, ErrorCode::kInvalid);
  auto r11 = importer_->Resolve(area, job->id, 11, {"link", 0, {}}, 43);
  ASSERT_TRUE(r11.ok()) << r11.error().message;
  EXPECT_EQ(r11->outcome, ImportOutcome::kUnchanged);
  EXPECT_EQ(r11->detail["kept"], "person.phone");
  EXPECT_EQ(importer_->Resolve(area, job->id, 7, {"link", 0, {}}, 43).error().code, ErrorCode::kInvalid)
      << "an ambiguous row needs a person";
  EXPECT_EQ(importer_->Resolve(model::Scope::Subtree(kGrid2), job->id, 7, {"skip", 0, {}}, 43).error().code,
            ErrorCode::kNotFound);
  EXPECT_EQ(importer_->Resolve(area, job->id, 7, {"link", po, {}}, 43).error().code, ErrorCode::kNotFound)
      << "a person outside the job's scope";
  auto r7 = importer_->Resolve(area, job->id, 7, {"link", pa, {}}, 43);
  ASSERT_TRUE(r7.ok()) << r7.error().message;
  EXPECT_EQ(r7->outcome, ImportOutcome::kUnchanged);
  EXPECT_EQ(importer_->Resolve(area, job->id, 5, {"skip", 0, {}}, 43).error().code, ErrorCode::kConflict)
      << "an invalid row is not in review";
  auto final_job = store_->GetImportJob(area, job->id);
  ASSERT_TRUE(final_job.ok());
  EXPECT_EQ(final_job->counts.review, 0);
  EXPECT_EQ(final_job->counts.updated, 2);
  EXPECT_EQ(final_job->counts.unchanged, 4);
}

TEST_P(ImportTest, DryRunWritesNoPersonAndAmbiguousRowsCanBeCreated) {
  const std::string a = model::MakeResidentId("150203", Date{1950, 3, 4}, 11);
  const std::string a2 = model::MakeResidentId("150203", Date{1950, 3, 4}, 13);
  const auto pa = AddPerson(kGrid1, "王秀英", a, {}, {{"person.hukou_address", "钢铁大街12号3栋501"}});
  std::string csv = "姓名,身份证号,民族,人口类型,现住址\n"
                    "王秀英," + a2 + ",汉族,户籍,钢铁大街 12号 3号楼 501\n"   // 2 namesake or typo: review
                    "刘洋," + model::MakeResidentId("150203", Date{2001, 1, 1}, 15) + ",汉族,户籍,\n"  // 3 create
                    "刘洋," + model::MakeResidentId("150203", Date{2001, 1, 1}, 15) + ",汉族,户籍,\n";  // 4 dup
  auto dry = Import(csv, kGrid1, /*dry_run=*/true);
  ASSERT_TRUE(dry.ok()) << dry.error().message;
  EXPECT_TRUE(dry->dry_run);
  EXPECT_EQ(dry->counts.review, 1);
  EXPECT_EQ(dry->counts.created, 1);
  EXPECT_EQ(dry->counts.unchanged, 1);
  auto persons = store_->ListRecords(model::Scope::System(), {}, {100, 0});
  ASSERT_TRUE(persons.ok());
  EXPECT_EQ(persons->total, 1) << "a dry run creates nobody";
  EXPECT_EQ(importer_->Resolve(model::Scope::System(), dry->id, 2, {"skip", 0, {}}, 1).error().code,
            ErrorCode::kConflict);

  auto real = Import(csv, kGrid1, false, /*batch=*/1);
  ASSERT_TRUE(real.ok()) << real.error().message;
  auto rows = Rows(real->id);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].outcome, ImportOutcome::kReview);
  EXPECT_EQ(rows[0].detail["candidates"], std::to_string(pa));
  EXPECT_EQ(rows[1].outcome, ImportOutcome::kCreated);
  EXPECT_EQ(rows[2].outcome, ImportOutcome::kUnchanged);
  auto created = importer_->Resolve(model::Scope::Subtree("150203"), real->id, 2, {"create", 0, {}}, 7);
  ASSERT_TRUE(created.ok()) << created.error().message;
  EXPECT_EQ(created->outcome, ImportOutcome::kCreated);
  EXPECT_GT(created->record_id, pa);
  persons = store_->ListRecords(model::Scope::System(), {}, {100, 0});
  EXPECT_EQ(persons->total, 3);
}

TEST_P(ImportTest, ScopeIsEnforced) {
  std::string csv = "姓名,身份证号,民族,人口类型\n张三," + model::MakeResidentId("150203", Date{1980, 1, 1}, 1) +
                    ",汉族,户籍\n";
  Source src{"x.csv", csv, "", ""};
  Options o;
  o.scope_code = "150207";  // another district than the caller's 150203
  EXPECT_EQ(importer_->Start(model::Scope::Subtree("150203"), src, o).error().code, ErrorCode::kNotFound);
  // Into a grid: a row naming another grid is refused (not inside the import's scope).
  std::string other = "姓名,身份证号,民族,人口类型,网格编码\n李四," +
                      model::MakeResidentId("150203", Date{1980, 1, 1}, 3) + ",汉族,户籍," + kGrid2 + "\n";
  auto job = Import(other, kGrid1);
  ASSERT_TRUE(job.ok());
  auto rows = Rows(job->id);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].outcome, ImportOutcome::kInvalid);
  EXPECT_NE(rows[0].detail["reason"].find("grid_code"), std::string::npos) << rows[0].detail["reason"];
  EXPECT_EQ(store_->GetImportJob(model::Scope::Subtree(kGrid2), job->id).error().code, ErrorCode::kNotFound);
}

TEST_P(ImportTest, HostileFilesFailClearlyAndWriteNothing) {
  auto start = [&](std::string name, std::string bytes) {
    Source src{std::move(name), std::move(bytes), "", ""};
    Options o;
    o.scope_code = kGrid1;
    return importer_->Start(model::Scope::System(), src, o);
  };
  // A valid xlsx, then cut short.
  tabular::Workbook wb;
  tabular::Table t;
  t.header = {"姓名", "身份证号码", "民族", "人口类型"};
  for (int i = 0; i < 200; ++i) {
    t.rows.push_back({"张" + std::to_string(i), model::MakeResidentId("150203", Date{1980, 1, 1}, i), "汉族", "户籍"});
  }
  wb.sheets.push_back(tabular::SheetFromTable("人员", t));
  auto xlsx = tabular::WriteXlsx(wb);
  ASSERT_TRUE(xlsx.ok());
  auto good = start("人员.xlsx", *xlsx);
  ASSERT_TRUE(good.ok()) << good.error().message;
  EXPECT_EQ(good->total_rows, 200);
  struct Case {
    const char* what;
    std::string name, bytes;
    ErrorCode code;
    const char* says;
  };
  std::string huge = "姓名,身份证号码\n" + std::string(2 << 20, 'x') + ",1\n";
  std::string unterminated = "姓名,身份证号码\n\"张三,1\n李四,2\n";
  static constexpr char kNul[] = "姓名,身份证号码\n张三\0,1\n";
  std::string nul(kNul, sizeof kNul - 1);
  std::vector<Case> cases = {
      {"truncated xlsx", "a.xlsx", xlsx->substr(0, xlsx->size() / 2), ErrorCode::kInvalid, ""},
      {"legacy xls", "a.xls", std::string("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) + std::string(600, '\0'),
       ErrorCode::kInvalid, "xls"},
      {"empty", "a.csv", "", ErrorCode::kInvalid, ""},
      {"header only", "a.csv", "姓名,身份证号码\n", ErrorCode::kInvalid, "no data rows"},
      {"huge cell", "a.csv", huge, ErrorCode::kTooLarge, ""},
      {"unterminated quote", "a.csv", unterminated, ErrorCode::kInvalid, "line 2"},
      {"NUL byte", "a.csv", nul, ErrorCode::kInvalid, "NUL"},
      {"no name column", "a.csv", "编号,备注\n1,2\n", ErrorCode::kInvalid, "person.name"},
  };
  for (const auto& c : cases) {
    auto r = start(c.name, c.bytes);
    ASSERT_FALSE(r.ok()) << c.what;
    EXPECT_EQ(r.error().code, c.code) << c.what << ": " << r.error().message;
    EXPECT_NE(r.error().message.find(c.says), std::string::npos) << c.what << ": " << r.error().message;
    EXPECT_FALSE(r.error().message.empty()) << c.what;
  }
  auto jobs = store_->ListImportJobs(model::Scope::System(), {});
  ASSERT_TRUE(jobs.ok());
  EXPECT_EQ(jobs->total, 1) << "only the good file made a job";
  // GBK from Excel on Chinese Windows is read (GB18030 detection), not refused.
  std::string gbk = "\xD0\xD5\xC3\xFB,\xC3\xF1\xD7\xE5\n"  // 姓名,民族
                    "\xD5\xC5\xC8\xFD,\xBA\xBA\xD7\xE5\n";  // 张三,汉族
  auto preview = Inspect({"gbk.csv", gbk, "", ""}, *dict_);
  ASSERT_TRUE(preview.ok()) << preview.error().message;
  EXPECT_EQ(preview->header[0], "姓名");
  EXPECT_EQ(preview->suggested[1], "person.ethnicity");
  EXPECT_EQ(preview->encoding, "GB18030");
}

TEST_P(ImportTest, KeyRotationReSealsPersonsAndReviewPayloads) {
  const std::string a = model::MakeResidentId("150203", Date{1950, 3, 4}, 11);
  const std::string b = model::MakeResidentId("150203", Date{1960, 5, 6}, 22);
  const auto pa = AddPerson(kGrid1, "王秀英", a, {{"phone", "13800000001"}});
  const auto pb = AddPerson(kGrid1, "李建国", b);
  auto job = Import("姓名,身份证号码,民族\n李建国," + b + ",蒙古族\n", kGrid1);  // a conflict: review row
  ASSERT_TRUE(job.ok()) << job.error().message;
  ASSERT_EQ(job->counts.review, 1);

  // The rotated ring: a new key first, the old one ('b') kept.
  const std::string new_hex(64, 'c'), old_hex(64, 'b');
  auto rotated = privacy::KeyRing::FromHex(new_hex + "," + old_hex);
  ASSERT_TRUE(rotated.ok());
  std::vector<base::ResealCounts> seen;
  auto persons = base::ResealPersons(*store_, *rotated, [&](const base::ResealCounts& c) { seen.push_back(c); }, 1);
  ASSERT_TRUE(persons.ok()) << persons.error().message;
  EXPECT_EQ(persons->seen, 2);
  EXPECT_EQ(persons->resealed, 2);
  EXPECT_EQ(seen.size(), 2u) << "one progress call per batch of 1";
  auto payloads = ResealImportPayloads(*store_, *rotated);
  ASSERT_TRUE(payloads.ok()) << payloads.error().message;
  EXPECT_EQ(payloads->resealed, 1);

  // Everything now opens with the new key alone, and not with the old one alone.
  auto only_new = privacy::KeyRing::FromHex(new_hex);
  ASSERT_TRUE(only_new.ok());
  base::Service service(*store_, *only_new, *dict_, clock_);
  Importer importer(service, *dict_, *only_new, clock_);
  EXPECT_EQ(*service.Unmask(model::Scope::System(), pa, "id_number", "轮换核对", 1), a);
  EXPECT_EQ(*service.Unmask(model::Scope::System(), pa, "phone", "轮换核对", 1), "13800000001");
  EXPECT_EQ(*service.Unmask(model::Scope::System(), pb, "id_number", "轮换核对", 1), b);
  EXPECT_FALSE(service_->Unmask(model::Scope::System(), pa, "id_number", "轮换核对", 1).ok())
      << "the old ring alone no longer opens it";
  // The blind and tail indexes follow the key: search by ID number, phone and ID tail finds them.
  for (const std::string& q : {a, std::string("13800000001"), a.substr(14)}) {
    auto found = service.List(model::Scope::System(), BaseEntity::kPerson, {"", q, {10, 0}});
    ASSERT_TRUE(found.ok()) << q;
    ASSERT_EQ(found->items.size(), 1u) << q;
    EXPECT_EQ(found->items[0].id, pa) << q;
  }
  auto review = Rows(job->id);
  ASSERT_EQ(review.size(), 1u);
  auto values = importer.ReviewValues(review[0]);
  ASSERT_TRUE(values.ok()) << values.error().message;
  EXPECT_EQ((*values)["person.ethnicity"], "02");

  // A second run has nothing to do; a new person sealed under the old key is picked up alone.
  EXPECT_EQ(base::ResealPersons(*store_, *rotated)->resealed, 0);
  EXPECT_EQ(ResealImportPayloads(*store_, *rotated)->resealed, 0);
  const auto pc = AddPerson(kGrid1, "张伟", model::MakeResidentId("150203", Date{1990, 7, 8}, 33));
  EXPECT_EQ(base::ResealPersons(*store_, *rotated)->resealed, 1);
  EXPECT_TRUE(service.Unmask(model::Scope::System(), pc, "id_number", "轮换核对", 1).ok());

  // A value whose blind index does not match is refused, naming the person; nothing is written.
  auto sealed = store_->ListSealedPersons(0, 10);
  ASSERT_TRUE(sealed.ok());
  ASSERT_EQ(sealed->size(), 3u);
  auto forged = (*sealed)[1];
  const std::string kept_cipher = forged.id_number.cipher;
  forged.id_number.index = std::string(16, '\x01');
  ASSERT_TRUE(store_->ResealPersons({forged}).ok());
  auto again = privacy::KeyRing::FromHex(std::string(64, 'd') + "," + new_hex);
  ASSERT_TRUE(again.ok());
  auto refused = base::ResealPersons(*store_, *again);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kInvalid);
  EXPECT_NE(refused.error().message.find("person " + std::to_string(forged.id)), std::string::npos)
      << refused.error().message;
  EXPECT_EQ(store_->ListSealedPersons(forged.id - 1, 1)->at(0).id_number.cipher, kept_cipher);
  // A payload that does not open is refused too.
  auto payload_rows = store_->ListSealedImportPayloads(0, 0, 10);
  ASSERT_TRUE(payload_rows.ok());
  ASSERT_EQ(payload_rows->size(), 1u);
  auto broken = (*payload_rows)[0];
  broken.payload[broken.payload.size() - 1] ^= 1;
  ASSERT_TRUE(store_->ResealImportPayloads({broken}).ok());
  EXPECT_EQ(ResealImportPayloads(*store_, *again).error().code, ErrorCode::kInvalid);
  EXPECT_EQ(store_->ListSealedPersons(0, 0).error().code, ErrorCode::kInvalid);
  EXPECT_EQ(store_->ResealPersons({store::SealedPerson{999999, {}, {}}}).error().code, ErrorCode::kConflict);
}

INSTANTIATE_TEST_SUITE_P(Backends, ImportTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace cg::imports
