// Open311 GeoReport v2 facade at /open311/v2/ (http://wiki.open311.org/GeoReport_v2): discovery,
// services, service definitions, requests (POST with an API key, GET with filters). Every
// resource comes as .xml and .json; errors are [{code, description}] in both formats.
// Services are the categories of case types that allow anonymous reports, with service_code
// "<type>.<category>". docs/open311.md describes the mapping.
#include <algorithm>
#include <charconv>
#include <chrono>

#include "api/app.hpp"
#include "api/case_json.hpp"
#include "api/errors.hpp"
#include "api/form.hpp"
#include "api/json_body.hpp"
#include "api/multipart.hpp"
#include "api/photo_upload.hpp"
#include "api/xml_writer.hpp"
#include "auth/random.hpp"

namespace cg::api {
namespace {

enum class Format { kJson, kXml };

constexpr std::int64_t kDay = 24LL * 3600 * 1000;

Response Document(Format f, const nlohmann::json& json, std::string xml, int status = 200) {
  if (f == Format::kJson) {
    Response r = SafeJsonResponse(json, status);
    r.content_type = "application/json; charset=utf-8";
    return r;
  }
  Response r;
  r.status = status;
  r.content_type = "text/xml; charset=utf-8";
  r.body = std::move(xml);
  return r;
}

Response Open311Error(Format f, int status, const std::string& description) {
  nlohmann::json j = nlohmann::json::array({{{"code", status}, {"description", description}}});
  XmlWriter x;
  x.Open("errors").Open("error").Element("code", std::to_string(status)).Element("description", description);
  return Document(f, j, x.Finish(), status);
}

// "name.json" / "name.xml" -> (name, format); nullopt for another extension.
std::optional<std::pair<std::string, Format>> SplitFormat(const std::string& file) {
  auto dot = file.rfind('.');
  if (dot == std::string::npos || dot == 0) return std::nullopt;
  std::string ext = file.substr(dot + 1);
  if (ext == "json") return std::make_pair(file.substr(0, dot), Format::kJson);
  if (ext == "xml") return std::make_pair(file.substr(0, dot), Format::kXml);
  return std::nullopt;
}

struct Service {
  const cases::CaseType* type;
  const cases::Category* category;
  std::string code() const { return type->code + "." + category->code; }
};

std::vector<Service> Services(const CaseData& data) {
  std::vector<Service> out;
  for (const auto* t : data.registry.All()) {
    if (!t->create_anonymous) continue;
    for (const auto& c : t->categories) out.push_back({t, &c});
  }
  return out;
}

std::optional<Service> FindService(const CaseData& data, const std::string& code) {
  for (const auto& s : Services(data)) {
    if (s.code() == code) return s;
  }
  return std::nullopt;
}

// Fields a request fills from the spec's own parameters rather than attributes.
bool IsBuiltinField(const cases::FieldSpec& f) {
  return f.code == "description" || f.code == "address" || f.code == "contact_phone" ||
         f.type == cases::FieldType::kPoint;
}

std::vector<const cases::FieldSpec*> Attributes(const cases::CaseType& t) {
  std::vector<const cases::FieldSpec*> out;
  for (const auto& f : t.fields) {
    if (!IsBuiltinField(f)) out.push_back(&f);
  }
  return out;
}

std::string Datatype(const cases::FieldSpec& f) {
  switch (f.type) {
    case cases::FieldType::kText: return "text";
    case cases::FieldType::kInteger:
    case cases::FieldType::kNumber: return "number";
    case cases::FieldType::kDate: return "datetime";
    case cases::FieldType::kEnum:
    case cases::FieldType::kBool: return "singlevaluelist";
    default: return "string";
  }
}

// Parses a W3C date-time ("2026-05-01T08:30:00Z", "...+08:00") or a date ("2026-05-01", UTC).
std::optional<Timestamp> ParseW3c(const std::string& s) {
  int y, mo, d, h = 0, mi = 0, sec = 0;
  auto num = [&](std::size_t pos, std::size_t len, int& out) {
    if (pos + len > s.size()) return false;
    auto r = std::from_chars(s.data() + pos, s.data() + pos + len, out);
    return r.ec == std::errc() && r.ptr == s.data() + pos + len;
  };
  if (!num(0, 4, y) || s.size() < 10 || s[4] != '-' || !num(5, 2, mo) || s[7] != '-' || !num(8, 2, d)) return std::nullopt;
  std::int64_t offset_min = 0;
  if (s.size() > 10) {
    if (s[10] != 'T' || s.size() < 19 || !num(11, 2, h) || s[13] != ':' || !num(14, 2, mi) || s[16] != ':' ||
        !num(17, 2, sec)) {
      return std::nullopt;
    }
    std::size_t pos = 19;
    if (pos < s.size() && s[pos] == '.') {
      ++pos;
      while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') ++pos;
    }
    std::string zone = s.substr(pos);
    if (zone == "Z" || zone.empty()) {
      offset_min = 0;
    } else if (zone.size() == 6 && (zone[0] == '+' || zone[0] == '-') && zone[3] == ':') {
      int oh, om;
      if (!num(pos + 1, 2, oh) || !num(pos + 4, 2, om)) return std::nullopt;
      offset_min = (zone[0] == '+' ? 1 : -1) * (oh * 60 + om);
    } else {
      return std::nullopt;
    }
  }
  using namespace std::chrono;
  year_month_day ymd{year{y}, month{static_cast<unsigned>(mo)}, day{static_cast<unsigned>(d)}};
  if (!ymd.ok() || h > 23 || mi > 59 || sec > 60) return std::nullopt;
  auto t = sys_days{ymd} + hours{h} + minutes{mi} + seconds{sec} - minutes{offset_min};
  return duration_cast<milliseconds>(t.time_since_epoch()).count();
}

std::vector<std::string> SplitComma(const std::string& s) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (pos <= s.size()) {
    auto comma = s.find(',', pos);
    if (comma == std::string::npos) comma = s.size();
    std::string part = s.substr(pos, comma - pos);
    part.erase(0, part.find_first_not_of(' '));
    part.erase(part.find_last_not_of(' ') + 1);
    if (!part.empty()) out.push_back(part);
    pos = comma + 1;
  }
  return out;
}

// One request in the spec's shape: public columns only (no reporter, no contact, no grid).
nlohmann::json RequestJson(const store::CaseRecord& r, const CaseData& data, const std::string& base_url) {
  const cases::CaseType* t = data.registry.Find(r.c.type);
  const cases::Category* cat = t ? t->FindCategory(r.c.category) : nullptr;
  Timestamp updated = r.c.timeline.empty() ? r.c.state_entered_at : r.c.timeline.back().at;
  std::string address;
  if (auto it = r.c.fields.find("address"); it != r.c.fields.end()) address = it->second;
  nlohmann::json j = {{"service_request_id", r.public_id},
                      {"status", r.public_open ? "open" : "closed"},
                      {"status_notes", r.last_public_note},
                      {"service_name", cat ? cat->label.zh : r.c.category},
                      {"service_code", r.c.type + "." + r.c.category},
                      {"description", r.description},
                      {"agency_responsible", ""},
                      {"service_notice", ""},
                      {"requested_datetime", Rfc3339(r.c.opened_at)},
                      {"updated_datetime", Rfc3339(std::max(updated, r.c.state_entered_at))},
                      {"expected_datetime", r.c.due_at ? Rfc3339(r.c.due_at) : ""},
                      {"address", address},
                      {"address_id", ""},
                      {"zipcode", ""},
                      {"lat", r.lat},
                      {"long", r.lon},
                      {"media_url", ""}};
  // The first photo's public copy (listings know the type, not every field of the case).
  if (!r.first_photo_id.empty() && PhotosArePublic(r, t)) j["media_url"] = base_url + PublicPhotoUrl(r.first_photo_id);
  return j;
}

void RequestXml(XmlWriter& x, const nlohmann::json& j) {
  x.Open("request");
  for (const char* k : {"service_request_id", "status", "status_notes", "service_name", "service_code",
                        "description", "agency_responsible", "service_notice", "requested_datetime",
                        "updated_datetime", "expected_datetime", "address", "address_id", "zipcode",
                        "lat", "long", "media_url"}) {
    const auto& v = j.at(k);
    x.Element(k, v.is_string() ? v.get<std::string>() : Dump(v));
  }
  x.Close();
}

Response RequestList(Format f, const std::vector<store::CaseRecord>& records, const CaseData& data,
                     const std::string& base_url) {
  nlohmann::json arr = nlohmann::json::array();
  XmlWriter x;
  x.Open("service_requests");
  for (const auto& r : records) {
    auto j = RequestJson(r, data, base_url);
    RequestXml(x, j);
    arr.push_back(std::move(j));
  }
  return Document(f, arr, x.Finish());
}

}  // namespace

void App::RegisterOpen311Routes() {
  for (Format f : {Format::kJson, Format::kXml}) {
    const std::string ext = f == Format::kJson ? ".json" : ".xml";

    router_.Add({"GET", "/open311/v2/discovery" + ext, Access::kPublic, "Open311 GeoReport v2 discovery",
                 "open311", [this, f](Request&) {
                   nlohmann::json formats = {"text/xml", "application/json"};
                   nlohmann::json endpoint = {{"specification", "http://wiki.open311.org/GeoReport_v2"},
                                              {"url", "/open311/v2"}, {"changeset", "2026-11-24T00:00:00Z"},
                                              {"type", "production"}, {"formats", formats}};
                   nlohmann::json j = {{"changeset", "2026-11-24T00:00:00Z"}, {"contact", "citygrid operators"},
                                       {"key_service", "ask the operators: citygrid apikey add --name NAME"},
                                       {"endpoints", nlohmann::json::array({endpoint})}};
                   XmlWriter x;
                   x.Open("discovery").Element("changeset", "2026-11-24T00:00:00Z");
                   x.Element("contact", j["contact"].get<std::string>());
                   x.Element("key_service", j["key_service"].get<std::string>());
                   x.Open("endpoints").Open("endpoint");
                   x.Element("specification", "http://wiki.open311.org/GeoReport_v2").Element("url", "/open311/v2");
                   x.Element("changeset", "2026-11-24T00:00:00Z").Element("type", "production");
                   x.Open("formats").Element("format", "text/xml").Element("format", "application/json");
                   return Document(f, j, x.Finish());
                 }});

    router_.Add({"GET", "/open311/v2/services" + ext, Access::kPublic, "Open311 service list (case categories)",
                 "open311", [this, f](Request&) {
                   auto data = case_data();
                   if (!data) return Open311Error(f, 503, "case types are not loaded");
                   nlohmann::json arr = nlohmann::json::array();
                   XmlWriter x;
                   x.Open("services");
                   for (const auto& s : Services(*data)) {
                     bool metadata = !Attributes(*s.type).empty();
                     nlohmann::json j = {{"service_code", s.code()}, {"service_name", s.category->label.zh},
                                         {"description", s.category->label.en}, {"metadata", metadata},
                                         {"type", "realtime"},
                                         {"keywords", s.category->label.en + "," + s.category->code},
                                         {"group", s.type->label.zh}};
                     x.Open("service").Element("service_code", s.code()).Element("service_name", s.category->label.zh);
                     x.Element("description", s.category->label.en).Element("metadata", metadata ? "true" : "false");
                     x.Element("type", "realtime").Element("keywords", j["keywords"].get<std::string>());
                     x.Element("group", s.type->label.zh).Close();
                     arr.push_back(std::move(j));
                   }
                   return Document(f, arr, x.Finish());
                 }});

    router_.Add({"GET", "/open311/v2/requests" + ext, Access::kPublic,
                 "Open311 requests: service_request_id, service_code, start_date, end_date, status (default: 90 days, 1000)",
                 "open311", [this, f](Request& req) {
                   auto data = case_data();
                   if (!data) return Open311Error(f, 503, "case types are not loaded");
                   store::RequestFilter filter;
                   if (auto ids = req.Query("service_request_id")) {
                     filter.public_ids = SplitComma(*ids);
                     if (filter.public_ids.size() > 1000) return Open311Error(f, 400, "too many service_request_id values");
                     if (filter.public_ids.empty()) return Open311Error(f, 400, "empty service_request_id");
                     auto records = store_.Cases().ListRequests(filter);
                     if (!records.ok()) return Open311Error(f, 500, "cannot read requests");
                     return RequestList(f, *records, *data, config_.public_base_url);
                   }
                   if (auto code = req.Query("service_code")) {
                     auto s = FindService(*data, *code);
                     if (!s) return Open311Error(f, 404, "service_code not found");
                     filter.type = s->type->code;
                     filter.category = s->category->code;
                   }
                   std::optional<Timestamp> start, end;
                   if (auto v = req.Query("start_date")) {
                     start = ParseW3c(*v);
                     if (!start) return Open311Error(f, 400, "start_date is not a W3C date-time");
                   }
                   if (auto v = req.Query("end_date")) {
                     end = ParseW3c(*v);
                     if (!end) return Open311Error(f, 400, "end_date is not a W3C date-time");
                   }
                   if (start && end && *end < *start) return Open311Error(f, 400, "end_date is before start_date");
                   if (!start) start = end.value_or(clock_.Now()) - 90 * kDay;
                   if (!end) end = *start + 90 * kDay;
                   if (*end - *start > 90 * kDay) return Open311Error(f, 400, "start_date and end_date may be at most 90 days apart");
                   filter.start = start;
                   filter.end = *end + 1;  // inclusive
                   if (auto v = req.Query("status")) {
                     auto statuses = SplitComma(*v);
                     bool open = std::count(statuses.begin(), statuses.end(), "open") > 0;
                     bool closed = std::count(statuses.begin(), statuses.end(), "closed") > 0;
                     for (const auto& st : statuses) {
                       if (st != "open" && st != "closed") return Open311Error(f, 400, "status must be open or closed");
                     }
                     if (open != closed) filter.open = open;
                   }
                   filter.limit = 1000;
                   auto records = store_.Cases().ListRequests(filter);
                   if (!records.ok()) return Open311Error(f, 500, "cannot read requests");
                   return RequestList(f, *records, *data, config_.public_base_url);
                 }});

    router_.Add({"POST", "/open311/v2/requests" + ext, Access::kPublic,
                 "Open311 new request (urlencoded or multipart with a 'media' photo: api_key, service_code, "
                 "lat, long, description, attribute[code])",
                 "open311", [this, f](Request& req) {
                   auto data = case_data();
                   if (!data) return Open311Error(f, 503, "case types are not loaded");
                   // Form-encoded as the spec says, or multipart/form-data with a 'media' file part.
                   std::multimap<std::string, std::string> form;
                   std::optional<media::Gps> gps;
                   CaseSubmission s;
                   if (IsMultipartFormData(req.Header("content-type"))) {
                     // The key is checked before any photo is decoded.
                     std::string key = PeekTextPart(req, "api_key").value_or(req.Query("api_key").value_or(""));
                     if (key.empty()) return Open311Error(f, 403, "api_key was not provided");
                     if (!store_.Cases().FindApiKey(auth::Sha256Hex(key)).ok()) {
                       return Open311Error(f, 403, "api_key is invalid");
                     }
                     auto upload = ReadUploadForm(req, upload_options("media", 1));
                     if (!upload.ok()) return Open311Error(f, HttpStatusOf(upload.error().code), upload.error().message);
                     form = std::move(upload->fields);
                     s.photos = std::move(upload->photos);
                     gps = upload->gps;
                   } else {
                     auto parsed = ParseForm(req.body);
                     if (!parsed.ok()) return Open311Error(f, 400, parsed.error().message);
                     form = std::move(parsed).value();
                   }
                   auto get = [&](const std::string& k) -> std::string {
                     auto it = form.find(k);
                     if (it != form.end()) return it->second;
                     return req.Query(k).value_or("");
                   };
                   std::string api_key = get("api_key");
                   if (api_key.empty()) return Open311Error(f, 403, "api_key was not provided");
                   if (!store_.Cases().FindApiKey(auth::Sha256Hex(api_key)).ok()) {
                     return Open311Error(f, 403, "api_key is invalid");
                   }
                   auto service = FindService(*data, get("service_code"));
                   if (!service) return Open311Error(f, 400, "service_code not found");
                   s.type = service->type->code;
                   s.category = service->category->code;
                   std::string lat = get("lat"), lon = get("long");
                   if (lat.empty() && lon.empty() && gps) {
                     // No coordinates, but the uploaded media has an EXIF position: use it.
                     lat = Dump(nlohmann::json(gps->latitude));
                     lon = Dump(nlohmann::json(gps->longitude));
                   }
                   if (lat.empty() || lon.empty()) {
                     if (!get("address_string").empty() || !get("address_id").empty()) {
                       return Open311Error(f, 400, "lat and long are required: address lookup is not available "
                                                   "here (or upload media with an EXIF GPS position)");
                     }
                     return Open311Error(f, 400, "lat and long are required");
                   }
                   double la, lo;
                   auto r1 = std::from_chars(lat.data(), lat.data() + lat.size(), la);
                   auto r2 = std::from_chars(lon.data(), lon.data() + lon.size(), lo);
                   if (r1.ec != std::errc() || r1.ptr != lat.data() + lat.size() || r2.ec != std::errc() ||
                       r2.ptr != lon.data() + lon.size() || !(la >= -90 && la <= 90) || !(lo >= -180 && lo <= 180)) {
                     return Open311Error(f, 400, "lat/long are not valid WGS-84 coordinates");
                   }
                   s.lat = la;
                   s.lon = lo;
                   if (!get("description").empty()) s.fields["description"] = get("description");
                   if (!get("address_string").empty()) s.fields["address"] = get("address_string");
                   if (!get("phone").empty()) s.fields["contact_phone"] = get("phone");
                   // email, first_name, last_name, device_id, account_id, media_url: accepted, not stored.
                   for (const auto& [k, v] : form) {
                     if (k.rfind("attribute[", 0) == 0 && k.size() > 11 && k.back() == ']') {
                       std::string code = k.substr(10, k.size() - 11);
                       const auto attrs = Attributes(*service->type);
                       bool known = std::any_of(attrs.begin(), attrs.end(), [&](auto* a) { return a->code == code; });
                       if (!known) return Open311Error(f, 400, "unknown attribute '" + code + "'");
                       s.fields[code] = v;
                     }
                   }
                   std::string key = req.Header("idempotency-key");
                   if (!key.empty() && key.size() <= 200) s.idempotency_key = "o:" + api_key.substr(0, 8) + ":" + key;
                   auto created = SubmitCase(s);
                   if (!created.ok()) {
                     const Error& e = created.error();
                     int status = e.code == ErrorCode::kInvalid ? 400 : HttpStatusOf(e.code);
                     return Open311Error(f, status, e.message);
                   }
                   nlohmann::json item = {{"service_request_id", created->record.public_id},
                                          {"service_notice", ""}, {"account_id", ""}};
                   XmlWriter x;
                   x.Open("service_requests").Open("request");
                   x.Element("service_request_id", created->record.public_id).Element("service_notice", "");
                   x.Element("account_id", "");
                   return Document(f, nlohmann::json::array({item}), x.Finish(), created->replayed ? 200 : 201);
                 }});
  }

  router_.Add({"GET", "/open311/v2/services/{service_file}", Access::kPublic,
               "Open311 service definition (attributes from the case type's fields): <code>.json|.xml",
               "open311", [this](Request& req) {
                 auto split = SplitFormat(req.params.at("service_file"));
                 if (!split) return Open311Error(Format::kJson, 404, "use .json or .xml");
                 Format f = split->second;
                 auto data = case_data();
                 if (!data) return Open311Error(f, 503, "case types are not loaded");
                 auto s = FindService(*data, split->first);
                 if (!s) return Open311Error(f, 404, "service_code not found");
                 nlohmann::json attrs = nlohmann::json::array();
                 XmlWriter x;
                 x.Open("service_definition").Element("service_code", s->code()).Open("attributes");
                 int order = 1;
                 for (const auto* a : Attributes(*s->type)) {
                   nlohmann::json values = nlohmann::json::array();
                   std::vector<std::string> keys = a->values;
                   if (a->type == cases::FieldType::kBool) keys = {"true", "false"};
                   for (const auto& v : keys) values.push_back({{"key", v}, {"name", v}});
                   nlohmann::json j = {{"variable", true}, {"code", a->code}, {"datatype", Datatype(*a)},
                                       {"required", a->required}, {"datatype_description", a->label.en},
                                       {"order", order}, {"description", a->label.zh}};
                   if (!values.empty()) j["values"] = values;
                   x.Open("attribute").Element("variable", "true").Element("code", a->code);
                   x.Element("datatype", Datatype(*a)).Element("required", a->required ? "true" : "false");
                   x.Element("datatype_description", a->label.en).Element("order", std::to_string(order));
                   x.Element("description", a->label.zh);
                   if (!values.empty()) {
                     x.Open("values");
                     for (const auto& v : keys) x.Open("value").Element("key", v).Element("name", v).Close();
                     x.Close();
                   }
                   x.Close();
                   attrs.push_back(std::move(j));
                   ++order;
                 }
                 return Document(f, {{"service_code", s->code()}, {"attributes", attrs}}, x.Finish());
               }});

  router_.Add({"GET", "/open311/v2/requests/{request_file}", Access::kPublic,
               "Open311 one request: <service_request_id>.json|.xml", "open311", [this](Request& req) {
                 auto split = SplitFormat(req.params.at("request_file"));
                 if (!split) return Open311Error(Format::kJson, 404, "use .json or .xml");
                 Format f = split->second;
                 auto data = case_data();
                 if (!data) return Open311Error(f, 503, "case types are not loaded");
                 auto r = store_.Cases().GetCaseByPublicId(split->first);
                 if (!r.ok()) return Open311Error(f, 404, "service_request_id not found");
                 return RequestList(f, {*r}, *data, config_.public_base_url);
               }});
}

}  // namespace cg::api
