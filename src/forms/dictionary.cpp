#include "forms/dictionary.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <set>
#include <system_error>
#include <toml++/toml.h>

#include "model/id_number.hpp"
#include "model/phone.hpp"
#include "model/uscc.hpp"

namespace cg::forms {
namespace {

constexpr std::pair<ElementType, const char*> kTypes[] = {
    {ElementType::kString, "string"},   {ElementType::kInteger, "integer"},
    {ElementType::kDecimal, "decimal"}, {ElementType::kBoolean, "boolean"},
    {ElementType::kDate, "date"},       {ElementType::kEnum, "enum"},
    {ElementType::kMultiEnum, "multi_enum"}, {ElementType::kIdNumber, "id_number"},
    {ElementType::kPhone, "phone"},     {ElementType::kUscc, "uscc"},
};
constexpr std::pair<Sensitivity, const char*> kSensitivities[] = {
    {Sensitivity::kPublic, "public"},
    {Sensitivity::kInternal, "internal"},
    {Sensitivity::kPersonal, "personal"},
    {Sensitivity::kSensitive, "sensitive"},
};
constexpr std::pair<Entity, const char*> kEntities[] = {
    {Entity::kPerson, "person"},   {Entity::kHousehold, "household"},
    {Entity::kHouse, "house"},     {Entity::kBuilding, "building"},
    {Entity::kAddress, "address"}, {Entity::kOrganisation, "organisation"},
};

template <class E, std::size_t N>
const char* NameOf(const std::pair<E, const char*> (&table)[N], E e) {
  for (const auto& [v, name] : table) {
    if (v == e) return name;
  }
  return "?";
}

template <class E, std::size_t N>
std::optional<E> Lookup(const std::pair<E, const char*> (&table)[N], std::string_view name) {
  for (const auto& [v, n] : table) {
    if (name == n) return v;
  }
  return std::nullopt;
}

template <class E, std::size_t N>
std::string Choices(const std::pair<E, const char*> (&table)[N]) {
  std::string out;
  for (const auto& [v, n] : table) out += (out.empty() ? "" : "|") + std::string(n);
  return out;
}

Error Invalid(std::string message) { return MakeError(ErrorCode::kInvalid, std::move(message)); }

// Number of code points in valid UTF-8, or nullopt if `s` is not valid UTF-8 or holds control
// characters (other than none: form values are single-line).
std::optional<std::size_t> CountChars(std::string_view s) {
  std::size_t n = 0;
  for (std::size_t i = 0; i < s.size(); ++n) {
    const auto b = static_cast<unsigned char>(s[i]);
    std::size_t len = b < 0x80 ? 1 : b >= 0xC2 && b < 0xE0 ? 2 : b >= 0xE0 && b < 0xF0 ? 3
                      : b >= 0xF0 && b <= 0xF4 ? 4 : 0;
    if (len == 0 || i + len > s.size()) return std::nullopt;
    if (len == 1 && (b < 0x20 || b == 0x7F)) return std::nullopt;
    char32_t cp = len == 1 ? b : b & (len == 2 ? 0x1F : len == 3 ? 0x0F : 0x07);
    for (std::size_t k = 1; k < len; ++k) {
      const auto c = static_cast<unsigned char>(s[i + k]);
      if ((c & 0xC0) != 0x80) return std::nullopt;
      cp = (cp << 6) | (c & 0x3F);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp <= 0xDFFF)) {
      return std::nullopt;
    }
    i += len;
  }
  return n;
}

bool ValidCode(std::string_view code) {
  if (code.empty() || code.size() > 64 || code.front() < 'a' || code.front() > 'z') return false;
  char prev = 0;
  for (char c : code) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.';
    if (!ok || (c == '.' && prev == '.')) return false;
    prev = c;
  }
  return code.back() != '.';
}

bool ValidValueCode(std::string_view code) {
  if (code.empty() || code.size() > 32) return false;
  for (char c : code) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

std::string FormatNumber(double v) {
  char buf[32];
  auto [p, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, p);
}

// ---- loading -------------------------------------------------------------------------------

class Loader {
 public:
  Status AddFile(const std::string& name, std::string_view text);
  Status Finish();

  std::vector<DataElement> elements;
  std::vector<Department> departments;

 private:
  Status ParseElement(const toml::table& t, const std::string& file, std::size_t index);
  Status ParseDepartment(const toml::table& t, const std::string& file, std::size_t index);
};

// Context for messages: "file: element 'code'".
struct Where {
  std::string text;
  Error Fail(const std::string& what) const { return Invalid(text + ": " + what); }
};

Status CheckKeys(const toml::table& t, std::initializer_list<std::string_view> allowed,
                 const Where& where) {
  for (const auto& [key, node] : t) {
    if (std::find(allowed.begin(), allowed.end(), key.str()) == allowed.end()) {
      return where.Fail("unknown key '" + std::string(key.str()) + "'");
    }
  }
  return Status::Ok();
}

Status GetString(const toml::table& t, std::string_view key, bool required, std::string& out,
                 const Where& where) {
  const toml::node* n = t.get(key);
  if (n == nullptr) {
    if (required) return where.Fail("missing key '" + std::string(key) + "'");
    return Status::Ok();
  }
  const auto* s = n->as_string();
  if (s == nullptr) return where.Fail("key '" + std::string(key) + "' must be a string");
  out = s->get();
  if (required && out.empty()) return where.Fail("key '" + std::string(key) + "' is empty");
  if (!CountChars(out)) {
    return where.Fail("key '" + std::string(key) + "' holds control characters or invalid UTF-8");
  }
  return Status::Ok();
}

Status GetBool(const toml::table& t, std::string_view key, bool& out, const Where& where) {
  const toml::node* n = t.get(key);
  if (n == nullptr) return Status::Ok();
  const auto* b = n->as_boolean();
  if (b == nullptr) return where.Fail("key '" + std::string(key) + "' must be true or false");
  out = b->get();
  return Status::Ok();
}

Status GetNumber(const toml::table& t, std::string_view key, std::optional<double>& out,
                 const Where& where) {
  const toml::node* n = t.get(key);
  if (n == nullptr) return Status::Ok();
  if (const auto* i = n->as_integer()) {
    out = static_cast<double>(i->get());
  } else if (const auto* f = n->as_floating_point()) {
    out = f->get();
    if (!std::isfinite(*out)) return where.Fail("key '" + std::string(key) + "' must be finite");
  } else {
    return where.Fail("key '" + std::string(key) + "' must be a number");
  }
  return Status::Ok();
}

Status GetCount(const toml::table& t, std::string_view key, std::int64_t lo, std::int64_t hi,
                std::optional<std::int64_t>& out, const Where& where) {
  const toml::node* n = t.get(key);
  if (n == nullptr) return Status::Ok();
  const auto* i = n->as_integer();
  if (i == nullptr || i->get() < lo || i->get() > hi) {
    return where.Fail("key '" + std::string(key) + "' must be an integer in [" +
                      std::to_string(lo) + ", " + std::to_string(hi) + "]");
  }
  out = i->get();
  return Status::Ok();
}

Status Loader::ParseDepartment(const toml::table& t, const std::string& file, std::size_t index) {
  Where where{file + ": department #" + std::to_string(index + 1)};
  Department d;
  CG_RETURN_IF_ERROR(GetString(t, "code", true, d.code, where));
  where.text = file + ": department '" + d.code + "'";
  CG_RETURN_IF_ERROR(CheckKeys(t, {"code", "label_zh", "label_en"}, where));
  if (!ValidCode(d.code)) {
    return where.Fail("code must be lower-case letters, digits and '_' starting with a letter");
  }
  CG_RETURN_IF_ERROR(GetString(t, "label_zh", true, d.label_zh, where));
  CG_RETURN_IF_ERROR(GetString(t, "label_en", true, d.label_en, where));
  for (const Department& other : departments) {
    if (other.code == d.code) return where.Fail("duplicate department (also in " + other.source + ")");
  }
  d.source = file;
  departments.push_back(std::move(d));
  return Status::Ok();
}

Status Loader::ParseElement(const toml::table& t, const std::string& file, std::size_t index) {
  Where where{file + ": element #" + std::to_string(index + 1)};
  DataElement e;
  CG_RETURN_IF_ERROR(GetString(t, "code", true, e.code, where));
  where.text = file + ": element '" + e.code + "'";
  CG_RETURN_IF_ERROR(CheckKeys(t,
                               {"code", "label_zh", "label_en", "type", "values", "required",
                                "sensitivity", "entity", "care_tag", "departments", "min", "max",
                                "max_decimals", "max_length", "pattern", "not_future", "unit",
                                "note"},
                               where));
  if (!ValidCode(e.code)) {
    return where.Fail("code must be lower-case letters, digits, '_' and '.', starting with a "
                      "letter (e.g. person.ethnicity)");
  }
  CG_RETURN_IF_ERROR(GetString(t, "label_zh", true, e.label_zh, where));
  CG_RETURN_IF_ERROR(GetString(t, "label_en", true, e.label_en, where));
  std::string text;
  CG_RETURN_IF_ERROR(GetString(t, "type", true, text, where));
  auto type = ParseElementType(text);
  if (!type) return where.Fail("unknown type '" + text + "' (expected " + Choices(kTypes) + ")");
  e.type = *type;
  text.clear();
  CG_RETURN_IF_ERROR(GetString(t, "sensitivity", true, text, where));
  auto sensitivity = ParseSensitivity(text);
  if (!sensitivity) {
    return where.Fail("unknown sensitivity '" + text + "' (expected " + Choices(kSensitivities) + ")");
  }
  e.sensitivity = *sensitivity;
  text.clear();
  CG_RETURN_IF_ERROR(GetString(t, "entity", true, text, where));
  auto entity = ParseEntity(text);
  if (!entity) return where.Fail("unknown entity '" + text + "' (expected " + Choices(kEntities) + ")");
  e.entity = *entity;
  CG_RETURN_IF_ERROR(GetBool(t, "required", e.required, where));
  CG_RETURN_IF_ERROR(GetBool(t, "care_tag", e.is_care_tag, where));
  CG_RETURN_IF_ERROR(GetBool(t, "not_future", e.validation.not_future, where));
  CG_RETURN_IF_ERROR(GetString(t, "unit", false, e.unit, where));
  CG_RETURN_IF_ERROR(GetString(t, "note", false, e.note, where));
  CG_RETURN_IF_ERROR(GetString(t, "pattern", false, e.validation.pattern, where));
  CG_RETURN_IF_ERROR(GetNumber(t, "min", e.validation.min, where));
  CG_RETURN_IF_ERROR(GetNumber(t, "max", e.validation.max, where));
  std::optional<std::int64_t> count;
  CG_RETURN_IF_ERROR(GetCount(t, "max_length", 1, 100000, count, where));
  if (count) e.validation.max_length = static_cast<std::size_t>(*count);
  count.reset();
  CG_RETURN_IF_ERROR(GetCount(t, "max_decimals", 0, 12, count, where));
  if (count) e.validation.max_decimals = static_cast<int>(*count);

  // departments = ["civil_affairs", ...]
  if (const toml::node* n = t.get("departments")) {
    const auto* arr = n->as_array();
    if (arr == nullptr) return where.Fail("key 'departments' must be an array of strings");
    for (const toml::node& item : *arr) {
      const auto* s = item.as_string();
      if (s == nullptr) return where.Fail("key 'departments' must be an array of strings");
      if (std::find(e.departments.begin(), e.departments.end(), s->get()) != e.departments.end()) {
        return where.Fail("department '" + s->get() + "' listed twice");
      }
      e.departments.push_back(s->get());
    }
  }

  // values = [{ code = "01", zh = "汉族", en = "Han" }, ...]
  const bool is_enum = e.type == ElementType::kEnum || e.type == ElementType::kMultiEnum;
  if (const toml::node* n = t.get("values")) {
    if (!is_enum) return where.Fail("key 'values' is only allowed for enum and multi_enum");
    const auto* arr = n->as_array();
    if (arr == nullptr) return where.Fail("key 'values' must be an array of { code, zh, en } tables");
    std::size_t i = 0;
    for (const toml::node& item : *arr) {
      ++i;
      const auto* vt = item.as_table();
      const Where vwhere{where.text + ", value #" + std::to_string(i)};
      if (vt == nullptr) return vwhere.Fail("must be a table { code, zh, en }");
      CG_RETURN_IF_ERROR(CheckKeys(*vt, {"code", "zh", "en"}, vwhere));
      AllowedValue v;
      CG_RETURN_IF_ERROR(GetString(*vt, "code", true, v.code, vwhere));
      CG_RETURN_IF_ERROR(GetString(*vt, "zh", true, v.label_zh, vwhere));
      CG_RETURN_IF_ERROR(GetString(*vt, "en", true, v.label_en, vwhere));
      if (!ValidValueCode(v.code)) {
        return vwhere.Fail("code '" + v.code + "' must be 1-32 letters, digits, '_' or '-'");
      }
      if (e.FindValue(v.code) != nullptr) return vwhere.Fail("duplicate value code '" + v.code + "'");
      e.values.push_back(std::move(v));
    }
  }
  if (is_enum && e.values.empty()) return where.Fail("an enum needs a non-empty 'values' list");

  // Rules must fit the type.
  const bool numeric = e.type == ElementType::kInteger || e.type == ElementType::kDecimal;
  if ((e.validation.min || e.validation.max) && !numeric) {
    return where.Fail("'min' and 'max' apply only to integer and decimal elements");
  }
  if (e.validation.min && e.validation.max && *e.validation.min > *e.validation.max) {
    return where.Fail("'min' is greater than 'max'");
  }
  if (e.type == ElementType::kInteger) {
    for (const auto& bound : {e.validation.min, e.validation.max}) {
      if (bound && (std::floor(*bound) != *bound || std::fabs(*bound) > 9e15)) {
        return where.Fail("'min' and 'max' of an integer element must be integers");
      }
    }
  }
  if (e.validation.max_decimals && e.type != ElementType::kDecimal) {
    return where.Fail("'max_decimals' applies only to decimal elements");
  }
  if ((e.validation.max_length || !e.validation.pattern.empty()) && e.type != ElementType::kString) {
    return where.Fail("'max_length' and 'pattern' apply only to string elements");
  }
  if (e.validation.not_future && e.type != ElementType::kDate) {
    return where.Fail("'not_future' applies only to date elements");
  }
  if (!e.validation.pattern.empty()) {
    // libstdc++'s std::regex recurses per character: keep matched values short.
    if (!e.validation.max_length || *e.validation.max_length > 1000) {
      return where.Fail("a 'pattern' needs a 'max_length' of at most 1000");
    }
    try {
      e.compiled_pattern = std::make_shared<const std::regex>(e.validation.pattern,
                                                              std::regex::ECMAScript);
    } catch (const std::regex_error& err) {
      return where.Fail("invalid pattern '" + e.validation.pattern + "': " + err.what());
    }
  }
  for (const DataElement& other : elements) {
    if (other.code == e.code) return where.Fail("duplicate element code (also in " + other.source + ")");
  }
  e.source = file;
  elements.push_back(std::move(e));
  return Status::Ok();
}

Status Loader::AddFile(const std::string& name, std::string_view text) {
  toml::table root;
  try {
    root = toml::parse(text, name);
  } catch (const toml::parse_error& err) {
    return Invalid(name + ":" + std::to_string(err.source().begin.line) + ":" +
                   std::to_string(err.source().begin.column) + ": " +
                   std::string(err.description()));
  }
  CG_RETURN_IF_ERROR(CheckKeys(root, {"department", "element"}, Where{name}));
  auto tables = [&](std::string_view key) -> Result<std::vector<const toml::table*>> {
    std::vector<const toml::table*> out;
    const toml::node* n = root.get(key);
    if (n == nullptr) return out;
    const auto* arr = n->as_array();
    if (arr == nullptr) {
      return Invalid(name + ": '" + std::string(key) + "' must be an array of tables ([[" +
                     std::string(key) + "]])");
    }
    for (const toml::node& item : *arr) {
      const auto* t = item.as_table();
      if (t == nullptr) {
        return Invalid(name + ": '" + std::string(key) + "' must be an array of tables ([[" +
                       std::string(key) + "]])");
      }
      out.push_back(t);
    }
    return out;
  };
  auto deps = tables("department");
  if (!deps.ok()) return deps.error();
  for (std::size_t i = 0; i < deps->size(); ++i) CG_RETURN_IF_ERROR(ParseDepartment(*(*deps)[i], name, i));
  auto elems = tables("element");
  if (!elems.ok()) return elems.error();
  for (std::size_t i = 0; i < elems->size(); ++i) CG_RETURN_IF_ERROR(ParseElement(*(*elems)[i], name, i));
  return Status::Ok();
}

}  // namespace

// ---- names ---------------------------------------------------------------------------------

const char* ElementTypeName(ElementType type) { return NameOf(kTypes, type); }
const char* SensitivityName(Sensitivity s) { return NameOf(kSensitivities, s); }
const char* EntityName(Entity e) { return NameOf(kEntities, e); }
std::optional<ElementType> ParseElementType(std::string_view name) { return Lookup(kTypes, name); }
std::optional<Sensitivity> ParseSensitivity(std::string_view name) { return Lookup(kSensitivities, name); }
std::optional<Entity> ParseEntity(std::string_view name) { return Lookup(kEntities, name); }

const AllowedValue* DataElement::FindValue(std::string_view code) const {
  for (const AllowedValue& v : values) {
    if (v.code == code) return &v;
  }
  return nullptr;
}

// ---- values --------------------------------------------------------------------------------

Result<std::string> NormalizeValue(const DataElement& e, std::string_view value, Date today) {
  const std::string who = e.code + " (" + e.label_zh + ")";
  auto fail = [&who](const std::string& what) { return Invalid(who + ": " + what); };
  if (value.empty()) {
    if (e.required) return fail("is required");
    return std::string();
  }
  if (value.size() > 64 * 1024) return fail("value too long");
  const auto chars = CountChars(value);
  if (!chars) return fail("holds control characters or invalid UTF-8");

  switch (e.type) {
    case ElementType::kString: {
      if (e.validation.max_length && *chars > *e.validation.max_length) {
        return fail("at most " + std::to_string(*e.validation.max_length) + " characters, got " +
                    std::to_string(*chars));
      }
      if (e.compiled_pattern && !std::regex_match(value.begin(), value.end(), *e.compiled_pattern)) {
        return fail("does not match the pattern " + e.validation.pattern);
      }
      return std::string(value);
    }
    case ElementType::kInteger:
    case ElementType::kDecimal: {
      const bool integer = e.type == ElementType::kInteger;
      // Plain decimal notation only: -?digits(.digits)? (no exponent, no '+', no spaces).
      std::size_t i = value[0] == '-' ? 1 : 0;
      std::size_t int_digits = 0, frac_digits = 0;
      while (i < value.size() && value[i] >= '0' && value[i] <= '9') ++i, ++int_digits;
      if (i < value.size() && value[i] == '.' && !integer) {
        ++i;
        while (i < value.size() && value[i] >= '0' && value[i] <= '9') ++i, ++frac_digits;
        if (frac_digits == 0) i = value.size() + 1;  // "12." is malformed
      }
      if (i != value.size() || int_digits == 0 || int_digits > 15) {
        return fail(integer ? "expected an integer (digits, optional leading '-'), got '" +
                                  std::string(value.substr(0, 40)) + "'"
                            : "expected a decimal number like 1280.50, got '" +
                                  std::string(value.substr(0, 40)) + "'");
      }
      if (e.validation.max_decimals && static_cast<int>(frac_digits) > *e.validation.max_decimals) {
        return fail("at most " + std::to_string(*e.validation.max_decimals) +
                    " digits after the decimal point, got " + std::to_string(frac_digits));
      }
      double v = 0;
      auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
      if (ec != std::errc() || p != value.data() + value.size()) return fail("not a number");
      if (e.validation.min && v < *e.validation.min) {
        return fail(std::string(value) + " is below the minimum " + FormatNumber(*e.validation.min));
      }
      if (e.validation.max && v > *e.validation.max) {
        return fail(std::string(value) + " is above the maximum " + FormatNumber(*e.validation.max));
      }
      return std::string(value);
    }
    case ElementType::kBoolean:
      if (value == "true" || value == "1") return std::string("true");
      if (value == "false" || value == "0") return std::string("false");
      return fail("expected true or false, got '" + std::string(value.substr(0, 40)) + "'");
    case ElementType::kDate: {
      auto d = ParseDate(value);
      if (!d.ok()) return fail(d.error().message);
      if (e.validation.not_future && *d > today) {
        return fail(FormatDate(*d) + " is in the future (today is " + FormatDate(today) + ")");
      }
      return std::string(value);
    }
    case ElementType::kEnum:
      if (e.FindValue(value) == nullptr) {
        return fail("'" + std::string(value.substr(0, 40)) + "' is not one of the allowed codes");
      }
      return std::string(value);
    case ElementType::kMultiEnum: {
      std::set<std::string_view> chosen;
      std::string_view rest = value;
      while (true) {
        const auto comma = rest.find(',');
        const std::string_view item = rest.substr(0, comma);
        if (item.empty()) return fail("empty item in the comma-separated list");
        if (e.FindValue(item) == nullptr) {
          return fail("'" + std::string(item.substr(0, 40)) + "' is not one of the allowed codes");
        }
        if (!chosen.insert(item).second) return fail("'" + std::string(item) + "' given twice");
        if (comma == std::string_view::npos) break;
        rest.remove_prefix(comma + 1);
      }
      std::string out;
      for (const AllowedValue& v : e.values) {
        if (chosen.count(v.code) != 0) out += (out.empty() ? "" : ",") + v.code;
      }
      return out;
    }
    case ElementType::kIdNumber: {
      auto id = model::ParseResidentId(value, today);
      if (!id.ok()) return fail(id.error().message);
      return std::move(id->text);
    }
    case ElementType::kPhone: {
      auto phone = model::ParseMobilePhone(value);
      if (!phone.ok()) return fail(phone.error().message);
      return std::move(phone).value();
    }
    case ElementType::kUscc: {
      auto uscc = model::ParseUscc(value);
      if (!uscc.ok()) return fail(uscc.error().message);
      return std::move(uscc->text);
    }
  }
  return fail("unsupported type");
}

// ---- dictionary ----------------------------------------------------------------------------

Status Loader::Finish() {
  for (const DataElement& e : elements) {
    for (const std::string& d : e.departments) {
      const bool known = std::any_of(departments.begin(), departments.end(),
                                     [&d](const Department& x) { return x.code == d; });
      if (!known) {
        return Invalid(e.source + ": element '" + e.code + "': unknown department '" + d +
                       "' (define it in a [[department]] table)");
      }
    }
  }
  return Status::Ok();
}

Result<Dictionary> Dictionary::LoadFiles(const std::vector<std::pair<std::string, std::string>>& files) {
  Loader loader;
  for (const auto& [name, text] : files) CG_RETURN_IF_ERROR(loader.AddFile(name, text));
  CG_RETURN_IF_ERROR(loader.Finish());
  Dictionary dict;
  dict.elements_ = std::move(loader.elements);
  dict.departments_ = std::move(loader.departments);
  for (std::size_t i = 0; i < dict.elements_.size(); ++i) dict.by_code_.emplace(dict.elements_[i].code, i);
  return dict;
}

Result<Dictionary> Dictionary::LoadDirectory(const std::filesystem::path& dir) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    return MakeError(ErrorCode::kNotFound, "data elements: " + dir.string() + " is not a folder");
  }
  std::vector<std::filesystem::path> paths;
  for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->path().extension() == ".toml" && it->is_regular_file(ec)) paths.push_back(it->path());
  }
  if (ec) return MakeError(ErrorCode::kNotFound, "data elements: cannot read " + dir.string() + ": " + ec.message());
  std::sort(paths.begin(), paths.end());
  std::vector<std::pair<std::string, std::string>> files;
  for (const auto& p : paths) {
    std::FILE* f = std::fopen(p.c_str(), "rb");
    if (f == nullptr) return MakeError(ErrorCode::kUnavailable, "data elements: cannot open " + p.string());
    std::string text;
    char buf[8192];
    std::size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) text.append(buf, n);
    const bool failed = std::ferror(f) != 0;
    std::fclose(f);
    if (failed) return MakeError(ErrorCode::kUnavailable, "data elements: cannot read " + p.string());
    files.emplace_back(p.string(), std::move(text));
  }
  return LoadFiles(files);
}

const DataElement* Dictionary::Find(std::string_view code) const {
  auto it = by_code_.find(code);
  return it == by_code_.end() ? nullptr : &elements_[it->second];
}

const Department* Dictionary::FindDepartment(std::string_view code) const {
  for (const Department& d : departments_) {
    if (d.code == code) return &d;
  }
  return nullptr;
}

std::vector<const DataElement*> Dictionary::ForEntity(Entity entity) const {
  std::vector<const DataElement*> out;
  for (const DataElement& e : elements_) {
    if (e.entity == entity) out.push_back(&e);
  }
  return out;
}

std::vector<const DataElement*> Dictionary::ForDepartment(std::string_view department) const {
  std::vector<const DataElement*> out;
  for (const DataElement& e : elements_) {
    if (std::find(e.departments.begin(), e.departments.end(), department) != e.departments.end()) {
      out.push_back(&e);
    }
  }
  return out;
}

std::vector<const DataElement*> Dictionary::CareTags() const {
  std::vector<const DataElement*> out;
  for (const DataElement& e : elements_) {
    if (e.is_care_tag) out.push_back(&e);
  }
  return out;
}

Result<std::string> Dictionary::Normalize(std::string_view code, std::string_view value, Date today) const {
  const DataElement* e = Find(code);
  if (e == nullptr) {
    return Invalid("unknown data element '" + std::string(code.substr(0, 64)) + "'");
  }
  return NormalizeValue(*e, value, today);
}

Status Dictionary::Validate(std::string_view code, std::string_view value, Date today) const {
  auto r = Normalize(code, value, today);
  if (!r.ok()) return r.error();
  return Status::Ok();
}

}  // namespace cg::forms
