// libFuzzer harness for Open311 POST bodies (application/x-www-form-urlencoded) and the XML
// escaping of whatever they decode to.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "api/form.hpp"
#include "api/xml_writer.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  auto form = cg::api::ParseForm(input, 64);
  if (form.ok()) {
    for (const auto& [k, v] : *form) {
      if (k.empty() || !cg::api::IsValidUtf8(k) || !cg::api::IsValidUtf8(v)) std::abort();
      auto escaped = cg::api::XmlEscape(v);
      if (escaped.find('<') != std::string::npos) std::abort();
    }
  }
  return 0;
}
