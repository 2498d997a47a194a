// SQLite implementation of store::CaseStore (migration 3's tables). It has its own writer
// connection and readers on the same file; SQLite serialises writers across connections
// (BEGIN IMMEDIATE waits up to the busy timeout), and WAL + synchronous=FULL makes every
// acknowledged write durable. New cases go through a group-commit queue (CommitIntake):
// concurrent submissions share one transaction and one fsync.
#include "store/sqlite/sqlite_cases.hpp"

#include <mutex>

#include "store/internal/case_common.hpp"
#include "store/internal/codec.hpp"
#include "store/internal/common.hpp"
#include "store/internal/group_commit.hpp"
#include "store/sqlite/sqlite_conn.hpp"

namespace cg::store::sqlite {
namespace {

// Column list shared by every case read; ReadCase relies on this order.
const std::string kCaseCols =
    "id, type, category, state, grid_code, handling_unit_code, reporter_user_id, "
    "assignee_user_id, lon, lat, description, opened_at, state_entered_at, due_at, warn_at, "
    "escalation_level, flags, terminal, public_open, version, public_id, public_token_hash, "
    "coalesce(idempotency_key, ''), last_public_note, "
    "coalesce((SELECT photo_id FROM case_photos WHERE case_id = cases.id ORDER BY seq LIMIT 1), '')";

// Column list of a photo read; ReadPhoto relies on this order.
const std::string kPhotoCols =
    "p.photo_id, p.case_id, p.seq, p.sha256, p.mime, p.width, p.height, p.bytes, p.gps_lat, "
    "p.gps_lon, p.gps_alt, p.gps_time, p.created_at";

PhotoInfo ReadPhoto(Query& q) {
  PhotoInfo p;
  p.photo_id = q.GetText(0);
  p.case_id = std::to_string(q.GetInt(1));
  p.seq = static_cast<int>(q.GetInt(2));
  p.sha256 = q.GetText(3);
  p.mime = q.GetText(4);
  p.width = static_cast<int>(q.GetInt(5));
  p.height = static_cast<int>(q.GetInt(6));
  p.bytes = q.GetInt(7);
  if (!q.IsNull(8)) p.gps_lat = q.GetDouble(8);
  if (!q.IsNull(9)) p.gps_lon = q.GetDouble(9);
  if (!q.IsNull(10)) p.gps_alt = q.GetDouble(10);
  if (!q.IsNull(11)) p.gps_time = q.GetInt(11);
  p.created_at = q.GetInt(12);
  return p;
}

int Flags(const cases::Case& c) { return (c.warned ? 1 : 0) | (c.breached ? 2 : 0) | (c.late ? 4 : 0); }

CaseRecord ReadCase(Query& q) {
  CaseRecord r;
  r.c.id = std::to_string(q.GetInt(0));
  r.c.type = q.GetText(1);
  r.c.category = q.GetText(2);
  r.c.state = q.GetText(3);
  r.c.grid_code = q.GetText(4);
  r.c.handling_unit_code = q.GetText(5);
  if (!q.IsNull(6)) r.c.reporter_user_id = q.GetInt(6);
  if (!q.IsNull(7)) r.c.assignee_user_id = q.GetInt(7);
  r.lon = q.GetDouble(8);
  r.lat = q.GetDouble(9);
  r.description = q.GetText(10);
  r.c.opened_at = q.GetInt(11);
  r.c.state_entered_at = q.GetInt(12);
  r.c.due_at = q.GetInt(13);
  r.c.warn_at = q.GetInt(14);
  r.c.escalation_level = static_cast<int>(q.GetInt(15));
  int flags = static_cast<int>(q.GetInt(16));
  r.c.warned = flags & 1;
  r.c.breached = flags & 2;
  r.c.late = flags & 4;
  r.terminal = q.GetInt(17) != 0;
  r.public_open = q.GetInt(18) != 0;
  r.version = q.GetInt(19);
  r.public_id = q.GetText(20);
  r.public_token_hash = q.GetText(21);
  r.idempotency_key = q.GetText(22);
  r.last_public_note = q.GetText(23);
  r.first_photo_id = q.GetText(24);
  return r;
}

Error CaseNotFound() { return MakeError(ErrorCode::kNotFound, "case not found"); }

// Latitude cells of cases_open_cell: the index expression is CAST(lat * 2000 AS INTEGER).
constexpr double kCellsPerDegree = 2000;
// Up to this many cells are probed one by one (a 50 m duplicate check needs 2 or 3).
constexpr std::int64_t kMaxCellProbes = 16;

// WHERE fragment for "visible to the viewer" with parameters ?1 lo, ?2 hi (or zero blob), ?3 user.
const std::string kVisible =
    "((handling_unit_code >= ?1 AND handling_unit_code < ?2) OR (grid_code >= ?1 AND grid_code < ?2) "
    "OR (?3 <> 0 AND reporter_user_id = ?3))";

void BindViewer(Query& q, const CaseViewer& v) {
  auto range = internal::RangeOf(v.scope.root_code());
  q.Text(1, range.lo).UpperBound(2, range).Int(3, v.user_id);
}

// WHERE fragment of a CaseFilter with parameters ?4 state, ?5 type, ?6 overdue only, ?7 now.
const std::string kFilter =
    "(?4 = '' OR state = ?4) AND (?5 = '' OR type = ?5) AND "
    "(?6 = 0 OR (terminal = 0 AND ((due_at > 0 AND due_at <= ?7) OR (flags & 2) <> 0)))";

void BindFilter(Query& q, const CaseFilter& f) {
  q.Text(4, f.state).Text(5, f.type).Int(6, f.overdue_only ? 1 : 0).Int(7, f.now);
}

bool Unfiltered(const CaseFilter& f) { return f.state.empty() && f.type.empty() && !f.overdue_only; }

// ListCases for a scope with queue rows (internal::HasQueueRows), inside a read transaction:
// the subtree's cases come from case_scope in deadline order (an index range, no sort), the
// viewer's own reports outside the subtree from cases_reporter_scope; the two are disjoint and
// merged. The work is O(offset + limit) rows plus the counts.
Slice<CaseRecord> ListQueue(Conn& c, const CaseViewer& viewer, const CaseFilter& f, Page page) {
  // The statements' text is built once (the statement cache is keyed by it).
  static const std::string kCountAll = "SELECT coalesce((SELECT n FROM case_scope_counts WHERE code = ?1), 0)";
  static const std::string kCountFiltered =
      "SELECT count(*) FROM case_scope s JOIN cases ON cases.id = s.case_id WHERE s.code = ?1 AND " + kFilter;
  static const std::string kPage = "SELECT " + kCaseCols +
                                   " FROM case_scope s JOIN cases ON cases.id = s.case_id WHERE s.code = ?1 AND " +
                                   kFilter + " ORDER BY s.due_key, s.case_id LIMIT ?8";
  // The viewer's reports outside the subtree (?1 lo, ?2 hi, ?3 user); without a filter the
  // count reads only the covering index cases_reporter_scope.
  static const std::string kMine =
      " FROM cases WHERE reporter_user_id = ?3 AND NOT ((handling_unit_code >= ?1 AND "
      "handling_unit_code < ?2) OR (grid_code >= ?1 AND grid_code < ?2))";
  static const std::string kMineCountAll = "SELECT count(*)" + kMine;
  static const std::string kMineCountFiltered = "SELECT count(*)" + kMine + " AND " + kFilter;
  static const std::string kMinePage =
      "SELECT " + kCaseCols + kMine + " AND " + kFilter + " ORDER BY (due_at = 0), due_at, id LIMIT ?8";

  const std::int64_t want = page.offset + page.limit;
  const bool unfiltered = Unfiltered(f);
  Slice<CaseRecord> out;
  {
    Query q(c, unfiltered ? kCountAll : kCountFiltered);
    q.Text(1, viewer.scope.root_code());
    if (!unfiltered) BindFilter(q, f);
    q.Step();
    out.total = q.GetInt(0);
  }
  std::vector<CaseRecord> subtree;
  subtree.reserve(static_cast<std::size_t>(std::min(want, out.total)));
  if (out.total > 0 && page.limit > 0) {
    Query q(c, kPage);
    q.Text(1, viewer.scope.root_code());
    BindFilter(q, f);
    q.Int(8, want);
    while (q.Step()) subtree.push_back(ReadCase(q));
  }
  if (viewer.user_id == 0) {
    out.items = internal::MergeQueuePage(std::move(subtree), {}, page.offset, page.limit);
    return out;
  }
  std::int64_t reported;
  {
    Query q(c, unfiltered ? kMineCountAll : kMineCountFiltered);
    BindViewer(q, viewer);
    if (!unfiltered) BindFilter(q, f);
    q.Step();
    reported = q.GetInt(0);
  }
  out.total += reported;
  std::vector<CaseRecord> own;
  if (reported > 0 && page.limit > 0) {
    Query q(c, kMinePage);
    BindViewer(q, viewer);
    BindFilter(q, f);
    q.Int(8, want);
    while (q.Step()) own.push_back(ReadCase(q));
  }
  out.items = internal::MergeQueuePage(std::move(subtree), std::move(own), page.offset, page.limit);
  return out;
}

class SqliteCaseStore final : public CaseStore {
 public:
  explicit SqliteCaseStore(const std::string& path)
      : writer_(path), readers_(kMaxReaders, [path] {
          auto conn = std::make_unique<Conn>(path);
          conn->Exec("PRAGMA query_only=ON");
          return conn;
        }),
        intake_(internal::kMaxIntakeBatch, [this](std::vector<IntakeQueue::Slot*>& batch) { CommitIntake(batch); }) {}

  Result<CreatedCase> CreateCase(const NewCase& n, Timestamp now) override {
    CG_RETURN_IF_ERROR(internal::ValidateNewPhotos(n.photos));
    return intake_.Submit(Intake{&n, now});
  }

  Result<CaseRecord> GetCase(const CaseViewer& viewer, const std::string& id) override {
    auto num = internal::ParseDecimalId(id);
    if (!num) return CaseNotFound();
    return Guard([&]() -> Result<CaseRecord> {
      auto lease = readers_.Acquire();
      Conn& c = *lease;
      Tx tx(c, "BEGIN");
      {
        Query q(c, "SELECT 1 FROM cases WHERE id = ?4 AND " + kVisible);
        BindViewer(q, viewer);
        q.Int(4, *num);
        if (!q.Step()) return CaseNotFound();
      }
      return Load(c, *num);
    });
  }

  Result<CaseRecord> GetCaseByPublicId(const std::string& public_id) override {
    return Guard([&]() -> Result<CaseRecord> {
      auto lease = readers_.Acquire();
      Conn& c = *lease;
      Tx tx(c, "BEGIN");
      std::int64_t id;
      {
        Query q(c, "SELECT id FROM cases WHERE public_id = ?1");
        q.Text(1, public_id);
        if (!q.Step()) return CaseNotFound();
        id = q.GetInt(0);
      }
      return Load(c, id);
    });
  }

  Result<CaseRecord> GetCaseSystem(const std::string& id) override {
    auto num = internal::ParseDecimalId(id);
    if (!num) return CaseNotFound();
    return Guard([&]() -> Result<CaseRecord> {
      auto lease = readers_.Acquire();
      Conn& c = *lease;
      Tx tx(c, "BEGIN");
      return Load(c, *num);
    });
  }

  Result<Slice<CaseRecord>> ListCases(const CaseViewer& viewer, const CaseFilter& f, Page page) override {
    CG_RETURN_IF_ERROR(internal::ValidatePage(page));
    return Guard([&]() -> Result<Slice<CaseRecord>> {
      auto lease = readers_.Acquire();
      Conn& c = *lease;
      Tx tx(c, "BEGIN");
      if (internal::HasQueueRows(viewer.scope.root_code())) return ListQueue(c, viewer, f, page);
      const std::string where =
          " FROM cases WHERE " + kVisible + " AND " + kFilter;
      auto bind = [&](Query& q) {
        BindViewer(q, viewer);
        BindFilter(q, f);
      };
      Slice<CaseRecord> out;
      {
        Query q(c, "SELECT count(*)" + where);
        bind(q);
        q.Step();
        out.total = q.GetInt(0);
      }
      Query q(c, "SELECT " + kCaseCols + where +
                     " ORDER BY (due_at = 0), due_at, id LIMIT ?8 OFFSET ?9");
      bind(q);
      q.Int(8, page.limit).Int(9, page.offset);
      while (q.Step()) out.items.push_back(ReadCase(q));
      return out;
    });
  }

  Result<std::int64_t> SaveCase(const CaseRecord& r, std::int64_t expected_version,
                                const std::vector<cases::Notification>& notifications,
                                Timestamp now) override {
    auto num = internal::ParseDecimalId(r.c.id);
    if (!num) return CaseNotFound();
    return Guard([&]() -> Result<std::int64_t> {
      std::lock_guard lock(write_mu_);
      Tx tx(writer_, "BEGIN IMMEDIATE");
      std::int64_t stored_version;
      {
        Query q(writer_, "SELECT version FROM cases WHERE id = ?1");
        q.Int(1, *num);
        if (!q.Step()) return CaseNotFound();
        stored_version = q.GetInt(0);
      }
      if (stored_version != expected_version) {
        return MakeError(ErrorCode::kConflict, "the case was changed by someone else (version " +
                                                   std::to_string(stored_version) + ")");
      }
      std::int64_t events;
      {
        Query q(writer_, "SELECT count(*) FROM case_events WHERE case_id = ?1");
        q.Int(1, *num);
        q.Step();
        events = q.GetInt(0);
      }
      {
        Query q(writer_,
                "UPDATE cases SET type = ?1, category = ?2, state = ?3, grid_code = ?4, "
                "handling_unit_code = ?5, reporter_user_id = ?6, assignee_user_id = ?7, lon = ?8, "
                "lat = ?9, description = ?10, opened_at = ?11, state_entered_at = ?12, due_at = ?13, "
                "warn_at = ?14, escalation_level = ?15, flags = ?16, terminal = ?17, "
                "public_open = ?18, version = version + 1, last_public_note = ?19, updated_at = ?20 "
                "WHERE id = ?21");
        BindCase(q, r);
        q.Text(19, r.last_public_note).Int(20, now).Int(21, *num);
        q.Run();
      }
      {
        Query q(writer_, "DELETE FROM case_fields WHERE case_id = ?1");
        q.Int(1, *num).Run();
      }
      WriteFields(*num, r.c.fields);
      WriteEvents(*num, r.c.timeline, static_cast<std::size_t>(events));
      WriteNotifications(*num, notifications, now);
      tx.Commit();
      return stored_version + 1;
    });
  }

  Result<std::vector<CaseRecord>> ListNearby(const std::string& type, const std::string& category,
                                             double lon, double lat, double radius_m,
                                             std::int64_t limit) override {
    return Guard([&]() -> Result<std::vector<CaseRecord>> {
      auto box = internal::BoxAround(lon, lat, radius_m);
      auto lease = readers_.Acquire();
      // cases_open_cell (migration 7) orders open cases by latitude cell (1/2000 degree, ~55 m;
      // the index's expression, truncated as SQLite's CAST truncates), then longitude: a few
      // cells are each read over the box's longitude range only. Wide boxes read their cells
      // as one range. INDEXED BY: without statistics SQLite would rather scan every open case.
      const std::int64_t first = static_cast<std::int64_t>(box.min_lat * kCellsPerDegree);
      const std::int64_t last = static_cast<std::int64_t>(box.max_lat * kCellsPerDegree);
      const std::int64_t cells = last - first + 1;
      std::string sql = "SELECT " + kCaseCols +
                        " FROM cases INDEXED BY cases_open_cell WHERE terminal = 0 AND type = ?1 AND "
                        "category = ?2 AND lon BETWEEN ?3 AND ?4 AND lat BETWEEN ?5 AND ?6 AND "
                        "CAST(lat * 2000 AS INTEGER) ";
      if (cells <= kMaxCellProbes) {
        sql += "IN (";
        for (std::int64_t i = 0; i < cells; ++i) sql += (i ? ", ?" : "?") + std::to_string(7 + i);
        sql += ")";
      } else {
        sql += "BETWEEN ?7 AND ?8";
      }
      Query q(*lease, sql);
      q.Text(1, type).Text(2, category).Double(3, box.min_lon).Double(4, box.max_lon);
      q.Double(5, box.min_lat).Double(6, box.max_lat);
      if (cells <= kMaxCellProbes) {
        for (std::int64_t i = 0; i < cells; ++i) q.Int(static_cast<int>(7 + i), first + i);
      } else {
        q.Int(7, first).Int(8, last);
      }
      std::vector<CaseRecord> all;
      while (q.Step()) all.push_back(ReadCase(q));
      return internal::NearestWithin(std::move(all), lon, lat, radius_m, limit);
    });
  }

  Result<std::vector<std::string>> ListDueIds(Timestamp now, std::int64_t limit) override {
    return Guard([&]() -> Result<std::vector<std::string>> {
      auto lease = readers_.Acquire();
      Query q(*lease,
              "SELECT id FROM cases WHERE terminal = 0 AND ((warn_at > 0 AND warn_at <= ?1 AND "
              "(flags & 1) = 0) OR (due_at > 0 AND due_at <= ?1 AND (flags & 2) = 0)) "
              "ORDER BY due_at, id LIMIT ?2");
      q.Int(1, now).Int(2, limit);
      std::vector<std::string> out;
      while (q.Step()) out.push_back(std::to_string(q.GetInt(0)));
      return out;
    });
  }

  Result<NotificationList> ListNotifications(const Recipient& who, Page page) override {
    CG_RETURN_IF_ERROR(internal::ValidatePage(page));
    return Guard([&]() -> Result<NotificationList> {
      auto lease = readers_.Acquire();
      Conn& c = *lease;
      Tx tx(c, "BEGIN");
      const std::string mine = " FROM notifications WHERE (user_id = ?1 OR org_code = ?2)";
      NotificationList out;
      {
        Query q(c, "SELECT count(*), coalesce(sum(read_at IS NULL), 0)" + mine);
        q.Int(1, who.user_id).Text(2, who.org_code);
        q.Step();
        out.total = q.GetInt(0);
        out.unread = q.GetInt(1);
      }
      Query q(c, "SELECT id, recipient, user_id, org_code, case_id, event, created_at, read_at" + mine +
                     " ORDER BY id DESC LIMIT ?3 OFFSET ?4");
      q.Int(1, who.user_id).Text(2, who.org_code).Int(3, page.limit).Int(4, page.offset);
      while (q.Step()) {
        StoredNotification n;
        n.id = q.GetInt(0);
        n.recipient = q.GetText(1);
        if (!q.IsNull(2)) n.user_id = q.GetInt(2);
        if (!q.IsNull(3)) n.org_code = q.GetText(3);
        n.case_id = std::to_string(q.GetInt(4));
        n.event = q.GetText(5);
        n.created_at = q.GetInt(6);
        if (!q.IsNull(7)) n.read_at = q.GetInt(7);
        out.items.push_back(std::move(n));
      }
      return out;
    });
  }

  Status MarkNotificationRead(const Recipient& who, std::int64_t id, Timestamp at) override {
    return Guard([&]() -> Status {
      std::lock_guard lock(write_mu_);
      Query q(writer_,
              "UPDATE notifications SET read_at = coalesce(read_at, ?4) WHERE id = ?1 AND "
              "(user_id = ?2 OR org_code = ?3)");
      q.Int(1, id).Int(2, who.user_id).Text(3, who.org_code).Int(4, at).Run();
      if (sqlite3_changes64(writer_.db()) == 0) {
        return MakeError(ErrorCode::kNotFound, "notification not found");
      }
      return {};
    });
  }

  Result<std::vector<CaseRecord>> ListRequests(const RequestFilter& f) override {
    return Guard([&]() -> Result<std::vector<CaseRecord>> {
      auto lease = readers_.Acquire();
      Conn& c = *lease;
      std::vector<CaseRecord> out;
      if (!f.public_ids.empty()) {
        for (const auto& pid : f.public_ids) {
          Query q(c, "SELECT " + kCaseCols + " FROM cases WHERE public_id = ?1");
          q.Text(1, pid);
          if (q.Step()) out.push_back(ReadCase(q));
        }
        return out;
      }
      Query q(c, "SELECT " + kCaseCols +
                     " FROM cases WHERE (?1 = '' OR type = ?1) AND (?2 = '' OR category = ?2) AND "
                     "(?3 IS NULL OR opened_at >= ?3) AND (?4 IS NULL OR opened_at < ?4) AND "
                     "(?5 IS NULL OR public_open = ?5) ORDER BY opened_at DESC, id DESC LIMIT ?6");
      q.Text(1, f.type).Text(2, f.category);
      if (f.start) q.Int(3, *f.start); else q.Null(3);
      if (f.end) q.Int(4, *f.end); else q.Null(4);
      if (f.open) q.Int(5, *f.open ? 1 : 0); else q.Null(5);
      q.Int(6, f.limit);
      while (q.Step()) out.push_back(ReadCase(q));
      return out;
    });
  }

  Result<PhotoData> GetPhoto(const std::string& photo_id, PhotoVariant variant) override {
    return Guard([&]() -> Result<PhotoData> {
      auto lease = readers_.Acquire();
      Query q(*lease, "SELECT " + kPhotoCols + ", d.data FROM case_photos p JOIN case_photo_data d ON "
                      "d.photo = p.id WHERE p.photo_id = ?1 AND d.variant = ?2");
      q.Text(1, photo_id).Text(2, internal::PhotoVariantName(variant));
      if (!q.Step()) return MakeError(ErrorCode::kNotFound, "photo not found");
      return PhotoOf(q, variant);
    });
  }

  Result<PhotoData> GetCasePhoto(const CaseViewer& viewer, const std::string& case_id,
                                 const std::string& photo_id, PhotoVariant variant) override {
    auto num = internal::ParseDecimalId(case_id);
    if (!num) return MakeError(ErrorCode::kNotFound, "photo not found");
    return Guard([&]() -> Result<PhotoData> {
      auto lease = readers_.Acquire();
      Query q(*lease, "SELECT " + kPhotoCols + ", d.data FROM cases JOIN case_photos p ON p.case_id = cases.id "
                      "JOIN case_photo_data d ON d.photo = p.id WHERE cases.id = ?4 AND p.photo_id = ?5 AND "
                      "d.variant = ?6 AND " + kVisible);
      BindViewer(q, viewer);
      q.Int(4, *num).Text(5, photo_id).Text(6, internal::PhotoVariantName(variant));
      if (!q.Step()) return MakeError(ErrorCode::kNotFound, "photo not found");
      return PhotoOf(q, variant);
    });
  }

  Result<ApiKey> CreateApiKey(const ApiKey& key) override {
    if (key.name.empty() || key.key_hash.empty()) return MakeError(ErrorCode::kInvalid, "empty API key name or hash");
    return Guard([&]() -> Result<ApiKey> {
      std::lock_guard lock(write_mu_);
      Query q(writer_, "INSERT INTO api_keys(name, key_hash, created_at) VALUES (?1, ?2, ?3)");
      q.Text(1, key.name).Text(2, key.key_hash).Int(3, key.created_at);
      try {
        q.Run();
      } catch (const DbError& e) {
        if (e.error.code == ErrorCode::kConflict) return MakeError(ErrorCode::kConflict, "API key name taken");
        throw;
      }
      ApiKey out = key;
      out.id = sqlite3_last_insert_rowid(writer_.db());
      return out;
    });
  }

  Result<ApiKey> FindApiKey(const std::string& key_hash) override {
    return Guard([&]() -> Result<ApiKey> {
      auto lease = readers_.Acquire();
      Query q(*lease, "SELECT id, name, key_hash, created_at FROM api_keys WHERE key_hash = ?1");
      q.Text(1, key_hash);
      if (!q.Step()) return MakeError(ErrorCode::kNotFound, "no such API key");
      return ApiKey{q.GetInt(0), q.GetText(1), q.GetText(2), q.GetInt(3)};
    });
  }

 private:
  // One submission in the intake queue: the case with everything written with it.
  struct Intake {
    const NewCase* n;
    Timestamp now;
  };
  using IntakeQueue = internal::GroupCommit<Intake, Result<CreatedCase>>;

  // Writes a batch of submissions in one transaction (one fsync), each inside its own
  // savepoint so that one failing case (a taken public id) is rolled back alone. Results are
  // set only after COMMIT returned: nobody is acknowledged before their case is durable.
  void CommitIntake(std::vector<IntakeQueue::Slot*>& batch) {
    std::vector<Result<CreatedCase>> results;
    results.reserve(batch.size());
    auto st = Guard([&]() -> Status {
      std::lock_guard lock(write_mu_);
      Tx tx(writer_, "BEGIN IMMEDIATE");
      for (auto* slot : batch) {
        Query(writer_, "SAVEPOINT intake").Run();
        auto one = Guard([&] { return InsertCase(*slot->req->n, slot->req->now); });
        if (!one.ok()) Query(writer_, "ROLLBACK TO intake").Run();
        Query(writer_, "RELEASE intake").Run();
        results.push_back(std::move(one));
      }
      tx.Commit();
      return {};
    });
    IntakeQueue::Deliver(batch, st, results);
  }

  // Inside the writer's open transaction: one submission (case row, fields, first timeline
  // entries, notifications), or the earlier case if its idempotency key was seen before,
  // including earlier in the same batch. Throws DbError; kConflict if the public id is taken.
  Result<CreatedCase> InsertCase(const NewCase& n, Timestamp now) {
    const CaseRecord& r = n.record;
    if (!r.idempotency_key.empty()) {
      std::optional<std::int64_t> existing;
      {
        Query q(writer_, "SELECT id FROM cases WHERE idempotency_key = ?1");
        q.Text(1, r.idempotency_key);
        if (q.Step()) existing = q.GetInt(0);
      }
      if (existing) return CreatedCase{Load(writer_, *existing), true};
    }
    {
      Query q(writer_,
              "INSERT INTO cases(type, category, state, grid_code, handling_unit_code, "
              "reporter_user_id, assignee_user_id, lon, lat, description, opened_at, "
              "state_entered_at, due_at, warn_at, escalation_level, flags, terminal, public_open, "
              "version, public_id, public_token_hash, idempotency_key, last_public_note, updated_at) "
              "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, "
              "?18, 1, ?19, ?20, ?21, ?22, ?23)");
      BindCase(q, r);
      q.Text(19, r.public_id).Text(20, r.public_token_hash);
      if (r.idempotency_key.empty()) q.Null(21); else q.Text(21, r.idempotency_key);
      q.Text(22, r.last_public_note).Int(23, now);
      try {
        q.Run();
      } catch (const DbError& e) {
        if (e.error.code == ErrorCode::kConflict) return MakeError(ErrorCode::kConflict, "public id taken");
        throw;
      }
    }
    std::int64_t id = sqlite3_last_insert_rowid(writer_.db());
    WriteFields(id, r.c.fields);
    for (const auto& [code, cipher] : n.sealed) {
      Query q(writer_, "INSERT INTO case_sealed_fields(case_id, code, cipher) VALUES (?1, ?2, ?3)");
      q.Int(1, id).Text(2, code).Text(3, internal::Hex(cipher)).Run();
    }
    WriteEvents(id, r.c.timeline, 0);
    WriteNotifications(id, n.notifications, now);
    WritePhotos(id, n.photos, now);
    return CreatedCase{AsStored(n, id, now), false};
  }

  // What Load would read back for a case InsertCase just wrote (saves four queries inside the
  // write lock): the submitted record with the store's id, version 1 and the photos' metadata.
  static CaseRecord AsStored(const NewCase& n, std::int64_t id, Timestamp now) {
    CaseRecord r = n.record;
    r.c.id = std::to_string(id);
    r.version = 1;
    r.photos.clear();
    int seq = 0;
    for (const auto& photo : n.photos) {
      PhotoInfo p = photo->info;
      p.case_id = r.c.id;
      p.seq = seq++;
      p.bytes = static_cast<std::int64_t>(photo->original.size());
      if (!(p.gps_lat && p.gps_lon)) p.gps_lat.reset(), p.gps_lon.reset();
      p.created_at = now;
      r.photos.push_back(std::move(p));
    }
    r.first_photo_id = r.photos.empty() ? "" : r.photos.front().photo_id;
    return r;
  }

  // Binds ?1..?18 of an INSERT or UPDATE of the case columns.
  static void BindCase(Query& q, const CaseRecord& r) {
    const cases::Case& c = r.c;
    q.Text(1, c.type).Text(2, c.category).Text(3, c.state).Text(4, c.grid_code);
    q.Text(5, c.handling_unit_code);
    if (c.reporter_user_id) q.Int(6, *c.reporter_user_id); else q.Null(6);
    if (c.assignee_user_id) q.Int(7, *c.assignee_user_id); else q.Null(7);
    q.Double(8, r.lon).Double(9, r.lat).Text(10, r.description);
    q.Int(11, c.opened_at).Int(12, c.state_entered_at).Int(13, c.due_at).Int(14, c.warn_at);
    q.Int(15, c.escalation_level).Int(16, Flags(c)).Int(17, r.terminal ? 1 : 0);
    q.Int(18, r.public_open ? 1 : 0);
  }

  void WriteFields(std::int64_t id, const std::map<std::string, std::string>& fields) {
    for (const auto& [code, value] : fields) {
      Query q(writer_, "INSERT INTO case_fields(case_id, code, value) VALUES (?1, ?2, ?3)");
      q.Int(1, id).Text(2, code).Text(3, value).Run();
    }
  }

  void WriteEvents(std::int64_t id, const std::vector<cases::TimelineEntry>& timeline, std::size_t from) {
    for (std::size_t i = from; i < timeline.size(); ++i) {
      const auto& e = timeline[i];
      Query q(writer_,
              "INSERT INTO case_events(case_id, seq, at, actor_user_id, actor_role, event, "
              "from_state, to_state, handling_unit_code, note, late, inputs) VALUES (?1, ?2, ?3, ?4, "
              "?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)");
      q.Int(1, id).Int(2, static_cast<std::int64_t>(i)).Int(3, e.at).Int(4, e.actor_user_id);
      q.Text(5, e.actor_role).Text(6, e.event).Text(7, e.from_state).Text(8, e.to_state);
      q.Text(9, e.handling_unit_code).Text(10, e.note).Int(11, e.late ? 1 : 0);
      q.Text(12, internal::EncodeFields(e.inputs)).Run();
    }
  }

  void WriteNotifications(std::int64_t id, const std::vector<cases::Notification>& ns, Timestamp now) {
    for (const auto& n : ns) {
      Query q(writer_,
              "INSERT INTO notifications(recipient, user_id, org_code, case_id, event, created_at) "
              "VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
      q.Text(1, cases::RecipientKindName(n.recipient));
      if (n.user_id) q.Int(2, *n.user_id); else q.Null(2);
      if (n.user_id) q.Null(3); else q.Text(3, n.org_code);
      q.Int(4, id).Text(5, n.event).Int(6, now).Run();
    }
  }

  void WritePhotos(std::int64_t id, const std::vector<std::shared_ptr<const NewPhoto>>& photos, Timestamp now) {
    int seq = 0;
    for (const auto& photo : photos) {
      const PhotoInfo& p = photo->info;
      {
        Query q(writer_,
                "INSERT INTO case_photos(photo_id, case_id, seq, sha256, mime, width, height, bytes, "
                "gps_lat, gps_lon, gps_alt, gps_time, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, "
                "?8, ?9, ?10, ?11, ?12, ?13)");
        q.Text(1, p.photo_id).Int(2, id).Int(3, seq++).Text(4, p.sha256).Text(5, p.mime);
        q.Int(6, p.width).Int(7, p.height).Int(8, static_cast<std::int64_t>(photo->original.size()));
        if (p.gps_lat && p.gps_lon) q.Double(9, *p.gps_lat).Double(10, *p.gps_lon); else q.Null(9).Null(10);
        if (p.gps_alt) q.Double(11, *p.gps_alt); else q.Null(11);
        if (p.gps_time) q.Int(12, *p.gps_time); else q.Null(12);
        q.Int(13, now);
        try {
          q.Run();
        } catch (const DbError& e) {
          if (e.error.code == ErrorCode::kConflict) Fail(ErrorCode::kConflict, "photo id taken");
          throw;
        }
      }
      std::int64_t row = sqlite3_last_insert_rowid(writer_.db());
      for (auto [variant, bytes] : {std::pair{PhotoVariant::kOriginal, std::string_view(photo->original)},
                                    std::pair{PhotoVariant::kPublic, std::string_view(photo->public_jpeg)},
                                    std::pair{PhotoVariant::kThumb, std::string_view(photo->thumbnail_jpeg)}}) {
        Query q(writer_, "INSERT INTO case_photo_data(photo, variant, data) VALUES (?1, ?2, ?3)");
        q.Int(1, row).Text(2, internal::PhotoVariantName(variant)).BlobView(3, bytes).Run();
      }
    }
  }

  static PhotoData PhotoOf(Query& q, PhotoVariant variant) {
    PhotoData out;
    out.info = ReadPhoto(q);
    out.mime = variant == PhotoVariant::kOriginal ? out.info.mime : "image/jpeg";
    out.data = q.GetBlob(13);
    return out;
  }

  // The whole case with fields and timeline; kNotFound (thrown) if absent.
  static CaseRecord Load(Conn& c, std::int64_t id) {
    CaseRecord r;
    {
      Query q(c, "SELECT " + kCaseCols + " FROM cases WHERE id = ?1");
      q.Int(1, id);
      if (!q.Step()) Fail(ErrorCode::kNotFound, "case not found");
      r = ReadCase(q);
    }
    {
      Query q(c, "SELECT code, value FROM case_fields WHERE case_id = ?1 ORDER BY code");
      q.Int(1, id);
      while (q.Step()) r.c.fields[q.GetText(0)] = q.GetText(1);
    }
    Query q(c,
            "SELECT at, actor_user_id, actor_role, event, from_state, to_state, handling_unit_code, "
            "note, late, inputs FROM case_events WHERE case_id = ?1 ORDER BY seq");
    q.Int(1, id);
    while (q.Step()) {
      cases::TimelineEntry e;
      e.at = q.GetInt(0);
      e.actor_user_id = q.GetInt(1);
      e.actor_role = q.GetText(2);
      e.event = q.GetText(3);
      e.from_state = q.GetText(4);
      e.to_state = q.GetText(5);
      e.handling_unit_code = q.GetText(6);
      e.note = q.GetText(7);
      e.late = q.GetInt(8) != 0;
      e.inputs = internal::DecodeFields(q.GetText(9));
      r.c.timeline.push_back(std::move(e));
    }
    Query photos(c, "SELECT " + kPhotoCols + " FROM case_photos p WHERE p.case_id = ?1 ORDER BY p.seq");
    photos.Int(1, id);
    while (photos.Step()) r.photos.push_back(ReadPhoto(photos));
    return r;
  }

  std::mutex write_mu_;  // guards writer_ and its statement cache
  Conn writer_;
  internal::ConnectionPool<Conn> readers_;
  IntakeQueue intake_;  // after writer_: its commits use the writer
};

}  // namespace

std::unique_ptr<CaseStore> OpenSqliteCaseStore(const std::string& path) {
  return std::make_unique<SqliteCaseStore>(path);
}

}  // namespace cg::store::sqlite
