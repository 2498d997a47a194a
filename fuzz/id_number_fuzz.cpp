// libFuzzer harness for the identifier parsers (ID number, USCC, mobile phone, date) and masks.
// Properties checked beyond "no crash": whatever a parser accepts is normalised, parses again
// to the same value, and masks to the documented shape.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/date.hpp"
#include "model/id_number.hpp"
#include "model/masking.hpp"
#include "model/phone.hpp"
#include "model/uscc.hpp"

namespace {

void Require(bool ok) {
  if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  constexpr cg::Date kToday{2026, 11, 24};

  if (auto id = cg::model::ParseResidentId(text, kToday); id.ok()) {
    Require(id->text.size() == 18);
    Require(cg::IsValid(id->birth_date) && id->birth_date <= kToday);
    auto again = cg::model::ParseResidentId(id->text, kToday);
    Require(again.ok() && again->text == id->text);
    const std::string masked = cg::model::MaskResidentId(id->text);
    Require(masked.size() == 18 && masked.substr(6, 8) == "********");
  } else {
    Require(!id.error().message.empty());
  }

  if (auto u = cg::model::ParseUscc(text); u.ok()) {
    Require(u->text.size() == 18);
    auto again = cg::model::ParseUscc(u->text);
    Require(again.ok() && again->text == u->text);
  }

  if (auto p = cg::model::ParseMobilePhone(text); p.ok()) {
    Require(p->size() == 11 && (*p)[0] == '1');
    Require(cg::model::ParseMobilePhone(*p).ok());
    Require(cg::model::MaskPhone(*p).substr(3, 4) == "****");
  }

  if (auto d = cg::ParseDate(text); d.ok()) {
    Require(cg::FormatDate(*d) == text);
    Require(cg::DateFromDays(cg::DaysSinceEpoch(*d)) == *d);
  }

  (void)cg::model::MaskResidentId(text);
  (void)cg::model::MaskPhone(text);
  return 0;
}
