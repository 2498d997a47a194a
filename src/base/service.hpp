#pragma once
// The base-data service: validates records (model field rules, forms::Dictionary for person
// attributes), encrypts ID and phone numbers, indexes them, and presents records with masked
// values. Sits between api (HTTP/JSON) and store (SQL). Thread-safe.

#include <functional>
#include <string>
#include <vector>

#include "base/change_feed.hpp"
#include "base/search_projection.hpp"
#include "cases/case_type.hpp"
#include "store/case_store.hpp"
#include "core/clock.hpp"
#include "core/date.hpp"
#include "forms/dictionary.hpp"
#include "model/base_data.hpp"
#include "privacy/blind_index.hpp"
#include "privacy/field_cipher.hpp"
#include "privacy/key_ring.hpp"
#include "store/store.hpp"

namespace cg::base {

// A client's search: exact ID number, ID tail (4 characters), exact phone, or a name part.
struct Search {
  std::string grid;  // org code prefix (optional)
  std::string q;
  store::Page page;
};

// What a search text is taken for. ID-number and phone searches identify a person and are
// audited and rate-limited by the caller (api); text searches are not.
enum class SearchKind { kNone, kIdNumber, kIdTail, kPhone, kText };
// Classifies `q` for `entity` (only persons have ID and phone numbers). Pure.
SearchKind ClassifySearch(model::BaseEntity entity, std::string_view q, Date today);
// "id_number", "id_tail", "phone", "text" or "" for kNone.
const char* SearchKindName(SearchKind kind);

// The associated data a person's sealed field is encrypted with: "person.<field>:<id>", so a
// cipher copied to another person or field does not open. Service and key rotation share it.
std::string SealAssociated(std::int64_t person_id, std::string_view field);

class Service {
 public:
  // All references must outlive the service.
  Service(store::Store& store, const privacy::KeyRing& keys, const forms::Dictionary& dictionary,
          const Clock& clock);

  // Creates a record from `fields` (and, for persons, `attributes`: data-element code -> value).
  // kInvalid with every field error in `errors` (and joined in the message). Persons also get
  // "sex" and "birth_date" derived from the ID number as plain fields (never typed: a client
  // sending them gets a field error), so views following the change log need not decrypt.
  Result<store::BaseRecord> Create(const model::Scope& scope, model::BaseEntity entity,
                                   model::Fields fields, model::Fields attributes,
                                   store::WriteContext ctx, std::vector<model::FieldError>* errors);
  // One row of CreateMany: like Create's `fields` and `attributes`.
  struct NewRecord {
    model::Fields fields;
    model::Fields attributes;
  };
  // Creates many records of `entity`, each validated and sealed exactly as Create does, in one
  // store transaction (store::CreateRecords). Returns one result per row, in order: the record,
  // kInvalid (field errors, also in `errors[i]` when given), or the store's per-row kConflict /
  // kNotFound. Fails as a whole only when the transaction fails; then nothing is written.
  Result<std::vector<Result<store::BaseRecord>>> CreateMany(const model::Scope& scope, model::BaseEntity entity,
                                                            std::vector<NewRecord> rows, store::WriteContext ctx,
                                                            std::vector<std::vector<model::FieldError>>* errors);
  // Applies `changes` (a value "" clears a field) to the record at `version`.
  Result<store::BaseRecord> Patch(const model::Scope& scope, model::BaseEntity entity, std::int64_t id,
                                  std::int64_t version, const model::Fields& changes,
                                  const model::Fields& attribute_changes, store::WriteContext ctx,
                                  std::vector<model::FieldError>* errors);
  Result<store::Slice<store::BaseRecord>> List(const model::Scope& scope, model::BaseEntity entity,
                                               const Search& search);
  // The clear ID or phone number of a person, written to the audit log with `reason` first.
  Result<std::string> Unmask(const model::Scope& scope, std::int64_t person_id, const std::string& field,
                             const std::string& reason, std::int64_t actor_user_id);

  // Cases' phone fields (case_fields.cpp, docs/privacy.md "Cases"; sealed by SealCaseFields
  // below). UnmaskCaseField returns the clear value of
  // field `code` of case `c` (read with the caller's viewer), written to the audit log with
  // `reason` first; kNotFound for a field the case does not have sealed.
  Result<std::string> UnmaskCaseField(const store::CaseRecord& c, const std::string& code, const std::string& reason,
                                      std::int64_t actor_user_id);

  // Fields for display: plain fields, attributes, and for persons the masked ID and phone
  // numbers plus sex and birth date derived from the ID.
  model::Fields Present(const store::BaseRecord& record) const;

  store::Store& store() { return store_; }

  // Serves text and ID-tail searches of persons, addresses, buildings and organisations from
  // `search`, a projection on the change feed (caught up before each search, so every node
  // answers with every node's writes). Must outlive the service. Without it, the store answers.
  void UseSearchIndex(const SearchProjection* search) { search_ = search; }

  // After each successful write the service calls `feed->CatchUp()` so in-memory views show
  // the change at once on this node. Set before serving; nullptr turns it off. Not owned.
  // The person whose ID number is `id_number` (validated first: kInvalid naming what is wrong),
  // anywhere in the city — for a resident proving who they are, so the caller rate-limits and
  // audits it; kNotFound when no person has that number. Found by blind index, never decrypted.
  Result<store::BaseRecord> FindPersonByIdNumber(std::string_view id_number) const;
  void SetChangeFeed(ChangeFeed* feed) { feed_ = feed; }

 private:
  // Whether a referenced record exists for the caller.
  using RefExists = std::function<bool(model::BaseEntity, std::int64_t)>;
  // A validated record with its clear ID and phone numbers, ready to seal once it has an id.
  struct Prepared {
    store::BaseRecord record;
    std::string id_number;
    std::string phone;
  };
  Result<std::string> Decrypt(const store::BaseRecord& r, const char* field) const;
  RefExists StoreLookup(const model::Scope& scope);
  std::vector<model::FieldError> Validate(const model::Scope& scope, model::BaseEntity entity,
                                          model::Fields& fields, model::Fields& attributes,
                                          const RefExists& exists);
  Prepared Build(model::BaseEntity entity, model::Fields fields, model::Fields attributes) const;
  void AfterWrite();
  Status Seal(store::BaseRecord& record, const std::string& id_number, const std::string& phone) const;
  // Checks `reason` (4 to 500 characters) and appends the unmasking to the audit log.
  Status LogUnmask(const char* entity, std::int64_t id, const std::string& field, const std::string& reason,
                   std::int64_t actor_user_id);

  store::Store& store_;
  const forms::Dictionary& dictionary_;
  const Clock& clock_;
  ChangeFeed* feed_ = nullptr;
  privacy::FieldCipher cipher_;
  privacy::BlindIndex index_;
  privacy::Tail4Index tail_;
  const SearchProjection* search_ = nullptr;
};

// Moves the clear value of every phone-typed field of `n` to n.sealed (encrypted, bound to the
// case's public id) and leaves it masked in the fields (case_fields.cpp).
void SealCaseFields(const privacy::FieldCipher& cipher, const cases::CaseType& type, store::NewCase& n);

}  // namespace cg::base
