#include "welfare/service.hpp"

#include <algorithm>

#include "core/clean_text.hpp"

namespace cg::welfare {
namespace {

constexpr Timestamp kDayMs = 86'400'000;

bool ValidKey(const std::string& key) {
  return key.size() <= 64 && std::all_of(key.begin(), key.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
         });
}

}  // namespace

const std::vector<std::string>& HealthValues() {
  static const std::vector<std::string> kValues = {"well", "unwell", "urgent"};
  return kValues;
}

std::string HealthName(const std::string& health) {
  if (health == "well") return "良好";
  if (health == "unwell") return "身体不适";
  if (health == "urgent") return "紧急";
  return health;
}

Result<store::WelfareVisit> CheckVisit(const VisitInput& in, const model::User& visitor, Timestamp now) {
  store::WelfareVisit v;
  if (in.person_id <= 0) return MakeError(ErrorCode::kInvalid, "person_id: required");
  const auto& values = HealthValues();
  if (std::find(values.begin(), values.end(), in.health) == values.end())
    return MakeError(ErrorCode::kInvalid, "health: must be one of well, unwell, urgent");
  auto need = CleanText("need", in.need, kMaxNeedChars, true, false);
  if (!need.ok()) return need.error();
  auto note = CleanText("note", in.note, kMaxNoteChars, true, false);
  if (!note.ok()) return note.error();
  if (!ValidKey(in.idempotency_key))
    return MakeError(ErrorCode::kInvalid, "idempotency_key: at most 64 of A-Z, a-z, 0-9, '-', '_'");
  const Timestamp at = in.visited_at == 0 ? now : in.visited_at;
  if (at > now + kMaxClockAheadMs) return MakeError(ErrorCode::kInvalid, "visited_at: in the future");
  if (at < now - kMaxVisitAgeMs) return MakeError(ErrorCode::kInvalid, "visited_at: more than 7 days ago");
  v.person_id = in.person_id;
  v.visitor_user_id = visitor.id;
  v.visitor_role = model::RoleName(visitor.role);
  v.visited_at = at;
  v.recorded_at = now;
  v.meal = in.meal;
  v.medicine = in.medicine;
  v.health = in.health;
  v.need = std::move(need).value();
  v.note = std::move(note).value();
  v.idempotency_key = in.idempotency_key;
  return v;
}

std::vector<std::string> CareTagsOf(const forms::Dictionary& dictionary, const model::Fields& person) {
  std::vector<std::string> out;
  for (const auto* e : dictionary.CareTags()) {
    auto it = person.find(e->code);
    if (it != person.end() && it->second == "true") out.push_back(e->code);
  }
  return out;
}

std::string AddressLine(const model::Fields& a) {
  std::string out;
  auto add = [&](const char* key, const char* suffix) {
    auto it = a.find(key);
    if (it == a.end() || it->second.empty()) return;
    if (!out.empty()) out += ' ';
    out += it->second;
    // "12" -> "12号", but "12号" stays as typed.
    if (*suffix != '\0' && !it->second.ends_with(suffix)) out += suffix;
  };
  add("road", "");
  add("number", "号");
  add("compound", "");
  add("building", "栋");
  add("unit", "单元");
  add("floor", "层");
  add("room", "室");
  return out;
}

int DaysOverdue(const store::WelfareSubject& s, Timestamp now) {
  if (now <= s.due_at) return 0;
  return static_cast<int>((now - s.due_at) / kDayMs) + 1;
}

std::map<std::string, std::string> UrgentCaseFields(const store::WelfareSubject& s, const store::WelfareVisit& v) {
  std::map<std::string, std::string> f = {{"person_id", std::to_string(s.person_id)},
                                          {"person_name", s.name},
                                          {"health", v.health},
                                          {"meal", v.meal ? "true" : "false"},
                                          {"medicine", v.medicine ? "true" : "false"}};
  if (!v.need.empty()) f["need"] = v.need;
  if (!v.note.empty()) f["description"] = v.note;
  return f;
}

std::map<std::string, std::string> OverdueCaseFields(const store::WelfareSubject& s, Timestamp now) {
  std::map<std::string, std::string> f = {{"person_id", std::to_string(s.person_id)},
                                          {"person_name", s.name},
                                          {"interval_days", std::to_string(s.interval_days)},
                                          {"days_overdue", std::to_string(DaysOverdue(s, now))}};
  f["description"] = s.last_visit_at == 0
                         ? "登记后 " + std::to_string(s.interval_days) + " 天内未走访"
                         : "已超过走访周期（" + std::to_string(s.interval_days) + " 天）未走访";
  return f;
}

}  // namespace cg::welfare
