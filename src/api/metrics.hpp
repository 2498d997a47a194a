#pragma once
// Request counters and latency histograms, rendered as Prometheus text. Thread-safe.

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

namespace cg::api {

class Metrics {
 public:
  // Records one request: route pattern (not the raw path, to bound cardinality), status, time.
  void Observe(const std::string& method, const std::string& route, int status, double seconds);
  void SetGauge(const std::string& name, double value);
  std::string RenderPrometheus() const;

 private:
  static constexpr std::array<double, 10> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01,
                                                      0.025,  0.05,  0.1,    0.5,   2.5};
  struct Series {
    std::uint64_t count = 0;
    double sum = 0;
    std::array<std::uint64_t, kBuckets.size()> buckets{};
  };
  mutable std::mutex mu_;
  std::map<std::string, std::uint64_t> requests_;  // label set -> count
  std::map<std::string, Series> latency_;          // route label -> histogram
  std::map<std::string, double> gauges_;
};

}  // namespace cg::api
