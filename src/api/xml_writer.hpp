#pragma once
// A tiny XML writer for responses (Open311): elements and escaped text, nothing more.

#include <string>
#include <string_view>
#include <vector>

namespace cg::api {

// Escapes &, <, >, " and ' and drops characters XML 1.0 forbids (C0 controls other than tab,
// LF and CR). Input is assumed to be valid UTF-8.
std::string XmlEscape(std::string_view text);

class XmlWriter {
 public:
  XmlWriter() { out_ = "<?xml version=\"1.0\" encoding=\"utf-8\"?>"; }
  // Opens <name>; `name` is a constant of ours, never user input.
  XmlWriter& Open(std::string_view name);
  XmlWriter& Close();  // closes the innermost open element
  // <name>escaped text</name>
  XmlWriter& Element(std::string_view name, std::string_view text);
  // Closes everything still open and returns the document.
  std::string Finish();

 private:
  std::string out_;
  std::vector<std::string> open_;
};

}  // namespace cg::api
