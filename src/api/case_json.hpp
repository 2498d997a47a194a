#pragma once
// JSON views of case types and cases: the staff view (scoped callers) and the public view
// (status page, Q&A), which never carries reporter data, user ids or grid codes.

#include <nlohmann/json.hpp>
#include <string>

#include "api/http_types.hpp"
#include "api/json_writer.hpp"
#include "auth/authenticator.hpp"
#include "cases/case_type.hpp"
#include "store/case_store.hpp"

namespace cg::api {

nlohmann::json CaseTypeJson(const cases::CaseType& type);
// Staff view with fields (contact_phone masked) and timeline; `actions` are the transitions
// the caller may take now.
nlohmann::json CaseJson(const store::CaseRecord& r, const cases::CaseType* type,
                        const std::vector<std::string>& actions = {});
// The staff view of a case in a list: CaseJson without "timeline" and "actions", written
// straight to `w` (the queue's hot path; the same keys and values, escaped as SafeJsonResponse).
void WriteCaseSummary(JsonWriter& w, const store::CaseRecord& r, const cases::CaseType* type);
// Public view: category, state and its names, public status, timeline events without actors.
nlohmann::json PublicCaseJson(const store::CaseRecord& r, const cases::CaseType* type);
// Milliseconds since the epoch as RFC 3339 UTC, "2026-05-01T08:30:00Z".
std::string Rfc3339(Timestamp t);
// A JSON response in which <, > and & are written as \u003c, \u003e, \u0026, so that text a
// user typed cannot form markup even if the body were ever sniffed as HTML.
Response SafeJsonResponse(const nlohmann::json& value, int status = 200);

// The engine's actor and the store's case viewer for a signed-in caller (a resident sees only
// the cases they reported).
cases::Actor ActorOf(const auth::Principal& p);
store::CaseViewer ViewerOf(const auth::Principal& p);

}  // namespace cg::api
