#include "cases/calendar.hpp"

#include <cmath>
#include <filesystem>

#include "cases/internal/toml_util.hpp"

namespace cg::cases {
namespace {

using internal::Invalid;
using internal::Where;

constexpr std::int64_t kDayMs = 86'400'000;
constexpr std::int64_t kMinuteMs = 60'000;

std::int64_t FloorDiv(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

std::int64_t DayIndex(const Date& d) { return DaysSinceEpoch(d); }
Date DateOfIndex(std::int64_t index) { return DateFromDays(index); }

// ISO weekday of a day index (1970-01-01 was a Thursday).
int WeekdayOfIndex(std::int64_t index) {
  std::int64_t w = (index + 3) % 7;  // 0 = Monday
  if (w < 0) w += 7;
  return static_cast<int>(w) + 1;
}

// A TOML local date node as a Date, or an error naming where it is.
Result<Date> DateOf(const toml::node& node, const std::string& source, const std::string& key) {
  const auto* d = node.as_date();
  if (!d) return Invalid(Where(source, node), "'" + key + "' must be a date like 2026-10-01");
  Date out{d->get().year, d->get().month, d->get().day};
  if (!IsValid(out)) return Invalid(Where(source, node), "'" + key + "' is not a valid date");
  return out;
}

// "HH:MM" -> minutes, or -1.
int ParseClock(std::string_view s) {
  if (s.size() != 5 || s[2] != ':') return -1;
  for (int i : {0, 1, 3, 4}) {
    if (s[i] < '0' || s[i] > '9') return -1;
  }
  int h = (s[0] - '0') * 10 + (s[1] - '0');
  int m = (s[3] - '0') * 10 + (s[4] - '0');
  if (h > 24 || m > 59 || (h == 24 && m != 0)) return -1;
  return h * 60 + m;
}

}  // namespace

int Weekday(const Date& date) { return WeekdayOfIndex(DayIndex(date)); }

Calendar::Calendar() : periods_{{8 * 60 + 30, 12 * 60}, {14 * 60 + 30, 18 * 60}} {}

Result<Calendar> Calendar::LoadDirectory(const std::string& dir) {
  auto files = internal::ListFiles(dir, ".toml");
  if (!files.ok()) return files.error();
  Calendar calendar;
  bool any_year = false;
  for (const auto& path : *files) {
    auto text = internal::ReadFile(path);
    if (!text.ok()) return text.error();
    if (std::filesystem::path(path).filename() == "working-hours.toml") {
      CG_RETURN_IF_ERROR(calendar.SetWorkingHours(*text, path));
    } else {
      CG_RETURN_IF_ERROR(calendar.AddYear(*text, path));
      any_year = true;
    }
  }
  if (!any_year) return MakeError(ErrorCode::kInvalid, dir + ": no year file (e.g. cn-2026.toml)");
  return calendar;
}

Status Calendar::SetWorkingHours(std::string_view toml_text, const std::string& source) {
  auto parsed = internal::ParseToml(toml_text, source);
  if (!parsed.ok()) return parsed.error();
  const toml::table& t = *parsed;
  for (auto&& [key, node] : t) {
    if (key != "utc_offset" && key != "periods")
      return Invalid(Where(source, node), "unknown key '" + std::string(key.str()) + "'");
  }
  int offset = utc_offset_minutes_;
  if (const auto* node = t.get("utc_offset")) {
    auto s = node->value<std::string>();
    int hh = s && s->size() == 6 && ((*s)[0] == '+' || (*s)[0] == '-') ? ParseClock(s->substr(1)) : -1;
    if (hh < 0 || hh > 14 * 60)
      return Invalid(Where(source, *node), "'utc_offset' must look like \"+08:00\"");
    offset = (*s)[0] == '-' ? -hh : hh;
  }
  std::vector<WorkPeriod> periods = periods_;
  if (const auto* node = t.get("periods")) {
    const auto* arr = node->as_array();
    if (!arr || arr->empty())
      return Invalid(Where(source, *node), "'periods' must be a non-empty array of \"HH:MM-HH:MM\"");
    periods.clear();
    for (const auto& item : *arr) {
      auto s = item.value<std::string>();
      int start = s && s->size() == 11 && (*s)[5] == '-' ? ParseClock(s->substr(0, 5)) : -1;
      int end = start >= 0 ? ParseClock(s->substr(6)) : -1;
      if (start < 0 || end <= start)
        return Invalid(Where(source, item), "period must be \"HH:MM-HH:MM\" with start < end");
      if (!periods.empty() && start < periods.back().end_minute)
        return Invalid(Where(source, item), "periods must be in order and must not overlap");
      periods.push_back({start, end});
    }
  }
  utc_offset_minutes_ = offset;
  periods_ = std::move(periods);
  return {};
}

Status Calendar::AddYear(std::string_view toml_text, const std::string& source) {
  auto parsed = internal::ParseToml(toml_text, source);
  if (!parsed.ok()) return parsed.error();
  const toml::table& t = *parsed;
  for (auto&& [key, node] : t) {
    if (key != "year" && key != "holiday")
      return Invalid(Where(source, node), "unknown key '" + std::string(key.str()) + "'");
  }
  const auto* year_node = t.get("year");
  auto year = year_node ? year_node->value<int64_t>() : std::nullopt;
  if (!year || *year < 1970 || *year > 9999)
    return Invalid(year_node ? Where(source, *year_node) : source, "'year' must be an integer year");
  if (years_.count(static_cast<int>(*year)))
    return Invalid(source, "year " + std::to_string(*year) + " is already loaded from another file");

  std::set<std::int64_t> off, on;
  if (const auto* node = t.get("holiday")) {
    const auto* arr = node->as_array();
    if (!arr) return Invalid(Where(source, *node), "'holiday' must be an array of tables [[holiday]]");
    for (const auto& item : *arr) {
      const auto* h = item.as_table();
      if (!h) return Invalid(Where(source, item), "each holiday must be a table");
      for (auto&& [key, v] : *h) {
        if (key != "name" && key != "name_en" && key != "from" && key != "to" && key != "work_days")
          return Invalid(Where(source, v), "unknown key '" + std::string(key.str()) + "' in holiday");
      }
      auto name = (*h)["name"].value<std::string>();
      if (!name || name->empty()) return Invalid(Where(source, item), "holiday needs a 'name'");
      const std::string label = "holiday '" + *name + "'";
      const auto* from_node = h->get("from");
      const auto* to_node = h->get("to");
      if (!from_node || !to_node) return Invalid(Where(source, item), label + " needs 'from' and 'to'");
      auto from = DateOf(*from_node, source, "from");
      if (!from.ok()) return from.error();
      auto to = DateOf(*to_node, source, "to");
      if (!to.ok()) return to.error();
      if (from->year != *year || to->year != *year)
        return Invalid(Where(source, *from_node), label + ": dates must be in " + std::to_string(*year));
      if (*to < *from) return Invalid(Where(source, *to_node), label + ": 'to' is before 'from'");
      for (auto d = DayIndex(*from); d <= DayIndex(*to); ++d) off.insert(d);
      if (const auto* wd = h->get("work_days")) {
        const auto* warr = wd->as_array();
        if (!warr) return Invalid(Where(source, *wd), label + ": 'work_days' must be an array of dates");
        for (const auto& w : *warr) {
          auto date = DateOf(w, source, "work_days");
          if (!date.ok()) return date.error();
          if (date->year != *year)
            return Invalid(Where(source, w), label + ": work day " + FormatDate(*date) + " is not in " +
                                                 std::to_string(*year));
          if (Weekday(*date) < 6)
            return Invalid(Where(source, w), label + ": work day " + FormatDate(*date) +
                                                 " is not a Saturday or Sunday");
          on.insert(DayIndex(*date));
        }
      }
    }
  }
  for (auto d : on) {
    if (off.count(d))
      return Invalid(source, FormatDate(DateOfIndex(d)) + " is both a holiday and a work day");
  }
  years_.insert(static_cast<int>(*year));
  holidays_.insert(off.begin(), off.end());
  work_days_.insert(on.begin(), on.end());
  return {};
}

bool Calendar::IsWorkingDayIndex(std::int64_t day) const {
  if (holidays_.count(day)) return false;
  if (work_days_.count(day)) return true;
  return WeekdayOfIndex(day) <= 5;
}

bool Calendar::IsWorkingDay(const Date& date) const { return IsWorkingDayIndex(DayIndex(date)); }

std::int64_t Calendar::LocalMs(Timestamp t) const { return t + utc_offset_minutes_ * kMinuteMs; }
Timestamp Calendar::UtcMs(std::int64_t local_ms) const { return local_ms - utc_offset_minutes_ * kMinuteMs; }

Date Calendar::LocalDate(Timestamp t) const { return DateOfIndex(FloorDiv(LocalMs(t), kDayMs)); }

bool Calendar::IsWorkingTime(Timestamp t) const {
  std::int64_t local = LocalMs(t);
  std::int64_t day = FloorDiv(local, kDayMs);
  if (!IsWorkingDayIndex(day)) return false;
  std::int64_t in_day = local - day * kDayMs;
  for (const auto& p : periods_) {
    if (in_day >= p.start_minute * kMinuteMs && in_day < p.end_minute * kMinuteMs) return true;
  }
  return false;
}

Timestamp Calendar::AddWorkingDays(Timestamp from, int days) const {
  if (days <= 0) return from;
  std::int64_t day = FloorDiv(LocalMs(from), kDayMs);
  int found = 0;
  while (found < days) {
    ++day;
    if (IsWorkingDayIndex(day)) ++found;
  }
  return UtcMs(day * kDayMs + periods_.back().end_minute * kMinuteMs);
}

Timestamp Calendar::AddCalendarDays(Timestamp from, int days) const {
  if (days <= 0) return from;
  std::int64_t day = FloorDiv(LocalMs(from), kDayMs) + days;
  return UtcMs((day + 1) * kDayMs);
}

Timestamp Calendar::AddWorkingHours(Timestamp from, double hours) const {
  if (!(hours > 0)) return from;
  return AddWorkingMs(from, static_cast<std::int64_t>(std::llround(hours * 3'600'000.0)));
}

Timestamp Calendar::AddWorkingMs(Timestamp from, std::int64_t ms) const {
  if (ms <= 0) return from;
  std::int64_t local = LocalMs(from);
  std::int64_t day = FloorDiv(local, kDayMs);
  std::int64_t remaining = ms;
  for (;; ++day) {
    if (!IsWorkingDayIndex(day)) continue;
    for (const auto& p : periods_) {
      std::int64_t start = std::max(local, day * kDayMs + p.start_minute * kMinuteMs);
      std::int64_t end = day * kDayMs + p.end_minute * kMinuteMs;
      if (start >= end) continue;
      if (remaining <= end - start) return UtcMs(start + remaining);
      remaining -= end - start;
    }
  }
}

std::int64_t Calendar::WorkingMsBetween(Timestamp a, Timestamp b) const {
  if (b <= a) return 0;
  std::int64_t la = LocalMs(a), lb = LocalMs(b);
  std::int64_t total = 0;
  for (std::int64_t day = FloorDiv(la, kDayMs); day * kDayMs < lb; ++day) {
    if (!IsWorkingDayIndex(day)) continue;
    for (const auto& p : periods_) {
      std::int64_t start = std::max(la, day * kDayMs + p.start_minute * kMinuteMs);
      std::int64_t end = std::min(lb, day * kDayMs + p.end_minute * kMinuteMs);
      if (end > start) total += end - start;
    }
  }
  return total;
}

}  // namespace cg::cases
