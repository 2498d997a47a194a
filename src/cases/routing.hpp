#pragma once
// Routing rules: which org unit handles a new case, by case type, category and area.
// Loaded from data/case-types/routing.toml; docs/cases.md describes the format.

#include <string>
#include <string_view>
#include <vector>

#include "cases/case_type.hpp"
#include "core/result.hpp"

namespace cg::cases {

struct RoutingRule {
  std::string id;
  std::string case_type;  // empty: any type
  std::string category;   // empty: any category
  std::string area;       // org code prefix the case's grid code must start with
  std::string handling_unit;
  std::string note;
};

struct RouteMatch {
  std::string handling_unit_code;
  std::string rule_id;  // "default" when no rule matched
};

// Immutable after loading; thread-safe for reads.
class RoutingTable {
 public:
  RoutingTable() = default;  // no rules: everything goes to the grid's community

  // Parses routing rules; with a registry, every case_type and category must exist in it.
  // kInvalid names `source`, the line and the rule: unknown keys, a bad org code, a duplicate
  // id, or two rules with the same type, category and area.
  static Result<RoutingTable> Parse(std::string_view toml_text, const std::string& source,
                                    const CaseTypeRegistry* registry);
  static Result<RoutingTable> LoadFile(const std::string& path, const CaseTypeRegistry* registry);

  // The handling unit for a case located at `grid_code`: the matching rule with the longest
  // area prefix (ties: a rule naming both type and category beats one naming one of them,
  // which beats one naming neither); with no match, the grid's community (the first 12
  // digits of the code), or the code itself when it is a community or above. Cannot fail.
  RouteMatch Route(std::string_view case_type, std::string_view category, std::string_view grid_code) const;

  const std::vector<RoutingRule>& rules() const { return rules_; }

 private:
  std::vector<RoutingRule> rules_;
};

}  // namespace cg::cases
