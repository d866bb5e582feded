// UdpLoop: the minimal real-socket driver for ONE sans-IO endpoint.
//
// Contract:
//  - Non-blocking UDP sockets bound to the addresses given to Bind(), one
//    epoll set, wall time from std::chrono::steady_clock expressed as a
//    simrtc::Timestamp whose epoch is the loop's construction.
//  - Run() drives the endpoint until Stop(): each received datagram is
//    handed over with `local` = the address of the socket it arrived on
//    (the bound address, so a wildcard bind reports 0.0.0.0:port); after
//    every input the transmits are drained and sent from the socket bound to
//    Transmit::local (or, when unset or unknown, the first socket of the
//    same family); HandleTimeout runs when NextTimeout() is due.
//  - Stop() is thread-safe and async-signal-safe (it writes an eventfd).
//  - Single-threaded otherwise: Bind/Unbind only from the loop thread (e.g.
//    from the `after_io` hook) or before Run().
//  - Send errors (e.g. ICMP-induced ECONNREFUSED) are counted and ignored,
//    as UDP loss would be.
#ifndef NET_UDP_LOOP_H_
#define NET_UDP_LOOP_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/base/datagram.h"
#include "core/base/sans_io.h"
#include "core/base/socket_address.h"
#include "core/base/time.h"

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

 private:
  void Drain(Endpoint& endpoint);

  int epoll_fd_ = -1;
  int event_fd_ = -1;
  std::map<SocketAddress, int> sockets_;
  std::map<int, SocketAddress> by_fd_;
  std::atomic<bool> stop_{false};
  int64_t origin_us_ = 0;
  uint64_t send_errors_ = 0;
};

// For signal handlers: stops this loop on SIGINT/SIGTERM.
void StopOnSignals(UdpLoop* loop);

}  // namespace simrtc::net

#endif  // NET_UDP_LOOP_H_
