#include "api/case_json.hpp"

#include <chrono>
#include <cstdio>

#include "api/json_body.hpp"
#include "api/photo_upload.hpp"
#include "model/masking.hpp"

namespace cg::api {
namespace {

nlohmann::json FieldJson(const cases::FieldSpec& f) {
  nlohmann::json j = {{"code", f.code}, {"name", f.label.zh}, {"name_en", f.label.en},
                      {"type", cases::FieldTypeName(f.type)}, {"required", f.required}};
  if (f.max_length > 0) j["max_length"] = f.max_length;
  if (!f.values.empty()) j["values"] = f.values;
  if (!f.must_be.empty()) j["must_be"] = f.must_be;
  if (!f.required_if.field.empty()) j["required_if"] = {{"field", f.required_if.field}, {"value", f.required_if.value}};
  return j;
}

std::string StateName(const cases::CaseType* type, const std::string& state, bool en) {
  if (!type) return state;
  const auto* s = type->FindState(state);
  if (!s) return state;
  return en ? s->label.en : s->label.zh;
}

}  // namespace

std::string Rfc3339(Timestamp t) {
  using namespace std::chrono;
  sys_seconds secs{floor<seconds>(milliseconds{t})};
  sys_days day = floor<days>(secs);
  year_month_day ymd{day};
  hh_mm_ss hms{secs - day};
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02dZ", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                static_cast<int>(hms.seconds().count()));
  return buf;
}

nlohmann::json CaseTypeJson(const cases::CaseType& t) {
  nlohmann::json j = {{"code", t.code}, {"name", t.label.zh}, {"name_en", t.label.en},
                      {"anonymous", t.create_anonymous}, {"initial_state", t.initial_state}};
  j["create_roles"] = nlohmann::json::array();
  for (auto r : t.create_roles) j["create_roles"].push_back(model::RoleName(r));
  j["categories"] = nlohmann::json::array();
  for (const auto& c : t.categories) {
    j["categories"].push_back({{"code", c.code}, {"name", c.label.zh}, {"name_en", c.label.en}});
  }
  j["fields"] = nlohmann::json::array();
  for (const auto& f : t.fields) j["fields"].push_back(FieldJson(f));
  j["states"] = nlohmann::json::array();
  for (const auto& s : t.states) {
    j["states"].push_back({{"code", s.code}, {"name", s.label.zh}, {"name_en", s.label.en},
                           {"terminal", s.terminal},
                           {"public_status", s.public_status == cases::PublicStatus::kOpen ? "open" : "closed"}});
  }
  j["transitions"] = nlohmann::json::array();
  for (const auto& tr : t.transitions) {
    nlohmann::json inputs = nlohmann::json::array();
    for (const auto& f : tr.inputs) inputs.push_back(FieldJson(f));
    j["transitions"].push_back({{"code", tr.code}, {"name", tr.label.zh}, {"name_en", tr.label.en},
                                {"from", tr.from}, {"to", tr.to}, {"inputs", inputs}});
  }
  return j;
}

nlohmann::json CaseJson(const store::CaseRecord& r, const cases::CaseType* type,
                        const std::vector<std::string>& actions) {
  const cases::Case& c = r.c;
  nlohmann::json fields = nlohmann::json::object();
  for (const auto& [k, v] : c.fields) fields[k] = k == "contact_phone" ? model::MaskPhone(v) : v;
  nlohmann::json j = {
      {"id", c.id}, {"public_id", r.public_id}, {"type", c.type}, {"category", c.category},
      {"state", c.state}, {"state_name", StateName(type, c.state, false)},
      {"state_name_en", StateName(type, c.state, true)}, {"grid_code", c.grid_code},
      {"handling_unit_code", c.handling_unit_code}, {"lon", r.lon}, {"lat", r.lat},
      {"description", r.description}, {"fields", fields}, {"opened_at", c.opened_at},
      {"state_entered_at", c.state_entered_at}, {"due_at", c.due_at}, {"warn_at", c.warn_at},
      {"warned", c.warned}, {"breached", c.breached}, {"late", c.late},
      {"escalation_level", c.escalation_level}, {"version", r.version},
      {"public_status", r.public_open ? "open" : "closed"}, {"terminal", r.terminal}};
  j["reporter_user_id"] = c.reporter_user_id ? nlohmann::json(*c.reporter_user_id) : nlohmann::json();
  j["assignee_user_id"] = c.assignee_user_id ? nlohmann::json(*c.assignee_user_id) : nlohmann::json();
  j["timeline"] = nlohmann::json::array();
  for (const auto& e : c.timeline) {
    j["timeline"].push_back({{"at", e.at}, {"actor_user_id", e.actor_user_id}, {"actor_role", e.actor_role},
                             {"event", e.event}, {"from_state", e.from_state}, {"to_state", e.to_state},
                             {"handling_unit_code", e.handling_unit_code}, {"note", e.note}, {"late", e.late},
                             {"inputs", e.inputs}});
  }
  j["actions"] = actions;
  j["photos"] = StaffPhotosJson(r, type);  // reads of one case; lists carry only the first photo
  j["first_photo_thumb_url"] =
      r.first_photo_id.empty() ? nlohmann::json() : nlohmann::json(StaffThumbUrl(r, type, r.first_photo_id));
  return j;
}

void WriteCaseSummary(JsonWriter& w, const store::CaseRecord& r, const cases::CaseType* type) {
  const cases::Case& c = r.c;
  auto opt = [&](const std::optional<std::int64_t>& v) -> JsonWriter& { return v ? w.Int(*v) : w.Null(); };
  // Keys in the order nlohmann::json writes CaseJson's (sorted).
  w.BeginObject();
  w.Key("assignee_user_id");
  opt(c.assignee_user_id);
  w.Key("breached").Bool(c.breached);
  w.Key("category").String(c.category);
  w.Key("description").String(r.description);
  w.Key("due_at").Int(c.due_at);
  w.Key("escalation_level").Int(c.escalation_level);
  w.Key("fields").BeginObject();
  for (const auto& [k, v] : c.fields) w.Key(k).String(k == "contact_phone" ? model::MaskPhone(v) : v);
  w.EndObject();
  w.Key("first_photo_thumb_url");
  if (r.first_photo_id.empty()) w.Null();
  else w.String(StaffThumbUrl(r, type, r.first_photo_id));
  w.Key("grid_code").String(c.grid_code);
  w.Key("handling_unit_code").String(c.handling_unit_code);
  w.Key("id").String(c.id);
  w.Key("lat").Double(r.lat);
  w.Key("late").Bool(c.late);
  w.Key("lon").Double(r.lon);
  w.Key("opened_at").Int(c.opened_at);
  w.Key("photos");
  if (r.photos.empty()) w.BeginArray().EndArray();
  else w.Raw(SafeJsonResponse(StaffPhotosJson(r, type)).body);
  w.Key("public_id").String(r.public_id);
  w.Key("public_status").String(r.public_open ? "open" : "closed");
  w.Key("reporter_user_id");
  opt(c.reporter_user_id);
  w.Key("state").String(c.state);
  w.Key("state_entered_at").Int(c.state_entered_at);
  w.Key("state_name").String(StateName(type, c.state, false));
  w.Key("state_name_en").String(StateName(type, c.state, true));
  w.Key("terminal").Bool(r.terminal);
  w.Key("type").String(c.type);
  w.Key("version").Int(r.version);
  w.Key("warn_at").Int(c.warn_at);
  w.Key("warned").Bool(c.warned);
  w.EndObject();
}

nlohmann::json PublicCaseJson(const store::CaseRecord& r, const cases::CaseType* type) {
  const cases::Case& c = r.c;
  std::string category_name = c.category, category_name_en = c.category;
  if (type) {
    if (const auto* cat = type->FindCategory(c.category)) {
      category_name = cat->label.zh;
      category_name_en = cat->label.en;
    }
  }
  nlohmann::json j = {{"public_id", r.public_id}, {"type", c.type}, {"category", c.category},
                      {"category_name", category_name}, {"category_name_en", category_name_en},
                      {"state", c.state},
                      {"state_name", StateName(type, c.state, false)},
                      {"state_name_en", StateName(type, c.state, true)},
                      {"status", r.public_open ? "open" : "closed"},
                      {"description", r.description},  // published, as Open311 does
                      {"requested_at", Rfc3339(c.opened_at)}};
  j["timeline"] = nlohmann::json::array();
  for (const auto& e : c.timeline) {
    // Staff's notes on transitions are published; the router's note on "create" (a rule id) and
    // the deadline job's notes (unit codes, in English) are for staff only.
    const bool internal = e.event == "create" || e.actor_role == "system";
    j["timeline"].push_back({{"at", Rfc3339(e.at)}, {"event", e.event},
                             {"state", e.to_state}, {"state_name", StateName(type, e.to_state, false)},
                             {"state_name_en", StateName(type, e.to_state, true)},
                             {"note", internal ? std::string() : e.note}});
  }
  j["photos"] = PhotosArePublic(r, type) ? PublicPhotosJson(r) : nlohmann::json::array();
  return j;
}

Response SafeJsonResponse(const nlohmann::json& value, int status) {
  Response r = JsonResponse(value, status);
  std::string out;
  out.reserve(r.body.size());
  for (char ch : r.body) {
    switch (ch) {
      case '<': out += "\\u003c"; break;
      case '>': out += "\\u003e"; break;
      case '&': out += "\\u0026"; break;
      default: out += ch;
    }
  }
  r.body = std::move(out);
  return r;
}

cases::Actor ActorOf(const auth::Principal& p) { return cases::Actor{p.user.id, p.user.role, p.user.scope_code}; }

// A resident's account is bound to their grid, but they see their own cases only (the reporter
// rule): the other cases of the grid — a neighbour's dispute, its parties — are not theirs. So
// does a part-time reporter, bound to a community: the cases of their own urgent visits only.
store::CaseViewer ViewerOf(const auth::Principal& p) {
  if (p.user.role == model::Role::kResident || p.user.role == model::Role::kReporter) return store::CaseViewer{model::Scope::Subtree("-"), p.user.id};
  return store::CaseViewer{p.scope(), p.user.id};
}

}  // namespace cg::api
