#pragma once
// The active report templates — built-in ones from data/reports/*.toml and those an admin
// added (stored in the database) — with the live projection that keeps their figures, and
// the field form generated from what they need (一表通: collect once). Thread-safe.

#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <vector>

#include "base/change_feed.hpp"
#include "core/clock.hpp"
#include "forms/dictionary.hpp"
#include "reports/projection.hpp"
#include "reports/report.hpp"
#include "reports/template.hpp"
#include "store/store.hpp"

namespace cg::reports {

// One field of the generated form.
struct FormField {
  std::string code;         // data-element code, or a core field name ("name", "id_number", ...)
  std::string label_zh, label_en;
  std::string type;         // element type name, or the core field's kind
  bool required = false;
  bool core = false;        // a record field every form has, not a data element
  const forms::DataElement* element = nullptr;  // null for core fields
  std::vector<std::string> templates;  // codes of the active templates that need it
};

struct FormSection {
  std::string entity;      // "household" or "person"
  std::string group;       // "core" or a department code
  std::string label_zh, label_en;
  std::vector<FormField> fields;
};

// Method in docs/reports.md: each department's own form asks the identifying core fields of
// each subject it covers plus every element its templates read; the generated form asks each
// core field and element once.
struct Burden {
  int fields_once = 0;                 // fields of the generated form
  int fields_separate = 0;             // sum over departments of their separate forms' fields
  int departments = 0;                 // departments with an active template
  struct PerDepartment {
    std::string code, label_zh;
    int fields = 0;
  };
  std::vector<PerDepartment> per_department;
};

struct GeneratedForm {
  std::vector<FormSection> sections;
  Burden burden;
};

// What an admin's new template changes: the elements no active template needed before.
struct TemplatePreview {
  std::shared_ptr<const Template> tpl;
  std::vector<const forms::DataElement*> new_elements;
};

class Catalog {
 public:
  // References must outlive the catalog.
  Catalog(store::Store& store, const forms::Dictionary& dictionary, const Clock& clock);

  // Loads the built-in templates (kNotFound if the folder is missing: then there are none) and
  // those stored in the database, and registers the projection on `feed` (before its Start).
  Status Load(const std::string& reports_dir, base::ChangeFeed& feed);

  std::vector<std::shared_ptr<const Template>> List() const;
  // nullptr if no active template has `code`.
  std::shared_ptr<const Template> Find(const std::string& code) const;
  // True for templates from data/reports (not removable through the API).
  bool IsBuiltIn(const std::string& code) const;

  // The report of template `code` for `scope_code` as of the clock's today (UTC+8).
  // kNotFound for an unknown template or a scope absent or outside `caller`.
  Result<Report> Run(const model::Scope& caller, const std::string& code, const std::string& scope_code) const;

  // Parses and validates `toml_text` against the dictionary and the active templates (its
  // code must be new): kInvalid / kConflict. Changes nothing.
  Result<TemplatePreview> Preview(const std::string& toml_text) const;
  // Preview, then stores it and rebuilds the projection so its figures are live at once.
  Result<TemplatePreview> Add(const std::string& toml_text, std::int64_t actor_user_id);
  // Removes an admin-added template. kNotFound if absent, kConflict for a built-in one.
  Status Remove(const std::string& code);
  // Picks up templates added or removed by other nodes (the periodic feed job calls it).
  Status Refresh();

  // The form for a household visit ("household": household fields, then each member's
  // person fields) or for one person ("person").
  Result<GeneratedForm> Form(const std::string& entity) const;

  const ReportProjection& projection() const { return projection_; }
  base::ChangeFeed* feed() const { return feed_; }

 private:
  Status RefreshLocked();  // Refresh with write_mu_ held
  Status Activate(std::vector<std::shared_ptr<const Template>> stored);
  std::vector<std::string> ActiveElements() const;

  store::Store& store_;
  const forms::Dictionary& dictionary_;
  const Clock& clock_;
  base::ChangeFeed* feed_ = nullptr;
  ReportProjection projection_;
  std::mutex write_mu_;  // one Add/Remove/Refresh at a time
  mutable std::shared_mutex mu_;
  std::vector<std::shared_ptr<const Template>> built_in_;
  std::vector<std::shared_ptr<const Template>> stored_;
  std::string stored_signature_;  // codes and bodies of stored_, to notice other nodes' changes
};

}  // namespace cg::reports
