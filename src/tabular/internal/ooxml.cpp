#include "tabular/internal/ooxml.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>

#include "core/date.hpp"

namespace cg::tabular::internal {

Result<CellRef> ParseCellRef(std::string_view ref) {
  auto bad = [&](const char* why) {
    return MakeError(ErrorCode::kInvalid,
                     "cell reference '" + std::string(ref.substr(0, 32)) + "' " + why);
  };
  std::size_t i = 0;
  if (i < ref.size() && ref[i] == '$') ++i;
  std::uint64_t col = 0;
  std::size_t letters = 0;
  while (i < ref.size() && ref[i] >= 'A' && ref[i] <= 'Z') {
    col = col * 26 + static_cast<std::uint64_t>(ref[i] - 'A' + 1);
    ++i;
    if (++letters > 3) return bad("has a column beyond XFD");
  }
  if (letters == 0) return bad("is malformed");
  if (i < ref.size() && ref[i] == '$') ++i;
  std::uint64_t row = 0;
  std::size_t digits = 0;
  while (i < ref.size() && ref[i] >= '0' && ref[i] <= '9') {
    row = row * 10 + static_cast<std::uint64_t>(ref[i] - '0');
    ++i;
    if (++digits > 8) return bad("has a row beyond 1048576");
  }
  if (digits == 0 || i != ref.size()) return bad("is malformed");
  if (col > kMaxColumns) return bad("has a column beyond XFD");
  if (row == 0 || row > kMaxRows) return bad("has a row outside 1..1048576");
  return CellRef{static_cast<std::uint32_t>(col - 1), static_cast<std::uint32_t>(row)};
}

std::string ColumnName(std::uint32_t column) {
  std::string name;
  std::uint64_t n = static_cast<std::uint64_t>(column) + 1;
  while (n > 0) {
    name.insert(name.begin(), static_cast<char>('A' + (n - 1) % 26));
    n = (n - 1) / 26;
  }
  return name;
}

NumFmtKind ClassifyNumFmt(int id, std::string_view code) {
  if (code.empty()) {
    if ((id >= 14 && id <= 17) || (id >= 27 && id <= 31) || id == 36 ||
        (id >= 50 && id <= 54) || id == 57 || id == 58) {
      return NumFmtKind::kDate;
    }
    if ((id >= 18 && id <= 21) || (id >= 32 && id <= 35) || (id >= 45 && id <= 47) ||
        id == 55 || id == 56) {
      return NumFmtKind::kTime;
    }
    if (id == 22) return NumFmtKind::kDateTime;
    return NumFmtKind::kNumber;
  }
  bool date = false, time = false, month = false;
  for (std::size_t i = 0; i < code.size(); ++i) {
    char c = code[i];
    if (c == '"') {
      std::size_t end = code.find('"', i + 1);
      if (end == std::string_view::npos) break;
      i = end;
    } else if (c == '\\' || c == '_' || c == '*') {
      ++i;  // the next character is literal (or padding)
    } else if (c == '[') {
      std::size_t end = code.find(']', i + 1);
      if (end == std::string_view::npos) break;
      std::string_view inner = code.substr(i + 1, end - i - 1);
      if (!inner.empty() && inner.find_first_not_of("hHmMsS") == std::string_view::npos) {
        time = true;  // elapsed time: [h]:mm
      }
      i = end;
    } else if ((c == 'G' || c == 'g') && code.size() - i >= 7 &&
               (code.substr(i, 7) == "General" || code.substr(i, 7) == "general")) {
      i += 6;
    } else if (c == 'y' || c == 'Y' || c == 'd' || c == 'D') {
      date = true;
    } else if (c == 'h' || c == 'H' || c == 's' || c == 'S') {
      time = true;
    } else if (c == 'm' || c == 'M') {
      month = true;
    } else if ((c == 'A' || c == 'a') && (code.substr(i, 5) == "AM/PM" || code.substr(i, 3) == "A/P")) {
      time = true;
      i += 2;
    }
  }
  if (date && time) return NumFmtKind::kDateTime;
  if (date) return NumFmtKind::kDate;
  if (time) return NumFmtKind::kTime;
  if (month) return NumFmtKind::kDate;
  return NumFmtKind::kNumber;
}

Result<std::string> SerialToIso(double serial, bool date1904, NumFmtKind kind) {
  if (!std::isfinite(serial) || serial < 0 || serial >= 2958466.0) {
    return MakeError(ErrorCode::kInvalid, "not a date serial");
  }
  auto days = static_cast<std::int64_t>(std::floor(serial));
  auto secs = static_cast<std::int64_t>(std::llround((serial - static_cast<double>(days)) * 86400.0));
  if (secs >= 86400) {
    ++days;
    secs = 0;
  }
  std::string date;
  if (!date1904 && days == 60) {
    date = "1900-02-29";  // Lotus 1-2-3's leap-year bug, kept by Excel
  } else {
    std::int64_t base = date1904 ? DaysSinceEpoch(Date{1904, 1, 1})
                        : days < 60 ? DaysSinceEpoch(Date{1899, 12, 31})
                                    : DaysSinceEpoch(Date{1899, 12, 30});
    Date d = DateFromDays(base + days);
    if (!IsValid(d)) return MakeError(ErrorCode::kInvalid, "not a date serial");
    date = FormatDate(d);
  }
  char time[16];
  std::snprintf(time, sizeof time, "%02d:%02d:%02d", static_cast<int>(secs / 3600),
                static_cast<int>(secs / 60 % 60), static_cast<int>(secs % 60));
  switch (kind) {
    case NumFmtKind::kDate: return date;
    case NumFmtKind::kTime:
      if (days == 0) return std::string(time);
      return date + " " + time;
    case NumFmtKind::kDateTime: return date + " " + time;
    case NumFmtKind::kNumber: break;
  }
  return date;
}

std::string FormatNumber(std::string_view text, double value, bool& precision_lost) {
  precision_lost = false;
  double magnitude = std::fabs(value);
  if (magnitude >= 1e15) {
    precision_lost = true;
    bool digits = !text.empty();
    for (std::size_t i = 0; i < text.size(); ++i) {
      if (!(text[i] >= '0' && text[i] <= '9') && !(i == 0 && text[i] == '-')) digits = false;
    }
    if (digits) return std::string(text);
  }
  if (magnitude < 1e300 && std::floor(value) == value) {
    char buf[400];
    int n = std::snprintf(buf, sizeof buf, "%.0f", value == 0 ? 0.0 : value);
    return std::string(buf, static_cast<std::size_t>(n));
  }
  if (text.find_first_of("eE") == std::string_view::npos) return std::string(text);
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, value);
  return std::string(buf, r.ptr);
}

std::string DecodeEscapes(std::string text) {
  std::size_t at = text.find("_x");
  if (at == std::string::npos) return text;
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  while (i < text.size()) {
    if (text[i] == '_' && i + 6 < text.size() && text[i + 1] == 'x' && text[i + 6] == '_') {
      int v = 0;
      bool ok = true;
      for (std::size_t k = 2; k < 6; ++k) {
        int h = hex(text[i + k]);
        if (h < 0) ok = false;
        v = v * 16 + h;
      }
      if (ok && v < 0x80) {
        out.push_back(static_cast<char>(v));
        i += 7;
        continue;
      }
      if (ok && (v < 0xD800 || v > 0xDFFF)) {
        if (v < 0x800) {
          out.push_back(static_cast<char>(0xC0 | (v >> 6)));
        } else {
          out.push_back(static_cast<char>(0xE0 | (v >> 12)));
          out.push_back(static_cast<char>(0x80 | ((v >> 6) & 0x3F)));
        }
        out.push_back(static_cast<char>(0x80 | (v & 0x3F)));
        i += 7;
        continue;
      }
    }
    out.push_back(text[i++]);
  }
  return out;
}

}  // namespace cg::tabular::internal
