#pragma once
// A calendar date (proleptic Gregorian, years 1..9999) with no time zone. Header-only and pure:
// nothing here reads a clock; code that needs "today" takes it as a parameter.

#include <charconv>
#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/clock.hpp"
#include "core/result.hpp"

namespace cg {

struct Date {
  int year = 1970;
  int month = 1;  // 1..12
  int day = 1;    // 1..DaysInMonth(year, month)

  friend constexpr auto operator<=>(const Date&, const Date&) = default;
  friend constexpr bool operator==(const Date&, const Date&) = default;
};

constexpr bool IsLeapYear(int year) {
  return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

// Days in `month` of `year`, or 0 if the month is not 1..12.
constexpr int DaysInMonth(int year, int month) {
  constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12) return 0;
  return month == 2 && IsLeapYear(year) ? 29 : kDays[month - 1];
}

// True when the date exists: year 1..9999, month 1..12, day within the month (leap years counted).
constexpr bool IsValidDate(int year, int month, int day) {
  return year >= 1 && year <= 9999 && day >= 1 && day <= DaysInMonth(year, month);
}
constexpr bool IsValid(Date d) { return IsValidDate(d.year, d.month, d.day); }

// Whole years from `birth` to `at` (the birthday counts on the day; someone born on 29 February
// turns a year older on 1 March in common years). Negative when `at` is before `birth`.
constexpr int AgeAt(Date birth, Date at) {
  int age = at.year - birth.year;
  if (at.month < birth.month || (at.month == birth.month && at.day < birth.day)) --age;
  return age;
}

// Days since 1970-01-01 (negative before). Civil-from-days arithmetic on 400-year eras.
constexpr std::int64_t DaysSinceEpoch(Date d) {
  const std::int64_t y = d.year - (d.month <= 2 ? 1 : 0);
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const std::int64_t yoe = y - era * 400;                                 // [0, 399]
  const std::int64_t mp = (d.month + 9) % 12;                             // March = 0
  const std::int64_t doy = (153 * mp + 2) / 5 + d.day - 1;                // [0, 365]
  const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;         // [0, 146096]
  return era * 146097 + doe - 719468;
}

// Inverse of DaysSinceEpoch.
constexpr Date DateFromDays(std::int64_t days) {
  days += 719468;
  const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const std::int64_t doe = days - era * 146097;
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  const int day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  const int month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  const int year = static_cast<int>(yoe + era * 400 + (month <= 2 ? 1 : 0));
  return Date{year, month, day};
}

// The calendar date of instant `t` at a fixed UTC offset (China Standard Time is +480 minutes).
constexpr Date DateAt(Timestamp t, int utc_offset_minutes = 480) {
  const std::int64_t ms = t + std::int64_t{utc_offset_minutes} * 60'000;
  const std::int64_t day_ms = 86'400'000;
  return DateFromDays(ms >= 0 ? ms / day_ms : (ms - day_ms + 1) / day_ms);
}

// "YYYY-MM-DD", zero-padded.
inline std::string FormatDate(Date d) {
  char buf[16];
  auto put = [&buf](int pos, int width, int v) {
    for (int i = width - 1; i >= 0; --i, v /= 10) buf[pos + i] = static_cast<char>('0' + v % 10);
  };
  put(0, 4, d.year);
  buf[4] = '-';
  put(5, 2, d.month);
  buf[7] = '-';
  put(8, 2, d.day);
  return std::string(buf, 10);
}

// Parses exactly "YYYY-MM-DD" (ASCII digits). kInvalid names what is wrong: the shape, or a date
// that does not exist (e.g. 2023-02-29).
inline Result<Date> ParseDate(std::string_view text) {
  auto digits = [&text](std::size_t pos, std::size_t n, int& out) {
    if (pos + n > text.size()) return false;
    out = 0;
    for (std::size_t i = pos; i < pos + n; ++i) {
      if (text[i] < '0' || text[i] > '9') return false;
      out = out * 10 + (text[i] - '0');
    }
    return true;
  };
  Date d;
  if (text.size() != 10 || text[4] != '-' || text[7] != '-' || !digits(0, 4, d.year) ||
      !digits(5, 2, d.month) || !digits(8, 2, d.day)) {
    return MakeError(ErrorCode::kInvalid,
                     "date: expected YYYY-MM-DD, got '" + std::string(text.substr(0, 40)) + "'");
  }
  if (!IsValid(d)) {
    return MakeError(ErrorCode::kInvalid,
                     "date: " + std::string(text) + " does not exist" +
                         (d.month == 2 && d.day == 29 ? " (not a leap year)" : ""));
  }
  return d;
}

}  // namespace cg
