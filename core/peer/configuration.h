// Configuration of a PeerConnection (W3C RTCConfiguration, webrtc-rs
// RTCConfiguration) plus what a sans-IO object needs from its driver.
//
// Contract: plain values. Validate() (called by PeerConnection::Create)
// refuses bad settings with InvalidArgument naming the field; ICE server
// URLs must be IP literals ("stun:203.0.113.5:3478",
// "turn:[2001:db8::1]:3478?transport=udp") because name resolution is I/O
// that the driver (net::Runtime) does before it configures the core. TURN
// URLs need username and credential. Only UDP transport is supported for
// TURN (transport=tcp and turns: are refused with Unimplemented).
#ifndef CORE_PEER_CONFIGURATION_H_
#define CORE_PEER_CONFIGURATION_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/dtls/certificate.h"
#include "core/ice/config.h"
#include "core/ice/turn_relay.h"
#include "core/sctp/association.h"

namespace simrtc::peer {

struct IceServer {
  std::vector<std::string> urls;
  std::string username;
  std::string credential;
};

enum class IceTransportPolicy { kAll, kRelay };
// kBalanced and kMaxBundle both bundle everything on one transport (what
// every browser negotiates); kMaxBundle also marks the non-tag m-lines
// bundle-only in offers. kMaxCompat is accepted and behaves as kBalanced.
enum class BundlePolicy { kBalanced, kMaxCompat, kMaxBundle };
// Non-muxed RTCP is not supported (as in Chromium since M57).
enum class RtcpMuxPolicy { kRequire };

std::string_view IceTransportPolicyName(IceTransportPolicy p);
std::string_view BundlePolicyName(BundlePolicy p);

struct Configuration {
  std::vector<IceServer> ice_servers;
  IceTransportPolicy ice_transport_policy = IceTransportPolicy::kAll;
  BundlePolicy bundle_policy = BundlePolicy::kBalanced;
  RtcpMuxPolicy rtcp_mux_policy = RtcpMuxPolicy::kRequire;
  // The DTLS certificate. Absent: an ECDSA P-256 one is generated (as
  // browsers do); simulations pass an RSA one (fixed-size signatures keep
  // packet sizes independent of BoringSSL's entropy).
  std::optional<dtls::Certificate> certificate;
  // W3C iceCandidatePoolSize: > 0 starts gathering at creation, so the
  // first offer already has candidates.
  int ice_candidate_pool_size = 0;

  // ---- From the driver -----------------------------------------------
  // The local sockets ICE gathers on (one host candidate each).
  std::vector<ice::LocalInterface> interfaces;
  // Further ICE settings (timeouts, filters, mDNS, NAT 1:1, lite). Its
  // role, credentials, interfaces, stun_servers and relay are set by the
  // PeerConnection.
  ice::AgentConfig ice;
  // SCTP settings; port is the local a=sctp-port.
  sctp::Config sctp;
  uint16_t sctp_port = 5000;
  size_t max_message_size = 262144;
  // Largest datagram DTLS emits.
  size_t dtls_mtu = 1200;
  // First handshake retransmission (doubling after). BoringSSL's default of
  // 1 s makes one lost flight cost a second of setup; libwebrtc starts
  // lower too.
  TimeDelta dtls_initial_retransmit_timeout = TimeDelta::Millis(200);
  // Every data channel starts detached (raw read/write use).
  bool detach_data_channels = false;

  absl::Status Validate() const;
};

// What the ICE servers of a configuration turn into.
struct ResolvedIceServers {
  std::vector<SocketAddress> stun;
  std::vector<ice::TurnServerConfig> turn;
};

// Parses every URL (RFC 7064 stun:, RFC 7065 turn:). Errors name the URL.
absl::StatusOr<ResolvedIceServers> ResolveIceServers(
    const std::vector<IceServer>& servers);

}  // namespace simrtc::peer

#endif  // CORE_PEER_CONFIGURATION_H_
