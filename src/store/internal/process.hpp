#pragma once
// Runs an outside program (pg_dump, pg_restore) without a shell: arguments are passed as they
// are, so a URL or path cannot inject commands. Private to src/store.
#include <string>
#include <vector>

#include "core/result.hpp"

namespace cg::store::internal {

// Runs argv[0] (looked up in PATH) and waits. kUnavailable when it cannot start or exits
// non-zero, with the last lines of its stderr in the message.
Status RunProgram(const std::vector<std::string>& argv);

// Creates the empty file `path` with mode 0600 (a backup is as secret as the database);
// kConflict if it exists.
Status CreatePrivateFile(const std::string& path);

}  // namespace cg::store::internal
