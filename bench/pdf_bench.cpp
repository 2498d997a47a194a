// Printable documents (src/pdf): the time to lay out and render a PDF with cairo + pango in the
// Noto CJK fonts — a one-page mediation agreement (人民调解协议书, issue 11), a volunteer's
// certificate of hours with 40 activities (志愿服务时长证明, issue 12), and a 10-page report.
// The first render in a thread loads the fonts; it is measured apart (BM_FirstRender).
//   build/bench/pdf_bench --benchmark_min_time=2
#include <benchmark/benchmark.h>

#include <string>
#include <thread>
#include <vector>

#include "mediation/service.hpp"
#include "pdf/document.hpp"

namespace {

constexpr cg::Timestamp kAt = 1'780'000'000'000;

cg::pdf::Document Agreement() {
  cg::pdf::Document d("人民调解协议书", kAt);
  d.Title("人民调解协议书");
  d.Subtitle("（2026）昆调字第 0042 号");
  d.Heading("当事人");
  d.Fields({{"申请人", "张建国，男，1962 年生，汉族，住昆都仑区金华社区 3 号楼 2 单元 501"},
            {"被申请人", "李秀英，女，1971 年生，汉族，住昆都仑区金华社区 3 号楼 2 单元 601"}});
  d.Heading("纠纷主要事实、争议事项");
  d.Paragraph("2026 年 5 月，被申请人家卫生间防水层老化漏水，致申请人家卫生间顶棚及墙面受损。双方多次协商未果，"
              "申请人向金华社区人民调解委员会申请调解。");
  d.Heading("经调解，自愿达成如下协议");
  d.Table({"序号", "协议内容", "履行期限"}, {1, 6, 2},
          {{"1", "被申请人于十日内委托有资质的施工单位修复防水层", "2026-06-10"},
           {"2", "被申请人赔偿申请人顶棚及墙面修复费用人民币 1500 元", "2026-06-05"},
           {"3", "申请人配合入户施工，双方不再就此事另行主张", "2026-06-10"}});
  d.Paragraph("履行方式、时限：按上表。本协议一式三份，双方当事人、人民调解委员会各持一份。当事人可自本协议生效之日起"
              "三十日内共同向人民法院申请司法确认。");
  d.Signatures({"申请人（签名）", "被申请人（签名）", "人民调解员（签名）"});
  d.Paragraph("金华社区人民调解委员会（盖章）");
  return d;
}

cg::pdf::Document Certificate(int rows) {
  cg::pdf::Document d("志愿服务时长证明", kAt);
  d.Title("志愿服务时长证明");
  d.Subtitle("证明编号：ZYFW-2026-000042");
  d.Fields({{"姓名", "王秀兰"}, {"服务单位", "昆都仑区市府东路街道金华社区"}, {"累计服务", "96 小时（40 次活动）"}});
  d.Paragraph("兹证明王秀兰同志在金华社区志愿服务中参加志愿服务活动 40 次，累计服务时长 96 小时。特此证明。");
  std::vector<std::vector<std::string>> table;
  for (int i = 0; i < rows; ++i) table.push_back({std::to_string(i + 1), "敬老院义剪第" + std::to_string(i) + "期", "2026-05-01", "2.4"});
  d.Heading("服务记录");
  d.Table({"序号", "活动名称", "日期", "服务时长（小时）"}, {1, 6, 2.4, 2.4}, table);
  d.Signatures({"出具单位（盖章）", "经办人（签名）"});
  return d;
}

cg::pdf::Document Report(int pages) {
  cg::pdf::Document d("年度报告", kAt);
  d.Title("年度报告");
  std::string para;
  for (int i = 0; i < 18; ++i) para += "社区网格化服务管理工作稳步推进，居民议事协商机制不断完善。";
  for (int i = 0; i < pages * 3; ++i) {
    d.Heading("第" + std::to_string(i + 1) + "部分");
    d.Paragraph(para);
  }
  return d;
}

void Run(benchmark::State& state, const cg::pdf::Document& doc) {
  std::size_t bytes = 0;
  for (auto _ : state) {
    auto pdf = doc.Render();
    if (!pdf.ok()) {
      state.SkipWithError(pdf.error().message.c_str());
      return;
    }
    bytes = pdf->size();
    benchmark::DoNotOptimize(pdf->data());
  }
  state.counters["pdf_KiB"] = static_cast<double>(bytes) / 1024;
}

void BM_FirstRender(benchmark::State& state) {
  // One render per fresh thread: the font map and glyph caches are per thread in pango.
  for (auto _ : state) {
    std::string out;
    std::thread t([&] { out = *Agreement().Render(); });
    t.join();
    benchmark::DoNotOptimize(out.data());
  }
}
void BM_Agreement(benchmark::State& state) { Run(state, Agreement()); }
void BM_Certificate(benchmark::State& state) { Run(state, Certificate(40)); }
void BM_Report10Pages(benchmark::State& state) { Run(state, Report(10)); }

// The real agreement of a mediation case (mediation::RenderAgreement), as the API serves it.
void BM_MediationAgreement(benchmark::State& state) {
  cg::mediation::Agreement a;
  a.number = "金华社区人民调解委员会调字〔2026〕第 42 号";
  a.category = "邻里纠纷";
  a.dispute = "2026 年 5 月，被申请人家卫生间防水层老化漏水，致申请人家卫生间顶棚及墙面受损，双方多次协商未果。";
  a.parties = {{"申请人", "person", "张建国", "150203********1234", "138****5678", "昆都仑区金华社区 3 号楼 2 单元 501"},
               {"被申请人", "person", "李秀英", "150203********2345", "139****6789", "昆都仑区金华社区 3 号楼 2 单元 601"}};
  a.sessions = {"2026年5月20日，在金华社区调解室调解，参加人员：张建国、李秀英、物业经理。查看漏水现场。",
                "2026年5月27日，在金华社区一平米调解桌调解，参加人员：张建国、李秀英。物业出具维修报价。"};
  a.terms = "一、被申请人于十日内委托有资质的施工单位修复防水层。\n二、被申请人赔偿申请人修复费用人民币 1500 元。\n"
            "三、申请人配合入户施工，双方不再就此事另行主张。";
  a.performance = "按协议约定期限履行";
  a.organisation = "金华社区人民调解委员会";
  a.mediator = "王秀英";
  a.agreed_on = "2026-05-28";
  a.window_ends = "2026-06-27";
  std::size_t bytes = 0;
  for (auto _ : state) {
    auto pdf = cg::mediation::RenderAgreement(a, kAt);
    if (!pdf.ok()) state.SkipWithError(pdf.error().message.c_str());
    bytes = pdf.ok() ? pdf->size() : 0;
  }
  state.counters["bytes"] = static_cast<double>(bytes);
}

BENCHMARK(BM_FirstRender)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(5);
BENCHMARK(BM_Agreement)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_MediationAgreement)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_Certificate)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_Report10Pages)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
