#pragma once
// Base data (一标三实): addresses, buildings, houses, persons, households and organisations as
// maps of named text fields, with one table of field rules per entity. Pure validation; the
// person attributes (data elements) are checked by forms::Dictionary in src/base.

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/date.hpp"

namespace cg::model {

enum class BaseEntity { kAddress, kBuilding, kHouse, kPerson, kHousehold, kOrganisation };
inline constexpr BaseEntity kAllBaseEntities[] = {BaseEntity::kAddress,   BaseEntity::kBuilding,
                                                 BaseEntity::kHouse,     BaseEntity::kPerson,
                                                 BaseEntity::kHousehold, BaseEntity::kOrganisation};

// "address", "building", "house", "person", "household", "organisation".
const char* BaseEntityName(BaseEntity entity);
// The plural used in URLs and table names: "addresses", ..., "organisations".
const char* BaseEntityPlural(BaseEntity entity);
std::optional<BaseEntity> ParseBaseEntity(std::string_view name);

using Fields = std::map<std::string, std::string>;

struct FieldError {
  std::string field;
  std::string message;
};

enum class FieldKind {
  kText,      // UTF-8 without control characters, at most max_length bytes
  kInteger,   // -?digits within [min, max]
  kDecimal,   // -?digits(.digits)? within [min, max]
  kEnum,      // one of `values`
  kGridCode,  // a 15-digit grid code
  kRef,       // id of another base record (positive integer)
  kIdNumber,  // GB 11643 resident ID, normalised
  kPhone,     // mainland mobile, normalised to 11 digits
  kUscc,      // GB 32100 code, normalised
  kMembers,   // household members: "person_id:relation,..." (relation: GB/T 4761 group code)
  kEthnicity  // GB/T 3304 code: 01..56, 97, 98
};

struct FieldSpec {
  std::string name;
  FieldKind kind = FieldKind::kText;
  bool required = false;
  std::size_t max_length = 200;
  double min = 0, max = 0;
  std::vector<std::string> values;  // kEnum
};

// The fields an entity accepts, in display order. Persons' "sex" and "birth_date" are not
// among them: they derive from the ID number (see DerivePersonFields).
const std::vector<FieldSpec>& FieldsOf(BaseEntity entity);
const FieldSpec* FindField(BaseEntity entity, std::string_view name);

// Checks and normalises `fields` in place (ID numbers upper-case, phones as 11 digits, codes
// upper-case); empty values mean "not given" and are removed. Returns one error per bad field
// (unknown fields included); empty when all is well. `today` bounds ID birth dates.
std::vector<FieldError> NormalizeFields(BaseEntity entity, Fields& fields, Date today);

// "sex" (male/female) and "birth_date" (YYYY-MM-DD) of a normalised ID number, or empty.
Fields DerivePersonFields(std::string_view normalised_id);

// Household members "12:02,13:10" -> {(12,"02"), (13,"10")}; assumes a validated value.
std::vector<std::pair<std::int64_t, std::string>> ParseMembers(std::string_view members);

}  // namespace cg::model
