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
#include <cstdio>
#include <span>
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

namespace simrtc::vnet {

using HostId = int32_t;
using RouterId = int32_t;

// Why a packet died. Counted per link / NAT / host.
enum class DropReason {
  kLoss,          // random or burst loss on a link
  kQueueFull,     // drop-tail queue overflow
  kMtu,           // larger than the link MTU
  kLinkDown,      // link down or partitioned
  kFiltered,      // NAT filtering refused an inbound packet
  kNoRoute,       // no host/router owns the destination
  kNoBinding,     // inbound to a NAT port with no (or an expired) mapping
  kNoPortFree,    // NAT could not allocate an external port
  kFirewall,      // UDP blocked
  kNoHairpin,     // hairpinning needed but disabled
  kCount,
};
std::string_view DropReasonName(DropReason r);

struct TrafficCounters {
  int64_t packets_sent = 0;
  int64_t bytes_sent = 0;  // UDP payload bytes
  int64_t packets_delivered = 0;
  int64_t bytes_delivered = 0;
  int64_t duplicated = 0;
  int64_t dropped[static_cast<int>(DropReason::kCount)] = {};
  int64_t total_dropped() const;
};

struct LinkStats {
  TrafficCounters up;
  TrafficCounters down;
  int64_t max_queue_bytes_seen = 0;
};

struct NatStats {
  int64_t bindings_created = 0;
  int64_t bindings_expired = 0;
  int64_t active_bindings = 0;
  int64_t outbound_translated = 0;
  int64_t inbound_translated = 0;
  int64_t hairpinned = 0;
  int64_t dropped[static_cast<int>(DropReason::kCount)] = {};
};

// A packet arriving at a host interface.
struct Delivery {
  HostId host;
  Timestamp at;
  Datagram datagram;  // local = host address+port, remote = apparent source
  uint64_t packet_id;  // stable id for traces (duplicates share it)
};

// One record per packet hop event, for traces and pcap.
struct TraceRecord {
  enum class Kind { kSend, kDeliver, kDrop, kNatOut, kNatIn };
  Kind kind;
  Timestamp at;
  uint64_t packet_id;
  std::string where;  // host, router or link name
  SocketAddress src;  // addresses as seen at this point
  SocketAddress dst;
  int64_t size;  // UDP payload bytes
  DropReason reason = DropReason::kCount;  // for kDrop
  std::span<const uint8_t> payload;  // valid during the callback only
};

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
  absl::StatusOr<uint64_t> Send(Timestamp now, HostId from,
                                const Transmit& d);

  // Advances internal events due at or before now.
  void HandleTimeout(Timestamp now);
  // Earliest pending internal event (packet arrival, queue drain, binding
  // expiry that matters), or nullopt if idle.
  std::optional<Timestamp> NextTimeout() const;
  std::optional<Delivery> PollDelivery();

  // Timeline operations (take effect at `now`).
  absl::Status SetHostLink(Timestamp now, std::string_view host,
                           const LinkConfig& link);
  absl::Status SetRouterUplink(Timestamp now, std::string_view router,
                               const LinkConfig& link);
  absl::Status SetLinkUp(Timestamp now, std::string_view host_or_router,
                         bool up);
  // Drops traffic between the two named components (hosts or routers) and
  // everything behind them; one-way when `both_directions` is false
  // (a -> b blocked only).
  absl::Status Partition(Timestamp now, std::string_view a,
                         std::string_view b, bool both_directions);
  absl::Status Heal(Timestamp now, std::string_view a, std::string_view b);
  // Removes every NAT binding of the router now.
  absl::Status FlushNatBindings(Timestamp now, std::string_view router);
  // Replaces one address of a host (e.g. a Wi-Fi -> LTE switch). Packets in
  // flight to the old address are dropped as kNoRoute on arrival.
  absl::Status ChangeHostAddress(Timestamp now, std::string_view host,
                                 const IpAddress& old_address,
                                 const IpAddress& new_address);

  // Statistics.
  const TrafficCounters& host_counters(HostId id) const;
  const LinkStats& host_link_stats(HostId id) const;
  const LinkStats& router_uplink_stats(RouterId id) const;
  const NatStats& nat_stats(RouterId id) const;
  // Active NAT bindings of a router as (internal, external) pairs, sorted.
  std::vector<std::pair<SocketAddress, SocketAddress>> NatBindings(
      RouterId id) const;

  // Observation: called for every TraceRecord as it happens.
  void SetTraceSink(std::function<void(const TraceRecord&)> sink);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Writes packets as a pcap file (LINKTYPE_RAW, 101) with synthesized
// IPv4/IPv6 + UDP headers (valid checksums), readable by tshark/Wireshark.
// Feed it kSend/kDeliver records (or every record of one host).
class PcapWriter {
 public:
  // Opens (truncates) the file; the global header is written at once.
  static absl::StatusOr<std::unique_ptr<PcapWriter>> Open(
      const std::string& path);
  ~PcapWriter();
  void Write(Timestamp at, const SocketAddress& src, const SocketAddress& dst,
             std::span<const uint8_t> udp_payload);
  int64_t packets_written() const { return packets_; }

 private:
  explicit PcapWriter(std::FILE* f) : file_(f) {}
  std::FILE* file_;
  int64_t packets_ = 0;
};

}  // namespace simrtc::vnet

#endif  // VNET_NETWORK_H_
