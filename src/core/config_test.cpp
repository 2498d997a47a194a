#include "core/config.hpp"

#include <fstream>
#include <gtest/gtest.h>

namespace cg {
namespace {

TEST(Config, EnvironmentOverridesDefaults) {
  Config c;
  ASSERT_TRUE(ApplyEnvironment({{"CITYGRID_PORT", "9090"}, {"CITYGRID_DATA_DIR", "/x"}}, c).ok());
  EXPECT_EQ(c.port, 9090);
  EXPECT_EQ(c.data_dir, "/x");
  EXPECT_EQ(c.EffectiveDbUrl(), "sqlite:///x/citygrid.db");
}

TEST(Config, RejectsBadValues) {
  Config c;
  auto s = ApplyEnvironment({{"CITYGRID_PORT", "80x"}}, c);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("port"), std::string::npos);
  EXPECT_FALSE(ApplyEnvironment({{"CITYGRID_PORT", "70000"}}, c).ok());
  EXPECT_FALSE(ApplyEnvironment({{"CITYGRID_COOKIE_SECURE", "maybe"}}, c).ok());
}

TEST(Config, FileThenEnvironment) {
  std::string path = ::testing::TempDir() + "/cg_config_test.toml";
  std::ofstream(path) << "port = 8181\nlog_level = \"debug\"\ncookie_secure = true\n";
  Config c;
  ASSERT_TRUE(LoadConfigFile(path, c).ok());
  EXPECT_EQ(c.port, 8181);
  EXPECT_TRUE(c.cookie_secure);
  ASSERT_TRUE(ApplyEnvironment({{"CITYGRID_PORT", "8282"}}, c).ok());
  EXPECT_EQ(c.port, 8282);
}

TEST(Config, FileErrorsAreClear) {
  std::string path = ::testing::TempDir() + "/cg_config_bad.toml";
  std::ofstream(path) << "prot = 8181\n";
  Config c;
  auto s = LoadConfigFile(path, c);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("unknown config key 'prot'"), std::string::npos);
  std::ofstream(path) << "port = [\n";
  EXPECT_FALSE(LoadConfigFile(path, c).ok());
  EXPECT_FALSE(LoadConfigFile(path + ".missing", c).ok());
}

}  // namespace
}  // namespace cg
