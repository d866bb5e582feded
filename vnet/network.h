// The virtual network: a deterministic, sans-IO model of hosts, nested
// routers with RFC 4787 NATs, and lossy, delayed, bandwidth-limited links.
//
// Contract
//  * Network never reads a clock. Traffic enters with Send(now, ...); packets
//    in flight are internal events; HandleTimeout(now) advances everything
//    due at or before `now`; deliveries to hosts are drained with
//    PollDelivery(). NextTimeout() tells the driver when to call again.
//  * Determinism: all randomness (loss, jitter, duplication, NAT port
//    choice) comes from per-component Rng streams forked from the Rng given
//    to the constructor, keyed by component name, so adding a host does not
//    change another link's loss pattern. Internal events are ordered by
//    (time, insertion sequence). No hash-map iteration reaches an output.
//  * Every packet is accounted for: it is delivered or counted as dropped
//    with a reason in the statistics of the link, NAT or host where it died.
//  * Bad configuration (unknown router, overlapping subnets, duplicate names,
//    address outside subnet, ...) is refused with a Status naming the object.
//
// Routing model: a router is a LAN. A packet from a host goes up its host
// link to its router; if the destination is on that LAN it goes down the
// destination host's link; otherwise it goes through the router's NAT (if
// any) and up the router's uplink to the parent router, and so on. Packets
// from above reach a LAN through the NAT's inbound translation/filtering.
// Multicast (224.0.0.0/4, ff00::/8) sent by a host is delivered to every
// other host on the same router's LAN and never crosses a router.
#ifndef VNET_NETWORK_H_
#define VNET_NETWORK_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/base/datagram.h"
#include "core/base/rng.h"
#include "core/base/socket_address.h"
#include "core/base/time.h"
#include "vnet/config.h"
#include "vnet/pcap_writer.h"
#include "vnet/types.h"

namespace simrtc::vnet {

// HostId, RouterId, DropReason, TrafficCounters, LinkStats, NatStats,
// Delivery and TraceRecord are defined in vnet/types.h; PcapWriter in
// vnet/pcap_writer.h. Both are included here, so this header is the API.

class Network {
 public:
  explicit Network(Rng rng);
  ~Network();
  Network(const Network&) = delete;
  Network& operator=(const Network&) = delete;

  // Topology. Parents must be added before children; hosts after routers.
  absl::StatusOr<RouterId> AddRouter(const RouterConfig& config);
  absl::StatusOr<HostId> AddHost(const HostConfig& config);

  std::optional<HostId> FindHost(std::string_view name) const;
  std::optional<RouterId> FindRouter(std::string_view name) const;
  const HostConfig& host_config(HostId id) const;
  const RouterConfig& router_config(RouterId id) const;
  // Current interface addresses of a host (after any ChangeHostAddress).
  std::vector<IpAddress> HostAddresses(HostId id) const;
  int host_count() const;
  int router_count() const;

  // Traffic. `d.local` must be one of the host's addresses (port chosen by
  // the caller); `d.remote` is the destination. Returns the packet id.
  // Refuses (with a Status) a local address the host does not own.
  // An unset or unspecified (0.0.0.0 / ::) local IP means "any": the host's
  // first address of the destination's family is used, with d.local's port.
  // Send first advances internal events due at or before `now`, so state
  // is never observed out of time order even if the driver skipped a
  // HandleTimeout. The packet leaves at `now` (first hop is an event).
  absl::StatusOr<uint64_t> Send(Timestamp now, HostId from, const Transmit& d);
  // Same, moving the payload through the network without a copy: the
  // vector handed in is the one PollDelivery() hands out.
  absl::StatusOr<uint64_t> Send(Timestamp now, HostId from, Transmit&& d);

  // Advances internal events due at or before now.
  void HandleTimeout(Timestamp now);
  // Earliest pending internal event (a packet arriving at the end of a
  // link; queueing is folded into arrival times), or nullopt if idle.
  // NAT binding expiry needs no wake-up: it is evaluated exactly, lazily,
  // whenever a binding is looked up, and swept on every HandleTimeout.
  std::optional<Timestamp> NextTimeout() const;
  std::optional<Delivery> PollDelivery();

  // Timeline operations (take effect at `now`: pending events due at or
  // before `now` are advanced first, then the change applies to packets
  // entering links from then on). Unknown names give NotFound.
  absl::Status SetHostLink(Timestamp now, std::string_view host,
                           const LinkConfig& link);
  absl::Status SetRouterUplink(Timestamp now, std::string_view router,
                               const LinkConfig& link);
  absl::Status SetLinkUp(Timestamp now, std::string_view host_or_router,
                         bool up);
  // Drops traffic between the two named components (hosts or routers) and
  // everything behind them; one-way when `both_directions` is false
  // (a -> b blocked only).
  absl::Status Partition(Timestamp now, std::string_view a, std::string_view b,
                         bool both_directions);
  absl::Status Heal(Timestamp now, std::string_view a, std::string_view b);
  // Removes every NAT binding of the router now and forgets them: inbound
  // packets to their external endpoints are dropped as kNoBinding.
  absl::Status FlushNatBindings(Timestamp now, std::string_view router);
  // Ends every NAT binding of the router now as if its lifetime had run
  // out: they count as expired and inbound packets to their external
  // endpoints are dropped as kExpiredBinding.
  absl::Status ExpireNatBindings(Timestamp now, std::string_view router);
  // Replaces one address of a host (e.g. a Wi-Fi -> LTE switch). Packets in
  // flight to the old address are dropped as kNoRoute on arrival.
  absl::Status ChangeHostAddress(Timestamp now, std::string_view host,
                                 const IpAddress& old_address,
                                 const IpAddress& new_address);

  // Statistics. An unknown id yields all-zero counters. nat_stats exists
  // for every router (see NatStats for what a router without NAT counts).
  const TrafficCounters& host_counters(HostId id) const;
  const LinkStats& host_link_stats(HostId id) const;
  const LinkStats& router_uplink_stats(RouterId id) const;
  const NatStats& nat_stats(RouterId id) const;
  // Active NAT bindings of a router as (internal, external) pairs, sorted,
  // as of the latest time the network was given.
  std::vector<std::pair<SocketAddress, SocketAddress>> NatBindings(
      RouterId id) const;

  // Observation: called for every TraceRecord as it happens.
  void SetTraceSink(std::function<void(const TraceRecord&)> sink);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace simrtc::vnet

#endif  // VNET_NETWORK_H_
