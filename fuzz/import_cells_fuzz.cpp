// libFuzzer harness for the import's cell and header handling: every cell of a department's
// spreadsheet reaches NormalizeCell, every header SuggestMapping, every address AddressesMatch.
// Input: lines; the first picks the target, the rest are cells / headers.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "imports/mapping.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const cg::forms::Dictionary kEmpty;  // no attributes: the built-in targets only
  static const char* kTargets[] = {"person.name", "person.id_number", "person.phone", "grid_code",
                                   "birth_date",  "sex",              "address",      "person.unknown"};
  std::string text(reinterpret_cast<const char*>(data), size);
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start <= text.size() && lines.size() < 64) {
    auto nl = text.find('\n', start);
    if (nl == std::string::npos) nl = text.size();
    lines.push_back(text.substr(start, nl - start));
    start = nl + 1;
  }
  const cg::Date today{2026, 1, 1};
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const char* target = kTargets[(lines[0].empty() ? 0 : static_cast<unsigned char>(lines[0][0]) + i) % 8];
    auto v = cg::imports::NormalizeCell(kEmpty, target, lines[i], today);
    if (v.ok() && v->size() > lines[i].size() + 16) __builtin_trap();  // normalising never grows much
    (void)cg::imports::NormalizeDateText(lines[i]);
    if (i > 0) (void)cg::imports::AddressesMatch(lines[i - 1], lines[i]);
  }
  auto mapping = cg::imports::SuggestMapping(lines, kEmpty);
  if (mapping.size() != lines.size()) __builtin_trap();
  (void)cg::imports::CheckMapping(mapping, lines.size(), kEmpty);
  return 0;
}
