#pragma once
// Helpers for the cases tests only: local (UTC+8) timestamps and the shipped data folders.

#include <chrono>
#include <string>

#include "core/clock.hpp"

namespace cg::cases::test {

// Milliseconds since the epoch of a local time in Asia/Shanghai (UTC+8, no DST).
inline Timestamp Local(int y, int m, int d, int hour, int minute) {
  using namespace std::chrono;
  auto day = sys_days{year{y} / month{static_cast<unsigned>(m)} / std::chrono::day{static_cast<unsigned>(d)}};
  auto t = day + hours{hour} + minutes{minute} - hours{8};
  return duration_cast<milliseconds>(t.time_since_epoch()).count();
}

inline std::string DataDir(const std::string& name) {
  return std::string(CITYGRID_SOURCE_DIR) + "/data/" + name;
}

}  // namespace cg::cases::test
