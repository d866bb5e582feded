// The hook through which a relay client (the TURN client of core/turn, or
// a test fake) gives the ICE agent relayed candidates (RFC 8445 section
// 5.1.1.2) and carries their traffic.
//
// Contract:
//  * A RelayAllocator is a subordinate sans-IO endpoint driven by the
//    agent, so the driver still deals with one object: the agent offers
//    every received datagram to HandleDatagram first (the allocator takes
//    the ones from its servers and returns true), drains PollTransmit into
//    its own PollTransmit, folds NextTimeout into its own and calls
//    HandleTimeout when due. The allocator never reads a clock or sockets.
//  * Allocate(now, base) asks for relayed addresses reached from the local
//    socket `base` (the agent calls it once per eligible host socket). For
//    each allocation that succeeds the allocator emits RelayAllocated
//    (possibly several: one per TURN server), then exactly one
//    RelayAllocationDone for that base, success or not. Gathering waits for
//    every Done.
//  * Traffic: Send(handle, peer, bytes) sends `bytes` from the relayed
//    address to `peer` (the allocator wraps it: Send indication or
//    ChannelData); what peers send to a relayed address comes back,
//    unwrapped, as RelayData. Before the agent sends to or expects traffic
//    from a peer IP it calls Permit (TURN CreatePermission); Permit is
//    idempotent and the allocator keeps permissions refreshed.
//  * RelayLost reports an allocation that died (refresh failed, server
//    gone); the agent drops its candidate and pairs. Release(handle) frees
//    one (on Close or restart); no events follow for it.
//  * Determinism: events and transmits come out in a fixed order for a
//    given input sequence.
#ifndef CORE_ICE_RELAY_H_
#define CORE_ICE_RELAY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "absl/status/status.h"
#include "core/base/byte_io.h"
#include "core/base/datagram.h"
#include "core/base/socket_address.h"
#include "core/base/time.h"

namespace simrtc::ice {

using RelayHandle = uint64_t;

struct RelayAllocated {
  SocketAddress base;  // the local socket the allocation was made from
  RelayHandle handle = 0;
  SocketAddress relayed;  // XOR-RELAYED-ADDRESS: the relay candidate
  SocketAddress server;   // the TURN server (foundation, stats url)
  // XOR-MAPPED-ADDRESS of the Allocate response, when the server gave
  // one; the agent turns it into a server-reflexive candidate.
  std::optional<SocketAddress> mapped;
  std::string url;                     // "turn:203.0.113.5:3478?transport=udp"
  std::string relay_protocol = "udp";  // client <-> server transport
};

struct RelayAllocationDone {
  SocketAddress base;
  absl::Status status;  // why nothing (more) was allocated, if anything
};

struct RelayData {
  RelayHandle handle = 0;
  SocketAddress peer;
  std::vector<uint8_t> payload;
};

struct RelayLost {
  RelayHandle handle = 0;
  absl::Status reason;
};

using RelayEvent =
    std::variant<RelayAllocated, RelayAllocationDone, RelayData, RelayLost>;

class RelayAllocator {
 public:
  virtual ~RelayAllocator() = default;

  virtual absl::Status Allocate(Timestamp now, const SocketAddress& base) = 0;
  virtual absl::Status Send(Timestamp now, RelayHandle handle,
                            const SocketAddress& peer, ByteSpan payload) = 0;
  virtual void Permit(Timestamp now, RelayHandle handle,
                      const IpAddress& peer) = 0;
  virtual void Release(Timestamp now, RelayHandle handle) = 0;

  // True when the datagram was the allocator's (it came from one of its
  // servers); the agent then does nothing else with it.
  virtual bool HandleDatagram(Timestamp now, const Datagram& d) = 0;
  virtual void HandleTimeout(Timestamp now) = 0;
  virtual std::optional<Timestamp> NextTimeout() const = 0;
  virtual std::optional<Transmit> PollTransmit() = 0;
  virtual std::optional<RelayEvent> PollEvent() = 0;
};

}  // namespace simrtc::ice

#endif  // CORE_ICE_RELAY_H_
