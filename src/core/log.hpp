#pragma once
// Structured logs: one JSON object per line on stderr: {"ts","level","msg"}, the message
// escaped. Callers write a short event name followed by key=value pairs.

#include <memory>
#include <string>

namespace spdlog {
class formatter;
}

namespace cg {

// Configures the default spdlog logger. `level` is trace|debug|info|warn|error.
void InitLogging(const std::string& level);
// The formatter InitLogging installs (exposed for tests).
std::unique_ptr<spdlog::formatter> MakeJsonLineFormatter();

}  // namespace cg
