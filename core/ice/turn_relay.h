// The RelayAllocator (relay.h) that gathers relay candidates from real TURN
// servers (RFC 8656) with core/turn's client.
//
// Contract:
//  * One turn::Client per (local socket, TURN server) of the same address
//    family; Allocate(now, base) starts all of them for that socket and
//    emits RelayAllocated for each success and one RelayAllocationDone
//    once every one of them has succeeded or failed. A server of the other
//    family is skipped (and named in the Done status when nothing else was
//    allocated).
//  * Permit() creates (and the client then keeps refreshing) a TURN
//    permission; the first Send() to a peer also binds a channel so later
//    traffic uses 4-byte ChannelData headers instead of 36-byte Send
//    indications. Data sent before the permission is confirmed is held by
//    the client, not lost.
//  * An allocation whose refresh fails, or that the server reports as gone
//    (437), is reported once as RelayLost. Release() deallocates (LIFETIME
//    0); the client is kept until that transaction ends so the request is
//    retransmitted, but it reports nothing more.
//  * Datagrams are claimed by (local socket, server address): only traffic
//    from a server we allocated on, arriving on that socket, is taken.
//  * Deterministic: clients live in ordered maps keyed by handle; each
//    client draws from its own fork of the injected Rng.
#ifndef CORE_ICE_TURN_RELAY_H_
#define CORE_ICE_TURN_RELAY_H_

#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/base/rng.h"
#include "core/ice/relay.h"
#include "core/stun/transaction.h"
#include "core/turn/client.h"

namespace simrtc::ice {

struct TurnServerConfig {
  SocketAddress address;
  std::string username;
  std::string password;
};

struct TurnRelayConfig {
  std::vector<TurnServerConfig> servers;
  TimeDelta lifetime = TimeDelta::Seconds(600);
  stun::TransactionConfig transaction;
  std::string software = "simrtc-ice";
};

class TurnRelayAllocator : public RelayAllocator {
 public:
  TurnRelayAllocator(TurnRelayConfig config, Rng rng);
  ~TurnRelayAllocator() override;

  absl::Status Allocate(Timestamp now, const SocketAddress& base) override;
  absl::Status Send(Timestamp now, RelayHandle handle,
                    const SocketAddress& peer, ByteSpan payload) override;
  void Permit(Timestamp now, RelayHandle handle,
              const IpAddress& peer) override;
  void Release(Timestamp now, RelayHandle handle) override;

  bool HandleDatagram(Timestamp now, const Datagram& d) override;
  void HandleTimeout(Timestamp now) override;
  std::optional<Timestamp> NextTimeout() const override;
  std::optional<Transmit> PollTransmit() override;
  std::optional<RelayEvent> PollEvent() override;

  // Live allocations (allocated and not lost or released).
  size_t allocation_count() const;

 private:
  enum class Phase { kAllocating, kAllocated, kLost, kReleasing };
  struct Slot {
    std::unique_ptr<turn::Client> client;
    SocketAddress base;
    SocketAddress server;
    Phase phase = Phase::kAllocating;
    std::set<SocketAddress> channel_requested;
  };

  // Moves the client's transmits and events out; turns events into relay
  // events.
  void Drain(Timestamp now, RelayHandle handle, Slot& slot);
  void OnClientEvent(Timestamp now, RelayHandle handle, Slot& slot,
                     turn::ClientEvent e);
  // Emits RelayAllocationDone for `base` once none of its slots allocates.
  void MaybeDone(const SocketAddress& base);

  TurnRelayConfig config_;
  Rng rng_;
  RelayHandle next_handle_ = 1;
  std::map<RelayHandle, Slot> slots_;
  // Bases with an Allocate whose Done is still owed, and the first error
  // seen for each (reported when nothing was allocated).
  std::map<SocketAddress, absl::Status> pending_bases_;
  std::map<SocketAddress, int> allocated_per_base_;
  std::deque<Transmit> transmits_;
  std::deque<RelayEvent> events_;
};

}  // namespace simrtc::ice

#endif  // CORE_ICE_TURN_RELAY_H_
