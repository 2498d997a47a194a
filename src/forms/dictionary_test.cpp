#include "forms/dictionary.hpp"

#include <gtest/gtest.h>

#include <set>

#include "model/id_number.hpp"

namespace cg::forms {
namespace {

constexpr Date kToday{2026, 11, 24};

const char* kDepartments = R"(
[[department]]
code = "civil_affairs"
label_zh = "民政"
label_en = "Civil affairs"
)";

// Loads `departments + body` as one file "test.toml" and returns the error message ("" if ok).
std::string LoadError(const std::string& body) {
  auto r = Dictionary::LoadFiles({{"test.toml", std::string(kDepartments) + body}});
  if (r.ok()) return "";
  EXPECT_EQ(r.error().code, ErrorCode::kInvalid);
  return r.error().message;
}

std::string Element(const std::string& extra, const std::string& type = "string") {
  return "[[element]]\ncode = \"person.x\"\nlabel_zh = \"某\"\nlabel_en = \"X\"\ntype = \"" + type +
         "\"\nentity = \"person\"\nsensitivity = \"personal\"\n" + extra + "\n";
}

const Dictionary& Shipped() {
  static const Dictionary dict = [] {
    auto r = Dictionary::LoadDirectory("data/elements");
    EXPECT_TRUE(r.ok()) << r.error().message;
    return r.ok() ? std::move(r).value() : Dictionary();
  }();
  return dict;
}

TEST(ShippedDictionaryTest, Loads) {
  const Dictionary& d = Shipped();
  EXPECT_GE(d.elements().size(), 60u);
  EXPECT_LE(d.elements().size(), 100u);
  std::set<std::string> used;
  for (const DataElement& e : d.elements()) {
    EXPECT_FALSE(e.departments.empty()) << e.code;
    used.insert(e.departments.begin(), e.departments.end());
    EXPECT_TRUE(e.code.starts_with(std::string(EntityName(e.entity)).substr(0, 3))) << e.code;
  }
  for (const Department& dep : d.departments()) EXPECT_TRUE(used.count(dep.code)) << dep.code;
  for (const char* dep : {"civil_affairs", "disabled_federation", "veterans", "health",
                          "public_security", "emergency"}) {
    EXPECT_FALSE(d.ForDepartment(dep).empty()) << dep;
  }
  for (Entity entity : {Entity::kPerson, Entity::kHousehold, Entity::kHouse, Entity::kBuilding,
                        Entity::kAddress, Entity::kOrganisation}) {
    EXPECT_FALSE(d.ForEntity(entity).empty()) << EntityName(entity);
  }
}

TEST(ShippedDictionaryTest, CodeLists) {
  const Dictionary& d = Shipped();
  const DataElement* eth = d.Find("person.ethnicity");
  ASSERT_NE(eth, nullptr);
  EXPECT_EQ(eth->type, ElementType::kEnum);
  int national = 0;
  for (const AllowedValue& v : eth->values) national += v.code < "57";
  EXPECT_EQ(national, 56);
  EXPECT_EQ(eth->FindValue("01")->label_zh, "汉族");
  EXPECT_EQ(eth->FindValue("02")->label_zh, "蒙古族");
  EXPECT_EQ(eth->FindValue("56")->label_zh, "基诺族");
  const DataElement* dis = d.Find("person.disability_type");
  ASSERT_NE(dis, nullptr);
  EXPECT_EQ(dis->values.size(), 7u);
  EXPECT_EQ(dis->FindValue("7")->label_zh, "多重残疾");
  EXPECT_EQ(d.Find("person.disability_grade")->values.size(), 4u);
  EXPECT_EQ(d.Find("person.residence_status")->values.size(), 3u);
  EXPECT_EQ(d.Find("person.id_number")->sensitivity, Sensitivity::kSensitive);
  EXPECT_EQ(d.Find("person.id_number")->type, ElementType::kIdNumber);
  EXPECT_EQ(d.Find("org.uscc")->type, ElementType::kUscc);
}

TEST(ShippedDictionaryTest, CareTags) {
  std::set<std::string> tags;
  for (const DataElement* e : Shipped().CareTags()) tags.insert(e->code);
  for (const char* code :
       {"person.elderly_living_alone", "person.elderly_empty_nest", "person.old_age_allowance",
        "household.dibao", "person.extreme_poverty", "person.disabled",
        "person.disability_living_subsidy", "person.disability_care_subsidy", "person.veteran",
        "person.entitled_group", "person.chronic_disease", "person.de_facto_unsupported_child",
        "person.left_behind_child", "person.orphan", "person.needs_evacuation_help",
        "person.pregnant"}) {
    EXPECT_TRUE(tags.count(code)) << code;
  }
  EXPECT_FALSE(tags.count("person.name"));
}

TEST(ShippedDictionaryTest, ValidatesRealValues) {
  const Dictionary& d = Shipped();
  const std::string id = model::MakeResidentId("150203", {1944, 3, 8}, 21);
  EXPECT_TRUE(d.Validate("person.id_number", id, kToday).ok());
  EXPECT_TRUE(d.Validate("person.ethnicity", "02", kToday).ok());
  EXPECT_TRUE(d.Validate("person.disability_certificate_no", id + "42", kToday).ok());
  EXPECT_FALSE(d.Validate("person.disability_certificate_no", id + "82", kToday).ok());
  EXPECT_TRUE(d.Validate("household.dibao_amount", "1280.50", kToday).ok());
  EXPECT_FALSE(d.Validate("household.dibao_amount", "1280.505", kToday).ok());
  EXPECT_TRUE(d.Validate("org.uscc", "91350100M000100Y43", kToday).ok());
  EXPECT_TRUE(d.Validate("person.chronic_disease", "diabetes,hypertension", kToday).ok());
  EXPECT_EQ(*d.Normalize("person.chronic_disease", "diabetes,hypertension", kToday),
            "hypertension,diabetes");
  EXPECT_EQ(d.Validate("person.nope", "1", kToday).error().message,
            "unknown data element 'person.nope'");
  EXPECT_EQ(d.Validate("person.name", "", kToday).error().message, "person.name (姓名): is required");
}

TEST(DictionaryLoadTest, MinimalFileLoads) {
  auto r = Dictionary::LoadFiles({{"a.toml", std::string(kDepartments) +
                                                 Element("departments = [\"civil_affairs\"]")}});
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_NE(r->Find("person.x"), nullptr);
  EXPECT_EQ(r->Find("person.x")->source, "a.toml");
  EXPECT_EQ(r->Find("person.y"), nullptr);
  EXPECT_EQ(r->FindDepartment("civil_affairs")->label_zh, "民政");
}

TEST(DictionaryLoadTest, BrokenFilesNameFileAndElement) {
  EXPECT_EQ(LoadError(Element("colour = \"red\"")), "test.toml: element 'person.x': unknown key 'colour'");
  EXPECT_EQ(LoadError(Element("", "text")),
            "test.toml: element 'person.x': unknown type 'text' (expected "
            "string|integer|decimal|boolean|date|enum|multi_enum|id_number|phone|uscc)");
  EXPECT_EQ(LoadError(Element("", "enum")),
            "test.toml: element 'person.x': an enum needs a non-empty 'values' list");
  EXPECT_EQ(LoadError(Element("values = []", "multi_enum")),
            "test.toml: element 'person.x': an enum needs a non-empty 'values' list");
  EXPECT_EQ(LoadError(Element("") + Element("")),
            "test.toml: element 'person.x': duplicate element code (also in test.toml)");
  EXPECT_EQ(LoadError(Element("required = \"yes\"")),
            "test.toml: element 'person.x': key 'required' must be true or false");
  EXPECT_EQ(LoadError(Element("departments = [\"police\"]")),
            "test.toml: element 'person.x': unknown department 'police' (define it in a "
            "[[department]] table)");
  EXPECT_EQ(LoadError(Element("values = [{ code = \"a\", zh = \"甲\", en = \"A\" }]")),
            "test.toml: element 'person.x': key 'values' is only allowed for enum and multi_enum");
  EXPECT_EQ(LoadError(Element("values = [{ code = \"a\", zh = \"甲\", en = \"A\" }, "
                              "{ code = \"a\", zh = \"乙\", en = \"B\" }]",
                              "enum")),
            "test.toml: element 'person.x', value #2: duplicate value code 'a'");
  EXPECT_EQ(LoadError(Element("values = [{ code = \"a\", zh = \"甲\" }]", "enum")),
            "test.toml: element 'person.x', value #1: missing key 'en'");
  EXPECT_EQ(LoadError(Element("values = [{ code = \"a,b\", zh = \"甲\", en = \"A\" }]", "enum")),
            "test.toml: element 'person.x', value #1: code 'a,b' must be 1-32 letters, digits, '_' or '-'");
  EXPECT_EQ(LoadError(Element("min = 5\nmax = 1", "integer")),
            "test.toml: element 'person.x': 'min' is greater than 'max'");
  EXPECT_EQ(LoadError(Element("min = 1.5", "integer")),
            "test.toml: element 'person.x': 'min' and 'max' of an integer element must be integers");
  EXPECT_EQ(LoadError(Element("max_length = 5")), "");
  EXPECT_EQ(LoadError(Element("max_length = 5", "date")),
            "test.toml: element 'person.x': 'max_length' and 'pattern' apply only to string elements");
  EXPECT_EQ(LoadError(Element("pattern = \"^[0-9]+$\"")),
            "test.toml: element 'person.x': a 'pattern' needs a 'max_length' of at most 1000");
  EXPECT_NE(LoadError(Element("pattern = \"([\"\nmax_length = 5")).find(
                "test.toml: element 'person.x': invalid pattern '(['"),
            std::string::npos);
  std::string secret = Element("");
  secret.replace(secret.find("\"personal\""), 10, "\"secret\"");
  EXPECT_EQ(LoadError(secret),
            "test.toml: element 'person.x': unknown sensitivity 'secret' (expected "
            "public|internal|personal|sensitive)");
  EXPECT_EQ(LoadError(Element("sensitivity = \"public\"")),
            "test.toml:13:15: Error while parsing key-value pair: cannot redefine existing string "
            "'sensitivity'");
  EXPECT_EQ(LoadError("[[element]]\ncode = \"person.x\"\n"),
            "test.toml: element 'person.x': missing key 'label_zh'");
  EXPECT_EQ(LoadError("[[element]]\nlabel_zh = \"某\"\n"),
            "test.toml: element #1: missing key 'code'");
  EXPECT_EQ(LoadError("[[element]]\ncode = \"Person X\"\n"),
            "test.toml: element 'Person X': code must be lower-case letters, digits, '_' and '.', "
            "starting with a letter (e.g. person.ethnicity)");
  EXPECT_EQ(LoadError("[elements]\n"), "test.toml: unknown key 'elements'");
  auto scalar = Dictionary::LoadFiles({{"test.toml", "element = 3\n"}});
  ASSERT_FALSE(scalar.ok());
  EXPECT_EQ(scalar.error().message, "test.toml: 'element' must be an array of tables ([[element]])");
  EXPECT_NE(LoadError("[[element]\n").find("test.toml:"), std::string::npos);
}

TEST(DictionaryLoadTest, DuplicatesAcrossFiles) {
  auto r = Dictionary::LoadFiles({{"a.toml", std::string(kDepartments) + Element("")},
                                  {"b.toml", Element("")}});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "b.toml: element 'person.x': duplicate element code (also in a.toml)");
  auto deps = Dictionary::LoadFiles({{"a.toml", kDepartments}, {"b.toml", kDepartments}});
  ASSERT_FALSE(deps.ok());
  EXPECT_EQ(deps.error().message,
            "b.toml: department 'civil_affairs': duplicate department (also in a.toml)");
}

TEST(DictionaryLoadTest, MissingDirectory) {
  auto r = Dictionary::LoadDirectory("data/no-such-folder");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kNotFound);
}

// ---- validation of each type ---------------------------------------------------------------

DataElement Make(ElementType type) {
  DataElement e;
  e.code = "t.x";
  e.label_zh = "测试";
  e.label_en = "Test";
  e.type = type;
  return e;
}

std::string Err(const DataElement& e, std::string_view value) {
  auto r = NormalizeValue(e, value, kToday);
  return r.ok() ? "" : r.error().message;
}

TEST(NormalizeValueTest, String) {
  DataElement e = Make(ElementType::kString);
  e.validation.max_length = 3;
  EXPECT_EQ(Err(e, "张三丰"), "");  // 3 characters, 9 bytes
  EXPECT_EQ(Err(e, "欧阳娜娜"), "t.x (测试): at most 3 characters, got 4");
  EXPECT_EQ(Err(e, "a\nb"), "t.x (测试): holds control characters or invalid UTF-8");
  EXPECT_EQ(Err(e, "\xff"), "t.x (测试): holds control characters or invalid UTF-8");
  EXPECT_EQ(Err(e, ""), "");
  e.required = true;
  EXPECT_EQ(Err(e, ""), "t.x (测试): is required");
  e.validation.pattern = "^[0-9]{2}$";
  e.compiled_pattern = std::make_shared<const std::regex>(e.validation.pattern);
  EXPECT_EQ(Err(e, "12"), "");
  EXPECT_EQ(Err(e, "1a"), "t.x (测试): does not match the pattern ^[0-9]{2}$");
}

TEST(NormalizeValueTest, IntegerAndDecimal) {
  DataElement i = Make(ElementType::kInteger);
  i.validation.min = 0;
  i.validation.max = 30;
  EXPECT_EQ(Err(i, "0"), "");
  EXPECT_EQ(Err(i, "30"), "");
  EXPECT_EQ(Err(i, "31"), "t.x (测试): 31 is above the maximum 30");
  EXPECT_EQ(Err(i, "-1"), "t.x (测试): -1 is below the minimum 0");
  EXPECT_EQ(Err(i, "1.5"), "t.x (测试): expected an integer (digits, optional leading '-'), got '1.5'");
  for (const char* bad : {"+1", " 1", "1e3", "0x10", "-", "", "１"}) {
    if (*bad != '\0') {
      EXPECT_FALSE(NormalizeValue(i, bad, kToday).ok()) << bad;
    }
  }
  DataElement d = Make(ElementType::kDecimal);
  d.validation.max_decimals = 2;
  d.validation.min = 0;
  EXPECT_EQ(Err(d, "1280.50"), "");
  EXPECT_EQ(Err(d, "1280"), "");
  EXPECT_EQ(Err(d, "0.125"), "t.x (测试): at most 2 digits after the decimal point, got 3");
  EXPECT_EQ(Err(d, "-0.5"), "t.x (测试): -0.5 is below the minimum 0");
  EXPECT_EQ(Err(d, "12."), "t.x (测试): expected a decimal number like 1280.50, got '12.'");
  EXPECT_FALSE(NormalizeValue(d, ".5", kToday).ok());
  EXPECT_FALSE(NormalizeValue(d, "1,280.50", kToday).ok());
  EXPECT_FALSE(NormalizeValue(d, "nan", kToday).ok());
  EXPECT_FALSE(NormalizeValue(d, "1234567890123456", kToday).ok());
}

TEST(NormalizeValueTest, BooleanAndDate) {
  DataElement b = Make(ElementType::kBoolean);
  EXPECT_EQ(*NormalizeValue(b, "1", kToday), "true");
  EXPECT_EQ(*NormalizeValue(b, "false", kToday), "false");
  EXPECT_EQ(Err(b, "yes"), "t.x (测试): expected true or false, got 'yes'");
  DataElement d = Make(ElementType::kDate);
  EXPECT_EQ(Err(d, "2024-02-29"), "");
  EXPECT_EQ(Err(d, "2023-02-29"), "t.x (测试): date: 2023-02-29 does not exist (not a leap year)");
  EXPECT_EQ(Err(d, "2030-01-01"), "");
  d.validation.not_future = true;
  EXPECT_EQ(Err(d, "2026-11-24"), "");
  EXPECT_EQ(Err(d, "2026-11-25"), "t.x (测试): 2026-11-25 is in the future (today is 2026-11-24)");
}

TEST(NormalizeValueTest, Enums) {
  DataElement e = Make(ElementType::kEnum);
  e.values = {{"a", "甲", "A"}, {"b", "乙", "B"}, {"c", "丙", "C"}};
  EXPECT_EQ(Err(e, "b"), "");
  EXPECT_EQ(Err(e, "d"), "t.x (测试): 'd' is not one of the allowed codes");
  EXPECT_EQ(Err(e, "a,b"), "t.x (测试): 'a,b' is not one of the allowed codes");
  e.type = ElementType::kMultiEnum;
  EXPECT_EQ(*NormalizeValue(e, "c,a", kToday), "a,c");
  EXPECT_EQ(Err(e, "a,a"), "t.x (测试): 'a' given twice");
  EXPECT_EQ(Err(e, "a,"), "t.x (测试): empty item in the comma-separated list");
  EXPECT_EQ(Err(e, "a,x"), "t.x (测试): 'x' is not one of the allowed codes");
}

TEST(NormalizeValueTest, IdentifierTypesUseTheModelValidators) {
  DataElement id = Make(ElementType::kIdNumber);
  std::string good = model::MakeResidentId("150203", {1990, 5, 20}, 5);
  EXPECT_EQ(*NormalizeValue(id, " " + good + " ", kToday), good);
  std::string bad = good;
  bad[17] = good[17] == '0' ? '1' : '0';
  EXPECT_EQ(Err(id, bad).rfind("t.x (测试): id_number: check digit expected ", 0), 0u) << Err(id, bad);
  DataElement phone = Make(ElementType::kPhone);
  EXPECT_EQ(*NormalizeValue(phone, "+86 138-0013-8000", kToday), "13800138000");
  EXPECT_EQ(Err(phone, "1380013800"), "t.x (测试): phone: a mobile number has 11 digits, got 10");
  DataElement uscc = Make(ElementType::kUscc);
  EXPECT_EQ(*NormalizeValue(uscc, "91350100m000100y43", kToday), "91350100M000100Y43");
  EXPECT_FALSE(NormalizeValue(uscc, "91350100M000100Y44", kToday).ok());
}

TEST(NamesTest, RoundTrip) {
  for (const char* n : {"string", "integer", "decimal", "boolean", "date", "enum", "multi_enum",
                        "id_number", "phone", "uscc"}) {
    ASSERT_TRUE(ParseElementType(n)) << n;
    EXPECT_STREQ(ElementTypeName(*ParseElementType(n)), n);
  }
  EXPECT_FALSE(ParseElementType("String"));
  EXPECT_STREQ(SensitivityName(*ParseSensitivity("sensitive")), "sensitive");
  EXPECT_STREQ(EntityName(*ParseEntity("organisation")), "organisation");
  EXPECT_FALSE(ParseEntity("organization"));
}

}  // namespace
}  // namespace cg::forms
