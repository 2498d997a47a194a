#include "demo/population.hpp"

#include <algorithm>
#include <cstdio>
#include <random>
#include <unordered_map>

#include "model/id_number.hpp"

namespace cg::demo {
namespace {

const char* const kSurnames[] = {"王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙",
                                 "胡", "朱", "高", "林", "何", "郭", "马", "罗", "梁", "宋", "郑", "谢",
                                 "韩", "唐", "冯", "于", "董", "萧", "程", "曹", "袁", "邓", "许", "傅",
                                 "白", "乔", "云", "贾", "常", "康", "秦", "任", "薛", "闫", "段", "侯"};
const char* const kGiven[] = {"伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳",
                              "杰", "娟", "涛", "明", "超", "秀", "霞", "平", "刚", "桂", "英", "华",
                              "建", "国", "玉", "兰", "文", "海", "红", "志", "春", "梅", "鑫", "宇",
                              "晨", "浩", "欣", "怡", "婷", "博", "宁", "彤", "雪", "瑞", "凯", "琳"};
const char* const kMongolNames[] = {"巴特尔", "其其格", "乌云", "斯琴", "额尔敦", "萨仁", "朝鲁", "格日乐",
                                    "苏和", "娜仁", "宝音", "图雅"};
const char* const kRoads[] = {"钢铁大街", "阿尔丁大街", "林荫路",   "乌兰道",   "友谊大街", "少先路",
                              "民族东路", "团结大街",   "青年路",   "白云路",   "幸福路",   "建设路",
                              "和平路",   "富强路",   "光明路",   "兴胜路",   "巴彦塔拉大街", "黄河大街"};
const char* const kCompoundWords[] = {"富强", "幸福", "阳光", "锦绣", "鹿城", "北重", "包钢", "金茂",
                                      "万郡", "恰特", "丽景", "馨园", "青年", "和平", "华丰", "民馨"};
const char* const kCompoundKinds[] = {"小区", "花园", "家园", "新村", "嘉园"};
// Where floating residents' ID numbers come from: elsewhere in Inner Mongolia.
const char* const kOtherRegions[] = {"150102", "150602", "150902", "150802", "150302", "152502"};

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

std::uint64_t Mix(std::uint64_t seed, const std::string& s) {
  std::uint64_t h = 1469598103934665603ULL ^ seed;  // FNV-1a over the seed and the text
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ULL;
  return h;
}

// GB/T 3304 codes; Baotou's 7th census: Han about 92 %, Mongol about 4.5 %.
std::string Ethnicity(Rng& rng) {
  int r = rng.Between(1, 10000);
  if (r <= 450) return "02";   // Mongol
  if (r <= 580) return "03";   // Hui
  if (r <= 690) return "11";   // Manchu
  if (r <= 705) return "31";   // Daur
  if (r <= 712) return "45";   // Ewenki
  if (r <= 720) return "10";   // Korean
  if (r <= 740) return "52";   // Oroqen and others
  return "01";                 // Han
}

bool Rural(const std::string& grid) {
  // The banners and the county (150221-150223) are rural; the districts urban.
  return grid.compare(0, 5, "15022") == 0;
}

}  // namespace

std::string SyntheticName(std::uint64_t key) {
  Rng rng(Mix(key, "name"));
  std::string name = rng.Pick(kSurnames);
  name += rng.Pick(kGiven);
  if (rng.Chance(0.7)) name += rng.Pick(kGiven);
  return name;
}

struct PopulationGenerator::State {
  std::uint64_t seed;
  Date today;
  std::int64_t today_days;
  // (region, birth day, sex) -> number of ID numbers given out, so every ID is unique.
  std::unordered_map<std::uint64_t, std::uint16_t> issued;

  std::string MakeId(const std::string& region, Date birth, bool male) {
    std::int64_t day = DaysSinceEpoch(birth);
    while (true) {
      std::uint64_t key = (std::stoull(region) * 100'000ULL + static_cast<std::uint64_t>(day + 40'000)) * 2 + male;
      auto& n = issued[key];
      if (n < 499) {
        int base = static_cast<int>((key * 2654435761ULL >> 11) % 400);
        int seq = ((base + n) % 499 + 1) * 2 + (male ? 1 : 0);  // 2..999, parity = sex
        ++n;
        return model::MakeResidentId(region, DateFromDays(day), seq % 1000);
      }
      --day;  // that day is full: the day before
    }
  }
};

PopulationGenerator::PopulationGenerator(std::uint64_t seed, Date today)
    : state_(std::make_unique<State>(State{seed, today, DaysSinceEpoch(today), {}})) {}
PopulationGenerator::~PopulationGenerator() = default;

SyntheticGrid PopulationGenerator::Grid(const std::string& grid_code, int people) {
  State& st = *state_;
  Rng rng(Mix(st.seed, grid_code));
  SyntheticGrid out;
  out.grid_code = grid_code;
  const std::string region = grid_code.substr(0, 6);
  const bool rural = Rural(grid_code);
  const std::string road = rng.Pick(kRoads);
  const std::string compound = std::string(rng.Pick(kCompoundWords)) + rng.Pick(kCompoundKinds);
  const std::string number = std::to_string(rng.Between(1, 300)) + "号";
  // The current building and the next free dwelling in it.
  int units = 0, floors = 0, unit = 1, floor = 1, room = 1;
  auto new_building = [&] {
    units = rng.Between(2, 4);
    floors = rural ? rng.Between(1, 3) : (rng.Chance(0.6) ? rng.Between(5, 7) : rng.Between(11, 26));
    unit = floor = room = 1;
    SyntheticBuilding b;
    b.fields = {{"grid_code", grid_code},
                {"name", compound + std::to_string(out.buildings.size() + 1) + "号楼"},
                {"floors", std::to_string(floors)},
                {"use", "residential"}};
    out.buildings.push_back(std::move(b));
  };
  new_building();

  int made = 0;
  auto person = [&](const std::string& surname, int age, bool male, const std::string& relation,
                    const std::string& ethnicity, const std::string& status) {
    age = std::clamp(age, 0, 104);
    SyntheticPerson p;
    Date birth = DateFromDays(st.today_days - static_cast<std::int64_t>(age) * 365 - rng.Between(1, 364));
    const std::string id_region = status == "floating" ? rng.Pick(kOtherRegions) : region;
    std::string name = surname;
    if (ethnicity == "02" && rng.Chance(0.5)) name = rng.Pick(kMongolNames);
    else name += std::string(rng.Pick(kGiven)) + (rng.Chance(0.6) ? rng.Pick(kGiven) : "");
    p.fields = {{"grid_code", grid_code},
                {"name", name},
                {"id_number", st.MakeId(id_region, birth, male)},
                {"ethnicity", ethnicity},
                {"residence_status", status}};
    if (age >= 14 && rng.Chance(age >= 80 ? 0.5 : 0.9)) {
      static const char* const kPrefixes[] = {"138", "139", "150", "151", "186", "187", "133", "153", "177", "198"};
      char digits[9];
      std::snprintf(digits, sizeof digits, "%08d", rng.Between(0, 99'999'999));
      p.fields["phone"] = std::string(rng.Pick(kPrefixes)) + digits;
    }
    auto& a = p.attributes;
    if (rng.Chance(0.024 + (age >= 60 ? 0.03 : 0))) {
      a["person.disabled"] = "true";
      static const char* const kTypes[] = {"4", "4", "4", "4", "1", "1", "2", "2", "3", "5", "6", "6", "7"};
      a["person.disability_type"] = rng.Pick(kTypes);
      a["person.disability_grade"] = std::to_string(rng.Between(1, 4));
    }
    if (male && age >= 38 && rng.Chance(0.04)) a["person.veteran"] = "true";
    if (age >= 80 && rng.Chance(0.95)) {
      a["person.old_age_allowance"] = "true";
      // Monthly, by age band (synthetic standards; no random draw, so the stream is unchanged).
      a["person.old_age_allowance_amount"] = age >= 100 ? "600.00" : age >= 90 ? "300.00" : "100.00";
    }
    std::string chronic;
    auto add = [&](const char* c) { chronic += (chronic.empty() ? "" : ",") + std::string(c); };
    if (age >= 35 && rng.Chance(0.04 + 0.004 * (age - 35))) add("hypertension");
    if (age >= 35 && rng.Chance(0.02 + 0.0015 * (age - 35))) add("diabetes");
    if (age >= 18 && rng.Chance(0.004)) add("severe_mental_disorder");
    if (!chronic.empty()) a["person.chronic_disease"] = chronic;
    const bool severe = a.count("person.disability_grade") && a["person.disability_grade"] <= "2";
    if ((age >= 80 || severe) && rng.Chance(0.5)) {
      a["person.needs_evacuation_help"] = "true";
    }
    p.relation = relation;
    ++made;
    return p;
  };
  auto status = [&] {
    int r = rng.Between(1, 100);
    return std::string(r <= 80 ? "registered" : r <= 95 ? "floating" : "away");
  };

  while (made < people) {
    SyntheticHousehold hh;
    hh.grid_code = grid_code;
    if (room > 2) {
      room = 1;
      if (++floor > floors) {
        floor = 1;
        if (++unit > units) new_building();
      }
    }
    hh.building = out.buildings.size() - 1;
    hh.address = {{"grid_code", grid_code},
                  {"road", road},
                  {"number", number},
                  {"compound", compound},
                  {"building", std::to_string(out.buildings.size())},
                  {"unit", std::to_string(unit)},
                  {"floor", std::to_string(floor)},
                  {"room", std::to_string(floor * 100 + room)}};
    ++room;
    int occ = rng.Between(1, 100);
    hh.house = {{"kind", "dwelling"},
                {"occupancy", occ <= 75 ? "owner_occupied" : occ <= 95 ? "rented" : "lent"},
                {"area", std::to_string(rng.Between(38, 140))}};
    const std::string surname = rng.Pick(kSurnames);
    const std::string eth = Ethnicity(rng);
    const std::string st_head = status();
    auto spouse_eth = [&] { return rng.Chance(0.9) ? eth : Ethnicity(rng); };
    auto& m = hh.members;
    int kind = rng.Between(1, 100);
    if (kind <= 16) {  // one person
      int age = rng.Chance(0.45) ? rng.Between(60, 95) : rng.Between(20, 59);
      m.push_back(person(surname, age, rng.Chance(age >= 60 ? 0.38 : 0.55), "02", eth, st_head));
      if (age >= 60) m[0].attributes["person.elderly_living_alone"] = "true";
      if (age >= 60 && rng.Chance(0.01)) m[0].attributes["person.extreme_poverty"] = "true";
    } else if (kind <= 41) {  // a couple
      int age = rng.Chance(0.4) ? rng.Between(24, 40) : rng.Between(52, 88);
      bool male = rng.Chance(0.75);
      m.push_back(person(surname, age, male, "02", eth, st_head));
      int age2 = age + rng.Between(-5, 4);
      m.push_back(person(rng.Pick(kSurnames), age2, !male, "10", spouse_eth(), st_head));
      if (age >= 60 && age2 >= 60) {
        for (auto& p : m) p.attributes["person.elderly_empty_nest"] = "true";
      }
    } else {  // parents with children; some with grandparents or a grandchild
      int age = rng.Between(kind <= 83 ? 26 : 32, kind <= 83 ? 58 : 62);
      bool male = rng.Chance(0.75);
      m.push_back(person(surname, age, male, "02", eth, st_head));
      if (kind <= 95 || rng.Chance(0.5)) {
        m.push_back(person(rng.Pick(kSurnames), age + rng.Between(-5, 4), !male, "10", spouse_eth(), st_head));
      }
      int children = rng.Chance(0.6) ? 1 : (rng.Chance(0.88) ? 2 : 3);
      for (int c = 0; c < children; ++c) {
        bool boy = rng.Chance(0.52);
        int cage = age - rng.Between(22, 36);
        if (cage < 0) break;
        m.push_back(person(surname, cage, boy, boy ? "20" : "30", eth, st_head));
        if (cage >= 22 && rng.Chance(0.25)) {  // a grandchild living with them
          bool gboy = rng.Chance(0.52);
          m.push_back(person(surname, rng.Between(0, std::min(cage - 20, 12)), gboy, "40", eth, st_head));
        }
      }
      if (kind > 83) {  // three generations: the head's parent(s)
        int page = age + rng.Between(24, 32);
        if (page <= 100) {
          m.push_back(person(surname, page, rng.Chance(0.35), "50", eth, st_head));
          if (rng.Chance(0.45)) m.push_back(person(rng.Pick(kSurnames), page - 2, rng.Chance(0.5), "50", eth, st_head));
        }
      }
    }
    if (rng.Chance(0.018)) {
      hh.attributes["household.dibao"] = "true";
      hh.attributes["household.dibao_category"] = rural ? "rural" : "urban";
      hh.attributes["household.dibao_members"] = std::to_string(m.size());
      // Monthly: the urban / rural standard per member (synthetic), no random draw.
      hh.attributes["household.dibao_amount"] = std::to_string(m.size() * (rural ? 620 : 850)) + ".00";
    }
    out.households.push_back(std::move(hh));
  }
  return out;
}

std::vector<SyntheticHousehold> GeneratePopulation(const std::vector<std::string>& grid_codes, int people,
                                                   std::uint64_t seed, Date today) {
  std::vector<SyntheticHousehold> out;
  if (grid_codes.empty() || people <= 0) return out;
  PopulationGenerator gen(seed, today);
  const int n = static_cast<int>(grid_codes.size());
  int made = 0;
  for (int i = 0; i < n && made < people; ++i) {
    int share = (people - made + (n - i) - 1) / (n - i);  // the overshoot of one grid is taken off the next
    if (share <= 0) continue;
    auto grid = gen.Grid(grid_codes[static_cast<std::size_t>(i)], share);
    for (auto& hh : grid.households) {
      made += static_cast<int>(hh.members.size());
      out.push_back(std::move(hh));
    }
  }
  return out;
}

}  // namespace cg::demo
