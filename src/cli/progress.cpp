#include "cli/progress.hpp"

#include <unistd.h>

#include <cstdio>
#include <iostream>

namespace cg::cli {

std::string Thousands(std::int64_t n) {
  std::string digits = std::to_string(n < 0 ? -n : n);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return n < 0 ? "-" + out : out;
}

Progress::Progress(std::string label, std::int64_t total, std::ostream& out, bool tty)
    : label_(std::move(label)), total_(total), out_(out), tty_(tty),
      start_(std::chrono::steady_clock::now()), last_draw_(start_) {}

Progress::Progress(std::string label, std::int64_t total)
    : Progress(std::move(label), total, std::cerr, isatty(STDERR_FILENO) == 1) {}

void Progress::Update(std::int64_t done) {
  done_ = done;
  auto now = std::chrono::steady_clock::now();
  if (tty_) {
    if (now - last_draw_ >= std::chrono::milliseconds(100)) Draw(false);
    return;
  }
  int tenth = total_ > 0 ? static_cast<int>(done_ * 10 / total_) : -1;
  if (tenth > last_tenth_) {
    last_tenth_ = tenth;
    Draw(false);
  }
}

void Progress::Finish() { Draw(true); }

void Progress::Draw(bool final) {
  auto now = std::chrono::steady_clock::now();
  last_draw_ = now;
  double secs = std::chrono::duration<double>(now - start_).count();
  double rate = secs > 0 ? done_ / secs : 0;
  double frac = total_ > 0 ? std::min(1.0, static_cast<double>(done_) / total_) : 0;
  std::string line = label_;
  if (tty_ && total_ > 0) {
    constexpr int kWidth = 30;
    int filled = static_cast<int>(frac * kWidth);
    line += " [" + std::string(filled, '#') + std::string(kWidth - filled, '-') + "]";
  }
  if (total_ > 0) {
    char pct[16];
    std::snprintf(pct, sizeof pct, " %3d%%", static_cast<int>(frac * 100));
    line += pct;
  }
  line += " " + Thousands(done_);
  if (total_ > 0) line += "/" + Thousands(total_);
  line += " " + Thousands(static_cast<std::int64_t>(rate)) + "/s";
  if (final) {
    char t[32];
    std::snprintf(t, sizeof t, " in %.1f s", secs);
    line += t;
  } else if (rate > 0 && total_ > done_) {
    line += " ETA " + std::to_string(static_cast<std::int64_t>((total_ - done_) / rate)) + " s";
  }
  if (tty_) out_ << "\r" << line << "\x1b[K" << (final ? "\n" : "") << std::flush;
  else out_ << line << "\n" << std::flush;
}

}  // namespace cg::cli
