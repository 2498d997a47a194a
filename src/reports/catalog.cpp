#include "reports/catalog.hpp"

#include <algorithm>
#include <map>
#include <set>

namespace cg::reports {
namespace {

// Labels of core fields that are not data elements.
struct CoreLabel {
  const char* field;
  const char* zh;
  const char* en;
};
constexpr CoreLabel kCoreLabels[] = {
    {"grid_code", "所属网格", "Grid"},          {"address_id", "标准地址", "Standard address"},
    {"house_id", "房屋", "House"},              {"head_person_id", "户主", "Head of household"},
    {"members", "家庭成员", "Members"},         {"name", "姓名", "Name"},
    {"id_number", "公民身份号码", "ID number"}, {"phone", "联系电话", "Phone"},
    {"ethnicity", "民族", "Ethnicity"},         {"residence_status", "人口类型", "Residence status"},
};

const char* KindName(model::FieldKind k) {
  switch (k) {
    case model::FieldKind::kText: return "string";
    case model::FieldKind::kInteger: return "integer";
    case model::FieldKind::kDecimal: return "decimal";
    case model::FieldKind::kEnum: return "enum";
    case model::FieldKind::kGridCode: return "grid_code";
    case model::FieldKind::kRef: return "reference";
    case model::FieldKind::kIdNumber: return "id_number";
    case model::FieldKind::kPhone: return "phone";
    case model::FieldKind::kUscc: return "uscc";
    case model::FieldKind::kMembers: return "members";
    case model::FieldKind::kEthnicity: return "enum";
  }
  return "string";
}

forms::Entity FormsEntity(model::BaseEntity e) {
  return e == model::BaseEntity::kHousehold ? forms::Entity::kHousehold : forms::Entity::kPerson;
}

Date Today(const Clock& clock) { return DateAt(clock.Now()); }

}  // namespace

Catalog::Catalog(store::Store& store, const forms::Dictionary& dictionary, const Clock& clock)
    : store_(store), dictionary_(dictionary), clock_(clock) {}

Status Catalog::Load(const std::string& reports_dir, base::ChangeFeed& feed) {
  auto files = LoadTemplateDirectory(reports_dir, dictionary_);
  if (!files.ok() && files.error().code != ErrorCode::kNotFound) return files.error();
  if (files.ok()) {
    for (auto& t : *files) built_in_.push_back(std::make_shared<const Template>(std::move(t)));
  }
  feed_ = &feed;
  feed.Add(&projection_);
  std::lock_guard write(write_mu_);
  return RefreshLocked();
}

std::vector<std::shared_ptr<const Template>> Catalog::List() const {
  std::shared_lock lock(mu_);
  std::vector<std::shared_ptr<const Template>> out = built_in_;
  out.insert(out.end(), stored_.begin(), stored_.end());
  return out;
}

std::shared_ptr<const Template> Catalog::Find(const std::string& code) const {
  for (auto& t : List())
    if (t->code == code) return t;
  return nullptr;
}

bool Catalog::IsBuiltIn(const std::string& code) const {
  std::shared_lock lock(mu_);
  for (const auto& t : built_in_)
    if (t->code == code) return true;
  return false;
}

Result<Report> Catalog::Run(const model::Scope& caller, const std::string& code, const std::string& scope_code) const {
  auto tpl = Find(code);
  if (!tpl) return MakeError(ErrorCode::kNotFound, "no report template '" + code + "'");
  // The seq first: the figures include at least every change up to it.
  std::int64_t seq = feed_ ? feed_->seq() : 0;
  auto report = BuildReport(store_, caller, projection_, tpl, scope_code, Today(clock_));
  if (!report.ok()) return report.error();
  report->seq = seq;
  report->generated_at = clock_.Now();
  if (const auto* d = dictionary_.FindDepartment(tpl->department)) report->department_label = d->label_zh;
  return report;
}

std::vector<std::string> Catalog::ActiveElements() const {
  std::set<std::string> out;
  for (const auto& t : List())
    for (auto& e : t->Elements()) out.insert(e);
  return {out.begin(), out.end()};
}

Result<TemplatePreview> Catalog::Preview(const std::string& toml_text) const {
  auto parsed = ParseTemplate("template", toml_text, dictionary_);
  if (!parsed.ok()) return parsed.error();
  if (Find(parsed->code)) return MakeError(ErrorCode::kConflict, "a report template with code '" + parsed->code + "' exists");
  TemplatePreview out;
  auto active = ActiveElements();
  for (const auto& code : parsed->Elements()) {
    if (!std::binary_search(active.begin(), active.end(), code)) out.new_elements.push_back(dictionary_.Find(code));
  }
  parsed->source = "db";
  out.tpl = std::make_shared<const Template>(std::move(parsed).value());
  return out;
}

Status Catalog::Activate(std::vector<std::shared_ptr<const Template>> stored) {
  std::vector<const Template*> all;
  for (const auto& t : built_in_) all.push_back(t.get());
  for (const auto& t : stored) all.push_back(t.get());
  auto reset = [&] { projection_.SetTemplates(all); };
  if (feed_ && feed_->started()) {
    CG_RETURN_IF_ERROR(feed_->Resync(&projection_, reset));
  } else {
    reset();
  }
  std::unique_lock lock(mu_);
  stored_ = std::move(stored);
  return {};
}

Result<TemplatePreview> Catalog::Add(const std::string& toml_text, std::int64_t actor_user_id) {
  std::lock_guard write(write_mu_);
  auto preview = Preview(toml_text);
  if (!preview.ok()) return preview.error();
  CG_RETURN_IF_ERROR(store_.InsertReportTemplate({preview->tpl->code, toml_text, actor_user_id, clock_.Now()}));
  CG_RETURN_IF_ERROR(RefreshLocked());
  return preview;
}

Status Catalog::Remove(const std::string& code) {
  std::lock_guard write(write_mu_);
  if (IsBuiltIn(code)) {
    return MakeError(ErrorCode::kConflict, "'" + code + "' is a built-in template (data/reports); remove its file instead");
  }
  CG_RETURN_IF_ERROR(store_.DeleteReportTemplate(code));
  return RefreshLocked();
}

Status Catalog::Refresh() {
  std::lock_guard write(write_mu_);
  return RefreshLocked();
}

Status Catalog::RefreshLocked() {
  auto rows = store_.ListReportTemplates();
  if (!rows.ok()) return rows.error();
  std::string signature;
  for (const auto& r : *rows) signature += r.code + '\0' + r.body + '\0';
  {
    std::shared_lock lock(mu_);
    if (feed_ && feed_->started() && signature == stored_signature_) return {};
  }
  std::vector<std::shared_ptr<const Template>> stored;
  for (const auto& r : *rows) {
    auto t = ParseTemplate("report_templates:" + r.code, r.body, dictionary_);
    // A stored template the dictionary no longer supports is skipped, not fatal.
    if (!t.ok()) continue;
    bool clash = false;
    for (const auto& b : built_in_) clash = clash || b->code == t->code;
    if (clash) continue;
    t->source = "db";
    stored.push_back(std::make_shared<const Template>(std::move(t).value()));
  }
  CG_RETURN_IF_ERROR(Activate(std::move(stored)));
  std::unique_lock lock(mu_);
  stored_signature_ = signature;
  return {};
}

Result<GeneratedForm> Catalog::Form(const std::string& entity) const {
  std::vector<model::BaseEntity> entities;
  if (entity == "household") entities = {model::BaseEntity::kHousehold, model::BaseEntity::kPerson};
  else if (entity == "person") entities = {model::BaseEntity::kPerson};
  else return MakeError(ErrorCode::kNotFound, "no form '" + entity + "' (household or person)");
  auto templates = List();
  GeneratedForm form;
  // Per department: the elements its templates read, by entity (for the burden).
  std::map<std::string, std::set<std::string>> dept_elements;
  std::map<std::string, std::set<model::BaseEntity>> dept_entities;
  std::vector<std::string> dept_order;
  std::set<std::string> placed;
  for (auto e : entities) {
    // Core: the record's own fields.
    FormSection core;
    core.entity = model::BaseEntityName(e);
    core.group = "core";
    core.label_zh = e == model::BaseEntity::kHousehold ? "户基本信息" : "人员基本信息";
    core.label_en = e == model::BaseEntity::kHousehold ? "Household" : "Person";
    for (const auto& spec : model::FieldsOf(e)) {
      FormField f;
      f.code = spec.name;
      f.core = true;
      f.required = spec.required;
      f.type = KindName(spec.kind);
      const forms::DataElement* el = dictionary_.Find(std::string(model::BaseEntityName(e)) + "." + spec.name);
      if (el) {
        f.label_zh = el->label_zh;
        f.label_en = el->label_en;
        f.element = el;
        f.type = forms::ElementTypeName(el->type);
      } else {
        for (const auto& l : kCoreLabels)
          if (spec.name == l.field) f.label_zh = l.zh, f.label_en = l.en;
      }
      if (f.label_zh.empty()) f.label_zh = f.label_en = spec.name;
      core.fields.push_back(std::move(f));
    }
    form.sections.push_back(std::move(core));
    // Elements the templates need, grouped under the first department (in template order)
    // whose template reads them.
    std::map<std::string, FormSection> by_dept;
    std::vector<std::string> order;
    for (const auto& t : templates) {
      for (const auto& code : t->Elements()) {
        const forms::DataElement* el = dictionary_.Find(code);
        if (!el || el->entity != FormsEntity(e)) continue;
        std::string field = RecordField(e, code);
        dept_elements[t->department].insert(code);
        dept_entities[t->department].insert(e);
        if (std::find(dept_order.begin(), dept_order.end(), t->department) == dept_order.end())
          dept_order.push_back(t->department);
        if (field != code) {  // a core field (person.ethnicity ...): note the template there
          for (auto& f : form.sections.back().fields)
            if (f.code == field && std::find(f.templates.begin(), f.templates.end(), t->code) == f.templates.end())
              f.templates.push_back(t->code);
          continue;
        }
        if (placed.count(code)) {
          for (auto& [d, sec] : by_dept)
            for (auto& f : sec.fields)
              if (f.code == code && std::find(f.templates.begin(), f.templates.end(), t->code) == f.templates.end())
                f.templates.push_back(t->code);
          continue;
        }
        placed.insert(code);
        auto [it, fresh] = by_dept.try_emplace(t->department);
        if (fresh) {
          order.push_back(t->department);
          it->second.entity = model::BaseEntityName(e);
          it->second.group = t->department;
          if (const auto* d = dictionary_.FindDepartment(t->department)) {
            it->second.label_zh = d->label_zh;
            it->second.label_en = d->label_en;
          }
        }
        FormField f;
        f.code = code;
        f.label_zh = el->label_zh;
        f.label_en = el->label_en;
        f.type = forms::ElementTypeName(el->type);
        f.required = el->required;
        f.element = el;
        f.templates.push_back(t->code);
        it->second.fields.push_back(std::move(f));
      }
    }
    for (const auto& d : order) form.sections.push_back(std::move(by_dept[d]));
  }
  // Burden: required core fields per entity, then elements.
  auto required_core = [](model::BaseEntity e) {
    int n = 0;
    for (const auto& spec : model::FieldsOf(e)) n += spec.required;
    return n;
  };
  std::set<std::string> union_elements;
  for (const auto& [d, els] : dept_elements) {
    int core = 0;
    std::set<std::string> own;
    for (const auto& code : els) {
      // Elements that are core fields are counted with the core.
      auto field = RecordField(model::BaseEntity::kPerson, code);
      if (field == code) own.insert(code);
    }
    for (auto e : dept_entities[d]) core += required_core(e);
    // A department counting households also identifies the head person on its form.
    if (dept_entities[d].count(model::BaseEntity::kHousehold) && !dept_entities[d].count(model::BaseEntity::kPerson))
      core += required_core(model::BaseEntity::kPerson);
    Burden::PerDepartment pd;
    pd.code = d;
    if (const auto* dep = dictionary_.FindDepartment(d)) pd.label_zh = dep->label_zh;
    pd.fields = core + static_cast<int>(own.size());
    form.burden.per_department.push_back(pd);
    form.burden.fields_separate += pd.fields;
    union_elements.insert(own.begin(), own.end());
  }
  std::sort(form.burden.per_department.begin(), form.burden.per_department.end(), [&](const auto& a, const auto& b) {
    return std::find(dept_order.begin(), dept_order.end(), a.code) < std::find(dept_order.begin(), dept_order.end(), b.code);
  });
  form.burden.departments = static_cast<int>(dept_elements.size());
  for (auto e : entities) form.burden.fields_once += required_core(e);
  form.burden.fields_once += static_cast<int>(union_elements.size());
  return form;
}

}  // namespace cg::reports
