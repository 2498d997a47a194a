#include "broadcast/speech.hpp"

#include <espeak-ng/speak_lib.h>
#include <opus/opusenc.h>
#include <opus/opusfile.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

namespace cg::broadcast {
namespace {

constexpr double kPi = 3.14159265358979323846;

// espeak-ng is a process-wide singleton: one mutex guards initialisation and every synthesis.
std::mutex& EspeakMutex() {
  static std::mutex m;
  return m;
}
int g_sample_rate = 0;              // set once espeak_Initialize succeeded (under the mutex)
std::vector<std::int16_t>* g_sink;  // the current synthesis's output (under the mutex)

int CollectSamples(short* wav, int count, espeak_EVENT*) {
  if (wav && count > 0 && g_sink) g_sink->insert(g_sink->end(), wav, wav + count);
  return 0;  // 0: go on
}

Status InitEspeak() {
  if (g_sample_rate > 0) return Status();
  int rate = espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 200, nullptr, espeakINITIALIZE_DONT_EXIT);
  if (rate <= 0) return MakeError(ErrorCode::kUnavailable, "espeak-ng could not be initialised (espeak-ng-data missing?)");
  espeak_SetSynthCallback(CollectSamples);
  g_sample_rate = rate;
  return Status();
}

// Drops C0/C1 control characters (line breaks and tabs become spaces) and invalid UTF-8;
// `chars` counts the characters left other than spaces.
std::string CleanText(std::string_view in, std::size_t& chars) {
  std::string out;
  chars = 0;
  for (std::size_t i = 0; i < in.size();) {
    unsigned char c = static_cast<unsigned char>(in[i]);
    std::size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (len == 0 || i + len > in.size()) { ++i; continue; }
    bool ok = true;
    for (std::size_t k = 1; k < len; ++k) ok &= (static_cast<unsigned char>(in[i + k]) & 0xC0) == 0x80;
    if (!ok) { ++i; continue; }
    if (len == 1 && (c < 0x20 || c == 0x7f)) {
      if (c == '\n' || c == '\r' || c == '\t') out += ' ';
    } else if (len == 2 && c == 0xC2 && static_cast<unsigned char>(in[i + 1]) < 0xA0) {
      // U+0080..U+009F: C1 controls
    } else {
      out.append(in.substr(i, len));
      if (c != ' ') ++chars;  // spaces alone are nothing to read
    }
    i += len;
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

// Two tones (a falling fourth, as public-address chimes go) with soft edges, then a pause.
void AppendChime(std::vector<std::int16_t>& pcm, int rate) {
  const double tones[] = {784.0, 587.3};  // G5, D5
  const int tone_samples = rate * 35 / 100;
  for (double f : tones) {
    for (int i = 0; i < tone_samples; ++i) {
      double t = static_cast<double>(i) / rate;
      double env = std::min(1.0, i / (0.01 * rate)) * std::exp(-3.0 * t);
      pcm.push_back(static_cast<std::int16_t>(0.45 * 32767 * env * std::sin(2 * kPi * f * t)));
    }
  }
  pcm.insert(pcm.end(), static_cast<std::size_t>(rate * 0.4), 0);
}

struct EncodeSink {
  std::string bytes;
};
int WriteBytes(void* user, const unsigned char* data, opus_int32 len) {
  static_cast<EncodeSink*>(user)->bytes.append(reinterpret_cast<const char*>(data), static_cast<std::size_t>(len));
  return 0;
}
int CloseSink(void*) { return 0; }

Result<std::string> EncodeOpus(const std::vector<std::int16_t>& pcm, int rate, int bitrate) {
  EncodeSink sink;
  OpusEncCallbacks callbacks{WriteBytes, CloseSink};
  std::unique_ptr<OggOpusComments, void (*)(OggOpusComments*)> comments(ope_comments_create(), ope_comments_destroy);
  if (!comments) return MakeError(ErrorCode::kInternal, "opus comments");
  ope_comments_add(comments.get(), "ENCODER", "citygrid broadcast");
  int error = 0;
  std::unique_ptr<OggOpusEnc, void (*)(OggOpusEnc*)> enc(
      ope_encoder_create_callbacks(&callbacks, &sink, comments.get(), rate, 1, 0, &error), ope_encoder_destroy);
  if (!enc || error != OPE_OK) return MakeError(ErrorCode::kInternal, std::string("opus encoder: ") + ope_strerror(error));
  ope_encoder_ctl(enc.get(), OPUS_SET_BITRATE(bitrate));
  ope_encoder_ctl(enc.get(), OPUS_SET_SIGNAL(OPUS_SIGNAL_VOICE));
  if ((error = ope_encoder_write(enc.get(), pcm.data(), static_cast<int>(pcm.size()))) != OPE_OK ||
      (error = ope_encoder_drain(enc.get())) != OPE_OK)
    return MakeError(ErrorCode::kInternal, std::string("opus encoding: ") + ope_strerror(error));
  return std::move(sink.bytes);
}

}  // namespace

Result<Audio> Synthesize(std::string_view text, const SpeechOptions& options) {
  std::size_t chars = 0;
  std::string clean = CleanText(text, chars);
  if (chars == 0) return MakeError(ErrorCode::kInvalid, "nothing to read aloud: the text is empty");
  if (chars > kMaxSpeechChars)
    return MakeError(ErrorCode::kInvalid, "text too long to read aloud: " + std::to_string(chars) + " characters, at most " +
                                              std::to_string(kMaxSpeechChars));
  if (options.words_per_minute < 80 || options.words_per_minute > 450)
    return MakeError(ErrorCode::kInvalid, "words_per_minute must be 80–450");
  std::vector<std::int16_t> speech;
  int rate = 0;
  {
    std::lock_guard<std::mutex> lock(EspeakMutex());
    if (auto s = InitEspeak(); !s.ok()) return s.error();
    rate = g_sample_rate;
    if (espeak_SetVoiceByName(options.voice.c_str()) != EE_OK)
      return MakeError(ErrorCode::kInvalid, "unknown espeak-ng voice '" + options.voice + "'");
    espeak_SetParameter(espeakRATE, options.words_per_minute, 0);
    g_sink = &speech;
    espeak_ERROR e = espeak_Synth(clean.c_str(), clean.size() + 1, 0, POS_CHARACTER, 0, espeakCHARS_UTF8, nullptr, nullptr);
    if (e == EE_OK) e = espeak_Synchronize();
    g_sink = nullptr;
    if (e != EE_OK) return MakeError(ErrorCode::kInternal, "espeak-ng synthesis failed");
  }
  if (speech.empty()) return MakeError(ErrorCode::kInvalid, "the text produced no speech");
  std::vector<std::int16_t> pcm;
  pcm.reserve(speech.size() + static_cast<std::size_t>(rate) * 2);
  if (options.chime) AppendChime(pcm, rate);
  pcm.insert(pcm.end(), speech.begin(), speech.end());
  auto bytes = EncodeOpus(pcm, rate, options.bitrate);
  if (!bytes.ok()) return bytes.error();
  Audio audio;
  audio.bytes = std::move(bytes).value();
  audio.duration_s = static_cast<double>(pcm.size()) / rate;
  audio.speech_s = static_cast<double>(speech.size()) / rate;
  return audio;
}

Result<AudioStats> Analyze(std::string_view ogg_opus) {
  int error = 0;
  std::unique_ptr<OggOpusFile, void (*)(OggOpusFile*)> file(
      op_open_memory(reinterpret_cast<const unsigned char*>(ogg_opus.data()), ogg_opus.size(), &error), op_free);
  if (!file) return MakeError(ErrorCode::kInvalid, "not an Ogg Opus stream (opusfile error " + std::to_string(error) + ")");
  AudioStats stats;
  stats.channels = op_channel_count(file.get(), -1);
  constexpr int kRate = 48000;  // opusfile always decodes at 48 kHz
  constexpr int kWindow = kRate / 10;
  std::vector<opus_int16> buf(static_cast<std::size_t>(kRate) * 2);
  double sum_sq = 0, win_sq = 0;
  std::int64_t frames = 0, win_frames = 0;
  for (;;) {
    int n = op_read(file.get(), buf.data(), static_cast<int>(buf.size()), nullptr);
    if (n == OP_HOLE) continue;
    if (n < 0) return MakeError(ErrorCode::kInvalid, "corrupt Ogg Opus data (opusfile error " + std::to_string(n) + ")");
    if (n == 0) break;
    int ch = op_channel_count(file.get(), -1);
    for (int i = 0; i < n; ++i) {
      double v = buf[static_cast<std::size_t>(i * ch)] / 32768.0;  // first channel
      sum_sq += v * v;
      win_sq += v * v;
      stats.peak = std::max(stats.peak, std::fabs(v));
      if (++win_frames == kWindow) {
        stats.window_rms.push_back(std::sqrt(win_sq / kWindow));
        win_sq = 0;
        win_frames = 0;
      }
    }
    frames += n;
  }
  if (frames == 0) return MakeError(ErrorCode::kInvalid, "the Ogg Opus stream holds no audio");
  stats.duration_s = static_cast<double>(frames) / kRate;
  stats.rms = std::sqrt(sum_sq / static_cast<double>(frames));
  return stats;
}

}  // namespace cg::broadcast
