// PostgreSQL implementation of store::CaseStore (migration 3's tables), on its own pool.
// New cases go through a group-commit queue (CommitIntake): concurrent submissions share one
// transaction, so one commit's WAL flush serves many.
// Optimistic concurrency: SaveCase updates "WHERE id = $ AND version = $" inside a transaction
// that first locks the row, so two savers of the same version cannot both win.
#include "store/postgres/pg_cases.hpp"

#include <deque>
#include <pqxx/pqxx>

#include "store/internal/case_common.hpp"
#include "store/internal/codec.hpp"
#include "store/internal/common.hpp"
#include "store/internal/group_commit.hpp"
#include "store/internal/pool.hpp"
#include "store/postgres/pg_guard.hpp"

namespace cg::store::postgres {
namespace {

using internal::Fail;
using ReadTx = pqxx::transaction<pqxx::repeatable_read, pqxx::read_only>;
using WriteTx = pqxx::work;
constexpr std::size_t kMaxConnections = 4;

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

PhotoInfo ReadPhoto(const pqxx::row& row) {
  PhotoInfo p;
  p.photo_id = row[0].as<std::string>();
  p.case_id = std::to_string(row[1].as<std::int64_t>());
  p.seq = row[2].as<int>();
  p.sha256 = row[3].as<std::string>();
  p.mime = row[4].as<std::string>();
  p.width = row[5].as<int>();
  p.height = row[6].as<int>();
  p.bytes = row[7].as<std::int64_t>();
  if (!row[8].is_null()) p.gps_lat = row[8].as<double>();
  if (!row[9].is_null()) p.gps_lon = row[9].as<double>();
  if (!row[10].is_null()) p.gps_alt = row[10].as<double>();
  if (!row[11].is_null()) p.gps_time = row[11].as<std::int64_t>();
  p.created_at = row[12].as<std::int64_t>();
  return p;
}

PhotoData PhotoOf(const pqxx::row& row, PhotoVariant variant) {
  PhotoData out;
  out.info = ReadPhoto(row);
  out.mime = variant == PhotoVariant::kOriginal ? out.info.mime : "image/jpeg";
  pqxx::binarystring bytes(row[13]);
  out.data.assign(bytes.get(), bytes.size());
  return out;
}

// Text parameters with NULLs, for exec_params with dynamic parameters.
class Params {
 public:
  Params& Text(std::string v) {
    text_.push_back(std::move(v));
    ptrs_.push_back(text_.back().c_str());
    return *this;
  }
  Params& Int(std::int64_t v) { return Text(std::to_string(v)); }
  Params& Double(double v) { return Text(internal::DoubleText(v)); }
  Params& Bool(bool v) { return Text(v ? "true" : "false"); }
  Params& Null() {
    ptrs_.push_back(nullptr);
    return *this;
  }
  Params& OptInt(const std::optional<std::int64_t>& v) { return v ? Int(*v) : Null(); }
  auto Dynamic() const { return pqxx::prepare::make_dynamic_params(ptrs_); }

 private:
  std::deque<std::string> text_;  // stable addresses
  std::vector<const char*> ptrs_;
};

int Flags(const cases::Case& c) { return (c.warned ? 1 : 0) | (c.breached ? 2 : 0) | (c.late ? 4 : 0); }

CaseRecord ReadCase(const pqxx::row& row) {
  CaseRecord r;
  r.c.id = std::to_string(row[0].as<std::int64_t>());
  r.c.type = row[1].as<std::string>();
  r.c.category = row[2].as<std::string>();
  r.c.state = row[3].as<std::string>();
  r.c.grid_code = row[4].as<std::string>();
  r.c.handling_unit_code = row[5].as<std::string>();
  if (!row[6].is_null()) r.c.reporter_user_id = row[6].as<std::int64_t>();
  if (!row[7].is_null()) r.c.assignee_user_id = row[7].as<std::int64_t>();
  r.lon = row[8].as<double>();
  r.lat = row[9].as<double>();
  r.description = row[10].as<std::string>();
  r.c.opened_at = row[11].as<std::int64_t>();
  r.c.state_entered_at = row[12].as<std::int64_t>();
  r.c.due_at = row[13].as<std::int64_t>();
  r.c.warn_at = row[14].as<std::int64_t>();
  r.c.escalation_level = row[15].as<int>();
  int flags = row[16].as<int>();
  r.c.warned = flags & 1;
  r.c.breached = flags & 2;
  r.c.late = flags & 4;
  r.terminal = row[17].as<bool>();
  r.public_open = row[18].as<bool>();
  r.version = row[19].as<std::int64_t>();
  r.public_id = row[20].as<std::string>();
  r.public_token_hash = row[21].as<std::string>();
  r.idempotency_key = row[22].as<std::string>();
  r.last_public_note = row[23].as<std::string>();
  r.first_photo_id = row[24].as<std::string>();
  return r;
}

Error CaseNotFound() { return MakeError(ErrorCode::kNotFound, "case not found"); }

// "Visible to the viewer" with parameters $1 lo, $2 hi (NULL: unbounded), $3 user.
const std::string kVisible =
    "((handling_unit_code >= $1 AND ($2::text IS NULL OR handling_unit_code < $2)) OR "
    "(grid_code >= $1 AND ($2::text IS NULL OR grid_code < $2)) OR "
    "($3::bigint <> 0 AND reporter_user_id = $3::bigint))";

void AddViewer(Params& p, const CaseViewer& v) {
  auto range = internal::RangeOf(v.scope.root_code());
  p.Text(range.lo);
  if (range.unbounded_hi) p.Null(); else p.Text(range.hi);
  p.Int(v.user_id);
}

// A CaseFilter as SQL, its parameters numbered from `first`: state, type, overdue only, now.
std::string FilterSql(int first) {
  auto n = [&](int i) { return "$" + std::to_string(first + i); };
  return "(" + n(0) + " = '' OR state = " + n(0) + ") AND (" + n(1) + " = '' OR type = " + n(1) +
         ") AND (" + n(2) + "::boolean = false OR (NOT terminal AND ((due_at > 0 AND due_at <= " + n(3) +
         "::bigint) OR (flags & 2) <> 0)))";
}

void AddFilter(Params& p, const CaseFilter& f) { p.Text(f.state).Text(f.type).Bool(f.overdue_only).Int(f.now); }

bool Unfiltered(const CaseFilter& f) { return f.state.empty() && f.type.empty() && !f.overdue_only; }

// ListCases for a scope with queue rows (internal::HasQueueRows): the subtree's cases from
// case_scope in deadline order (an index range, no sort), the viewer's own reports outside the
// subtree from cases_reporter_scope; the two are disjoint and merged.
Slice<CaseRecord> ListQueue(ReadTx& tx, const CaseViewer& viewer, const CaseFilter& f, Page page) {
  const std::string& root = viewer.scope.root_code();
  const std::int64_t want = page.offset + page.limit;
  Slice<CaseRecord> out;
  if (Unfiltered(f)) {
    out.total = tx.exec_params("SELECT count(*) FROM case_scope WHERE code = $1", root)[0][0].as<std::int64_t>();
  } else {
    Params p;
    p.Text(root);
    AddFilter(p, f);
    out.total = tx.exec_params("SELECT count(*) FROM case_scope s JOIN cases ON cases.id = s.case_id "
                               "WHERE s.code = $1 AND " + FilterSql(2), p.Dynamic())[0][0].as<std::int64_t>();
  }
  std::vector<CaseRecord> subtree;
  if (out.total > 0 && page.limit > 0) {
    Params p;
    p.Text(root);
    AddFilter(p, f);
    p.Int(want);
    auto rows = tx.exec_params("SELECT " + kCaseCols + " FROM case_scope s JOIN cases ON cases.id = s.case_id "
                               "WHERE s.code = $1 AND " + FilterSql(2) +
                               " ORDER BY s.due_key, s.case_id LIMIT $6::bigint", p.Dynamic());
    for (const auto& row : rows) subtree.push_back(ReadCase(row));
  }
  if (viewer.user_id == 0) {
    out.items = internal::MergeQueuePage(std::move(subtree), {}, page.offset, page.limit);
    return out;
  }
  // The viewer's reports outside the subtree ($1 lo, $2 hi: bounded for a standard code).
  const std::string mine =
      " FROM cases WHERE reporter_user_id = $3::bigint AND NOT ((handling_unit_code >= $1 AND "
      "handling_unit_code < $2) OR (grid_code >= $1 AND grid_code < $2)) AND " + FilterSql(4);
  auto params = [&] {
    Params p;
    auto range = internal::RangeOf(root);
    p.Text(range.lo).Text(range.hi).Int(viewer.user_id);
    AddFilter(p, f);
    return p;
  };
  std::int64_t reported = tx.exec_params("SELECT count(*)" + mine, params().Dynamic())[0][0].as<std::int64_t>();
  out.total += reported;
  std::vector<CaseRecord> own;
  if (reported > 0 && page.limit > 0) {
    Params p = params();
    p.Int(want);
    auto rows = tx.exec_params("SELECT " + kCaseCols + mine + " ORDER BY (due_at = 0), due_at, id LIMIT $8::bigint",
                               p.Dynamic());
    for (const auto& row : rows) own.push_back(ReadCase(row));
  }
  out.items = internal::MergeQueuePage(std::move(subtree), std::move(own), page.offset, page.limit);
  return out;
}

// The 18 case columns in BindCase order.
void AddCase(Params& p, const CaseRecord& r) {
  const cases::Case& c = r.c;
  p.Text(c.type).Text(c.category).Text(c.state).Text(c.grid_code).Text(c.handling_unit_code);
  p.OptInt(c.reporter_user_id).OptInt(c.assignee_user_id);
  p.Double(r.lon).Double(r.lat).Text(r.description);
  p.Int(c.opened_at).Int(c.state_entered_at).Int(c.due_at).Int(c.warn_at);
  p.Int(c.escalation_level).Int(Flags(c)).Bool(r.terminal).Bool(r.public_open);
}

class PgCaseStore final : public CaseStore {
 public:
  explicit PgCaseStore(const std::string& url)
      : pool_(
            kMaxConnections, [url] { return std::make_unique<pqxx::connection>(url); },
            [](pqxx::connection& c) { return c.is_open(); }),
        intake_(internal::kMaxIntakeBatch, [this](std::vector<IntakeQueue::Slot*>& batch) { CommitIntake(batch); }) {}

  Result<CreatedCase> CreateCase(const NewCase& n, Timestamp now) override {
    CG_RETURN_IF_ERROR(internal::ValidateNewPhotos(n.photos));
    return intake_.Submit(Intake{&n, now});
  }

  Result<CaseRecord> GetCase(const CaseViewer& viewer, const std::string& id) override {
    auto num = internal::ParseDecimalId(id);
    if (!num) return CaseNotFound();
    return Guard([&]() -> Result<CaseRecord> {
      auto lease = pool_.Acquire();
      ReadTx tx(*lease);
      Params p;
      AddViewer(p, viewer);
      p.Int(*num);
      if (tx.exec_params("SELECT 1 FROM cases WHERE id = $4::bigint AND " + kVisible, p.Dynamic()).empty()) {
        return CaseNotFound();
      }
      return Load(tx, *num);
    });
  }

  Result<CaseRecord> GetCaseByPublicId(const std::string& public_id) override {
    return Guard([&]() -> Result<CaseRecord> {
      auto lease = pool_.Acquire();
      ReadTx tx(*lease);
      auto r = tx.exec_params("SELECT id FROM cases WHERE public_id = $1", public_id);
      if (r.empty()) return CaseNotFound();
      return Load(tx, r[0][0].as<std::int64_t>());
    });
  }

  Result<CaseRecord> GetCaseSystem(const std::string& id) override {
    auto num = internal::ParseDecimalId(id);
    if (!num) return CaseNotFound();
    return Guard([&]() -> Result<CaseRecord> {
      auto lease = pool_.Acquire();
      ReadTx tx(*lease);
      return Load(tx, *num);
    });
  }

  Result<Slice<CaseRecord>> ListCases(const CaseViewer& viewer, const CaseFilter& f, Page page) override {
    CG_RETURN_IF_ERROR(internal::ValidatePage(page));
    return Guard([&]() -> Result<Slice<CaseRecord>> {
      auto lease = pool_.Acquire();
      ReadTx tx(*lease);
      if (internal::HasQueueRows(viewer.scope.root_code())) return ListQueue(tx, viewer, f, page);
      const std::string where =
          " FROM cases WHERE " + kVisible +
          " AND ($4 = '' OR state = $4) AND ($5 = '' OR type = $5) AND "
          "($6::boolean = false OR (NOT terminal AND ((due_at > 0 AND due_at <= $7::bigint) OR "
          "(flags & 2) <> 0)))";
      auto params = [&] {
        Params p;
        AddViewer(p, viewer);
        p.Text(f.state).Text(f.type).Bool(f.overdue_only).Int(f.now);
        return p;
      };
      Slice<CaseRecord> out;
      {
        Params p = params();
        out.total = tx.exec_params("SELECT count(*)" + where, p.Dynamic())[0][0].as<std::int64_t>();
      }
      Params p = params();
      p.Int(page.limit).Int(page.offset);
      auto rows = tx.exec_params("SELECT " + kCaseCols + where +
                                     " ORDER BY (due_at = 0), due_at, id LIMIT $8::bigint OFFSET $9::bigint",
                                 p.Dynamic());
      for (const auto& row : rows) out.items.push_back(ReadCase(row));
      return out;
    });
  }

  Result<std::int64_t> SaveCase(const CaseRecord& r, std::int64_t expected_version,
                                const std::vector<cases::Notification>& notifications,
                                Timestamp now) override {
    auto num = internal::ParseDecimalId(r.c.id);
    if (!num) return CaseNotFound();
    return Guard([&]() -> Result<std::int64_t> {
      auto lease = pool_.Acquire();
      WriteTx tx(*lease);
      auto cur = tx.exec_params("SELECT version FROM cases WHERE id = $1 FOR UPDATE", *num);
      if (cur.empty()) return CaseNotFound();
      std::int64_t stored = cur[0][0].as<std::int64_t>();
      if (stored != expected_version) {
        return MakeError(ErrorCode::kConflict, "the case was changed by someone else (version " +
                                                   std::to_string(stored) + ")");
      }
      auto events = tx.exec_params("SELECT count(*) FROM case_events WHERE case_id = $1", *num)[0][0]
                        .as<std::int64_t>();
      Params p;
      AddCase(p, r);
      p.Text(r.last_public_note).Int(now).Int(*num);
      tx.exec_params(
          "UPDATE cases SET type = $1, category = $2, state = $3, grid_code = $4, "
          "handling_unit_code = $5, reporter_user_id = $6, assignee_user_id = $7, lon = $8, "
          "lat = $9, description = $10, opened_at = $11, state_entered_at = $12, due_at = $13, "
          "warn_at = $14, escalation_level = $15, flags = $16, terminal = $17, "
          "public_open = $18, version = version + 1, last_public_note = $19, updated_at = $20 "
          "WHERE id = $21",
          p.Dynamic());
      tx.exec_params("DELETE FROM case_fields WHERE case_id = $1", *num);
      WriteFields(tx, *num, r.c.fields);
      WriteEvents(tx, *num, r.c.timeline, static_cast<std::size_t>(events));
      WriteNotifications(tx, *num, notifications, now);
      tx.commit();
      return stored + 1;
    });
  }

  Result<std::vector<CaseRecord>> ListNearby(const std::string& type, const std::string& category,
                                             double lon, double lat, double radius_m,
                                             std::int64_t limit) override {
    return Guard([&]() -> Result<std::vector<CaseRecord>> {
      auto box = internal::BoxAround(lon, lat, radius_m);
      auto lease = pool_.Acquire();
      ReadTx tx(*lease);
      auto rows = tx.exec_params("SELECT " + kCaseCols +
                                     " FROM cases WHERE NOT terminal AND type = $1 AND category = $2 AND "
                                     "lon BETWEEN $3 AND $4 AND lat BETWEEN $5 AND $6",
                                 type, category, box.min_lon, box.max_lon, box.min_lat, box.max_lat);
      std::vector<CaseRecord> all;
      for (const auto& row : rows) all.push_back(ReadCase(row));
      return internal::NearestWithin(std::move(all), lon, lat, radius_m, limit);
    });
  }

  Result<std::vector<std::string>> ListDueIds(Timestamp now, std::int64_t limit) override {
    return Guard([&]() -> Result<std::vector<std::string>> {
      auto lease = pool_.Acquire();
      ReadTx tx(*lease);
      auto rows = tx.exec_params(
          "SELECT id FROM cases WHERE NOT terminal AND ((warn_at > 0 AND warn_at <= $1 AND "
          "(flags & 1) = 0) OR (due_at > 0 AND due_at <= $1 AND (flags & 2) = 0)) "
          "ORDER BY due_at, id LIMIT $2",
          now, limit);
      std::vector<std::string> out;
      for (const auto& row : rows) out.push_back(std::to_string(row[0].as<std::int64_t>()));
      return out;
    });
  }

  Result<NotificationList> ListNotifications(const Recipient& who, Page page) override {
    CG_RETURN_IF_ERROR(internal::ValidatePage(page));
    return Guard([&]() -> Result<NotificationList> {
      auto lease = pool_.Acquire();
      ReadTx tx(*lease);
      const std::string mine = " FROM notifications WHERE (user_id = $1 OR org_code = $2)";
      NotificationList out;
      auto counts = tx.exec_params("SELECT count(*), count(*) FILTER (WHERE read_at IS NULL)" + mine,
                                   who.user_id, who.org_code);
      out.total = counts[0][0].as<std::int64_t>();
      out.unread = counts[0][1].as<std::int64_t>();
      auto rows = tx.exec_params("SELECT id, recipient, user_id, org_code, case_id, event, created_at, read_at" +
                                     mine + " ORDER BY id DESC LIMIT $3 OFFSET $4",
                                 who.user_id, who.org_code, page.limit, page.offset);
      for (const auto& row : rows) {
        StoredNotification n;
        n.id = row[0].as<std::int64_t>();
        n.recipient = row[1].as<std::string>();
        if (!row[2].is_null()) n.user_id = row[2].as<std::int64_t>();
        if (!row[3].is_null()) n.org_code = row[3].as<std::string>();
        n.case_id = std::to_string(row[4].as<std::int64_t>());
        n.event = row[5].as<std::string>();
        n.created_at = row[6].as<std::int64_t>();
        if (!row[7].is_null()) n.read_at = row[7].as<std::int64_t>();
        out.items.push_back(std::move(n));
      }
      return out;
    });
  }

  Status MarkNotificationRead(const Recipient& who, std::int64_t id, Timestamp at) override {
    return Guard([&]() -> Status {
      auto lease = pool_.Acquire();
      WriteTx tx(*lease);
      auto r = tx.exec_params(
          "UPDATE notifications SET read_at = coalesce(read_at, $4) WHERE id = $1 AND "
          "(user_id = $2 OR org_code = $3)",
          id, who.user_id, who.org_code, at);
      if (r.affected_rows() == 0) return MakeError(ErrorCode::kNotFound, "notification not found");
      tx.commit();
      return {};
    });
  }

  Result<std::vector<CaseRecord>> ListRequests(const RequestFilter& f) override {
    return Guard([&]() -> Result<std::vector<CaseRecord>> {
      auto lease = pool_.Acquire();
      ReadTx tx(*lease);
      std::vector<CaseRecord> out;
      if (!f.public_ids.empty()) {
        for (const auto& pid : f.public_ids) {
          auto rows = tx.exec_params("SELECT " + kCaseCols + " FROM cases WHERE public_id = $1", pid);
          if (!rows.empty()) out.push_back(ReadCase(rows[0]));
        }
        return out;
      }
      Params p;
      p.Text(f.type).Text(f.category);
      if (f.start) p.Int(*f.start); else p.Null();
      if (f.end) p.Int(*f.end); else p.Null();
      if (f.open) p.Bool(*f.open); else p.Null();
      p.Int(f.limit);
      auto rows = tx.exec_params(
          "SELECT " + kCaseCols +
              " FROM cases WHERE ($1 = '' OR type = $1) AND ($2 = '' OR category = $2) AND "
              "($3::bigint IS NULL OR opened_at >= $3::bigint) AND "
              "($4::bigint IS NULL OR opened_at < $4::bigint) AND "
              "($5::boolean IS NULL OR public_open = $5::boolean) "
              "ORDER BY opened_at DESC, id DESC LIMIT $6::bigint",
          p.Dynamic());
      for (const auto& row : rows) out.push_back(ReadCase(row));
      return out;
    });
  }

  Result<PhotoData> GetPhoto(const std::string& photo_id, PhotoVariant variant) override {
    return Guard([&]() -> Result<PhotoData> {
      auto lease = pool_.Acquire();
      ReadTx tx(*lease);
      auto rows = tx.exec_params("SELECT " + kPhotoCols + ", d.data FROM case_photos p JOIN case_photo_data d "
                                 "ON d.photo = p.id WHERE p.photo_id = $1 AND d.variant = $2",
                                 photo_id, std::string(internal::PhotoVariantName(variant)));
      if (rows.empty()) return MakeError(ErrorCode::kNotFound, "photo not found");
      return PhotoOf(rows[0], variant);
    });
  }

  Result<PhotoData> GetCasePhoto(const CaseViewer& viewer, const std::string& case_id,
                                 const std::string& photo_id, PhotoVariant variant) override {
    auto num = internal::ParseDecimalId(case_id);
    if (!num) return MakeError(ErrorCode::kNotFound, "photo not found");
    return Guard([&]() -> Result<PhotoData> {
      auto lease = pool_.Acquire();
      ReadTx tx(*lease);
      Params p;
      AddViewer(p, viewer);
      p.Int(*num).Text(photo_id).Text(internal::PhotoVariantName(variant));
      auto rows = tx.exec_params("SELECT " + kPhotoCols + ", d.data FROM cases JOIN case_photos p ON "
                                 "p.case_id = cases.id JOIN case_photo_data d ON d.photo = p.id WHERE "
                                 "cases.id = $4::bigint AND p.photo_id = $5 AND d.variant = $6 AND " + kVisible,
                                 p.Dynamic());
      if (rows.empty()) return MakeError(ErrorCode::kNotFound, "photo not found");
      return PhotoOf(rows[0], variant);
    });
  }

  Result<ApiKey> CreateApiKey(const ApiKey& key) override {
    if (key.name.empty() || key.key_hash.empty()) return MakeError(ErrorCode::kInvalid, "empty API key name or hash");
    return Guard([&]() -> Result<ApiKey> {
      auto lease = pool_.Acquire();
      WriteTx tx(*lease);
      pqxx::result r;
      try {
        r = tx.exec_params("INSERT INTO api_keys(name, key_hash, created_at) VALUES ($1, $2, $3) RETURNING id",
                           key.name, key.key_hash, key.created_at);
      } catch (const pqxx::unique_violation&) {
        return MakeError(ErrorCode::kConflict, "API key name taken");
      }
      tx.commit();
      ApiKey out = key;
      out.id = r[0][0].as<std::int64_t>();
      return out;
    });
  }

  Result<ApiKey> FindApiKey(const std::string& key_hash) override {
    return Guard([&]() -> Result<ApiKey> {
      auto lease = pool_.Acquire();
      ReadTx tx(*lease);
      auto r = tx.exec_params("SELECT id, name, key_hash, created_at FROM api_keys WHERE key_hash = $1", key_hash);
      if (r.empty()) return MakeError(ErrorCode::kNotFound, "no such API key");
      return ApiKey{r[0][0].as<std::int64_t>(), r[0][1].as<std::string>(), r[0][2].as<std::string>(),
                    r[0][3].as<std::int64_t>()};
    });
  }

 private:
  // One submission in the intake queue: the case with everything written with it.
  struct Intake {
    const NewCase* n;
    Timestamp now;
  };
  using IntakeQueue = internal::GroupCommit<Intake, Result<CreatedCase>>;

  // Writes a batch of submissions in one transaction (one WAL flush on the server), each in
  // its own savepoint so that one failing case is rolled back alone. Results
  // are set only after COMMIT returned: nobody is acknowledged before their case is durable.
  void CommitIntake(std::vector<IntakeQueue::Slot*>& batch) {
    std::vector<Result<CreatedCase>> results;
    results.reserve(batch.size());
    auto st = Guard([&]() -> Status {
      auto lease = pool_.Acquire();
      WriteTx tx(*lease);
      for (auto* slot : batch) {
        tx.exec("SAVEPOINT intake");
        auto one = Guard([&] { return InsertCase(tx, *slot->req->n, slot->req->now); });
        tx.exec(one.ok() ? "RELEASE SAVEPOINT intake" : "ROLLBACK TO SAVEPOINT intake");
        results.push_back(std::move(one));
      }
      tx.commit();
      return {};
    });
    IntakeQueue::Deliver(batch, st, results);
  }

  // Inside an open (sub)transaction: one submission (case row, fields, first timeline entries,
  // notifications), or the earlier case if its idempotency key was seen before — earlier in
  // this batch, or committed meanwhile by another node. Throws; kConflict if the public id is
  // taken.
  static Result<CreatedCase> InsertCase(pqxx::transaction_base& tx, const NewCase& n, Timestamp now) {
    const CaseRecord& r = n.record;
    auto earlier = [&]() -> std::optional<std::int64_t> {
      if (r.idempotency_key.empty()) return std::nullopt;
      auto rows = tx.exec_params("SELECT id FROM cases WHERE idempotency_key = $1", r.idempotency_key);
      if (rows.empty()) return std::nullopt;
      return rows[0][0].as<std::int64_t>();
    };
    if (auto id = earlier()) return CreatedCase{Load(tx, *id), true};
    Params p;
    AddCase(p, r);
    p.Text(r.public_id).Text(r.public_token_hash);
    if (r.idempotency_key.empty()) p.Null(); else p.Text(r.idempotency_key);
    p.Text(r.last_public_note).Int(now);
    pqxx::result ins;
    try {
      ins = tx.exec_params(
          "INSERT INTO cases(type, category, state, grid_code, handling_unit_code, "
          "reporter_user_id, assignee_user_id, lon, lat, description, opened_at, "
          "state_entered_at, due_at, warn_at, escalation_level, flags, terminal, public_open, "
          "version, public_id, public_token_hash, idempotency_key, last_public_note, updated_at) "
          "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, "
          "$18, 1, $19, $20, $21, $22, $23) "
          "ON CONFLICT (idempotency_key) DO NOTHING RETURNING id",
          p.Dynamic());
    } catch (const pqxx::unique_violation&) {
      return MakeError(ErrorCode::kConflict, "public id taken");
    }
    if (ins.empty()) {
      // Another node committed the same key after our first look (read committed: a new
      // statement sees it now).
      if (auto id = earlier()) return CreatedCase{Load(tx, *id), true};
      return MakeError(ErrorCode::kConflict, "idempotency key in use");
    }
    std::int64_t id = ins[0][0].as<std::int64_t>();
    WriteFields(tx, id, r.c.fields);
    for (const auto& [code, cipher] : n.sealed) {
      tx.exec_params("INSERT INTO case_sealed_fields(case_id, code, cipher) VALUES ($1, $2, $3)", id, code,
                     internal::Hex(cipher));
    }
    WriteEvents(tx, id, r.c.timeline, 0);
    WriteNotifications(tx, id, n.notifications, now);
    WritePhotos(tx, id, n.photos, now);
    return CreatedCase{Load(tx, id), false};
  }

  static void WriteFields(pqxx::transaction_base& tx, std::int64_t id,
                          const std::map<std::string, std::string>& fields) {
    for (const auto& [code, value] : fields) {
      tx.exec_params("INSERT INTO case_fields(case_id, code, value) VALUES ($1, $2, $3)", id, code, value);
    }
  }

  static void WriteEvents(pqxx::transaction_base& tx, std::int64_t id,
                          const std::vector<cases::TimelineEntry>& timeline, std::size_t from) {
    for (std::size_t i = from; i < timeline.size(); ++i) {
      const auto& e = timeline[i];
      tx.exec_params(
          "INSERT INTO case_events(case_id, seq, at, actor_user_id, actor_role, event, from_state, "
          "to_state, handling_unit_code, note, late, inputs) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, "
          "$10, $11, $12)",
          id, static_cast<std::int64_t>(i), e.at, e.actor_user_id, e.actor_role, e.event, e.from_state,
          e.to_state, e.handling_unit_code, e.note, e.late, internal::EncodeFields(e.inputs));
    }
  }

  static void WriteNotifications(pqxx::transaction_base& tx, std::int64_t id,
                                 const std::vector<cases::Notification>& ns, Timestamp now) {
    for (const auto& n : ns) {
      Params p;
      p.Text(cases::RecipientKindName(n.recipient)).OptInt(n.user_id);
      if (n.user_id) p.Null(); else p.Text(n.org_code);
      p.Int(id).Text(n.event).Int(now);
      tx.exec_params(
          "INSERT INTO notifications(recipient, user_id, org_code, case_id, event, created_at) "
          "VALUES ($1, $2, $3, $4, $5, $6)",
          p.Dynamic());
    }
  }

  static void WritePhotos(pqxx::transaction_base& tx, std::int64_t id,
                          const std::vector<std::shared_ptr<const NewPhoto>>& photos, Timestamp now) {
    int seq = 0;
    for (const auto& photo : photos) {
      const PhotoInfo& i = photo->info;
      Params p;
      p.Text(i.photo_id).Int(id).Int(seq++).Text(i.sha256).Text(i.mime).Int(i.width).Int(i.height);
      p.Int(static_cast<std::int64_t>(photo->original.size()));
      if (i.gps_lat && i.gps_lon) p.Double(*i.gps_lat).Double(*i.gps_lon); else p.Null().Null();
      if (i.gps_alt) p.Double(*i.gps_alt); else p.Null();
      p.OptInt(i.gps_time).Int(now);
      auto row = tx.exec_params(
          "INSERT INTO case_photos(photo_id, case_id, seq, sha256, mime, width, height, bytes, gps_lat, "
          "gps_lon, gps_alt, gps_time, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, "
          "$12, $13) RETURNING id",
          p.Dynamic());
      const std::int64_t photo_row = row[0][0].as<std::int64_t>();
      for (auto [variant, bytes] : {std::pair{PhotoVariant::kOriginal, std::string_view(photo->original)},
                                    std::pair{PhotoVariant::kPublic, std::string_view(photo->public_jpeg)},
                                    std::pair{PhotoVariant::kThumb, std::string_view(photo->thumbnail_jpeg)}}) {
        tx.exec_params("INSERT INTO case_photo_data(photo, variant, data) VALUES ($1, $2, $3::bytea)", photo_row,
                       std::string(internal::PhotoVariantName(variant)), ByteaHex(bytes));
      }
    }
  }

  static CaseRecord Load(pqxx::transaction_base& tx, std::int64_t id) {
    auto rows = tx.exec_params("SELECT " + kCaseCols + " FROM cases WHERE id = $1", id);
    if (rows.empty()) Fail(ErrorCode::kNotFound, "case not found");
    CaseRecord r = ReadCase(rows[0]);
    for (const auto& row : tx.exec_params("SELECT code, value FROM case_fields WHERE case_id = $1 ORDER BY code", id)) {
      r.c.fields[row[0].as<std::string>()] = row[1].as<std::string>();
    }
    for (const auto& row : tx.exec_params(
             "SELECT at, actor_user_id, actor_role, event, from_state, to_state, handling_unit_code, "
             "note, late, inputs FROM case_events WHERE case_id = $1 ORDER BY seq",
             id)) {
      cases::TimelineEntry e;
      e.at = row[0].as<std::int64_t>();
      e.actor_user_id = row[1].as<std::int64_t>();
      e.actor_role = row[2].as<std::string>();
      e.event = row[3].as<std::string>();
      e.from_state = row[4].as<std::string>();
      e.to_state = row[5].as<std::string>();
      e.handling_unit_code = row[6].as<std::string>();
      e.note = row[7].as<std::string>();
      e.late = row[8].as<bool>();
      e.inputs = internal::DecodeFields(row[9].as<std::string>());
      r.c.timeline.push_back(std::move(e));
    }
    for (const auto& row : tx.exec_params("SELECT " + kPhotoCols + " FROM case_photos p WHERE p.case_id = $1 "
                                          "ORDER BY p.seq", id)) {
      r.photos.push_back(ReadPhoto(row));
    }
    return r;
  }

  internal::ConnectionPool<pqxx::connection> pool_;
  IntakeQueue intake_;
};

}  // namespace

std::unique_ptr<CaseStore> OpenPgCaseStore(const std::string& url) {
  return std::make_unique<PgCaseStore>(url);
}

}  // namespace cg::store::postgres
