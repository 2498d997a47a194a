#pragma once
// Where the columns of a department's spreadsheet go (docs/import.md): every column is mapped to
// a target — a person data element ("person.phone"), a record field without an element
// ("grid_code"), a value used only to match and check ("birth_date", "sex", "address") — or to
// nothing (""). Targets are suggested from the header text and the dictionary's zh/en labels; the
// user edits the suggestion. Values are normalised here: labels of enum values ("汉族", "流动")
// become their codes, 是/否 booleans, 1950/1/2 dates. Pure: no I/O. Thread-safe.

#include <string>
#include <string_view>
#include <vector>

#include "core/date.hpp"
#include "core/result.hpp"
#include "forms/dictionary.hpp"

namespace cg::imports {

// Match-only and plain-field targets (no data element behind them).
inline constexpr char kGridCode[] = "grid_code";
inline constexpr char kBirthDate[] = "birth_date";
inline constexpr char kSex[] = "sex";
inline constexpr char kAddress[] = "address";

struct Target {
  std::string code;
  std::string label_zh;
  std::string label_en;
  bool match_only = false;  // used to match and check, never stored
};

// Everything a person column may be mapped to, in dictionary order after the plain targets.
// Elements the base service refuses as attributes (phone- and ID-bearing ones) are left out.
std::vector<Target> PersonTargets(const forms::Dictionary& dictionary);

// One target per column ("" = ignore), each target at most once (the first column wins).
std::vector<std::string> SuggestMapping(const std::vector<std::string>& header,
                                        const forms::Dictionary& dictionary);

// kInvalid unless every non-empty entry is a known target, no target appears twice, there are at
// most `columns` entries, and a name column is mapped (ID number or name + birth date identify a
// person; without a name nothing can be matched or created).
Status CheckMapping(const std::vector<std::string>& mapping, std::size_t columns,
                    const forms::Dictionary& dictionary);

// The cell `raw` of a column mapped to `target`, normalised ("" when the cell is empty), or
// kInvalid with a message that names the target and never repeats an ID or phone number.
Result<std::string> NormalizeCell(const forms::Dictionary& dictionary, std::string_view target,
                                  std::string_view raw, Date today);

// "1950/1/2", "1950-01-02", "1950年1月2日", "1950.1.2", "19500102" -> "1950-01-02"; kInvalid else.
Result<std::string> NormalizeDateText(std::string_view text);

// Address text for comparison: whitespace and punctuation dropped, full-width ASCII folded,
// "号楼"/"栋"/"幢" spelled one way. Two addresses match when one contains the other.
std::string AddressKey(std::string_view text);
bool AddressesMatch(std::string_view a, std::string_view b);

}  // namespace cg::imports
