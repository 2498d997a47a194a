#pragma once
// Structured logs: one JSON object per line on stderr (ts, level, msg and key/values).

#include <string>

namespace cg {

// Configures the default spdlog logger. `level` is trace|debug|info|warn|error.
void InitLogging(const std::string& level);

}  // namespace cg
