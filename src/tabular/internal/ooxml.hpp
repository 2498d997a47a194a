#pragma once
// Pure helpers for SpreadsheetML: cell references, number formats, date serials, escapes.
// Internal to cg_tabular; no I/O.

#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace cg::tabular::internal {

inline constexpr std::uint32_t kMaxColumns = 16384;  // XFD
inline constexpr std::uint32_t kMaxRows = 1048576;

struct CellRef {
  std::uint32_t column = 0;  // 0-based
  std::uint32_t row = 0;     // 1-based
};

// Parses "B7" (optionally "$B$7"); kInvalid when malformed or beyond XFD1048576.
Result<CellRef> ParseCellRef(std::string_view ref);
// "A", "B", ..., "XFD" for 0-based column numbers.
std::string ColumnName(std::uint32_t column);

enum class NumFmtKind { kNumber, kDate, kTime, kDateTime };
// Classifies a number format by its built-in id or its format code (custom ids are 164+).
NumFmtKind ClassifyNumFmt(int id, std::string_view code);

// A date serial as ISO text: "YYYY-MM-DD", "HH:MM:SS" or "YYYY-MM-DD HH:MM:SS". The 1900 system
// keeps Lotus 1-2-3's 29 February 1900 (serial 60). kInvalid outside 0..9999-12-31.
Result<std::string> SerialToIso(double serial, bool date1904, NumFmtKind kind);

// The text of a numeric cell: integers without exponent or ".0", other numbers as written.
// Sets `precision_lost` when the magnitude needs more than Excel's 15 significant digits.
std::string FormatNumber(std::string_view text, double value, bool& precision_lost);

// Decodes the "_xHHHH_" escapes Excel writes for control characters ("_x005F_" is '_').
std::string DecodeEscapes(std::string text);

}  // namespace cg::tabular::internal
