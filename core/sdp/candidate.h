// ICE candidates in their SDP form (RFC 8839 section 5.1, RFC 6544 tcptype,
// and the extension pairs browsers add).
//
// Candidate is a standalone value type because candidates travel both inside
// an SDP (a=candidate:...) and alone in trickle signaling
// (RTCIceCandidate.candidate, "candidate:..."). Parse accepts all three
// spellings: "a=candidate:...", "candidate:...", or the bare value.
//
// Contract:
//   - Parse never crashes; errors are InvalidArgument naming the field
//     ("candidate \"...\": port \"70000\" is not a number 0-65535").
//   - Parse(c.ToString()) == c for every c that Parse produced. The
//     transport is case-insensitive on input and written lower case, so
//     byte-exact round trips hold for Chromium's spelling; Firefox's "UDP"
//     comes back as "udp".
//   - Extension pairs the type does not model are kept in order and written
//     after the modelled ones.
#ifndef CORE_SDP_CANDIDATE_H_
#define CORE_SDP_CANDIDATE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "core/base/socket_address.h"

namespace simrtc::sdp {

enum class CandidateTransport : uint8_t { kUdp, kTcp };
enum class CandidateType : uint8_t { kHost, kSrflx, kPrflx, kRelay };
enum class TcpType : uint8_t { kActive, kPassive, kSimultaneousOpen };

std::string_view ToString(CandidateTransport t);  // "udp", "tcp"
std::string_view ToString(CandidateType t);       // "host", "srflx", ...
std::string_view ToString(TcpType t);             // "active", "passive", "so"

struct CandidateExtension {
  std::string key;
  std::string value;
  friend bool operator==(const CandidateExtension&,
                         const CandidateExtension&) = default;
};

struct Candidate {
  static constexpr std::string_view kKey = "candidate";

  std::string foundation;  // 1-32 ice-chars
  uint32_t component = 1;  // 1-256; 1 = RTP, 2 = RTCP
  CandidateTransport transport = CandidateTransport::kUdp;
  uint32_t priority = 0;
  // An IPv4/IPv6 literal or an FQDN (mDNS "<uuid>.local" for hidden host
  // candidates). Kept as written.
  std::string address;
  uint16_t port = 0;
  CandidateType type = CandidateType::kHost;
  std::optional<std::string> related_address;  // raddr
  std::optional<uint16_t> related_port;        // rport
  std::optional<TcpType> tcp_type;             // tcptype, TCP only
  std::optional<uint32_t> generation;
  std::optional<std::string> ufrag;
  std::optional<uint32_t> network_id;
  std::optional<uint32_t> network_cost;
  std::vector<CandidateExtension> extensions;  // anything else, in order

  static absl::StatusOr<Candidate> Parse(std::string_view text);
  // "candidate:<value>", the form RTCIceCandidate.candidate uses.
  std::string ToString() const;
  // The value after "a=candidate:", for SDP attributes.
  std::string ToAttributeValue() const;

  // The address as an IP, or nullopt for an FQDN.
  std::optional<IpAddress> ip() const;
  // True for mDNS-obfuscated addresses (RFC 8839 hostnames ending ".local").
  bool is_mdns() const;

  friend bool operator==(const Candidate&, const Candidate&) = default;
};

}  // namespace simrtc::sdp

#endif  // CORE_SDP_CANDIDATE_H_
