// turn_load: measures how many packets per second a TURN server relays on
// real UDP sockets, the same way for any server (ours or coturn), so the
// two can be compared in one run (bench/turn/turn_vs_coturn.sh).
//
//   turn_load --server=127.0.0.1:3478 --user=u --password=p --clients=4
//             --seconds=5 --size=200 --window=64
//
// Each client allocates with core/turn's client, binds a channel to one
// peer socket, then keeps `window` packets in flight towards the peer as
// ChannelData; the peer counts what the relay delivers. A client that sees
// no delivery for 100 ms writes its window off as lost, so a drop never
// stalls the run. Prints one line:
//   TURN_LOAD relayed=<n> lost=<n> seconds=<t> pps=<x> MBps=<y>
// This is a benchmark tool: it reads the wall clock and uses blocking-free
// POSIX sockets directly.
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "core/base/rng.h"
#include "core/turn/client.h"

ABSL_FLAG(std::string, server, "127.0.0.1:3478", "TURN server ip:port");
ABSL_FLAG(std::string, user, "u", "TURN username");
ABSL_FLAG(std::string, password, "p", "TURN password");
ABSL_FLAG(int, clients, 4, "allocations sending at once");
ABSL_FLAG(double, seconds, 5, "measurement time");
ABSL_FLAG(int, size, 200, "payload bytes per packet");
ABSL_FLAG(int, window, 64, "packets in flight per client");

namespace simrtc {
namespace {

using Clock = std::chrono::steady_clock;

Timestamp Now(Clock::time_point epoch) {
  return Timestamp::Micros(
      std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() -
                                                            epoch)
          .count());
}

int BindLoopback(SocketAddress* bound) {
  const int fd = socket(AF_INET, SOCK_DGRAM, 0);
  if (fd < 0) return -1;
  sockaddr_in sin{};
  sin.sin_family = AF_INET;
  sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(fd, reinterpret_cast<sockaddr*>(&sin), sizeof(sin)) != 0) return -1;
  socklen_t len = sizeof(sin);
  getsockname(fd, reinterpret_cast<sockaddr*>(&sin), &len);
  fcntl(fd, F_SETFL, O_NONBLOCK);
  const int buf = 4 << 20;
  setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buf, sizeof(buf));
  setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &buf, sizeof(buf));
  *bound = SocketAddress(IpAddress::V4(127, 0, 0, 1), ntohs(sin.sin_port));
  return fd;
}

sockaddr_in ToSockaddr(const SocketAddress& a) {
  sockaddr_in sin{};
  sin.sin_family = AF_INET;
  std::memcpy(&sin.sin_addr, a.ip().bytes().data(), 4);
  sin.sin_port = htons(a.port());
  return sin;
}

SocketAddress FromSockaddr(const sockaddr_in& sin) {
  return SocketAddress(IpAddress::V4(ntohl(sin.sin_addr.s_addr)),
                       ntohs(sin.sin_port));
}

struct LoadClient {
  int fd = -1;
  std::unique_ptr<turn::Client> turn;
  bool ready = false;
  int in_flight = 0;
  Clock::time_point last_progress;
};

void Flush(LoadClient& c) {
  while (std::optional<Transmit> t = c.turn->PollTransmit()) {
    const sockaddr_in to = ToSockaddr(t->remote);
    sendto(c.fd, t->payload.data(), t->payload.size(), 0,
           reinterpret_cast<const sockaddr*>(&to), sizeof(to));
  }
}

void Receive(LoadClient& c, Timestamp now) {
  uint8_t buf[2048];
  while (true) {
    sockaddr_in from{};
    socklen_t len = sizeof(from);
    const ssize_t n = recvfrom(c.fd, buf, sizeof(buf), 0,
                               reinterpret_cast<sockaddr*>(&from), &len);
    if (n < 0) return;
    c.turn->HandleDatagram(
        now, Datagram{c.turn->local_address(), FromSockaddr(from),
                      Transport::kUdp, std::vector<uint8_t>(buf, buf + n)});
  }
}

int Run() {
  const auto server = SocketAddress::Parse(absl::GetFlag(FLAGS_server));
  if (!server.ok() || server->family() != IpFamily::kIPv4) {
    std::fprintf(stderr, "--server: an IPv4 ip:port is required\n");
    return 2;
  }
  const int n_clients = absl::GetFlag(FLAGS_clients);
  const int window = absl::GetFlag(FLAGS_window);
  const size_t size = static_cast<size_t>(absl::GetFlag(FLAGS_size));
  const Clock::time_point epoch = Clock::now();

  SocketAddress peer;
  const int peer_fd = BindLoopback(&peer);
  if (peer_fd < 0) {
    std::perror("peer socket");
    return 1;
  }
  std::vector<LoadClient> clients(n_clients);
  std::map<SocketAddress, int> by_relay;
  Rng rng(7);
  for (int i = 0; i < n_clients; ++i) {
    LoadClient& c = clients[i];
    SocketAddress local;
    c.fd = BindLoopback(&local);
    if (c.fd < 0) {
      std::perror("client socket");
      return 1;
    }
    turn::ClientConfig config;
    config.local = local;
    config.server = *server;
    config.username = absl::GetFlag(FLAGS_user);
    config.password = absl::GetFlag(FLAGS_password);
    c.turn = std::make_unique<turn::Client>(config,
                                            rng.Fork("c" + std::to_string(i)));
    (void)c.turn->Allocate(Now(epoch));
    Flush(c);
  }
  // Setup: allocate, then bind a channel to the peer, for every client.
  const Clock::time_point setup_deadline =
      Clock::now() + std::chrono::seconds(10);
  int ready = 0;
  while (ready < n_clients) {
    if (Clock::now() > setup_deadline) {
      std::fprintf(stderr, "setup timed out: %d of %d clients ready\n", ready,
                   n_clients);
      return 1;
    }
    for (LoadClient& c : clients) {
      const Timestamp now = Now(epoch);
      Receive(c, now);
      if (auto t = c.turn->NextTimeout(); t && *t <= now) {
        c.turn->HandleTimeout(now);
      }
      while (std::optional<turn::ClientEvent> e = c.turn->PollEvent()) {
        if (e->kind == turn::ClientEvent::Kind::kAllocated) {
          by_relay[e->relayed] = static_cast<int>(&c - clients.data());
          (void)c.turn->BindChannel(now, peer);
        } else if (e->kind == turn::ClientEvent::Kind::kChannelBound) {
          c.ready = true;
          ++ready;
        } else if (e->kind == turn::ClientEvent::Kind::kError) {
          std::fprintf(stderr, "client error: %s\n",
                       std::string(e->status.message()).c_str());
          return 1;
        }
      }
      Flush(c);
    }
    usleep(200);
  }

  std::vector<uint8_t> payload(size, 0xAB);
  int64_t relayed = 0;
  int64_t lost = 0;
  int64_t sent = 0;
  const auto duration =
      std::chrono::duration<double>(absl::GetFlag(FLAGS_seconds));
  const Clock::time_point start = Clock::now();
  for (LoadClient& c : clients) c.last_progress = start;
  uint8_t buf[2048];
  while (Clock::now() - start < duration) {
    const Timestamp now = Now(epoch);
    for (LoadClient& c : clients) {
      while (c.in_flight < window) {
        (void)c.turn->SendTo(now, peer, payload);
        ++c.in_flight;
        ++sent;
      }
      Flush(c);
    }
    bool got = false;
    while (true) {
      sockaddr_in from{};
      socklen_t len = sizeof(from);
      const ssize_t n = recvfrom(peer_fd, buf, sizeof(buf), 0,
                                 reinterpret_cast<sockaddr*>(&from), &len);
      if (n < 0) break;
      got = true;
      auto it = by_relay.find(FromSockaddr(from));
      if (it == by_relay.end()) continue;
      LoadClient& c = clients[it->second];
      if (c.in_flight > 0) --c.in_flight;
      c.last_progress = Clock::now();
      ++relayed;
    }
    const Clock::time_point t = Clock::now();
    for (LoadClient& c : clients) {
      if (c.in_flight > 0 &&
          t - c.last_progress > std::chrono::milliseconds(100)) {
        lost += c.in_flight;
        c.in_flight = 0;
        c.last_progress = t;
      }
      // Keep the allocation and channel refreshed during long runs.
      if (auto due = c.turn->NextTimeout(); due && *due <= now) {
        c.turn->HandleTimeout(now);
        Flush(c);
      }
    }
    if (!got) {
      pollfd p{peer_fd, POLLIN, 0};
      poll(&p, 1, 1);
    }
  }
  const double seconds =
      std::chrono::duration<double>(Clock::now() - start).count();
  std::printf(
      "TURN_LOAD server=%s clients=%d size=%zu window=%d sent=%lld "
      "relayed=%lld lost=%lld seconds=%.2f pps=%.0f MBps=%.2f\n",
      server->ToString().c_str(), n_clients, size, window,
      static_cast<long long>(sent), static_cast<long long>(relayed),
      static_cast<long long>(lost), seconds, relayed / seconds,
      relayed * static_cast<double>(size) / seconds / 1e6);
  return relayed > 0 ? 0 : 1;
}

}  // namespace
}  // namespace simrtc

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  return simrtc::Run();
}
