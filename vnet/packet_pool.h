// Storage for packets in flight: a slab of reusable slots.
//
// Events refer to packets by slot index, so the event heap moves 24-byte
// entries instead of packets, and a slot's payload vector is moved in from
// Send and out to a Delivery: no per-hop copy or allocation. Slots are
// reused last-freed-first, which is deterministic.
#ifndef VNET_PACKET_POOL_H_
#define VNET_PACKET_POOL_H_

#include <cstdint>
#include <utility>
#include <vector>

#include "core/base/datagram.h"
#include "core/base/socket_address.h"
#include "vnet/types.h"

namespace simrtc::vnet {

struct Packet {
  uint64_t id = 0;
  SocketAddress src;  // as on the wire at the current hop
  SocketAddress dst;
  Transport transport = Transport::kUdp;
  HostId origin = -1;  // sending host, for partitions
  int32_t link = -1;   // link direction being traversed
  std::vector<uint8_t> payload;
};

class PacketPool {
 public:
  // Returns a slot whose fields the caller overwrites. References into the
  // pool are invalidated by Allocate().
  uint32_t Allocate() {
    if (!free_.empty()) {
      uint32_t s = free_.back();
      free_.pop_back();
      return s;
    }
    slots_.emplace_back();
    return static_cast<uint32_t>(slots_.size() - 1);
  }
  void Free(uint32_t slot) { free_.push_back(slot); }
  Packet& operator[](uint32_t slot) { return slots_[slot]; }
  const Packet& operator[](uint32_t slot) const { return slots_[slot]; }
  size_t in_use() const { return slots_.size() - free_.size(); }

 private:
  std::vector<Packet> slots_;
  std::vector<uint32_t> free_;
};

}  // namespace simrtc::vnet

#endif  // VNET_PACKET_POOL_H_
