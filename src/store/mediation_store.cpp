// The mediation registry (store/mediation_store.hpp): organisations, rooms and mediators,
// written once against internal::SqlTx for both backends. Every read and write is cut to the
// caller's scope by the bound unit's code.
#include <map>
#include <string>

#include "store/base_store.hpp"
#include "store/internal/area_sql.hpp"
#include "store/internal/codec.hpp"
#include "store/internal/common.hpp"
#include "store/internal/sql_tx.hpp"
#include "store/store.hpp"

namespace cg::store {
namespace {

using internal::Fail;
using internal::Guard;
using internal::ListRoot;
using internal::SqlRow;
using internal::SqlTx;
using internal::ToInt;
using P = internal::SqlParam;

const char kOrgCols[] =
    "o.id, o.unit_code, o.kind, o.name, o.field, o.address, o.phone, o.created_at, "
    "(SELECT COUNT(*) FROM mediators m WHERE m.org_id = o.id AND m.active = 1), "
    "(SELECT COUNT(*) FROM mediation_rooms r WHERE r.org_id = o.id)";

MediationOrg ReadOrg(const SqlRow& r) {
  MediationOrg o;
  o.id = ToInt(r[0]);
  o.unit_code = r[1].value_or("");
  o.kind = r[2].value_or("");
  o.name = r[3].value_or("");
  o.field = r[4].value_or("");
  o.address = r[5].value_or("");
  o.phone = r[6].value_or("");
  o.created_at = ToInt(r[7]);
  o.mediators = ToInt(r[8]);
  o.rooms = ToInt(r[9]);
  return o;
}

const char kRoomCols[] = "r.id, r.org_id, o.name, r.unit_code, r.kind, r.name, r.station, r.address, r.created_at";
const char kRoomFrom[] = " FROM mediation_rooms r JOIN mediation_orgs o ON o.id = r.org_id";

MediationRoom ReadRoom(const SqlRow& r) {
  MediationRoom m;
  m.id = ToInt(r[0]);
  m.org_id = ToInt(r[1]);
  m.org_name = r[2].value_or("");
  m.unit_code = r[3].value_or("");
  m.kind = r[4].value_or("");
  m.name = r[5].value_or("");
  m.station = r[6].value_or("");
  m.address = r[7].value_or("");
  m.created_at = ToInt(r[8]);
  return m;
}

const char kMediatorCols[] =
    "m.id, m.org_id, o.name, m.unit_code, m.name, m.specialities, m.user_id, m.active, m.created_at, m.updated_at";
const char kMediatorFrom[] = " FROM mediators m JOIN mediation_orgs o ON o.id = m.org_id";

std::string JoinCodes(const std::vector<std::string>& codes) {
  std::string out;
  for (const auto& c : codes) out += (out.empty() ? "" : ",") + c;
  return out;
}

Mediator ReadMediator(const SqlRow& r) {
  Mediator m;
  m.id = ToInt(r[0]);
  m.org_id = ToInt(r[1]);
  m.org_name = r[2].value_or("");
  m.unit_code = r[3].value_or("");
  m.name = r[4].value_or("");
  std::string codes = r[5].value_or("");
  for (std::size_t at = 0; at < codes.size();) {
    std::size_t comma = codes.find(',', at);
    if (comma == std::string::npos) comma = codes.size();
    if (comma > at) m.specialities.push_back(codes.substr(at, comma - at));
    at = comma + 1;
  }
  m.user_id = ToInt(r[6]);
  m.active = ToInt(r[7]) != 0;
  m.created_at = ToInt(r[8]);
  m.updated_at = ToInt(r[9]);
  return m;
}

MediationOrg RequireOrg(SqlTx& tx, const model::Scope& scope, std::int64_t id) {
  auto rows = tx.Run(std::string("SELECT ") + kOrgCols + " FROM mediation_orgs o WHERE o.id = ?1", {P::Int(id)});
  // Outside the scope reads exactly like no organisation.
  if (rows.empty() || !scope.Contains(rows[0][1].value_or(""))) Fail(ErrorCode::kNotFound, "mediation organisation not found");
  return ReadOrg(rows[0]);
}

Mediator RequireMediator(SqlTx& tx, const model::Scope& scope, std::int64_t id) {
  auto rows = tx.Run(std::string("SELECT ") + kMediatorCols + kMediatorFrom + " WHERE m.id = ?1", {P::Int(id)});
  if (rows.empty() || !scope.Contains(rows[0][3].value_or(""))) Fail(ErrorCode::kNotFound, "mediator not found");
  return ReadMediator(rows[0]);
}

// "SELECT cols FROM ... WHERE <subtree> [AND kind] [AND org] ORDER BY unit, id" with count.
template <class T, class Read>
Slice<T> ListRows(SqlTx& tx, const std::string& cols, const std::string& from, const std::string& alias,
                  const model::Scope& scope, const MediationQuery& q, Page page, Read read) {
  std::vector<P> params;
  auto bind = [&](P p) {
    params.push_back(std::move(p));
    return "?" + std::to_string(params.size());
  };
  const std::string root = ListRoot(scope, q.under);
  // Organisations and rooms are public service places: without `under`, a caller also sees
  // those of the units above its own (a community's street centre and police room).
  const bool with_above = alias != "m" && q.under.empty() && !scope.is_system();
  std::string where = q.exact       ? alias + ".unit_code = " + bind(P::Text(root))
                      : with_above ? internal::AreaSql(alias + ".unit_code", root, params)
                                   : internal::SubtreeSql(alias + ".unit_code", root, params);
  if (!q.kind.empty() && alias != "m") where += " AND " + alias + ".kind = " + bind(P::Text(q.kind));
  if (q.org_id != 0 && alias != "o") where += " AND " + alias + ".org_id = " + bind(P::Int(q.org_id));
  if (q.active_only && alias == "m") where += " AND m.active = 1";
  Slice<T> out;
  out.total = ToInt(tx.Run("SELECT COUNT(*)" + from + " WHERE " + where, params)[0][0]);
  const std::string limit = bind(P::Int(page.limit));
  const std::string offset = bind(P::Int(page.offset));
  for (const auto& r : tx.Run("SELECT " + cols + from + " WHERE " + where + " ORDER BY " + alias + ".unit_code, " +
                                  alias + ".id LIMIT " + limit + " OFFSET " + offset,
                              params)) {
    out.items.push_back(read(r));
  }
  return out;
}

}  // namespace

Result<MediationOrg> BaseDataStore::CreateMediationOrg(const model::Scope& scope, MediationOrg o) {
  if (!scope.Contains(o.unit_code)) return MakeError(ErrorCode::kNotFound, "org unit not found");
  return Guard([&]() -> Result<MediationOrg> {
    RunBaseTx(true, [&](SqlTx& tx) {
      internal::RequireUnit(tx, o.unit_code);
      if (!tx.Run("SELECT 1 FROM mediation_orgs WHERE name = ?1", {P::Text(o.name)}).empty())
        Fail(ErrorCode::kConflict, "a mediation organisation of this name exists");
      auto rows = tx.Run(
          "INSERT INTO mediation_orgs(unit_code, kind, name, field, address, phone, created_at) "
          "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) RETURNING id",
          {P::Text(o.unit_code), P::Text(o.kind), P::Text(o.name), P::Text(o.field), P::Text(o.address),
           P::Text(o.phone), P::Int(o.created_at)});
      o = RequireOrg(tx, model::Scope::System(), ToInt(rows[0][0]));
    });
    return o;
  });
}

Result<MediationRoom> BaseDataStore::CreateMediationRoom(const model::Scope& scope, MediationRoom room) {
  return Guard([&]() -> Result<MediationRoom> {
    RunBaseTx(true, [&](SqlTx& tx) {
      MediationOrg org = RequireOrg(tx, scope, room.org_id);
      if (!scope.Contains(room.unit_code)) Fail(ErrorCode::kNotFound, "org unit not found");
      internal::RequireUnit(tx, room.unit_code);
      if (!room.unit_code.starts_with(org.unit_code))
        Fail(ErrorCode::kInvalid, "unit_code: a room must be in its organisation's area (" + org.unit_code + ")");
      if (!tx.Run("SELECT 1 FROM mediation_rooms WHERE name = ?1", {P::Text(room.name)}).empty())
        Fail(ErrorCode::kConflict, "a mediation room of this name exists");
      auto rows = tx.Run(
          "INSERT INTO mediation_rooms(org_id, unit_code, kind, name, station, address, created_at) "
          "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) RETURNING id",
          {P::Int(room.org_id), P::Text(room.unit_code), P::Text(room.kind), P::Text(room.name),
           P::Text(room.station), P::Text(room.address), P::Int(room.created_at)});
      room = ReadRoom(tx.Run(std::string("SELECT ") + kRoomCols + kRoomFrom + " WHERE r.id = ?1",
                             {P::Int(ToInt(rows[0][0]))})[0]);
    });
    return room;
  });
}

Result<Mediator> BaseDataStore::CreateMediator(const model::Scope& scope, Mediator m) {
  return Guard([&]() -> Result<Mediator> {
    RunBaseTx(true, [&](SqlTx& tx) {
      MediationOrg org = RequireOrg(tx, scope, m.org_id);
      if (m.user_id != 0 &&
          !tx.Run("SELECT 1 FROM mediators WHERE org_id = ?1 AND user_id = ?2", {P::Int(m.org_id), P::Int(m.user_id)})
               .empty())
        Fail(ErrorCode::kConflict, "this account is a mediator of the organisation already");
      auto rows = tx.Run(
          "INSERT INTO mediators(org_id, unit_code, name, specialities, user_id, active, created_at, updated_at) "
          "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7) RETURNING id",
          {P::Int(m.org_id), P::Text(org.unit_code), P::Text(m.name), P::Text(JoinCodes(m.specialities)),
           P::Int(m.user_id), P::Int(m.active ? 1 : 0), P::Int(m.created_at)});
      m = RequireMediator(tx, model::Scope::System(), ToInt(rows[0][0]));
    });
    return m;
  });
}

Result<Mediator> BaseDataStore::UpdateMediator(const model::Scope& scope, std::int64_t id,
                                               const std::vector<std::string>& specialities, bool active,
                                               Timestamp at) {
  return Guard([&]() -> Result<Mediator> {
    Mediator m;
    RunBaseTx(true, [&](SqlTx& tx) {
      RequireMediator(tx, scope, id);
      tx.Run("UPDATE mediators SET specialities = ?1, active = ?2, updated_at = ?3 WHERE id = ?4",
             {P::Text(JoinCodes(specialities)), P::Int(active ? 1 : 0), P::Int(at), P::Int(id)});
      m = RequireMediator(tx, scope, id);
    });
    return m;
  });
}

Result<MediationOrg> BaseDataStore::GetMediationOrg(const model::Scope& scope, std::int64_t id) {
  return Guard([&]() -> Result<MediationOrg> {
    MediationOrg o;
    RunBaseTx(false, [&](SqlTx& tx) { o = RequireOrg(tx, scope, id); });
    return o;
  });
}

Result<MediationRoom> BaseDataStore::GetMediationRoom(const model::Scope& scope, std::int64_t id) {
  return Guard([&]() -> Result<MediationRoom> {
    MediationRoom room;
    RunBaseTx(false, [&](SqlTx& tx) {
      auto rows = tx.Run(std::string("SELECT ") + kRoomCols + kRoomFrom + " WHERE r.id = ?1", {P::Int(id)});
      if (rows.empty() || !scope.Contains(rows[0][3].value_or(""))) Fail(ErrorCode::kNotFound, "mediation room not found");
      room = ReadRoom(rows[0]);
    });
    return room;
  });
}

Result<Mediator> BaseDataStore::GetMediator(const model::Scope& scope, std::int64_t id) {
  return Guard([&]() -> Result<Mediator> {
    Mediator m;
    RunBaseTx(false, [&](SqlTx& tx) { m = RequireMediator(tx, scope, id); });
    return m;
  });
}

Result<Slice<MediationOrg>> BaseDataStore::ListMediationOrgs(const model::Scope& scope, const MediationQuery& query,
                                                             Page page) {
  CG_RETURN_IF_ERROR(internal::ValidatePage(page));
  return Guard([&]() -> Result<Slice<MediationOrg>> {
    Slice<MediationOrg> out;
    RunBaseTx(false, [&](SqlTx& tx) {
      out = ListRows<MediationOrg>(tx, kOrgCols, " FROM mediation_orgs o", "o", scope, query, page, ReadOrg);
    });
    return out;
  });
}

Result<Slice<MediationRoom>> BaseDataStore::ListMediationRooms(const model::Scope& scope, const MediationQuery& query,
                                                               Page page) {
  CG_RETURN_IF_ERROR(internal::ValidatePage(page));
  return Guard([&]() -> Result<Slice<MediationRoom>> {
    Slice<MediationRoom> out;
    RunBaseTx(false, [&](SqlTx& tx) {
      out = ListRows<MediationRoom>(tx, kRoomCols, kRoomFrom, "r", scope, query, page, ReadRoom);
    });
    return out;
  });
}

Result<Slice<Mediator>> BaseDataStore::ListMediators(const model::Scope& scope, const MediationQuery& query, Page page) {
  CG_RETURN_IF_ERROR(internal::ValidatePage(page));
  return Guard([&]() -> Result<Slice<Mediator>> {
    Slice<Mediator> out;
    RunBaseTx(false, [&](SqlTx& tx) {
      out = ListRows<Mediator>(tx, kMediatorCols, kMediatorFrom, "m", scope, query, page, ReadMediator);
    });
    return out;
  });
}

Result<std::vector<Mediator>> BaseDataStore::MediatorsOfUser(std::int64_t user_id) {
  return Guard([&]() -> Result<std::vector<Mediator>> {
    std::vector<Mediator> out;
    RunBaseTx(false, [&](SqlTx& tx) {
      for (const auto& r : tx.Run(std::string("SELECT ") + kMediatorCols + kMediatorFrom +
                                      " WHERE m.user_id = ?1 AND m.active = 1 ORDER BY m.id",
                                  {P::Int(user_id)})) {
        out.push_back(ReadMediator(r));
      }
    });
    return out;
  });
}

Result<std::int64_t> BaseDataStore::SeedMediationRegistry(const std::vector<MediationOrg>& orgs,
                                                          const std::vector<MediationRoom>& rooms,
                                                          const std::vector<Mediator>& mediators, Timestamp at) {
  return Guard([&]() -> Result<std::int64_t> {
    std::int64_t written = 0;
    RunBaseTx(true, [&](SqlTx& tx) {
      std::vector<std::vector<P>> rows;
      for (const auto& o : orgs) {
        rows.push_back({P::Text(o.unit_code), P::Text(o.kind), P::Text(o.name), P::Text(o.field), P::Text(o.address),
                        P::Text(o.phone), P::Int(at)});
      }
      tx.InsertRows("mediation_orgs", {"unit_code", "kind", "name", "field", "address", "phone", "created_at"}, rows);
      std::map<std::string, std::pair<std::int64_t, std::string>> by_name;  // name -> id, unit
      for (const auto& r : tx.Run("SELECT id, name, unit_code FROM mediation_orgs", {}))
        by_name[r[1].value_or("")] = {ToInt(r[0]), r[2].value_or("")};
      auto org_of = [&](std::int64_t id, const std::string& name) {
        if (id != 0) return id;
        auto it = by_name.find(name);
        if (it == by_name.end()) Fail(ErrorCode::kInvalid, "unknown mediation organisation '" + name + "'");
        return it->second.first;
      };
      auto unit_of = [&](std::int64_t org_id) {
        for (const auto& [name, v] : by_name)
          if (v.first == org_id) return v.second;
        Fail(ErrorCode::kInvalid, "unknown mediation organisation id " + std::to_string(org_id));
      };
      rows.clear();
      for (const auto& r : rooms) {
        rows.push_back({P::Int(org_of(r.org_id, r.org_name)), P::Text(r.unit_code), P::Text(r.kind), P::Text(r.name),
                        P::Text(r.station), P::Text(r.address), P::Int(at)});
      }
      tx.InsertRows("mediation_rooms", {"org_id", "unit_code", "kind", "name", "station", "address", "created_at"},
                    rows);
      rows.clear();
      for (const auto& m : mediators) {
        const std::int64_t org = org_of(m.org_id, m.org_name);
        const auto it = by_name.find(m.org_name);
        rows.push_back({P::Int(org), P::Text(it != by_name.end() ? it->second.second : unit_of(org)), P::Text(m.name),
                        P::Text(JoinCodes(m.specialities)), P::Int(m.user_id), P::Int(m.active ? 1 : 0), P::Int(at),
                        P::Int(at)});
      }
      tx.InsertRows("mediators",
                    {"org_id", "unit_code", "name", "specialities", "user_id", "active", "created_at", "updated_at"},
                    rows);
      written = static_cast<std::int64_t>(orgs.size() + rooms.size() + mediators.size());
    });
    return written;
  });
}

}  // namespace cg::store
