// Configuration of an ICE agent (the sans-IO counterpart of webrtc-rs
// AgentConfig).
//
// Contract: a plain value; Validate() refuses inconsistent settings with
// InvalidArgument naming the field, and Agent::Create calls it. The
// RelayAllocator and NameResolver are not owned: they must outlive the
// agent. Defaults follow the RFCs: Ta 50 ms (RFC 8445 section 14.2),
// STUN retransmission RTO 500 ms / Rc 7 / Rm 16 (RFC 8489 section 6.2.1),
// consent checks every 5 s +-20% and expiry after 30 s (RFC 7675), and the
// webrtc-rs timeouts (disconnected after 5 s of silence, failed 25 s
// later, keepalive every 2 s).
#ifndef CORE_ICE_CONFIG_H_
#define CORE_ICE_CONFIG_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "core/base/socket_address.h"
#include "core/base/time.h"
#include "core/ice/connectivity_check.h"
#include "core/ice/relay.h"
#include "core/ice/resolver.h"
#include "core/ice/stun_transaction.h"
#include "core/ice/types.h"

namespace simrtc::ice {

// One local socket the driver has bound for ICE: an interface address and
// the port it got. Each yields one host candidate.
struct LocalInterface {
  SocketAddress address;
  std::string name;  // "eth0"; informational
  std::optional<uint32_t> network_id;
  std::optional<uint32_t> network_cost;
};

// NAT 1:1 (webrtc-rs nat_1to1_ips): `external` is the public IP for
// `local`; an unset `local` maps every local address of external's family.
struct Nat1To1Mapping {
  IpAddress external;
  IpAddress local;
};

struct AgentConfig {
  Role role = Role::kControlling;
  // RFC 8445 section 2.5 lite implementation: host candidates only, never
  // sends checks, always controlled, selects on USE-CANDIDATE.
  bool lite = false;
  // Local ufrag/pwd; drawn from the Rng when unset (16 and 32 ice-chars).
  std::optional<Credentials> credentials;

  std::vector<LocalInterface> interfaces;
  std::vector<SocketAddress> stun_servers;
  RelayAllocator* relay = nullptr;   // relay candidates when set
  NameResolver* resolver = nullptr;  // required unless mdns_mode disabled

  // Filters. Empty lists allow everything (host, srflx and relay; udp4 and
  // udp6). The IP filter sees each interface address before gathering.
  std::vector<CandidateType> candidate_types;
  std::vector<NetworkType> network_types;
  std::function<bool(const IpAddress&)> ip_filter;

  std::vector<Nat1To1Mapping> nat_1to1_ips;
  // kHost: host candidates advertise the external IP (base unchanged);
  // kServerReflexive: an extra srflx candidate per mapped interface.
  CandidateType nat_1to1_candidate_type = CandidateType::kHost;

  MdnsMode mdns_mode = MdnsMode::kDisabled;
  NominationMode nomination = NominationMode::kRegular;

  // Connectivity-check pacing (Ta) and retransmissions.
  TimeDelta check_interval = TimeDelta::Millis(50);
  RetransmitPolicy gather_retransmit;
  // Checks give up sooner than the RFC 8489 default (sends at 0, 0.5, 1.5,
  // 3.1, 4.7, 6.3, 7.9 s, failed at 9.9 s) so a dead pair cannot hold up
  // the check list for 40 s.
  RetransmitPolicy check_retransmit{TimeDelta::Millis(500), 7, 4,
                                    TimeDelta::Millis(1600)};
  // The controlling agent nominates the best valid pair at once when no
  // higher-priority pair is still pending, else after this wait.
  TimeDelta nomination_delay = TimeDelta::Millis(500);

  // Binding indication on the selected pair when nothing was sent on it
  // for this long (RFC 8445 section 11).
  TimeDelta keepalive_interval = TimeDelta::Seconds(2);
  bool consent_freshness = true;
  TimeDelta consent_interval = TimeDelta::Seconds(5);
  TimeDelta consent_timeout = TimeDelta::Seconds(30);
  // Zero disables the transition.
  TimeDelta disconnected_timeout = TimeDelta::Seconds(5);
  TimeDelta failed_timeout = TimeDelta::Seconds(25);

  size_t max_pairs = 100;
  uint32_t component = 1;  // rtcp-mux: one component
  std::string software;    // SOFTWARE attribute; empty = none

  absl::Status Validate() const;
};

}  // namespace simrtc::ice

#endif  // CORE_ICE_CONFIG_H_
