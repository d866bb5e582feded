// An ICE candidate as the agent keeps it, and its RFC 8839 SDP form.
//
// Contract:
//  * A value type. `address` is the candidate's transport address; for a
//    candidate advertised under an mDNS name `hostname` holds the name and
//    `address` the IP once known (ours: always; a peer's: after
//    resolution, unset before). `base` is set on local candidates only: the
//    local socket address the agent sends from (RFC 8445 section 5.1.1.1),
//    which for host candidates behind a NAT 1:1 mapping differs from the
//    advertised address.
//  * ToSdp/FromSdp go through core/sdp's Candidate, so the wire spelling is
//    the one the SDP layer parses and writes (RFC 8839 section 5.1 plus the
//    generation/ufrag/network-id/network-cost extensions browsers add).
//    FromSdp(c.ToSdp()) reproduces every field SDP carries; the local-only
//    fields (id, base, url, relay_protocol) are not in SDP.
//  * FromSdp never crashes; it refuses what it cannot represent with
//    InvalidArgument naming the field: a component outside 1..256, a port
//    of 0 on a non-mDNS address, an unknown transport.
#ifndef CORE_ICE_CANDIDATE_H_
#define CORE_ICE_CANDIDATE_H_

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "core/base/datagram.h"
#include "core/base/socket_address.h"
#include "core/ice/types.h"
#include "core/sdp/candidate.h"

namespace simrtc::ice {

struct Candidate {
  // Stats id, unique within one agent ("L3" local, "R7" remote). Not in
  // SDP: remote candidates get theirs when added.
  std::string id;
  std::string foundation;
  uint32_t component = 1;
  Transport transport = Transport::kUdp;
  uint32_t priority = 0;
  CandidateType type = CandidateType::kHost;
  SocketAddress address;
  // mDNS "<uuid>.local" name advertised instead of address.ip(); empty
  // when the IP is advertised.
  std::string hostname;
  // raddr/rport: the base for srflx/prflx, the mapped address for relay
  // (0.0.0.0:0 when hidden for privacy); unset for host.
  SocketAddress related;
  // Local candidates: the socket the agent sends from.
  SocketAddress base;
  std::optional<sdp::TcpType> tcp_type;
  uint32_t generation = 0;
  std::string ufrag;  // empty = not advertised
  std::optional<uint32_t> network_id;
  std::optional<uint32_t> network_cost;
  // Local candidates: the STUN/TURN server that produced it ("" for host
  // and prflx), as "stun:ip:port" / "turn:ip:port", and for relay
  // candidates the protocol to the TURN server ("udp").
  std::string url;
  std::string relay_protocol;

  // udp4/udp6/tcp4/tcp6 from transport and the address family (the
  // resolved IP, or IPv4 for an unresolved name).
  NetworkType network_type() const;
  bool is_mdns() const { return !hostname.empty(); }
  // True once the candidate has a usable IP and port.
  bool is_resolved() const { return address.is_set(); }

  // The SDP attribute value: "candidate:<foundation> 1 udp ...". The
  // address is the hostname when set, else the IP.
  std::string ToSdp() const;
  sdp::Candidate ToSdpCandidate() const;
  // Accepts "a=candidate:...", "candidate:..." or the bare value.
  static absl::StatusOr<Candidate> FromSdp(std::string_view text);
  static absl::StatusOr<Candidate> FromSdpCandidate(const sdp::Candidate& c);

  // "host udp4 192.0.2.1:5000 prio 2130706431" for logs.
  std::string ToString() const;
};

// RFC 8445 section 5.1.3: two local candidates are redundant when their
// transport addresses and their bases are equal.
bool IsRedundant(const Candidate& a, const Candidate& b);

std::ostream& operator<<(std::ostream& os, const Candidate& c);

}  // namespace simrtc::ice

#endif  // CORE_ICE_CANDIDATE_H_
