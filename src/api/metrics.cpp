#include "api/metrics.hpp"

#include <fmt/format.h>

namespace cg::api {

void Metrics::Observe(const std::string& method, const std::string& route, int status,
                      double seconds) {
  std::string labels = fmt::format(R"(method="{}",route="{}",status="{}")", method, route, status);
  std::string route_label = fmt::format(R"(route="{}")", route);
  std::lock_guard lock(mu_);
  ++requests_[labels];
  Series& s = latency_[route_label];
  ++s.count;
  s.sum += seconds;
  for (std::size_t i = 0; i < kBuckets.size(); ++i) {
    if (seconds <= kBuckets[i]) ++s.buckets[i];
  }
}

void Metrics::SetGauge(const std::string& name, double value) {
  std::lock_guard lock(mu_);
  gauges_[name] = value;
}

std::string Metrics::RenderPrometheus() const {
  std::lock_guard lock(mu_);
  std::string out;
  out += "# HELP citygrid_http_requests_total HTTP requests by method, route and status.\n";
  out += "# TYPE citygrid_http_requests_total counter\n";
  for (const auto& [labels, n] : requests_) out += fmt::format("citygrid_http_requests_total{{{}}} {}\n", labels, n);
  out += "# HELP citygrid_http_request_duration_seconds Time to handle a request.\n";
  out += "# TYPE citygrid_http_request_duration_seconds histogram\n";
  for (const auto& [route, s] : latency_) {
    for (std::size_t i = 0; i < kBuckets.size(); ++i) {
      out += fmt::format("citygrid_http_request_duration_seconds_bucket{{{},le=\"{}\"}} {}\n", route,
                         kBuckets[i], s.buckets[i]);
    }
    out += fmt::format("citygrid_http_request_duration_seconds_bucket{{{},le=\"+Inf\"}} {}\n", route, s.count);
    out += fmt::format("citygrid_http_request_duration_seconds_sum{{{}}} {}\n", route, s.sum);
    out += fmt::format("citygrid_http_request_duration_seconds_count{{{}}} {}\n", route, s.count);
  }
  for (const auto& [name, v] : gauges_) {
    out += fmt::format("# TYPE {} gauge\n{} {}\n", name, name, v);
  }
  return out;
}

}  // namespace cg::api
