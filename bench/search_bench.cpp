// Search latency at city scale (docs/benchmarks.md, "Search"): 3 M synthetic persons in 10,000
// grids indexed by base::SearchIndex, then mixed queries — a name part, pinyin initials, an ID
// tail (keyed Tail4Index hash) and a name typed in traditional characters — each scoped to a
// grid (70 %), a community (20 %) or a district (10 %), as the callers are. Reports build time,
// RSS growth, and p50/p99/max latency per kind. No database: the index is what is measured.
//
//   search_bench [persons=3000000] [queries=20000]
#include <unicode/translit.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "base/han_text.hpp"
#include "base/search_index.hpp"
#include "model/id_number.hpp"
#include "privacy/blind_index.hpp"
#include "privacy/key_ring.hpp"

namespace {

using cg::base::SearchIndex;
using Clock = std::chrono::steady_clock;

long RssKb() {
  std::ifstream f("/proc/self/status");
  std::string line;
  while (std::getline(f, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  return 0;
}

// Common surnames (weighted by position) and given-name characters.
const char* kSurnames[] = {"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡",
                           "郭", "何", "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹",
                           "彭", "曾", "肖", "田", "董", "袁", "潘", "于", "蒋", "蔡", "余", "杜", "叶", "程", "苏",
                           "魏", "吕", "丁", "任", "沈", "姚", "卢", "姜", "崔", "钟", "谭", "陆", "汪", "范", "金",
                           "石", "廖", "贾", "夏", "韦", "付", "方", "白", "邹", "孟", "熊", "秦", "邱", "江", "尹",
                           "薛", "闫", "段", "雷", "侯", "龙", "史", "陶", "黎", "贺", "顾", "毛", "郝", "龚", "邵"};
const char* kGiven[] = {"伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛",
                        "明", "超", "秀", "霞", "平", "刚", "桂", "英", "华", "玉", "萍", "红", "鹏", "辉", "建",
                        "国", "文", "云", "飞", "海", "燕", "晓", "东", "志", "宁", "丹", "波", "斌", "宇", "浩",
                        "凯", "佳", "欣", "慧", "婷", "雪", "琳", "俊", "峰", "鑫", "龙", "亮", "林", "成", "春",
                        "梅", "兰", "凤", "金", "荣", "光", "德", "永", "福", "贵", "生", "祥", "利", "喜", "庆",
                        "长", "义", "兴", "学", "忠", "民", "树", "立", "新", "达", "安", "清", "宝", "泽", "瑞"};

struct Person {
  std::string name;
  std::string grid;
  std::string tail;  // the 4 characters
};

double Percentile(std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(p * v.size()))];
}

}  // namespace

int main(int argc, char** argv) {
  const std::size_t n = argc > 1 ? std::stoul(argv[1]) : 3'000'000;
  const std::size_t queries = argc > 2 ? std::stoul(argv[2]) : 20'000;
  std::mt19937_64 rng(42);

  // 7 districts x 10 streets x ~14 communities x ~10 grids = 10,000 grids (15-digit codes).
  std::vector<std::string> grids;
  for (int d = 1; d <= 7 && grids.size() < 10'000; ++d)
    for (int s = 1; s <= 10 && grids.size() < 10'000; ++s)
      for (int c = 1; c <= 15 && grids.size() < 10'000; ++c)
        for (int g = 1; g <= 10 && grids.size() < 10'000; ++g) {
          char code[32];
          std::snprintf(code, sizeof code, "15020%d%03d%03d%03d", d, s, c, g);
          grids.emplace_back(code);
        }

  auto keys = cg::privacy::KeyRing::FromHex(std::string(64, '7'));
  if (!keys.ok()) return 1;
  cg::privacy::Tail4Index tail_index(*keys);

  std::vector<Person> people(n);
  std::vector<SearchIndex::Entry> entries(n);
  std::geometric_distribution<int> surname_rank(0.06);
  for (std::size_t i = 0; i < n; ++i) {
    Person& p = people[i];
    p.name = kSurnames[std::min<int>(surname_rank(rng), std::size(kSurnames) - 1)];
    int given = 1 + static_cast<int>(rng() % 3 != 0);
    for (int k = 0; k < given; ++k) p.name += kGiven[rng() % std::size(kGiven)];
    p.grid = grids[rng() % grids.size()];
    char tail[5];
    std::snprintf(tail, sizeof tail, "%03d%c", static_cast<int>(rng() % 1000), "0123456789X"[rng() % 11]);
    p.tail = tail;
    entries[i] = {cg::model::BaseEntity::kPerson, static_cast<std::int64_t>(i + 1), p.grid, p.name,
                  tail_index.Compute("person.id_number", p.tail)};
  }

  long rss0 = RssKb();
  SearchIndex index;
  auto t0 = Clock::now();
  index.Load(std::move(entries));
  double build_s = std::chrono::duration<double>(Clock::now() - t0).count();
  long rss1 = RssKb();
  std::printf("indexed %zu persons in %zu grids: %.1f s, RSS +%.0f MB\n", index.size(), grids.size(), build_s,
              (rss1 - rss0) / 1024.0);

  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<icu::Transliterator> to_trad(icu::Transliterator::createInstance("Hans-Hant", UTRANS_FORWARD, status));

  std::map<std::string, std::vector<double>> lat;
  std::map<std::string, std::int64_t> found;
  for (std::size_t q = 0; q < queries; ++q) {
    const Person& p = people[rng() % n];
    int r = static_cast<int>(rng() % 10);
    std::string scope = r < 7 ? p.grid : r < 9 ? p.grid.substr(0, 12) : p.grid.substr(0, 6);
    std::string kind_scope = r < 7 ? "grid" : r < 9 ? "community" : "district";
    int kind = static_cast<int>(q % 4);
    std::string kind_name;
    cg::base::SearchHits hits;
    std::string text;
    std::string tail_hash;
    if (kind == 0) {
      // A name part: the surname alone or the given name.
      std::size_t cut = rng() % 2 ? 3 : 0;
      text = cut ? p.name.substr(cut) : p.name.substr(0, 3);
      kind_name = "name part";
    } else if (kind == 1) {
      text = cg::base::PinyinInitials(p.name);
      kind_name = "initials";
    } else if (kind == 2) {
      tail_hash = tail_index.Compute("person.id_number", p.tail);
      kind_name = "ID tail";
    } else {
      icu::UnicodeString u = icu::UnicodeString::fromUTF8(p.name);
      if (to_trad) to_trad->transliterate(u);
      u.toUTF8String(text);
      kind_name = "traditional";
    }
    auto s = Clock::now();
    if (kind == 2) hits = index.SearchTail(scope, tail_hash, 0, 50);
    else hits = index.SearchText(cg::model::BaseEntity::kPerson, scope, text, 0, 50);
    double us = std::chrono::duration<double, std::micro>(Clock::now() - s).count();
    lat[kind_name].push_back(us);
    lat[kind_name + " / " + kind_scope].push_back(us);
    lat["all"].push_back(us);
    found[kind_name] += hits.total > 0;
  }
  std::printf("%-28s %8s %8s %8s %8s\n", "query kind", "n", "p50 us", "p99 us", "max us");
  for (auto& [k, v] : lat) {
    std::size_t count = v.size();
    double p50 = Percentile(v, 0.50), p99 = Percentile(v, 0.99), mx = v.back();
    std::printf("%-28s %8zu %8.1f %8.1f %8.1f\n", k.c_str(), count, p50, p99, mx);
  }
  for (auto& [k, f] : found) std::printf("%s: %lld of %zu queries found something\n", k.c_str(),
                                         static_cast<long long>(f), lat[k].size());
  return 0;
}
