#include "base/key_rotation.hpp"

#include <string>

#include "base/service.hpp"
#include "cases/case_type.hpp"
#include "privacy/blind_index.hpp"
#include "privacy/field_cipher.hpp"

namespace cg::base {
namespace {

struct Sealer {
  const privacy::KeyRing& keys;
  privacy::FieldCipher cipher{keys};
  privacy::BlindIndex index{keys};
  privacy::Tail4Index tail{keys};

  bool Current(const store::SealedValue& v) const {
    auto id = privacy::FieldCipher::KeyIdOf(v.cipher);
    return id.ok() && *id == keys.active().id;
  }

  // Opens `v` (person `person`, field `field`), checks it against its blind index under the key
  // it was sealed with, and seals it again under the active key.
  Status Reseal(std::int64_t person, const char* field, store::SealedValue& v) const {
    const std::string what = "person " + std::to_string(person) + " " + field;
    auto key = privacy::FieldCipher::KeyIdOf(v.cipher);
    if (!key.ok()) return MakeError(ErrorCode::kInvalid, what + ": " + key.error().message);
    const std::string associated = SealAssociated(person, field);
    auto plain = cipher.Decrypt(v.cipher, associated);
    if (!plain.ok()) return MakeError(ErrorCode::kInvalid, what + ": " + plain.error().message);
    const std::string element = std::string("person.") + field;
    auto old_index = index.ComputeWith(*key, element, *plain);
    if (!old_index.ok() || *old_index != v.index) {
      return MakeError(ErrorCode::kInvalid, what + ": the stored blind index does not match the value");
    }
    v.cipher = cipher.Encrypt(*plain, associated);
    v.index = index.Compute(element, *plain);
    v.tail = tail.Compute(element, *plain);
    return Status();
  }
};

}  // namespace

Result<ResealCounts> ResealPersons(store::BaseDataStore& store, const privacy::KeyRing& keys,
                                   const std::function<void(const ResealCounts&)>& progress,
                                   std::int64_t batch) {
  Sealer sealer{keys};
  ResealCounts counts;
  std::int64_t after = 0;
  for (;;) {
    auto rows = store.ListSealedPersons(after, batch);
    if (!rows.ok()) return rows.error();
    if (rows->empty()) break;
    after = rows->back().id;
    counts.seen += static_cast<std::int64_t>(rows->size());
    std::vector<store::SealedPerson> changed;
    for (auto& p : *rows) {
      if (sealer.Current(p.id_number) && (!p.phone || sealer.Current(*p.phone))) continue;
      CG_RETURN_IF_ERROR(sealer.Reseal(p.id, "id_number", p.id_number));
      if (p.phone) CG_RETURN_IF_ERROR(sealer.Reseal(p.id, "phone", *p.phone));
      changed.push_back(std::move(p));
    }
    if (!changed.empty()) CG_RETURN_IF_ERROR(store.ResealPersons(changed));
    counts.resealed += static_cast<std::int64_t>(changed.size());
    if (progress) progress(counts);
  }
  return counts;
}

Result<ResealCounts> ResealCaseFields(store::BaseDataStore& store, const privacy::KeyRing& keys,
                                      const std::function<void(const ResealCounts&)>& progress, std::int64_t batch) {
  const privacy::FieldCipher cipher(keys);
  ResealCounts counts;
  std::int64_t after_case = 0;
  std::string after_code;
  for (;;) {
    auto rows = store.ListSealedCaseFields(after_case, after_code, batch);
    if (!rows.ok()) return rows.error();
    if (rows->empty()) break;
    after_case = rows->back().case_id;
    after_code = rows->back().code;
    counts.seen += static_cast<std::int64_t>(rows->size());
    std::vector<store::SealedCaseField> changed;
    for (auto& r : *rows) {
      auto key = privacy::FieldCipher::KeyIdOf(r.cipher);
      if (key.ok() && *key == keys.active().id) continue;
      const std::string associated = cases::SealedFieldAssociated(r.code, r.public_id);
      auto plain = cipher.Decrypt(r.cipher, associated);
      if (!plain.ok()) {
        return MakeError(ErrorCode::kInvalid, "case " + std::to_string(r.case_id) + " " + r.code + ": " +
                                                  plain.error().message);
      }
      r.cipher = cipher.Encrypt(*plain, associated);
      changed.push_back(std::move(r));
    }
    if (!changed.empty()) CG_RETURN_IF_ERROR(store.ResealCaseFields(changed));
    counts.resealed += static_cast<std::int64_t>(changed.size());
    if (progress) progress(counts);
  }
  return counts;
}

}  // namespace cg::base
