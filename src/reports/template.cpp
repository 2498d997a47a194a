#include "reports/template.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <set>
#include <sstream>

namespace cg::reports {
namespace {

Error Invalid(const std::string& m) { return MakeError(ErrorCode::kInvalid, m); }

struct OpName {
  FilterOp op;
  const char* name;
};
constexpr OpName kOps[] = {{FilterOp::kEq, "="},       {FilterOp::kNe, "!="},     {FilterOp::kIn, "in"},
                           {FilterOp::kHas, "has"},    {FilterOp::kHasAny, "has_any"},
                           {FilterOp::kGe, ">="},      {FilterOp::kGt, ">"},      {FilterOp::kLe, "<="},
                           {FilterOp::kLt, "<"},       {FilterOp::kSet, "set"},   {FilterOp::kUnset, "unset"}};

struct LevelName {
  RowLevel level;
  const char* name;
};
constexpr LevelName kLevels[] = {{RowLevel::kChildren, "children"}, {RowLevel::kDistrict, "district"},
                                 {RowLevel::kStreet, "street"},     {RowLevel::kCommunity, "community"},
                                 {RowLevel::kGrid, "grid"}};

bool ValidUtf8Text(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    unsigned char c = s[i];
    int len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (len == 0 || i + len > s.size()) return false;
    if (len == 1 && (c < 0x20 || c == 0x7f)) return false;
    for (int k = 1; k < len; ++k)
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    i += len;
  }
  return true;
}

bool IsCode(std::string_view s, bool dots, std::size_t max) {
  if (s.empty() || s.size() > max) return false;
  for (char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || (dots && c == '.'))) return false;
  return true;
}

class Parser {
 public:
  Parser(const std::string& name, const forms::Dictionary& dict) : name_(name), dict_(dict) {}

  Result<Template> Run(std::string_view text);

 private:
  Error Fail(const std::string& where, const std::string& what) const {
    return Invalid(name_ + (where.empty() ? "" : ": " + where) + ": " + what);
  }
  Status Keys(const toml::table& t, std::initializer_list<std::string_view> allowed, const std::string& where) const;
  Status Str(const toml::table& t, std::string_view key, bool required, std::string& out, const std::string& where,
             std::size_t max = 200) const;
  Result<Filter> ParseFilter(const toml::table& t, const std::string& where) const;
  Result<std::string> Scalar(const toml::node& n, const std::string& where) const;

  std::string name_;
  const forms::Dictionary& dict_;
  model::BaseEntity subject_ = model::BaseEntity::kPerson;
};

Status Parser::Keys(const toml::table& t, std::initializer_list<std::string_view> allowed,
                    const std::string& where) const {
  for (const auto& [key, node] : t) {
    if (std::find(allowed.begin(), allowed.end(), key.str()) == allowed.end())
      return Fail(where, "unknown key '" + std::string(key.str()) + "'");
  }
  return {};
}

Status Parser::Str(const toml::table& t, std::string_view key, bool required, std::string& out,
                   const std::string& where, std::size_t max) const {
  const toml::node* n = t.get(key);
  if (!n) {
    if (required) return Fail(where, "missing key '" + std::string(key) + "'");
    return {};
  }
  const auto* s = n->as_string();
  if (!s) return Fail(where, "key '" + std::string(key) + "' must be a string");
  out = s->get();
  if (required && out.empty()) return Fail(where, "key '" + std::string(key) + "' is empty");
  if (out.size() > max) return Fail(where, "key '" + std::string(key) + "' is longer than " + std::to_string(max) + " bytes");
  if (!ValidUtf8Text(out)) return Fail(where, "key '" + std::string(key) + "' holds control characters or invalid UTF-8");
  return {};
}

Result<std::string> Parser::Scalar(const toml::node& n, const std::string& where) const {
  if (const auto* s = n.as_string()) return std::string(s->get());
  if (const auto* b = n.as_boolean()) return std::string(b->get() ? "true" : "false");
  if (const auto* i = n.as_integer()) return std::to_string(i->get());
  if (const auto* f = n.as_floating_point()) {
    if (!std::isfinite(f->get())) return Fail(where, "value must be finite");
    std::ostringstream o;
    o << f->get();
    return o.str();
  }
  return Fail(where, "value must be a string, boolean or number");
}

forms::Entity FormsEntity(model::BaseEntity e) {
  return e == model::BaseEntity::kHousehold ? forms::Entity::kHousehold : forms::Entity::kPerson;
}

bool ParseNumber(const std::string& s, double& out) {
  if (s.empty() || s.size() > 40) return false;
  char* end = nullptr;
  out = std::strtod(s.c_str(), &end);
  return end == s.c_str() + s.size() && std::isfinite(out);
}

Result<Filter> Parser::ParseFilter(const toml::table& t, const std::string& where) const {
  CG_RETURN_IF_ERROR(Keys(t, {"field", "op", "value"}, where));
  Filter f;
  std::string op;
  CG_RETURN_IF_ERROR(Str(t, "field", true, f.field, where));
  CG_RETURN_IF_ERROR(Str(t, "op", true, op, where));
  bool known = false;
  for (const auto& o : kOps)
    if (op == o.name) f.op = o.op, known = true;
  if (!known) {
    return Fail(where, "unknown op '" + op + "' (expected = != in has has_any >= > <= < set unset)");
  }
  const toml::node* v = t.get("value");
  const bool needs_value = f.op != FilterOp::kSet && f.op != FilterOp::kUnset;
  const bool needs_list = f.op == FilterOp::kIn || f.op == FilterOp::kHasAny;
  if (!needs_value && v) return Fail(where, "op '" + op + "' takes no value");
  if (needs_value && !v) return Fail(where, "op '" + op + "' needs a value");
  if (needs_list) {
    const auto* arr = v->as_array();
    if (!arr || arr->empty()) return Fail(where, "op '" + op + "' needs a non-empty list of values");
    for (const toml::node& item : *arr) {
      auto s = Scalar(item, where);
      if (!s.ok()) return s.error();
      f.values.push_back(*s);
    }
  } else if (needs_value) {
    if (v->as_array() || v->as_table()) return Fail(where, "op '" + op + "' needs a single value");
    auto s = Scalar(*v, where);
    if (!s.ok()) return s.error();
    f.value = *s;
    f.numeric = ParseNumber(f.value, f.number);
  }
  const bool ordered = f.op == FilterOp::kGe || f.op == FilterOp::kGt || f.op == FilterOp::kLe || f.op == FilterOp::kLt;
  auto number = [&]() -> Status {
    if (!ParseNumber(f.value, f.number)) return Fail(where, "'" + f.field + "' " + op + " needs a number, got '" + f.value + "'");
    return {};
  };

  if (f.field == "age") {
    if (subject_ != model::BaseEntity::kPerson) return Fail(where, "'age' is a person field; this template counts households");
    if (!ordered) return Fail(where, "'age' takes >= > <= <");
    CG_RETURN_IF_ERROR(number());
    if (f.number != std::floor(f.number) || f.number < 0 || f.number > 150)
      return Fail(where, "'age' must be compared with whole years 0..150");
    return f;
  }
  if (f.field == "sex") {
    if (subject_ != model::BaseEntity::kPerson) return Fail(where, "'sex' is a person field; this template counts households");
    if (f.op != FilterOp::kEq && f.op != FilterOp::kNe) return Fail(where, "'sex' takes = or !=");
    if (f.value != "male" && f.value != "female") return Fail(where, "'sex' is male or female, got '" + f.value + "'");
    return f;
  }
  const forms::DataElement* e = dict_.Find(f.field);
  if (!e) return Fail(where, "unknown data element '" + f.field + "'");
  if (e->entity != FormsEntity(subject_)) {
    return Fail(where, "'" + f.field + "' is an attribute of " + forms::EntityName(e->entity) + ", not of the template's subject " +
                           model::BaseEntityName(subject_));
  }
  using T = forms::ElementType;
  if (e->type == T::kIdNumber || e->type == T::kPhone || e->type == T::kUscc || f.field == "person.name") {
    return Fail(where, "'" + f.field + "' is an identifier; reports count, they do not filter on identifiers");
  }
  if (f.op == FilterOp::kSet || f.op == FilterOp::kUnset) return f;
  auto check_code = [&](const std::string& code) -> Status {
    if (!e->FindValue(code)) return Fail(where, "'" + code + "' is not an allowed value of " + f.field);
    return {};
  };
  switch (e->type) {
    case T::kBoolean:
      if (f.op != FilterOp::kEq && f.op != FilterOp::kNe) return Fail(where, "boolean '" + f.field + "' takes = or !=");
      if (f.value != "true" && f.value != "false") return Fail(where, "boolean '" + f.field + "' compares with true or false");
      return f;
    case T::kEnum:
      if (f.op == FilterOp::kEq || f.op == FilterOp::kNe) {
        CG_RETURN_IF_ERROR(check_code(f.value));
      } else if (f.op == FilterOp::kIn) {
        for (const auto& c : f.values) CG_RETURN_IF_ERROR(check_code(c));
      } else {
        return Fail(where, "enum '" + f.field + "' takes = != in");
      }
      return f;
    case T::kMultiEnum:
      if (f.op == FilterOp::kHas) {
        CG_RETURN_IF_ERROR(check_code(f.value));
      } else if (f.op == FilterOp::kHasAny) {
        for (const auto& c : f.values) CG_RETURN_IF_ERROR(check_code(c));
      } else {
        return Fail(where, "multi_enum '" + f.field + "' takes has or has_any");
      }
      return f;
    case T::kInteger:
    case T::kDecimal:
      if (f.op == FilterOp::kIn || f.op == FilterOp::kHas || f.op == FilterOp::kHasAny)
        return Fail(where, "number '" + f.field + "' takes = != >= > <= <");
      CG_RETURN_IF_ERROR(number());
      return f;
    default:
      return Fail(where, std::string(forms::ElementTypeName(e->type)) + " '" + f.field + "' takes only set or unset");
  }
}

Result<Template> Parser::Run(std::string_view text) {
  toml::table root;
  try {
    root = toml::parse(text, name_);
  } catch (const toml::parse_error& err) {
    return Invalid(name_ + ":" + std::to_string(err.source().begin.line) + ":" +
                   std::to_string(err.source().begin.column) + ": " + std::string(err.description()));
  }
  Template tpl;
  tpl.source = name_;
  tpl.text = std::string(text);
  CG_RETURN_IF_ERROR(Keys(root, {"code", "department", "title_zh", "title_en", "subject", "rows", "filter",
                                 "column", "layout"},
                          ""));
  CG_RETURN_IF_ERROR(Str(root, "code", true, tpl.code, ""));
  if (!IsCode(tpl.code, true, 64)) return Fail("", "code '" + tpl.code + "' must be [a-z0-9_.], at most 64 characters");
  CG_RETURN_IF_ERROR(Str(root, "department", true, tpl.department, ""));
  if (!dict_.FindDepartment(tpl.department)) return Fail("", "unknown department '" + tpl.department + "'");
  CG_RETURN_IF_ERROR(Str(root, "title_zh", true, tpl.title_zh, ""));
  CG_RETURN_IF_ERROR(Str(root, "title_en", true, tpl.title_en, ""));
  std::string subject = "person", rows = "children";
  CG_RETURN_IF_ERROR(Str(root, "subject", false, subject, ""));
  if (subject == "person") tpl.subject = model::BaseEntity::kPerson;
  else if (subject == "household") tpl.subject = model::BaseEntity::kHousehold;
  else return Fail("", "subject must be person or household, got '" + subject + "'");
  subject_ = tpl.subject;
  CG_RETURN_IF_ERROR(Str(root, "rows", false, rows, ""));
  bool level_known = false;
  for (const auto& l : kLevels)
    if (rows == l.name) tpl.rows = l.level, level_known = true;
  if (!level_known) return Fail("", "rows must be children, district, street, community or grid, got '" + rows + "'");

  auto tables = [&](std::string_view key) -> Result<std::vector<const toml::table*>> {
    std::vector<const toml::table*> out;
    const toml::node* n = root.get(key);
    if (!n) return out;
    const auto* arr = n->as_array();
    if (!arr) return Fail("", "'" + std::string(key) + "' must be an array of tables ([[" + std::string(key) + "]])");
    for (const toml::node& item : *arr) {
      const auto* t = item.as_table();
      if (!t) return Fail("", "'" + std::string(key) + "' must be an array of tables ([[" + std::string(key) + "]])");
      out.push_back(t);
    }
    return out;
  };
  auto filters = tables("filter");
  if (!filters.ok()) return filters.error();
  for (std::size_t i = 0; i < filters->size(); ++i) {
    auto f = ParseFilter(*(*filters)[i], "filter #" + std::to_string(i + 1));
    if (!f.ok()) return f.error();
    tpl.filters.push_back(*f);
  }
  auto columns = tables("column");
  if (!columns.ok()) return columns.error();
  if (columns->empty()) return Fail("", "a template needs at least one [[column]]");
  if (columns->size() > 60) return Fail("", "at most 60 columns");
  std::set<std::string> codes;
  for (std::size_t i = 0; i < columns->size(); ++i) {
    const toml::table& t = *(*columns)[i];
    std::string where = "column #" + std::to_string(i + 1);
    Column c;
    CG_RETURN_IF_ERROR(Str(t, "code", true, c.code, where));
    where = "column '" + c.code + "'";
    if (!IsCode(c.code, false, 40)) return Fail(where, "code must be [a-z0-9_], at most 40 characters");
    if (!codes.insert(c.code).second) return Fail(where, "duplicate column code");
    CG_RETURN_IF_ERROR(Keys(t, {"code", "label_zh", "label_en", "group_zh", "group_en", "kind", "filter", "sum",
                                "numerator", "denominator", "percent", "decimals", "unit"},
                            where));
    CG_RETURN_IF_ERROR(Str(t, "label_zh", true, c.label_zh, where));
    CG_RETURN_IF_ERROR(Str(t, "label_en", true, c.label_en, where));
    CG_RETURN_IF_ERROR(Str(t, "group_zh", false, c.group_zh, where));
    CG_RETURN_IF_ERROR(Str(t, "group_en", false, c.group_en, where));
    CG_RETURN_IF_ERROR(Str(t, "unit", false, c.unit, where, 20));
    std::string kind = "count";
    CG_RETURN_IF_ERROR(Str(t, "kind", false, kind, where));
    if (kind == "count") c.kind = ColumnKind::kCount;
    else if (kind == "sum") c.kind = ColumnKind::kSum;
    else if (kind == "ratio") c.kind = ColumnKind::kRatio;
    else return Fail(where, "kind must be count, sum or ratio, got '" + kind + "'");
    const toml::node* fn = t.get("filter");
    if (c.kind == ColumnKind::kRatio) {
      for (const char* k : {"filter", "sum"})
        if (t.get(k)) return Fail(where, std::string("a ratio takes no '") + k + "'");
      CG_RETURN_IF_ERROR(Str(t, "numerator", true, c.numerator, where));
      CG_RETURN_IF_ERROR(Str(t, "denominator", true, c.denominator, where));
      for (const auto* ref : {&c.numerator, &c.denominator}) {
        const Column* other = tpl.FindColumn(*ref);
        if (!other) return Fail(where, "'" + *ref + "' is not an earlier column");
        if (other->kind == ColumnKind::kRatio) return Fail(where, "'" + *ref + "' is a ratio; ratios divide counts or sums");
      }
      if (const toml::node* p = t.get("percent")) {
        if (!p->as_boolean()) return Fail(where, "'percent' must be true or false");
        c.percent = p->as_boolean()->get();
      }
      c.decimals = 1;
      if (const toml::node* d = t.get("decimals")) {
        const auto* i = d->as_integer();
        if (!i || i->get() < 0 || i->get() > 6) return Fail(where, "'decimals' must be an integer 0..6");
        c.decimals = static_cast<int>(i->get());
      }
      if (!t.get("unit") && c.percent) c.unit = "%";
    } else {
      for (const char* k : {"numerator", "denominator", "percent", "decimals"})
        if (t.get(k)) return Fail(where, std::string("'") + k + "' belongs to ratio columns");
      c.filters = tpl.filters;
      if (fn) {
        const auto* arr = fn->as_array();
        if (!arr) return Fail(where, "'filter' must be a list of { field, op, value } tables");
        std::size_t k = 0;
        for (const toml::node& item : *arr) {
          ++k;
          const auto* ft = item.as_table();
          if (!ft) return Fail(where, "'filter' must be a list of { field, op, value } tables");
          auto f = ParseFilter(*ft, where + ", filter #" + std::to_string(k));
          if (!f.ok()) return f.error();
          c.filters.push_back(*f);
        }
      }
      if (c.kind == ColumnKind::kSum) {
        CG_RETURN_IF_ERROR(Str(t, "sum", true, c.sum_element, where));
        const forms::DataElement* e = dict_.Find(c.sum_element);
        if (!e) return Fail(where, "unknown data element '" + c.sum_element + "'");
        if (e->entity != FormsEntity(subject_))
          return Fail(where, "'" + c.sum_element + "' is not an attribute of " + model::BaseEntityName(subject_));
        if (e->type != forms::ElementType::kInteger && e->type != forms::ElementType::kDecimal)
          return Fail(where, "'" + c.sum_element + "' is " + forms::ElementTypeName(e->type) + "; sums need an integer or decimal element");
        c.decimals = e->type == forms::ElementType::kDecimal ? e->validation.max_decimals.value_or(2) : 0;
        if (c.decimals > 4) return Fail(where, "'" + c.sum_element + "' allows more than 4 decimals; sums are exact to 4");
        if (!t.get("unit")) c.unit = e->unit;
      } else if (t.get("sum")) {
        return Fail(where, "'sum' belongs to sum columns");
      }
      if (!t.get("unit") && c.kind == ColumnKind::kCount) c.unit = subject_ == model::BaseEntity::kPerson ? "人" : "户";
    }
    tpl.columns.push_back(std::move(c));
  }
  if (const toml::node* ln = root.get("layout")) {
    const auto* lt = ln->as_table();
    if (!lt) return Fail("", "'layout' must be a table ([layout])");
    CG_RETURN_IF_ERROR(Keys(*lt, {"sheet_name", "row_header_zh", "note_zh"}, "layout"));
    CG_RETURN_IF_ERROR(Str(*lt, "sheet_name", false, tpl.sheet_name, "layout", 120));
    CG_RETURN_IF_ERROR(Str(*lt, "row_header_zh", false, tpl.row_header_zh, "layout"));
    CG_RETURN_IF_ERROR(Str(*lt, "note_zh", false, tpl.note_zh, "layout", 2000));
  }
  if (tpl.sheet_name.empty()) {
    // At most 31 characters (code points), none of []:*?/\ .
    std::string s;
    int chars = 0;
    for (std::size_t i = 0; i < tpl.title_zh.size() && chars < 31;) {
      unsigned char c = tpl.title_zh[i];
      std::size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : 4;
      std::string ch = tpl.title_zh.substr(i, len);
      if (std::string("[]:*?/\\").find(ch) == std::string::npos || len > 1) s += ch, ++chars;
      i += len;
    }
    tpl.sheet_name = s.empty() ? "report" : s;
  } else {
    for (char c : tpl.sheet_name)
      if (std::string("[]:*?/\\").find(c) != std::string::npos)
        return Fail("layout", "sheet_name must not contain []:*?/\\");
    std::size_t chars = 0;
    for (unsigned char c : tpl.sheet_name) chars += (c & 0xC0) != 0x80;
    if (chars > 31) return Fail("layout", "sheet_name has more than 31 characters");
  }
  return tpl;
}

}  // namespace

const char* FilterOpName(FilterOp op) {
  for (const auto& o : kOps)
    if (o.op == op) return o.name;
  return "?";
}

const char* RowLevelName(RowLevel level) {
  for (const auto& l : kLevels)
    if (l.level == level) return l.name;
  return "?";
}

std::vector<std::string> Template::Elements() const {
  std::set<std::string> out;
  for (const auto& c : columns) {
    for (const auto& f : c.filters)
      if (f.field != "age" && f.field != "sex") out.insert(f.field);
    if (!c.sum_element.empty()) out.insert(c.sum_element);
  }
  return {out.begin(), out.end()};
}

const Column* Template::FindColumn(std::string_view code) const {
  for (const auto& c : columns)
    if (c.code == code) return &c;
  return nullptr;
}

bool Template::has_groups() const {
  for (const auto& c : columns)
    if (!c.group_zh.empty()) return true;
  return false;
}

Result<Template> ParseTemplate(const std::string& name, std::string_view toml_text,
                               const forms::Dictionary& dictionary) {
  if (toml_text.size() > 256 * 1024) return Invalid(name + ": template larger than 256 KiB");
  return Parser(name, dictionary).Run(toml_text);
}

Result<std::vector<Template>> LoadTemplateDirectory(const std::filesystem::path& dir,
                                                    const forms::Dictionary& dictionary) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    return MakeError(ErrorCode::kNotFound, "report templates folder not found: " + dir.string());
  }
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (entry.is_regular_file() && entry.path().extension() == ".toml") files.push_back(entry.path());
  }
  if (ec) return MakeError(ErrorCode::kNotFound, "cannot read " + dir.string() + ": " + ec.message());
  std::sort(files.begin(), files.end());
  std::vector<Template> out;
  std::set<std::string> codes;
  for (const auto& path : files) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream buf;
    buf << in.rdbuf();
    auto t = ParseTemplate(path.string(), buf.str(), dictionary);
    if (!t.ok()) return t.error();
    if (!codes.insert(t->code).second) return Invalid(path.string() + ": duplicate template code '" + t->code + "'");
    out.push_back(std::move(t).value());
  }
  return out;
}

std::string RecordField(model::BaseEntity subject, const std::string& field) {
  if (field == "age") return "birth_date";
  if (subject == model::BaseEntity::kPerson) {
    if (field == "person.residence_status") return "residence_status";
    if (field == "person.ethnicity") return "ethnicity";
  }
  return field;
}

}  // namespace cg::reports
