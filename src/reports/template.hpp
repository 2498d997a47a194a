#pragma once
// Report templates as data (DESIGN §4, docs/reports.md): the table a department files (民政
// 老年人口统计表, 残联 持证残疾人统计表, ...) described in TOML — owner, subject (persons or
// households), rows (org units under the caller's scope), columns (counts and sums of records
// matching filters on data elements, sex and age; ratios of two columns) and the xlsx layout.
// Parsed strictly against the data-element dictionary, so a template can only ask for what
// the field form can collect. Immutable once parsed; thread-safe for reads.

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "forms/dictionary.hpp"
#include "model/base_data.hpp"
#include "model/org_unit.hpp"

namespace cg::reports {

// A filter on one field of the subject record. Fields: "age" (whole years on the report
// date, from the birth date; persons only), "sex" (male|female; persons only), or a data
// element code of the subject entity ("person.residence_status", "household.dibao", ...).
enum class FilterOp {
  kEq,      // =   boolean, enum, integer, sex
  kNe,      // !=  same; a record without the value does not match
  kIn,      // in  enum: one of `values`
  kHas,     // has multi_enum: holds `value`
  kHasAny,  // has_any multi_enum: holds one of `values`
  kGe,      // >=  age, integer, decimal
  kGt,      // >
  kLe,      // <=
  kLt,      // <
  kSet,     // set: has a value
  kUnset,   // unset: has no value
};
const char* FilterOpName(FilterOp op);

struct Filter {
  std::string field;                // "age", "sex" or an element code
  FilterOp op = FilterOp::kEq;
  std::string value;                // canonical (booleans "true"/"false", numbers as written)
  std::vector<std::string> values;  // kIn, kHasAny
  double number = 0;                // `value` as a number when it is one (age: whole years)
  bool numeric = false;             // `value` parses as a number
};

enum class ColumnKind { kCount, kSum, kRatio };

struct Column {
  std::string code;  // unique in the template: [a-z0-9_]+
  std::string label_zh, label_en;
  std::string group_zh, group_en;  // optional group header, merged over consecutive columns
  ColumnKind kind = ColumnKind::kCount;
  std::vector<Filter> filters;     // template filters first, then the column's own
  std::string sum_element;         // kSum: integer or decimal element of the subject
  std::string numerator, denominator;  // kRatio: codes of earlier count/sum columns
  bool percent = false;            // kRatio: × 100
  int decimals = 0;                // kRatio: digits after the point; kSum: of the element
  std::string unit;                // display unit ("人", "户", "元", "%")
};

enum class RowLevel { kChildren, kDistrict, kStreet, kCommunity, kGrid };
const char* RowLevelName(RowLevel level);

struct Template {
  std::string code;        // "civil_affairs.elderly": [a-z0-9_.]+, at most 64 bytes
  std::string department;  // a department code of the dictionary
  std::string title_zh, title_en;
  model::BaseEntity subject = model::BaseEntity::kPerson;  // persons or households
  RowLevel rows = RowLevel::kChildren;
  std::vector<Filter> filters;  // applied to every column (already merged into each column)
  std::vector<Column> columns;
  // xlsx layout.
  std::string sheet_name;  // default: the first 31 characters of title_zh
  std::string row_header_zh = "单位";
  std::string note_zh;     // printed under the table (填报说明), may be empty
  std::string source;      // file name or "db"
  std::string text;        // the TOML it was parsed from

  // Every data-element code the template reads (filters and sums), sorted, unique.
  std::vector<std::string> Elements() const;
  const Column* FindColumn(std::string_view code) const;
  bool has_groups() const;
};

// Parses one template. `name` is used in messages ("data/reports/x.toml: column 'age80': ...").
// kInvalid for TOML syntax errors, unknown keys, missing labels, an unknown department,
// element, filter field or operator, a filter value of the wrong type or not among the
// element's allowed values, a sum over a non-numeric element, a ratio naming an unknown or
// later column, duplicate column codes, more than 60 columns.
Result<Template> ParseTemplate(const std::string& name, std::string_view toml_text,
                               const forms::Dictionary& dictionary);

// Every *.toml file in `dir`, sorted by name. kNotFound if `dir` is not a folder; kInvalid
// for the first bad file or a duplicate code.
Result<std::vector<Template>> LoadTemplateDirectory(const std::filesystem::path& dir,
                                                    const forms::Dictionary& dictionary);

// The record field a filter or sum reads: "age" -> "birth_date", "person.residence_status" ->
// "residence_status" (persons' core elements are plain fields), other elements unchanged.
std::string RecordField(model::BaseEntity subject, const std::string& field);

}  // namespace cg::reports
