#pragma once
// The mediation registry (docs/mediation.md, 人民调解法): organisations, their rooms and their
// mediators, each bound to an org unit and read through the caller's scope. Written once
// against internal::SqlTx for both backends (mediation_store.cpp). The disputes themselves are
// cases of type "mediation" on the engine.

#include <cstdint>
#include <string>
#include <vector>

#include "core/clock.hpp"

namespace cg::store {

// kind: "community_committee" (社区/村人民调解委员会), "street_committee" (街道/乡镇人民调解委员会),
// "street_centre", "district_centre", "city_centre" (the three levels of 矛调中心), "industry"
// (行业性专业性人民调解委员会, with its `field`, e.g. 医疗纠纷).
struct MediationOrg {
  std::int64_t id = 0;
  std::string unit_code;
  std::string kind;
  std::string name;
  std::string field;  // industry committees: the field they mediate; "" otherwise
  std::string address;
  std::string phone;  // the office's public number
  Timestamp created_at = 0;
  // Read: active mediators and rooms.
  std::int64_t mediators = 0;
  std::int64_t rooms = 0;
};

// kind: "brand" (品牌调解室), "police" (公调对接室 at a police station: `station` names it),
// "table" (1㎡ community mediation table).
struct MediationRoom {
  std::int64_t id = 0;
  std::int64_t org_id = 0;
  std::string org_name;  // read; for seeding, names the organisation when org_id is 0
  std::string unit_code;
  std::string kind;
  std::string name;
  std::string station;
  std::string address;
  Timestamp created_at = 0;
};

struct Mediator {
  std::int64_t id = 0;
  std::int64_t org_id = 0;
  std::string org_name;  // read; for seeding, names the organisation when org_id is 0
  std::string unit_code;  // the organisation's (set by the store)
  std::string name;
  std::vector<std::string> specialities;  // dispute category codes of the mediation case type
  std::int64_t user_id = 0;               // the mediator's account, 0 if none
  bool active = true;
  Timestamp created_at = 0;
  Timestamp updated_at = 0;
};

// Filters of the registry lists; empty strings mean any.
struct MediationQuery {
  std::string under;  // an org code: the subtree under it (inside the caller's scope)
  std::string kind;
  std::int64_t org_id = 0;  // mediators of one organisation
  bool active_only = false;
  bool exact = false;  // only rows bound to `under` itself, not its subtree
};

}  // namespace cg::store
