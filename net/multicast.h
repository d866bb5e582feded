// Multicast UDP sockets for mDNS, shared by UdpLoop and Runtime: opening a
// socket that is a member of a group on exactly one interface, sending
// from it with a chosen source address, and receiving with the datagram's
// destination.
//
// Contract:
//  * OpenMulticastSocket binds the wildcard address of the group's family
//    at the group's port with SO_REUSEADDR and SO_REUSEPORT (other
//    processes share the port, as RFC 6762 expects), IPv6-only for IPv6,
//    joins the group on that interface only (IP_MULTICAST_ALL /
//    IPV6_MULTICAST_ALL off), sends multicast out of that interface with
//    loopback on and TTL / hop limit 255, and asks for the destination of
//    each datagram (IP_PKTINFO / IPV6_RECVPKTINFO). It checks that a route
//    takes the group out of the interface (Linux's lo has none for IPv6)
//    and fails, naming the interface and the call that failed, otherwise.
//    The caller owns the returned descriptor (non-blocking, close-on-exec).
//  * SendFromMembership sends with the membership's address as the source
//    on its interface, to the group or to a unicast peer alike.
//  * ReceiveOnMembership reports `local` = the datagram's destination
//    (the group, or our unicast address) with the bound port.
#ifndef NET_MULTICAST_H_
#define NET_MULTICAST_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/base/byte_io.h"
#include "core/base/datagram.h"
#include "core/base/socket_address.h"

namespace simrtc::net {

// The interface a membership uses.
struct MulticastInterfaceId {
  int index = 0;
  std::string name;
};

// Which interface `source` names when `index` is 0 (any 127.0.0.0/8
// address names the loopback interface), else the name of `index`.
absl::StatusOr<MulticastInterfaceId> ResolveMulticastInterface(
    const IpAddress& source, int index);

struct MulticastMembership {
  // (our interface address, bound port): the source of what is sent.
  SocketAddress local;
  // (group, bound port).
  SocketAddress group;
  MulticastInterfaceId interface;
};

struct MulticastSocket {
  int fd = -1;
  MulticastMembership membership;
};

// `group` port 0 picks a free port.
absl::StatusOr<MulticastSocket> OpenMulticastSocket(
    const SocketAddress& group, const IpAddress& source,
    const MulticastInterfaceId& interface);

// Unavailable with the sendmsg() error.
absl::Status SendFromMembership(int fd, const MulticastMembership& m,
                                const SocketAddress& to, ByteSpan payload);

// Reads one datagram into `out` (its payload resized from `buf`); false
// when the socket has nothing (EAGAIN) or failed.
bool ReceiveOnMembership(int fd, const MulticastMembership& m,
                         std::vector<uint8_t>& buf, Datagram& out);

}  // namespace simrtc::net

#endif  // NET_MULTICAST_H_
