#include "reports/projection.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <mutex>

namespace cg::reports {
namespace {

constexpr std::int64_t kPow10[] = {1, 10, 100, 1000, 10000, 100000, 1000000, 10000000};

// "1234.5" -> 12345000 at 4 decimals; nullopt if not a plain decimal with at most 4 decimals.
std::optional<std::int64_t> ParseFixed(std::string_view s) {
  bool neg = !s.empty() && s[0] == '-';
  if (neg) s.remove_prefix(1);
  auto dot = s.find('.');
  std::string_view ip = s.substr(0, dot), fp = dot == std::string_view::npos ? "" : s.substr(dot + 1);
  if (ip.empty() || ip.size() > 13 || fp.size() > kSumDecimals) return std::nullopt;
  std::int64_t v = 0;
  for (char c : ip) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  for (int i = 0; i < kSumDecimals; ++i) {
    int d = 0;
    if (i < static_cast<int>(fp.size())) {
      if (fp[i] < '0' || fp[i] > '9') return std::nullopt;
      d = fp[i] - '0';
    }
    v = v * 10 + d;
  }
  return neg ? -v : v;
}

// yyyymmdd of "YYYY-MM-DD", 0 when absent or malformed.
std::int32_t BirthKey(const model::Fields& f) {
  auto it = f.find("birth_date");
  if (it == f.end() || it->second.size() != 10) return 0;
  const std::string& s = it->second;
  int y = 0, m = 0, d = 0;
  if (std::from_chars(s.data(), s.data() + 4, y).ec != std::errc() || s[4] != '-' ||
      std::from_chars(s.data() + 5, s.data() + 7, m).ec != std::errc() || s[7] != '-' ||
      std::from_chars(s.data() + 8, s.data() + 10, d).ec != std::errc()) {
    return 0;
  }
  return y * 10000 + m * 100 + d;
}

// The latest birth key of someone aged at least `age` on `today`: born on or before today's
// month and day `age` years ago (a 29 February birthday counts from 1 March in other years).
std::int32_t CutoffKey(Date today, int age) { return (today.year - age) * 10000 + today.month * 100 + today.day; }

bool HasCode(std::string_view list, std::string_view code) {
  while (!list.empty()) {
    auto comma = list.find(',');
    if (list.substr(0, comma) == code) return true;
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return false;
}

bool Compare(FilterOp op, double a, double b) {
  switch (op) {
    case FilterOp::kEq: return a == b;
    case FilterOp::kNe: return a != b;
    case FilterOp::kGe: return a >= b;
    case FilterOp::kGt: return a > b;
    case FilterOp::kLe: return a <= b;
    case FilterOp::kLt: return a < b;
    default: return false;
  }
}

}  // namespace

std::string Cell::Text() const {
  if (null) return "";
  std::int64_t p = kPow10[decimals];
  std::int64_t a = value < 0 ? -value : value;
  std::string out = (value < 0 ? "-" : "") + std::to_string(a / p);
  if (decimals > 0) {
    std::string frac = std::to_string(a % p);
    out += "." + std::string(decimals - frac.size(), '0') + frac;
  }
  return out;
}

double Cell::Number() const { return null ? 0 : static_cast<double>(value) / static_cast<double>(kPow10[decimals]); }

namespace {

// Whether `value` (null: the record has no such field) satisfies `f`.
bool MatchesValue(const Filter& f, const std::string* value) {
  const bool present = value && !value->empty();
  switch (f.op) {
    case FilterOp::kSet: return present;
    case FilterOp::kUnset: return !present;
    default: break;
  }
  if (!present) return false;
  const std::string& v = *value;
  switch (f.op) {
    case FilterOp::kIn: return std::find(f.values.begin(), f.values.end(), v) != f.values.end();
    case FilterOp::kHas: return HasCode(v, f.value);
    case FilterOp::kHasAny:
      for (const auto& c : f.values)
        if (HasCode(v, c)) return true;
      return false;
    default: break;
  }
  // = and != compare numbers when both sides are numbers ("1.50" = 1.5), else text.
  double number = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), number);
  const bool value_numeric = ec == std::errc() && p == v.data() + v.size();
  if (f.op == FilterOp::kEq || f.op == FilterOp::kNe) {
    bool eq = value_numeric && f.numeric ? number == f.number : v == f.value;
    return eq == (f.op == FilterOp::kEq);
  }
  return value_numeric && Compare(f.op, number, f.number);
}

}  // namespace

bool Matches(const Filter& f, model::BaseEntity subject, const model::Fields& fields) {
  auto it = fields.find(RecordField(subject, f.field));
  return MatchesValue(f, it == fields.end() ? nullptr : &it->second);
}

struct ReportProjection::Measure {
  model::BaseEntity subject;
  std::vector<Filter> filters;  // without age
  std::vector<std::uint32_t> filter_ids;  // the same filters, as indexes into distinct_
  std::string sum_field;        // record field summed; empty: count
  bool by_age = false;
  std::string key;
};

ReportProjection::ReportProjection() = default;
ReportProjection::~ReportProjection() = default;

void ReportProjection::SetTemplates(const std::vector<const Template*>& templates) {
  std::unique_lock lock(mu_);
  measures_.clear();
  distinct_.clear();
  plans_.clear();
  cells_.clear();
  persons_.clear();
  households_.clear();
  grid_ids_.clear();
  grids_by_code_.clear();
  wants_persons_ = wants_households_ = false;
  std::map<std::string, int> by_key;
  std::map<std::string, std::uint32_t> filter_ids;
  for (const Template* t : templates) {
    std::vector<ColumnPlan> plans;
    for (const Column& c : t->columns) {
      ColumnPlan plan;
      if (c.kind == ColumnKind::kRatio) {
        plans.push_back(plan);
        continue;
      }
      auto m = std::make_unique<Measure>();
      m->subject = t->subject;
      for (const Filter& f : c.filters) {
        if (f.field != "age") {
          m->filters.push_back(f);
          continue;
        }
        plan.by_age = true;
        int a = static_cast<int>(f.number);
        switch (f.op) {
          case FilterOp::kGe: plan.min_age = std::max(plan.min_age, a); break;
          case FilterOp::kGt: plan.min_age = std::max(plan.min_age, a + 1); break;
          case FilterOp::kLt: plan.max_age_exclusive = std::min(plan.max_age_exclusive.value_or(1000), a); break;
          case FilterOp::kLe: plan.max_age_exclusive = std::min(plan.max_age_exclusive.value_or(1000), a + 1); break;
          default: break;
        }
      }
      if (!c.sum_element.empty()) m->sum_field = RecordField(t->subject, c.sum_element);
      // Canonical key: the same measure in two templates is kept once.
      std::vector<std::string> parts;
      for (const Filter& f : m->filters) {
        std::string p = f.field + " " + FilterOpName(f.op) + " " + f.value;
        for (const auto& v : f.values) p += "|" + v;
        parts.push_back(p);
        const std::string fkey = std::string(model::BaseEntityName(t->subject)) + ";" + p;
        auto [fit, added] = filter_ids.emplace(fkey, static_cast<std::uint32_t>(distinct_.size()));
        if (added) distinct_.push_back({t->subject, RecordField(t->subject, f.field), f, fkey});
        m->filter_ids.push_back(fit->second);
      }
      std::sort(parts.begin(), parts.end());
      parts.erase(std::unique(parts.begin(), parts.end()), parts.end());
      m->key = std::string(model::BaseEntityName(t->subject)) + ";" + m->sum_field;
      for (const auto& p : parts) m->key += ";" + p;
      auto found = by_key.find(m->key);
      if (found == by_key.end()) {
        found = by_key.emplace(m->key, static_cast<int>(measures_.size())).first;
        measures_.push_back(std::move(m));
        cells_.emplace_back();
      }
      plan.measure = found->second;
      measures_[plan.measure]->by_age = measures_[plan.measure]->by_age || plan.by_age;
      plans.push_back(plan);
    }
    (t->subject == model::BaseEntity::kPerson ? wants_persons_ : wants_households_) = true;
    plans_[t->code] = std::move(plans);
  }
}

bool ReportProjection::Wants(model::BaseEntity e) const {
  std::shared_lock lock(mu_);
  return (e == model::BaseEntity::kPerson && wants_persons_) || (e == model::BaseEntity::kHousehold && wants_households_);
}

std::int32_t ReportProjection::GridId(const std::string& code) {
  auto it = grid_ids_.find(code);
  if (it != grid_ids_.end()) return it->second;
  auto id = static_cast<std::int32_t>(grid_ids_.size());
  grid_ids_.emplace(code, id);
  grids_by_code_.emplace(code, id);
  for (auto& per_grid : cells_) per_grid.resize(grid_ids_.size());
  return id;
}

void ReportProjection::Drop(RecordState& s) {
  for (const Hit& h : s.hits) {
    GridCell& cell = cells_[h.measure][s.grid];
    cell.count -= 1;
    cell.sum -= h.value;
    if (measures_[h.measure]->by_age && s.birth != 0) {
      auto pos = std::lower_bound(cell.births.begin(), cell.births.end(), s.birth);
      // Among equal birth keys any one will do for counts; for sums find the one with this value.
      std::size_t i = static_cast<std::size_t>(pos - cell.births.begin());
      if (!cell.prefix.empty()) {
        while (i + 1 < cell.births.size() && cell.births[i] == s.birth &&
               cell.prefix[i + 1] - cell.prefix[i] != h.value)
          ++i;
        for (std::size_t j = i + 1; j < cell.prefix.size(); ++j) cell.prefix[j] -= h.value;
        cell.prefix.erase(cell.prefix.begin() + static_cast<std::ptrdiff_t>(i) + 1);
      }
      cell.births.erase(cell.births.begin() + static_cast<std::ptrdiff_t>(i));
    }
  }
  s.hits.clear();
}

void ReportProjection::Upsert(const store::BaseRecord& r) {
  std::unique_lock lock(mu_);
  auto& table = r.entity == model::BaseEntity::kPerson ? persons_ : households_;
  if (r.entity != model::BaseEntity::kPerson && r.entity != model::BaseEntity::kHousehold) return;
  RecordState& s = table[r.id];
  Drop(s);
  s.grid = GridId(r.grid_code);
  s.birth = r.entity == model::BaseEntity::kPerson ? BirthKey(r.fields) : 0;
  memo_.assign(distinct_.size(), -1);
  for (std::uint32_t i = 0; i < measures_.size(); ++i) {
    const Measure& m = *measures_[i];
    if (m.subject != r.entity) continue;
    bool ok = true;
    for (std::uint32_t id : m.filter_ids) {
      signed char& known = memo_[id];
      if (known < 0) {
        const DistinctFilter& d = distinct_[id];
        auto it = r.fields.find(d.field);
        known = MatchesValue(d.filter, it == r.fields.end() ? nullptr : &it->second) ? 1 : 0;
      }
      if (!known) {
        ok = false;
        break;
      }
    }
    if (!ok) continue;
    std::int64_t value = 0;
    if (!m.sum_field.empty()) {
      auto it = r.fields.find(m.sum_field);
      if (it != r.fields.end()) value = ParseFixed(it->second).value_or(0);
    }
    s.hits.push_back({i, value});
    GridCell& cell = cells_[i][s.grid];
    cell.count += 1;
    cell.sum += value;
    if (m.by_age && s.birth != 0) {
      auto pos = std::upper_bound(cell.births.begin(), cell.births.end(), s.birth);
      std::size_t at = static_cast<std::size_t>(pos - cell.births.begin());
      cell.births.insert(pos, s.birth);
      if (!m.sum_field.empty()) {
        if (cell.prefix.empty()) cell.prefix.assign(1, 0);
        cell.prefix.insert(cell.prefix.begin() + static_cast<std::ptrdiff_t>(at) + 1, cell.prefix[at] + value);
        for (std::size_t j = at + 2; j < cell.prefix.size(); ++j) cell.prefix[j] += value;
      }
    }
  }
}

void ReportProjection::Remove(model::BaseEntity e, std::int64_t id) {
  std::unique_lock lock(mu_);
  auto& table = e == model::BaseEntity::kPerson ? persons_ : households_;
  auto it = table.find(id);
  if (it == table.end()) return;
  Drop(it->second);
  table.erase(it);
}

std::int64_t ReportProjection::records() const {
  std::shared_lock lock(mu_);
  return static_cast<std::int64_t>(persons_.size() + households_.size());
}

Cell ReportProjection::Figure(const ColumnPlan& plan, const std::vector<std::int32_t>& grids, Date today) const {
  const Measure& m = *measures_[plan.measure];
  const auto& per_grid = cells_[plan.measure];
  const bool sum = !m.sum_field.empty();
  Cell out;
  out.decimals = sum ? kSumDecimals : 0;
  if (!plan.by_age) {
    for (std::int32_t g : grids) out.value += sum ? per_grid[g].sum : per_grid[g].count;
    return out;
  }
  // Aged min..max-1 today: birth key in (cutoff(max), cutoff(min)].
  const std::int32_t hi = CutoffKey(today, plan.min_age);
  const std::int32_t lo = plan.max_age_exclusive ? CutoffKey(today, *plan.max_age_exclusive) : 0;
  for (std::int32_t g : grids) {
    const GridCell& cell = per_grid[g];
    if (cell.births.empty()) continue;
    auto b = std::upper_bound(cell.births.begin(), cell.births.end(), lo) - cell.births.begin();
    auto e = std::upper_bound(cell.births.begin(), cell.births.end(), hi) - cell.births.begin();
    if (e <= b) continue;
    out.value += sum ? cell.prefix[e] - cell.prefix[b] : e - b;
  }
  return out;
}

Result<std::vector<RowValues>> ReportProjection::Compute(const Template& tpl, const std::vector<std::string>& row_codes,
                                                         const std::string& total_code, Date today) const {
  std::shared_lock lock(mu_);
  auto plan_it = plans_.find(tpl.code);
  if (plan_it == plans_.end() || plan_it->second.size() != tpl.columns.size()) {
    return MakeError(ErrorCode::kNotFound, "report template not active: " + tpl.code);
  }
  const auto& plans = plan_it->second;
  auto grids_of = [&](const std::string& code) {
    std::vector<std::int32_t> out;
    for (auto it = grids_by_code_.lower_bound(code); it != grids_by_code_.end() && it->first.starts_with(code); ++it)
      out.push_back(it->second);
    return out;
  };
  // Ratios from a row's own figures (never summed), rounded half away from zero.
  auto ratios = [&](RowValues& row) {
    for (std::size_t i = 0; i < tpl.columns.size(); ++i) {
      const Column& c = tpl.columns[i];
      if (c.kind != ColumnKind::kRatio) continue;
      std::size_t ni = 0, di = 0;
      for (std::size_t k = 0; k < i; ++k) {
        if (tpl.columns[k].code == c.numerator) ni = k;
        if (tpl.columns[k].code == c.denominator) di = k;
      }
      const Cell& n = row[ni];
      const Cell& d = row[di];
      Cell r;
      r.decimals = c.decimals;
      if (d.value == 0) {
        r.null = true;
      } else {
        __int128 num = static_cast<__int128>(n.value) * kPow10[d.decimals] * (c.percent ? 100 : 1) * kPow10[c.decimals] * 2;
        __int128 den = static_cast<__int128>(d.value) * kPow10[n.decimals];
        bool neg = (num < 0) != (den < 0);
        if (num < 0) num = -num;
        if (den < 0) den = -den;
        __int128 q = (num / den + 1) / 2;
        r.value = static_cast<std::int64_t>(neg ? -q : q);
      }
      row[i] = r;
    }
  };
  auto figures = [&](const std::vector<std::int32_t>& grids) {
    RowValues row(tpl.columns.size());
    for (std::size_t i = 0; i < tpl.columns.size(); ++i) {
      const Column& c = tpl.columns[i];
      if (c.kind == ColumnKind::kRatio) continue;
      row[i] = Figure(plans[i], grids, today);
      if (c.kind == ColumnKind::kSum) {
        row[i].value /= kPow10[kSumDecimals - c.decimals];  // exact: elements have at most c.decimals
        row[i].decimals = c.decimals;
      }
    }
    return row;
  };
  std::vector<RowValues> out;
  std::size_t row_grids = 0;
  bool partition = true;  // rows are disjoint units under the total's unit
  for (const auto& code : row_codes) {
    auto grids = grids_of(code);
    row_grids += grids.size();
    partition = partition && code.starts_with(total_code);
    out.push_back(figures(grids));
  }
  std::vector<std::string> sorted = row_codes;
  std::sort(sorted.begin(), sorted.end());
  for (std::size_t i = 1; i < sorted.size(); ++i) partition = partition && !sorted[i].starts_with(sorted[i - 1]);
  auto total_grids = grids_of(total_code);
  if (partition && row_grids == total_grids.size()) {
    // The rows cover the total's grids exactly once: its counts and sums are theirs, added.
    RowValues total(tpl.columns.size());
    for (std::size_t i = 0; i < tpl.columns.size(); ++i) {
      if (tpl.columns[i].kind == ColumnKind::kRatio) continue;
      total[i].decimals = out.empty() ? (tpl.columns[i].kind == ColumnKind::kSum ? tpl.columns[i].decimals : 0)
                                      : out[0][i].decimals;
      for (const auto& row : out) total[i].value += row[i].value;
    }
    out.push_back(std::move(total));
  } else {
    out.push_back(figures(total_grids));
  }
  for (auto& row : out) ratios(row);
  return out;
}

}  // namespace cg::reports
