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
#include <string_view>
#include <utility>
#include <vector>

#include "core/base/socket_address.h"
#include "core/base/time.h"

namespace simrtc::vnet {

// One-way delay model of a link direction. The delay of a packet is
// base + extra, extra >= 0 drawn per packet from the distribution:
//   kConstant  extra = 0 (jitter must be zero)
//   kUniform   extra uniform in [0, jitter]
//   kNormal    extra = |N(0, jitter)| (half-normal, jitter = sigma)
//   kPareto    extra = jitter * (U^(-1/2) - 1): Pareto with shape 2, mean
//              jitter, heavy tail capped at 50 * jitter
struct DelayConfig {
  enum class Distribution { kConstant, kUniform, kNormal, kPareto };
  TimeDelta base = TimeDelta::Zero();    // fixed propagation delay
  TimeDelta jitter = TimeDelta::Zero();  // spread added on top of base
  Distribution distribution = Distribution::kUniform;
  // Without reordering, a packet never leaves before the one sent ahead of
  // it on the same link (jitter only stretches gaps); with it, jitter may
  // swap packets.
  bool allow_reordering = false;
};

// Packet loss: uniform (bernoulli) or Gilbert-Elliott two-state bursts.
// Gilbert-Elliott: per packet the state moves first (good->bad with
// p_good_to_bad, bad->good with p_bad_to_good), then the packet is lost with
// the loss probability of the new state. Mean burst length in the bad state
// is 1 / p_bad_to_good packets.
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
  double duplicate = 0.0;  // probability a packet is delivered twice
  // 0 = unlimited (no serialization delay, no queue). Otherwise a packet
  // occupies the link for (payload + per_packet_overhead) * 8 / bps and
  // waits behind earlier ones; the queue limits count packets waiting
  // behind the one being serialized (a packet reaching an idle link is
  // never dropped as kQueueFull).
  int64_t bandwidth_bps = 0;
  int64_t queue_bytes = 0;           // drop-tail byte limit, 0 = unlimited
  int64_t queue_packets = 0;         // drop-tail packet limit, 0 = unlimited
  int64_t per_packet_overhead = 28;  // bytes added for bandwidth accounting
                                     // (IPv4+UDP headers by default)
  int64_t mtu = 1500;                // IP packet size limit; larger is dropped
  bool up = true;  // false = every packet dropped ("link down")
  // Order of checks on entry: down/partitioned, MTU, loss, queue. Changes
  // (Network::SetHostLink, SetLinkUp, Partition...) apply to packets entering
  // the link from then on; packets already on it arrive as scheduled.
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

// A NAT between a router's LAN and its parent LAN (RFC 4787 terms).
//  * A mapping (binding) is keyed by the internal endpoint plus, for
//    address(-and-port)-dependent mapping, the destination address (and
//    port); each mapping owns one external endpoint. Filtering admits an
//    inbound packet to a mapping's external endpoint from any source (EIF),
//    from an address (ADF) or address+port (APDF) the mapping has sent to.
//  * Port choice: the internal port first when port_preservation is on and
//    it is free; otherwise the next free port after the last one handed out
//    on that external address (kSequential) or a random free one drawn from
//    the NAT's own Rng stream (kRandom), always within [port_min, port_max]
//    and with the internal port's parity when port_parity is on.
//  * Pooling with several public IPs: kPaired gives every mapping of one
//    internal address the same external address (first come, round robin);
//    kArbitrary picks per mapping (round robin, or random with kRandom).
//  * A mapping expires when binding_lifetime has passed since it was last
//    refreshed: a packet at exactly refresh + lifetime finds it gone.
//  * Hairpinning: a packet from the LAN to one of the NAT's own external
//    addresses is translated out and back in (source = the sender's
//    external mapping, subject to filtering) instead of leaving the LAN.
//  * Both families are translated with external addresses of the packet's
//    family; a family without one is not routed (kNoRoute). TCP and UDP
//    share one port space; block_udp drops only UDP.
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
  // Ports are kept; the external addresses are routed to this router on the
  // parent LAN and must differ from public_ips. Not listed by NatBindings.
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
