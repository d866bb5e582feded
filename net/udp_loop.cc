#include "net/udp_loop.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstring>

#include "absl/strings/str_format.h"

namespace simrtc::net {
namespace {

int64_t SteadyMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

socklen_t ToSockaddr(const SocketAddress& a, sockaddr_storage& ss) {
  std::memset(&ss, 0, sizeof(ss));
  if (a.ip().is_v6()) {
    auto* s6 = reinterpret_cast<sockaddr_in6*>(&ss);
    s6->sin6_family = AF_INET6;
    s6->sin6_port = htons(a.port());
    std::memcpy(&s6->sin6_addr, a.ip().bytes().data(), 16);
    return sizeof(sockaddr_in6);
  }
  auto* s4 = reinterpret_cast<sockaddr_in*>(&ss);
  s4->sin_family = AF_INET;
  s4->sin_port = htons(a.port());
  if (a.ip().is_v4()) std::memcpy(&s4->sin_addr, a.ip().bytes().data(), 4);
  return sizeof(sockaddr_in);
}

SocketAddress FromSockaddr(const sockaddr_storage& ss) {
  if (ss.ss_family == AF_INET6) {
    const auto* s6 = reinterpret_cast<const sockaddr_in6*>(&ss);
    std::array<uint8_t, 16> b;
    std::memcpy(b.data(), &s6->sin6_addr, 16);
    return SocketAddress(IpAddress::V6(b), ntohs(s6->sin6_port));
  }
  const auto* s4 = reinterpret_cast<const sockaddr_in*>(&ss);
  return SocketAddress(IpAddress::V4(ntohl(s4->sin_addr.s_addr)),
                       ntohs(s4->sin_port));
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
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.fd = fd;
  epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev);
  sockets_[bound] = fd;
  by_fd_[fd] = bound;
  return bound;
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

void UdpLoop::Drain(Endpoint& endpoint) {
  while (auto t = endpoint.PollTransmit()) {
    int fd = -1;
    auto it = sockets_.find(t->local);
    if (it != sockets_.end()) {
      fd = it->second;
    } else {
      for (const auto& [addr, s] : sockets_) {
        if (addr.family() == t->remote.family()) {
          fd = s;
          break;
        }
      }
    }
    if (fd < 0) {
      ++send_errors_;
      continue;
    }
    sockaddr_storage ss;
    const socklen_t len = ToSockaddr(t->remote, ss);
    if (sendto(fd, t->payload.data(), t->payload.size(), 0,
               reinterpret_cast<sockaddr*>(&ss), len) < 0) {
      ++send_errors_;
    }
  }
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
      auto it = by_fd_.find(fd);
      if (it == by_fd_.end()) continue;
      const SocketAddress local = it->second;
      for (int k = 0; k < 64; ++k) {
        sockaddr_storage from;
        socklen_t from_len = sizeof(from);
        const ssize_t got =
            recvfrom(fd, buf.data(), buf.size(), 0,
                     reinterpret_cast<sockaddr*>(&from), &from_len);
        if (got < 0) break;
        Datagram d{local, FromSockaddr(from), Transport::kUdp,
                   std::vector<uint8_t>(buf.begin(), buf.begin() + got)};
        endpoint.HandleDatagram(now, d);
        if (after_io) after_io(now);
        Drain(endpoint);
        if (!by_fd_.contains(fd)) break;  // unbound by the hook
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
