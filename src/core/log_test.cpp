#include "core/log.hpp"

#include <gtest/gtest.h>
#include <spdlog/formatter.h>
#include <spdlog/spdlog.h>

namespace cg {
namespace {

TEST(Log, LinesAreJsonWithEscapedMessages) {
  auto f = MakeJsonLineFormatter();
  spdlog::details::log_msg msg("citygrid", spdlog::level::warn, "path=/a\"b\\c\n\x01 名");
  spdlog::memory_buf_t out;
  f->format(msg, out);
  std::string line(out.data(), out.size());
  EXPECT_NE(line.find(R"("level":"warning")"), std::string::npos) << line;
  EXPECT_NE(line.find(R"("msg":"path=/a\"b\\c\n\u0001 名"})"), std::string::npos) << line;
  EXPECT_EQ(line.rfind("{\"ts\":\"", 0), 0u);
}

}  // namespace
}  // namespace cg
