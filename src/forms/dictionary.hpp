#pragma once
// The data-element dictionary (DESIGN §3, §4): every attribute a department may ask for is a
// data element with a code, zh/en labels, a type, allowed values, a sensitivity class and
// validation rules. The dictionary is data (data/elements/*.toml), loaded at start-up and
// extendable by an admin without a rebuild. Immutable after loading; thread-safe for reads.

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include "core/date.hpp"
#include "core/result.hpp"

namespace cg::forms {

enum class ElementType {
  kString, kInteger, kDecimal, kBoolean, kDate, kEnum, kMultiEnum, kIdNumber, kPhone, kUscc
};
enum class Sensitivity { kPublic, kInternal, kPersonal, kSensitive };
enum class Entity { kPerson, kHousehold, kHouse, kBuilding, kAddress, kOrganisation };

// Stable names as written in the TOML files ("multi_enum", "sensitive", "organisation", ...).
const char* ElementTypeName(ElementType type);
const char* SensitivityName(Sensitivity sensitivity);
const char* EntityName(Entity entity);
std::optional<ElementType> ParseElementType(std::string_view name);
std::optional<Sensitivity> ParseSensitivity(std::string_view name);
std::optional<Entity> ParseEntity(std::string_view name);

// One allowed value of an enum or multi_enum element (e.g. GB/T 3304 code "02", 蒙古族, Mongol).
struct AllowedValue {
  std::string code;
  std::string label_zh;
  std::string label_en;
};

// Rules beyond the type. Absent optionals do not constrain.
struct Validation {
  std::optional<double> min;               // integer, decimal
  std::optional<double> max;               // integer, decimal
  std::optional<int> max_decimals;         // decimal: digits after the point
  std::optional<std::size_t> max_length;   // string: characters (code points)
  std::string pattern;                     // string: ECMAScript regex the whole value must match
  bool not_future = false;                 // date: not after "today"
};

struct DataElement {
  std::string code;  // "person.ethnicity": lower-case, dot-separated, unique
  std::string label_zh;
  std::string label_en;
  ElementType type = ElementType::kString;
  std::vector<AllowedValue> values;  // enum and multi_enum only, non-empty there
  bool required = false;
  Sensitivity sensitivity = Sensitivity::kInternal;
  Validation validation;
  Entity entity = Entity::kPerson;
  bool is_care_tag = false;              // marks a group that needs care (独居老人, 低保, ...)
  std::vector<std::string> departments;  // codes of the departments that use it
  std::string unit;                      // display unit, e.g. "元/月", "m²" (may be empty)
  std::string note;                      // source of the code list or definition (may be empty)
  std::string source;                    // the file it was loaded from

  // The allowed value with `code`, or nullptr.
  const AllowedValue* FindValue(std::string_view code) const;

  std::shared_ptr<const std::regex> compiled_pattern;  // set by the loader when pattern is set
};

// A department that owns or consumes elements (民政 civil affairs, 残联, ...).
struct Department {
  std::string code;  // "civil_affairs"
  std::string label_zh;
  std::string label_en;
  std::string source;
};

// Checks `value` against one element and returns its canonical form: ID numbers upper-case,
// phones as 11 digits, booleans "true"/"false", multi_enum codes in dictionary order; other
// types unchanged. An empty value is "not given": kInvalid if the element is required, else "".
// `today` bounds birth dates in ID numbers and not_future dates. Messages start with the
// element code and label: "person.phone (联系电话): phone: a mobile number has 11 digits, got 10".
Result<std::string> NormalizeValue(const DataElement& element, std::string_view value, Date today);

class Dictionary {
 public:
  Dictionary() = default;

  // Loads every *.toml file in `dir` (sorted by name; other files and sub-folders ignored).
  // Strict: a TOML syntax error, an unknown top-level or element key, a wrong value type, an
  // unknown type/sensitivity/entity, an enum without values, a duplicate element, value or
  // department code, a reference to an undefined department, or an invalid pattern gives
  // kInvalid naming the file and the element. kNotFound if `dir` is not a readable folder.
  static Result<Dictionary> LoadDirectory(const std::filesystem::path& dir);

  // Same rules for in-memory files: pairs of (name used in messages, TOML text).
  static Result<Dictionary> LoadFiles(const std::vector<std::pair<std::string, std::string>>& files);

  // The element with `code`, or nullptr.
  const DataElement* Find(std::string_view code) const;
  const Department* FindDepartment(std::string_view code) const;
  // All elements, ordered by file name and then by position in the file.
  const std::vector<DataElement>& elements() const { return elements_; }
  const std::vector<Department>& departments() const { return departments_; }
  std::vector<const DataElement*> ForEntity(Entity entity) const;
  std::vector<const DataElement*> ForDepartment(std::string_view department) const;
  std::vector<const DataElement*> CareTags() const;

  // NormalizeValue for the element `code`; kInvalid if there is no such element.
  Result<std::string> Normalize(std::string_view code, std::string_view value, Date today) const;
  // Ok when `value` is acceptable for `code` (see NormalizeValue).
  Status Validate(std::string_view code, std::string_view value, Date today) const;

 private:
  std::vector<DataElement> elements_;
  std::vector<Department> departments_;
  std::map<std::string, std::size_t, std::less<>> by_code_;
};

}  // namespace cg::forms
