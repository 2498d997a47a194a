#include "api/json_body.hpp"

#include <charconv>
#include <cmath>

#include "core/json_scan.hpp"

namespace cg::api {

Result<nlohmann::json> ParseJsonObject(const Request& request) {
  std::string type = request.Header("content-type");
  if (type.rfind("application/json", 0) != 0) {
    return MakeError(ErrorCode::kInvalid, "expected Content-Type: application/json");
  }
  if (!JsonNestingWithin(request.body, 64)) return MakeError(ErrorCode::kInvalid, "JSON nested too deeply");
  auto j = nlohmann::json::parse(request.body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return MakeError(ErrorCode::kInvalid, "request body is not valid JSON");
  if (!j.is_object()) return MakeError(ErrorCode::kInvalid, "request body must be a JSON object");
  return j;
}

Result<std::string> StringField(const nlohmann::json& obj, const std::string& field, bool required,
                                std::size_t max_len) {
  auto it = obj.find(field);
  if (it == obj.end() || it->is_null()) {
    if (required) return MakeError(ErrorCode::kInvalid, "field '" + field + "' is required");
    return std::string();
  }
  if (!it->is_string()) return MakeError(ErrorCode::kInvalid, "field '" + field + "' must be a string");
  const auto& s = it->get_ref<const std::string&>();
  if (s.size() > max_len)
    return MakeError(ErrorCode::kInvalid, "field '" + field + "' is longer than " + std::to_string(max_len) + " bytes");
  return s;
}

Result<std::int64_t> IntField(const nlohmann::json& obj, const std::string& field, bool required, std::int64_t min,
                              std::int64_t max, std::int64_t def) {
  auto it = obj.find(field);
  if (it == obj.end() || it->is_null()) {
    if (required) return MakeError(ErrorCode::kInvalid, "field '" + field + "' is required");
    return def;
  }
  if (!it->is_number_integer()) return MakeError(ErrorCode::kInvalid, "field '" + field + "' must be an integer");
  // Unsigned values past int64 (nlohmann keeps them apart) are out of range like any other.
  if (it->is_number_unsigned() && it->get<std::uint64_t>() > static_cast<std::uint64_t>(max)) {
    return MakeError(ErrorCode::kInvalid, "field '" + field + "' is out of range");
  }
  const auto v = it->get<std::int64_t>();
  if (v < min || v > max) {
    return MakeError(ErrorCode::kInvalid, "field '" + field + "' must be from " + std::to_string(min) + " to " +
                                              std::to_string(max));
  }
  return v;
}

Result<std::vector<std::string>> StringListField(const nlohmann::json& obj, const std::string& field,
                                                 std::size_t max_items, std::size_t max_len) {
  std::vector<std::string> out;
  auto it = obj.find(field);
  if (it == obj.end() || it->is_null()) return out;
  if (!it->is_array()) return MakeError(ErrorCode::kInvalid, "field '" + field + "' must be a list of texts");
  if (it->size() > max_items) {
    return MakeError(ErrorCode::kInvalid, "field '" + field + "' has more than " + std::to_string(max_items) + " items");
  }
  for (const auto& v : *it) {
    if (!v.is_string()) return MakeError(ErrorCode::kInvalid, "field '" + field + "' must be a list of texts");
    if (v.get_ref<const std::string&>().size() > max_len) {
      return MakeError(ErrorCode::kInvalid,
                       "field '" + field + "' has an item longer than " + std::to_string(max_len) + " bytes");
    }
    out.push_back(v.get<std::string>());
  }
  return out;
}

namespace {
Result<std::int64_t> IntParam(const Request& request, const std::string& name, std::int64_t def,
                              std::int64_t min, std::int64_t max) {
  auto v = request.Query(name);
  if (!v) return def;
  std::int64_t n = 0;
  auto [p, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
  if (ec != std::errc() || p != v->data() + v->size() || n < min || n > max) {
    return MakeError(ErrorCode::kInvalid, "query parameter '" + name + "' must be an integer from " +
                                              std::to_string(min) + " to " + std::to_string(max));
  }
  return n;
}
}  // namespace

std::optional<std::int64_t> PositiveParam(const Request& request, const char* name) {
  auto it = request.params.find(name);
  if (it == request.params.end()) return std::nullopt;
  const std::string& text = it->second;
  std::int64_t id = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc() || p != text.data() + text.size() || id <= 0 || text.size() > 15) return std::nullopt;
  return id;
}

Result<store::Page> ParsePage(const Request& request, std::int64_t default_limit,
                              std::int64_t max_limit) {
  auto limit = IntParam(request, "limit", default_limit, 1, max_limit);
  if (!limit.ok()) return limit.error();
  auto offset = IntParam(request, "offset", 0, 0, 1'000'000'000);
  if (!offset.ok()) return offset.error();
  return store::Page{*limit, *offset};
}

Result<double> NumberParam(const Request& request, const std::string& name, double min, double max) {
  auto v = request.Query(name);
  if (!v || v->empty()) return MakeError(ErrorCode::kInvalid, "query parameter '" + name + "' is required");
  double d = 0;
  auto [p, ec] = std::from_chars(v->data(), v->data() + v->size(), d);
  if (ec != std::errc() || p != v->data() + v->size() || !std::isfinite(d) || d < min || d > max) {
    return MakeError(ErrorCode::kInvalid, "query parameter '" + name + "' must be a number from " +
                                              std::to_string(static_cast<int>(min)) + " to " + std::to_string(static_cast<int>(max)));
  }
  return d;
}

std::string Dump(const nlohmann::json& value) {
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Response JsonResponse(const nlohmann::json& value, int status) {
  Response r;
  r.status = status;
  r.body = Dump(value);
  return r;
}

Response PdfResponse(std::string bytes, const std::string& filename) {
  Response r;
  r.content_type = "application/pdf";
  r.body = std::move(bytes);
  r.AddHeader("Content-Disposition", "attachment; filename=\"" + filename + "\"");
  r.AddHeader("Cache-Control", "no-store");
  return r;
}

}  // namespace cg::api
