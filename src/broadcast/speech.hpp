#pragma once
// Loudspeaker audio for notices (DESIGN §6, 1㎡ broadcast stations): text → Mandarin speech with
// espeak-ng (voice "cmn"), a two-tone chime before it, encoded as Ogg Opus with libopusenc.
// Nothing else in the project includes espeak-ng or opus headers.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace cg::broadcast {

inline constexpr std::size_t kMaxSpeechChars = 2000;  // a notice read aloud: about 8 minutes

struct SpeechOptions {
  std::string voice = "cmn";  // espeak-ng voice: Mandarin
  int words_per_minute = 150; // espeak-ng rate (80–450)
  bool chime = true;          // the two tones before the announcement
  int bitrate = 32000;        // Opus bits per second (mono speech)
};

struct Audio {
  std::string bytes;                  // Ogg Opus
  std::string mime_type = "audio/ogg";
  double duration_s = 0;              // chime + speech
  double speech_s = 0;                // speech alone
};

// Renders `text` (UTF-8) as speech. Control characters are dropped and markup is read as text
// (no SSML). kInvalid: empty after clean-up, longer than kMaxSpeechChars, or an unknown voice;
// kUnavailable: espeak-ng or its data cannot be initialised. Thread-safe (espeak-ng keeps global
// state, so calls are serialised).
Result<Audio> Synthesize(std::string_view text, const SpeechOptions& options = {});

// Level and length of decoded Ogg Opus audio: for tests and for checking a generated file.
struct AudioStats {
  double duration_s = 0;
  int channels = 0;
  double rms = 0;      // of the whole file, full scale = 1.0
  double peak = 0;
  // RMS over consecutive 100 ms windows, so silence and sound can be told apart in time.
  std::vector<double> window_rms;
};

// Decodes Ogg Opus bytes. kInvalid when they are not a decodable Ogg Opus stream.
Result<AudioStats> Analyze(std::string_view ogg_opus);

}  // namespace cg::broadcast
