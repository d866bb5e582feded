// Router and host bookkeeping: names, parent/child structure, addresses,
// per-LAN routing tables, and the validation that keeps them consistent.
//
// Contract
//  * Add* either succeeds completely or changes nothing and returns a
//    Status naming the object and field at fault.
//  * Address realms: the root router's LAN and every LAN reached from it
//    without crossing a NAT form one realm; each NAT starts a new one.
//    Addresses are unique within a realm (two home NATs may both use
//    192.168.1.0/24), and subnets in one realm may only overlap when a
//    descendant router's subnet lies inside an ancestor's.
//  * Auto-assignment is deterministic: for each subnet of the router, the
//    lowest free address counting up from prefix+2 (prefix+1 is left to the
//    router as its gateway address; for IPv4 the network and broadcast
//    addresses are skipped), in the order hosts and routers are added.
//  * Route lookup at a router: exact address on the LAN (host interface,
//    child router WAN address, NAT external address), then the subnets of
//    children without NAT (routed through), else not on this LAN.
#ifndef VNET_TOPOLOGY_H_
#define VNET_TOPOLOGY_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/base/socket_address.h"
#include "vnet/config.h"
#include "vnet/nat.h"
#include "vnet/types.h"

namespace simrtc::vnet {

// Something attached to a router's LAN.
struct LanTarget {
  enum class Kind : uint8_t { kHost, kRouter };
  Kind kind;
  int32_t id;
};

struct RouterNode {
  RouterConfig config;  // effective: wan_addresses filled in
  RouterId parent = -1;
  RouterId realm = -1;  // realm of this router's LAN
  std::vector<HostId> hosts;
  std::vector<RouterId> children;
  absl::flat_hash_map<IpAddress, LanTarget> lan;
  // Subnets of children without NAT, reached through them.
  std::vector<std::pair<std::pair<IpAddress, int>, RouterId>> routed;
  std::unique_ptr<Nat> nat;  // set by Network
  NatStats plain_stats;      // drop counters of a router without NAT
  int32_t link_up = -1;      // uplink directions (none for the root)
  int32_t link_down = -1;

  NatStats& stats() { return nat ? nat->mutable_stats() : plain_stats; }
  const NatStats& stats() const { return nat ? nat->stats() : plain_stats; }
};

struct HostNode {
  HostConfig config;  // effective: addresses as assigned at AddHost
  RouterId router = -1;
  std::vector<IpAddress> addresses;  // current
  int32_t link_up = -1;
  int32_t link_down = -1;
  TrafficCounters counters;

  bool Owns(const IpAddress& ip) const {
    for (const IpAddress& a : addresses) {
      if (a == ip) return true;
    }
    return false;
  }
};

class Topology {
 public:
  // Validates and records; the caller then attaches links and the NAT.
  absl::StatusOr<RouterId> AddRouter(const RouterConfig& config);
  absl::StatusOr<HostId> AddHost(const HostConfig& config);
  absl::Status ChangeHostAddress(HostId host, const IpAddress& old_address,
                                 const IpAddress& new_address);

  std::optional<HostId> FindHost(std::string_view name) const;
  std::optional<RouterId> FindRouter(std::string_view name) const;

  // Where `dst` lives as seen from router r's LAN, if it is on that LAN.
  std::optional<LanTarget> Lookup(RouterId r, const IpAddress& dst) const {
    const RouterNode& node = routers_[r];
    auto it = node.lan.find(dst);
    if (it != node.lan.end()) return it->second;
    for (const auto& [subnet, child] : node.routed) {
      if (dst.InSubnet(subnet.first, subnet.second)) {
        return LanTarget{LanTarget::Kind::kRouter, child};
      }
    }
    return std::nullopt;
  }
  // True if `dst` falls in one of router r's own subnets.
  bool InOwnSubnet(RouterId r, const IpAddress& dst) const;
  // True if host h is router r or lies below it.
  bool HostBehind(HostId h, RouterId r) const;
  bool RouterBehind(RouterId descendant, RouterId ancestor) const;

  std::vector<RouterNode>& routers() { return routers_; }
  const std::vector<RouterNode>& routers() const { return routers_; }
  std::vector<HostNode>& hosts() { return hosts_; }
  const std::vector<HostNode>& hosts() const { return hosts_; }

 private:
  struct Owner {
    std::string what;  // "host 'a'", "router 'r' WAN", ...
  };
  using RealmKey = std::pair<RouterId, IpAddress>;

  absl::Status CheckName(std::string_view kind, const std::string& name) const;
  // Checks that `ip` may be given to `what` on router r's LAN.
  absl::Status CheckAddress(std::string_view what, RouterId r,
                            const IpAddress& ip,
                            const std::vector<IpAddress>& pending) const;
  // The lowest free address of the subnet, skipping `pending` too.
  std::optional<IpAddress> NextFree(
      RouterId r, size_t subnet_index,
      const std::vector<IpAddress>& pending) const;
  bool Used(RouterId r, const IpAddress& ip,
            const std::vector<IpAddress>& pending) const;

  std::vector<RouterNode> routers_;
  std::vector<HostNode> hosts_;
  std::map<std::string, LanTarget, std::less<>> names_;
  // Ordered so validation messages never depend on hash order.
  std::map<RealmKey, Owner> realm_addresses_;
};

}  // namespace simrtc::vnet

#endif  // VNET_TOPOLOGY_H_
