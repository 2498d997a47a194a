#include "model/org_unit.hpp"

#include <algorithm>

namespace cg::model {

int LevelOf(OrgKind kind) {
  switch (kind) {
    case OrgKind::kCity: return 0;
    case OrgKind::kDistrict: return 1;
    case OrgKind::kStreet:
    case OrgKind::kTown: return 2;
    case OrgKind::kCommunity:
    case OrgKind::kVillage: return 3;
    case OrgKind::kGrid: return 4;
  }
  return 4;
}

const char* OrgKindName(OrgKind kind) {
  switch (kind) {
    case OrgKind::kCity: return "city";
    case OrgKind::kDistrict: return "district";
    case OrgKind::kStreet: return "street";
    case OrgKind::kTown: return "town";
    case OrgKind::kCommunity: return "community";
    case OrgKind::kVillage: return "village";
    case OrgKind::kGrid: return "grid";
  }
  return "grid";
}

std::optional<OrgKind> ParseOrgKind(std::string_view name) {
  for (OrgKind k : {OrgKind::kCity, OrgKind::kDistrict, OrgKind::kStreet, OrgKind::kTown,
                    OrgKind::kCommunity, OrgKind::kVillage, OrgKind::kGrid}) {
    if (name == OrgKindName(k)) return k;
  }
  return std::nullopt;
}

namespace {
constexpr int kCodeLengths[] = {4, 6, 9, 12, 15};
}

std::optional<int> LevelOfCode(std::string_view code) {
  if (!std::all_of(code.begin(), code.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return std::nullopt;
  for (int level = 0; level < 5; ++level) {
    if (static_cast<int>(code.size()) == kCodeLengths[level]) return level;
  }
  return std::nullopt;
}

std::string ParentCode(std::string_view code) {
  auto level = LevelOfCode(code);
  if (!level || *level == 0) return {};
  return std::string(code.substr(0, kCodeLengths[*level - 1]));
}

Status ValidateOrgCode(std::string_view code) {
  if (!LevelOfCode(code)) {
    return MakeError(ErrorCode::kInvalid,
                     "org code must be 4, 6, 9, 12 or 15 digits (city, district, street/town, "
                     "community/village, grid)");
  }
  return {};
}

}  // namespace cg::model
