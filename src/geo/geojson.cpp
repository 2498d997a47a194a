#include "geo/geojson.hpp"

#include <cmath>
#include <cstdio>

#include <nlohmann/json.hpp>

#include "core/json_scan.hpp"

namespace cg::geo {
namespace {

using nlohmann::json;

Error Invalid(std::string message) { return MakeError(ErrorCode::kInvalid, "GeoJSON: " + std::move(message)); }

// Checks size and nesting depth before handing the text to the JSON parser, so that neither the
// parser nor json's destructor ever sees a pathological document.
Status Precheck(std::string_view text, const GeoJsonLimits& limits) {
  if (text.size() > limits.max_bytes) {
    return MakeError(ErrorCode::kTooLarge, "GeoJSON: document larger than " +
                                               std::to_string(limits.max_bytes) + " bytes");
  }
  if (!JsonNestingWithin(text, limits.max_depth)) {
    return Invalid("nesting deeper than " + std::to_string(limits.max_depth));
  }
  return Status::Ok();
}

Result<json> ParseJson(std::string_view text, const GeoJsonLimits& limits) {
  CG_RETURN_IF_ERROR(Precheck(text, limits));
  json doc = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return Invalid("not valid JSON");
  return doc;
}

class Reader {
 public:
  explicit Reader(const GeoJsonLimits& limits) : limits_(limits) {}

  Result<Point> Position(const json& j, const std::string& where) {
    if (!j.is_array() || j.size() < 2 || j.size() > 3) {
      return Invalid(where + ": a position must be an array of 2 or 3 numbers");
    }
    for (const json& v : j) {
      if (!v.is_number()) return Invalid(where + ": a position must be an array of 2 or 3 numbers");
    }
    if (++points_ > limits_.max_points) {
      return MakeError(ErrorCode::kTooLarge,
                       "GeoJSON: more than " + std::to_string(limits_.max_points) + " positions");
    }
    double lon = j[0].get<double>(), lat = j[1].get<double>();
    if (!std::isfinite(lon) || !std::isfinite(lat)) return Invalid(where + ": non-finite coordinate");
    if (lon < -180 || lon > 180) return Invalid(where + ": longitude out of [-180, 180]");
    if (lat < -90 || lat > 90) return Invalid(where + ": latitude out of [-90, 90]");
    return Point{lon, lat};
  }

  Result<Ring> LinearRing(const json& j, const std::string& where) {
    if (!j.is_array()) return Invalid(where + ": a linear ring must be an array of positions");
    if (j.size() < 4) return Invalid(where + ": a linear ring needs at least 4 positions");
    Ring ring;
    ring.reserve(j.size());
    for (std::size_t i = 0; i < j.size(); ++i) {
      auto p = Position(j[i], where + "[" + std::to_string(i) + "]");
      if (!p.ok()) return p.error();
      ring.push_back(*p);
    }
    if (!(ring.front() == ring.back())) return Invalid(where + ": linear ring is not closed");
    return ring;
  }

  Result<Polygon> PolygonCoords(const json& j, const std::string& where) {
    if (!j.is_array() || j.empty()) return Invalid(where + ": a polygon must be a non-empty array of rings");
    Polygon poly;
    for (std::size_t i = 0; i < j.size(); ++i) {
      auto r = LinearRing(j[i], where + "[" + std::to_string(i) + "]");
      if (!r.ok()) return r.error();
      if (i == 0) poly.outer = std::move(*r);
      else poly.holes.push_back(std::move(*r));
    }
    return poly;
  }

  Result<MultiPolygon> Geometry(const json& j, const std::string& where) {
    if (!j.is_object()) return Invalid(where + ": geometry must be an object");
    auto type = j.find("type");
    if (type == j.end() || !type->is_string()) return Invalid(where + ": missing \"type\"");
    auto coords = j.find("coordinates");
    if (coords == j.end()) return Invalid(where + ": missing \"coordinates\"");
    const std::string& t = type->get_ref<const std::string&>();
    MultiPolygon mp;
    if (t == "Polygon") {
      auto p = PolygonCoords(*coords, where + ".coordinates");
      if (!p.ok()) return p.error();
      mp.push_back(std::move(*p));
    } else if (t == "MultiPolygon") {
      if (!coords->is_array()) return Invalid(where + ".coordinates: must be an array of polygons");
      for (std::size_t i = 0; i < coords->size(); ++i) {
        auto p = PolygonCoords((*coords)[i], where + ".coordinates[" + std::to_string(i) + "]");
        if (!p.ok()) return p.error();
        mp.push_back(std::move(*p));
      }
    } else {
      return Invalid(where + ": unsupported geometry type \"" + t.substr(0, 40) +
                     "\" (Polygon or MultiPolygon expected)");
    }
    return mp;
  }

 private:
  const GeoJsonLimits& limits_;
  std::size_t points_ = 0;
};

void AppendNumber(std::string& out, double v) {
  char buf[48];
  double r = std::round(v * 1e6) / 1e6;
  if (r == 0) r = 0;  // no "-0"
  int n = std::snprintf(buf, sizeof buf, "%.6f", r);
  while (n > 0 && buf[n - 1] == '0') --n;
  if (n > 0 && buf[n - 1] == '.') --n;
  out.append(buf, static_cast<std::size_t>(n));
}

}  // namespace

Result<MultiPolygon> ParseGeoJsonGeometry(std::string_view text, const GeoJsonLimits& limits) {
  auto doc = ParseJson(text, limits);
  if (!doc.ok()) return doc.error();
  Reader reader(limits);
  try {
    return reader.Geometry(*doc, "geometry");
  } catch (const json::exception& e) {  // defensive: all accesses above are type-checked
    return Invalid(e.what());
  }
}

Result<std::vector<Feature>> ParseFeatureCollection(std::string_view text, const GeoJsonLimits& limits) {
  auto doc = ParseJson(text, limits);
  if (!doc.ok()) return doc.error();
  try {
    const json& j = *doc;
    if (!j.is_object()) return Invalid("top level must be an object");
    auto type = j.find("type");
    if (type == j.end() || !type->is_string() || *type != "FeatureCollection") {
      return Invalid("top level \"type\" must be \"FeatureCollection\"");
    }
    auto features = j.find("features");
    if (features == j.end() || !features->is_array()) return Invalid("\"features\" must be an array");
    Reader reader(limits);
    std::vector<Feature> out;
    out.reserve(features->size());
    for (std::size_t i = 0; i < features->size(); ++i) {
      const json& f = (*features)[i];
      std::string where = "features[" + std::to_string(i) + "]";
      if (!f.is_object()) return Invalid(where + ": must be an object");
      auto ft = f.find("type");
      if (ft == f.end() || !ft->is_string() || *ft != "Feature") {
        return Invalid(where + ": \"type\" must be \"Feature\"");
      }
      auto g = f.find("geometry");
      if (g == f.end()) return Invalid(where + ": missing \"geometry\"");
      Feature feature;
      auto mp = reader.Geometry(*g, where + ".geometry");
      if (!mp.ok()) return mp.error();
      feature.geometry = std::move(*mp);
      auto props = f.find("properties");
      if (props != f.end() && !props->is_null()) {
        if (!props->is_object()) return Invalid(where + ".properties: must be an object or null");
        for (auto it = props->begin(); it != props->end(); ++it) {
          if (it->is_string()) feature.properties[it.key()] = it->get<std::string>();
          else if (it->is_number() || it->is_boolean()) feature.properties[it.key()] = it->dump();
        }
      }
      out.push_back(std::move(feature));
    }
    return out;
  } catch (const json::exception& e) {
    return Invalid(e.what());
  }
}

std::string ToGeoJson(const MultiPolygon& geometry) {
  std::string out = R"({"type":"MultiPolygon","coordinates":[)";
  auto ring = [&](const Ring& r) {
    out.push_back('[');
    for (std::size_t i = 0; i < r.size(); ++i) {
      if (i) out.push_back(',');
      out.push_back('[');
      AppendNumber(out, r[i].lon);
      out.push_back(',');
      AppendNumber(out, r[i].lat);
      out.push_back(']');
    }
    out.push_back(']');
  };
  for (std::size_t p = 0; p < geometry.size(); ++p) {
    if (p) out.push_back(',');
    out.push_back('[');
    ring(geometry[p].outer);
    for (const Ring& h : geometry[p].holes) {
      out.push_back(',');
      ring(h);
    }
    out.push_back(']');
  }
  out += "]}";
  return out;
}

}  // namespace cg::geo
