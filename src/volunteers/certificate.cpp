// The volunteer's certificate of hours (志愿服务时长证明) as a PDF (service.hpp).
#include <fmt/format.h>

#include "core/date.hpp"
#include "pdf/document.hpp"
#include "volunteers/service.hpp"

namespace cg::volunteers {
namespace {

std::string DateText(Timestamp t) {
  const Date d = DateAt(t);
  return fmt::format("{}年{}月{}日", d.year, d.month, d.day);
}

}  // namespace

Result<std::string> Service::Certificate(const store::Volunteer& v) {
  auto record = store_.ListVolunteerRecord(v.id);
  if (!record.ok()) return record.error();
  // The unit's full name: district, street, community (the levels above it that exist).
  std::string unit_name, issuer;
  for (std::size_t n : {6, 9, 12}) {
    if (n > v.org_code.size()) break;
    auto u = store_.GetOrgUnit(model::Scope::System(), v.org_code.substr(0, n), false);
    if (!u.ok()) continue;
    unit_name += u->name;
    issuer = u->name;
  }
  const Timestamp now = clock_.Now();
  std::vector<std::vector<std::string>> rows;
  std::int64_t total = 0;
  for (const auto& s : *record) {
    if (s.minutes <= 0) continue;
    total += s.minutes;
    rows.push_back({std::to_string(rows.size() + 1), s.activity_title, FormatDate(DateAt(s.activity_starts_at)),
                    fmt::format("{:.1f}", static_cast<double>(s.minutes) / 60.0)});
  }
  pdf::Document doc("志愿服务时长证明", now);
  doc.Title("志愿服务时长证明");
  doc.Subtitle(fmt::format("证明编号：ZYFW-{}-{:06d}", DateAt(now).year, v.id));
  doc.Fields({{"姓名", v.name},
              {"服务单位", unit_name.empty() ? v.org_code : unit_name},
              {"注册时间", DateText(v.registered_at)},
              {"服务技能", [&] {
                 std::string s;
                 for (const auto& k : v.skills) s += (s.empty() ? "" : "、") + k;
                 return s.empty() ? std::string("—") : s;
               }()},
              {"累计服务", fmt::format("{}（{} 次活动）", HoursText(total), rows.size())}});
  doc.Paragraph(fmt::format("兹证明 {} 同志在{}志愿服务中参加志愿服务活动 {} 次，累计服务时长 {}。特此证明。", v.name,
                            issuer.empty() ? std::string("社区") : issuer, rows.size(), HoursText(total)));
  doc.Heading("服务记录");
  doc.Table({"序号", "活动名称", "日期", "服务时长（小时）"}, {1, 6, 2.4, 2.4}, rows);
  doc.Paragraph(fmt::format("出具单位：{}（志愿者之家）", issuer.empty() ? v.org_code : issuer));
  doc.Paragraph("出具日期：" + DateText(now));
  doc.Signatures({"出具单位（盖章）", "经办人（签名）"});
  return doc.Render();
}

}  // namespace cg::volunteers
