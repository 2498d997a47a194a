// libFuzzer harness for what the server parses from a request before any handler logic: the
// request target (path, percent-decoding, query string) and JSON request bodies.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "api/json_body.hpp"
#include "api/request_target.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  // First byte picks the split between target and body so both get arbitrary input.
  std::size_t split = size ? data[0] % (size + 1) : 0;
  cg::api::Request req;
  (void)cg::api::ParseTarget(input.substr(0, split), req);
  (void)cg::api::PercentDecode(input, true);
  req.headers["content-type"] = "application/json";
  req.body = std::string(input.substr(split));
  auto obj = cg::api::ParseJsonObject(req);
  if (obj.ok()) {
    (void)cg::api::StringField(*obj, "username");
    (void)cg::api::StringField(*obj, "password", false, 16);
    (void)cg::api::Dump(*obj);
  }
  (void)cg::api::ParsePage(req, 10, 100);
  (void)cg::api::NumberParam(req, "lon", -180, 180);
  return 0;
}
