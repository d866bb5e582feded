#include "net/sockaddr.h"

#include <arpa/inet.h>

#include <array>
#include <cstring>

namespace simrtc::net {

bool NeedsScope(const IpAddress& ip) {
  if (!ip.is_v6()) return false;
  if (ip.IsLinkLocal()) return true;
  return ip.IsMulticast() && (ip.bytes()[1] & 0x0f) <= 2;
}

socklen_t ToSockaddr(const SocketAddress& a, sockaddr_storage& ss,
                     int scope_id) {
  std::memset(&ss, 0, sizeof(ss));
  if (a.ip().is_v6()) {
    auto* s6 = reinterpret_cast<sockaddr_in6*>(&ss);
    s6->sin6_family = AF_INET6;
    s6->sin6_port = htons(a.port());
    std::memcpy(&s6->sin6_addr, a.ip().bytes().data(), 16);
    if (NeedsScope(a.ip())) s6->sin6_scope_id = static_cast<uint32_t>(scope_id);
    return sizeof(sockaddr_in6);
  }
  auto* s4 = reinterpret_cast<sockaddr_in*>(&ss);
  s4->sin_family = AF_INET;
  s4->sin_port = htons(a.port());
  if (a.ip().is_v4()) std::memcpy(&s4->sin_addr, a.ip().bytes().data(), 4);
  return sizeof(sockaddr_in);
}

IpAddress FromIn6(const in6_addr& a) {
  std::array<uint8_t, 16> b;
  std::memcpy(b.data(), &a, 16);
  return IpAddress::V6(b);
}

SocketAddress FromSockaddr(const sockaddr_storage& ss) {
  if (ss.ss_family == AF_INET6) {
    const auto* s6 = reinterpret_cast<const sockaddr_in6*>(&ss);
    return SocketAddress(FromIn6(s6->sin6_addr), ntohs(s6->sin6_port));
  }
  const auto* s4 = reinterpret_cast<const sockaddr_in*>(&ss);
  return SocketAddress(IpAddress::V4(ntohl(s4->sin_addr.s_addr)),
                       ntohs(s4->sin_port));
}

}  // namespace simrtc::net
