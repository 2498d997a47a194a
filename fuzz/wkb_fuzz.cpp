// libFuzzer harness for the WKB decoder (geometry read back from either database).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "geo/wkb.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto g = cg::geo::DecodeWkb(std::string_view(reinterpret_cast<const char*>(data), size));
  if (g.ok()) {
    auto again = cg::geo::DecodeWkb(cg::geo::EncodeWkb(*g));  // what we write must read back
    if (!again.ok() || again->size() != g->size()) __builtin_trap();
  }
  return 0;
}
