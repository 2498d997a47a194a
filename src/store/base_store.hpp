#pragma once
// Base data (一标三实) persistence with its change log and the unmasking audit log. Every
// write appends change-log rows in the same transaction as the row itself; every read takes a
// model::Scope and answers kNotFound outside it. The store never sees a plaintext ID or phone
// number: persons carry them as FieldCipher ciphertext plus blind and tail indexes, and the
// change log records their masked form. See docs/base-data.md.

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/result.hpp"
#include "model/base_data.hpp"
#include "model/scope.hpp"
#include "store/import_store.hpp"
#include "store/notice_store.hpp"
#include "store/topic_store.hpp"
#include "store/volunteer_store.hpp"
#include "store/complaint_store.hpp"
#include "store/project_store.hpp"
#include "store/mediation_store.hpp"
#include "store/welfare_store.hpp"

namespace cg::store {

namespace internal {
class SqlTx;
}

struct Page;
template <class T>
struct Slice;

enum class ChangeSource { kFieldApp, kImport, kApi, kSeed };
const char* ChangeSourceName(ChangeSource source);  // "field_app", "import", "api", "seed"

// Who writes, how and when: recorded in every change-log row.
struct WriteContext {
  std::int64_t actor_user_id = 0;  // 0 for system writes (seeding)
  ChangeSource source = ChangeSource::kApi;
  Timestamp at = 0;
  // Creations only, optional: a client-chosen key, unique per actor. A creation whose key was
  // used before writes nothing and returns the record (or visit) the first one created, so an
  // offline client may replay its queue. `request_hash` tells a replay from a different request
  // reusing the key (kConflict).
  std::string idempotency_key;
  std::string request_hash;
};

// An encrypted personal value (ID or phone number). Binary strings.
struct SealedValue {
  std::string cipher;  // privacy::FieldCipher output, bound to "person.<field>:<row id>"
  std::string index;   // privacy::BlindIndex of the normalised value
  std::string tail;    // privacy::Tail4Index of the normalised value
  std::string masked;  // model::Mask*: what the change log records
};

// A person's sealed values, for re-sealing after a master-key rotation.
struct SealedPerson {
  std::int64_t id = 0;
  SealedValue id_number;
  std::optional<SealedValue> phone;
};

// An import review row's encrypted payload (privacy::FieldCipher output, binary).
struct SealedImportPayload {
  std::int64_t job_id = 0;
  std::int64_t row_number = 0;
  std::string payload;
};

// A sealed case field (case_sealed_fields): the ciphertext of a case's phone number, bound to
// "case.<code>:<public_id>" (public_id is filled by the list for the re-sealing).
struct SealedCaseField {
  std::int64_t case_id = 0;
  std::string code;
  std::string public_id;
  std::string cipher;
};

// One base-data row. `fields` holds the entity's plain fields and, keyed by data-element code
// (e.g. "person.elderly_living_alone"), its attributes; never ID or phone numbers.
struct BaseRecord {
  model::BaseEntity entity = model::BaseEntity::kPerson;
  std::int64_t id = 0;
  std::int64_t version = 0;  // 1 after creation, +1 per update
  std::string grid_code;
  model::Fields fields;
  std::optional<SealedValue> id_number;  // persons only
  std::optional<SealedValue> phone;      // persons only
  Timestamp created_at = 0;
  Timestamp updated_at = 0;
};

// One change-log row. Personal values (ID and phone numbers) appear masked.
struct Change {
  std::int64_t seq = 0;
  model::BaseEntity entity = model::BaseEntity::kPerson;
  std::int64_t entity_id = 0;
  std::string field;  // a field name, a data-element code, or "*" for the record's deletion
  std::optional<std::string> old_value;
  std::optional<std::string> new_value;
  std::int64_t actor_user_id = 0;
  Timestamp at = 0;
  std::string source;
  std::string grid_code;
};

// Filters of ListRecords; all optional, combined with AND, always inside the scope.
struct RecordQuery {
  model::BaseEntity entity = model::BaseEntity::kPerson;
  std::string grid_prefix;         // org code prefix; must lie inside the scope
  std::string name_contains;       // substring of the "name" field (persons, buildings, orgs)
  std::string id_number_index;     // persons: exact ID number via its blind index
  std::string id_number_tail;      // persons: Tail4Index of the ID number
  std::string phone_index;         // persons: exact phone via its blind index
};

// One unmasking (or other audited access). `prev_hash` and `hash` (hex SHA-256) are set by
// the store: hash = SHA-256(prev_hash | seq | at | actor | action | entity | id | field | reason).
struct AuditEntry {
  std::int64_t seq = 0;
  Timestamp at = 0;
  std::int64_t actor_user_id = 0;
  std::string action;  // "unmask"
  std::string entity;
  std::int64_t entity_id = 0;
  std::string field;
  std::string reason;
  std::string prev_hash;
  std::string hash;
};

// A grid worker's household visit (DESIGN §3): what was checked and which records changed.
struct Visit {
  std::int64_t id = 0;
  std::int64_t household_id = 0;
  std::string grid_code;  // the household's grid when visited (set by the store)
  std::int64_t visitor_user_id = 0;
  Timestamp visited_at = 0;
  model::Fields checklist;                    // item -> result, e.g. residents_present=yes
  std::string notes;
  std::vector<std::string> changed_records;  // "person:12", "household:4": written on the visit
  std::int64_t change_seq = 0;               // the change-log row announcing the visit
  Timestamp created_at = 0;
};

// Filters of ListVisits; all optional, inside the scope.
struct VisitQuery {
  std::string grid_prefix;
  std::int64_t household_id = 0;
  Timestamp from = 0;  // visited_at >= from
  Timestamp to = 0;    // visited_at < to (0: no bound)
};

// A report template added by an admin: its TOML text as submitted (validated by src/reports).
struct StoredTemplate {
  std::string code;
  std::string body;
  std::int64_t created_by = 0;
  Timestamp created_at = 0;
};

// Called inside the creating transaction once the row id is known, to encrypt the personal
// values bound to that id (fills SealedValue::cipher). May fail; the write is then undone.
using Sealer = std::function<Status(BaseRecord& record)>;

class BaseDataStore {
 public:
  virtual ~BaseDataStore() = default;

  // Inserts `record` (id and version are assigned) and logs every non-empty field as "" -> new.
  // kNotFound if its grid is outside `scope`, kInvalid if the grid does not exist,
  // kConflict if a person with the same ID number (blind index) exists.
  virtual Result<BaseRecord> CreateRecord(const model::Scope& scope, BaseRecord record,
                                          const WriteContext& ctx, const Sealer& seal);
  // Inserts many records of one entity in one transaction, each checked like CreateRecord.
  // Returns one result per record, in order: the stored record, or its own error (grid outside
  // `scope` or absent; kConflict for an ID number that is stored already or appears earlier in
  // `records`) while the other records are written. Only a failure of the transaction itself
  // (database, sealer) fails the whole call, and then nothing is written.
  virtual Result<std::vector<Result<BaseRecord>>> CreateRecords(const model::Scope& scope,
                                                                std::vector<BaseRecord> records,
                                                                const WriteContext& ctx, const Sealer& seal);
  // The members of `ids` that are records of `entity` inside `scope`.
  virtual Result<std::set<std::int64_t>> ExistingIds(const model::Scope& scope, model::BaseEntity entity,
                                                     const std::vector<std::int64_t>& ids);
  // kNotFound if absent or outside `scope`.
  virtual Result<BaseRecord> GetRecord(const model::Scope& scope, model::BaseEntity entity,
                                       std::int64_t id);
  // Replaces the row's grid, fields and sealed values with `record`'s if `record.version` is
  // the stored version (else kConflict), logs each changed field old -> new, bumps the version.
  // kNotFound if the row or the new grid is outside `scope`.
  virtual Result<BaseRecord> UpdateRecord(const model::Scope& scope, const BaseRecord& record,
                                          const WriteContext& ctx);
  // Deletes the row if `version` matches (else kConflict) and logs "*" "live" -> null.
  virtual Status DeleteRecord(const model::Scope& scope, model::BaseEntity entity,
                              std::int64_t id, std::int64_t version, const WriteContext& ctx);
  // Records matching `query` inside `scope`, ordered by id. kNotFound if the grid prefix is
  // outside the scope.
  virtual Result<Slice<BaseRecord>> ListRecords(const model::Scope& scope, const RecordQuery& query,
                                                Page page);
  // The change-log rows of one record, oldest first; kNotFound if the record is absent or
  // outside `scope` now.
  virtual Result<std::vector<Change>> History(const model::Scope& scope, model::BaseEntity entity,
                                              std::int64_t id);
  // Change-log rows after `since_seq` whose grid lies in `scope`, by seq, at most `limit`.
  virtual Result<std::vector<Change>> ChangesSince(const model::Scope& scope, std::int64_t since_seq,
                                                   std::int64_t limit);

  // Records a visit of `visit.household_id` (kNotFound if absent or outside `scope`) and, in the
  // same transaction, a change-log row on the household: field "visit", null -> the visit id.
  // With ctx.idempotency_key set, a replay returns the first visit and writes nothing.
  virtual Result<Visit> CreateVisit(const model::Scope& scope, Visit visit, const WriteContext& ctx);
  // Visits in `scope` matching `query`, newest first. kNotFound if the grid prefix is outside.
  virtual Result<Slice<Visit>> ListVisits(const model::Scope& scope, const VisitQuery& query, Page page);
  // Records of `entity` inside `scope` with id > `after_id`, ordered by id, at most `limit`:
  // a keyset scan for building in-memory views (base::ChangeFeed). kInvalid for a negative
  // after_id or a limit outside 1..100000.
  virtual Result<std::vector<BaseRecord>> ScanRecords(const model::Scope& scope, model::BaseEntity entity,
                                                      std::int64_t after_id, std::int64_t limit);
  // The highest change-log seq (0 when the log is empty). Every change with a lower or equal
  // seq has committed (PostgreSQL: base-data writes are serialised by one advisory lock).
  virtual Result<std::int64_t> LastChangeSeq();

  // Report templates added at run time. kConflict if the code exists.
  virtual Status InsertReportTemplate(const StoredTemplate& t);
  // All of them, ordered by code.
  virtual Result<std::vector<StoredTemplate>> ListReportTemplates();
  // kNotFound if absent.
  virtual Status DeleteReportTemplate(const std::string& code);

  // --- Batch matching (imports) ----------------------------------------------------------------
  // Persons inside `scope` whose ID-number blind index is one of `indexes` (binary, as in
  // SealedValue::index). A person outside the scope is simply absent.
  virtual Result<std::vector<BaseRecord>> FindPersonsByIdIndex(const model::Scope& scope,
                                                               const std::vector<std::string>& indexes);
  // Persons inside `scope` whose name is exactly one of `names`, ordered by id, at most
  // `limit_per_name` per name (a common name in a city-wide scope is cut there).
  virtual Result<std::vector<BaseRecord>> FindPersonsByName(const model::Scope& scope,
                                                            const std::vector<std::string>& names,
                                                            std::int64_t limit_per_name);

  // --- Import jobs (store/import_store.hpp) ----------------------------------------------------
  // Creates a job (id, timestamps and zero counts assigned). kNotFound if `job.scope_code` is
  // outside `scope` or no such org unit exists.
  virtual Result<ImportJob> CreateImportJob(const model::Scope& scope, ImportJob job);
  // kNotFound if absent or its scope_code lies outside `scope`.
  virtual Result<ImportJob> GetImportJob(const model::Scope& scope, std::int64_t id);
  // Jobs whose scope_code lies inside `scope`, newest first.
  virtual Result<Slice<ImportJob>> ListImportJobs(const model::Scope& scope, Page page);
  // Appends `rows` to the job and, in the same transaction, adds their outcomes to its counts and
  // sets its total_rows, done_rows, status, error and updated_at from `progress`. kConflict if a
  // row number is recorded already; kNotFound as GetImportJob.
  virtual Status RecordImportRows(const model::Scope& scope, const ImportJob& progress,
                                  const std::vector<ImportRow>& rows);
  // The job's rows in source order, all or those with `outcome`; kNotFound as GetImportJob.
  virtual Result<Slice<ImportRow>> ListImportRows(const model::Scope& scope, std::int64_t job_id,
                                                  std::optional<ImportOutcome> outcome, Page page);
  virtual Result<ImportRow> GetImportRow(const model::Scope& scope, std::int64_t job_id,
                                         std::int64_t row_number);
  // Sets a row's outcome, record id, detail, resolver and time if its outcome is still `from`
  // (else kConflict: someone else resolved it first) and moves one count from `from` to the new
  // outcome. The payload is dropped once the row leaves review. kNotFound as GetImportJob.
  virtual Result<ImportRow> ChangeImportRow(const model::Scope& scope, const ImportRow& row,
                                            ImportOutcome from);

  // Appends to the append-only, hash-chained audit log; returns the entry with seq and hashes.
  virtual Result<AuditEntry> AppendAudit(const AuditEntry& entry);
  // Recomputes the chain; kInternal naming the first row that does not match.
  virtual Status VerifyAuditChain();
  // Audit entries after `since_seq`, at most `limit` (system use: reviews, tests).
  virtual Result<std::vector<AuditEntry>> ListAudit(std::int64_t since_seq, std::int64_t limit);
  // Master-key rotation (`citygrid key rotate`, defined in key_rotation.cpp): the sealed columns
  // of persons with id > `after_id` in id order (binary values; `masked` empty), at most `limit`,
  // and their replacement — cipher, blind index and tail index of each value, one transaction,
  // no change-log entry (the values are the same; only their encryption changes).
  virtual Result<std::vector<SealedPerson>> ListSealedPersons(std::int64_t after_id, std::int64_t limit);
  virtual Status ResealPersons(const std::vector<SealedPerson>& rows);
  // The same for import review rows' encrypted payloads, after (job_id, row_number).
  virtual Result<std::vector<SealedImportPayload>> ListSealedImportPayloads(std::int64_t after_job,
                                                                            std::int64_t after_row,
                                                                            std::int64_t limit);
  virtual Status ResealImportPayloads(const std::vector<SealedImportPayload>& rows);
  // The same for sealed case fields, after (case_id, code); ResealCaseFields replaces `cipher`.
  virtual Result<std::vector<SealedCaseField>> ListSealedCaseFields(std::int64_t after_case, const std::string& after_code,
                                                                    std::int64_t limit);
  virtual Status ResealCaseFields(const std::vector<SealedCaseField>& rows);
  // The sealed value of field `code` of case `case_id`; kNotFound when it has none. Unscoped:
  // the caller has read the case with its viewer first (the audited unmask route).
  virtual Result<SealedCaseField> GetSealedCaseField(std::int64_t case_id, const std::string& code);
  // --- Notices and loudspeaker stations (store/notice_store.hpp, notice_store.cpp) -------------
  // Writes `notice` (id and status set here) and, for a loudspeaker notice, its `audio` and a play
  // row for every active station under its scope_code, in one transaction. kNotFound when the
  // target is outside `scope` or no such org unit; kInvalid for a loudspeaker notice without audio.
  // `image` (may be null) is stored with it.
  virtual Result<Notice> CreateNotice(const model::Scope& scope, Notice notice, const std::string& audio_mime,
                                      const std::string& audio, const NoticeImage* image = nullptr);
  // A notice `scope` manages (its target inside the scope) or receives (its target above the
  // scope's root); kNotFound otherwise.
  virtual Result<Notice> GetNotice(const model::Scope& scope, std::int64_t id);
  // Notices that reach org unit `unit_code` (targeted at it or above it) or lie below it, newest
  // first; `published_only` leaves out withdrawn ones. kNotFound for a unit outside `scope`
  // (pass model::Scope::System() for the public pages).
  virtual Result<Slice<Notice>> ListNotices(const model::Scope& scope, const std::string& unit_code,
                                            bool published_only, Page page);
  // Withdraws a published notice managed by `scope`; its unplayed plays are no longer served.
  // kNotFound as GetNotice but for managed notices only; kConflict if it is withdrawn already.
  virtual Result<Notice> WithdrawNotice(const model::Scope& scope, std::int64_t id, const std::string& reason,
                                        Timestamp at);
  // The audio of a notice (mime, bytes); kNotFound if it has none.
  virtual Result<std::pair<std::string, std::string>> GetNoticeAudio(std::int64_t id);
  // The JPEG of notice `id`'s image (or its thumbnail); kNotFound when it has none. Unscoped like
  // GetNoticeAudio: the caller has read the notice first.
  virtual Result<std::string> GetNoticeImage(std::int64_t id, bool thumbnail);
  // Registers a station under `scope` with the SHA-256 (hex) of its token. kNotFound for an org
  // unit outside `scope`.
  virtual Result<BroadcastStation> CreateStation(const model::Scope& scope, BroadcastStation station,
                                                 const std::string& token_hash);
  virtual Result<Slice<BroadcastStation>> ListStations(const model::Scope& scope, Page page);
  // One station; kNotFound outside `scope`.
  virtual Result<BroadcastStation> GetStation(const model::Scope& scope, std::int64_t id);
  // Turns a station on or off and, when `new_token_hash` is not empty, replaces its token (the old
  // one stops working at once). An inactive station gets no copies of new notices and cannot poll.
  // kNotFound for a station outside `scope`.
  virtual Result<BroadcastStation> UpdateStation(const model::Scope& scope, std::int64_t id, bool active,
                                                 const std::string& new_token_hash);
  // The active station whose token hashes to `token_hash`; kNotFound otherwise.
  virtual Result<BroadcastStation> FindStationByToken(const std::string& token_hash);
  // A station's playlist: its unplayed copies of published notices whose play_by is after `now`,
  // urgent first, then oldest first, at most `limit`; marks them fetched and the station seen.
  virtual Result<std::vector<Notice>> StationPlaylist(std::int64_t station_id, Timestamp now, std::int64_t limit);
  // Whether the station has a copy of the notice (for its audio download).
  virtual Result<bool> StationHasNotice(std::int64_t station_id, std::int64_t notice_id);
  // Records a play; the first acknowledgement's time stays (a repeat returns the stored row).
  // kNotFound when the station has no copy of the notice.
  virtual Result<StationPlay> AcknowledgePlay(std::int64_t station_id, std::int64_t notice_id, Timestamp at);
  // Every station's copy of a notice `scope` can see (GetNotice), stations in code order.
  virtual Result<std::vector<StationPlay>> ListPlays(const model::Scope& scope, std::int64_t notice_id);
  // --- Deliberation (store/topic_store.hpp, topic_store.cpp) ------------------------------------
  // Links resident account `user_id` to person `person_id`; kConflict when another account is
  // linked to that person, kNotFound for no such person. Linking again to the same person is Ok.
  virtual Result<ResidentLink> LinkResident(std::int64_t user_id, std::int64_t person_id, Timestamp at);
  // The account's link with the person's current grid and name; kNotFound when unlinked.
  virtual Result<ResidentLink> GetResidentLink(std::int64_t user_id);
  // Writes `topic` (id set here) with `options` (for mode "options"; labels unique), one
  // transaction. kNotFound when its org unit is outside `scope` or absent.
  virtual Result<Topic> CreateTopic(const model::Scope& scope, Topic topic, const std::vector<std::string>& options);
  // Any topic (deliberation is public to read), with its vote count; kNotFound if absent.
  virtual Result<Topic> GetTopic(std::int64_t id);
  // Topics whose area lies under `unit_code` or contains it (a resident of a grid sees the
  // community's and street's topics), newest first.
  virtual Result<Slice<Topic>> ListTopics(const std::string& unit_code, Page page);
  virtual Result<std::vector<TopicOption>> ListTopicOptions(std::int64_t topic_id);
  // A resident's proposal (mode "proposals"); kConflict when the topic has an option so named.
  virtual Result<TopicOption> AddTopicOption(std::int64_t topic_id, const std::string& label, std::int64_t user_id,
                                             Timestamp at);
  // Casts a vote after `check` (run inside the transaction, with the topic's window and area and
  // the account's link read there) allows it: kNotFound for no such topic or an option not the
  // topic's, check's error, or kConflict for a second vote by the account or the person. Durable
  // when it returns; concurrent votes share one transaction and one fsync (group commit), each
  // with its own result, so a refused vote writes nothing and holds back no other.
  virtual Status CastCheckedVote(const VoteRequest& vote, const std::function<Status(const VoteFacts&)>& check);
  // The option `user_id` voted for (0: none).
  virtual Result<std::int64_t> GetVote(std::int64_t topic_id, std::int64_t user_id);
  virtual Result<TopicComment> AddTopicComment(TopicComment comment);
  // Comments oldest first; hidden ones only with `with_hidden` (moderators).
  virtual Result<Slice<TopicComment>> ListTopicComments(std::int64_t topic_id, bool with_hidden, Page page);
  // Hides a comment of the topic and appends `audit` (its reason, actor, time) to the audit log,
  // one transaction. kNotFound for no such comment, kConflict when it is hidden already.
  virtual Result<TopicComment> HideTopicComment(std::int64_t topic_id, std::int64_t comment_id,
                                                const AuditEntry& audit);
  virtual Result<TopicMeeting> AddTopicMeeting(TopicMeeting meeting);
  virtual Result<std::vector<TopicMeeting>> ListTopicMeetings(std::int64_t topic_id);
  // Records the case a meeting's decision opened; kConflict when it has one already.
  virtual Result<TopicMeeting> SetMeetingCase(std::int64_t topic_id, std::int64_t meeting_id,
                                              const std::string& case_public_id);
  // Records the governance project a meeting's decision opened; kConflict when it has one.
  virtual Result<TopicMeeting> SetMeetingProject(std::int64_t topic_id, std::int64_t meeting_id, std::int64_t project_id);

  // --- Volunteers (store/volunteer_store.hpp, volunteer_store.cpp) -----------------------------
  // Registers a volunteer (id, registered_at set here). kConflict when the account or the person
  // is registered already; kNotFound when the unit is outside `scope` or absent, or no such person.
  virtual Result<Volunteer> RegisterVolunteer(const model::Scope& scope, Volunteer v);
  // With their minutes; kNotFound if absent or (scoped read) outside `scope`.
  virtual Result<Volunteer> GetVolunteer(const model::Scope& scope, std::int64_t id);
  // The volunteer an account is; kNotFound when it is not registered.
  virtual Result<Volunteer> GetVolunteerByUser(std::int64_t user_id);
  // Volunteers serving under `unit_code` (inside `scope`), most minutes first.
  virtual Result<Slice<Volunteer>> ListVolunteers(const model::Scope& scope, const std::string& unit_code, Page page);
  virtual Result<VolunteerActivity> CreateVolunteerActivity(const model::Scope& scope, VolunteerActivity a);
  // Any activity (the public lists them), with its counts; kNotFound if absent.
  virtual Result<VolunteerActivity> GetVolunteerActivity(std::int64_t id);
  // Activities under `unit_code` or of the units above it, ending at or after `ends_after`,
  // soonest first.
  virtual Result<Slice<VolunteerActivity>> ListVolunteerActivities(const std::string& unit_code, Timestamp ends_after,
                                                                   Page page);
  // Signs a volunteer up: confirmed while places are left, else on the waiting list. kConflict
  // when signed up (confirmed or waiting) already. One transaction: two sign-ups for the last
  // place cannot both get it.
  virtual Result<SignupChange> SignUpVolunteer(std::int64_t activity_id, std::int64_t volunteer_id, Timestamp at);
  // Cancels a sign-up; a confirmed place goes to the first on the waiting list. kNotFound when
  // not signed up, kConflict once checked in.
  virtual Result<SignupChange> CancelVolunteerSignup(std::int64_t activity_id, std::int64_t volunteer_id);
  // kConflict unless confirmed and not checked in yet.
  virtual Result<VolunteerSignup> CheckInVolunteer(std::int64_t activity_id, std::int64_t volunteer_id, Timestamp at);
  // Records (or corrects) the minutes served and appends `audit`, one transaction. kConflict
  // unless checked in.
  virtual Result<VolunteerSignup> RecordVolunteerMinutes(std::int64_t activity_id, std::int64_t volunteer_id,
                                                         std::int64_t minutes, const AuditEntry& audit);
  // An activity's sign-ups: confirmed (by sign-up time), then the waiting list in order; not
  // the cancelled ones.
  virtual Result<std::vector<VolunteerSignup>> ListVolunteerSignups(std::int64_t activity_id);
  // A volunteer's sign-ups (not cancelled) with their activities, latest activity first.
  virtual Result<std::vector<VolunteerSignup>> ListVolunteerRecord(std::int64_t volunteer_id);
  // Per child unit of `unit_code` (inside `scope`): volunteers, those with minutes, minutes.
  virtual Result<std::vector<VolunteerHours>> ListVolunteerHours(const model::Scope& scope,
                                                                 const std::string& unit_code);

  // --- Complaint sessions (store/complaint_store.hpp, complaint_store.cpp) ---------------------
  // Writes `session` (id set here). kNotFound when its org unit is outside `scope` or absent.
  virtual Result<ComplaintSession> CreateComplaintSession(const model::Scope& scope, ComplaintSession session);
  // One session with its counts at `now`; kNotFound when absent or its unit is outside `scope`
  // (model::Scope::System() for the public pages).
  virtual Result<ComplaintSession> GetComplaintSession(const model::Scope& scope, std::int64_t id, Timestamp now);
  // Sessions of units under `unit_code` or above it (a community also sees its street's), inside
  // `scope`, latest held first, with counts at `now`. kNotFound for a unit outside `scope` that
  // is not one of the scope's ancestors.
  virtual Result<Slice<ComplaintSession>> ListComplaintSessions(const model::Scope& scope, const std::string& unit_code,
                                                                Timestamp now, Page page);
  // Adds a complaint to a session (case_public_id empty). For channel "online", kConflict once
  // the account has `max_per_account` complaints on the session (checked and written in one
  // transaction, serialised per session). kNotFound for no such session.
  virtual Result<Complaint> AddComplaint(Complaint complaint, int max_per_account);
  // Records the case a complaint opened; kConflict when it has another one already (the same
  // one again is Ok), kNotFound for no such complaint of the session.
  virtual Result<Complaint> LinkComplaintCase(std::int64_t session_id, std::int64_t complaint_id,
                                              const std::string& case_public_id);
  // Removes a complaint whose case could not be opened (only while it has none); kNotFound otherwise.
  virtual Status DiscardComplaint(std::int64_t session_id, std::int64_t complaint_id);
  // The rectification list: every complaint of the session, oldest first, with its case's state
  // at `now`. kNotFound for no such session.
  virtual Result<std::vector<Complaint>> ListComplaints(std::int64_t session_id, Timestamp now);

  // --- Mediation registry (store/mediation_store.hpp, mediation_store.cpp) --------------------
  // Writes an organisation (id set here). kNotFound when its unit is outside `scope` or absent;
  // kConflict when the name is taken.
  virtual Result<MediationOrg> CreateMediationOrg(const model::Scope& scope, MediationOrg org);
  // A room of organisation `room.org_id`, bound to a unit under the organisation's; kNotFound
  // when either is outside `scope`, kInvalid for a unit outside the organisation's, kConflict
  // for a taken name.
  virtual Result<MediationRoom> CreateMediationRoom(const model::Scope& scope, MediationRoom room);
  // A mediator of organisation `m.org_id` (kNotFound outside `scope`); kConflict when the
  // account mediates for that organisation already.
  virtual Result<Mediator> CreateMediator(const model::Scope& scope, Mediator m);
  // Sets a mediator's specialities and active flag; kNotFound outside `scope`.
  virtual Result<Mediator> UpdateMediator(const model::Scope& scope, std::int64_t id,
                                          const std::vector<std::string>& specialities, bool active, Timestamp at);
  virtual Result<MediationOrg> GetMediationOrg(const model::Scope& scope, std::int64_t id);
  virtual Result<Mediator> GetMediator(const model::Scope& scope, std::int64_t id);
  virtual Result<MediationRoom> GetMediationRoom(const model::Scope& scope, std::int64_t id);
  // Lists by unit code then id. kNotFound when `query.under` is outside `scope`. An empty
  // `under` is the scope itself and, for organisations and rooms (public service places), the
  // units above it too (a community sees its street centre and police room).
  virtual Result<Slice<MediationOrg>> ListMediationOrgs(const model::Scope& scope, const MediationQuery& query,
                                                        Page page);
  virtual Result<Slice<MediationRoom>> ListMediationRooms(const model::Scope& scope, const MediationQuery& query,
                                                          Page page);
  virtual Result<Slice<Mediator>> ListMediators(const model::Scope& scope, const MediationQuery& query, Page page);
  // The active mediator records of an account (any scope: the account's own), oldest first.
  virtual Result<std::vector<Mediator>> MediatorsOfUser(std::int64_t user_id);
  // Bulk load for the demo seed, one transaction: rooms and mediators name their organisation
  // by org_name. Returns the number of rows written.
  virtual Result<std::int64_t> SeedMediationRegistry(const std::vector<MediationOrg>& orgs,
                                                     const std::vector<MediationRoom>& rooms,
                                                     const std::vector<Mediator>& mediators, Timestamp at);

  // --- Governance projects (store/project_store.hpp, project_store.cpp) ------------------------
  // Writes a project with its milestones and indicators and a "create" event, in one transaction;
  // its depth is the owner unit's. kNotFound when the owner is outside `scope` or no such unit;
  // kInvalid for a grid owner. Returns the new id.
  virtual Result<std::int64_t> CreateProject(const model::Scope& scope, const Project& project,
                                             const std::vector<ProjectMilestone>& milestones,
                                             const std::vector<ProjectIndicator>& indicators);
  // A project with its milestones, indicators, latest reports and history, status as of `today`.
  // kNotFound unless `scope` contains its owner (and, with `published_only`, it is published).
  virtual Result<ProjectDetail> GetProject(const model::Scope& scope, std::int64_t id, const std::string& today,
                                           bool published_only);
  // Projects matching `query` under the scope, city first, then by owner code and id.
  // kNotFound when query.under lies outside `scope`.
  virtual Result<Slice<Project>> ListProjects(const model::Scope& scope, const ProjectQuery& query, Page page);
  // The roll-up inputs of every project under `under` (inside `scope`, else kNotFound).
  virtual Result<std::vector<ProjectFacts>> ListProjectFacts(const model::Scope& scope, const std::string& under,
                                                             const std::string& today, bool published_only);
  // Adds a milestone; kNotFound as GetProject (staff view). Returns its id.
  virtual Result<std::int64_t> AddMilestone(const model::Scope& scope, std::int64_t project_id,
                                            const ProjectMilestone& milestone, std::int64_t actor, Timestamp at);
  // Reschedules, completes or reopens milestone `milestone_id` of the project; kNotFound when
  // either is not there (or outside `scope`), kConflict when completing a completed one.
  virtual Status UpdateMilestone(const model::Scope& scope, std::int64_t project_id, std::int64_t milestone_id,
                                 const MilestoneChange& change, std::int64_t actor, Timestamp at);
  // Marks the project done on `done_on` ("" reopens it); kConflict when it already is so.
  virtual Status SetProjectDone(const model::Scope& scope, std::int64_t project_id, const std::string& done_on,
                                std::int64_t actor, Timestamp at);
  // Shows the project on the public page or hides it; kConflict when it already is so.
  virtual Status SetProjectPublished(const model::Scope& scope, std::int64_t project_id, bool published,
                                     std::int64_t actor, Timestamp at);
  // Writes a progress report with its photos, sets the indicators' current values from
  // report.values (each must be the project's, else kInvalid naming it), and an event. Returns its id.
  virtual Result<std::int64_t> AddProjectReport(const model::Scope& scope, std::int64_t project_id,
                                                const ProjectReport& report, const std::vector<ProjectPhoto>& photos);
  // Photo `seq` (0-based) of report `report_id` of project `project_id`: the JPEG or thumbnail.
  // Unscoped like GetNoticeImage: the caller has read the project first. kNotFound otherwise.
  virtual Result<std::string> GetProjectPhoto(std::int64_t project_id, std::int64_t report_id, int seq,
                                              bool thumbnail);
  // --- Welfare checks (store/welfare_store.hpp, welfare_store.cpp) ----------------------------
  // Enrols a person for welfare visits (due_at = enrolled_at + interval). kNotFound when the
  // person is not in `scope`; kConflict when enrolled already; kInvalid for an interval outside
  // 1..90 days or a reporter that is not a reporter account whose community holds the person.
  virtual Result<WelfareSubject> EnrolWelfareSubject(const model::Scope& scope, WelfareSubject subject);
  // Changes a subject's interval, reporter and active flag (due_at follows); errors as Enrol.
  virtual Result<WelfareSubject> UpdateWelfareSubject(const model::Scope& scope, const WelfareSubject& subject);
  // One subject; with `reporter_user_id` != 0 only if assigned to that account. kNotFound
  // otherwise (outside the scope and not assigned read the same).
  virtual Result<WelfareSubject> GetWelfareSubject(const model::Scope& scope, std::int64_t person_id,
                                                   std::int64_t reporter_user_id);
  virtual Result<Slice<WelfareSubject>> ListWelfareSubjects(const model::Scope& scope, const WelfareQuery& query,
                                                            Page page);
  // Records a visit (id, grid, recorded_at set here) and moves the subject's last visit and due
  // time on; a repeated (visitor, idempotency_key) returns the first visit unchanged. The person
  // must be an active subject in `scope` (and, with `reporter_only`, assigned to the visitor):
  // kNotFound otherwise, nothing written. `photo` may be null.
  virtual Result<WelfareVisit> RecordWelfareVisit(const model::Scope& scope, WelfareVisit visit, bool reporter_only,
                                                  const WelfarePhoto* photo);
  // A visit recorded with this key by this visitor before, if any.
  virtual Result<std::optional<WelfareVisit>> FindWelfareVisit(std::int64_t visitor_user_id,
                                                               const std::string& idempotency_key);
  // Visits newest first, inside the scope.
  virtual Result<Slice<WelfareVisit>> ListWelfareVisits(const model::Scope& scope, const WelfareVisitQuery& query,
                                                        Page page);
  // A visit's photo (thumbnail or copy); with `visitor_user_id` != 0 only that visitor's.
  virtual Result<std::string> GetWelfareVisitPhoto(const model::Scope& scope, std::int64_t visit_id,
                                                   std::int64_t visitor_user_id, bool thumbnail);
  // System: active subjects due before `now` with no case for this overdue spell yet, most
  // overdue first, at most `limit`.
  virtual Result<std::vector<WelfareSubject>> ListNewlyOverdue(Timestamp now, std::int64_t limit);
  // System: records the case opened for the spell that became due at `due_at`; false (nothing
  // written) when the subject was visited or changed since.
  virtual Result<bool> MarkWelfareOverdue(std::int64_t person_id, Timestamp due_at, const std::string& case_id);
  // Reporter accounts inside `scope` under `under` with their active subject counts.
  virtual Result<std::vector<WelfareReporter>> ListWelfareReporters(const model::Scope& scope,
                                                                    const std::string& under);
  // Seeding: ids and grids of persons whose attribute `element_code` is "true", id > after_id,
  // in id order, at most `limit` (a scan of the persons table, not for request paths).
  virtual Result<std::vector<std::pair<std::int64_t, std::string>>> PersonsWithTag(const std::string& element_code,
                                                                                    std::int64_t after_id,
                                                                                    std::int64_t limit);
  // Seeding/benchmarks: subjects (unchecked, one multi-row insert). Returns how many.
  virtual Result<std::int64_t> SeedWelfareSubjects(const std::vector<WelfareSubject>& subjects);

  // When the newest change-log entry was written (0 for an empty log): `citygrid doctor` compares
  // it with the clock. Defined in backup.cpp.
  virtual Result<Timestamp> LatestChangeAt();

 protected:
  // Backend hook: runs `body` in one transaction and commits when it returns (write: serialised
  // with every other base-data write, so change-log seq order is commit order). Throws
  // internal::DbError, which the methods above turn into returned errors.
  virtual void RunBaseTx(bool write, const std::function<void(internal::SqlTx&)>& body) = 0;

 private:
  // The votes' group commit (topic_store.cpp), made on first use.
  struct VoteQueue;
  std::once_flag vote_queue_once_;
  std::shared_ptr<VoteQueue> vote_queue_;
};

}  // namespace cg::store
