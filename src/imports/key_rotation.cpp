// Re-encrypting import review payloads after a master-key rotation (importer.hpp).
#include <string>

#include "imports/importer.hpp"

namespace cg::imports {

std::string PayloadAssociated(std::int64_t job_id, std::int64_t row_number) {
  return "import_row:" + std::to_string(job_id) + ":" + std::to_string(row_number);
}

Result<base::ResealCounts> ResealImportPayloads(store::BaseDataStore& store, const privacy::KeyRing& keys,
                                                const std::function<void(const base::ResealCounts&)>& progress,
                                                std::int64_t batch) {
  const privacy::FieldCipher cipher(keys);
  base::ResealCounts counts;
  std::int64_t after_job = 0, after_row = 0;
  for (;;) {
    auto rows = store.ListSealedImportPayloads(after_job, after_row, batch);
    if (!rows.ok()) return rows.error();
    if (rows->empty()) break;
    after_job = rows->back().job_id;
    after_row = rows->back().row_number;
    counts.seen += static_cast<std::int64_t>(rows->size());
    std::vector<store::SealedImportPayload> changed;
    for (auto& r : *rows) {
      auto key = privacy::FieldCipher::KeyIdOf(r.payload);
      if (key.ok() && *key == keys.active().id) continue;
      const std::string associated = PayloadAssociated(r.job_id, r.row_number);
      auto plain = cipher.Decrypt(r.payload, associated);
      if (!plain.ok()) {
        return MakeError(ErrorCode::kInvalid, "import job " + std::to_string(r.job_id) + " row " +
                                                  std::to_string(r.row_number) + ": " + plain.error().message);
      }
      r.payload = cipher.Encrypt(*plain, associated);
      changed.push_back(std::move(r));
    }
    if (!changed.empty()) CG_RETURN_IF_ERROR(store.ResealImportPayloads(changed));
    counts.resealed += static_cast<std::int64_t>(changed.size());
    if (progress) progress(counts);
  }
  return counts;
}

}  // namespace cg::imports
