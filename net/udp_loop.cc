#include "net/udp_loop.h"

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstring>
#include <string_view>
#include <utility>

#include "absl/strings/str_format.h"
#include "core/base/status_macros.h"
#include "net/interfaces.h"
#include "net/sockaddr.h"

namespace simrtc::net {
namespace {

int64_t SteadyMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

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

std::atomic<UdpLoop*> g_signal_loop{nullptr};

void OnSignal(int) {
  if (UdpLoop* l = g_signal_loop.load()) l->Stop();
}

}  // namespace

UdpLoop::UdpLoop() : origin_us_(SteadyMicros()) {
  epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
  event_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.fd = event_fd_;
  epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, event_fd_, &ev);
}

UdpLoop::~UdpLoop() {
  for (auto& [addr, fd] : sockets_) close(fd);
  if (event_fd_ >= 0) close(event_fd_);
  if (epoll_fd_ >= 0) close(epoll_fd_);
}

Timestamp UdpLoop::Now() const {
  return Timestamp::Micros(SteadyMicros() - origin_us_);
}

absl::Status UdpLoop::Register(int fd, Socket socket) {
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.fd = fd;
  if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev) != 0) {
    const int err = errno;
    close(fd);
    return absl::InternalError(
        absl::StrFormat("UdpLoop: epoll_ctl(ADD, %s): %s",
                        socket.local.ToString(), std::strerror(err)));
  }
  sockets_[socket.local] = fd;
  by_fd_[fd] = std::move(socket);
  return absl::OkStatus();
}

absl::StatusOr<SocketAddress> UdpLoop::Bind(const SocketAddress& address) {
  if (epoll_fd_ < 0 || event_fd_ < 0) {
    return absl::InternalError("UdpLoop: epoll/eventfd creation failed");
  }
  const int family = address.ip().is_v6() ? AF_INET6 : AF_INET;
  const int fd = socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    return absl::InternalError(
        absl::StrFormat("UdpLoop: socket(): %s", std::strerror(errno)));
  }
  sockaddr_storage ss;
  const socklen_t len = ToSockaddr(address, ss);
  if (bind(fd, reinterpret_cast<sockaddr*>(&ss), len) != 0) {
    const int err = errno;
    close(fd);
    return absl::UnavailableError(absl::StrFormat(
        "UdpLoop: bind(%s): %s", address.ToString(), std::strerror(err)));
  }
  socklen_t got_len = sizeof(ss);
  getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &got_len);
  SocketAddress bound = FromSockaddr(ss);
  if (sockets_.contains(bound)) {
    close(fd);
    return absl::AlreadyExistsError(absl::StrFormat(
        "UdpLoop: bind(%s): a socket is already registered under %s",
        address.ToString(), bound.ToString()));
  }
  Socket socket;
  socket.local = bound;
  SIMRTC_RETURN_IF_ERROR(Register(fd, std::move(socket)));
  return bound;
}

absl::StatusOr<SocketAddress> UdpLoop::BindMulticast(
    const SocketAddress& group, const MulticastInterface& interface) {
  if (epoll_fd_ < 0 || event_fd_ < 0) {
    return absl::InternalError("UdpLoop: epoll/eventfd creation failed");
  }
  const IpAddress& source = interface.address;
  if (!group.ip().IsMulticast()) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "UdpLoop::BindMulticast: group %s is not a multicast address",
        group.ToString()));
  }
  if (source.family() != group.family() || source.IsUnspecified() ||
      source.IsMulticast()) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "UdpLoop::BindMulticast(%s): interface address \"%s\": expected a "
        "unicast address of the group's family",
        group.ToString(), source.ToString()));
  }
  int index = interface.index;
  std::string name;
  if (index == 0) {
    SIMRTC_ASSIGN_OR_RETURN(std::vector<NetInterface> all, ListInterfaces());
    SIMRTC_ASSIGN_OR_RETURN(NetInterface nif, FindInterfaceFor(all, source));
    index = nif.index;
    name = nif.name;
  } else {
    char buf[IF_NAMESIZE] = {};
    if (if_indextoname(static_cast<unsigned>(index), buf) == nullptr) {
      return absl::NotFoundError(
          absl::StrFormat("UdpLoop::BindMulticast(%s): interface index %d: %s",
                          group.ToString(), index, std::strerror(errno)));
    }
    name = buf;
  }
  const std::string context =
      absl::StrFormat("UdpLoop::BindMulticast(%s on %s, index %d, from %s)",
                      group.ToString(), name, index, source.ToString());
  for (const auto& [fd, s] : by_fd_) {
    if (s.multicast && s.interface_index == index &&
        s.group.ip() == group.ip() &&
        (group.port() == 0 || s.group.port() == group.port())) {
      return absl::AlreadyExistsError(
          absl::StrFormat("%s: already joined there, from %s", context,
                          s.local.ip().ToString()));
    }
  }

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
  const SocketAddress key(source, port);
  if (sockets_.contains(key)) {
    return absl::AlreadyExistsError(
        absl::StrFormat("%s: a socket is already registered under %s", context,
                        key.ToString()));
  }

  if (v6) {
    ipv6_mreq mreq{};
    std::memcpy(&mreq.ipv6mr_multiaddr, group.ip().bytes().data(), 16);
    mreq.ipv6mr_interface = static_cast<unsigned>(index);
    SIMRTC_RETURN_IF_ERROR(SetOption(fd.get(), IPPROTO_IPV6, IPV6_JOIN_GROUP,
                                     &mreq, sizeof(mreq), "IPV6_JOIN_GROUP",
                                     context));
    SIMRTC_RETURN_IF_ERROR(SetIntOption(fd.get(), IPPROTO_IPV6,
                                        IPV6_MULTICAST_ALL, 0,
                                        "IPV6_MULTICAST_ALL", context));
    SIMRTC_RETURN_IF_ERROR(SetIntOption(fd.get(), IPPROTO_IPV6,
                                        IPV6_MULTICAST_LOOP, 1,
                                        "IPV6_MULTICAST_LOOP", context));
    SIMRTC_RETURN_IF_ERROR(SetIntOption(fd.get(), IPPROTO_IPV6,
                                        IPV6_MULTICAST_HOPS, 255,
                                        "IPV6_MULTICAST_HOPS", context));
    SIMRTC_RETURN_IF_ERROR(SetIntOption(fd.get(), IPPROTO_IPV6,
                                        IPV6_UNICAST_HOPS, 255,
                                        "IPV6_UNICAST_HOPS", context));
    SIMRTC_RETURN_IF_ERROR(SetIntOption(fd.get(), IPPROTO_IPV6,
                                        IPV6_RECVPKTINFO, 1, "IPV6_RECVPKTINFO",
                                        context));
  } else {
    ip_mreqn mreq{};
    std::memcpy(&mreq.imr_multiaddr, group.ip().bytes().data(), 4);
    std::memcpy(&mreq.imr_address, source.bytes().data(), 4);
    mreq.imr_ifindex = index;
    SIMRTC_RETURN_IF_ERROR(SetOption(fd.get(), IPPROTO_IP, IP_ADD_MEMBERSHIP,
                                     &mreq, sizeof(mreq), "IP_ADD_MEMBERSHIP",
                                     context));
    SIMRTC_RETURN_IF_ERROR(SetIntOption(fd.get(), IPPROTO_IP, IP_MULTICAST_ALL,
                                        0, "IP_MULTICAST_ALL", context));
    SIMRTC_RETURN_IF_ERROR(SetIntOption(fd.get(), IPPROTO_IP, IP_MULTICAST_LOOP,
                                        1, "IP_MULTICAST_LOOP", context));
    SIMRTC_RETURN_IF_ERROR(SetIntOption(fd.get(), IPPROTO_IP, IP_MULTICAST_TTL,
                                        255, "IP_MULTICAST_TTL", context));
    SIMRTC_RETURN_IF_ERROR(
        SetIntOption(fd.get(), IPPROTO_IP, IP_TTL, 255, "IP_TTL", context));
    SIMRTC_RETURN_IF_ERROR(SetIntOption(fd.get(), IPPROTO_IP, IP_PKTINFO, 1,
                                        "IP_PKTINFO", context));
  }
  SIMRTC_RETURN_IF_ERROR(
      SetMulticastInterface(fd.get(), source, index, context));
  SIMRTC_RETURN_IF_ERROR(CheckMulticastRoute(group, source, index, context));

  Socket socket;
  socket.local = key;
  socket.multicast = true;
  socket.group = SocketAddress(group.ip(), port);
  socket.interface_index = index;
  SIMRTC_RETURN_IF_ERROR(Register(fd.release(), std::move(socket)));
  return key;
}

void UdpLoop::Unbind(const SocketAddress& address) {
  auto it = sockets_.find(address);
  if (it == sockets_.end()) return;
  epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, it->second, nullptr);
  close(it->second);
  by_fd_.erase(it->second);
  sockets_.erase(it);
}

void UdpLoop::Stop() {
  stop_.store(true);
  const uint64_t one = 1;
  // Best effort: the flag alone is enough once epoll_wait returns.
  [[maybe_unused]] ssize_t n = write(event_fd_, &one, sizeof(one));
}

int UdpLoop::SocketFor(const Transmit& t) const {
  if (auto it = sockets_.find(t.local); it != sockets_.end()) {
    return it->second;
  }
  if (t.remote.ip().IsMulticast()) {
    for (const auto& [addr, fd] : sockets_) {
      const Socket& s = by_fd_.at(fd);
      if (s.multicast && s.group == t.remote) return fd;
    }
  }
  for (const auto& [addr, fd] : sockets_) {
    if (addr.family() == t.remote.family()) return fd;
  }
  return -1;
}

void UdpLoop::Send(int fd, const Transmit& t) {
  const Socket& s = by_fd_.at(fd);
  sockaddr_storage to;
  const socklen_t to_len = ToSockaddr(t.remote, to, s.interface_index);
  iovec iov{const_cast<uint8_t*>(t.payload.data()), t.payload.size()};
  msghdr msg{};
  msg.msg_name = &to;
  msg.msg_namelen = to_len;
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  alignas(cmsghdr) std::array<char, CMSG_SPACE(sizeof(in6_pktinfo))> control{};
  if (s.multicast) {
    // The socket is bound to the wildcard address; without this the kernel
    // would pick the source itself (on lo, another interface's address).
    msg.msg_control = control.data();
    cmsghdr* c = reinterpret_cast<cmsghdr*>(control.data());
    if (s.local.ip().is_v6()) {
      in6_pktinfo info{};
      std::memcpy(&info.ipi6_addr, s.local.ip().bytes().data(), 16);
      info.ipi6_ifindex = static_cast<unsigned>(s.interface_index);
      c->cmsg_level = IPPROTO_IPV6;
      c->cmsg_type = IPV6_PKTINFO;
      c->cmsg_len = CMSG_LEN(sizeof(info));
      std::memcpy(CMSG_DATA(c), &info, sizeof(info));
      msg.msg_controllen = CMSG_SPACE(sizeof(info));
    } else {
      in_pktinfo info{};
      info.ipi_ifindex = s.interface_index;
      std::memcpy(&info.ipi_spec_dst, s.local.ip().bytes().data(), 4);
      c->cmsg_level = IPPROTO_IP;
      c->cmsg_type = IP_PKTINFO;
      c->cmsg_len = CMSG_LEN(sizeof(info));
      std::memcpy(CMSG_DATA(c), &info, sizeof(info));
      msg.msg_controllen = CMSG_SPACE(sizeof(info));
    }
  }
  if (sendmsg(fd, &msg, 0) < 0) {
    ++send_errors_;
    last_send_error_ =
        absl::StrFormat("sendmsg from %s to %s: %s", s.local.ToString(),
                        t.remote.ToString(), std::strerror(errno));
  }
}

void UdpLoop::Drain(Endpoint& endpoint) {
  while (auto t = endpoint.PollTransmit()) {
    const int fd = SocketFor(*t);
    if (fd < 0) {
      ++send_errors_;
      last_send_error_ =
          absl::StrFormat("no socket to send from %s to %s",
                          t->local.ToString(), t->remote.ToString());
      continue;
    }
    Send(fd, *t);
  }
}

bool UdpLoop::Receive(int fd, const Socket& socket, std::vector<uint8_t>& buf,
                      Datagram& out) {
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
  out.local = socket.local;
  if (socket.multicast) {
    out.local = socket.group;  // if the kernel gave no destination
    for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr;
         c = CMSG_NXTHDR(&msg, c)) {
      if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
        in_pktinfo info;
        std::memcpy(&info, CMSG_DATA(c), sizeof(info));
        out.local = SocketAddress(IpAddress::V4(ntohl(info.ipi_addr.s_addr)),
                                  socket.local.port());
      } else if (c->cmsg_level == IPPROTO_IPV6 &&
                 c->cmsg_type == IPV6_PKTINFO) {
        in6_pktinfo info;
        std::memcpy(&info, CMSG_DATA(c), sizeof(info));
        out.local = SocketAddress(FromIn6(info.ipi6_addr), socket.local.port());
      }
    }
  }
  out.remote = FromSockaddr(from);
  out.transport = Transport::kUdp;
  out.payload.assign(buf.begin(), buf.begin() + got);
  return true;
}

absl::Status UdpLoop::Run(Endpoint& endpoint,
                          const std::function<void(Timestamp)>& after_io) {
  if (epoll_fd_ < 0 || event_fd_ < 0) {
    return absl::InternalError("UdpLoop: epoll/eventfd creation failed");
  }
  std::vector<uint8_t> buf(65536);
  std::array<epoll_event, 32> events;
  while (!stop_.load()) {
    Timestamp now = Now();
    if (auto next = endpoint.NextTimeout(); next && *next <= now) {
      endpoint.HandleTimeout(now);
    }
    if (after_io) after_io(now);
    Drain(endpoint);
    int timeout_ms = 1000;  // also bounds how late a Stop() flag is noticed
    if (auto next = endpoint.NextTimeout()) {
      const int64_t wait_us = (*next - Now()).us();
      timeout_ms = static_cast<int>(
          std::clamp<int64_t>((wait_us + 999) / 1000, 0, 1000));
    }
    const int n = epoll_wait(epoll_fd_, events.data(),
                             static_cast<int>(events.size()), timeout_ms);
    if (n < 0) {
      if (errno == EINTR) continue;
      return absl::InternalError(
          absl::StrFormat("UdpLoop: epoll_wait: %s", std::strerror(errno)));
    }
    now = Now();
    for (int i = 0; i < n; ++i) {
      const int fd = events[i].data.fd;
      if (fd == event_fd_) {
        uint64_t v;
        [[maybe_unused]] ssize_t r = read(event_fd_, &v, sizeof(v));
        continue;
      }
      for (int k = 0; k < 64; ++k) {
        auto it = by_fd_.find(fd);
        if (it == by_fd_.end()) break;  // unbound (possibly by the hook)
        Datagram d;
        if (!Receive(fd, it->second, buf, d)) break;
        endpoint.HandleDatagram(now, d);
        if (after_io) after_io(now);
        Drain(endpoint);
      }
    }
  }
  return absl::OkStatus();
}

void StopOnSignals(UdpLoop* loop) {
  g_signal_loop.store(loop);
  struct sigaction sa {};
  sa.sa_handler = OnSignal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

}  // namespace simrtc::net
