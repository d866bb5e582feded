#include "net/multicast.h"

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cstring>
#include <string_view>
#include <utility>

#include "absl/strings/str_format.h"
#include "core/base/status_macros.h"
#include "net/interfaces.h"
#include "net/sockaddr.h"

namespace simrtc::net {
namespace {

// Closes a descriptor on every early return.
class ScopedFd {
 public:
  explicit ScopedFd(int fd) : fd_(fd) {}
  ~ScopedFd() {
    if (fd_ >= 0) close(fd_);
  }
  ScopedFd(const ScopedFd&) = delete;
  ScopedFd& operator=(const ScopedFd&) = delete;
  int get() const { return fd_; }
  int release() { return std::exchange(fd_, -1); }

 private:
  int fd_;
};

absl::Status SetOption(int fd, int level, int name, const void* value,
                       socklen_t len, std::string_view option,
                       std::string_view context) {
  if (setsockopt(fd, level, name, value, len) != 0) {
    return absl::UnavailableError(absl::StrFormat(
        "%s: setsockopt(%s): %s", context, option, std::strerror(errno)));
  }
  return absl::OkStatus();
}

absl::Status SetIntOption(int fd, int level, int name, int value,
                          std::string_view option, std::string_view context) {
  return SetOption(fd, level, name, &value, sizeof(value), option, context);
}

// Sends future multicast from `fd` out of interface `index` (with `source`
// as the IPv4 source address when the kernel picks one).
absl::Status SetMulticastInterface(int fd, const IpAddress& source, int index,
                                   std::string_view context) {
  if (source.is_v6()) {
    return SetIntOption(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, index,
                        "IPV6_MULTICAST_IF", context);
  }
  ip_mreqn mreq{};
  std::memcpy(&mreq.imr_address, source.bytes().data(), 4);
  mreq.imr_ifindex = index;
  return SetOption(fd, IPPROTO_IP, IP_MULTICAST_IF, &mreq, sizeof(mreq),
                   "IP_MULTICAST_IF", context);
}

// connect() on a scratch socket runs the kernel's route lookup for the
// group out of the interface, so an unusable interface fails here, with a
// reason, rather than as silently lost datagrams later.
absl::Status CheckMulticastRoute(const SocketAddress& group,
                                 const IpAddress& source, int index,
                                 std::string_view context) {
  ScopedFd fd(socket(source.is_v6() ? AF_INET6 : AF_INET,
                     SOCK_DGRAM | SOCK_CLOEXEC, 0));
  if (fd.get() < 0) {
    return absl::InternalError(absl::StrFormat(
        "%s: socket() for the route check: %s", context, std::strerror(errno)));
  }
  SIMRTC_RETURN_IF_ERROR(
      SetMulticastInterface(fd.get(), source, index, context));
  sockaddr_storage ss;
  const socklen_t len = ToSockaddr(group, ss, index);
  if (connect(fd.get(), reinterpret_cast<sockaddr*>(&ss), len) != 0) {
    return absl::UnavailableError(absl::StrFormat(
        "%s: no route sends %s out of this interface (route check "
        "connect(): %s)",
        context, group.ip().ToString(), std::strerror(errno)));
  }
  return absl::OkStatus();
}

absl::Status JoinV6(int fd, const SocketAddress& group, int index,
                    std::string_view context) {
  ipv6_mreq mreq{};
  std::memcpy(&mreq.ipv6mr_multiaddr, group.ip().bytes().data(), 16);
  mreq.ipv6mr_interface = static_cast<unsigned>(index);
  SIMRTC_RETURN_IF_ERROR(SetOption(fd, IPPROTO_IPV6, IPV6_JOIN_GROUP, &mreq,
                                   sizeof(mreq), "IPV6_JOIN_GROUP", context));
  SIMRTC_RETURN_IF_ERROR(SetIntOption(fd, IPPROTO_IPV6, IPV6_MULTICAST_ALL, 0,
                                      "IPV6_MULTICAST_ALL", context));
  SIMRTC_RETURN_IF_ERROR(SetIntOption(fd, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, 1,
                                      "IPV6_MULTICAST_LOOP", context));
  SIMRTC_RETURN_IF_ERROR(SetIntOption(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS,
                                      255, "IPV6_MULTICAST_HOPS", context));
  SIMRTC_RETURN_IF_ERROR(SetIntOption(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, 255,
                                      "IPV6_UNICAST_HOPS", context));
  return SetIntOption(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, 1, "IPV6_RECVPKTINFO",
                      context);
}

absl::Status JoinV4(int fd, const SocketAddress& group, const IpAddress& source,
                    int index, std::string_view context) {
  ip_mreqn mreq{};
  std::memcpy(&mreq.imr_multiaddr, group.ip().bytes().data(), 4);
  std::memcpy(&mreq.imr_address, source.bytes().data(), 4);
  mreq.imr_ifindex = index;
  SIMRTC_RETURN_IF_ERROR(SetOption(fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mreq,
                                   sizeof(mreq), "IP_ADD_MEMBERSHIP", context));
  SIMRTC_RETURN_IF_ERROR(SetIntOption(fd, IPPROTO_IP, IP_MULTICAST_ALL, 0,
                                      "IP_MULTICAST_ALL", context));
  SIMRTC_RETURN_IF_ERROR(SetIntOption(fd, IPPROTO_IP, IP_MULTICAST_LOOP, 1,
                                      "IP_MULTICAST_LOOP", context));
  SIMRTC_RETURN_IF_ERROR(SetIntOption(fd, IPPROTO_IP, IP_MULTICAST_TTL, 255,
                                      "IP_MULTICAST_TTL", context));
  SIMRTC_RETURN_IF_ERROR(
      SetIntOption(fd, IPPROTO_IP, IP_TTL, 255, "IP_TTL", context));
  return SetIntOption(fd, IPPROTO_IP, IP_PKTINFO, 1, "IP_PKTINFO", context);
}

}  // namespace

absl::StatusOr<MulticastInterfaceId> ResolveMulticastInterface(
    const IpAddress& source, int index) {
  MulticastInterfaceId id;
  id.index = index;
  if (index == 0) {
    SIMRTC_ASSIGN_OR_RETURN(std::vector<NetInterface> all, ListInterfaces());
    SIMRTC_ASSIGN_OR_RETURN(NetInterface nif, FindInterfaceFor(all, source));
    id.index = nif.index;
    id.name = nif.name;
    return id;
  }
  char buf[IF_NAMESIZE] = {};
  if (if_indextoname(static_cast<unsigned>(index), buf) == nullptr) {
    return absl::NotFoundError(absl::StrFormat(
        "multicast interface index %d: %s", index, std::strerror(errno)));
  }
  id.name = buf;
  return id;
}

absl::StatusOr<MulticastSocket> OpenMulticastSocket(
    const SocketAddress& group, const IpAddress& source,
    const MulticastInterfaceId& interface) {
  if (!group.ip().IsMulticast()) {
    return absl::InvalidArgumentError(
        absl::StrFormat("multicast socket: group %s is not a multicast address",
                        group.ToString()));
  }
  if (source.family() != group.family() || source.IsUnspecified() ||
      source.IsMulticast()) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "multicast socket for %s: interface address \"%s\": expected a "
        "unicast address of the group's family",
        group.ToString(), source.ToString()));
  }
  const int index = interface.index;
  const std::string context = absl::StrFormat(
      "multicast socket (%s on %s, index %d, from %s)", group.ToString(),
      interface.name, index, source.ToString());
  const bool v6 = group.ip().is_v6();
  ScopedFd fd(socket(v6 ? AF_INET6 : AF_INET,
                     SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (fd.get() < 0) {
    return absl::InternalError(
        absl::StrFormat("%s: socket(): %s", context, std::strerror(errno)));
  }
  SIMRTC_RETURN_IF_ERROR(SetIntOption(fd.get(), SOL_SOCKET, SO_REUSEADDR, 1,
                                      "SO_REUSEADDR", context));
  SIMRTC_RETURN_IF_ERROR(SetIntOption(fd.get(), SOL_SOCKET, SO_REUSEPORT, 1,
                                      "SO_REUSEPORT", context));
  if (v6) {
    SIMRTC_RETURN_IF_ERROR(SetIntOption(fd.get(), IPPROTO_IPV6, IPV6_V6ONLY, 1,
                                        "IPV6_V6ONLY", context));
  }
  const SocketAddress wildcard(v6 ? IpAddress::AnyV6() : IpAddress::AnyV4(),
                               group.port());
  sockaddr_storage ss;
  socklen_t len = ToSockaddr(wildcard, ss);
  if (bind(fd.get(), reinterpret_cast<sockaddr*>(&ss), len) != 0) {
    return absl::UnavailableError(absl::StrFormat("%s: bind(%s): %s", context,
                                                  wildcard.ToString(),
                                                  std::strerror(errno)));
  }
  len = sizeof(ss);
  getsockname(fd.get(), reinterpret_cast<sockaddr*>(&ss), &len);
  const uint16_t port = FromSockaddr(ss).port();
  if (v6) {
    SIMRTC_RETURN_IF_ERROR(JoinV6(fd.get(), group, index, context));
  } else {
    SIMRTC_RETURN_IF_ERROR(JoinV4(fd.get(), group, source, index, context));
  }
  SIMRTC_RETURN_IF_ERROR(
      SetMulticastInterface(fd.get(), source, index, context));
  SIMRTC_RETURN_IF_ERROR(CheckMulticastRoute(group, source, index, context));

  MulticastSocket out;
  out.membership.local = SocketAddress(source, port);
  out.membership.group = SocketAddress(group.ip(), port);
  out.membership.interface = interface;
  out.fd = fd.release();
  return out;
}

absl::Status SendFromMembership(int fd, const MulticastMembership& m,
                                const SocketAddress& to, ByteSpan payload) {
  sockaddr_storage dest;
  const socklen_t dest_len = ToSockaddr(to, dest, m.interface.index);
  iovec iov{const_cast<uint8_t*>(payload.data()), payload.size()};
  msghdr msg{};
  msg.msg_name = &dest;
  msg.msg_namelen = dest_len;
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  // The socket is bound to the wildcard address; without this the kernel
  // would pick the source itself (on lo, another interface's address).
  alignas(cmsghdr) std::array<char, CMSG_SPACE(sizeof(in6_pktinfo))> control{};
  msg.msg_control = control.data();
  cmsghdr* c = reinterpret_cast<cmsghdr*>(control.data());
  if (m.local.ip().is_v6()) {
    in6_pktinfo info{};
    std::memcpy(&info.ipi6_addr, m.local.ip().bytes().data(), 16);
    info.ipi6_ifindex = static_cast<unsigned>(m.interface.index);
    c->cmsg_level = IPPROTO_IPV6;
    c->cmsg_type = IPV6_PKTINFO;
    c->cmsg_len = CMSG_LEN(sizeof(info));
    std::memcpy(CMSG_DATA(c), &info, sizeof(info));
    msg.msg_controllen = CMSG_SPACE(sizeof(info));
  } else {
    in_pktinfo info{};
    info.ipi_ifindex = m.interface.index;
    std::memcpy(&info.ipi_spec_dst, m.local.ip().bytes().data(), 4);
    c->cmsg_level = IPPROTO_IP;
    c->cmsg_type = IP_PKTINFO;
    c->cmsg_len = CMSG_LEN(sizeof(info));
    std::memcpy(CMSG_DATA(c), &info, sizeof(info));
    msg.msg_controllen = CMSG_SPACE(sizeof(info));
  }
  if (sendmsg(fd, &msg, 0) < 0) {
    return absl::UnavailableError(
        absl::StrFormat("sendmsg from %s to %s: %s", m.local.ToString(),
                        to.ToString(), std::strerror(errno)));
  }
  return absl::OkStatus();
}

bool ReceiveOnMembership(int fd, const MulticastMembership& m,
                         std::vector<uint8_t>& buf, Datagram& out) {
  sockaddr_storage from;
  iovec iov{buf.data(), buf.size()};
  alignas(cmsghdr) std::array<char, 256> control;
  msghdr msg{};
  msg.msg_name = &from;
  msg.msg_namelen = sizeof(from);
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control.data();
  msg.msg_controllen = control.size();
  const ssize_t got = recvmsg(fd, &msg, 0);
  if (got < 0) return false;
  out.local = m.group;  // if the kernel gave no destination
  for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr;
       c = CMSG_NXTHDR(&msg, c)) {
    if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
      in_pktinfo info;
      std::memcpy(&info, CMSG_DATA(c), sizeof(info));
      out.local = SocketAddress(IpAddress::V4(ntohl(info.ipi_addr.s_addr)),
                                m.local.port());
    } else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO) {
      in6_pktinfo info;
      std::memcpy(&info, CMSG_DATA(c), sizeof(info));
      out.local = SocketAddress(FromIn6(info.ipi6_addr), m.local.port());
    }
  }
  out.remote = FromSockaddr(from);
  out.transport = Transport::kUdp;
  out.payload.assign(buf.begin(), buf.begin() + got);
  return true;
}

}  // namespace simrtc::net
