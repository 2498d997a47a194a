// The mediation registry's checks and the case type's checks beyond its data (service.hpp).
#include "mediation/service.hpp"

#include <algorithm>
#include <utility>

namespace cg::mediation {
namespace {

using model::Role;

const std::vector<std::pair<std::string, std::string>>& OrgKindTable() {
  static const std::vector<std::pair<std::string, std::string>> kinds{
      {"community_committee", "社区（村）人民调解委员会"}, {"street_committee", "街道（乡镇）人民调解委员会"},
      {"street_centre", "街道（乡镇）矛盾纠纷调处化解中心"},  {"district_centre", "旗县区矛盾纠纷调处化解中心"},
      {"city_centre", "市矛盾纠纷调处化解中心"},              {"industry", "行业性专业性人民调解委员会"}};
  return kinds;
}

const std::vector<std::pair<std::string, std::string>>& RoomKindTable() {
  static const std::vector<std::pair<std::string, std::string>> kinds{
      {"brand", "品牌调解室"}, {"police", "公调对接室"}, {"table", "一平米调解桌"}};
  return kinds;
}

std::vector<std::string> Codes(const std::vector<std::pair<std::string, std::string>>& table) {
  std::vector<std::string> out;
  for (const auto& [code, name] : table) out.push_back(code);
  return out;
}

std::string NameIn(const std::vector<std::pair<std::string, std::string>>& table, const std::string& kind) {
  for (const auto& [code, name] : table)
    if (code == kind) return name;
  return kind;
}

bool IsStaff(const model::User& u) { return u.role == Role::kAdmin || u.role == Role::kStaff; }

// Number of code points if valid UTF-8, else -1 (lengths are limited in characters).
long Chars(const std::string& s) {
  auto spec = cases::FieldSpec{"x", {}, cases::FieldType::kString, false, 0, {}};
  if (!cases::ValidateField(spec, s).ok()) return -1;
  long n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

Status CheckText(const std::string& field, const std::string& value, std::size_t max, bool required) {
  const long n = Chars(value);
  if (n < 0) return MakeError(ErrorCode::kInvalid, field + ": must be one line of valid UTF-8");
  if (required && n == 0) return MakeError(ErrorCode::kInvalid, field + ": required");
  if (static_cast<std::size_t>(n) > max)
    return MakeError(ErrorCode::kInvalid, field + ": at most " + std::to_string(max) + " characters");
  return {};
}

Status CheckSpecialities(const std::vector<std::string>& codes, const cases::CaseType& type) {
  if (codes.size() > kMaxSpecialities)
    return MakeError(ErrorCode::kInvalid, "specialities: at most " + std::to_string(kMaxSpecialities));
  for (const auto& c : codes) {
    if (!type.FindCategory(c))
      return MakeError(ErrorCode::kInvalid, "specialities: '" + c + "' is not a dispute category of " + type.code);
  }
  return {};
}

}  // namespace

const std::vector<std::string>& OrgKinds() {
  static const std::vector<std::string> codes = Codes(OrgKindTable());
  return codes;
}

const std::vector<std::string>& RoomKinds() {
  static const std::vector<std::string> codes = Codes(RoomKindTable());
  return codes;
}

std::string OrgKindName(const std::string& kind) { return NameIn(OrgKindTable(), kind); }
std::string RoomKindName(const std::string& kind) { return NameIn(RoomKindTable(), kind); }

Result<store::MediationOrg> Service::CreateOrg(const model::Scope& scope, const model::User& actor,
                                               store::MediationOrg org) {
  if (!IsStaff(actor)) return MakeError(ErrorCode::kForbidden, "only staff and admins keep the mediation registry");
  const auto& kinds = OrgKinds();
  if (std::find(kinds.begin(), kinds.end(), org.kind) == kinds.end())
    return MakeError(ErrorCode::kInvalid, "kind: one of community_committee, street_committee, street_centre, "
                                          "district_centre, city_centre, industry");
  CG_RETURN_IF_ERROR(CheckText("name", org.name, kMaxNameChars, true));
  CG_RETURN_IF_ERROR(CheckText("field", org.field, kMaxNameChars, org.kind == "industry"));
  if (org.kind != "industry" && !org.field.empty())
    return MakeError(ErrorCode::kInvalid, "field: only industry committees have a field");
  CG_RETURN_IF_ERROR(CheckText("address", org.address, kMaxAddressChars, false));
  CG_RETURN_IF_ERROR(CheckText("phone", org.phone, 30, false));
  org.created_at = clock_.Now();
  return store_.CreateMediationOrg(scope, std::move(org));
}

Result<store::MediationRoom> Service::CreateRoom(const model::Scope& scope, const model::User& actor,
                                                 store::MediationRoom room) {
  if (!IsStaff(actor)) return MakeError(ErrorCode::kForbidden, "only staff and admins keep the mediation registry");
  const auto& kinds = RoomKinds();
  if (std::find(kinds.begin(), kinds.end(), room.kind) == kinds.end())
    return MakeError(ErrorCode::kInvalid, "kind: one of brand, police, table");
  CG_RETURN_IF_ERROR(CheckText("name", room.name, kMaxNameChars, true));
  CG_RETURN_IF_ERROR(CheckText("station", room.station, kMaxNameChars, room.kind == "police"));
  if (room.kind != "police" && !room.station.empty())
    return MakeError(ErrorCode::kInvalid, "station: only a police–mediation room is at a police station");
  CG_RETURN_IF_ERROR(CheckText("address", room.address, kMaxAddressChars, false));
  room.created_at = clock_.Now();
  return store_.CreateMediationRoom(scope, std::move(room));
}

Result<store::Mediator> Service::CreateMediator(const model::Scope& scope, const model::User& actor, store::Mediator m,
                                                const cases::CaseType& type) {
  if (!IsStaff(actor)) return MakeError(ErrorCode::kForbidden, "only staff and admins keep the mediation registry");
  CG_RETURN_IF_ERROR(CheckText("name", m.name, 50, true));
  CG_RETURN_IF_ERROR(CheckSpecialities(m.specialities, type));
  if (m.user_id != 0) {
    auto u = store_.GetUser(m.user_id);
    if (!u.ok() || u->disabled || (u->role != Role::kStaff && u->role != Role::kAdmin))
      return MakeError(ErrorCode::kInvalid, "user_id: not an active staff account");
  }
  m.created_at = clock_.Now();
  return store_.CreateMediator(scope, std::move(m));
}

Result<store::Mediator> Service::UpdateMediator(const model::Scope& scope, const model::User& actor, std::int64_t id,
                                                const std::vector<std::string>& specialities, bool active,
                                                const cases::CaseType& type) {
  if (!IsStaff(actor)) return MakeError(ErrorCode::kForbidden, "only staff and admins keep the mediation registry");
  CG_RETURN_IF_ERROR(CheckSpecialities(specialities, type));
  return store_.UpdateMediator(scope, id, specialities, active, clock_.Now());
}

Result<store::MediationOrg> Service::OrganisationOf(const std::string& unit_code) {
  store::MediationQuery q;
  q.under = unit_code;
  q.exact = true;
  auto orgs = store_.ListMediationOrgs(model::Scope::System(), q, {100, 0});
  if (!orgs.ok()) return orgs.error();
  // A centre where the level has one, else the unit's committee; industry committees take
  // cases only by their own intake.
  for (const char* kind : {"street_centre", "district_centre", "city_centre", "community_committee", "street_committee"}) {
    for (const auto& o : orgs->items)
      if (o.kind == kind) return o;
  }
  return MakeError(ErrorCode::kNotFound, "no mediation organisation at " + unit_code);
}

Status Service::CheckMediator(const std::string& unit_code, std::int64_t user_id) {
  auto records = store_.MediatorsOfUser(user_id);
  if (!records.ok()) return records.error();
  if (std::none_of(records->begin(), records->end(),
                   [&](const store::Mediator& m) { return m.unit_code == unit_code; }))
    return MakeError(ErrorCode::kInvalid, "input 'mediator_user_id': not an active mediator of an organisation at " +
                                              unit_code);
  return {};
}

Result<store::MediationRoom> Service::PoliceRoom(std::int64_t room_id) {
  auto room = store_.GetMediationRoom(model::Scope::System(), room_id);
  if (!room.ok() || room->kind != "police")
    return MakeError(ErrorCode::kInvalid, "field 'police_room_id': no police–mediation room " + std::to_string(room_id));
  return room;
}

}  // namespace cg::mediation
