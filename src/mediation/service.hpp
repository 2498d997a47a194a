#pragma once
// Dispute mediation (docs/mediation.md, 人民调解法): the registry of mediation organisations,
// rooms and mediators, the checks the "mediation" case type needs beyond its data (a mediator
// assigned must mediate for the organisation of the case's unit; a police referral names a
// police–mediation room), and the agreement document (人民调解协议书) as a PDF. The dispute's
// flow itself is data: data/case-types/mediation.toml on the case engine. Thread-safe.
#include <cstdint>
#include <string>
#include <vector>

#include "cases/case_type.hpp"
#include "core/clock.hpp"
#include "core/result.hpp"
#include "model/scope.hpp"
#include "model/user.hpp"
#include "store/case_store.hpp"
#include "store/store.hpp"

namespace cg::mediation {

inline constexpr char kCaseType[] = "mediation";
inline constexpr std::size_t kMaxNameChars = 100;
inline constexpr std::size_t kMaxAddressChars = 200;
inline constexpr std::size_t kMaxSpecialities = 12;

// The organisation kinds and room kinds the registry knows (store/mediation_store.hpp).
const std::vector<std::string>& OrgKinds();
const std::vector<std::string>& RoomKinds();
// Chinese name of a kind ("community_committee" -> "社区（村）人民调解委员会"); the code if unknown.
std::string OrgKindName(const std::string& kind);
std::string RoomKindName(const std::string& kind);

// What the agreement document shows; the API fills it from the case, the registry and the
// accounts. ID and phone numbers are the masked values the case holds.
struct Party {
  std::string role;  // "申请人" or "被申请人"
  std::string kind;  // "person" or "organisation"
  std::string name;
  std::string id_number_masked;
  std::string phone_masked;
  std::string address;
};

struct Agreement {
  std::string number;      // 协议书编号, e.g. "金华社区人民调解委员会调字〔2026〕第 12 号"
  std::string category;    // the dispute's category name
  std::string dispute;     // 纠纷简要情况
  std::vector<Party> parties;
  std::string terms;       // 协议内容
  std::string performance; // 履行方式 as text
  std::string organisation;
  std::string mediator;
  std::string agreed_on;   // YYYY-MM-DD
  std::string window_ends; // YYYY-MM-DD: the last day to apply for judicial confirmation
  std::vector<std::string> sessions;  // one line per recorded session
};

// The agreement as an A4 PDF with extractable text (pdftotext finds names and terms).
// kInvalid when terms or a party's name are empty, or text is not UTF-8.
Result<std::string> RenderAgreement(const Agreement& a, Timestamp created_at);

// Fills an Agreement from a mediation case in state agreed or later. kConflict when the case
// has no agreement yet.
Result<Agreement> AgreementOf(const store::CaseRecord& c, const cases::CaseType& type, const std::string& organisation,
                              const std::string& mediator);

class Service {
 public:
  // `store` and `clock` must outlive the service.
  Service(store::Store& store, const Clock& clock) : store_(store), clock_(clock) {}

  // Registry writes by staff and admins inside `scope` (kForbidden for other roles). kInvalid
  // naming the field: kind, name (1..100 characters), address, specialities (codes of the
  // mediation type's categories), station (required for a police room, else empty).
  Result<store::MediationOrg> CreateOrg(const model::Scope& scope, const model::User& actor, store::MediationOrg org);
  Result<store::MediationRoom> CreateRoom(const model::Scope& scope, const model::User& actor, store::MediationRoom room);
  Result<store::Mediator> CreateMediator(const model::Scope& scope, const model::User& actor, store::Mediator m,
                                         const cases::CaseType& type);
  Result<store::Mediator> UpdateMediator(const model::Scope& scope, const model::User& actor, std::int64_t id,
                                         const std::vector<std::string>& specialities, bool active,
                                         const cases::CaseType& type);

  // The organisation that mediates cases handled by `unit_code`: a 矛调中心 at a street,
  // district or city, else the unit's people's mediation committee. kNotFound if none.
  Result<store::MediationOrg> OrganisationOf(const std::string& unit_code);
  // kInvalid unless `user_id` is an active mediator of an organisation bound to `unit_code`.
  Status CheckMediator(const std::string& unit_code, std::int64_t user_id);
  // kInvalid unless `room_id` is a police–mediation room (any scope: the referring station
  // is named publicly by the room).
  Result<store::MediationRoom> PoliceRoom(std::int64_t room_id);

 private:
  store::Store& store_;
  const Clock& clock_;
};

}  // namespace cg::mediation
