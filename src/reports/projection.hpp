#pragma once
// Live report figures (docs/reports.md): a base::Projection that keeps, per grid, the counts
// and sums every active template needs, so a city-wide report is a sum over grids instead of
// a scan of every person. Age-dependent figures stay exact as days pass: per grid and
// measure the matching birth dates are kept sorted (with prefix sums for sums), and "aged 80
// or more today" is "born on or before today's date 80 years ago", answered by binary search.

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/change_feed.hpp"
#include "core/date.hpp"
#include "reports/template.hpp"

namespace cg::reports {

// Sums are exact fixed-point numbers with this many decimals (elements allow at most 4).
inline constexpr int kSumDecimals = 4;

// One figure: `value` / 10^`decimals`, or null (a ratio over zero).
struct Cell {
  std::int64_t value = 0;
  int decimals = 0;
  bool null = false;
  std::string Text() const;  // "12", "3401.50", "" for null
  double Number() const;
};

// The cells of one row unit (or of the whole scope), in template column order.
using RowValues = std::vector<Cell>;

// Whether a record's fields satisfy a non-age filter (see Filter). Exposed for tests.
bool Matches(const Filter& f, model::BaseEntity subject, const model::Fields& fields);

class ReportProjection : public base::Projection {
 public:
  ReportProjection();
  ~ReportProjection() override;

  // Replaces the measures with those `templates` need and clears every figure: follow with
  // a snapshot (base::ChangeFeed::Resync). Called under the feed's lock (or before Start).
  void SetTemplates(const std::vector<const Template*>& templates);

  bool Wants(model::BaseEntity e) const override;
  void Upsert(const store::BaseRecord& r) override;
  void Remove(model::BaseEntity e, std::int64_t id) override;

  // The figures of `tpl` (which must be among the templates last set) for each of
  // `row_codes` and for `total_code`, as of `today`. A unit's figures are the sums over the
  // grids whose code starts with the unit's code. kNotFound if the template is not active.
  Result<std::vector<RowValues>> Compute(const Template& tpl, const std::vector<std::string>& row_codes,
                                         const std::string& total_code, Date today) const;

  // Records currently counted (persons, households), for metrics and tests.
  std::int64_t records() const;

 private:
  struct Measure;  // one (subject, non-age filters, summed element): an accumulator
  // A filter as many measures share it (the template-wide ones above all), evaluated once per
  // record: its record field resolved once, not per record.
  struct DistinctFilter {
    model::BaseEntity subject;
    std::string field;  // RecordField(subject, filter.field)
    Filter filter;
    std::string key;
  };
  struct GridCell {
    std::int64_t count = 0, sum = 0;   // every matching record
    std::vector<std::int32_t> births;  // by_age: sorted birth keys (yyyymmdd) of those with a birth date
    std::vector<std::int64_t> prefix;  // by_age sums: prefix[i] = sum of the first i values
  };
  struct Hit {
    std::uint32_t measure;
    std::int64_t value;
  };
  struct RecordState {
    std::int32_t grid = -1;
    std::int32_t birth = 0;  // yyyymmdd, 0 when unknown
    std::vector<Hit> hits;
  };
  struct ColumnPlan {
    int measure = -1;  // -1 for ratios
    int min_age = 0;
    std::optional<int> max_age_exclusive;
    bool by_age = false;
  };

  void Drop(RecordState& state);
  std::int32_t GridId(const std::string& code);
  Cell Figure(const ColumnPlan& plan, const std::vector<std::int32_t>& grids, Date today) const;

  mutable std::shared_mutex mu_;
  std::vector<std::unique_ptr<Measure>> measures_;
  std::vector<DistinctFilter> distinct_;
  std::vector<signed char> memo_;  // Upsert's scratch: distinct filter -> -1 unknown, 0, 1
  std::map<std::string, std::vector<ColumnPlan>> plans_;  // template code -> one plan per column
  std::vector<std::vector<GridCell>> cells_;              // [measure][grid]
  std::unordered_map<std::string, std::int32_t> grid_ids_;
  std::map<std::string, std::int32_t> grids_by_code_;
  std::unordered_map<std::int64_t, RecordState> persons_, households_;
  bool wants_persons_ = false, wants_households_ = false;
};

}  // namespace cg::reports
