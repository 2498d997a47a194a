#include "demo/population.hpp"

#include <random>
#include <set>

#include "model/id_number.hpp"

namespace cg::demo {
namespace {

const char* const kSurnames[] = {"王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙",
                                 "胡", "朱", "高", "林", "何", "郭", "马", "罗", "梁", "宋", "郑", "谢",
                                 "韩", "唐", "冯", "于", "董", "萧", "程", "曹", "袁", "邓", "许", "傅"};
const char* const kGiven[] = {"伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳",
                              "杰", "娟", "涛", "明", "超", "秀", "霞", "平", "刚", "桂", "英", "华",
                              "建", "国", "玉", "兰", "文", "海", "红", "志", "春", "梅", "鑫", "宇"};
const char* const kRoads[] = {"钢铁大街", "阿尔丁大街", "林荫路", "乌兰道", "友谊大街", "少先路", "昆区民族东路", "团结大街"};

class Rng {
 public:
  explicit Rng(std::uint64_t seed) : engine_(seed) {}
  int Between(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(engine_); }
  bool Chance(double p) { return std::uniform_real_distribution<double>(0, 1)(engine_) < p; }
  template <class T, std::size_t N>
  const T& Pick(const T (&items)[N]) { return items[Between(0, static_cast<int>(N) - 1)]; }

 private:
  std::mt19937_64 engine_;
};

std::string Ethnicity(Rng& rng) {
  int r = rng.Between(1, 1000);
  if (r <= 40) return "02";   // Mongol ~4 %
  if (r <= 55) return "03";   // Hui
  if (r <= 67) return "11";   // Manchu
  if (r <= 70) return "09";   // others, a few
  return "01";                // Han
}

}  // namespace

std::vector<SyntheticHousehold> GeneratePopulation(const std::vector<std::string>& grid_codes, int people,
                                                   std::uint64_t seed, Date today) {
  std::vector<SyntheticHousehold> out;
  if (grid_codes.empty() || people <= 0) return out;
  Rng rng(seed);
  std::set<std::string> used_ids;
  int made = 0;
  auto person = [&](const std::string& grid, const std::string& surname, int age, bool male,
                    const std::string& relation, const std::string& ethnicity) {
    SyntheticPerson p;
    Date birth;
    std::string id;
    do {
      std::int64_t days = DaysSinceEpoch(today) - static_cast<std::int64_t>(age) * 365 - rng.Between(1, 364);
      birth = DateFromDays(days);
      int seq = rng.Between(0, 499) * 2 + (male ? 1 : 0);
      id = model::MakeResidentId("150203", birth, seq);
    } while (!used_ids.insert(id).second);
    p.fields = {{"grid_code", grid},
                {"name", surname + rng.Pick(kGiven) + (rng.Chance(0.6) ? rng.Pick(kGiven) : "")},
                {"id_number", id},
                {"ethnicity", ethnicity},
                {"residence_status", rng.Chance(0.8) ? "registered" : (rng.Chance(0.7) ? "floating" : "away")}};
    if (age >= 16 && rng.Chance(0.85)) {
      static const char* const kPrefixes[] = {"138", "139", "150", "151", "186", "187", "133", "153", "177", "198"};
      char digits[9];
      std::snprintf(digits, sizeof digits, "%08d", rng.Between(0, 99'999'999));
      p.fields["phone"] = std::string(rng.Pick(kPrefixes)) + digits;
    }
    if (rng.Chance(0.02)) p.attributes["person.disabled"] = "true";
    if (male && age >= 40 && rng.Chance(0.03)) p.attributes["person.veteran"] = "true";
    p.relation = relation;
    ++made;
    return p;
  };
  for (std::size_t h = 0; made < people; ++h) {
    const std::string& grid = grid_codes[h % grid_codes.size()];
    SyntheticHousehold hh;
    hh.grid_code = grid;
    hh.address = {{"grid_code", grid},
                  {"road", rng.Pick(kRoads)},
                  {"number", std::to_string(rng.Between(1, 200)) + "号"},
                  {"compound", std::string(rng.Pick(kSurnames)) + "园小区"},
                  {"building", std::to_string(rng.Between(1, 30))},
                  {"unit", std::to_string(rng.Between(1, 6))},
                  {"floor", std::to_string(rng.Between(1, 18))},
                  {"room", std::to_string(rng.Between(1, 4) + 100 * rng.Between(1, 18))}};
    const std::string surname = rng.Pick(kSurnames);
    const std::string ethnicity = Ethnicity(rng);
    int size = 1 + (rng.Chance(0.15) ? 0 : rng.Between(1, 4));
    if (size == 1) {
      int age = rng.Chance(0.5) ? rng.Between(65, 92) : rng.Between(20, 64);
      auto head = person(grid, surname, age, rng.Chance(0.45), "02", ethnicity);
      if (age >= 65) head.attributes["person.elderly_living_alone"] = "true";
      hh.members.push_back(std::move(head));
    } else {
      int head_age = rng.Between(26, 80);
      bool head_male = rng.Chance(0.7);
      hh.members.push_back(person(grid, surname, head_age, head_male, "02", ethnicity));
      hh.members.push_back(person(grid, rng.Pick(kSurnames), std::max(20, head_age + rng.Between(-5, 5)),
                                  !head_male, "10", rng.Chance(0.9) ? ethnicity : Ethnicity(rng)));
      for (int i = 2; i < size; ++i) {
        if (head_age > 50 && i == size - 1 && rng.Chance(0.4)) {
          hh.members.push_back(person(grid, surname, head_age + rng.Between(22, 30), rng.Chance(0.4), "50", ethnicity));
        } else {
          int age = std::max(0, head_age - rng.Between(22, 35));
          bool male = rng.Chance(0.51);
          hh.members.push_back(person(grid, surname, age, male, male ? "20" : "30", ethnicity));
        }
      }
    }
    if (rng.Chance(0.03)) hh.attributes["household.dibao"] = "true";
    out.push_back(std::move(hh));
  }
  return out;
}

}  // namespace cg::demo
