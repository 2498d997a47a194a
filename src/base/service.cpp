#include "base/service.hpp"

#include <charconv>
#include <map>
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

// Fields that refer to another record, besides "members" (persons of a household).
constexpr std::pair<const char*, BaseEntity> kReferenceFields[] = {{"address_id", BaseEntity::kAddress},
                                                                   {"house_id", BaseEntity::kHouse},
                                                                   {"building_id", BaseEntity::kBuilding},
                                                                   {"head_person_id", BaseEntity::kPerson}};

std::optional<std::int64_t> ParseId(std::string_view s) {
  std::int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

// Fields of a person that derive from the ID number and are stored for views, never typed.
constexpr const char* kDerivedPersonFields[] = {"sex", "birth_date"};

}  // namespace

std::string SealAssociated(std::int64_t person_id, std::string_view field) {
  return "person." + std::string(field) + ":" + std::to_string(person_id);
}

Service::Service(store::Store& store, const privacy::KeyRing& keys, const forms::Dictionary& dictionary,
                 const Clock& clock)
    : store_(store), dictionary_(dictionary), clock_(clock), cipher_(keys), index_(keys), tail_(keys) {}

std::vector<model::FieldError> Service::Validate(const model::Scope& scope, BaseEntity entity,
                                                 model::Fields& fields, model::Fields& attributes,
                                                 const RefExists& exists) {
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
  bool refs_valid = true;
  for (const auto& e : errors) refs_valid = refs_valid && !e.field.ends_with("_id") && e.field != "members";
  if (refs_valid) {
    for (const auto& [field, target] : kReferenceFields) {
      auto it = fields.find(field);
      if (it == fields.end()) continue;
      if (!exists(target, std::stoll(it->second))) {
        errors.push_back({field, std::string("no such ") + model::BaseEntityName(target)});
      }
    }
    if (auto it = fields.find("members"); it != fields.end()) {
      std::set<std::int64_t> seen;
      for (const auto& [id, rel] : model::ParseMembers(it->second)) {
        if (!seen.insert(id).second) errors.push_back({"members", "person " + std::to_string(id) + " listed twice"});
        else if (!exists(BaseEntity::kPerson, id))
          errors.push_back({"members", "no such person: " + std::to_string(id)});
      }
    }
  }
  (void)scope;
  return errors;
}

Status Service::Seal(store::BaseRecord& r, const std::string& id_number, const std::string& phone) const {
  if (!id_number.empty()) r.id_number->cipher = cipher_.Encrypt(id_number, SealAssociated(r.id, "id_number"));
  if (!phone.empty()) r.phone->cipher = cipher_.Encrypt(phone, SealAssociated(r.id, "phone"));
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

Service::RefExists Service::StoreLookup(const model::Scope& scope) {
  return [this, &scope](BaseEntity e, std::int64_t id) { return store_.GetRecord(scope, e, id).ok(); };
}

Service::Prepared Service::Build(BaseEntity entity, model::Fields fields, model::Fields attributes) const {
  Prepared p;
  store::BaseRecord& r = p.record;
  r.entity = entity;
  r.grid_code = fields["grid_code"];
  if (entity == BaseEntity::kPerson) {
    p.id_number = fields["id_number"];
    fields.erase("id_number");
    for (auto& [k, v] : model::DerivePersonFields(p.id_number)) fields[k] = v;
    r.id_number = Indexed(index_, tail_, "id_number", p.id_number, model::MaskResidentId(p.id_number));
    if (auto it = fields.find("phone"); it != fields.end()) {
      p.phone = it->second;
      fields.erase(it);
      r.phone = Indexed(index_, tail_, "phone", p.phone, model::MaskPhone(p.phone));
    }
  }
  for (auto& [k, v] : attributes) fields[k] = v;
  r.fields = std::move(fields);
  return p;
}

Result<store::BaseRecord> Service::Create(const model::Scope& scope, BaseEntity entity, model::Fields fields,
                                          model::Fields attributes, store::WriteContext ctx,
                                          std::vector<model::FieldError>* errors_out) {
  auto errors = Validate(scope, entity, fields, attributes, StoreLookup(scope));
  if (errors_out) *errors_out = errors;
  if (!errors.empty()) return MakeError(ErrorCode::kInvalid, JoinErrors(errors));
  if (ctx.at == 0) ctx.at = clock_.Now();
  Prepared p = Build(entity, std::move(fields), std::move(attributes));
  auto created = store_.CreateRecord(scope, std::move(p.record), ctx, [&](store::BaseRecord& rec) {
    return Seal(rec, p.id_number, p.phone);
  });
  if (!created.ok() && created.error().code == ErrorCode::kConflict && errors_out) {
    errors_out->push_back({"id_number", "a person with this ID number exists"});
  }
  if (created.ok()) AfterWrite();
  return created;
}

Result<std::vector<Result<store::BaseRecord>>> Service::CreateMany(
    const model::Scope& scope, BaseEntity entity, std::vector<NewRecord> rows, store::WriteContext ctx,
    std::vector<std::vector<model::FieldError>>* errors_out) {
  const std::size_t n = rows.size();
  if (errors_out) errors_out->assign(n, {});
  if (ctx.at == 0) ctx.at = clock_.Now();
  // References of the whole batch are looked up together; anything the prefetch missed (an
  // id that did not parse here) falls back to the single lookup, so the answer is the same.
  std::map<BaseEntity, std::vector<std::int64_t>> wanted;
  for (const auto& row : rows) {
    for (const auto& [field, target] : kReferenceFields) {
      if (auto it = row.fields.find(field); it != row.fields.end()) {
        if (auto id = ParseId(it->second)) wanted[target].push_back(*id);
      }
    }
    if (auto it = row.fields.find("members"); it != row.fields.end()) {
      for (const auto& [id, rel] : model::ParseMembers(it->second)) wanted[BaseEntity::kPerson].push_back(id);
    }
  }
  std::map<BaseEntity, std::pair<std::set<std::int64_t>, std::set<std::int64_t>>> known;  // asked, found
  for (auto& [target, ids] : wanted) {
    auto found = store_.ExistingIds(scope, target, ids);
    if (!found.ok()) return found.error();
    known[target] = {std::set<std::int64_t>(ids.begin(), ids.end()), std::move(found).value()};
  }
  auto lookup = StoreLookup(scope);
  RefExists exists = [&](BaseEntity e, std::int64_t id) {
    auto it = known.find(e);
    if (it != known.end() && it->second.first.count(id)) return it->second.second.count(id) > 0;
    return lookup(e, id);
  };
  std::vector<Result<store::BaseRecord>> out(n, Result<store::BaseRecord>(MakeError(ErrorCode::kInvalid, "")));
  std::vector<store::BaseRecord> valid;
  std::vector<std::size_t> valid_rows;
  std::map<std::string, std::pair<std::string, std::string>> plain;  // blind index -> ID, phone
  for (std::size_t i = 0; i < n; ++i) {
    auto errors = Validate(scope, entity, rows[i].fields, rows[i].attributes, exists);
    if (!errors.empty()) {
      out[i] = MakeError(ErrorCode::kInvalid, JoinErrors(errors));
      if (errors_out) (*errors_out)[i] = std::move(errors);
      continue;
    }
    Prepared p = Build(entity, std::move(rows[i].fields), std::move(rows[i].attributes));
    if (p.record.id_number) plain.emplace(p.record.id_number->index, std::pair{p.id_number, p.phone});
    valid.push_back(std::move(p.record));
    valid_rows.push_back(i);
  }
  auto written = store_.CreateRecords(scope, std::move(valid), ctx, [&](store::BaseRecord& rec) -> Status {
    if (!rec.id_number) return {};
    auto it = plain.find(rec.id_number->index);
    if (it == plain.end()) return MakeError(ErrorCode::kInternal, "batch row without its ID number");
    return Seal(rec, it->second.first, it->second.second);
  });
  if (!written.ok()) return written.error();
  for (std::size_t k = 0; k < valid_rows.size(); ++k) {
    auto& result = (*written)[k];
    if (!result.ok() && result.error().code == ErrorCode::kConflict && errors_out &&
        result.error().message.starts_with("id_number")) {
      (*errors_out)[valid_rows[k]].push_back({"id_number", "a person with this ID number exists"});
    }
    out[valid_rows[k]] = std::move(result);
  }
  AfterWrite();
  return out;
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
    for (const char* derived : kDerivedPersonFields) fields.erase(derived);
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
  auto errors = Validate(scope, entity, fields, attributes, StoreLookup(scope));
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
    for (auto& [k, v] : model::DerivePersonFields(id_number)) fields[k] = v;
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
  if (updated.ok()) AfterWrite();
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

Result<store::BaseRecord> Service::FindPersonByIdNumber(std::string_view id_number) const {
  auto id = model::ParseResidentId(id_number, DateAt(clock_.Now()));
  if (!id.ok()) return id.error();
  auto found = store_.FindPersonsByIdIndex(model::Scope::System(), {index_.Compute("person.id_number", id->text)});
  if (!found.ok()) return found.error();
  if (found->empty()) return MakeError(ErrorCode::kNotFound, "no resident with this ID number");
  return found->front();
}

void Service::AfterWrite() {
  if (!feed_ || !feed_->started()) return;
  // The write has committed whatever happens here: a failed catch-up leaves the feed's seq
  // where it was, so the next write or the periodic job (which logs errors) applies it.
  (void)feed_->CatchUp();
}

Result<store::Slice<store::BaseRecord>> Service::List(const model::Scope& scope, BaseEntity entity,
                                                      const Search& search) {
  store::RecordQuery q;
  q.entity = entity;
  q.grid_prefix = search.grid;
  const Date today = DateAt(clock_.Now());
  std::string text = TailText(search.q);
  const SearchKind kind = ClassifySearch(entity, search.q, today);
  if (search_ && search_->Wants(entity) && (kind == SearchKind::kText || kind == SearchKind::kIdTail)) {
    std::string prefix = search.grid.empty() ? scope.root_code() : search.grid;
    if (!scope.Contains(prefix)) return MakeError(ErrorCode::kNotFound, "grid not found");
    if (search.page.limit < 0 || search.page.offset < 0) return MakeError(ErrorCode::kInvalid, "limit and offset must be >= 0");
    if (feed_) CG_RETURN_IF_ERROR(feed_->CatchUp());
    const auto offset = static_cast<std::size_t>(search.page.offset);
    const auto limit = static_cast<std::size_t>(search.page.limit);
    SearchHits hits = kind == SearchKind::kText
                          ? search_->index().SearchText(entity, prefix, model::TrimAscii(search.q), offset, limit)
                          : search_->index().SearchTail(prefix, tail_.Compute("person.id_number", text), offset, limit);
    store::Slice<store::BaseRecord> out;
    out.total = hits.total;
    for (std::int64_t id : hits.ids) {
      auto r = store_.GetRecord(scope, entity, id);  // scoped again in the store
      if (r.ok()) out.items.push_back(std::move(*r));
    }
    return out;
  }
  switch (kind) {
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
  return cipher_.Decrypt(sealed->cipher, SealAssociated(r.id, field));
}

Status Service::LogUnmask(const char* entity, std::int64_t id, const std::string& field, const std::string& reason,
                          std::int64_t actor_user_id) {
  if (CodePoints(model::TrimAscii(reason)) < 4 || reason.size() > 500) {
    return MakeError(ErrorCode::kInvalid, "reason: required, 4 to 500 characters");
  }
  store::AuditEntry entry;
  entry.at = clock_.Now();
  entry.actor_user_id = actor_user_id;
  entry.action = "unmask";
  entry.entity = entity;
  entry.entity_id = id;
  entry.field = field;
  entry.reason = std::string(model::TrimAscii(reason));
  auto logged = store_.AppendAudit(entry);
  if (!logged.ok()) return logged.error();
  return {};
}

Result<std::string> Service::Unmask(const model::Scope& scope, std::int64_t person_id, const std::string& field,
                                    const std::string& reason, std::int64_t actor_user_id) {
  if (field != "id_number" && field != "phone") {
    return MakeError(ErrorCode::kInvalid, "field: expected id_number or phone");
  }
  auto person = store_.GetRecord(scope, BaseEntity::kPerson, person_id);
  if (!person.ok()) return person.error();
  CG_RETURN_IF_ERROR(LogUnmask("person", person_id, field, reason, actor_user_id));
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
