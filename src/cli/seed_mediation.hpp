#pragma once
// Seeds the demo city's mediation registry (docs/mediation.md, "Demo"), deterministically from
// the org tree: a people's mediation committee in every community/village (803) and
// street/town (88); 96 矛调中心 on three levels — the city, its 9 districts and 86 streets/towns
// (all but the two industrial parks without residents, 铝业产业园区 and 装备制造产业园区); 8
// industry committees at the city and each district (80): 1,067 organisations. 81 brand rooms
// (named after their mediator, at the first 81 street centres by code), 70 police–mediation
// rooms (the police stations of the first 70 streets/towns, streets before towns), a 1㎡ table
// in each community; 3 mediators per committee, 5 per centre, 4 per industry committee. The
// account wdz_mediator (staff of 五当召镇) mediates for 五当召镇人民调解委员会, jinhua for 金华社区's
// committee; three disputes of 五当召镇 show the levels, the sessions and the agreement window.
// Idempotent: does nothing when an organisation exists. After the accounts and the org tree.

#include "core/clock.hpp"
#include "core/config.hpp"
#include "core/result.hpp"
#include "store/store.hpp"

namespace cg::cli {

Status SeedMediation(store::Store& store, const Config& config, const Clock& clock);

}  // namespace cg::cli
