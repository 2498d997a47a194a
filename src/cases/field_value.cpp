// Field values of cases: the field types, what strings each accepts, and the conditional
// rules of a field spec (must_be, required_if). Split from case_type.cpp, which parses files.
#include <algorithm>
#include <charconv>
#include <cmath>

#include "cases/calendar.hpp"
#include "cases/case_type.hpp"
#include "model/id_number.hpp"
#include "model/org_unit.hpp"

namespace cg::cases {
namespace {

constexpr FieldType kFieldTypes[] = {FieldType::kString, FieldType::kText,    FieldType::kInteger,
                                     FieldType::kNumber, FieldType::kBool,    FieldType::kEnum,
                                     FieldType::kDate,   FieldType::kOrgCode, FieldType::kUserId,
                                     FieldType::kPoint,  FieldType::kPhone,   FieldType::kIdNumber};

// Number of code points if `s` is valid UTF-8, else -1.
long Utf8Length(std::string_view s) {
  long n = 0;
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (len == 0 || i + len > s.size()) return -1;
    for (size_t k = 1; k < len; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return -1;
    }
    i += len;
    ++n;
  }
  return n;
}

template <class T>
bool ParseNumber(std::string_view s, T& out) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size() && !s.empty();
}

}  // namespace

std::string SealedFieldAssociated(std::string_view code, std::string_view public_id) {
  return "case." + std::string(code) + ":" + std::string(public_id);
}

bool IsSealed(FieldType type) { return type == FieldType::kPhone || type == FieldType::kIdNumber; }

const char* FieldTypeName(FieldType type) {
  switch (type) {
    case FieldType::kString: return "string";
    case FieldType::kText: return "text";
    case FieldType::kInteger: return "integer";
    case FieldType::kNumber: return "number";
    case FieldType::kBool: return "bool";
    case FieldType::kEnum: return "enum";
    case FieldType::kDate: return "date";
    case FieldType::kOrgCode: return "org_code";
    case FieldType::kUserId: return "user_id";
    case FieldType::kPoint: return "point";
    case FieldType::kPhone: return "phone";
    case FieldType::kIdNumber: return "id_number";
  }
  return "string";
}

std::optional<FieldType> ParseFieldType(std::string_view name) {
  for (FieldType t : kFieldTypes) {
    if (name == FieldTypeName(t)) return t;
  }
  return std::nullopt;
}

namespace {

Status CheckValue(const FieldSpec& spec, const std::string& value, const std::string& what) {
  auto bad = [&](const std::string& why) {
    return Status(MakeError(ErrorCode::kInvalid, what + " '" + spec.code + "': " + why));
  };
  long length = Utf8Length(value);
  if (length < 0) return bad("not valid UTF-8");
  if (spec.max_length > 0 && length > spec.max_length)
    return bad("longer than " + std::to_string(spec.max_length) + " characters");
  if (spec.required && value.empty()) return bad("required");
  if (value.empty()) return {};
  if (!spec.must_be.empty() && value != spec.must_be)
    return bad("must be " + spec.must_be + (spec.label.zh.empty() ? "" : " (" + spec.label.zh + ")"));
  switch (spec.type) {
    case FieldType::kString:
      if (value.find_first_of("\r\n") != std::string::npos) return bad("must be a single line");
      return {};
    case FieldType::kText: return {};
    case FieldType::kInteger: {
      long long v;
      if (!ParseNumber(value, v)) return bad("expected an integer, got '" + value + "'");
      return {};
    }
    case FieldType::kNumber: {
      double v;
      if (!ParseNumber(value, v) || !std::isfinite(v)) return bad("expected a number, got '" + value + "'");
      return {};
    }
    case FieldType::kBool:
      if (value != "true" && value != "false") return bad("expected true or false");
      return {};
    case FieldType::kEnum:
      if (std::find(spec.values.begin(), spec.values.end(), value) == spec.values.end())
        return bad("'" + value + "' is not one of the allowed values");
      return {};
    case FieldType::kDate:
      if (!ParseDate(value).ok()) return bad("expected a date YYYY-MM-DD, got '" + value + "'");
      return {};
    case FieldType::kOrgCode:
      if (!model::LevelOfCode(value)) return bad("expected an org code of 4, 6, 9, 12 or 15 digits");
      return {};
    case FieldType::kUserId: {
      long long v;
      if (!ParseNumber(value, v) || v <= 0) return bad("expected a positive user id");
      return {};
    }
    case FieldType::kPoint: {
      auto comma = value.find(',');
      double lon, lat;
      if (comma == std::string::npos || !ParseNumber(std::string_view(value).substr(0, comma), lon) ||
          !ParseNumber(std::string_view(value).substr(comma + 1), lat) || !(lon >= -180 && lon <= 180) ||
          !(lat >= -90 && lat <= 90))
        return bad("expected \"lon,lat\" in WGS-84 degrees");
      return {};
    }
    case FieldType::kPhone:
      if (value.size() < 5 || value.size() > 20 ||
          !std::all_of(value.begin(), value.end(), [](char c) { return (c >= '0' && c <= '9') || c == '+' || c == '-' || c == ' '; }))
        return bad("expected a phone number (5 to 20 digits, '+', '-' or spaces)");
      return {};
    case FieldType::kIdNumber: {
      // The ID's birth date is checked against a far bound: fields are validated without a
      // clock, and the check digit (GB 11643) is what catches a mistyped number.
      auto id = model::ParseResidentId(value, Date{2100, 1, 1});
      if (!id.ok()) return bad(id.error().message);
      return {};
    }
  }
  return {};
}

}  // namespace

Status ValidateField(const FieldSpec& spec, const std::string& value) { return CheckValue(spec, value, "field"); }

Status ValidateFields(const std::vector<FieldSpec>& specs, const std::map<std::string, std::string>& values,
                      const std::string& what) {
  for (const auto& [key, value] : values) {
    if (std::none_of(specs.begin(), specs.end(), [&](const FieldSpec& f) { return f.code == key; }))
      return MakeError(ErrorCode::kInvalid, "unknown " + what + " '" + key + "'");
  }
  for (const auto& spec : specs) {
    auto it = values.find(spec.code);
    const bool empty = it == values.end() || it->second.empty();
    if (empty && !spec.required_if.field.empty()) {
      auto cond = values.find(spec.required_if.field);
      if (cond != values.end() && cond->second == spec.required_if.value)
        return MakeError(ErrorCode::kInvalid, what + " '" + spec.code + "': required when " + spec.required_if.field +
                                                  " is " + spec.required_if.value);
    }
    if (it == values.end()) {
      if (spec.required) return MakeError(ErrorCode::kInvalid, what + " '" + spec.code + "': required");
      continue;
    }
    CG_RETURN_IF_ERROR(CheckValue(spec, it->second, what));
  }
  return {};
}

}  // namespace cg::cases
