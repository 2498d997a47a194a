#include "model/masking.hpp"

namespace cg::model {
namespace {

std::string KeepEnds(std::string_view s, std::size_t head, std::size_t tail) {
  std::string out(s);
  for (std::size_t i = head; i + tail < s.size(); ++i) out[i] = '*';
  return out;
}

}  // namespace

std::string MaskResidentId(std::string_view id) {
  if (id.size() != 18) return std::string(id.size(), '*');
  return KeepEnds(id, 6, 4);
}

std::string MaskPhone(std::string_view phone) {
  if (phone.size() != 11) return std::string(phone.size(), '*');
  return KeepEnds(phone, 3, 4);
}

}  // namespace cg::model
