// Value types shared by the parts of the virtual network: ids, drop reasons,
// counters, deliveries and trace records. network.h re-exports all of them;
// they live here so link.h and nat.h need not include the Network class.
#ifndef VNET_TYPES_H_
#define VNET_TYPES_H_

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "core/base/datagram.h"
#include "core/base/socket_address.h"
#include "core/base/time.h"

namespace simrtc::vnet {

using HostId = int32_t;
using RouterId = int32_t;

// Why a packet died. Counted per link / NAT / host.
enum class DropReason {
  kLoss,            // random or burst loss on a link
  kQueueFull,       // drop-tail queue overflow
  kMtu,             // larger than the link MTU
  kLinkDown,        // link down or partitioned
  kFiltered,        // NAT filtering refused an inbound packet
  kNoRoute,         // no host/router owns the destination
  kNoBinding,       // inbound to a NAT port with no mapping (never mapped,
                    // flushed, or expired too long ago to be remembered)
  kExpiredBinding,  // inbound to a NAT port whose mapping expired (timed
                    // out or ended by Network::ExpireNatBindings)
  kNoPortFree,      // NAT could not allocate an external port
  kFirewall,        // UDP blocked
  kNoHairpin,       // hairpinning needed but disabled
  kCount,
};
// "loss", "queue_full", ... (stable names for traces and reports).
std::string_view DropReasonName(DropReason r);

// Counters of one link direction or one host.
// A link direction counts every packet offered to it as sent; a packet then
// either leaves the far end (delivered) or dies on the link (dropped), and a
// duplicated packet leaves twice. So once nothing is in flight:
//   packets_sent + duplicated == packets_delivered + total_dropped().
// A host counts what it sent with Network::Send, what reached it, and
// packets that reached it for an address it no longer owns (kNoRoute).
struct TrafficCounters {
  int64_t packets_sent = 0;
  int64_t bytes_sent = 0;  // UDP payload bytes
  int64_t packets_delivered = 0;
  int64_t bytes_delivered = 0;
  int64_t duplicated = 0;
  int64_t dropped[static_cast<int>(DropReason::kCount)] = {};
  int64_t total_dropped() const;
  int64_t dropped_for(DropReason r) const {
    return dropped[static_cast<int>(r)];
  }
};

struct LinkStats {
  TrafficCounters up;
  TrafficCounters down;
  // Largest number of bytes waiting behind the packet being serialized,
  // over both directions.
  int64_t max_queue_bytes_seen = 0;
};

// Kept for every router. Binding and translation counters only move on
// routers with a NAT; `dropped` also holds routing drops (kNoRoute) of
// routers without one, so every drop at a router is counted here.
struct NatStats {
  int64_t bindings_created = 0;
  // Timed out or ended by Network::ExpireNatBindings (not flushed).
  int64_t bindings_expired = 0;
  int64_t active_bindings = 0;
  int64_t outbound_translated = 0;
  int64_t inbound_translated = 0;
  int64_t hairpinned = 0;
  int64_t dropped[static_cast<int>(DropReason::kCount)] = {};
  int64_t total_dropped() const;
  int64_t dropped_for(DropReason r) const {
    return dropped[static_cast<int>(r)];
  }
};

// A packet arriving at a host interface.
struct Delivery {
  HostId host;
  Timestamp at;
  // local = host address+port (the group address for multicast),
  // remote = apparent source.
  Datagram datagram;
  uint64_t packet_id;  // stable id for traces (duplicates share it)
};

// One record per packet hop event, for traces and pcap.
struct TraceRecord {
  enum class Kind { kSend, kDeliver, kDrop, kNatOut, kNatIn };
  Kind kind;
  Timestamp at;
  uint64_t packet_id;
  // Host name (kSend, kDeliver, drops at a host), router name (NAT records,
  // drops at a router) or link name "<host or router>/up|down" for the link
  // attaching that host or router to its parent.
  std::string where;
  SocketAddress src;  // addresses as seen at this point (after translation)
  SocketAddress dst;
  int64_t size;                            // UDP payload bytes
  DropReason reason = DropReason::kCount;  // for kDrop
  std::span<const uint8_t> payload;        // valid during the callback only
};

std::string_view TraceKindName(TraceRecord::Kind k);

}  // namespace simrtc::vnet

#endif  // VNET_TYPES_H_
