#pragma once
// Persistence of cases (the values of src/cases), their timelines, notifications and Open311
// API keys. Reached through Store::Cases(); both backends implement it and
// cases_contract_test.cpp holds them to one contract.
//
// Scope rule: a staff read takes a CaseViewer and answers kNotFound for a case the viewer may
// not see: visible when the viewer's scope covers the case's handling unit OR its grid, or the
// viewer is its reporter. Public reads (by public id, Open311) return public columns only.
// Thread safety: any number of threads at once.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cases/engine.hpp"
#include "core/clock.hpp"
#include "core/result.hpp"
#include "model/scope.hpp"
#include "store/store.hpp"

namespace cg::store {

// At most this many photos belong to one case (checked by CreateCase).
inline constexpr std::size_t kMaxPhotosPerCase = 6;

// Which stored copy of a photo: the upload as received (staff only), the stripped public JPEG,
// or its thumbnail.
enum class PhotoVariant { kOriginal, kPublic, kThumb };

// What is known about a stored photo (no bytes). `photo_id` is random and URL-safe: it names the
// photo in URLs. The position is the one from the original's EXIF, if it had one.
struct PhotoInfo {
  std::string photo_id;
  std::string case_id;
  int seq = 0;               // order within the case, from 0
  std::string sha256;        // lower hex SHA-256 of the original
  std::string mime;          // of the original, detected from its content
  int width = 0;             // of the original, upright
  int height = 0;
  std::int64_t bytes = 0;    // size of the original
  std::optional<double> gps_lat, gps_lon, gps_alt;
  std::optional<Timestamp> gps_time;
  Timestamp created_at = 0;
};

// A photo to store with a new case: its metadata (photo_id set by the caller, case_id and seq
// by the store) and the three copies' bytes. The public copy and thumbnail are JPEGs.
struct NewPhoto {
  PhotoInfo info;
  std::string original;
  std::string public_jpeg;
  std::string thumbnail_jpeg;
  int public_width = 0;  // of public_jpeg
  int public_height = 0;
};

// One copy of a photo with its metadata.
struct PhotoData {
  PhotoInfo info;
  std::string mime;  // of these bytes: the original's type, or image/jpeg for the copies
  std::string data;
};

// A case as stored: the engine's value plus what only persistence knows.
struct CaseRecord {
  cases::Case c;  // c.id is the store's id (decimal text); c.timeline is complete
  double lon = 0;
  double lat = 0;
  std::string description;
  std::int64_t version = 1;          // optimistic concurrency: +1 on every save
  std::string public_id;             // for the public status page and Open311 requests
  std::string public_token_hash;     // hex SHA-256 of the token given at submission ("" none)
  std::string idempotency_key;       // "" none; unique when set
  bool terminal = false;             // the state is terminal (set by the caller)
  bool public_open = true;           // Open311 status of the state (set by the caller)
  std::string last_public_note;      // the latest non-empty timeline note, for status_notes
  std::vector<PhotoInfo> photos;     // in seq order; filled by reads of one case and CreateCase
  std::string first_photo_id;        // "" if none; filled by every read (Open311 media_url)
};

// Who reads: the caller's scope and user id (for the reporter rule).
struct CaseViewer {
  model::Scope scope = model::Scope::Subtree("-");  // matches nothing by default
  std::int64_t user_id = 0;
};

// A new case with its first notifications and its photos (written in the same transaction).
// Notification::case_id is filled by the store. Photos are shared pointers so a submission
// can hand megabytes over without copying them.
struct NewCase {
  CaseRecord record;
  std::vector<cases::Notification> notifications;
  std::vector<std::shared_ptr<const NewPhoto>> photos;
  // Field code -> privacy::FieldCipher ciphertext of its clear value (record.c.fields holds
  // only the masked value), written to case_sealed_fields in the same transaction.
  std::map<std::string, std::string> sealed;
};

struct CreatedCase {
  CaseRecord record;
  bool replayed = false;  // the idempotency key was seen before: this is the earlier case
};

// Queue filter; empty strings mean "any".
struct CaseFilter {
  std::string state;
  std::string type;
  bool overdue_only = false;  // due_at passed (at `now`) or the breach flag is set
  Timestamp now = 0;
};

// A notification as stored. Exactly one of user_id and org_code is set.
struct StoredNotification {
  std::int64_t id = 0;
  std::string recipient;  // RecipientKindName
  std::optional<std::int64_t> user_id;
  std::string org_code;
  std::string case_id;
  std::string event;
  Timestamp created_at = 0;
  std::optional<Timestamp> read_at;
};

// Who a notification list is for: notes to the user, and notes to the org unit they are bound
// to (staff of a handling unit, grid workers of a grid).
struct Recipient {
  std::int64_t user_id = 0;
  std::string org_code;
};

// Open311 GET requests filter (GeoReport v2): all optional.
struct RequestFilter {
  std::vector<std::string> public_ids;
  std::string type;
  std::string category;
  std::optional<Timestamp> start;  // opened_at >= start
  std::optional<Timestamp> end;    // opened_at < end
  std::optional<bool> open;        // status
  std::int64_t limit = 1000;
};

struct ApiKey {
  std::int64_t id = 0;
  std::string name;
  std::string key_hash;  // hex SHA-256; the key itself is never stored
  Timestamp created_at = 0;
};

class CaseStore {
 public:
  virtual ~CaseStore() = default;

  // Stores a new case, its timeline, notifications and photos in one durable transaction and
  // returns it with its id. With an idempotency key seen before, nothing is written and the
  // earlier case is returned with replayed = true. kConflict if the public id or a photo id is
  // taken; kInvalid for more than kMaxPhotosPerCase photos or a photo without bytes or id.
  virtual Result<CreatedCase> CreateCase(const NewCase& n, Timestamp now) = 0;

  // One case with fields and timeline; kNotFound if absent or not visible to `viewer`.
  virtual Result<CaseRecord> GetCase(const CaseViewer& viewer, const std::string& id) = 0;
  // By public id, without a scope (public status page, Open311); kNotFound if absent.
  virtual Result<CaseRecord> GetCaseByPublicId(const std::string& public_id) = 0;

  // The cases visible to `viewer` matching `filter`, earliest due first (no deadline last),
  // without timelines. total counts before paging.
  virtual Result<Slice<CaseRecord>> ListCases(const CaseViewer& viewer, const CaseFilter& filter,
                                              Page page) = 0;

  // Saves `updated` (same id) if the stored version is `expected_version`: case columns,
  // fields, timeline entries beyond those stored, and `notifications`, in one transaction.
  // Returns the new version. kNotFound if absent; kConflict if the version moved.
  virtual Result<std::int64_t> SaveCase(const CaseRecord& updated, std::int64_t expected_version,
                                        const std::vector<cases::Notification>& notifications,
                                        Timestamp now) = 0;

  // Open (non-terminal) cases of `type` and `category` within `radius_m` metres of the
  // point, nearest first, at most `limit`. No scope: the caller shows public fields only.
  virtual Result<std::vector<CaseRecord>> ListNearby(const std::string& type, const std::string& category,
                                                     double lon, double lat, double radius_m,
                                                     std::int64_t limit) = 0;

  // Ids of non-terminal cases whose warning or deadline has come at `now` and was not yet
  // handled (warn_at <= now and not warned, or due_at <= now and not breached).
  virtual Result<std::vector<std::string>> ListDueIds(Timestamp now, std::int64_t limit) = 0;
  // System read of one case for the deadline job; kNotFound if absent.
  virtual Result<CaseRecord> GetCaseSystem(const std::string& id) = 0;

  // Notifications for `who`, newest first; total counts all, `unread` the unread ones.
  struct NotificationList {
    std::vector<StoredNotification> items;
    std::int64_t total = 0;
    std::int64_t unread = 0;
  };
  virtual Result<NotificationList> ListNotifications(const Recipient& who, Page page) = 0;
  // Marks one notification of `who` read at `at`; kNotFound if absent or not theirs.
  // Idempotent: an already read one keeps its first read time.
  virtual Status MarkNotificationRead(const Recipient& who, std::int64_t id, Timestamp at) = 0;

  // Open311 listing: public columns, newest first.
  virtual Result<std::vector<CaseRecord>> ListRequests(const RequestFilter& filter) = 0;

  // A stored copy of a photo by its photo id, without a scope: public copies for the public
  // routes, which decide from the case (GetCaseSystem) whether it may be shown. kNotFound if
  // absent. Never use it for kOriginal on a public route.
  virtual Result<PhotoData> GetPhoto(const std::string& photo_id, PhotoVariant variant) = 0;
  // A copy of a photo of case `case_id` for a staff reader: kNotFound if the photo does not
  // belong to that case or the case is not visible to `viewer` (the same rule as GetCase).
  virtual Result<PhotoData> GetCasePhoto(const CaseViewer& viewer, const std::string& case_id,
                                         const std::string& photo_id, PhotoVariant variant) = 0;

  // API keys (Open311 submissions). kConflict on a duplicate name or hash.
  virtual Result<ApiKey> CreateApiKey(const ApiKey& key) = 0;
  // kNotFound if no key has this hash.
  virtual Result<ApiKey> FindApiKey(const std::string& key_hash) = 0;
};

// Great-circle distance in metres (spherical Earth, R = 6,371,008.8 m). Shared by backends.
double DistanceMeters(double lon1, double lat1, double lon2, double lat2);

}  // namespace cg::store
