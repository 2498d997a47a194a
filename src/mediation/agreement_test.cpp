// The agreement document read back as its reader gets it (pdftotext), and filled from a case.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

#include "cases/case_type.hpp"
#include "mediation/service.hpp"
#include "pdf/testing.hpp"

namespace cg::mediation {
namespace {

constexpr Timestamp kAt = 1'792'000'000'000;  // 2026-10-14

store::CaseRecord AgreedCase() {
  store::CaseRecord r;
  r.c.id = "12";
  r.c.type = "mediation";
  r.c.category = "neighbour";
  r.c.state = "agreed";
  r.c.due_at = kAt + 29LL * 86'400'000;
  r.c.fields = {{"description", "楼上卫生间漏水，双方对维修费用有争议"},
                {"applicant_kind", "person"},
                {"applicant_name", "张桂兰"},
                {"applicant_id_number", "150203********1234"},
                {"applicant_phone", "138****5678"},
                {"respondent_kind", "person"},
                {"respondent_name", "李建国"},
                {"agreement_terms", "一、李建国于2026年10月22日前支付维修费1200元。\n二、双方不再就此事争执。"},
                {"agreement_date", "2026-10-12"},
                {"performance", "by_term"}};
  cases::TimelineEntry session;
  session.event = "record_session";
  session.inputs = {{"session_date", "2026-10-09"}, {"session_place", "金华社区调解室"},
                    {"session_attendees", "张桂兰、李建国"}, {"session_summary", "查看漏水现场"}};
  r.c.timeline.push_back(session);
  return r;
}

cases::CaseType Type() {
  cases::CaseType t;
  t.code = "mediation";
  t.categories.push_back({"neighbour", {"邻里纠纷", "Neighbours"}, 0});
  return t;
}

TEST(MediationAgreement, PdfTextHasPartiesTermsAndTheWindow) {
  auto a = AgreementOf(AgreedCase(), Type(), "金华社区人民调解委员会", "王秀英");
  ASSERT_TRUE(a.ok()) << a.error().message;
  EXPECT_EQ(a->number, "金华社区人民调解委员会调字〔2026〕第 12 号");
  auto pdf = RenderAgreement(*a, kAt);
  ASSERT_TRUE(pdf.ok()) << pdf.error().message;
  if (const char* out = std::getenv("CITYGRID_PDF_OUT")) std::ofstream(out, std::ios::binary) << *pdf;
  // Lines wrap where the page ends them: compare without the line breaks.
  std::string text = pdf::testing::PdfText(*pdf);
  std::erase(text, '\n');
  for (const char* want : {"人民调解协议书", "张桂兰", "李建国", "支付维修费1200元", "邻里纠纷", "金华社区人民调解委员会",
                           "王秀英", "2026年10月12日", "三十日内", "申请人（签名）", "人民调解委员会（盖章）",
                           "150203********1234", "查看漏水现场", "申请期限至 2026年11月13日"}) {
    EXPECT_NE(text.find(want), std::string::npos) << want << " not in:\n" << text;
  }
  EXPECT_EQ(text.find("1234567"), std::string::npos) << "only masked numbers";
  EXPECT_NE(text.find("第1页"), std::string::npos) << "numbered pages";
}

TEST(MediationAgreement, NoTermsNoDocument) {
  store::CaseRecord c = AgreedCase();
  c.c.fields.erase("agreement_terms");
  c.c.state = "mediating";
  auto a = AgreementOf(c, Type(), "金华社区人民调解委员会", "王秀英");
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.error().code, ErrorCode::kConflict);
  Agreement empty;
  empty.parties.push_back({"申请人", "person", "张三", "", "", ""});
  EXPECT_EQ(RenderAgreement(empty, kAt).error().code, ErrorCode::kInvalid);
  empty.terms = "赔偿100元";
  empty.parties.push_back({"被申请人", "person", "", "", "", ""});
  EXPECT_EQ(RenderAgreement(empty, kAt).error().code, ErrorCode::kInvalid);
  empty.parties.back().name = std::string("\xff\xfe");
  EXPECT_EQ(RenderAgreement(empty, kAt).error().code, ErrorCode::kInvalid) << "invalid UTF-8";
}

}  // namespace
}  // namespace cg::mediation
