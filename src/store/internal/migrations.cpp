#include "store/internal/migrations.hpp"

// One header per migration in migrations/ (mNN_name.hpp: its SQL for both backends); this
// file lists them in order. A migration is applied once when its version is not yet recorded.
#include "store/internal/migrations/m01_org_users.hpp"
#include "store/internal/migrations/m02_base_data.hpp"
#include "store/internal/migrations/m03_cases.hpp"
#include "store/internal/migrations/m04_visits.hpp"
#include "store/internal/migrations/m05_case_photos.hpp"
#include "store/internal/migrations/m06_case_queue.hpp"
#include "store/internal/migrations/m07_report_templates.hpp"
#include "store/internal/migrations/m08_lighter_intake.hpp"
#include "store/internal/migrations/m09_imports.hpp"
#include "store/internal/migrations/m10_notices.hpp"
#include "store/internal/migrations/m15_case_sealed_fields.hpp"
#include "store/internal/migrations/m20_notice_images.hpp"
#include "store/internal/migrations/m21_projects.hpp"
#include "store/internal/migrations/m22_deliberation.hpp"
#include "store/internal/migrations/m23_volunteers.hpp"
#include "store/internal/migrations/m24_complaints.hpp"
#include "store/internal/migrations/m25_meeting_projects.hpp"
#include "store/internal/migrations/m26_mediation.hpp"
#include "store/internal/migrations/m27_welfare.hpp"

namespace cg::store::internal {

namespace {

constexpr Migration kMigrations[] = {
    {1, "org tree, users, sessions", kSqlite1, kPostgres1},
    {2, "base data, change log, audit log", kSqlite2, kPostgres2},
    {3, "cases, case fields and events, notifications, API keys", kSqlite3, kPostgres3},
    {4, "household visits, idempotency keys", kSqlite4, kPostgres4},
    {5, "case photos", kSqlite5, kPostgres5},
    {6, "case queue index (case_scope), open cases by place", kSqlite6, kPostgres6},
    {7, "report templates", kSqlite7, kPostgres7},
    {8, "lighter intake: no cases_lonlat; open cases by latitude cell, queue triggers by primary key (SQLite)", kSqlite8, kPostgres8},
    {9, "import jobs and rows, persons by name", kSqlite9, kPostgres9},
    {10, "notices, their audio, loudspeaker stations and plays", kSqlite10, kPostgres10},
    {15, "sealed case fields (phone numbers of cases, encrypted)", kSqlite15, kPostgres15},
    {20, "a notice's image (re-encoded copy and thumbnail)", kSqlite20, kPostgres20},
    {21, "governance projects: milestones, indicators, progress reports with photos, history", kSqlite21, kPostgres21},
    {22, "deliberation: topics, options, votes, comments, meetings; resident links", kSqlite22, kPostgres22},
    {23, "volunteers: volunteers, activities, sign-ups with a waiting list, check-in, service minutes", kSqlite23, kPostgres23},
    {24, "complaint sessions and their complaints, each linked to its case", kSqlite24, kPostgres24},
    {25, "deliberation: the project a meeting's decision opened", kSqlite25, kPostgres25},
    {26, "mediation: organisations, rooms, mediators; timeline entry inputs", kSqlite26, kPostgres26},
    {27, "welfare checks: subjects, visits, visit photos", kSqlite27, kPostgres27},
};

}  // namespace

std::span<const Migration> Migrations() { return kMigrations; }

}  // namespace cg::store::internal
