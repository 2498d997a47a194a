#include "demo/baotou.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <numeric>
#include <sstream>

#include "geo/geojson.hpp"
#include "geo/ops.hpp"
#include "geo/tiling.hpp"

namespace cg::demo {
namespace {

using model::OrgKind;
using model::OrgUnit;

struct Division {
  std::string code, name, kind, parent;
};

Result<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return MakeError(ErrorCode::kNotFound, "cannot open " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Splits one CSV line; fields may be double-quoted with "" escapes.
std::vector<std::string> SplitCsv(const std::string& line) {
  std::vector<std::string> out(1);
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') out.back() += '"', ++i;
      else if (c == '"') quoted = false;
      else out.back() += c;
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      out.emplace_back();
    } else if (c != '\r') {
      out.back() += c;
    }
  }
  return out;
}

Result<std::vector<Division>> ReadDivisions(const std::string& path) {
  auto text = ReadFile(path);
  if (!text.ok()) return text.error();
  std::istringstream in(*text);
  std::string line;
  std::vector<Division> out;
  if (!std::getline(in, line) || line.rfind("code,name,kind,parent_code", 0) != 0) {
    return MakeError(ErrorCode::kInvalid, path + ": expected header code,name,kind,parent_code");
  }
  int line_no = 1;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.empty()) continue;
    auto f = SplitCsv(line);
    if (f.size() != 4) {
      return MakeError(ErrorCode::kInvalid, path + ":" + std::to_string(line_no) + ": expected 4 fields");
    }
    Status valid = model::ValidateOrgCode(f[0]);
    if (!valid.ok()) return MakeError(ErrorCode::kInvalid, path + ":" + std::to_string(line_no) + ": " + valid.error().message);
    if (!model::ParseOrgKind(f[2])) {
      return MakeError(ErrorCode::kInvalid, path + ":" + std::to_string(line_no) + ": unknown kind " + f[2]);
    }
    out.push_back({f[0], f[1], f[2], f[3]});
  }
  return out;
}

std::uint64_t Mix(std::uint64_t seed, const std::string& code) {
  std::uint64_t h = 1469598103934665603ull ^ seed;  // FNV-1a over the code
  for (unsigned char c : code) h = (h ^ c) * 1099511628211ull;
  return h;
}

Status Finish(OrgUnit& u) {
  u.bbox = geo::BoundsOf(u.geometry);
  auto p = geo::LabelPoint(u.geometry);
  if (!p.ok()) return MakeError(ErrorCode::kInternal, u.code + ": " + p.error().message);
  u.center = *p;
  return Status::Ok();
}

OrgUnit Unit(const Division& d, geo::MultiPolygon geometry) {
  OrgUnit u;
  u.code = d.code;
  u.kind = *model::ParseOrgKind(d.kind);
  u.parent_code = d.parent;
  u.name = d.name;
  u.geometry = std::move(geometry);
  return u;
}

// Partitions `parent` among `children` (in code order); appends the finished units to `out`.
Status PartitionAmong(const OrgUnit& parent, const std::vector<const Division*>& children,
                      std::uint64_t seed, std::vector<OrgUnit>& out) {
  if (children.empty()) return Status::Ok();
  auto cells = geo::Partition(parent.geometry, static_cast<int>(children.size()), Mix(seed, parent.code));
  if (!cells.ok()) return MakeError(cells.error().code, parent.code + ": " + cells.error().message);
  for (std::size_t i = 0; i < children.size(); ++i) {
    out.push_back(Unit(*children[i], std::move((*cells)[i])));
    CG_RETURN_IF_ERROR(Finish(out.back()));
  }
  return Status::Ok();
}

}  // namespace

std::vector<int> SplitGrids(int total, const std::vector<double>& areas) {
  const int n = static_cast<int>(areas.size());
  std::vector<int> out(areas.size(), n > 0 ? total / n : 0);
  if (n == 0) return out;
  std::vector<int> order(areas.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return areas[a] > areas[b]; });
  for (int i = 0; i < total % n; ++i) ++out[order[i]];
  return out;
}

Result<std::vector<OrgUnit>> BuildBaotouOrgTree(const std::string& data_dir, std::uint64_t seed) {
  auto divisions = ReadDivisions(data_dir + "/divisions.csv");
  if (!divisions.ok()) return divisions.error();
  auto geojson = ReadFile(data_dir + "/districts.geojson");
  if (!geojson.ok()) return geojson.error();
  auto features = geo::ParseFeatureCollection(*geojson);
  if (!features.ok()) return MakeError(ErrorCode::kInvalid, "districts.geojson: " + features.error().message);
  std::map<std::string, geo::MultiPolygon> boundary;
  for (auto& f : *features) boundary[f.properties["code"]] = std::move(f.geometry);

  std::sort(divisions->begin(), divisions->end(), [](const Division& a, const Division& b) { return a.code < b.code; });
  std::map<std::string, std::vector<const Division*>> children;
  const Division* city = nullptr;
  std::vector<const Division*> districts;
  for (const Division& d : *divisions) {
    if (d.kind == "city") city = &d;
    else children[d.parent].push_back(&d);
    if (d.kind == "district") districts.push_back(&d);
  }
  if (city == nullptr) return MakeError(ErrorCode::kInvalid, "divisions.csv: no city row");

  // Grids per community/village: Kundulun's ratio applied to every district.
  auto count_grassroots = [&](const std::string& district) {
    int n = 0;
    for (const Division* s : children[district]) n += static_cast<int>(children[s->code].size());
    return n;
  };
  const int kundulun_grassroots = count_grassroots(kKundulunCode);
  if (kundulun_grassroots == 0) return MakeError(ErrorCode::kInvalid, "divisions.csv: no communities in 150203");

  std::vector<OrgUnit> out;
  out.emplace_back();  // the city, filled once the districts are known
  std::vector<geo::MultiPolygon> district_shapes;
  for (const Division* d : districts) {
    auto it = boundary.find(d->code);
    if (it == boundary.end()) return MakeError(ErrorCode::kInvalid, "districts.geojson: no boundary for " + d->code);
    // The source boundaries have a few self-touching rings: store the repaired geometry.
    auto shape = geo::MakeValid(it->second);
    if (!shape.ok()) return MakeError(ErrorCode::kInvalid, d->code + ": " + shape.error().message);
    district_shapes.push_back(*shape);
    out.push_back(Unit(*d, std::move(*shape)));
    CG_RETURN_IF_ERROR(Finish(out.back()));
  }
  auto city_shape = geo::Union(district_shapes);
  if (!city_shape.ok()) return city_shape.error();
  out[0] = Unit(*city, std::move(*city_shape));
  CG_RETURN_IF_ERROR(Finish(out[0]));

  // Streets/towns, then communities/villages: each level partitions the one above.
  for (int level = 1; level <= 2; ++level) {
    std::size_t begin = 0, end = out.size();
    for (std::size_t i = 0; i < end; ++i) {
      if (model::LevelOf(out[i].kind) == level && begin == 0) begin = i;
    }
    for (std::size_t i = begin; i < end; ++i) {
      if (model::LevelOf(out[i].kind) != level) continue;
      OrgUnit parent = out[i];  // copy: `out` grows below
      CG_RETURN_IF_ERROR(PartitionAmong(parent, children[parent.code], seed, out));
    }
  }

  // Grids.
  std::map<std::string, std::vector<std::size_t>> grassroots_by_district;
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (model::LevelOf(out[i].kind) == 3) grassroots_by_district[out[i].code.substr(0, 6)].push_back(i);
  }
  for (const Division* d : districts) {
    const auto& units = grassroots_by_district[d->code];
    int total = static_cast<int>(std::lround(static_cast<double>(kKundulunGrids) * units.size() / kundulun_grassroots));
    std::vector<double> areas;
    for (std::size_t i : units) areas.push_back(geo::Area(out[i].geometry));
    std::vector<int> split = SplitGrids(total, areas);
    for (std::size_t k = 0; k < units.size(); ++k) {
      const int n = std::max(split[k], 1);
      if (n > 999) return MakeError(ErrorCode::kInvalid, out[units[k]].code + ": more than 999 grids");
      const geo::MultiPolygon community = out[units[k]].geometry;
      const std::string code = out[units[k]].code, name = out[units[k]].name;
      auto cells = geo::Partition(community, n, Mix(seed, code));
      if (!cells.ok()) return MakeError(cells.error().code, code + ": " + cells.error().message);
      for (int g = 0; g < n; ++g) {
        char seq[8];
        std::snprintf(seq, sizeof seq, "%03d", g + 1);
        OrgUnit u;
        u.code = code + seq;
        u.kind = OrgKind::kGrid;
        u.parent_code = code;
        u.name = name + "第" + std::to_string(g + 1) + "网格";
        u.geometry = std::move((*cells)[g]);
        out.push_back(std::move(u));
        CG_RETURN_IF_ERROR(Finish(out.back()));
      }
    }
  }
  return out;
}

}  // namespace cg::demo
