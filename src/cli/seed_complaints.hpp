#pragma once
// Seeds the demo city's complaint sessions (docs/complaints.md, "Demo"): a 居民吐槽大会 of
// 长胜街社区 held 11 days before the seeding day with eight complaints, each with its case —
// four closed with their replies, four open, the safety one past its 5-day limit (11 days hold
// at most 9 working days, so the 10-day ones are never late on the seeding day) — and an upcoming
// session of 金华社区 whose online window is open, with one complaint from resident_verified.
// Deterministic for the seeding day. Idempotent: does nothing when any session exists. After
// the accounts and the org tree; reads the case types and calendar from config.data_root.

#include "core/clock.hpp"
#include "core/config.hpp"
#include "core/result.hpp"
#include "store/store.hpp"

namespace cg::cli {

Status SeedComplaints(store::Store& store, const Config& config, const Clock& clock);

}  // namespace cg::cli
