#pragma once
// What part of the org tree a read may touch. Every store read takes a Scope and returns
// kNotFound for anything outside it, so handlers cannot forget the check.

#include <string>
#include <string_view>

namespace cg::model {

class Scope {
 public:
  // The subtree rooted at the org unit with `root_code`.
  static Scope Subtree(std::string root_code) { return Scope(std::move(root_code)); }
  // The whole tree; only for the CLI, seeding and internal jobs, never for a request.
  static Scope System() { return Scope(""); }

  bool Contains(std::string_view code) const { return code.starts_with(root_); }
  const std::string& root_code() const { return root_; }
  bool is_system() const { return root_.empty(); }

 private:
  explicit Scope(std::string root) : root_(std::move(root)) {}
  std::string root_;
};

}  // namespace cg::model
