#include "cases/officials.hpp"

#include <filesystem>
#include <set>

#include "cases/internal/toml_util.hpp"

namespace cg::cases {

using internal::Invalid;
using internal::Where;

Result<std::vector<Official>> ParseOfficials(std::string_view toml_text, const std::string& source) {
  auto parsed = internal::ParseToml(toml_text, source);
  if (!parsed.ok()) return parsed.error();
  std::vector<Official> out;
  for (auto&& [key, node] : *parsed) {
    if (key != "officials") return Invalid(Where(source, node), "unknown key '" + std::string(key.str()) + "'");
  }
  const auto* list = parsed->get("officials");
  if (!list) return out;
  const auto* arr = list->as_array();
  if (!arr) return Invalid(Where(source, *list), "'officials' must be an array of tables [[officials]]");
  std::set<std::string> seen;
  for (const auto& item : *arr) {
    const auto* t = item.as_table();
    if (!t) return Invalid(Where(source, item), "each official must be a table");
    Official o;
    for (auto&& [key, node] : *t) {
      std::string* target = key == "username" ? &o.username
                            : key == "title"  ? &o.title.zh
                            : key == "title_en" ? &o.title.en
                                                : nullptr;
      if (!target) return Invalid(Where(source, node), "unknown key '" + std::string(key.str()) + "' in official");
      if (!node.is_string()) return Invalid(Where(source, node), "'" + std::string(key.str()) + "' must be a string");
      *target = *node.value<std::string>();
    }
    const std::string where = Where(source, *t);
    if (o.username.empty()) return Invalid(where, "official needs a 'username'");
    if (o.title.zh.empty()) return Invalid(where, "official '" + o.username + "' needs a 'title'");
    if (o.title.en.empty()) o.title.en = o.title.zh;
    if (!seen.insert(o.username).second) return Invalid(where, "duplicate official '" + o.username + "'");
    out.push_back(std::move(o));
  }
  return out;
}

Result<std::vector<Official>> LoadOfficials(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return std::vector<Official>{};
  auto text = internal::ReadFile(path);
  if (!text.ok()) return text.error();
  return ParseOfficials(*text, path);
}

}  // namespace cg::cases
