// Configuration of the virtual network: links, NATs, routers and hosts.
//
// Plain value structs; the scenario loader (sim/) fills them from protobuf
// text, tests fill them directly. Validation happens in Network, which
// rejects inconsistent configs with a Status naming the object and field.
#ifndef VNET_CONFIG_H_
#define VNET_CONFIG_H_

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/base/socket_address.h"
#include "core/base/time.h"

namespace simrtc::vnet {

// One-way delay model of a link direction.
struct DelayConfig {
  enum class Distribution { kConstant, kUniform, kNormal, kPareto };
  TimeDelta base = TimeDelta::Zero();  // fixed propagation delay
  TimeDelta jitter = TimeDelta::Zero();  // spread added on top of base
  Distribution distribution = Distribution::kUniform;
  // Without reordering, a packet never leaves before the one sent ahead of
  // it on the same link (jitter only stretches gaps); with it, jitter may
  // swap packets.
  bool allow_reordering = false;
};

// Packet loss: uniform (bernoulli) or Gilbert-Elliott two-state bursts.
struct LossConfig {
  double rate = 0.0;  // uniform loss probability, used when !gilbert_elliott
  bool gilbert_elliott = false;
  double p_good_to_bad = 0.0;  // per packet transition probabilities
  double p_bad_to_good = 1.0;
  double loss_in_good = 0.0;
  double loss_in_bad = 1.0;
};

// One direction of a link. A host's attachment to its router and a router's
// uplink to its parent each have two directions (up = towards the parent).
struct LinkDirectionConfig {
  DelayConfig delay;
  LossConfig loss;
  double duplicate = 0.0;       // probability a packet is delivered twice
  int64_t bandwidth_bps = 0;    // 0 = unlimited (no serialization delay)
  int64_t queue_bytes = 0;      // drop-tail byte limit, 0 = unlimited
  int64_t queue_packets = 0;    // drop-tail packet limit, 0 = unlimited
  int64_t per_packet_overhead = 28;  // bytes added for bandwidth accounting
                                     // (IPv4+UDP headers by default)
  int64_t mtu = 1500;           // IP packet size limit; larger is dropped
  bool up = true;               // false = every packet dropped ("link down")
};

struct LinkConfig {
  LinkDirectionConfig up;    // host -> router, or router -> parent
  LinkDirectionConfig down;  // router -> host, or parent -> router
  // Same settings both ways.
  static LinkConfig Symmetric(const LinkDirectionConfig& d) { return {d, d}; }
};

// RFC 4787 behaviours.
enum class MappingBehavior {
  kEndpointIndependent,
  kAddressDependent,
  kAddressAndPortDependent,
};
enum class FilteringBehavior {
  kEndpointIndependent,
  kAddressDependent,
  kAddressAndPortDependent,
};
enum class PortAllocation { kSequential, kRandom };
enum class AddressPooling { kPaired, kArbitrary };

struct NatConfig {
  MappingBehavior mapping = MappingBehavior::kEndpointIndependent;
  FilteringBehavior filtering = FilteringBehavior::kEndpointIndependent;
  bool port_preservation = true;  // try the internal port first
  bool port_parity = false;       // keep even/odd parity of the internal port
  PortAllocation allocation = PortAllocation::kSequential;
  AddressPooling pooling = AddressPooling::kPaired;
  // External addresses; empty = the router's own address on its parent LAN.
  std::vector<IpAddress> public_ips;
  uint16_t port_min = 1024;
  uint16_t port_max = 65535;
  bool hairpinning = false;
  TimeDelta binding_lifetime = TimeDelta::Seconds(120);
  bool inbound_refreshes = false;  // inbound packets also refresh a binding
  // Static 1:1 NAT: (internal, external) pairs, bypassing mapping/filtering.
  std::vector<std::pair<IpAddress, IpAddress>> static_mappings;
  bool block_udp = false;  // a firewall that drops all UDP both ways

  // "full_cone", "restricted_cone", "port_restricted_cone", "symmetric";
  // unknown names give nullopt.
  static std::optional<NatConfig> Preset(std::string_view name);
};

struct RouterConfig {
  std::string name;
  // LAN prefixes the router serves (one per family at most), e.g.
  // 192.168.1.0/24 and fd00:1::/64. Hosts get addresses from them.
  std::vector<std::pair<IpAddress, int>> subnets;
  // Parent router, by name; empty for the root ("the internet").
  std::string parent;
  // The router's own address(es) on the parent's LAN; auto-assigned from
  // the parent's subnets when empty.
  std::vector<IpAddress> wan_addresses;
  // Translation between this LAN and the parent. nullopt = plain routing
  // (addresses on this LAN are reachable from outside as they are).
  std::optional<NatConfig> nat;
  LinkConfig uplink;  // link between this router and its parent
};

struct HostConfig {
  std::string name;
  std::string router;  // the LAN the host sits on
  // Interface addresses; auto-assigned from the router's subnets when empty
  // (one per family the router serves).
  std::vector<IpAddress> addresses;
  LinkConfig link;  // attachment between the host and its router
};

}  // namespace simrtc::vnet

#endif  // VNET_CONFIG_H_
