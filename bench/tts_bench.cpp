// Loudspeaker audio (issue 12): text-to-speech of a 300-character notice — espeak-ng's Mandarin
// voice, the chime, Ogg Opus encoding — and the split between synthesis and encoding.
//   build/bench/tts_bench --benchmark_min_time=3
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <string>

#include "broadcast/speech.hpp"

namespace {

// A realistic notice (water cut, 300 characters with punctuation), repeated sentences of the
// kind communities broadcast.
std::string Notice(std::size_t chars) {
  const std::string sentence = "各位居民请注意：因管网检修，明天上午九点至十二点金华社区全域停水，请提前储水，给您带来不便敬请谅解。";
  std::string out;
  std::size_t n = 0;
  while (n < chars) {
    for (std::size_t i = 0; i < sentence.size() && n < chars;) {
      unsigned char c = static_cast<unsigned char>(sentence[i]);
      std::size_t len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
      out.append(sentence, i, len);
      i += len;
      ++n;
    }
  }
  return out;
}

void BM_Synthesize(benchmark::State& state) {
  const std::string text = Notice(static_cast<std::size_t>(state.range(0)));
  double audio_s = 0;
  std::size_t bytes = 0;
  for (auto _ : state) {
    auto audio = cg::broadcast::Synthesize(text);
    if (!audio.ok()) {
      state.SkipWithError(audio.error().message.c_str());
      return;
    }
    audio_s = audio->duration_s;
    bytes = audio->bytes.size();
    benchmark::DoNotOptimize(audio->bytes.data());
  }
  state.counters["audio_s"] = audio_s;
  state.counters["ogg_KiB"] = static_cast<double>(bytes) / 1024;
  state.counters["realtime_x"] = benchmark::Counter(audio_s * static_cast<double>(state.iterations()),
                                                    benchmark::Counter::kIsRate);
}
BENCHMARK(BM_Synthesize)->Arg(30)->Arg(300)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
