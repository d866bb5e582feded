#include "core/peer/configuration.h"

#include "absl/strings/str_format.h"
#include "core/base/absl_compat.h"

namespace simrtc::peer {
namespace {

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

// "host:port" or "[v6]:port" or "host" (default port) from a URL body.
absl::StatusOr<SocketAddress> ParseHostPort(std::string_view url,
                                            std::string_view body,
                                            uint16_t default_port) {
  absl::StatusOr<SocketAddress> full = SocketAddress::Parse(body);
  if (full.ok()) return *full;
  std::string_view host = body;
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  absl::StatusOr<IpAddress> ip = IpAddress::Parse(host);
  if (ip.ok()) return SocketAddress(*ip, default_port);
  return absl::UnimplementedError(absl::StrFormat(
      "ICE server URL \"%s\": \"%s\" is not an IP address; resolve host "
      "names before configuring the PeerConnection",
      url, body));
}

}  // namespace

std::string_view IceTransportPolicyName(IceTransportPolicy p) {
  return p == IceTransportPolicy::kRelay ? "relay" : "all";
}

std::string_view BundlePolicyName(BundlePolicy p) {
  switch (p) {
    case BundlePolicy::kBalanced:
      return "balanced";
    case BundlePolicy::kMaxCompat:
      return "max-compat";
    case BundlePolicy::kMaxBundle:
      return "max-bundle";
  }
  return "unknown";
}

absl::StatusOr<ResolvedIceServers> ResolveIceServers(
    const std::vector<IceServer>& servers) {
  ResolvedIceServers out;
  for (size_t i = 0; i < servers.size(); ++i) {
    const IceServer& s = servers[i];
    if (s.urls.empty()) {
      return absl::InvalidArgumentError(
          absl::StrFormat("ice_servers[%d]: no urls", i));
    }
    for (const std::string& url : s.urls) {
      std::string_view rest = url;
      if (StartsWith(rest, "stun:")) {
        rest.remove_prefix(5);
        absl::StatusOr<SocketAddress> a = ParseHostPort(url, rest, 3478);
        if (!a.ok()) return a.status();
        out.stun.push_back(*a);
      } else if (StartsWith(rest, "turn:")) {
        rest.remove_prefix(5);
        const size_t q = rest.find('?');
        if (q != std::string_view::npos) {
          const std::string_view query = rest.substr(q + 1);
          rest = rest.substr(0, q);
          if (query != "transport=udp") {
            return absl::UnimplementedError(absl::StrFormat(
                "ICE server URL \"%s\": only transport=udp is supported", url));
          }
        }
        absl::StatusOr<SocketAddress> a = ParseHostPort(url, rest, 3478);
        if (!a.ok()) return a.status();
        if (s.username.empty() || s.credential.empty()) {
          return absl::InvalidArgumentError(absl::StrFormat(
              "ice_servers[%d]: TURN URL \"%s\" needs username and credential",
              i, url));
        }
        out.turn.push_back(ice::TurnServerConfig{*a, s.username, s.credential});
      } else if (StartsWith(rest, "turns:") || StartsWith(rest, "stuns:")) {
        return absl::UnimplementedError(absl::StrFormat(
            "ICE server URL \"%s\": TLS transports are not supported", url));
      } else {
        return absl::InvalidArgumentError(absl::StrFormat(
            "ICE server URL \"%s\": scheme must be stun: or turn:", url));
      }
    }
  }
  return out;
}

absl::Status Configuration::Validate() const {
  if (absl::StatusOr<ResolvedIceServers> r = ResolveIceServers(ice_servers);
      !r.ok()) {
    return r.status();
  }
  if (ice_candidate_pool_size < 0 || ice_candidate_pool_size > 255) {
    return absl::InvalidArgumentError(
        "ice_candidate_pool_size: must be 0..255");
  }
  if (certificate.has_value() && !certificate->valid()) {
    return absl::InvalidArgumentError("certificate: empty certificate handle");
  }
  if (sctp_port == 0) {
    return absl::InvalidArgumentError("sctp_port: must be 1..65535");
  }
  if (max_message_size == 0) {
    return absl::InvalidArgumentError("max_message_size: must be > 0");
  }
  if (dtls_mtu < 600) {
    return absl::InvalidArgumentError("dtls_mtu: must be at least 600");
  }
  return absl::OkStatus();
}

}  // namespace simrtc::peer
