#pragma once
// IP addresses and networks for the reverse-proxy setting `trusted_proxies` (docs/operations.md):
// which peers may tell us, in X-Forwarded-For, the address of the client behind them.
#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace cg {

// A set of IPv4/IPv6 networks, e.g. "127.0.0.1, ::1, 10.0.0.0/8". Immutable after Parse.
class NetworkSet {
 public:
  // Parses a comma-separated list of addresses and CIDR networks; an empty string is the empty
  // set. kInvalid names the first entry that is not an address or has a bad prefix length.
  static Result<NetworkSet> Parse(std::string_view text);

  bool empty() const { return nets_.empty(); }
  // True when `address` (textual IPv4 or IPv6, IPv4-mapped IPv6 folded to IPv4) is in the set.
  // An unparsable address is in no set.
  bool Contains(std::string_view address) const;

 private:
  struct Net {
    std::array<unsigned char, 16> bytes{};
    int family = 0;  // 4 or 6
    int prefix = 0;
  };
  std::vector<Net> nets_;
};

// The client's address for a request that arrived from `peer` with the X-Forwarded-For value
// `forwarded_for` (empty when absent). Only hops from trusted proxies are believed: walking the
// list from the right, the first address not in `trusted` is the client. With an untrusted
// peer, or no header, the peer itself; a malformed entry stops the walk at the hop before it.
std::string ClientAddress(std::string_view peer, std::string_view forwarded_for, const NetworkSet& trusted);

}  // namespace cg
