#pragma once
// Time is injected: code that needs "now" takes a Clock&, so tests can move time.

#include <atomic>
#include <cstdint>

namespace cg {

// Milliseconds since the Unix epoch, UTC.
using Timestamp = std::int64_t;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual Timestamp Now() const = 0;
};

// Wall-clock time. Thread-safe.
class SystemClock final : public Clock {
 public:
  Timestamp Now() const override;
  static SystemClock& Instance();
};

// A clock that only moves when told to. Thread-safe.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(Timestamp start = 1'767'225'600'000) : now_(start) {}  // 2026-01-01
  Timestamp Now() const override { return now_.load(); }
  void Set(Timestamp t) { now_.store(t); }
  void Advance(std::int64_t ms) { now_.fetch_add(ms); }

 private:
  std::atomic<Timestamp> now_;
};

}  // namespace cg
