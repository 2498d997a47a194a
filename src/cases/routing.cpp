#include "cases/routing.hpp"

#include <set>
#include <tuple>

#include "cases/internal/toml_util.hpp"
#include "model/org_unit.hpp"

namespace cg::cases {
namespace {

using internal::Invalid;
using internal::Where;

}  // namespace

Result<RoutingTable> RoutingTable::Parse(std::string_view toml_text, const std::string& source,
                                         const CaseTypeRegistry* registry) {
  auto parsed = internal::ParseToml(toml_text, source);
  if (!parsed.ok()) return parsed.error();
  const toml::table& root = *parsed;
  for (auto&& [key, node] : root) {
    if (key != "rules") return Invalid(Where(source, node), "unknown key '" + std::string(key.str()) + "'");
  }
  RoutingTable table;
  const auto* rules = root.get("rules");
  if (!rules) return table;
  const auto* arr = rules->as_array();
  if (!arr) return Invalid(Where(source, *rules), "'rules' must be an array of tables [[rules]]");
  std::set<std::string> ids;
  std::set<std::tuple<std::string, std::string, std::string>> keys;
  for (const auto& item : *arr) {
    const auto* t = item.as_table();
    if (!t) return Invalid(Where(source, item), "each rule must be a table");
    RoutingRule rule;
    for (auto&& [key, node] : *t) {
      std::string* target = key == "id"              ? &rule.id
                            : key == "case_type"     ? &rule.case_type
                            : key == "category"      ? &rule.category
                            : key == "area"          ? &rule.area
                            : key == "handling_unit" ? &rule.handling_unit
                            : key == "note"          ? &rule.note
                                                     : nullptr;
      if (!target) return Invalid(Where(source, node), "unknown key '" + std::string(key.str()) + "' in rule");
      if (!node.is_string()) return Invalid(Where(source, node), "rule key '" + std::string(key.str()) + "' must be a string");
      *target = *node.value<std::string>();
    }
    const std::string where = Where(source, *t);
    if (rule.id.empty()) return Invalid(where, "rule needs an 'id'");
    const std::string what = "rule '" + rule.id + "'";
    if (!ids.insert(rule.id).second) return Invalid(where, "duplicate rule id '" + rule.id + "'");
    if (!model::LevelOfCode(rule.area)) return Invalid(where, what + ": 'area' must be an org code (4, 6, 9, 12 or 15 digits)");
    if (!model::LevelOfCode(rule.handling_unit))
      return Invalid(where, what + ": 'handling_unit' must be an org code (4, 6, 9, 12 or 15 digits)");
    if (!rule.category.empty() && rule.case_type.empty())
      return Invalid(where, what + ": a 'category' needs its 'case_type'");
    if (registry && !rule.case_type.empty()) {
      const CaseType* type = registry->Find(rule.case_type);
      if (!type) return Invalid(where, what + ": unknown case type '" + rule.case_type + "'");
      if (!rule.category.empty() && !type->FindCategory(rule.category))
        return Invalid(where, what + ": case type '" + rule.case_type + "' has no category '" + rule.category + "'");
    }
    if (!keys.emplace(rule.case_type, rule.category, rule.area).second)
      return Invalid(where, what + ": another rule already matches the same type, category and area");
    table.rules_.push_back(std::move(rule));
  }
  return table;
}

Result<RoutingTable> RoutingTable::LoadFile(const std::string& path, const CaseTypeRegistry* registry) {
  auto text = internal::ReadFile(path);
  if (!text.ok()) return text.error();
  return Parse(*text, path, registry);
}

RouteMatch RoutingTable::Route(std::string_view case_type, std::string_view category, std::string_view grid_code) const {
  const RoutingRule* best = nullptr;
  auto rank = [](const RoutingRule& r) {
    return std::pair<size_t, int>(r.area.size(), (r.case_type.empty() ? 0 : 1) + (r.category.empty() ? 0 : 1));
  };
  for (const auto& rule : rules_) {
    if (!rule.case_type.empty() && rule.case_type != case_type) continue;
    if (!rule.category.empty() && rule.category != category) continue;
    if (!grid_code.starts_with(rule.area)) continue;
    if (!best || rank(rule) > rank(*best)) best = &rule;
  }
  if (best) return RouteMatch{best->handling_unit, best->id};
  return RouteMatch{std::string(grid_code.substr(0, std::min<size_t>(grid_code.size(), 12))), "default"};
}

}  // namespace cg::cases
