#include "core/net_address.hpp"

#include <arpa/inet.h>

#include <cstring>

namespace cg {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Parses a textual address into 16 bytes; IPv4 and IPv4-mapped IPv6 give family 4 (first 4 bytes).
bool ParseAddress(std::string_view text, std::array<unsigned char, 16>& out, int& family) {
  if (text.size() >= 2 && text.front() == '[' && text.back() == ']') text = text.substr(1, text.size() - 2);
  if (text.empty() || text.size() > 45) return false;
  std::string s(text);
  out.fill(0);
  if (inet_pton(AF_INET, s.c_str(), out.data()) == 1) {
    family = 4;
    return true;
  }
  if (inet_pton(AF_INET6, s.c_str(), out.data()) != 1) return false;
  static const unsigned char kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (std::memcmp(out.data(), kMapped, 12) == 0) {
    std::memmove(out.data(), out.data() + 12, 4);
    std::memset(out.data() + 4, 0, 12);
    family = 4;
  } else {
    family = 6;
  }
  return true;
}

}  // namespace

Result<NetworkSet> NetworkSet::Parse(std::string_view text) {
  NetworkSet set;
  while (!text.empty()) {
    auto comma = text.find(',');
    std::string_view item = Trim(text.substr(0, comma));
    text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
    if (item.empty()) continue;
    Net net;
    std::string_view addr = item;
    int prefix = -1;
    if (auto slash = item.find('/'); slash != std::string_view::npos) {
      addr = item.substr(0, slash);
      std::string_view bits = item.substr(slash + 1);
      if (bits.empty() || bits.size() > 3) return MakeError(ErrorCode::kInvalid, "bad network '" + std::string(item) + "'");
      prefix = 0;
      for (char c : bits) {
        if (c < '0' || c > '9') return MakeError(ErrorCode::kInvalid, "bad network '" + std::string(item) + "'");
        prefix = prefix * 10 + (c - '0');
      }
    }
    if (!ParseAddress(addr, net.bytes, net.family))
      return MakeError(ErrorCode::kInvalid, "'" + std::string(item) + "' is not an IP address or network");
    int max = net.family == 4 ? 32 : 128;
    if (prefix > max) return MakeError(ErrorCode::kInvalid, "bad prefix length in '" + std::string(item) + "'");
    net.prefix = prefix < 0 ? max : prefix;
    set.nets_.push_back(net);
  }
  return set;
}

bool NetworkSet::Contains(std::string_view address) const {
  std::array<unsigned char, 16> bytes;
  int family = 0;
  if (!ParseAddress(Trim(address), bytes, family)) return false;
  for (const Net& n : nets_) {
    if (n.family != family) continue;
    int full = n.prefix / 8, rest = n.prefix % 8;
    if (std::memcmp(bytes.data(), n.bytes.data(), full) != 0) continue;
    if (rest) {
      unsigned char mask = static_cast<unsigned char>(0xff << (8 - rest));
      if ((bytes[full] & mask) != (n.bytes[full] & mask)) continue;
    }
    return true;
  }
  return false;
}

std::string ClientAddress(std::string_view peer, std::string_view forwarded_for, const NetworkSet& trusted) {
  std::string client(peer);
  if (forwarded_for.empty() || !trusted.Contains(peer)) return client;
  while (!forwarded_for.empty()) {
    auto comma = forwarded_for.rfind(',');
    std::string_view hop = Trim(comma == std::string_view::npos ? forwarded_for : forwarded_for.substr(comma + 1));
    forwarded_for = comma == std::string_view::npos ? std::string_view() : forwarded_for.substr(0, comma);
    std::array<unsigned char, 16> bytes;
    int family = 0;
    if (!ParseAddress(hop, bytes, family)) break;  // a forged or garbled hop: believe nothing left of it
    if (hop.front() == '[') hop = hop.substr(1, hop.size() - 2);
    client = std::string(hop);
    if (!trusted.Contains(hop)) break;
  }
  return client;
}

}  // namespace cg
