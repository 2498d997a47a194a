#include "model/base_data.hpp"

#include <charconv>
#include <cmath>
#include <cstdlib>

#include "model/id_number.hpp"
#include "model/phone.hpp"
#include "model/uscc.hpp"

namespace cg::model {
namespace {

FieldSpec Text(std::string name, bool required = false, std::size_t max_length = 200) {
  FieldSpec f;
  f.name = std::move(name);
  f.required = required;
  f.max_length = max_length;
  return f;
}
FieldSpec Of(std::string name, FieldKind kind, bool required = false) {
  FieldSpec f;
  f.name = std::move(name);
  f.kind = kind;
  f.required = required;
  return f;
}
FieldSpec Num(std::string name, FieldKind kind, double min, double max) {
  FieldSpec f = Of(std::move(name), kind);
  f.min = min;
  f.max = max;
  return f;
}
FieldSpec Enum(std::string name, bool required, std::vector<std::string> values) {
  FieldSpec f = Of(std::move(name), FieldKind::kEnum, required);
  f.values = std::move(values);
  return f;
}

const std::vector<std::string> kRelations = {"02", "10", "20", "30", "40", "50", "60", "70", "80", "99"};

bool IsDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

std::optional<std::string> CheckNumber(const FieldSpec& spec, const std::string& v) {
  std::string_view s = v;
  std::string_view body = s.starts_with('-') ? s.substr(1) : s;
  auto dot = body.find('.');
  bool ok = spec.kind == FieldKind::kInteger
                ? IsDigits(body)
                : IsDigits(body.substr(0, dot)) &&
                      (dot == std::string_view::npos || IsDigits(body.substr(dot + 1)));
  if (!ok || body.size() > 18) {
    return std::string(spec.kind == FieldKind::kInteger ? "expected a whole number"
                                                        : "expected a decimal number");
  }
  double d = std::strtod(v.c_str(), nullptr);
  if (d < spec.min || d > spec.max) {
    char buf[96];
    std::snprintf(buf, sizeof buf, "must be between %g and %g", spec.min, spec.max);
    return std::string(buf);
  }
  return std::nullopt;
}

bool ValidUtf8Text(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c == 0x7f) return false;
    std::size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    for (std::size_t k = 1; k < n; ++k)
      if ((static_cast<unsigned char>(s[i + k]) >> 6) != 2) return false;
    i += n;
  }
  return true;
}

// Checks one non-empty value; returns an error message or nullopt, normalising `v`.
std::optional<std::string> Check(const FieldSpec& spec, std::string& v, Date today) {
  switch (spec.kind) {
    case FieldKind::kText:
      if (!ValidUtf8Text(v)) return "must be text without control characters";
      if (v.size() > spec.max_length) return "at most " + std::to_string(spec.max_length) + " bytes";
      return std::nullopt;
    case FieldKind::kInteger:
    case FieldKind::kDecimal:
      return CheckNumber(spec, v);
    case FieldKind::kEnum:
      for (const auto& allowed : spec.values)
        if (v == allowed) return std::nullopt;
      {
        std::string list;
        for (const auto& a : spec.values) list += (list.empty() ? "" : ", ") + a;
        return "unknown value; expected one of: " + list;
      }
    case FieldKind::kGridCode:
      if (v.size() != 15 || !IsDigits(v)) return "expected a 15-digit grid code";
      return std::nullopt;
    case FieldKind::kRef:
      if (!IsDigits(v) || v.size() > 15 || v[0] == '0') return "expected a record id (positive integer)";
      return std::nullopt;
    case FieldKind::kIdNumber: {
      auto id = ParseResidentId(v, today);
      if (!id.ok()) return id.error().message;
      v = id->text;
      return std::nullopt;
    }
    case FieldKind::kPhone: {
      auto p = ParseMobilePhone(v);
      if (!p.ok()) return p.error().message;
      v = *p;
      return std::nullopt;
    }
    case FieldKind::kUscc: {
      auto u = ParseUscc(v);
      if (!u.ok()) return u.error().message;
      v = u->text;
      return std::nullopt;
    }
    case FieldKind::kEthnicity: {
      int n = 0;
      if (v.size() == 2 && IsDigits(v)) n = (v[0] - '0') * 10 + (v[1] - '0');
      if ((n >= 1 && n <= 56) || n == 97 || n == 98) return std::nullopt;
      return "unknown ethnic group code (GB/T 3304: 01-56, 97, 98)";
    }
    case FieldKind::kMembers: {
      std::string_view s = v;
      std::size_t count = 0;
      while (!s.empty()) {
        auto comma = s.find(',');
        std::string_view item = s.substr(0, comma);
        auto colon = item.find(':');
        if (colon == std::string_view::npos) return "expected person_id:relation pairs separated by ','";
        std::string_view id = item.substr(0, colon), rel = item.substr(colon + 1);
        if (!IsDigits(id) || id.size() > 15 || id[0] == '0') return "member ids must be positive integers";
        bool known = false;
        for (const auto& r : kRelations) known = known || rel == r;
        if (!known) return "unknown relation to the head (GB/T 4761 group code)";
        if (++count > 50) return "at most 50 members";
        s = comma == std::string_view::npos ? std::string_view() : s.substr(comma + 1);
      }
      return std::nullopt;
    }
  }
  return std::nullopt;
}

}  // namespace

const char* BaseEntityName(BaseEntity e) {
  switch (e) {
    case BaseEntity::kAddress: return "address";
    case BaseEntity::kBuilding: return "building";
    case BaseEntity::kHouse: return "house";
    case BaseEntity::kPerson: return "person";
    case BaseEntity::kHousehold: return "household";
    case BaseEntity::kOrganisation: return "organisation";
  }
  return "?";
}

const char* BaseEntityPlural(BaseEntity e) {
  switch (e) {
    case BaseEntity::kAddress: return "addresses";
    case BaseEntity::kBuilding: return "buildings";
    case BaseEntity::kHouse: return "houses";
    case BaseEntity::kPerson: return "persons";
    case BaseEntity::kHousehold: return "households";
    case BaseEntity::kOrganisation: return "organisations";
  }
  return "?";
}

std::optional<BaseEntity> ParseBaseEntity(std::string_view name) {
  for (auto e : kAllBaseEntities)
    if (name == BaseEntityName(e)) return e;
  return std::nullopt;
}

const std::vector<FieldSpec>& FieldsOf(BaseEntity entity) {
  static const std::vector<FieldSpec> kAddress = {
      Of("grid_code", FieldKind::kGridCode, true), Text("road", true, 100), Text("number", false, 40),
      Text("compound", false, 100), Text("building", false, 40), Text("unit", false, 20),
      Text("floor", false, 20), Text("room", false, 20), Num("lon", FieldKind::kDecimal, -180, 180),
      Num("lat", FieldKind::kDecimal, -90, 90)};
  static const std::vector<FieldSpec> kBuilding = {
      Of("grid_code", FieldKind::kGridCode, true), Text("name", true, 100),
      Of("address_id", FieldKind::kRef), Num("lon", FieldKind::kDecimal, -180, 180),
      Num("lat", FieldKind::kDecimal, -90, 90), Num("floors", FieldKind::kInteger, 1, 200),
      Enum("use", false, {"residential", "commercial", "office", "industrial", "warehouse", "mixed",
                          "public", "other"})};
  static const std::vector<FieldSpec> kHouse = {
      Of("grid_code", FieldKind::kGridCode, true), Of("address_id", FieldKind::kRef, true),
      Of("building_id", FieldKind::kRef), Enum("kind", true, {"dwelling", "premises"}),
      Enum("occupancy", true, {"owner_occupied", "rented", "lent", "vacant", "other"}),
      Num("area", FieldKind::kDecimal, 0, 1'000'000)};
  static const std::vector<FieldSpec> kPerson = {
      Of("grid_code", FieldKind::kGridCode, true), Text("name", true, 50),
      Of("id_number", FieldKind::kIdNumber, true), Of("phone", FieldKind::kPhone),
      Of("ethnicity", FieldKind::kEthnicity, true),
      Enum("residence_status", true, {"registered", "floating", "away"}),
      Of("house_id", FieldKind::kRef), Of("address_id", FieldKind::kRef)};
  static const std::vector<FieldSpec> kHousehold = {
      Of("grid_code", FieldKind::kGridCode, true), Of("address_id", FieldKind::kRef),
      Of("house_id", FieldKind::kRef), Of("head_person_id", FieldKind::kRef, true),
      Of("members", FieldKind::kMembers)};
  static const std::vector<FieldSpec> kOrganisation = {
      Of("grid_code", FieldKind::kGridCode, true), Text("name", true, 100),
      Of("uscc", FieldKind::kUscc, true),
      Enum("kind", true, {"enterprise", "individual_business", "institution", "social_organisation",
                          "government", "other"}),
      Of("address_id", FieldKind::kRef)};
  switch (entity) {
    case BaseEntity::kAddress: return kAddress;
    case BaseEntity::kBuilding: return kBuilding;
    case BaseEntity::kHouse: return kHouse;
    case BaseEntity::kPerson: return kPerson;
    case BaseEntity::kHousehold: return kHousehold;
    case BaseEntity::kOrganisation: return kOrganisation;
  }
  return kAddress;
}

const FieldSpec* FindField(BaseEntity entity, std::string_view name) {
  for (const auto& f : FieldsOf(entity))
    if (f.name == name) return &f;
  return nullptr;
}

std::vector<FieldError> NormalizeFields(BaseEntity entity, Fields& fields, Date today) {
  std::vector<FieldError> errors;
  for (auto it = fields.begin(); it != fields.end();) {
    const FieldSpec* spec = FindField(entity, it->first);
    if (!spec) {
      errors.push_back({it->first, std::string("unknown field of ") + BaseEntityName(entity)});
      ++it;
      continue;
    }
    std::string_view trimmed = TrimAscii(it->second);
    if (trimmed.empty()) {
      it = fields.erase(it);
      continue;
    }
    it->second = std::string(trimmed);
    if (auto msg = Check(*spec, it->second, today)) errors.push_back({it->first, *msg});
    ++it;
  }
  for (const auto& spec : FieldsOf(entity)) {
    if (spec.required && !fields.count(spec.name)) errors.push_back({spec.name, "required"});
  }
  return errors;
}

Fields DerivePersonFields(std::string_view id) {
  Fields out;
  if (id.size() != 18) return out;
  auto parsed = ParseResidentId(id, Date{9999, 12, 31});
  if (!parsed.ok()) return out;
  out["sex"] = SexName(parsed->sex);
  out["birth_date"] = FormatDate(parsed->birth_date);
  return out;
}

std::vector<std::pair<std::int64_t, std::string>> ParseMembers(std::string_view s) {
  std::vector<std::pair<std::int64_t, std::string>> out;
  while (!s.empty()) {
    auto comma = s.find(',');
    std::string_view item = s.substr(0, comma);
    auto colon = item.find(':');
    if (colon != std::string_view::npos) {
      std::int64_t id = 0;
      std::from_chars(item.data(), item.data() + colon, id);
      out.emplace_back(id, std::string(item.substr(colon + 1)));
    }
    s = comma == std::string_view::npos ? std::string_view() : s.substr(comma + 1);
  }
  return out;
}

}  // namespace cg::model
