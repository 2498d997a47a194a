// Photo processing (随手拍 uploads): Inspect and Process of a 12 MP phone-sized JPEG made here.
//   build-media/bench/media_bench --benchmark_min_time=3
#include <benchmark/benchmark.h>
#include <sys/resource.h>
#include <vips/vips.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "media/media.hpp"

namespace {

// CPU seconds used by the whole process (all libvips threads), which the benchmark's own CPU
// column (main thread only) does not show.
double ProcessCpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + usage.ru_stime.tv_sec +
         (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

// 4000 x 3000, smooth gradients with pixel noise, quality 92: compresses like a phone photo.
const std::string& TwelveMegapixelJpeg() {
  static const std::string jpeg = [] {
    if (VIPS_INIT("media_bench") != 0) std::abort();
    const int w = 4000, h = 3000;
    std::vector<std::uint8_t> px(std::size_t(w) * h * 3);
    std::uint32_t state = 1;
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w; ++x)
        for (int b = 0; b < 3; ++b) {
          state = state * 1664525u + 1013904223u;
          const int base = b == 0 ? x * 255 / w : b == 1 ? y * 255 / h : (x + y) * 255 / (w + h);
          const int v = base + static_cast<int>(state >> 28) - 8;
          px[(std::size_t(y) * w + x) * 3 + b] = static_cast<std::uint8_t>(v < 0 ? 0 : v > 255 ? 255 : v);
        }
    VipsImage* image = vips_image_new_from_memory(px.data(), px.size(), w, h, 3, VIPS_FORMAT_UCHAR);
    void* buf = nullptr;
    size_t len = 0;
    if (image == nullptr || vips_jpegsave_buffer(image, &buf, &len, "Q", 92, nullptr) != 0) std::abort();
    std::string out(static_cast<const char*>(buf), len);
    g_free(buf);
    g_object_unref(image);
    return out;
  }();
  return jpeg;
}

void BM_Process12MpJpeg(benchmark::State& state) {
  const std::string& jpeg = TwelveMegapixelJpeg();
  std::size_t public_bytes = 0;
  const double cpu_start = ProcessCpuSeconds();
  for (auto _ : state) {
    auto photo = cg::media::Process(jpeg);
    if (!photo.ok()) {
      state.SkipWithError(photo.error().message.c_str());
      return;
    }
    public_bytes = photo->public_jpeg.size();
    benchmark::DoNotOptimize(photo);
  }
  state.counters["all_threads_cpu_ms"] =
      (ProcessCpuSeconds() - cpu_start) * 1e3 / static_cast<double>(state.iterations());
  state.counters["input_MB"] = jpeg.size() / 1e6;
  state.counters["public_KB"] = public_bytes / 1e3;
}
BENCHMARK(BM_Process12MpJpeg)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_Inspect12MpJpeg(benchmark::State& state) {
  const std::string& jpeg = TwelveMegapixelJpeg();
  const double cpu_start = ProcessCpuSeconds();
  for (auto _ : state) {
    auto info = cg::media::Inspect(jpeg);
    if (!info.ok()) {
      state.SkipWithError(info.error().message.c_str());
      return;
    }
    benchmark::DoNotOptimize(info);
  }
  state.counters["all_threads_cpu_ms"] =
      (ProcessCpuSeconds() - cpu_start) * 1e3 / static_cast<double>(state.iterations());
}
BENCHMARK(BM_Inspect12MpJpeg)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
