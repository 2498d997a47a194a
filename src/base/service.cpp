#include "base/service.hpp"

#include <set>

#include "model/id_number.hpp"
#include "model/masking.hpp"
#include "model/phone.hpp"

namespace cg::base {
namespace {

using model::BaseEntity;

// Person fields that are data elements too: they go in the record's own fields, not attributes.
const std::set<std::string, std::less<>> kCoreElements = {
    "person.name", "person.id_number", "person.ethnicity", "person.phone", "person.residence_status"};
// Attributes whose values contain an ID number: refused until attributes can be encrypted.
const std::set<std::string, std::less<>> kIdBearingElements = {"person.disability_certificate_no"};

std::string Associated(std::int64_t id, const char* field) {
  return std::string("person.") + field + ":" + std::to_string(id);
}

std::string JoinErrors(const std::vector<model::FieldError>& errors) {
  std::string out;
  for (const auto& e : errors) out += (out.empty() ? "" : "; ") + e.field + ": " + e.message;
  return out;
}

std::size_t CodePoints(std::string_view s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

std::optional<forms::Entity> FormsEntity(BaseEntity e) {
  switch (e) {
    case BaseEntity::kAddress: return forms::Entity::kAddress;
    case BaseEntity::kBuilding: return forms::Entity::kBuilding;
    case BaseEntity::kHouse: return forms::Entity::kHouse;
    case BaseEntity::kPerson: return forms::Entity::kPerson;
    case BaseEntity::kHousehold: return forms::Entity::kHousehold;
    case BaseEntity::kOrganisation: return forms::Entity::kOrganisation;
  }
  return std::nullopt;
}

bool IsAttributeKey(const std::string& key) { return key.find('.') != std::string::npos; }

}  // namespace

Service::Service(store::Store& store, const privacy::KeyRing& keys, const forms::Dictionary& dictionary,
                 const Clock& clock)
    : store_(store), dictionary_(dictionary), clock_(clock), cipher_(keys), index_(keys), tail_(keys) {}

std::vector<model::FieldError> Service::Validate(const model::Scope& scope, BaseEntity entity,
                                                 model::Fields& fields, model::Fields& attributes) {
  const Date today = DateAt(clock_.Now());
  auto errors = model::NormalizeFields(entity, fields, today);
  for (auto it = attributes.begin(); it != attributes.end();) {
    const std::string& code = it->first;
    const forms::DataElement* element = dictionary_.Find(code);
    if (!element) {
      errors.push_back({code, "unknown data element"});
    } else if (element->entity != FormsEntity(entity)) {
      errors.push_back({code, std::string("not an attribute of ") + model::BaseEntityName(entity)});
    } else if (kCoreElements.count(code)) {
      errors.push_back({code, "set it through the record's own field"});
    } else if (kIdBearingElements.count(code) || element->type == forms::ElementType::kIdNumber ||
               element->type == forms::ElementType::kPhone) {
      errors.push_back({code, "ID and phone numbers are not accepted as attributes yet (they would be stored unencrypted)"});
    } else {
      auto value = forms::NormalizeValue(*element, it->second, today);
      if (!value.ok()) {
        errors.push_back({code, value.error().message});
      } else if (value->empty()) {
        it = attributes.erase(it);
        continue;
      } else {
        it->second = *value;
      }
    }
    ++it;
  }
  // References must name records the caller can see.
  auto check_ref = [&](const char* field, BaseEntity target) {
    auto it = fields.find(field);
    if (it == fields.end()) return;
    std::int64_t id = std::stoll(it->second);
    if (!store_.GetRecord(scope, target, id).ok()) {
      errors.push_back({field, std::string("no such ") + model::BaseEntityName(target)});
    }
  };
  bool refs_valid = true;
  for (const auto& e : errors) refs_valid = refs_valid && !e.field.ends_with("_id") && e.field != "members";
  if (refs_valid) {
    check_ref("address_id", BaseEntity::kAddress);
    check_ref("house_id", BaseEntity::kHouse);
    check_ref("building_id", BaseEntity::kBuilding);
    check_ref("head_person_id", BaseEntity::kPerson);
    if (auto it = fields.find("members"); it != fields.end()) {
      std::set<std::int64_t> seen;
      for (const auto& [id, rel] : model::ParseMembers(it->second)) {
        if (!seen.insert(id).second) errors.push_back({"members", "person " + std::to_string(id) + " listed twice"});
        else if (!store_.GetRecord(scope, BaseEntity::kPerson, id).ok())
          errors.push_back({"members", "no such person: " + std::to_string(id)});
      }
    }
  }
  return errors;
}

Status Service::Seal(store::BaseRecord& r, const std::string& id_number, const std::string& phone) const {
  if (!id_number.empty()) r.id_number->cipher = cipher_.Encrypt(id_number, Associated(r.id, "id_number"));
  if (!phone.empty()) r.phone->cipher = cipher_.Encrypt(phone, Associated(r.id, "phone"));
  return {};
}

namespace {
store::SealedValue Indexed(const privacy::BlindIndex& index, const privacy::Tail4Index& tail,
                           const char* field, const std::string& value, std::string masked) {
  store::SealedValue v;
  v.index = index.Compute(std::string("person.") + field, value);
  v.tail = tail.Compute(std::string("person.") + field, value);
  v.masked = std::move(masked);
  return v;
}
}  // namespace

Result<store::BaseRecord> Service::Create(const model::Scope& scope, BaseEntity entity, model::Fields fields,
                                          model::Fields attributes, store::WriteContext ctx,
                                          std::vector<model::FieldError>* errors_out) {
  auto errors = Validate(scope, entity, fields, attributes);
  if (errors_out) *errors_out = errors;
  if (!errors.empty()) return MakeError(ErrorCode::kInvalid, JoinErrors(errors));
  if (ctx.at == 0) ctx.at = clock_.Now();
  store::BaseRecord r;
  r.entity = entity;
  r.grid_code = fields["grid_code"];
  std::string id_number, phone;
  if (entity == BaseEntity::kPerson) {
    id_number = fields["id_number"];
    fields.erase("id_number");
    r.id_number = Indexed(index_, tail_, "id_number", id_number, model::MaskResidentId(id_number));
    if (auto it = fields.find("phone"); it != fields.end()) {
      phone = it->second;
      fields.erase(it);
      r.phone = Indexed(index_, tail_, "phone", phone, model::MaskPhone(phone));
    }
  }
  for (auto& [k, v] : attributes) fields[k] = v;
  r.fields = std::move(fields);
  auto created = store_.CreateRecord(scope, std::move(r), ctx, [&](store::BaseRecord& rec) {
    return Seal(rec, id_number, phone);
  });
  if (!created.ok() && created.error().code == ErrorCode::kConflict && errors_out) {
    errors_out->push_back({"id_number", "a person with this ID number exists"});
  }
  return created;
}

Result<store::BaseRecord> Service::Patch(const model::Scope& scope, BaseEntity entity, std::int64_t id,
                                         std::int64_t version, const model::Fields& changes,
                                         const model::Fields& attribute_changes, store::WriteContext ctx,
                                         std::vector<model::FieldError>* errors_out) {
  auto current = store_.GetRecord(scope, entity, id);
  if (!current.ok()) return current.error();
  model::Fields fields, attributes;
  for (const auto& [k, v] : current->fields) (IsAttributeKey(k) ? attributes : fields)[k] = v;
  if (entity == BaseEntity::kPerson) {
    auto idn = Decrypt(*current, "id_number");
    if (!idn.ok()) return idn.error();
    fields["id_number"] = *idn;
    if (current->phone) {
      auto ph = Decrypt(*current, "phone");
      if (!ph.ok()) return ph.error();
      fields["phone"] = *ph;
    }
  }
  for (const auto& [k, v] : changes) fields[k] = v;
  for (const auto& [k, v] : attribute_changes) attributes[k] = v;
  auto errors = Validate(scope, entity, fields, attributes);
  if (errors_out) *errors_out = errors;
  if (!errors.empty()) return MakeError(ErrorCode::kInvalid, JoinErrors(errors));
  if (ctx.at == 0) ctx.at = clock_.Now();
  store::BaseRecord r;
  r.entity = entity;
  r.id = id;
  r.version = version;
  r.grid_code = fields["grid_code"];
  if (entity == BaseEntity::kPerson) {
    std::string id_number = fields["id_number"];
    fields.erase("id_number");
    r.id_number = Indexed(index_, tail_, "id_number", id_number, model::MaskResidentId(id_number));
    std::string phone;
    if (auto it = fields.find("phone"); it != fields.end()) {
      phone = it->second;
      fields.erase(it);
      r.phone = Indexed(index_, tail_, "phone", phone, model::MaskPhone(phone));
    }
    CG_RETURN_IF_ERROR(Seal(r, id_number, phone));
  }
  for (auto& [k, v] : attributes) fields[k] = v;
  r.fields = std::move(fields);
  auto updated = store_.UpdateRecord(scope, r, ctx);
  if (!updated.ok() && updated.error().code == ErrorCode::kConflict && errors_out &&
      updated.error().message.starts_with("id_number")) {
    errors_out->push_back({"id_number", "a person with this ID number exists"});
  }
  return updated;
}

namespace {
std::string TailText(std::string_view q) {
  std::string text(model::TrimAscii(q));
  for (char& c : text)
    if (c == 'x') c = 'X';
  return text;
}
}  // namespace

SearchKind ClassifySearch(BaseEntity entity, std::string_view q, Date today) {
  std::string text = TailText(q);
  if (text.empty()) return SearchKind::kNone;
  if (entity != BaseEntity::kPerson) return SearchKind::kText;
  bool tail4 = text.size() == 4;
  for (char c : text) tail4 = tail4 && ((c >= '0' && c <= '9') || c == 'X');
  if (model::ParseResidentId(text, today).ok()) return SearchKind::kIdNumber;
  if (tail4) return SearchKind::kIdTail;
  if (model::ParseMobilePhone(text).ok()) return SearchKind::kPhone;
  return SearchKind::kText;
}

const char* SearchKindName(SearchKind kind) {
  switch (kind) {
    case SearchKind::kNone: return "";
    case SearchKind::kIdNumber: return "id_number";
    case SearchKind::kIdTail: return "id_tail";
    case SearchKind::kPhone: return "phone";
    case SearchKind::kText: return "text";
  }
  return "";
}

Result<store::Slice<store::BaseRecord>> Service::List(const model::Scope& scope, BaseEntity entity,
                                                      const Search& search) {
  store::RecordQuery q;
  q.entity = entity;
  q.grid_prefix = search.grid;
  const Date today = DateAt(clock_.Now());
  std::string text = TailText(search.q);
  switch (ClassifySearch(entity, search.q, today)) {
    case SearchKind::kNone: break;
    case SearchKind::kIdNumber:
      q.id_number_index = index_.Compute("person.id_number", model::ParseResidentId(text, today)->text);
      break;
    case SearchKind::kIdTail: q.id_number_tail = tail_.Compute("person.id_number", text); break;
    case SearchKind::kPhone:
      q.phone_index = index_.Compute("person.phone", *model::ParseMobilePhone(text));
      break;
    case SearchKind::kText: q.name_contains = std::string(model::TrimAscii(search.q)); break;
  }
  return store_.ListRecords(scope, q, search.page);
}

Result<std::string> Service::Decrypt(const store::BaseRecord& r, const char* field) const {
  const auto& sealed = std::string_view(field) == "phone" ? r.phone : r.id_number;
  if (!sealed) return MakeError(ErrorCode::kNotFound, std::string(field) + ": not recorded");
  return cipher_.Decrypt(sealed->cipher, Associated(r.id, field));
}

Result<std::string> Service::Unmask(const model::Scope& scope, std::int64_t person_id, const std::string& field,
                                    const std::string& reason, std::int64_t actor_user_id) {
  if (field != "id_number" && field != "phone") {
    return MakeError(ErrorCode::kInvalid, "field: expected id_number or phone");
  }
  if (CodePoints(model::TrimAscii(reason)) < 4 || reason.size() > 500) {
    return MakeError(ErrorCode::kInvalid, "reason: required, 4 to 500 characters");
  }
  auto person = store_.GetRecord(scope, BaseEntity::kPerson, person_id);
  if (!person.ok()) return person.error();
  store::AuditEntry entry;
  entry.at = clock_.Now();
  entry.actor_user_id = actor_user_id;
  entry.action = "unmask";
  entry.entity = "person";
  entry.entity_id = person_id;
  entry.field = field;
  entry.reason = std::string(model::TrimAscii(reason));
  auto logged = store_.AppendAudit(entry);
  if (!logged.ok()) return logged.error();
  return Decrypt(*person, field.c_str());
}

model::Fields Service::Present(const store::BaseRecord& r) const {
  model::Fields out = r.fields;
  if (r.entity == BaseEntity::kPerson) {
    auto id = Decrypt(r, "id_number");
    out["id_number"] = id.ok() ? model::MaskResidentId(*id) : "(unreadable)";
    if (id.ok()) {
      for (auto& [k, v] : model::DerivePersonFields(*id)) out[k] = v;
    }
    if (r.phone) {
      auto phone = Decrypt(r, "phone");
      out["phone"] = phone.ok() ? model::MaskPhone(*phone) : "(unreadable)";
    }
  }
  return out;
}

}  // namespace cg::base
