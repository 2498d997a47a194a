// Spreadsheet reading rates (docs/benchmarks.md, "Spreadsheet reading"): a generated 1 M-row CSV
// (10 columns, Chinese names and addresses) in UTF-8 with and without BOM and GB18030, streamed from a file, and a
// 100 k-row xlsx written by our own writer, read from memory. Counters are rows per second.
#include <benchmark/benchmark.h>
#include <iconv.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "tabular/csv.hpp"
#include "tabular/xlsx.hpp"

namespace {

using namespace cg::tabular;

constexpr std::size_t kCsvRows = 1000000;
constexpr std::size_t kXlsxRows = 100000;

std::vector<std::string> Person(std::mt19937& rng, std::size_t i) {
  static const char* kSurnames[] = {"王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴",
                                    "徐", "孙", "马", "胡", "朱", "郭", "何", "罗", "高", "林"};
  static const char* kGiven[] = {"伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋",
                                 "勇", "艳", "杰", "娟", "涛", "明", "超", "秀英", "霞", "平"};
  static const char* kStreets[] = {"阿尔丁大街", "钢铁大街", "民族东路", "友谊大街", "青年路"};
  static const char* kCommunities[] = {"金华社区", "少先社区", "团结社区", "胜利社区", "光辉社区"};
  static const char* kEthnic[] = {"汉族", "蒙古族", "回族", "满族"};
  std::uniform_int_distribution<int> d20(0, 19), d5(0, 4), d4(0, 3), year(1930, 2020),
      day(1, 28), month(1, 12), num(1, 300);
  char id[19], birth[11], phone[12];
  int y = year(rng), m = month(rng), dd = day(rng);
  std::snprintf(id, sizeof id, "150203%04d%02d%02d%03d%c", y, m, dd, static_cast<int>(i % 1000),
                "0123456789X"[i % 11]);
  std::snprintf(birth, sizeof birth, "%04d-%02d-%02d", y, m, dd);
  std::snprintf(phone, sizeof phone, "13%09zu", i * 7919 % 1000000000);
  return {id,
          std::string(kSurnames[d20(rng)]) + kGiven[d20(rng)] + (i % 3 ? kGiven[d20(rng)] : ""),
          i % 2 ? "男" : "女",
          birth,
          phone,
          std::string("内蒙古自治区包头市昆都仑区") + kStreets[d5(rng)] + std::to_string(num(rng)) + "号",
          kCommunities[d5(rng)],
          kEthnic[d4(rng)],
          i % 7 ? "户籍" : "流动",
          i % 13 ? "" : "独居老人，每周走访"};
}

const std::vector<std::string>& Header() {
  static const std::vector<std::string> h = {"身份证号", "姓名", "性别", "出生日期", "电话",
                                             "地址", "社区", "民族", "居住状态", "备注"};
  return h;
}

std::string TempPath(const std::string& name) {
  return (std::filesystem::temp_directory_path() /
          ("citygrid_tabular_bench_" + std::to_string(getpid()) + "_" + name))
      .string();
}

struct CsvFiles {
  std::string utf8, utf8_no_bom, gb18030;
  std::size_t utf8_bytes = 0;
  CsvFiles() {
    std::mt19937 rng(42);
    Table t;
    t.header = Header();
    t.rows.reserve(kCsvRows);
    for (std::size_t i = 0; i < kCsvRows; ++i) t.rows.push_back(Person(rng, i));
    std::string text = WriteCsv(t);
    utf8_bytes = text.size();
    utf8 = TempPath("utf8.csv");
    std::ofstream(utf8, std::ios::binary) << text;
    utf8_no_bom = TempPath("utf8_no_bom.csv");  // detection validates the whole file first
    std::ofstream(utf8_no_bom, std::ios::binary) << text.substr(3);
    // GB18030 as Excel on Chinese Windows writes it (no BOM).
    iconv_t cd = iconv_open("GB18030", "UTF-8");
    std::string in = text.substr(3), out(in.size() + 16, '\0');
    char* ip = in.data();
    char* op = out.data();
    std::size_t il = in.size(), ol = out.size();
    iconv(cd, &ip, &il, &op, &ol);
    iconv_close(cd);
    out.resize(out.size() - ol);
    gb18030 = TempPath("gb18030.csv");
    std::ofstream(gb18030, std::ios::binary) << out;
  }
  ~CsvFiles() {
    std::remove(utf8.c_str());
    std::remove(utf8_no_bom.c_str());
    std::remove(gb18030.c_str());
  }
};

CsvFiles& Files() {
  static CsvFiles files;
  return files;
}

void ReadCsvFile(benchmark::State& state, const std::string& path) {
  std::size_t rows = 0;
  for (auto _ : state) {
    auto reader = OpenCsvFile(path);
    if (!reader.ok()) {
      state.SkipWithError(reader.error().message.c_str());
      return;
    }
    Row row;
    while (true) {
      auto more = (*reader)->Next(row);
      if (!more.ok()) {
        state.SkipWithError(more.error().message.c_str());
        return;
      }
      if (!*more) break;
      ++rows;
    }
  }
  state.counters["rows/s"] = benchmark::Counter(static_cast<double>(rows), benchmark::Counter::kIsRate);
  state.counters["MB/s"] = benchmark::Counter(
      static_cast<double>(Files().utf8_bytes) * static_cast<double>(state.iterations()) / 1e6,
      benchmark::Counter::kIsRate);
}

void BM_CsvRead1MUtf8(benchmark::State& state) { ReadCsvFile(state, Files().utf8); }
void BM_CsvRead1MUtf8NoBom(benchmark::State& state) { ReadCsvFile(state, Files().utf8_no_bom); }
void BM_CsvRead1MGb18030(benchmark::State& state) { ReadCsvFile(state, Files().gb18030); }

const std::string& XlsxBytes() {
  static const std::string bytes = [] {
    std::mt19937 rng(7);
    Sheet s;
    s.name = "人员";
    s.title = "人口基础信息";
    s.header_rows = {Header()};
    s.columns.resize(10);
    s.columns[3].kind = ColumnKind::kDate;
    s.rows.reserve(kXlsxRows);
    for (std::size_t i = 0; i < kXlsxRows; ++i) s.rows.push_back(Person(rng, i));
    auto b = WriteXlsx(Workbook{{s}});
    return b.ok() ? *b : std::string();
  }();
  return bytes;
}

void BM_XlsxRead100k(benchmark::State& state) {
  const std::string& bytes = XlsxBytes();
  std::size_t rows = 0;
  XlsxOptions options;
  options.header_row = 2;
  for (auto _ : state) {
    auto reader = OpenXlsx(bytes, options);
    if (!reader.ok()) {
      state.SkipWithError(reader.error().message.c_str());
      return;
    }
    Row row;
    while (true) {
      auto more = (*reader)->Next(row);
      if (!more.ok()) {
        state.SkipWithError(more.error().message.c_str());
        return;
      }
      if (!*more) break;
      ++rows;
    }
  }
  state.counters["rows/s"] = benchmark::Counter(static_cast<double>(rows), benchmark::Counter::kIsRate);
  state.counters["xlsx_MB"] = static_cast<double>(bytes.size()) / 1e6;
}

void BM_XlsxWrite100k(benchmark::State& state) {
  std::mt19937 rng(7);
  Sheet s;
  s.name = "人员";
  s.header_rows = {Header()};
  for (std::size_t i = 0; i < kXlsxRows; ++i) s.rows.push_back(Person(rng, i));
  Workbook wb{{s}};
  std::size_t rows = 0;
  for (auto _ : state) {
    auto b = WriteXlsx(wb);
    if (!b.ok()) {
      state.SkipWithError(b.error().message.c_str());
      return;
    }
    rows += kXlsxRows;
  }
  state.counters["rows/s"] = benchmark::Counter(static_cast<double>(rows), benchmark::Counter::kIsRate);
}

BENCHMARK(BM_CsvRead1MUtf8)->Unit(benchmark::kMillisecond)->Iterations(3);
BENCHMARK(BM_CsvRead1MUtf8NoBom)->Unit(benchmark::kMillisecond)->Iterations(3);
BENCHMARK(BM_CsvRead1MGb18030)->Unit(benchmark::kMillisecond)->Iterations(3);
BENCHMARK(BM_XlsxRead100k)->Unit(benchmark::kMillisecond)->Iterations(3);
BENCHMARK(BM_XlsxWrite100k)->Unit(benchmark::kMillisecond)->Iterations(2);

}  // namespace

BENCHMARK_MAIN();
