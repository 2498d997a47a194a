#pragma once
// Re-sealing persons' ID and phone numbers after a master-key rotation (`citygrid key rotate`,
// docs/operations.md "Master key"): every value sealed under a retired key is decrypted, checked
// against its stored blind index, and encrypted and indexed again under the ring's active key.
// Batches commit one by one, so an interrupted run resumes where it stopped (values already
// under the active key are skipped). Writes no change-log entry: the values do not change.

#include <cstdint>
#include <functional>

#include "core/result.hpp"
#include "privacy/key_ring.hpp"
#include "store/base_store.hpp"

namespace cg::base {

struct ResealCounts {
  std::int64_t seen = 0;      // rows read
  std::int64_t resealed = 0;  // rows rewritten under the active key
};

// Re-seals every person not yet under `keys.active()`. `progress` (may be empty) is called after
// each batch. kInvalid, naming the person, if a value does not open or does not match its blind
// index under the key it was sealed with (nothing of that batch is written; earlier batches stay).
Result<ResealCounts> ResealPersons(store::BaseDataStore& store, const privacy::KeyRing& keys,
                                   const std::function<void(const ResealCounts&)>& progress = {},
                                   std::int64_t batch = 1000);

// The same for cases' sealed phone fields (case_sealed_fields); kInvalid naming the case if a
// value does not open.
Result<ResealCounts> ResealCaseFields(store::BaseDataStore& store, const privacy::KeyRing& keys,
                                      const std::function<void(const ResealCounts&)>& progress = {},
                                      std::int64_t batch = 1000);

}  // namespace cg::base
