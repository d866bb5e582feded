// Conversions between simrtc::SocketAddress and the kernel's sockaddr
// structures, shared by every socket owner in net/.
//
// Contract: ToSockaddr fills `ss` (zeroed first) and returns its length;
// scoped IPv6 addresses (link-local unicast, interface- and link-scope
// multicast) take `scope_id` as the interface index, others ignore it.
// FromSockaddr reads AF_INET6 or, for anything else, AF_INET.
#ifndef NET_SOCKADDR_H_
#define NET_SOCKADDR_H_

#include <netinet/in.h>
#include <sys/socket.h>

#include "core/base/socket_address.h"

namespace simrtc::net {

// True for IPv6 addresses that mean nothing without their interface.
bool NeedsScope(const IpAddress& ip);

socklen_t ToSockaddr(const SocketAddress& a, sockaddr_storage& ss,
                     int scope_id = 0);
IpAddress FromIn6(const in6_addr& a);
SocketAddress FromSockaddr(const sockaddr_storage& ss);

}  // namespace simrtc::net

#endif  // NET_SOCKADDR_H_
