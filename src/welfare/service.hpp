#pragma once
// Welfare checks (docs/welfare.md, 关爱走访): people with a care tag (elderly people living
// alone first) get a visit every `interval_days`; part-time reporters (delivery riders) and grid
// workers record visits; "urgent" opens a case of type "welfare_check" for the community at
// once, and a person not visited in time opens one too (the deadline job). This is the part with
// no HTTP and no SQL: checking a visit, the address line and the case fields. Persistence is
// store/welfare_store.*; the routes are api/welfare/. Pure functions, thread-safe.
#include <map>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/result.hpp"
#include "forms/dictionary.hpp"
#include "model/base_data.hpp"
#include "model/user.hpp"
#include "store/welfare_store.hpp"

namespace cg::welfare {

inline constexpr char kCaseType[] = "welfare_check";
inline constexpr char kUrgentCategory[] = "urgent";
inline constexpr char kOverdueCategory[] = "overdue";
inline constexpr int kDefaultIntervalDays = 3;
inline constexpr std::size_t kMaxNeedChars = 500;
inline constexpr std::size_t kMaxNoteChars = 1000;
// A visit recorded offline may be synced up to 7 days later; its time may run ahead of the
// server's clock by at most 10 minutes (a phone's clock).
inline constexpr Timestamp kMaxVisitAgeMs = 7 * 86'400'000LL;
inline constexpr Timestamp kMaxClockAheadMs = 10 * 60'000LL;

// "well", "unwell", "urgent" with their Chinese names.
const std::vector<std::string>& HealthValues();
std::string HealthName(const std::string& health);

// What a visitor sends.
struct VisitInput {
  std::int64_t person_id = 0;
  Timestamp visited_at = 0;  // 0: now
  bool meal = false;
  bool medicine = false;
  std::string health;
  std::string need;
  std::string note;
  std::string idempotency_key;  // the offline queue's id for the visit; 1..64 of [A-Za-z0-9_-]
};

// The visit to store, cleaned and checked at `now`; kInvalid naming the field otherwise
// (health not one of HealthValues, texts too long or not UTF-8, a time outside the window).
Result<store::WelfareVisit> CheckVisit(const VisitInput& in, const model::User& visitor, Timestamp now);

// The care tags (data elements with care_tag) a person's fields carry as "true".
std::vector<std::string> CareTagsOf(const forms::Dictionary& dictionary, const model::Fields& person);

// An address record's fields as one line: "钢铁大街 12号 金华小区 3栋 2单元 5层 501室".
std::string AddressLine(const model::Fields& address);

// Whole days past the due time at `now` (0 when not overdue).
int DaysOverdue(const store::WelfareSubject& subject, Timestamp now);

// The fields of the case an urgent visit opens, and of the case an overdue spell opens.
std::map<std::string, std::string> UrgentCaseFields(const store::WelfareSubject& subject,
                                                    const store::WelfareVisit& visit);
std::map<std::string, std::string> OverdueCaseFields(const store::WelfareSubject& subject, Timestamp now);

}  // namespace cg::welfare
