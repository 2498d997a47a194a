// libFuzzer harness for multipart/form-data uploads (随手拍 photos, Open311 media). The first
// line of the input is the Content-Type header, the rest the body; the parser must never read
// outside the body, and every part it returns must be named and within the limits.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "api/multipart.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  auto nl = input.find('\n');
  if (nl == std::string_view::npos) return 0;
  auto boundary = cg::api::MultipartBoundary(input.substr(0, nl));
  if (!boundary.ok()) return 0;
  if (boundary->empty() || boundary->size() > 70) std::abort();
  std::string_view body = input.substr(nl + 1);
  cg::api::MultipartLimits limits;
  limits.max_parts = 16;
  limits.max_part_bytes = 4096;
  limits.max_header_bytes = 512;
  limits.max_headers = 4;
  auto parts = cg::api::ParseMultipart(body, *boundary, limits);
  if (!parts.ok()) return 0;
  if (parts->size() > limits.max_parts) std::abort();
  for (const auto& p : *parts) {
    if (p.name.empty() || p.data.size() > limits.max_part_bytes) std::abort();
    if (p.data.data() < body.data() || p.data.data() + p.data.size() > body.data() + body.size()) std::abort();
  }
  return 0;
}
