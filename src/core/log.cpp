#include "core/log.hpp"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

namespace cg {

void InitLogging(const std::string& level) {
  auto logger = spdlog::stderr_logger_mt("citygrid");
  // Messages are written by callers as `key=value` pairs after a short event name; the pattern
  // wraps them in a JSON line so log shippers can parse them.
  logger->set_pattern(R"({"ts":"%Y-%m-%dT%H:%M:%S.%eZ","level":"%l","msg":"%v"})", spdlog::pattern_time_type::utc);
  logger->set_level(spdlog::level::from_str(level));
  logger->flush_on(spdlog::level::info);
  spdlog::set_default_logger(logger);
}

}  // namespace cg
