// Shared helpers for vnet tests: address literals and a small driver that
// runs a Network the way the simulator does (advance to NextTimeout, drain
// deliveries).
#ifndef VNET_TEST_UTIL_H_
#define VNET_TEST_UTIL_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/base/rng.h"
#include "core/base/socket_address.h"
#include "core/base/time.h"
#include "vnet/network.h"

namespace simrtc::vnet::testing {

// Parse helpers; a bad literal fails the current test.
IpAddress Ip(std::string_view text);
SocketAddress Addr(std::string_view text);
// "192.168.1.0/24"
std::pair<IpAddress, int> Subnet(std::string_view text);
std::vector<uint8_t> Payload(size_t size, uint8_t fill = 0xab);

RouterConfig MakeRouter(std::string name, std::string parent,
                        std::vector<std::string_view> subnets,
                        std::optional<NatConfig> nat = std::nullopt);
HostConfig MakeHost(std::string name, std::string router,
                    std::vector<std::string_view> addresses = {});

// Drives a Network like a simulator: time moves to each NextTimeout and
// every delivery is collected in order.
class Driver {
 public:
  explicit Driver(uint64_t seed = 1) : net(Rng(seed)) {}

  // Add* that fail the test on error and return the id (or -1).
  RouterId AddRouter(const RouterConfig& c);
  HostId AddHost(const HostConfig& c);
  HostId Host(std::string_view name);
  IpAddress HostIp(std::string_view name, IpFamily family = IpFamily::kIPv4);

  // Sends `size` bytes at the driver's current time; returns the packet id
  // (0 and a test failure on error).
  uint64_t Send(std::string_view host, const SocketAddress& local,
                const SocketAddress& remote, size_t size = 100);
  // Same, with the host's first IPv4 address and the given local port.
  uint64_t SendFrom(std::string_view host, uint16_t port,
                    const SocketAddress& remote, size_t size = 100);

  // Processes events due up to and including t, then sets now = t.
  void RunUntil(Timestamp t);
  // Processes events until none are left (bounded by `limit`).
  void RunUntilIdle(Timestamp limit = Timestamp::Seconds(100000));
  void Advance(TimeDelta d) { RunUntil(now + d); }

  // Deliveries collected so far for `host`, and clears them all.
  std::vector<Delivery> TakeAll();
  std::vector<Delivery> DeliveriesTo(std::string_view host) const;

  Network net;
  Timestamp now = Timestamp::Zero();
  std::vector<Delivery> deliveries;

 private:
  void Drain();
};

}  // namespace simrtc::vnet::testing

#endif  // VNET_TEST_UTIL_H_
