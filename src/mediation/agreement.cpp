// The people's mediation agreement (人民调解协议书, 人民调解法 arts. 28-33) as a PDF (service.hpp).
#include <fmt/format.h>

#include "core/date.hpp"
#include "mediation/service.hpp"
#include "pdf/document.hpp"

namespace cg::mediation {
namespace {

std::string Field(const store::CaseRecord& c, const std::string& code) {
  auto it = c.c.fields.find(code);
  return it == c.c.fields.end() ? std::string() : it->second;
}

// "2026-10-12" -> "2026年10月12日"; other text unchanged.
std::string ChineseDate(const std::string& iso) {
  auto d = ParseDate(iso);
  if (!d.ok()) return iso;
  return fmt::format("{}年{}月{}日", d->year, d->month, d->day);
}

std::string Or(const std::string& s, const char* dash = "—") { return s.empty() ? std::string(dash) : s; }

}  // namespace

Result<Agreement> AgreementOf(const store::CaseRecord& c, const cases::CaseType& type, const std::string& organisation,
                              const std::string& mediator) {
  if (Field(c, "agreement_terms").empty())
    return MakeError(ErrorCode::kConflict, "the case has no agreement (state '" + c.c.state + "')");
  Agreement a;
  a.number = fmt::format("{}调字〔{}〕第 {} 号", organisation, Field(c, "agreement_date").substr(0, 4), c.c.id);
  if (const auto* cat = type.FindCategory(c.c.category)) a.category = cat->label.zh;
  a.dispute = Field(c, "description");
  for (const auto& [prefix, role] : {std::pair{"applicant", "申请人"}, std::pair{"respondent", "被申请人"}}) {
    const std::string p = prefix;
    a.parties.push_back({role, Field(c, p + "_kind"), Field(c, p + "_name"), Field(c, p + "_id_number"),
                         Field(c, p + "_phone"), Field(c, p + "_address")});
  }
  a.terms = Field(c, "agreement_terms");
  a.performance = Field(c, "performance") == "immediate" ? "即时履行" : "按协议约定期限履行";
  a.organisation = organisation;
  a.mediator = mediator;
  a.agreed_on = Field(c, "agreement_date");
  // The window is the agreed state's deadline (30 calendar days): its last day is the day
  // before the local midnight it ends at. Read from the timeline entry that entered 'agreed'.
  for (const auto& e : c.c.timeline) {
    if (e.event == "record_session") {
      auto in = [&](const char* k) {
        auto it = e.inputs.find(k);
        return it == e.inputs.end() ? std::string() : it->second;
      };
      a.sessions.push_back(fmt::format("{}，在{}调解，参加人员：{}。{}", ChineseDate(in("session_date")),
                                       in("session_place"), in("session_attendees"), in("session_summary")));
    }
  }
  if (c.c.state == "agreed" && c.c.due_at > 0) a.window_ends = FormatDate(DateAt(c.c.due_at - 1));
  return a;
}

Result<std::string> RenderAgreement(const Agreement& a, Timestamp created_at) {
  if (a.terms.empty()) return MakeError(ErrorCode::kInvalid, "an agreement needs its terms");
  for (const auto& p : a.parties) {
    if (p.name.empty()) return MakeError(ErrorCode::kInvalid, "every party needs a name");
  }
  pdf::Document doc("人民调解协议书", created_at);
  doc.Title("人民调解协议书");
  doc.Subtitle(a.number);
  // One paragraph per party, as the standard form writes them.
  for (const auto& p : a.parties) {
    const bool person = p.kind != "organisation";
    doc.Paragraph(fmt::format("{}：{}，{} {}，联系电话 {}，{} {}。", p.role, p.name, person ? "身份证号" : "统一社会信用代码",
                              Or(p.id_number_masked), Or(p.phone_masked), person ? "住址" : "住所地", Or(p.address)));
  }
  doc.Heading("纠纷简要情况");
  doc.Paragraph((a.category.empty() ? std::string() : "（" + a.category + "）") + a.dispute);
  if (!a.sessions.empty()) {
    doc.Heading("调解经过");
    for (const auto& s : a.sessions) doc.Paragraph(s);
  }
  doc.Heading("经调解，双方当事人自愿达成如下协议");
  doc.Paragraph(a.terms);
  doc.Fields({{"履行方式、时限", a.performance}});
  doc.Paragraph(
      "本协议经双方当事人签名（盖章）、人民调解员签名并加盖人民调解委员会印章后生效，具有法律约束力，当事人应当按照约定履行"
      "（《中华人民共和国人民调解法》第三十一条）。");
  doc.Paragraph("双方当事人认为有必要的，可以自本协议生效之日起三十日内共同向人民法院申请司法确认（第三十三条）" +
                (a.window_ends.empty() ? std::string("。") : "，申请期限至 " + ChineseDate(a.window_ends) + " 止。"));
  doc.Paragraph("本协议一式三份，双方当事人各执一份，人民调解委员会留存一份。");
  doc.Fields({{"调解组织", a.organisation}, {"人民调解员", Or(a.mediator)}, {"协议日期", ChineseDate(a.agreed_on)}});
  doc.Signatures({"申请人（签名）", "被申请人（签名）"});
  doc.Signatures({"人民调解员（签名）", "人民调解委员会（盖章）"});
  return doc.Render();
}

}  // namespace cg::mediation
