#pragma once
// Working-time calendar: which days are working days (weekends and statutory holidays off,
// make-up working days on), and the working periods of a working day in local time.
// Deadlines of cases are measured in this working time.

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "core/date.hpp"
#include "core/result.hpp"

namespace cg::cases {

// A civil date in the calendar's local time zone (cg::Date from core/date.hpp, which also
// gives ParseDate and FormatDate).
using Date = cg::Date;

// ISO weekday: Monday 1 .. Sunday 7.
int Weekday(const Date& date);

// A working period of a day, minutes after local midnight, [start, end).
struct WorkPeriod {
  int start_minute = 0;
  int end_minute = 0;
};

// Immutable after loading; all queries are pure and cannot fail. Thread-safe for reads.
//
// Days of years without a year file follow the weekend rule only (Saturday and Sunday off);
// `CoversYear` tells whether a year's statutory arrangement is known.
class Calendar {
 public:
  // Monday–Friday working days, 08:30–12:00 and 14:30–18:00 at UTC+8, no holidays.
  Calendar();

  // Loads `dir`/working-hours.toml (optional; defaults as above) and every other `*.toml` in
  // `dir` as a year file (see data/calendar/cn-2026.toml). kInvalid names the file and the
  // line or key at fault; kNotFound if `dir` is not a readable folder.
  static Result<Calendar> LoadDirectory(const std::string& dir);

  // Parses one year file's text into this calendar. `source` names it in error messages.
  // kInvalid on a syntax error, a date outside `year`, a make-up day that is not a weekend
  // day, a holiday range that is backwards, or a year loaded twice.
  Status AddYear(std::string_view toml_text, const std::string& source);

  // Parses working-hours settings text (utc_offset, periods). kInvalid names `source` and key.
  Status SetWorkingHours(std::string_view toml_text, const std::string& source);

  bool IsWorkingDay(const Date& date) const;
  bool CoversYear(int year) const { return years_.count(year) > 0; }

  // Local date of an instant.
  Date LocalDate(Timestamp t) const;
  // Whether `t` falls inside a working period of a working day.
  bool IsWorkingTime(Timestamp t) const;

  // End of the last working period of the `days`-th working day after the local date of
  // `from` (the day of `from` itself never counts). `days` <= 0 returns `from`.
  Timestamp AddWorkingDays(Timestamp from, int days) const;
  // Local midnight at the end of the `days`-th calendar day after the local date of `from`
  // (weekends and holidays count; the day of `from` does not). `days` <= 0 returns `from`.
  Timestamp AddCalendarDays(Timestamp from, int days) const;

  // The instant when `hours` of working time have passed since `from`, skipping nights,
  // breaks, weekends and holidays; from a non-working time the count starts at the next
  // working period. `hours` <= 0 returns `from`. Hours are rounded to whole milliseconds.
  Timestamp AddWorkingHours(Timestamp from, double hours) const;
  Timestamp AddWorkingMs(Timestamp from, std::int64_t ms) const;

  // Working milliseconds in [a, b); 0 when b <= a.
  std::int64_t WorkingMsBetween(Timestamp a, Timestamp b) const;

  int utc_offset_minutes() const { return utc_offset_minutes_; }
  const std::vector<WorkPeriod>& periods() const { return periods_; }

 private:
  bool IsWorkingDayIndex(std::int64_t day) const;  // days since 1970-01-01, local
  std::int64_t LocalMs(Timestamp t) const;
  Timestamp UtcMs(std::int64_t local_ms) const;

  int utc_offset_minutes_ = 8 * 60;
  std::vector<WorkPeriod> periods_;
  std::set<int> years_;
  std::set<std::int64_t> holidays_;   // day indexes off
  std::set<std::int64_t> work_days_;  // weekend day indexes that are working days
};

}  // namespace cg::cases
