#pragma once
// Reading JSON request bodies and query parameters with clear, field-level errors.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "api/http_types.hpp"
#include "core/result.hpp"
#include "store/store.hpp"

namespace cg::api {

// The body as a JSON object. kInvalid if the content type is not JSON, the text is not valid
// JSON, nests deeper than 64 levels, or is not an object.
Result<nlohmann::json> ParseJsonObject(const Request& request);
// obj[field] as a string; kInvalid naming the field if missing (when required) or not a string.
Result<std::string> StringField(const nlohmann::json& obj, const std::string& field,
                                bool required = true, std::size_t max_len = 4096);
// obj[field] as an integer within [min, max] (`def` when absent and not required); kInvalid
// naming the field otherwise (a fraction, a string, out of range).
Result<std::int64_t> IntField(const nlohmann::json& obj, const std::string& field, bool required, std::int64_t min,
                              std::int64_t max, std::int64_t def = 0);
// obj[field] as a list of strings (empty when absent): at most max_items, each at most max_len
// bytes; kInvalid naming the field otherwise.
Result<std::vector<std::string>> StringListField(const nlohmann::json& obj, const std::string& field,
                                                 std::size_t max_items, std::size_t max_len);
// limit/offset query parameters: limit 1..max_limit (default `default_limit`), offset >= 0.
Result<store::Page> ParsePage(const Request& request, std::int64_t default_limit,
                              std::int64_t max_limit);
// A finite number query parameter within [min, max]; kInvalid naming it otherwise.
Result<double> NumberParam(const Request& request, const std::string& name, double min, double max);
// Path parameter `name` as a positive integer (at most 15 digits); nullopt otherwise.
std::optional<std::int64_t> PositiveParam(const Request& request, const char* name);
// Serialises with invalid UTF-8 replaced rather than throwing.
std::string Dump(const nlohmann::json& value);
Response JsonResponse(const nlohmann::json& value, int status = 200);
// A PDF download (attachment `filename`, never cached).
Response PdfResponse(std::string bytes, const std::string& filename);

}  // namespace cg::api
