// Notices, their audio, loudspeaker stations and plays (store/notice_store.hpp): written once
// against internal::SqlTx for both backends.
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
using internal::SqlRow;
using internal::SqlTx;
using internal::ToInt;
using P = internal::SqlParam;

const char kNoticeCols[] =
    "n.id, n.scope_code, n.title, n.body, n.category, n.urgent, n.loudspeaker, n.status, n.play_by, n.audio_ms, "
    "n.created_by, n.created_at, n.withdrawn_reason, n.withdrawn_at, "
    "(SELECT i.width FROM notice_images i WHERE i.notice_id = n.id), "
    "(SELECT i.height FROM notice_images i WHERE i.notice_id = n.id)";
const char kStationCols[] = "id, org_code, name, location, lon, lat, schedule, active, created_at, last_seen_at";

Notice ReadNotice(const SqlRow& r) {
  Notice n;
  n.id = ToInt(r[0]);
  n.scope_code = r[1].value_or("");
  n.title = r[2].value_or("");
  n.body = r[3].value_or("");
  n.category = r[4].value_or("");
  n.urgent = ToInt(r[5]) != 0;
  n.loudspeaker = ToInt(r[6]) != 0;
  n.status = r[7].value_or("");
  n.play_by = ToInt(r[8]);
  n.audio_ms = ToInt(r[9]);
  n.created_by = ToInt(r[10]);
  n.created_at = ToInt(r[11]);
  n.withdrawn_reason = r[12].value_or("");
  n.withdrawn_at = ToInt(r[13]);
  n.image_width = static_cast<int>(ToInt(r[14]));
  n.image_height = static_cast<int>(ToInt(r[15]));
  return n;
}

double ToDouble(const std::optional<std::string>& v) { return v ? std::stod(*v) : 0; }

BroadcastStation ReadStation(const SqlRow& r) {
  BroadcastStation s;
  s.id = ToInt(r[0]);
  s.org_code = r[1].value_or("");
  s.name = r[2].value_or("");
  s.location = r[3].value_or("");
  s.lon = ToDouble(r[4]);
  s.lat = ToDouble(r[5]);
  s.schedule = r[6].value_or("");
  s.active = ToInt(r[7]) != 0;
  s.created_at = ToInt(r[8]);
  s.last_seen_at = ToInt(r[9]);
  return s;
}

// A notice the scope manages (target inside it) or receives (target above its root).
bool Visible(const model::Scope& scope, const Notice& n) {
  return scope.Contains(n.scope_code) || scope.root_code().starts_with(n.scope_code);
}

Notice RequireNotice(SqlTx& tx, const model::Scope& scope, std::int64_t id, bool managed) {
  auto rows = tx.Run(std::string("SELECT ") + kNoticeCols + " FROM notices n WHERE n.id = ?1", {P::Int(id)});
  if (rows.empty()) Fail(ErrorCode::kNotFound, "notice not found");
  Notice n = ReadNotice(rows[0]);
  if (managed ? !scope.Contains(n.scope_code) : !Visible(scope, n)) Fail(ErrorCode::kNotFound, "notice not found");
  return n;
}

BroadcastStation RequireStation(SqlTx& tx, const model::Scope& scope, std::int64_t id) {
  auto rows = tx.Run(std::string("SELECT ") + kStationCols + " FROM broadcast_stations WHERE id = ?1", {P::Int(id)});
  if (rows.empty()) Fail(ErrorCode::kNotFound, "station not found");
  BroadcastStation s = ReadStation(rows[0]);
  if (!scope.Contains(s.org_code)) Fail(ErrorCode::kNotFound, "station not found");
  return s;
}

}  // namespace

Result<Notice> BaseDataStore::CreateNotice(const model::Scope& scope, Notice notice, const std::string& audio_mime,
                                           const std::string& audio, const NoticeImage* image) {
  if (!scope.Contains(notice.scope_code)) return MakeError(ErrorCode::kNotFound, "org unit not found");
  if (notice.loudspeaker && audio.empty()) {
    return MakeError(ErrorCode::kInvalid, "a loudspeaker notice needs its audio");
  }
  return Guard([&]() -> Result<Notice> {
    RunBaseTx(true, [&](SqlTx& tx) {
      internal::RequireUnit(tx, notice.scope_code);
      notice.status = "published";
      notice.withdrawn_reason.clear();
      notice.withdrawn_at = 0;
      auto rows = tx.Run(
          "INSERT INTO notices(scope_code, title, body, category, urgent, loudspeaker, status, play_by, audio_ms, "
          "created_by, created_at, withdrawn_reason, withdrawn_at) "
          "VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'published', ?7, ?8, ?9, ?10, '', 0) RETURNING id",
          {P::Text(notice.scope_code), P::Text(notice.title), P::Text(notice.body), P::Text(notice.category),
           P::Int(notice.urgent ? 1 : 0), P::Int(notice.loudspeaker ? 1 : 0), P::Int(notice.play_by),
           P::Int(notice.audio_ms), P::Int(notice.created_by), P::Int(notice.created_at)});
      notice.id = ToInt(rows.at(0)[0]);
      if (!audio.empty()) {
        tx.Run("INSERT INTO notice_audio(notice_id, mime, data) VALUES (?1, ?2, ?3)",
               {P::Int(notice.id), P::Text(audio_mime), P::Text(internal::Hex(audio))});
      }
      if (image) {
        tx.Run("INSERT INTO notice_images(notice_id, width, height, jpeg, thumbnail) VALUES (?1, ?2, ?3, ?4, ?5)",
               {P::Int(notice.id), P::Int(image->width), P::Int(image->height), P::Text(internal::Hex(image->jpeg)),
                P::Text(internal::Hex(image->thumbnail))});
        notice.image_width = image->width;
        notice.image_height = image->height;
      } else {
        notice.image_width = notice.image_height = 0;
      }
      if (notice.loudspeaker) {
        std::vector<P> params = {P::Int(notice.id)};
        const std::string where = internal::SubtreeSql("org_code", notice.scope_code, params);
        tx.Run("INSERT INTO station_plays(notice_id, station_id, fetched_at, played_at) "
               "SELECT ?1, id, 0, 0 FROM broadcast_stations WHERE active = 1 AND " + where,
               params);
      }
    });
    return notice;
  });
}

Result<Notice> BaseDataStore::GetNotice(const model::Scope& scope, std::int64_t id) {
  return Guard([&]() -> Result<Notice> {
    Notice out;
    RunBaseTx(false, [&](SqlTx& tx) { out = RequireNotice(tx, scope, id, false); });
    return out;
  });
}

Result<Slice<Notice>> BaseDataStore::ListNotices(const model::Scope& scope, const std::string& unit_code,
                                                 bool published_only, Page page) {
  CG_RETURN_IF_ERROR(internal::ValidatePage(page));
  if (unit_code.empty() || !scope.Contains(unit_code)) return MakeError(ErrorCode::kNotFound, "org unit not found");
  return Guard([&]() -> Result<Slice<Notice>> {
    Slice<Notice> out;
    RunBaseTx(false, [&](SqlTx& tx) {
      internal::RequireUnit(tx, unit_code);
      // Reaching the unit: targeted at one of its prefixes (itself and every unit above it) ...
      std::vector<P> params;
      std::string in;
      for (std::size_t len = 1; len <= unit_code.size(); ++len) {
        params.push_back(P::Text(unit_code.substr(0, len)));
        in += (in.empty() ? "?" : ", ?") + std::to_string(params.size());
      }
      // ... or below it.
      std::string where = " WHERE (n.scope_code IN (" + in + ") OR (" + internal::SubtreeSql("n.scope_code", unit_code, params) + "))";
      if (published_only) where += " AND n.status = 'published'";
      out.total = ToInt(tx.Run("SELECT count(*) FROM notices n" + where, params).at(0)[0]);
      const std::size_t n = params.size();
      params.push_back(P::Int(page.limit));
      params.push_back(P::Int(page.offset));
      auto rows = tx.Run(std::string("SELECT ") + kNoticeCols + " FROM notices n" + where +
                             " ORDER BY n.created_at DESC, n.id DESC LIMIT ?" + std::to_string(n + 1) + " OFFSET ?" +
                             std::to_string(n + 2),
                         params);
      out.items.clear();
      for (const auto& r : rows) out.items.push_back(ReadNotice(r));
    });
    return out;
  });
}

Result<Notice> BaseDataStore::WithdrawNotice(const model::Scope& scope, std::int64_t id, const std::string& reason,
                                             Timestamp at) {
  return Guard([&]() -> Result<Notice> {
    Notice out;
    RunBaseTx(true, [&](SqlTx& tx) {
      out = RequireNotice(tx, scope, id, true);
      if (out.status != "published") Fail(ErrorCode::kConflict, "the notice is withdrawn already");
      tx.Run("UPDATE notices SET status = 'withdrawn', withdrawn_reason = ?2, withdrawn_at = ?3 WHERE id = ?1",
             {P::Int(id), P::Text(reason), P::Int(at)});
      out.status = "withdrawn";
      out.withdrawn_reason = reason;
      out.withdrawn_at = at;
    });
    return out;
  });
}

Result<std::pair<std::string, std::string>> BaseDataStore::GetNoticeAudio(std::int64_t id) {
  return Guard([&]() -> Result<std::pair<std::string, std::string>> {
    std::pair<std::string, std::string> out;
    RunBaseTx(false, [&](SqlTx& tx) {
      auto rows = tx.Run("SELECT mime, data FROM notice_audio WHERE notice_id = ?1", {P::Int(id)});
      if (rows.empty()) Fail(ErrorCode::kNotFound, "the notice has no audio");
      out = {rows[0][0].value_or(""), internal::Unhex(rows[0][1].value_or(""))};
    });
    return out;
  });
}

Result<std::string> BaseDataStore::GetNoticeImage(std::int64_t id, bool thumbnail) {
  return Guard([&]() -> Result<std::string> {
    std::string out;
    RunBaseTx(false, [&](SqlTx& tx) {
      auto rows = tx.Run(std::string("SELECT ") + (thumbnail ? "thumbnail" : "jpeg") +
                             " FROM notice_images WHERE notice_id = ?1",
                         {P::Int(id)});
      if (rows.empty()) Fail(ErrorCode::kNotFound, "the notice has no image");
      out = internal::Unhex(rows[0][0].value_or(""));
    });
    return out;
  });
}

Result<BroadcastStation> BaseDataStore::CreateStation(const model::Scope& scope, BroadcastStation station,
                                                      const std::string& token_hash) {
  if (!scope.Contains(station.org_code)) return MakeError(ErrorCode::kNotFound, "org unit not found");
  return Guard([&]() -> Result<BroadcastStation> {
    RunBaseTx(true, [&](SqlTx& tx) {
      internal::RequireUnit(tx, station.org_code);
      auto rows = tx.Run(
          "INSERT INTO broadcast_stations(org_code, name, location, lon, lat, schedule, token_hash, active, "
          "created_at, last_seen_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 0) RETURNING id",
          {P::Text(station.org_code), P::Text(station.name), P::Text(station.location),
           P::Text(internal::DoubleText(station.lon)), P::Text(internal::DoubleText(station.lat)),
           P::Text(station.schedule), P::Text(token_hash), P::Int(station.active ? 1 : 0), P::Int(station.created_at)});
      station.id = ToInt(rows.at(0)[0]);
      station.last_seen_at = 0;
    });
    return station;
  });
}

Result<Slice<BroadcastStation>> BaseDataStore::ListStations(const model::Scope& scope, Page page) {
  CG_RETURN_IF_ERROR(internal::ValidatePage(page));
  return Guard([&]() -> Result<Slice<BroadcastStation>> {
    Slice<BroadcastStation> out;
    RunBaseTx(false, [&](SqlTx& tx) {
      std::vector<P> params;
      const std::string where = " WHERE " + internal::SubtreeSql("org_code", scope.root_code(), params);
      out.total = ToInt(tx.Run("SELECT count(*) FROM broadcast_stations" + where, params).at(0)[0]);
      const std::size_t n = params.size();
      params.push_back(P::Int(page.limit));
      params.push_back(P::Int(page.offset));
      auto rows = tx.Run(std::string("SELECT ") + kStationCols + " FROM broadcast_stations" + where +
                             " ORDER BY org_code, id LIMIT ?" + std::to_string(n + 1) + " OFFSET ?" + std::to_string(n + 2),
                         params);
      out.items.clear();
      for (const auto& r : rows) out.items.push_back(ReadStation(r));
    });
    return out;
  });
}

Result<BroadcastStation> BaseDataStore::GetStation(const model::Scope& scope, std::int64_t id) {
  return Guard([&]() -> Result<BroadcastStation> {
    BroadcastStation out;
    RunBaseTx(false, [&](SqlTx& tx) { out = RequireStation(tx, scope, id); });
    return out;
  });
}

Result<BroadcastStation> BaseDataStore::UpdateStation(const model::Scope& scope, std::int64_t id, bool active,
                                                      const std::string& new_token_hash) {
  return Guard([&]() -> Result<BroadcastStation> {
    BroadcastStation out;
    RunBaseTx(true, [&](SqlTx& tx) {
      out = RequireStation(tx, scope, id);
      if (new_token_hash.empty()) {
        tx.Run("UPDATE broadcast_stations SET active = ?2 WHERE id = ?1", {P::Int(id), P::Int(active ? 1 : 0)});
      } else {
        tx.Run("UPDATE broadcast_stations SET active = ?2, token_hash = ?3 WHERE id = ?1",
               {P::Int(id), P::Int(active ? 1 : 0), P::Text(new_token_hash)});
      }
      out.active = active;
    });
    return out;
  });
}

Result<BroadcastStation> BaseDataStore::FindStationByToken(const std::string& token_hash) {
  return Guard([&]() -> Result<BroadcastStation> {
    BroadcastStation out;
    RunBaseTx(false, [&](SqlTx& tx) {
      auto rows = tx.Run(std::string("SELECT ") + kStationCols + " FROM broadcast_stations WHERE token_hash = ?1 "
                         "AND active = 1", {P::Text(token_hash)});
      if (rows.empty()) Fail(ErrorCode::kNotFound, "station not found");
      out = ReadStation(rows[0]);
    });
    return out;
  });
}

Result<std::vector<Notice>> BaseDataStore::StationPlaylist(std::int64_t station_id, Timestamp now, std::int64_t limit) {
  if (limit <= 0 || limit > 1000) return MakeError(ErrorCode::kInvalid, "limit must be 1..1000");
  return Guard([&]() -> Result<std::vector<Notice>> {
    std::vector<Notice> out;
    RunBaseTx(true, [&](SqlTx& tx) {
      out.clear();
      auto rows = tx.Run(std::string("SELECT ") + kNoticeCols +
                             " FROM station_plays p JOIN notices n ON n.id = p.notice_id WHERE p.station_id = ?1 "
                             "AND p.played_at = 0 AND n.status = 'published' AND n.play_by > ?2 "
                             "ORDER BY n.urgent DESC, n.created_at, n.id LIMIT ?3",
                         {P::Int(station_id), P::Int(now), P::Int(limit)});
      std::vector<P> params = {P::Int(station_id), P::Int(now)};
      std::string ids;
      for (const auto& r : rows) {
        out.push_back(ReadNotice(r));
        params.push_back(P::Int(out.back().id));
        ids += (ids.empty() ? "?" : ", ?") + std::to_string(params.size());
      }
      if (!ids.empty()) {
        tx.Run("UPDATE station_plays SET fetched_at = ?2 WHERE station_id = ?1 AND fetched_at = 0 AND notice_id IN (" +
                   ids + ")",
               params);
      }
      tx.Run("UPDATE broadcast_stations SET last_seen_at = ?2 WHERE id = ?1", {P::Int(station_id), P::Int(now)});
    });
    return out;
  });
}

Result<bool> BaseDataStore::StationHasNotice(std::int64_t station_id, std::int64_t notice_id) {
  return Guard([&]() -> Result<bool> {
    bool has = false;
    RunBaseTx(false, [&](SqlTx& tx) {
      has = !tx.Run("SELECT 1 FROM station_plays WHERE notice_id = ?1 AND station_id = ?2",
                    {P::Int(notice_id), P::Int(station_id)})
                 .empty();
    });
    return has;
  });
}

Result<StationPlay> BaseDataStore::AcknowledgePlay(std::int64_t station_id, std::int64_t notice_id, Timestamp at) {
  return Guard([&]() -> Result<StationPlay> {
    StationPlay out;
    RunBaseTx(true, [&](SqlTx& tx) {
      tx.Run("UPDATE station_plays SET played_at = ?3, fetched_at = CASE WHEN fetched_at = 0 THEN ?3 ELSE fetched_at END "
             "WHERE notice_id = ?1 AND station_id = ?2 AND played_at = 0",
             {P::Int(notice_id), P::Int(station_id), P::Int(at)});
      auto rows = tx.Run(
          "SELECT p.notice_id, p.station_id, s.name, s.org_code, p.fetched_at, p.played_at FROM station_plays p "
          "JOIN broadcast_stations s ON s.id = p.station_id WHERE p.notice_id = ?1 AND p.station_id = ?2",
          {P::Int(notice_id), P::Int(station_id)});
      if (rows.empty()) Fail(ErrorCode::kNotFound, "the station has no such notice");
      const auto& r = rows[0];
      out = {ToInt(r[0]), ToInt(r[1]), r[2].value_or(""), r[3].value_or(""), ToInt(r[4]), ToInt(r[5])};
    });
    return out;
  });
}

Result<std::vector<StationPlay>> BaseDataStore::ListPlays(const model::Scope& scope, std::int64_t notice_id) {
  return Guard([&]() -> Result<std::vector<StationPlay>> {
    std::vector<StationPlay> out;
    RunBaseTx(false, [&](SqlTx& tx) {
      RequireNotice(tx, scope, notice_id, false);
      std::vector<P> params = {P::Int(notice_id)};
      // A receiving scope (the notice came from above) sees only its own stations' copies.
      const std::string where = internal::SubtreeSql("s.org_code", scope.root_code(), params);
      auto rows = tx.Run(
          "SELECT p.notice_id, p.station_id, s.name, s.org_code, p.fetched_at, p.played_at FROM station_plays p "
          "JOIN broadcast_stations s ON s.id = p.station_id WHERE p.notice_id = ?1 AND " + where +
              " ORDER BY s.org_code, s.id",
          params);
      out.clear();
      for (const auto& r : rows) {
        out.push_back({ToInt(r[0]), ToInt(r[1]), r[2].value_or(""), r[3].value_or(""), ToInt(r[4]), ToInt(r[5])});
      }
    });
    return out;
  });
}

}  // namespace cg::store
