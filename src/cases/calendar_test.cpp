#include "cases/calendar.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <unistd.h>

#include "cases/test_util.hpp"

namespace cg::cases {
namespace {

using test::Local;

const Calendar& Shipped() {
  static const Calendar calendar = [] {
    auto c = Calendar::LoadDirectory(test::DataDir("calendar"));
    EXPECT_TRUE(c.ok()) << c.error().message;
    return *c;
  }();
  return calendar;
}

bool Working(int y, int m, int d) { return Shipped().IsWorkingDay(Date{y, m, d}); }

TEST(CalendarTest, ShippedFileLoadsWithWorkingHours) {
  const Calendar& c = Shipped();
  EXPECT_TRUE(c.CoversYear(2026));
  EXPECT_EQ(c.utc_offset_minutes(), 480);
  ASSERT_EQ(c.periods().size(), 2u);
  EXPECT_EQ(c.periods()[0].start_minute, 8 * 60 + 30);
  EXPECT_EQ(c.periods()[1].end_minute, 18 * 60);
}

TEST(CalendarTest, HolidaysAndMakeUpDays2026) {
  // Ordinary weeks.
  EXPECT_TRUE(Working(2026, 3, 6));    // Friday
  EXPECT_FALSE(Working(2026, 3, 7));   // Saturday
  EXPECT_FALSE(Working(2026, 3, 8));   // Sunday
  // New Year: Jan 1-3 off, Sunday Jan 4 is a working day.
  EXPECT_FALSE(Working(2026, 1, 1));
  EXPECT_FALSE(Working(2026, 1, 2));
  EXPECT_TRUE(Working(2026, 1, 4));
  // Spring Festival: Feb 15-23 off; Saturdays Feb 14 and 28 work.
  EXPECT_TRUE(Working(2026, 2, 14));
  for (int d = 15; d <= 23; ++d) EXPECT_FALSE(Working(2026, 2, d)) << d;
  EXPECT_TRUE(Working(2026, 2, 24));
  EXPECT_TRUE(Working(2026, 2, 28));
  // Qingming Apr 4-6, Labour Day May 1-5 (+ Saturday May 9), Dragon Boat Jun 19-21,
  // Mid-Autumn Sep 25-27.
  EXPECT_FALSE(Working(2026, 4, 6));
  EXPECT_FALSE(Working(2026, 5, 5));
  EXPECT_TRUE(Working(2026, 5, 9));
  EXPECT_FALSE(Working(2026, 6, 19));
  EXPECT_FALSE(Working(2026, 9, 25));
  // National Day: Oct 1-7 off; Sunday Sep 20 and Saturday Oct 10 work.
  EXPECT_TRUE(Working(2026, 9, 20));
  for (int d = 1; d <= 7; ++d) EXPECT_FALSE(Working(2026, 10, d)) << d;
  EXPECT_TRUE(Working(2026, 10, 8));
  EXPECT_TRUE(Working(2026, 10, 10));
  EXPECT_FALSE(Working(2026, 10, 11));  // an ordinary Sunday
}

TEST(CalendarTest, YearsWithoutAFileFollowTheWeekendRule) {
  EXPECT_FALSE(Shipped().CoversYear(2027));
  EXPECT_TRUE(Working(2027, 1, 1));   // a Friday; the 2027 arrangement is not loaded
  EXPECT_FALSE(Working(2027, 1, 2));  // Saturday
}

TEST(CalendarTest, LocalDateUsesUtcPlus8) {
  // 2026-10-07 23:30 local is 15:30 UTC the same day; 00:30 local is the previous day in UTC.
  EXPECT_EQ(Shipped().LocalDate(Local(2026, 10, 8, 0, 30)), (Date{2026, 10, 8}));
  EXPECT_EQ(Shipped().LocalDate(Local(2026, 10, 7, 23, 30)), (Date{2026, 10, 7}));
}

TEST(CalendarTest, AddWorkingHoursSkipsLunchAndNights) {
  const Calendar& c = Shipped();
  EXPECT_EQ(c.AddWorkingHours(Local(2026, 11, 23, 9, 0), 2), Local(2026, 11, 23, 11, 0));
  EXPECT_EQ(c.AddWorkingHours(Local(2026, 11, 23, 11, 0), 2), Local(2026, 11, 23, 15, 30));
  // From the lunch break the count starts at 14:30.
  EXPECT_EQ(c.AddWorkingHours(Local(2026, 11, 23, 12, 30), 1), Local(2026, 11, 23, 15, 30));
  // From before work, at night, the count starts at 08:30.
  EXPECT_EQ(c.AddWorkingHours(Local(2026, 11, 23, 6, 0), 0.5), Local(2026, 11, 23, 9, 0));
  EXPECT_EQ(c.AddWorkingHours(Local(2026, 11, 23, 17, 0), 2), Local(2026, 11, 24, 9, 30));
  // Exactly to the end of a period stays at the end of it.
  EXPECT_EQ(c.AddWorkingHours(Local(2026, 11, 23, 8, 30), 3.5), Local(2026, 11, 23, 12, 0));
  EXPECT_EQ(c.AddWorkingHours(Local(2026, 11, 23, 10, 0), 0), Local(2026, 11, 23, 10, 0));
}

TEST(CalendarTest, AddWorkingHoursSkipsWeekendHolidayWeekAndUsesMakeUpSaturday) {
  const Calendar& c = Shipped();
  // Friday 17:00 + 2h: one hour on Friday, one on Monday.
  EXPECT_EQ(c.AddWorkingHours(Local(2026, 11, 27, 17, 0), 2), Local(2026, 11, 30, 9, 30));
  // Saturday evening: Monday morning.
  EXPECT_EQ(c.AddWorkingHours(Local(2026, 11, 28, 20, 0), 1), Local(2026, 11, 30, 9, 30));
  // Wednesday Sep 30 17:00 + 2h: National Day week skipped, Thursday Oct 8 09:30.
  EXPECT_EQ(c.AddWorkingHours(Local(2026, 9, 30, 17, 0), 2), Local(2026, 10, 8, 9, 30));
  // Friday Oct 9 17:00 + 2h: Saturday Oct 10 is a make-up working day.
  EXPECT_EQ(c.AddWorkingHours(Local(2026, 10, 9, 17, 0), 2), Local(2026, 10, 10, 9, 30));
  // Saturday Sep 19 (off) + 1h: Sunday Sep 20 is a make-up working day.
  EXPECT_EQ(c.AddWorkingHours(Local(2026, 9, 19, 10, 0), 1), Local(2026, 9, 20, 9, 30));
}

TEST(CalendarTest, AddWorkingDaysEndsAtCloseOfTheNthFollowingWorkingDay) {
  const Calendar& c = Shipped();
  EXPECT_EQ(c.AddWorkingDays(Local(2026, 11, 23, 10, 0), 1), Local(2026, 11, 24, 18, 0));
  // From a Friday: Monday.
  EXPECT_EQ(c.AddWorkingDays(Local(2026, 11, 27, 10, 0), 1), Local(2026, 11, 30, 18, 0));
  // From Sep 30 through the National Day week: Oct 8, 9, then the make-up Saturday Oct 10.
  EXPECT_EQ(c.AddWorkingDays(Local(2026, 9, 30, 10, 0), 1), Local(2026, 10, 8, 18, 0));
  EXPECT_EQ(c.AddWorkingDays(Local(2026, 9, 30, 10, 0), 3), Local(2026, 10, 10, 18, 0));
  EXPECT_EQ(c.AddWorkingDays(Local(2026, 9, 30, 10, 0), 4), Local(2026, 10, 12, 18, 0));
  // From inside the holiday.
  EXPECT_EQ(c.AddWorkingDays(Local(2026, 10, 3, 10, 0), 1), Local(2026, 10, 8, 18, 0));
  // Spring Festival: Friday Feb 13 + 1 is the make-up Saturday Feb 14; + 2 is Tuesday Feb 24.
  EXPECT_EQ(c.AddWorkingDays(Local(2026, 2, 13, 10, 0), 1), Local(2026, 2, 14, 18, 0));
  EXPECT_EQ(c.AddWorkingDays(Local(2026, 2, 13, 10, 0), 2), Local(2026, 2, 24, 18, 0));
  EXPECT_EQ(c.AddWorkingDays(Local(2026, 2, 13, 10, 0), 0), Local(2026, 2, 13, 10, 0));
}

TEST(CalendarTest, WorkingMsBetween) {
  const Calendar& c = Shipped();
  const std::int64_t h = 3'600'000;
  EXPECT_EQ(c.WorkingMsBetween(Local(2026, 11, 23, 7, 0), Local(2026, 11, 23, 20, 0)), 7 * h);
  EXPECT_EQ(c.WorkingMsBetween(Local(2026, 11, 23, 11, 0), Local(2026, 11, 23, 15, 0)), 3 * h / 2);
  EXPECT_EQ(c.WorkingMsBetween(Local(2026, 11, 27, 17, 0), Local(2026, 11, 30, 9, 30)), 2 * h);
  // The whole National Day holiday week holds no working time.
  EXPECT_EQ(c.WorkingMsBetween(Local(2026, 10, 1, 0, 0), Local(2026, 10, 8, 0, 0)), 0);
  // Sunday Sep 20 is a full working day.
  EXPECT_EQ(c.WorkingMsBetween(Local(2026, 9, 20, 0, 0), Local(2026, 9, 21, 0, 0)), 7 * h);
  EXPECT_EQ(c.WorkingMsBetween(Local(2026, 11, 24, 0, 0), Local(2026, 11, 23, 0, 0)), 0);
}

TEST(CalendarTest, AddAndBetweenAreInverse) {
  const Calendar& c = Shipped();
  std::mt19937_64 rng(42);
  const Timestamp start = Local(2026, 1, 1, 0, 0);
  for (int i = 0; i < 2000; ++i) {
    Timestamp from = start + static_cast<Timestamp>(rng() % (360LL * 86'400'000));
    std::int64_t ms = static_cast<std::int64_t>(rng() % (40LL * 3'600'000)) + 1;
    Timestamp to = c.AddWorkingMs(from, ms);
    ASSERT_EQ(c.WorkingMsBetween(from, to), ms) << from << " + " << ms;
    ASSERT_TRUE(c.IsWorkingTime(to - 1));
  }
}

TEST(CalendarTest, DefaultCalendarIsWeekdaysOnly) {
  Calendar c;
  EXPECT_TRUE(c.IsWorkingDay(Date{2026, 10, 1}));
  EXPECT_FALSE(c.IsWorkingDay(Date{2026, 10, 10}));
}

TEST(CalendarTest, Weekday) {
  EXPECT_EQ(Weekday(Date{2026, 10, 10}), 6);
  EXPECT_EQ(Weekday(Date{2026, 11, 23}), 1);
  EXPECT_EQ(Weekday(Date{1969, 12, 31}), 3);
}

Status AddYear(const std::string& text) {
  Calendar c;
  return c.AddYear(text, "cn-bad.toml");
}

TEST(CalendarTest, LoadErrorsNameFileAndLine) {
  Status s = AddYear("year = 2026\n[[holiday]]\nname = \"x\"\nfrom = 2026-10-01\nto = 2026-10-07\nwork_days = [2026-10-09]\n");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ErrorCode::kInvalid);
  EXPECT_NE(s.error().message.find("cn-bad.toml:6"), std::string::npos) << s.error().message;
  EXPECT_NE(s.error().message.find("2026-10-09 is not a Saturday or Sunday"), std::string::npos) << s.error().message;

  s = AddYear("year = 2026\n[[holiday]]\nname = \"x\"\nfrom = 2027-01-01\nto = 2027-01-02\n");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("cn-bad.toml:4"), std::string::npos) << s.error().message;

  s = AddYear("year = 2026\n[[holiday]]\nname = \"x\"\nfrom = 2026-10-07\nto = 2026-10-01\n");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("'to' is before 'from'"), std::string::npos) << s.error().message;

  s = AddYear("year = 2026\n[[holiday]]\nname = \"x\"\nfrom = \"2026-10-01\"\nto = 2026-10-07\n");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("'from' must be a date"), std::string::npos) << s.error().message;

  s = AddYear("year = 2026\nholidays = []\n");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("cn-bad.toml:2: unknown key 'holidays'"), std::string::npos) << s.error().message;

  s = AddYear("year = 2026\n[[holiday]\n");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("cn-bad.toml:2: TOML syntax error"), std::string::npos) << s.error().message;

  Calendar c;
  ASSERT_TRUE(c.AddYear("year = 2026\n", "a.toml").ok());
  s = c.AddYear("year = 2026\n", "b.toml");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("already loaded"), std::string::npos);

  s = c.SetWorkingHours("periods = [\"08:30-12:00\", \"11:00-18:00\"]\n", "working-hours.toml");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("working-hours.toml:1"), std::string::npos) << s.error().message;
  s = c.SetWorkingHours("utc_offset = \"8\"\n", "working-hours.toml");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("utc_offset"), std::string::npos);

  auto dir = std::filesystem::temp_directory_path() / ("cg-calendar-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "cn-2026.toml") << "year = 2026\n[[holiday]]\nname = \"x\"\nfrom = 2026-02-30\nto = 2026-03-01\n";
  auto broken = Calendar::LoadDirectory(dir.string());
  std::filesystem::remove_all(dir);
  ASSERT_FALSE(broken.ok());
  EXPECT_NE(broken.error().message.find((dir / "cn-2026.toml").string() + ":4"), std::string::npos)
      << broken.error().message;

  auto missing = Calendar::LoadDirectory("/nonexistent/calendar");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
}

}  // namespace
}  // namespace cg::cases
