// Cases' sealed fields (phone numbers, ID numbers), sealed like base data's (docs/privacy.md, "Cases"): the clear value is
// encrypted at intake and kept in case_sealed_fields, the case's own fields hold it masked, and
// reading it back is an audited unmasking.
#include "base/service.hpp"
#include "model/id_number.hpp"
#include "model/masking.hpp"

namespace cg::base {

void SealCaseFields(const privacy::FieldCipher& cipher, const cases::CaseType& type, store::NewCase& n) {
  for (const auto& f : type.fields) {
    if (!cases::IsSealed(f.type)) continue;
    auto it = n.record.c.fields.find(f.code);
    if (it == n.record.c.fields.end() || it->second.empty()) continue;
    if (f.type == cases::FieldType::kIdNumber) {
      // Normalised (validated by the engine already): upper-case check character, no spaces.
      auto id = model::ParseResidentId(it->second, Date{2100, 1, 1});
      if (id.ok()) it->second = id->text;
    }
    n.sealed[f.code] = cipher.Encrypt(it->second, cases::SealedFieldAssociated(f.code, n.record.public_id));
    it->second = f.type == cases::FieldType::kIdNumber ? model::MaskResidentId(it->second) : model::MaskPhone(it->second);
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
