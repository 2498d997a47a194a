#pragma once
// A terminal progress bar on stderr for long commands (seed, import). On a terminal it redraws
// one line ("label [#####-----] 45% 12,345/40,000 6,100/s"); otherwise it prints a line at
// every tenth of the work, so logs stay short. Not thread-safe.

#include <chrono>
#include <cstdint>
#include <ostream>
#include <string>

namespace cg::cli {

class Progress {
 public:
  // `tty`: draw the bar; false prints periodic lines. `total` may be 0 (unknown: no bar or
  // percentage, the count and rate only).
  Progress(std::string label, std::int64_t total, std::ostream& out, bool tty);
  // For stderr: draws the bar when stderr is a terminal.
  Progress(std::string label, std::int64_t total);
  void Update(std::int64_t done);
  // Draws the final state and ends the line.
  void Finish();

 private:
  void Draw(bool final);

  std::string label_;
  std::int64_t total_;
  std::ostream& out_;
  bool tty_;
  std::int64_t done_ = 0;
  int last_tenth_ = -1;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
};

// 1234567 -> "1,234,567".
std::string Thousands(std::int64_t n);

}  // namespace cg::cli
