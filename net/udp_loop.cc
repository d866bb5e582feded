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
#include "net/multicast.h"
#include "net/sockaddr.h"

namespace simrtc::net {
namespace {

int64_t SteadyMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
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
  SIMRTC_ASSIGN_OR_RETURN(
      MulticastInterfaceId id,
      ResolveMulticastInterface(interface.address, interface.index));
  for (const auto& [fd, s] : by_fd_) {
    if (s.multicast && s.multicast->interface.index == id.index &&
        s.multicast->group.ip() == group.ip() &&
        (group.port() == 0 || s.multicast->group.port() == group.port())) {
      return absl::AlreadyExistsError(absl::StrFormat(
          "UdpLoop::BindMulticast(%s on %s): already joined there, from %s",
          group.ToString(), id.name, s.local.ip().ToString()));
    }
  }
  SIMRTC_ASSIGN_OR_RETURN(MulticastSocket ms,
                          OpenMulticastSocket(group, interface.address, id));
  if (sockets_.contains(ms.membership.local)) {
    close(ms.fd);
    return absl::AlreadyExistsError(absl::StrFormat(
        "UdpLoop::BindMulticast(%s on %s): a socket is already registered "
        "under %s",
        group.ToString(), id.name, ms.membership.local.ToString()));
  }
  Socket socket;
  socket.local = ms.membership.local;
  socket.multicast = ms.membership;
  SIMRTC_RETURN_IF_ERROR(Register(ms.fd, std::move(socket)));
  return ms.membership.local;
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
      if (s.multicast && s.multicast->group == t.remote) return fd;
    }
  }
  for (const auto& [addr, fd] : sockets_) {
    if (addr.family() == t.remote.family()) return fd;
  }
  return -1;
}

void UdpLoop::Send(int fd, const Transmit& t) {
  const Socket& s = by_fd_.at(fd);
  if (s.multicast) {
    if (absl::Status st =
            SendFromMembership(fd, *s.multicast, t.remote, ByteSpan(t.payload));
        !st.ok()) {
      ++send_errors_;
      last_send_error_ = std::string(st.message());
    }
    return;
  }
  sockaddr_storage to;
  const socklen_t to_len = ToSockaddr(t.remote, to);
  if (sendto(fd, t.payload.data(), t.payload.size(), 0,
             reinterpret_cast<sockaddr*>(&to), to_len) < 0) {
    ++send_errors_;
    last_send_error_ =
        absl::StrFormat("sendto from %s to %s: %s", s.local.ToString(),
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
  if (socket.multicast) {
    return ReceiveOnMembership(fd, *socket.multicast, buf, out);
  }
  sockaddr_storage from;
  socklen_t from_len = sizeof(from);
  const ssize_t got = recvfrom(fd, buf.data(), buf.size(), 0,
                               reinterpret_cast<sockaddr*>(&from), &from_len);
  if (got < 0) return false;
  out.local = socket.local;
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
