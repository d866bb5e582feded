// The host's network interfaces, as multicast sockets need them: which
// interface an address belongs to, its index, and whether it can multicast.
//
// Contract:
//  - ListInterfaces() reads getifaddrs(3): every interface that has at least
//    one IPv4 or IPv6 address, sorted by index, each interface's addresses
//    sorted (IPv4 before IPv6). Interfaces without an address are left out.
//  - FindInterfaceFor() is a pure lookup in such a list, so callers and
//    tests can hand it any table.
#ifndef NET_INTERFACES_H_
#define NET_INTERFACES_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "core/base/socket_address.h"

namespace simrtc::net {

struct NetInterface {
  std::string name;
  int index = 0;
  bool up = false;         // IFF_UP
  bool loopback = false;   // IFF_LOOPBACK
  bool multicast = false;  // IFF_MULTICAST (Linux's lo lacks it, yet
                           // multicast through lo works locally)
  std::vector<IpAddress> addresses;
};

absl::StatusOr<std::vector<NetInterface>> ListInterfaces();

// The interface that owns `address`: the one listing it, or, for an IPv4
// loopback address (127.0.0.0/8, all of which Linux treats as local on the
// loopback interface though only 127.0.0.1 is listed), the loopback
// interface. NotFound, naming the address, otherwise.
absl::StatusOr<NetInterface> FindInterfaceFor(
    const std::vector<NetInterface>& interfaces, const IpAddress& address);

}  // namespace simrtc::net

#endif  // NET_INTERFACES_H_
