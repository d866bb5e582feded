// UdpLoop: the minimal real-socket driver for ONE sans-IO endpoint.
//
// Contract:
//  - Non-blocking UDP sockets bound to the addresses given to Bind(), plus
//    multicast sockets opened by BindMulticast(), one epoll set, wall time
//    from std::chrono::steady_clock expressed as a simrtc::Timestamp whose
//    epoch is the loop's construction.
//  - Run() drives the endpoint until Stop(): each received datagram is
//    handed over with `local` = the address of the socket it arrived on
//    (the bound address, so a wildcard bind reports 0.0.0.0:port; for a
//    multicast socket, the datagram's destination: the group, or our
//    unicast address); after every input the transmits are drained and sent
//    from the socket registered under Transmit::local (or, when unset or
//    unknown, a multicast socket joined to Transmit::remote if it is a
//    group, else the first socket of the same family); HandleTimeout runs
//    when NextTimeout() is due.
//  - A multicast socket is registered under (interface address, port):
//    Transmits from that address go out of it, on its interface, with that
//    address as their source (IP_PKTINFO / IPV6_PKTINFO), to the group or
//    to a unicast peer alike.
//  - Stop() is thread-safe and async-signal-safe (it writes an eventfd).
//  - Single-threaded otherwise: Bind/BindMulticast/Unbind only from the
//    loop thread (e.g. from the `after_io` hook) or before Run().
//  - Send errors (e.g. ICMP-induced ECONNREFUSED) are counted and ignored,
//    as UDP loss would be; last_send_error() describes the latest one.
#ifndef NET_UDP_LOOP_H_
#define NET_UDP_LOOP_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/base/datagram.h"
#include "core/base/sans_io.h"
#include "core/base/socket_address.h"
#include "core/base/time.h"
#include "net/multicast.h"

namespace simrtc::net {

class UdpLoop {
 public:
  // The driven object, type-erased; Wrap() adapts any SansIoEndpoint.
  class Endpoint {
   public:
    virtual ~Endpoint() = default;
    virtual void HandleDatagram(Timestamp now, const Datagram& d) = 0;
    virtual void HandleTimeout(Timestamp now) = 0;
    virtual std::optional<Transmit> PollTransmit() = 0;
    virtual std::optional<Timestamp> NextTimeout() = 0;
  };
  template <SansIoEndpoint T>
  class Adapter : public Endpoint {
   public:
    explicit Adapter(T& t) : t_(t) {}
    void HandleDatagram(Timestamp now, const Datagram& d) override {
      t_.HandleDatagram(now, d);
    }
    void HandleTimeout(Timestamp now) override { t_.HandleTimeout(now); }
    std::optional<Transmit> PollTransmit() override {
      return t_.PollTransmit();
    }
    std::optional<Timestamp> NextTimeout() override { return t_.NextTimeout(); }

   private:
    T& t_;
  };

  UdpLoop();
  ~UdpLoop();
  UdpLoop(const UdpLoop&) = delete;
  UdpLoop& operator=(const UdpLoop&) = delete;

  // Binds a socket; port 0 picks one. Returns the bound address.
  absl::StatusOr<SocketAddress> Bind(const SocketAddress& address);

  // An interface to join a group on: our address there, which becomes the
  // source address of everything sent through the membership, and the
  // interface index (0: the interface FindInterfaceFor(address) names, so
  // any 127.0.0.0/8 address means the loopback interface).
  struct MulticastInterface {
    IpAddress address;
    int index = 0;
  };
  // Opens a socket for the multicast `group` (224.0.0.251:5353 and
  // [ff02::fb]:5353 for mDNS; port 0 picks a free port) on one interface:
  // bound to the wildcard address of the group's family at the group's port
  // with SO_REUSEADDR and SO_REUSEPORT (so other processes can share the
  // port, as RFC 6762 expects), IPv6-only for IPv6, member of the group on
  // that interface only (IP_MULTICAST_ALL / IPV6_MULTICAST_ALL off),
  // multicast sent out of that interface with loopback on, TTL / hop limit
  // 255 for multicast and unicast. Returns the address it is registered
  // under: (interface.address, bound port). Fails, naming the call that
  // failed, when a socket option is refused or no route takes the group out
  // of the interface (Linux's lo, for one, has no IPv6 multicast route);
  // AlreadyExists when this loop already joined the group on the interface
  // or has a socket under that address.
  absl::StatusOr<SocketAddress> BindMulticast(
      const SocketAddress& group, const MulticastInterface& interface);
  void Unbind(const SocketAddress& address);
  bool IsBound(const SocketAddress& address) const {
    return sockets_.contains(address);
  }

  // Runs until Stop(). `after_io` (optional) is called after every batch of
  // inputs, before transmits are drained: the place to poll the endpoint's
  // events and issue API calls.
  absl::Status Run(Endpoint& endpoint,
                   const std::function<void(Timestamp)>& after_io = {});
  void Stop();
  Timestamp Now() const;
  uint64_t send_errors() const { return send_errors_; }
  // What the latest failed send was and why; empty before any failure.
  const std::string& last_send_error() const { return last_send_error_; }

 private:
  struct Socket {
    SocketAddress local;  // the key in sockets_
    // Multicast sockets only: their group membership.
    std::optional<MulticastMembership> multicast;
  };

  void Drain(Endpoint& endpoint);
  int SocketFor(const Transmit& t) const;
  void Send(int fd, const Transmit& t);
  // Reads one datagram from `fd`; false when the socket has no more.
  bool Receive(int fd, const Socket& socket, std::vector<uint8_t>& buf,
               Datagram& out);
  absl::Status Register(int fd, Socket socket);

  int epoll_fd_ = -1;
  int event_fd_ = -1;
  std::map<SocketAddress, int> sockets_;
  std::map<int, Socket> by_fd_;
  std::atomic<bool> stop_{false};
  int64_t origin_us_ = 0;
  uint64_t send_errors_ = 0;
  std::string last_send_error_;
};

// For signal handlers: stops this loop on SIGINT/SIGTERM.
void StopOnSignals(UdpLoop* loop);

}  // namespace simrtc::net

#endif  // NET_UDP_LOOP_H_
