#include "imports/mapping.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "core/utf8.hpp"
#include "model/base_data.hpp"
#include "model/id_number.hpp"
#include "model/phone.hpp"

namespace cg::imports {
namespace {

// Elements stored in the record's own fields (base::Service keeps them out of attributes).
const std::set<std::string, std::less<>> kCoreElements = {"person.name", "person.id_number", "person.ethnicity",
                                                          "person.phone", "person.residence_status"};
// Attributes base::Service refuses (they would hold an ID or phone number in clear).
const std::set<std::string, std::less<>> kRefusedElements = {"person.disability_certificate_no"};

// Header spellings seen in departments' spreadsheets, beyond the dictionary's own labels.
const std::map<std::string, std::vector<std::string>> kSynonyms = {
    {"person.id_number",
     {"身份证号", "身份证号码", "身份证", "证件号码", "公民身份证号", "公民身份证号码", "身份证件号码", "证件号",
      "idnumber", "id", "idno", "residentidnumber"}},
    {"person.name", {"姓名", "名字", "人员姓名", "居民姓名", "name", "fullname"}},
    {"person.phone",
     {"手机", "手机号", "手机号码", "电话", "联系电话", "联系方式", "电话号码", "mobile", "phone", "phonenumber"}},
    {"person.ethnicity", {"民族", "ethnicity", "ethnicgroup", "nationality"}},
    {"person.residence_status", {"人口类型", "人员类型", "人口类别", "居住类型", "residencestatus"}},
    {kGridCode, {"网格", "网格编码", "网格编号", "网格代码", "所属网格", "gridcode", "grid"}},
    {kBirthDate, {"出生日期", "出生年月", "出生年月日", "生日", "birthdate", "dateofbirth", "dob", "birthday"}},
    {kSex, {"性别", "sex", "gender"}},
    {kAddress,
     {"地址", "住址", "现住址", "居住地址", "家庭住址", "现居住地址", "详细地址", "现居住地", "居住地", "address",
      "homeaddress"}},
};

// Header text for comparison: no whitespace, '*', colons or parenthesised notes; full-width ASCII
// folded; ASCII lower-case; '_' '-' '.' dropped.
std::string HeaderKey(std::string_view text) {
  std::string out;
  int depth = 0;
  ForEachCodePoint(text, [&](char32_t cp) {
    if (cp >= 0xFF01 && cp <= 0xFF5E) cp -= 0xFEE0;  // full-width ASCII
    if (cp == 0x3000) cp = ' ';
    if (cp == '(' || cp == 0x3010) ++depth;  // ( 【
    if (cp == ')' || cp == 0x3011) {
      depth = std::max(0, depth - 1);
      return;
    }
    if (depth > 0 || cp == '(' || cp == 0x3010) return;
    if (cp <= ' ' || cp == '*' || cp == ':' || cp == '_' || cp == '-' || cp == '.' || cp == 0xFEFF) return;
    if (cp >= 'A' && cp <= 'Z') cp = cp - 'A' + 'a';
    AppendUtf8(out, cp);
  });
  return out;
}

std::size_t CodePoints(std::string_view s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

std::string Trim(std::string_view s) {
  // ASCII whitespace and the ideographic space at both ends.
  auto is_space_at = [&](std::size_t i, bool from_end) -> std::size_t {
    if (!from_end) {
      if (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n')) return 1;
      if (s.substr(i, 3) == "\xE3\x80\x80") return 3;
    } else {
      if (i >= 1 && (s[i - 1] == ' ' || s[i - 1] == '\t' || s[i - 1] == '\r' || s[i - 1] == '\n')) return 1;
      if (i >= 3 && s.substr(i - 3, 3) == "\xE3\x80\x80") return 3;
    }
    return 0;
  };
  std::size_t b = 0, e = s.size();
  while (std::size_t n = is_space_at(b, false)) b += n;
  while (e > b) {
    std::size_t n = is_space_at(e, true);
    if (n == 0) break;
    e -= n;
  }
  return std::string(s.substr(b, e - b));
}

// A name as written on an ID card: no whitespace at all ("张 三" -> "张三").
std::string NameKey(std::string_view text) {
  std::string out;
  ForEachCodePoint(text, [&](char32_t cp) {
    if (cp <= ' ' || cp == 0x3000 || cp == 0xFEFF) return;
    if (cp == 0x00B7 || cp == 0x2022 || cp == 0x30FB || cp == 0xFF0E) cp = 0x00B7;  // 阿依古丽·买买提
    AppendUtf8(out, cp);
  });
  return out;
}

// An enum cell: a code, a zh/en label, the zh label before its note "（...）", or a unique prefix of
// one zh label ("流动" -> floating, "汉" -> 01).
std::optional<std::string> EnumCode(const forms::DataElement& e, std::string_view value) {
  std::string key = HeaderKey(value);
  if (key.empty()) return std::nullopt;
  for (const auto& v : e.values) {
    if (v.code == value || HeaderKey(v.code) == key || HeaderKey(v.label_zh) == key || HeaderKey(v.label_en) == key) {
      return v.code;
    }
  }
  const forms::AllowedValue* only = nullptr;
  int hits = 0;
  for (const auto& v : e.values) {
    if (HeaderKey(v.label_zh).starts_with(key)) {
      only = &v;
      ++hits;
    }
  }
  if (hits == 1) return only->code;
  return std::nullopt;
}

std::optional<std::string> BooleanText(std::string_view value) {
  std::string key = HeaderKey(value);
  static const std::set<std::string> kTrue = {"true", "1", "是", "有", "√", "✓", "y", "yes", "t"};
  static const std::set<std::string> kFalse = {"false", "0", "否", "无", "没有", "×", "✗", "n", "no", "f", "不是"};
  if (kTrue.count(key)) return std::string("true");
  if (kFalse.count(key)) return std::string("false");
  return std::nullopt;
}

Result<std::string> Element(const forms::Dictionary& dictionary, const forms::DataElement& e,
                            std::string_view cell, Date today) {
  std::string value(cell);
  auto fail = [&](const std::string& why) {
    return MakeError(ErrorCode::kInvalid, e.code + " (" + e.label_zh + "): " + why);
  };
  switch (e.type) {
    case forms::ElementType::kEnum: {
      auto code = EnumCode(e, value);
      if (!code) return fail("'" + value.substr(0, 40) + "' is none of the allowed values");
      value = *code;
      break;
    }
    case forms::ElementType::kMultiEnum: {
      std::string out;
      std::string item;
      auto flush = [&]() -> Status {
        std::string t = Trim(item);
        item.clear();
        if (t.empty()) return {};
        auto code = EnumCode(e, t);
        if (!code) return fail("'" + t.substr(0, 40) + "' is none of the allowed values");
        out += (out.empty() ? "" : ",") + *code;
        return {};
      };
      bool failed = false;
      Error error;
      ForEachCodePoint(value, [&](char32_t cp) {
        if (cp == ',' || cp == 0xFF0C || cp == 0x3001 || cp == ';' || cp == 0xFF1B || cp == '/') {
          if (auto s = flush(); !s.ok() && !failed) failed = true, error = s.error();
        } else {
          AppendUtf8(item, cp);
        }
      });
      if (auto s = flush(); !s.ok() && !failed) failed = true, error = s.error();
      if (failed) return error;
      value = out;
      break;
    }
    case forms::ElementType::kBoolean: {
      auto b = BooleanText(value);
      if (!b) return fail("expected 是/否 (yes/no), got '" + value.substr(0, 40) + "'");
      value = *b;
      break;
    }
    case forms::ElementType::kDate: {
      auto d = NormalizeDateText(value);
      if (!d.ok()) return fail(d.error().message);
      value = *d;
      break;
    }
    default: break;
  }
  auto normal = dictionary.Normalize(e.code, value, today);
  if (!normal.ok()) return normal.error();
  return *normal;
}

}  // namespace

std::vector<Target> PersonTargets(const forms::Dictionary& dictionary) {
  std::vector<Target> out = {{kGridCode, "网格编码", "Grid code", false},
                             {kBirthDate, "出生日期（核对用）", "Birth date (to match and check)", true},
                             {kSex, "性别（核对用）", "Sex (to check)", true},
                             {kAddress, "地址（匹配用）", "Address (to match)", true}};
  for (const auto* e : dictionary.ForEntity(forms::Entity::kPerson)) {
    if (kRefusedElements.count(e->code)) continue;
    if (!kCoreElements.count(e->code) &&
        (e->type == forms::ElementType::kPhone || e->type == forms::ElementType::kIdNumber)) {
      continue;
    }
    out.push_back({e->code, e->label_zh, e->label_en, false});
  }
  return out;
}

std::vector<std::string> SuggestMapping(const std::vector<std::string>& header, const forms::Dictionary& dictionary) {
  const auto targets = PersonTargets(dictionary);
  std::vector<std::string> out(header.size());
  std::set<std::string> used;
  auto exact = [&](const std::string& key) -> std::string {
    if (key.empty()) return "";
    for (const auto& [code, words] : kSynonyms) {
      for (const auto& w : words)
        if (HeaderKey(w) == key) return code;
    }
    for (const auto& t : targets) {
      std::string suffix = t.code.substr(t.code.find('.') + 1);
      if (HeaderKey(t.label_zh) == key || HeaderKey(t.label_en) == key || HeaderKey(t.code) == key ||
          HeaderKey(suffix) == key) {
        return t.code;
      }
    }
    return "";
  };
  // Exact spellings first, so "联系电话" is not taken by a looser match of an earlier column.
  for (std::size_t i = 0; i < header.size(); ++i) {
    std::string t = exact(HeaderKey(header[i]));
    if (!t.empty() && used.insert(t).second) out[i] = t;
  }
  // Then containment of zh labels (at least two characters): "户籍地详细地址" ~ "户籍地详址" is not
  // found, but "老人是否独居老人" finds 独居老人. The longest label wins.
  for (std::size_t i = 0; i < header.size(); ++i) {
    if (!out[i].empty()) continue;
    std::string key = HeaderKey(header[i]);
    if (CodePoints(key) < 2) continue;
    std::string best;
    std::size_t best_len = 0;
    for (const auto& t : targets) {
      if (used.count(t.code)) continue;
      std::string label = HeaderKey(t.label_zh);
      std::size_t len = CodePoints(label);
      if (len < 2) continue;
      if ((key.find(label) != std::string::npos || label.find(key) != std::string::npos) && len > best_len) {
        best = t.code;
        best_len = len;
      }
    }
    if (!best.empty() && used.insert(best).second) out[i] = best;
  }
  return out;
}

Status CheckMapping(const std::vector<std::string>& mapping, std::size_t columns, const forms::Dictionary& dictionary) {
  if (mapping.size() > columns) {
    return MakeError(ErrorCode::kInvalid, "mapping: " + std::to_string(mapping.size()) + " entries for a file of " +
                                              std::to_string(columns) + " columns");
  }
  std::set<std::string> known;
  for (const auto& t : PersonTargets(dictionary)) known.insert(t.code);
  std::set<std::string> seen;
  for (std::size_t i = 0; i < mapping.size(); ++i) {
    const auto& m = mapping[i];
    if (m.empty()) continue;
    if (!known.count(m)) {
      return MakeError(ErrorCode::kInvalid, "mapping: column " + std::to_string(i + 1) + ": unknown target '" +
                                                m.substr(0, 60) + "'");
    }
    if (!seen.insert(m).second) {
      return MakeError(ErrorCode::kInvalid, "mapping: '" + m + "' is mapped from two columns");
    }
  }
  if (!seen.count("person.name")) {
    return MakeError(ErrorCode::kInvalid, "mapping: no column is mapped to person.name (姓名)");
  }
  if (!seen.count("person.id_number") && !seen.count(kBirthDate)) {
    return MakeError(ErrorCode::kInvalid,
                     "mapping: map person.id_number (公民身份号码) or birth_date (出生日期): without either no row "
                     "can be matched");
  }
  return {};
}

Result<std::string> NormalizeDateText(std::string_view text) {
  std::string t = Trim(text);
  // Excel's "1950-01-02 00:00:00" from a date-time cell.
  if (t.size() == 19 && t.substr(10) == " 00:00:00") t.resize(10);
  std::vector<int> parts;
  std::string digits;
  bool separators_ok = true;
  ForEachCodePoint(t, [&](char32_t cp) {
    if (cp >= 0xFF10 && cp <= 0xFF19) cp -= 0xFEE0;
    if (cp >= '0' && cp <= '9') {
      digits += static_cast<char>(cp);
      return;
    }
    if (!digits.empty()) {
      parts.push_back(digits.size() > 4 ? -1 : std::stoi(digits));
      digits.clear();
    }
    if (!(cp == '-' || cp == '/' || cp == '.' || cp == 0x5E74 || cp == 0x6708 || cp == 0x65E5)) separators_ok = false;
  });
  if (!digits.empty()) {
    if (parts.empty() && digits.size() == 8) {
      parts = {std::stoi(digits.substr(0, 4)), std::stoi(digits.substr(4, 2)), std::stoi(digits.substr(6, 2))};
    } else {
      parts.push_back(digits.size() > 4 ? -1 : std::stoi(digits));
    }
  }
  if (!separators_ok || parts.size() != 3 || parts[0] < 1000) {
    return MakeError(ErrorCode::kInvalid, "date: expected e.g. 1950-01-02 or 1950年1月2日, got '" +
                                              std::string(text.substr(0, 40)) + "'");
  }
  Date d{parts[0], parts[1], parts[2]};
  auto checked = ParseDate(FormatDate(d));
  if (!checked.ok() || parts[1] < 1 || parts[1] > 12 || parts[2] < 1 || parts[2] > 31) {
    return MakeError(ErrorCode::kInvalid, "date: '" + std::string(text.substr(0, 40)) + "' does not exist");
  }
  return FormatDate(*checked);
}

Result<std::string> NormalizeCell(const forms::Dictionary& dictionary, std::string_view target, std::string_view raw,
                                  Date today) {
  std::string cell = Trim(raw);
  if (cell.empty()) return std::string();
  if (target == "person.name") {
    std::string name = NameKey(cell);
    if (CodePoints(name) > 50) return MakeError(ErrorCode::kInvalid, "person.name (姓名): longer than 50 characters");
    return name;
  }
  if (target == "person.id_number") {
    auto id = model::ParseResidentId(cell, today);
    if (!id.ok()) return MakeError(ErrorCode::kInvalid, "person.id_number (公民身份号码): " + id.error().message);
    return id->text;
  }
  if (target == "person.phone") {
    auto phone = model::ParseMobilePhone(cell);
    if (!phone.ok()) return MakeError(ErrorCode::kInvalid, "person.phone (联系电话): " + phone.error().message);
    return *phone;
  }
  if (target == kGridCode) {
    model::Fields f = {{"grid_code", cell}};
    auto errors = model::NormalizeFields(model::BaseEntity::kPerson, f, today);
    for (const auto& e : errors) {
      if (e.field == "grid_code") return MakeError(ErrorCode::kInvalid, "grid_code (网格编码): " + e.message);
    }
    return f["grid_code"];
  }
  if (target == kBirthDate) {
    auto d = NormalizeDateText(cell);
    if (!d.ok()) return MakeError(ErrorCode::kInvalid, "birth_date (出生日期): " + d.error().message);
    return *d;
  }
  if (target == kSex) {
    std::string key = HeaderKey(cell);
    if (key == "男" || key == "m" || key == "male" || key == "1") return std::string("male");
    if (key == "女" || key == "f" || key == "female" || key == "2") return std::string("female");
    return MakeError(ErrorCode::kInvalid, "sex (性别): expected 男 or 女, got '" + cell.substr(0, 20) + "'");
  }
  if (target == kAddress) {
    if (CodePoints(cell) > 200) return MakeError(ErrorCode::kInvalid, "address (地址): longer than 200 characters");
    return cell;
  }
  const forms::DataElement* e = dictionary.Find(target);
  if (!e) return MakeError(ErrorCode::kInvalid, "unknown target '" + std::string(target.substr(0, 60)) + "'");
  return Element(dictionary, *e, cell, today);
}

std::string AddressKey(std::string_view text) {
  std::string out;
  std::u32string cps;
  ForEachCodePoint(text, [&](char32_t cp) {
    if (cp >= 0xFF01 && cp <= 0xFF5E) cp -= 0xFEE0;
    if (cp <= ' ' || cp == 0x3000 || cp == '-' || cp == ',' || cp == 0xFF0C || cp == 0x3001 || cp == '.' ||
        cp == 0x3002 || cp == '#' || cp == '(' || cp == ')') {
      return;
    }
    cps.push_back(cp);
  });
  for (std::size_t i = 0; i < cps.size(); ++i) {
    char32_t cp = cps[i];
    if (cp == 0x680B || cp == 0x5E62) cp = 0x697C;                                      // 栋 幢 -> 楼
    if (cp == 0x53F7 && i + 1 < cps.size() && (cps[i + 1] == 0x697C || cps[i + 1] == 0x680B || cps[i + 1] == 0x5E62)) {
      continue;  // 3号楼 -> 3楼
    }
    AppendUtf8(out, cp);
  }
  return out;
}

bool AddressesMatch(std::string_view a, std::string_view b) {
  std::string ka = AddressKey(a), kb = AddressKey(b);
  if (ka.empty() || kb.empty()) return false;
  if (ka.size() < kb.size()) std::swap(ka, kb);
  return CodePoints(kb) >= 4 && ka.find(kb) != std::string::npos;
}

}  // namespace cg::imports
