// Cases' phone fields, sealed like base data's (docs/privacy.md, "Cases"): the clear value is
// encrypted at intake and kept in case_sealed_fields, the case's own fields hold it masked, and
// reading it back is an audited unmasking.
#include "base/service.hpp"
#include "model/masking.hpp"

namespace cg::base {

void SealCaseFields(const privacy::FieldCipher& cipher, const cases::CaseType& type, store::NewCase& n) {
  for (const auto& f : type.fields) {
    if (f.type != cases::FieldType::kPhone) continue;
    auto it = n.record.c.fields.find(f.code);
    if (it == n.record.c.fields.end() || it->second.empty()) continue;
    n.sealed[f.code] = cipher.Encrypt(it->second, cases::SealedFieldAssociated(f.code, n.record.public_id));
    it->second = model::MaskPhone(it->second);
  }
}

Result<std::string> Service::UnmaskCaseField(const store::CaseRecord& c, const std::string& code,
                                             const std::string& reason, std::int64_t actor_user_id) {
  const std::int64_t id = std::stoll(c.c.id);
  auto sealed = store_.GetSealedCaseField(id, code);
  if (!sealed.ok()) return sealed.error();
  CG_RETURN_IF_ERROR(LogUnmask("case", id, code, reason, actor_user_id));
  return cipher_.Decrypt(sealed->cipher, cases::SealedFieldAssociated(code, sealed->public_id));
}

}  // namespace cg::base
