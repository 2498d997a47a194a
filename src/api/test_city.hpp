#pragma once
// A tiny city for api tests: 1502 > 150203 > 150203010 > communities 150203010008 (grids 001
// "甲网格" on the left half, 002 "乙网格" on the right) and 150203010009 (grid 001), as squares
// on a made-up plane near Baotou. Test-only header.

#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <stdexcept>
#include <tuple>
#include <map>
#include <memory>
#include <utility>
#include <vector>
#include <string>

#include "api/app.hpp"
#include <nlohmann/json.hpp>
#include "auth/password.hpp"
#include "model/id_number.hpp"
#include "model/uscc.hpp"
#include "store/store.hpp"

namespace cg::api::testing {

inline geo::MultiPolygon Rect(double x0, double y0, double x1, double y1) {
  geo::Polygon p;
  p.outer = {{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}};
  return {p};
}

inline model::OrgUnit Unit(std::string code, model::OrgKind kind, std::string name, geo::MultiPolygon g) {
  model::OrgUnit u;
  u.code = code;
  u.parent_code = model::ParentCode(code);
  u.kind = kind;
  u.name = std::move(name);
  for (const auto& poly : g)
    for (const auto& pt : poly.outer) u.bbox.Extend(pt);
  u.center = {(u.bbox.min_lon + u.bbox.max_lon) / 2, (u.bbox.min_lat + u.bbox.max_lat) / 2};
  u.geometry = std::move(g);
  return u;
}

inline constexpr char kTestMasterKey[] =
    "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
// Monday 2026-06-01 09:00 at UTC+8 (a working day), in ms since the epoch.
inline constexpr Timestamp kMonday0900 = 1'780'275'600'000;

struct TestCity {
  std::filesystem::path dir;
  ManualClock clock;
  std::unique_ptr<store::Store> store;
  std::unique_ptr<App> app;

  // Creates the city in a fresh SQLite file under `name` and users alice (staff of the city),
  // ga (grid worker of grid A 150203010008001), gb (grid worker of grid B ...002), jin (staff
  // of community 150203010008), rita (resident of grid A), rider (reporter of community
  // 150203010008), all with password "password-1".
  // The clock starts on Monday 2026-06-01 09:00 Beijing time; case data from the repository.
  explicit TestCity(const std::string& name, Config config = {}) {
    dir = std::filesystem::path(::testing::TempDir()) / ("cg_" + name);
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir / "web" / "assets");
    std::ofstream(dir / "web" / "index.html") << "<!doctype html><title>citygrid</title>";
    std::filesystem::create_directories(dir / "web" / "m");
    std::ofstream(dir / "web" / "m" / "index.html") << "<!doctype html><title>citygrid field app</title>";
    std::ofstream(dir / "web" / "assets" / "app.js") << "console.log(1)";
    std::ofstream(dir / "secret.txt") << "TOP-SECRET";
    auto s = store::Store::Open("sqlite://" + (dir / "t.db").string());
    if (!s.ok()) throw std::runtime_error(s.error().message);
    store = std::move(s).value();
    if (!store->Migrate().ok()) throw std::runtime_error("migrate");
    using K = model::OrgKind;
    auto st = store->UpsertOrgUnits({
        Unit("1502", K::kCity, "包头市", Rect(109, 40, 111, 42)),
        Unit("150203", K::kDistrict, "昆都仑区", Rect(109, 40, 111, 42)),
        Unit("150203010", K::kStreet, "市府东路街道", Rect(109, 40, 111, 42)),
        Unit("150203010008", K::kCommunity, "金华社区", Rect(109, 40, 110, 42)),
        Unit("150203010008001", K::kGrid, "甲网格", Rect(109, 40, 109.5, 42)),
        Unit("150203010008002", K::kGrid, "乙网格", Rect(109.5, 40, 110, 42)),
        Unit("150203010009", K::kCommunity, "丙社区", Rect(110, 40, 111, 42)),
        Unit("150203010009001", K::kGrid, "丙网格", Rect(110, 40, 111, 42)),
    });
    if (!st.ok()) throw std::runtime_error(st.error().message);
    config.web_root = (dir / "web").string();
    if (config.data_root == "./data") config.data_root = std::string(CITYGRID_SOURCE_DIR) + "/data";
    clock.Set(kMonday0900);
    app = std::make_unique<App>(*store, clock, config);
    if (!app->LoadGridIndex().ok()) throw std::runtime_error("index");
    auto keys = privacy::KeyRing::FromHex(kTestMasterKey);
    auto dictionary = forms::Dictionary::LoadDirectory("data/elements");
    if (!keys.ok() || !dictionary.ok()) throw std::runtime_error("keys or data/elements");
    if (!app->EnableBaseData(std::move(keys).value(), std::move(dictionary).value()).ok())
      throw std::runtime_error("base data");
    if (auto st = app->LoadCaseData(); !st.ok()) throw std::runtime_error(st.error().message);
    auto hash = auth::HashPassword("password-1");
    for (auto [u, role, scope] : {std::tuple{"alice", model::Role::kStaff, "1502"},
                                  std::tuple{"ga", model::Role::kGridWorker, "150203010008001"},
                                  std::tuple{"gb", model::Role::kGridWorker, "150203010008002"},
                                  std::tuple{"jin", model::Role::kStaff, "150203010008"},
                                  std::tuple{"rita", model::Role::kResident, "150203010008001"},
                                  std::tuple{"rider", model::Role::kReporter, "150203010008"}}) {
      model::User user;
      user.username = u;
      user.role = role;
      user.scope_code = scope;
      user.password_hash = *hash;
      if (!store->CreateUser(user).ok()) throw std::runtime_error("user");
    }
  }

  Response Call(const std::string& method, const std::string& target, const std::string& body = "",
                const std::string& cookie = "", const std::string& csrf = "",
                const std::map<std::string, std::string>& extra_headers = {}) {
    Request r;
    r.method = method;
    r.raw_target = target;
    auto q = target.find('?');
    r.path = target.substr(0, q);
    if (q != std::string::npos) {
      std::string qs = target.substr(q + 1);
      std::size_t pos = 0;
      while (pos <= qs.size()) {
        auto amp = qs.find('&', pos);
        if (amp == std::string::npos) amp = qs.size();
        auto pair = qs.substr(pos, amp - pos);
        auto eq = pair.find('=');
        if (!pair.empty()) r.query.emplace(pair.substr(0, eq), eq == std::string::npos ? "" : pair.substr(eq + 1));
        pos = amp + 1;
      }
    }
    r.body = body;
    r.remote_address = "127.0.0.1";
    if (!body.empty()) r.headers["content-type"] = "application/json";
    if (!cookie.empty()) r.headers["cookie"] = std::string(kSessionCookie) + "=" + cookie;
    if (!csrf.empty()) r.headers["x-csrf-token"] = csrf;
    for (const auto& [k, v] : extra_headers) r.headers[k] = v;
    return app->Handle(r);
  }

  struct Login {
    std::string cookie, csrf;
  };

  // POSTs `body` to `path` as `who` and returns the new record's id (throws on failure).
  std::int64_t CreateAs(const Login& who, const std::string& path, const nlohmann::json& body) {
    auto r = Call("POST", path, body.dump(), who.cookie, who.csrf);
    if (r.status != 201) throw std::runtime_error(path + ": " + std::to_string(r.status) + " " + r.body);
    return nlohmann::json::parse(r.body)["id"].get<std::int64_t>();
  }

  // One record of every base-data family in grid B (乙网格), created by alice: plural -> id.
  // Its secrets: the person's name 乙居民, its ID number and phone, the road 乙路.
  std::map<std::string, std::string> SeedGridB() {
    auto alice = LogIn("alice");
    const std::string grid = "150203010008002";
    std::map<std::string, std::string> ids;
    auto put = [&](const char* plural, const nlohmann::json& body) {
      ids[plural] = std::to_string(CreateAs(alice, std::string("/api/v1/") + plural, body));
      return ids[plural];
    };
    std::string address = put("addresses", {{"grid_code", grid}, {"road", "乙路"}, {"number", "8"}});
    put("buildings", {{"grid_code", grid}, {"name", "乙楼"}, {"floors", 6}, {"address_id", address}});
    std::string house = put("houses", {{"grid_code", grid}, {"address_id", address}, {"kind", "dwelling"},
                                       {"occupancy", "rented"}, {"area", "60.5"}});
    std::string person = put("persons", {{"grid_code", grid}, {"name", "乙居民"}, {"id_number", kGridBIdNumber()},
                                         {"phone", kGridBPhone}, {"ethnicity", "02"},
                                         {"residence_status", "registered"}, {"house_id", house}});
    put("households", {{"grid_code", grid}, {"head_person_id", person}, {"members", person + ":02"}});
    put("organisations", {{"grid_code", grid}, {"name", "乙公司"}, {"kind", "enterprise"},
                          {"uscc", model::MakeUscc('9', '1', "150203", "MA0N0XY1")}});
    return ids;
  }
  static std::string kGridBIdNumber() { return model::MakeResidentId("150203", Date{1950, 3, 1}, 123); }
  static constexpr char kGridBPhone[] = "13912345678";
  Login LogIn(const std::string& user, const std::string& password = "password-1") {
    auto r = Call("POST", "/api/v1/session", R"({"username":")" + user + R"(","password":")" + password + R"("})");
    Login l;
    for (auto& [k, v] : r.headers) {
      if (k == "Set-Cookie") {
        auto eq = v.find('='), semi = v.find(';');
        l.cookie = v.substr(eq + 1, semi - eq - 1);
      }
    }
    auto j = nlohmann::json::parse(r.body, nullptr, false);
    if (j.is_object() && j.contains("csrf_token")) l.csrf = j["csrf_token"];
    return l;
  }
};

// multipart/form-data bodies for upload tests.
inline const std::string kBoundary = "----citygridTestBoundary42";

struct FilePart {
  std::string name;
  std::string filename;
  std::string content_type;
  std::string data;
};

inline std::string Multipart(const std::vector<std::pair<std::string, std::string>>& fields,
                             const std::vector<FilePart>& files) {
  std::string b;
  for (const auto& [k, v] : fields) {
    b += "--" + kBoundary + "\r\nContent-Disposition: form-data; name=\"" + k + "\"\r\n\r\n" + v + "\r\n";
  }
  for (const auto& f : files) {
    b += "--" + kBoundary + "\r\nContent-Disposition: form-data; name=\"" + f.name + "\"; filename=\"" + f.filename +
         "\"\r\nContent-Type: " + f.content_type + "\r\n\r\n" + f.data + "\r\n";
  }
  return b + "--" + kBoundary + "--\r\n";
}

inline std::map<std::string, std::string> MultipartHeaders(std::map<std::string, std::string> extra = {}) {
  extra["content-type"] = "multipart/form-data; boundary=" + kBoundary;
  return extra;
}

}  // namespace cg::api::testing
