// Report templates, live reports and the generated field form over HTTP (docs/reports.md):
// GET /api/v1/reports, GET /api/v1/reports/{template}?scope=&format=json|xlsx|csv,
// POST /api/v1/report-templates[?dry_run=1], GET|DELETE /api/v1/report-templates/{template},
// GET /api/v1/forms/household, GET /api/v1/forms/person.
#include <cmath>
#include <sstream>

#include "api/app.hpp"
#include "api/errors.hpp"
#include "api/json_body.hpp"

namespace cg::api {
namespace {

using model::Role;

bool CanReadReports(const Request& req) { return req.principal->user.role != Role::kResident; }
bool IsAdmin(const Request& req) { return req.principal->user.role == Role::kAdmin; }

Response Unavailable() { return BaseDataUnavailable(); }

// A JSON value as TOML: strings quoted, objects as inline tables, arrays as arrays. The
// template parser then applies every rule, so this only has to be faithful.
std::string TomlString(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        if (c < 0x20 || c == 0x7f) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

Result<std::string> TomlValue(const nlohmann::json& v, int depth) {
  if (depth > 8) return MakeError(ErrorCode::kInvalid, "template nests too deeply");
  if (v.is_string()) return TomlString(v.get<std::string>());
  if (v.is_boolean()) return std::string(v.get<bool>() ? "true" : "false");
  if (v.is_number_integer()) return v.dump();
  if (v.is_number_float()) {
    double d = v.get<double>();
    if (!std::isfinite(d)) return MakeError(ErrorCode::kInvalid, "numbers must be finite");
    std::ostringstream o;
    o.precision(17);
    o << d;
    std::string s = o.str();
    if (s.find_first_of(".eE") == std::string::npos) s += ".0";
    return s;
  }
  if (v.is_array()) {
    std::string out = "[";
    for (const auto& item : v) {
      auto t = TomlValue(item, depth + 1);
      if (!t.ok()) return t;
      out += (out.size() > 1 ? ", " : "") + *t;
    }
    return out + "]";
  }
  if (v.is_object()) {
    std::string out = "{";
    for (auto it = v.begin(); it != v.end(); ++it) {
      auto t = TomlValue(it.value(), depth + 1);
      if (!t.ok()) return t;
      out += (out.size() > 1 ? ", " : "") + TomlString(it.key()) + " = " + *t;
    }
    return out + "}";
  }
  return MakeError(ErrorCode::kInvalid, "null is not a template value");
}

// The template text of a POST: TOML as is (Content-Type application/toml or text/plain), or
// JSON — {"toml": "..."} or the template itself as an object.
Result<std::string> TemplateText(const Request& req) {
  std::string type = req.Header("content-type");
  if (type.rfind("application/toml", 0) == 0 || type.rfind("text/plain", 0) == 0) return req.body;
  auto body = ParseJsonObject(req);
  if (!body.ok()) return body.error();
  if (body->contains("toml")) {
    if (body->size() != 1 || !(*body)["toml"].is_string())
      return MakeError(ErrorCode::kInvalid, "toml: expected a string, and no other keys");
    return (*body)["toml"].get<std::string>();
  }
  std::string out;
  for (auto it = body->begin(); it != body->end(); ++it) {
    auto t = TomlValue(it.value(), 0);
    if (!t.ok()) return t.error();
    out += TomlString(it.key()) + " = " + *t + "\n";
  }
  return out;
}

nlohmann::json FilterJson(const reports::Filter& f) {
  nlohmann::json j = {{"field", f.field}, {"op", reports::FilterOpName(f.op)}};
  if (!f.values.empty()) j["value"] = f.values;
  else if (f.op != reports::FilterOp::kSet && f.op != reports::FilterOp::kUnset) j["value"] = f.value;
  return j;
}

nlohmann::json ColumnJson(const reports::Column& c) {
  static const char* kKinds[] = {"count", "sum", "ratio"};
  nlohmann::json j = {{"code", c.code},         {"label_zh", c.label_zh}, {"label_en", c.label_en},
                      {"group_zh", c.group_zh}, {"group_en", c.group_en}, {"kind", kKinds[static_cast<int>(c.kind)]},
                      {"unit", c.unit},         {"decimals", c.decimals}};
  if (c.kind == reports::ColumnKind::kRatio) {
    j["numerator"] = c.numerator;
    j["denominator"] = c.denominator;
    j["percent"] = c.percent;
  } else {
    nlohmann::json filters = nlohmann::json::array();
    for (const auto& f : c.filters) filters.push_back(FilterJson(f));
    j["filters"] = filters;
    if (!c.sum_element.empty()) j["sum"] = c.sum_element;
  }
  return j;
}

nlohmann::json ElementJson(const forms::DataElement& e) {
  nlohmann::json j = {{"code", e.code}, {"label_zh", e.label_zh}, {"label_en", e.label_en},
                      {"type", forms::ElementTypeName(e.type)}, {"sensitivity", forms::SensitivityName(e.sensitivity)}};
  if (!e.unit.empty()) j["unit"] = e.unit;
  if (!e.values.empty()) {
    nlohmann::json values = nlohmann::json::array();
    for (const auto& v : e.values) values.push_back({{"code", v.code}, {"label_zh", v.label_zh}, {"label_en", v.label_en}});
    j["values"] = values;
  }
  return j;
}

nlohmann::json CellJson(const reports::Cell& c) {
  if (c.null) return nullptr;
  if (c.decimals == 0) return c.value;
  return c.Number();
}

nlohmann::json RowJson(const reports::ReportRow& row) {
  nlohmann::json values = nlohmann::json::array();
  for (const auto& c : row.values) values.push_back(CellJson(c));
  return {{"code", row.code}, {"name", row.name}, {"kind", model::OrgKindName(row.kind)}, {"values", values}};
}

// "老年人口.xlsx" for Content-Disposition: an ASCII fallback and the UTF-8 name (RFC 6266/5987).
std::string Disposition(const std::string& name, const std::string& ascii_fallback) {
  static const char* kHex = "0123456789ABCDEF";
  std::string encoded;
  for (unsigned char c : name) {
    if (std::isalnum(c) || c == '.' || c == '-' || c == '_') {
      encoded += static_cast<char>(c);
    } else {
      encoded += '%';
      encoded += kHex[c >> 4];
      encoded += kHex[c & 15];
    }
  }
  return "attachment; filename=\"" + ascii_fallback + "\"; filename*=UTF-8''" + encoded;
}

}  // namespace

nlohmann::json App::TemplateJson(const reports::Template& t) const {
  nlohmann::json columns = nlohmann::json::array();
  for (const auto& c : t.columns) columns.push_back(ColumnJson(c));
  nlohmann::json j = {{"code", t.code},
                      {"department", t.department},
                      {"title_zh", t.title_zh},
                      {"title_en", t.title_en},
                      {"subject", model::BaseEntityName(t.subject)},
                      {"rows", reports::RowLevelName(t.rows)},
                      {"built_in", reports_->IsBuiltIn(t.code)},
                      {"elements", t.Elements()},
                      {"columns", columns}};
  if (const auto* d = dictionary_->FindDepartment(t.department)) {
    j["department_label_zh"] = d->label_zh;
    j["department_label_en"] = d->label_en;
  }
  return j;
}

void App::RegisterReportRoutes() {
  const std::string tag = "reports";
  router_.Add({"GET", "/api/v1/reports", Access::kUser, "Report templates the caller may run", tag, [this](Request& req) {
                 if (!reports_) return Unavailable();
                 if (!CanReadReports(req)) return ErrorResponse(403, "forbidden", "your role may not read reports");
                 nlohmann::json items = nlohmann::json::array();
                 for (const auto& t : reports_->List()) items.push_back(TemplateJson(*t));
                 return JsonResponse({{"items", items}, {"scope_code", req.principal->user.scope_code}});
               }});

  router_.Add({"GET", "/api/v1/reports/{template}", Access::kUser,
               "A live report for an org unit in scope (?scope=CODE, default your unit; ?format=json|xlsx|csv)", tag,
               [this](Request& req) {
                 if (!reports_) return Unavailable();
                 if (!CanReadReports(req)) return ErrorResponse(403, "forbidden", "your role may not read reports");
                 std::string format = req.Query("format").value_or("json");
                 if (format != "json" && format != "xlsx" && format != "csv")
                   return ErrorResponse(400, "invalid", "format: expected json, xlsx or csv");
                 std::string scope = req.Query("scope").value_or(req.principal->user.scope_code);
                 if (!model::ValidateOrgCode(scope).ok())
                   return ErrorResponse(400, "invalid", "scope: expected an org unit code (4, 6, 9, 12 or 15 digits)");
                 const std::string& code = req.params.at("template");
                 if (!reports_->Find(code)) return ErrorResponse(404, "not_found", "no such report template");
                 auto report = reports_->Run(req.principal->scope(), code, scope);
                 if (!report.ok()) {
                   // Never echo the scope code: outside the caller's subtree it must look absent.
                   if (report.error().code == ErrorCode::kNotFound)
                     return ErrorResponse(404, "not_found", "no such org unit in your scope");
                   return ErrorResponse(report.error());
                 }
                 if (format == "xlsx") {
                   auto bytes = reports::RenderXlsx(*report);
                   if (!bytes.ok()) return ErrorResponse(bytes.error());
                   Response r;
                   r.content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
                   r.body = std::move(bytes).value();
                   r.AddHeader("Content-Disposition",
                               Disposition(reports::FileName(*report, "xlsx"), report->tpl->code + "-" + scope + ".xlsx"));
                   return r;
                 }
                 if (format == "csv") {
                   Response r;
                   r.content_type = "text/csv; charset=utf-8";
                   r.body = reports::RenderCsv(*report);
                   r.AddHeader("Content-Disposition",
                               Disposition(reports::FileName(*report, "csv"), report->tpl->code + "-" + scope + ".csv"));
                   return r;
                 }
                 nlohmann::json rows = nlohmann::json::array();
                 for (const auto& row : report->rows) rows.push_back(RowJson(row));
                 return JsonResponse({{"template", TemplateJson(*report->tpl)},
                                      {"scope", {{"code", report->scope.code}, {"name", report->scope.name},
                                                 {"kind", model::OrgKindName(report->scope.kind)}}},
                                      {"as_of", FormatDate(report->as_of)},
                                      {"generated_at", report->generated_at},
                                      {"seq", report->seq},
                                      {"department_label", report->department_label},
                                      {"rows", rows},
                                      {"total", RowJson(report->total)}});
               }});

  router_.Add({"POST", "/api/v1/report-templates", Access::kUser,
               "Add a report template (admin; TOML or JSON; ?dry_run=1 only validates and lists the new form fields)",
               tag, [this](Request& req) {
                 if (!reports_) return Unavailable();
                 if (!IsAdmin(req)) return ErrorResponse(403, "forbidden", "only an admin may add report templates");
                 if (req.body.size() > 256 * 1024) return ErrorResponse(413, "too_large", "template larger than 256 KiB");
                 auto text = TemplateText(req);
                 if (!text.ok()) return ErrorResponse(text.error());
                 bool dry = req.Query("dry_run").value_or("") == "1" || req.Query("dry_run").value_or("") == "true";
                 auto result = dry ? reports_->Preview(*text) : reports_->Add(*text, req.principal->user.id);
                 if (!result.ok()) return ErrorResponse(result.error());
                 nlohmann::json added = nlohmann::json::array();
                 for (const auto* e : result->new_elements) added.push_back(ElementJson(*e));
                 nlohmann::json body = {{"template", TemplateJson(*result->tpl)}, {"new_elements", added},
                                        {"dry_run", dry}};
                 body["template"]["built_in"] = false;
                 return JsonResponse(body, dry ? 200 : 201);
               }});

  router_.Add({"GET", "/api/v1/report-templates/{template}", Access::kUser, "One report template with its TOML text",
               tag, [this](Request& req) {
                 if (!reports_) return Unavailable();
                 if (!CanReadReports(req)) return ErrorResponse(403, "forbidden", "your role may not read reports");
                 auto t = reports_->Find(req.params.at("template"));
                 if (!t) return ErrorResponse(404, "not_found", "no such report template");
                 auto j = TemplateJson(*t);
                 j["toml"] = t->text;
                 return JsonResponse(j);
               }});

  router_.Add({"DELETE", "/api/v1/report-templates/{template}", Access::kUser,
               "Remove a report template an admin added (admin; built-in ones are 409)", tag, [this](Request& req) {
                 if (!reports_) return Unavailable();
                 if (!IsAdmin(req)) return ErrorResponse(403, "forbidden", "only an admin may remove report templates");
                 auto s = reports_->Remove(req.params.at("template"));
                 if (!s.ok()) return ErrorResponse(s.error());
                 Response r;
                 r.status = 204;
                 r.content_type.clear();
                 return r;
               }});

  for (const char* entity : {"household", "person"}) {
    router_.Add({"GET", std::string("/api/v1/forms/") + entity, Access::kUser,
                 std::string("The ") + entity +
                     " field form generated from the active report templates, with the burden saved",
                 tag, [this, entity](Request& req) {
                   if (!reports_) return Unavailable();
                   if (!CanReadReports(req)) return ErrorResponse(403, "forbidden", "your role may not read forms");
                   auto form = reports_->Form(entity);
                   if (!form.ok()) return ErrorResponse(form.error());
                   nlohmann::json sections = nlohmann::json::array();
                   for (const auto& s : form->sections) {
                     nlohmann::json fields = nlohmann::json::array();
                     for (const auto& f : s.fields) {
                       nlohmann::json j = f.element ? ElementJson(*f.element) : nlohmann::json::object();
                       j["code"] = f.code;
                       j["label_zh"] = f.label_zh;
                       j["label_en"] = f.label_en;
                       j["type"] = f.type;
                       j["required"] = f.required;
                       j["core"] = f.core;
                       j["templates"] = f.templates;
                       fields.push_back(j);
                     }
                     sections.push_back({{"entity", s.entity}, {"group", s.group}, {"label_zh", s.label_zh},
                                         {"label_en", s.label_en}, {"fields", fields}});
                   }
                   nlohmann::json per = nlohmann::json::array();
                   for (const auto& d : form->burden.per_department)
                     per.push_back({{"department", d.code}, {"label_zh", d.label_zh}, {"fields", d.fields}});
                   return JsonResponse(
                       {{"entity", entity},
                        {"sections", sections},
                        {"burden",
                         {{"fields_once", form->burden.fields_once},
                          {"fields_separate", form->burden.fields_separate},
                          {"fields_saved", form->burden.fields_separate - form->burden.fields_once},
                          {"departments", form->burden.departments},
                          {"per_department", per}}}});
                 }});
  }
}

}  // namespace cg::api
