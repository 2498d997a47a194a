#include "core/net_address.hpp"

#include <gtest/gtest.h>

namespace cg {
namespace {

NetworkSet Set(const char* text) {
  auto s = NetworkSet::Parse(text);
  EXPECT_TRUE(s.ok()) << text;
  return s.ok() ? *s : NetworkSet();
}

TEST(NetworkSet, ParsesAddressesAndNetworks) {
  NetworkSet s = Set(" 127.0.0.1, ::1 ,10.0.0.0/8,fd00::/8, 192.168.1.128/25");
  EXPECT_TRUE(s.Contains("127.0.0.1"));
  EXPECT_FALSE(s.Contains("127.0.0.2"));
  EXPECT_TRUE(s.Contains("::1"));
  EXPECT_TRUE(s.Contains("10.200.3.4"));
  EXPECT_FALSE(s.Contains("11.0.0.1"));
  EXPECT_TRUE(s.Contains("fd12:3456::1"));
  EXPECT_FALSE(s.Contains("fe80::1"));
  EXPECT_TRUE(s.Contains("192.168.1.200"));
  EXPECT_FALSE(s.Contains("192.168.1.100"));
  EXPECT_TRUE(s.Contains("::ffff:10.1.2.3"));  // IPv4-mapped, as a dual-stack socket reports it
  EXPECT_FALSE(s.Contains("not-an-ip"));
  EXPECT_FALSE(s.Contains(""));
  EXPECT_TRUE(Set("").empty());
  EXPECT_TRUE(Set("0.0.0.0/0").Contains("8.8.8.8"));
}

TEST(NetworkSet, RejectsBadEntries) {
  for (const char* bad : {"10.0.0.0/33", "::/129", "10.0.0/8", "proxy.local", "10.0.0.1/", "10.0.0.1/x", "1.2.3.4/1234"}) {
    auto s = NetworkSet::Parse(bad);
    ASSERT_FALSE(s.ok()) << bad;
    EXPECT_EQ(s.error().code, ErrorCode::kInvalid);
    EXPECT_NE(s.error().message.find(std::string(bad).substr(0, 5)), std::string::npos) << s.error().message;
  }
}

TEST(ClientAddress, BelievesOnlyTrustedHops) {
  NetworkSet proxies = Set("127.0.0.1, 10.0.0.0/8");
  // No proxy configured or untrusted peer: the header is the client's own claim, ignored.
  EXPECT_EQ(ClientAddress("203.0.113.9", "1.2.3.4", NetworkSet()), "203.0.113.9");
  EXPECT_EQ(ClientAddress("203.0.113.9", "1.2.3.4", proxies), "203.0.113.9");
  // From the proxy: the address it saw.
  EXPECT_EQ(ClientAddress("127.0.0.1", "198.51.100.7", proxies), "198.51.100.7");
  EXPECT_EQ(ClientAddress("127.0.0.1", "", proxies), "127.0.0.1");
  // A client forging a hop in front: the rightmost untrusted address wins, not the forgery.
  EXPECT_EQ(ClientAddress("127.0.0.1", "6.6.6.6, 198.51.100.7", proxies), "198.51.100.7");
  // Two trusted proxies in a chain.
  EXPECT_EQ(ClientAddress("127.0.0.1", "198.51.100.7, 10.1.1.1", proxies), "198.51.100.7");
  // Garbage in the header stops the walk at the last good hop.
  EXPECT_EQ(ClientAddress("127.0.0.1", "<script>, 10.1.1.1", proxies), "10.1.1.1");
  EXPECT_EQ(ClientAddress("127.0.0.1", "unknown", proxies), "127.0.0.1");
  EXPECT_EQ(ClientAddress("127.0.0.1", " [2001:db8::5] ", proxies), "2001:db8::5");
}

}  // namespace
}  // namespace cg
