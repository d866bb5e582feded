// The NAT table of one router: RFC 4787 mapping, filtering, port
// allocation, address pooling, binding lifetime, static 1:1 entries and a
// UDP-blocking firewall. NatConfig (config.h) states the behaviours.
//
// Contract
//  * Pure table logic: the caller (Network) decides when a packet crosses
//    the NAT and which way; Outbound() rewrites the source of a packet
//    leaving the LAN, Inbound() the destination of one entering it. A
//    refused packet is counted in stats().dropped with its reason.
//  * Expiry is exact and lazy: every lookup treats a binding whose
//    refresh + lifetime <= now as gone, and ExpireDue(now) sweeps them so
//    stats and listings stay current. No timer is needed for correctness.
//  * An expired binding's external endpoint is remembered, so inbound
//    packets to it are refused as kExpiredBinding rather than kNoBinding
//    (a port that never had a mapping). The memory is bounded: it holds the
//    kExpiredBindingMemory most recent expiries; an endpoint is forgotten
//    sooner when a new binding takes it, and Flush() forgets everything.
//  * Lookups use hash maps; nothing iterates a hash map into an output
//    (Bindings() walks the slab and sorts), and port/address choice draws
//    only from the NAT's own Rng, so results are reproducible.
#ifndef VNET_NAT_H_
#define VNET_NAT_H_

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "core/base/datagram.h"
#include "core/base/rng.h"
#include "core/base/socket_address.h"
#include "core/base/time.h"
#include "vnet/config.h"
#include "vnet/types.h"

namespace simrtc::vnet {

class Nat {
 public:
  struct Result {
    bool ok = false;
    DropReason reason = DropReason::kCount;  // when !ok
    SocketAddress address;                   // the rewritten address
  };

  // `external_ips`: the pool (NatConfig::public_ips, or the router's WAN
  // addresses when that is empty). Config must have been validated.
  Nat(const NatConfig& config, std::vector<IpAddress> external_ips, Rng rng);

  // Packet from the LAN endpoint `src` to `dst` outside: returns the
  // external source, creating or refreshing a mapping.
  Result Outbound(Timestamp now, Transport transport, const SocketAddress& src,
                  const SocketAddress& dst);
  // Packet from `src` outside to the external endpoint `dst`: returns the
  // internal destination if a live mapping exists and filtering admits it.
  Result Inbound(Timestamp now, Transport transport, const SocketAddress& src,
                 const SocketAddress& dst);

  // True for pool addresses and static external addresses: what the parent
  // LAN routes to this NAT and what hairpinning recognises.
  bool IsExternalIp(const IpAddress& ip) const;
  // Pool addresses followed by static external addresses, config order.
  std::vector<IpAddress> RoutedAddresses() const;

  // How many expired external endpoints are remembered at most.
  static constexpr size_t kExpiredBindingMemory = 4096;

  void ExpireDue(Timestamp now);
  // Ends every dynamic binding at once as if its lifetime had run out:
  // counted in bindings_expired and remembered, so inbound packets to them
  // are dropped as kExpiredBinding. Address pairings stay, as they do when
  // bindings time out.
  void ExpireAll();
  // Drops every dynamic binding (and address pairing) at once and forgets
  // them: inbound packets to them are dropped as kNoBinding.
  void Flush();
  // Live bindings at `now` as (internal, external), sorted.
  std::vector<std::pair<SocketAddress, SocketAddress>> Bindings(
      Timestamp now) const;

  const NatConfig& config() const { return config_; }
  const NatStats& stats() const { return stats_; }
  NatStats& mutable_stats() { return stats_; }

 private:
  // internal endpoint + the part of the destination the mapping depends on.
  struct MapKey {
    SocketAddress internal;
    SocketAddress remote;  // unset (EIM), port 0 (ADM), full (APDM)
    friend bool operator==(const MapKey&, const MapKey&) = default;
    template <typename H>
    friend H AbslHashValue(H h, const MapKey& k) {
      return H::combine(std::move(h), k.internal, k.remote);
    }
  };
  struct PermitKey {
    uint32_t binding;
    SocketAddress remote;  // port 0 for address-dependent filtering
    friend bool operator==(const PermitKey&, const PermitKey&) = default;
    template <typename H>
    friend H AbslHashValue(H h, const PermitKey& k) {
      return H::combine(std::move(h), k.binding, k.remote);
    }
  };
  struct Binding {
    bool live = false;
    uint32_t generation = 0;
    MapKey key;
    SocketAddress external;
    Timestamp refreshed;
    std::vector<SocketAddress> permits;  // keys into permits_, for removal
  };
  struct ExpiryEntry {
    int64_t at_us;
    uint32_t binding;
    uint32_t generation;
  };

  Result Drop(DropReason r) {
    ++stats_.dropped[static_cast<int>(r)];
    return Result{false, r, {}};
  }
  bool Expired(const Binding& b, Timestamp now) const {
    return now >= b.refreshed + config_.binding_lifetime;
  }
  SocketAddress RemotePart(const SocketAddress& dst) const;
  SocketAddress PermitPart(const SocketAddress& remote) const;
  // Returns the binding index or nullopt (kNoPortFree / kNoRoute in *why).
  std::optional<uint32_t> CreateBinding(Timestamp now, const MapKey& key,
                                        DropReason* why);
  std::optional<uint16_t> AllocatePort(size_t ip_index, uint16_t internal_port,
                                       Timestamp now);
  bool PortFree(const IpAddress& ip, uint16_t port, Timestamp now);
  void Remove(uint32_t index, bool expired);
  void PushExpiry(uint32_t index);
  void RememberExpired(const SocketAddress& external);

  NatConfig config_;
  std::vector<IpAddress> external_ips_;
  std::vector<uint32_t> cursor_;    // next sequential port, per external ip
  size_t round_robin_[2] = {0, 0};  // per family (v4, v6)
  Rng rng_;

  std::vector<Binding> bindings_;
  std::vector<uint32_t> free_;
  absl::flat_hash_map<MapKey, uint32_t> by_key_;
  absl::flat_hash_map<SocketAddress, uint32_t> by_external_;
  absl::flat_hash_set<PermitKey> permits_;
  absl::flat_hash_map<IpAddress, size_t> paired_;  // internal ip -> ip index
  std::vector<ExpiryEntry> expiry_heap_;
  // Recently expired external endpoints -> the sequence number of their
  // entry in expired_order_ (oldest first). expired_order_ may hold stale
  // entries (endpoints taken again since); it never exceeds
  // kExpiredBindingMemory, and expired_ never exceeds expired_order_.
  absl::flat_hash_map<SocketAddress, uint64_t> expired_;
  std::deque<std::pair<SocketAddress, uint64_t>> expired_order_;
  uint64_t expired_sequence_ = 0;
  NatStats stats_;
};

}  // namespace simrtc::vnet

#endif  // VNET_NAT_H_
