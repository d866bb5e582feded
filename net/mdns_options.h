// Flag validation and interface choice for the //net:mdns tool, apart from
// main() so they can be tested without sockets.
//
// Contract: every function is pure (the interface table is an argument) and
// reports a bad value as InvalidArgument naming the flag and the value, or,
// for interfaces, NotFound / FailedPrecondition naming the address.
#ifndef NET_MDNS_OPTIONS_H_
#define NET_MDNS_OPTIONS_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "core/base/socket_address.h"
#include "core/base/time.h"
#include "net/interfaces.h"
#include "net/udp_loop.h"

namespace simrtc::net {

// Comma-separated IP addresses without ports ("127.0.0.1,::1"). Empty text
// is an empty list; an empty entry ("a,,b") is an error.
absl::StatusOr<std::vector<IpAddress>> ParseIpList(std::string_view flag,
                                                   std::string_view text);

// "any" (kNone), "ipv4" or "ipv6".
absl::StatusOr<IpFamily> ParseFamily(std::string_view text);

// The flags as given.
struct MdnsFlags {
  std::string publish;
  std::string address;
  std::string resolve;
  std::string family = "any";
  TimeDelta timeout = TimeDelta::Seconds(3);
  std::string interface;
};

struct MdnsOptions {
  enum class Mode { kPublish, kResolve };
  Mode mode = Mode::kResolve;
  // The name as given, once mdns::ValidateLocalName accepts it.
  std::string name;
  // kPublish: the addresses the name stands for (unicast, at least one).
  std::vector<IpAddress> addresses;
  // kResolve: the family asked for (kNone: either) and how long to try.
  IpFamily family = IpFamily::kNone;
  TimeDelta timeout = TimeDelta::Seconds(3);
  // --interface; empty means DefaultMdnsInterfaces.
  std::vector<IpAddress> interfaces;
};

// Exactly one of --publish and --resolve; --address only with (and
// required by) --publish; a positive --timeout of at most a day.
absl::StatusOr<MdnsOptions> ValidateMdnsFlags(const MdnsFlags& flags);

// The default: every interface that is up, multicast-capable and not
// loopback, with its lowest IPv4 address and its IPv6 link-local address
// (else its lowest IPv6 address), so that each link is joined once per
// family. Ordered by interface index, IPv4 first.
std::vector<UdpLoop::MulticastInterface> DefaultMdnsInterfaces(
    const std::vector<NetInterface>& interfaces);

// The interfaces --interface names, one per address: each address must
// belong to an interface of this host that is up (FindInterfaceFor: any
// 127.0.0.0/8 address means loopback), and no two addresses of one family
// may name the same interface, since one host joins a link once.
absl::StatusOr<std::vector<UdpLoop::MulticastInterface>> ChooseMdnsInterfaces(
    const std::vector<NetInterface>& interfaces,
    const std::vector<IpAddress>& requested);

}  // namespace simrtc::net

#endif  // NET_MDNS_OPTIONS_H_
