#include "broadcast/speech.hpp"

#include <gtest/gtest.h>

#include <numeric>

namespace cg::broadcast {
namespace {

constexpr const char* kNotice = "各位居民请注意：明天上午九点到十二点，金华社区停水，请提前储水。";

TEST(Speech, MandarinNoticeIsAudibleOggOpusOfPlausibleLength) {
  auto audio = Synthesize(kNotice);
  ASSERT_TRUE(audio.ok()) << audio.error().message;
  ASSERT_GE(audio->bytes.size(), 4u);
  EXPECT_EQ(audio->bytes.substr(0, 4), "OggS");
  EXPECT_EQ(audio->mime_type, "audio/ogg");
  // 31 characters of Mandarin at the default rate: a few seconds, not a blip and not minutes.
  EXPECT_GT(audio->speech_s, 3.0);
  EXPECT_LT(audio->speech_s, 30.0);
  EXPECT_NEAR(audio->duration_s, audio->speech_s + 1.1, 0.05);  // chime 0.7 s + 0.4 s pause

  auto stats = Analyze(audio->bytes);
  ASSERT_TRUE(stats.ok()) << stats.error().message;
  EXPECT_EQ(stats->channels, 1);
  EXPECT_NEAR(stats->duration_s, audio->duration_s, 0.1);  // the decoded length matches
  EXPECT_GT(stats->rms, 0.02) << "silence";
  // Not silence where the speech is: most 100 ms windows after the chime carry sound.
  const std::size_t speech_start = 12;  // windows of 100 ms: the chime and pause take 1.1 s
  ASSERT_GT(stats->window_rms.size(), speech_start + 10);
  std::size_t loud = 0;
  for (std::size_t i = speech_start; i < stats->window_rms.size(); ++i) loud += stats->window_rms[i] > 0.01;
  EXPECT_GT(loud, (stats->window_rms.size() - speech_start) / 2);
  // The pause between chime and speech is quiet.
  EXPECT_LT(stats->window_rms[8], 0.01);
}

TEST(Speech, LongerTextTakesLonger) {
  auto one = Synthesize("停水通知。", {.chime = false});
  auto many = Synthesize(std::string(kNotice) + kNotice + kNotice, {.chime = false});
  ASSERT_TRUE(one.ok() && many.ok());
  EXPECT_GT(many->speech_s, one->speech_s * 4);
  SpeechOptions fast;
  fast.chime = false;
  fast.words_per_minute = 300;
  auto quick = Synthesize(kNotice, fast);
  auto normal = Synthesize(kNotice, {.chime = false});
  ASSERT_TRUE(quick.ok() && normal.ok());
  EXPECT_LT(quick->speech_s, normal->speech_s * 0.8);
}

TEST(Speech, HostileTextIsCleanedOrRefused) {
  for (std::string bad : {std::string(), std::string("   \n\t "), std::string("\x01\x02\x7f"), std::string("\xff\xfe\xc0")}) {
    auto a = Synthesize(bad);
    ASSERT_FALSE(a.ok());
    EXPECT_EQ(a.error().code, ErrorCode::kInvalid);
  }
  std::string too_long;
  for (std::size_t i = 0; i <= kMaxSpeechChars; ++i) too_long += "水";
  auto a = Synthesize(too_long);
  ASSERT_FALSE(a.ok());
  EXPECT_NE(a.error().message.find("too long"), std::string::npos);
  // Markup and control characters are read as (or dropped from) text, never interpreted.
  auto markup = Synthesize("<speak><audio src=\"file:///etc/passwd\"/>停水</speak>\x1b[2J");
  ASSERT_TRUE(markup.ok()) << markup.error().message;
  EXPECT_GT(markup->speech_s, 0.5);
  auto voice = Synthesize("停水", {.voice = "no-such-voice"});
  ASSERT_FALSE(voice.ok());
  EXPECT_EQ(voice.error().code, ErrorCode::kInvalid);
  auto rate = Synthesize("停水", {.words_per_minute = 5});
  EXPECT_FALSE(rate.ok());
}

TEST(Speech, AnalyzeRefusesWhatIsNotOggOpus) {
  for (std::string bad : {std::string(), std::string("OggS"), std::string(1000, 'x')}) {
    auto s = Analyze(bad);
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().code, ErrorCode::kInvalid);
  }
  auto audio = Synthesize("停水");
  ASSERT_TRUE(audio.ok());
  auto cut = Analyze(std::string_view(audio->bytes).substr(0, audio->bytes.size() / 3));
  // A truncated file decodes what it holds, or is refused: never more audio than was written.
  if (cut.ok()) {
    EXPECT_LT(cut->duration_s, audio->duration_s);
  }
}

}  // namespace
}  // namespace cg::broadcast
