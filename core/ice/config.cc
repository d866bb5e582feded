#include "core/ice/config.h"

#include <set>

#include "absl/strings/str_format.h"

namespace simrtc::ice {
namespace {

bool IsIceChars(std::string_view s) {
  for (char c : s) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                    (c >= '0' && c <= '9') || c == '+' || c == '/';
    if (!ok) return false;
  }
  return true;
}

absl::Status Invalid(std::string_view field, std::string_view why) {
  return absl::InvalidArgumentError(
      absl::StrFormat("AgentConfig.%s: %s", field, why));
}

}  // namespace

absl::Status AgentConfig::Validate() const {
  if (credentials) {
    // RFC 8839 section 5.4: ufrag 4..256, pwd 22..256 ice-chars.
    if (credentials->ufrag.size() < 4 || credentials->ufrag.size() > 256 ||
        !IsIceChars(credentials->ufrag)) {
      return Invalid(
          "credentials.ufrag",
          absl::StrFormat("\"%s\" is not 4-256 ice-chars", credentials->ufrag));
    }
    if (credentials->pwd.size() < 22 || credentials->pwd.size() > 256 ||
        !IsIceChars(credentials->pwd)) {
      return Invalid("credentials.pwd", "not 22-256 ice-chars");
    }
  }
  std::set<SocketAddress> seen;
  for (size_t i = 0; i < interfaces.size(); ++i) {
    const SocketAddress& a = interfaces[i].address;
    if (!a.is_set() || a.ip().IsUnspecified() || a.ip().IsMulticast()) {
      return Invalid(
          absl::StrFormat("interfaces[%d]", i),
          absl::StrFormat("%s is not a unicast address", a.ToString()));
    }
    if (!seen.insert(a).second) {
      return Invalid(absl::StrFormat("interfaces[%d]", i),
                     absl::StrFormat("%s listed twice", a.ToString()));
    }
  }
  for (size_t i = 0; i < stun_servers.size(); ++i) {
    if (!stun_servers[i].is_set() || stun_servers[i].port() == 0) {
      return Invalid(absl::StrFormat("stun_servers[%d]", i),
                     "needs an IP and a port");
    }
  }
  for (size_t i = 0; i < nat_1to1_ips.size(); ++i) {
    const Nat1To1Mapping& m = nat_1to1_ips[i];
    if (!m.external.is_set() || m.external.IsUnspecified()) {
      return Invalid(absl::StrFormat("nat_1to1_ips[%d].external", i),
                     "must be a unicast IP");
    }
    if (m.local.is_set() && m.local.family() != m.external.family()) {
      return Invalid(absl::StrFormat("nat_1to1_ips[%d]", i),
                     "local and external families differ");
    }
  }
  if (nat_1to1_candidate_type != CandidateType::kHost &&
      nat_1to1_candidate_type != CandidateType::kServerReflexive) {
    return Invalid("nat_1to1_candidate_type", "must be host or srflx");
  }
  if (!nat_1to1_ips.empty() &&
      nat_1to1_candidate_type == CandidateType::kHost &&
      mdns_mode == MdnsMode::kQueryAndGather) {
    // Publishing a private address under a name while advertising the
    // public one as the host candidate contradicts itself.
    return Invalid("mdns_mode",
                   "query-and-gather cannot hide host candidates that NAT "
                   "1:1 rewrites");
  }
  if (mdns_mode != MdnsMode::kDisabled && resolver == nullptr) {
    return Invalid("resolver", absl::StrFormat("required by mdns_mode %s",
                                               MdnsModeName(mdns_mode)));
  }
  if (lite && role != Role::kControlled) {
    return Invalid("role", "a lite agent is always controlled");
  }
  if (check_interval <= TimeDelta::Zero()) {
    return Invalid("check_interval", "must be positive");
  }
  if (absl::Status s =
          gather_retransmit.Validate("AgentConfig.gather_retransmit");
      !s.ok()) {
    return s;
  }
  if (absl::Status s =
          check_retransmit.Validate("AgentConfig.check_retransmit");
      !s.ok()) {
    return s;
  }
  if (keepalive_interval <= TimeDelta::Zero()) {
    return Invalid("keepalive_interval", "must be positive");
  }
  if (consent_freshness && (consent_interval <= TimeDelta::Zero() ||
                            consent_timeout <= consent_interval)) {
    return Invalid("consent_timeout",
                   "must exceed a positive consent_interval");
  }
  if (disconnected_timeout < TimeDelta::Zero() ||
      failed_timeout < TimeDelta::Zero() ||
      nomination_delay < TimeDelta::Zero()) {
    return Invalid("timeouts", "must not be negative");
  }
  if (max_pairs == 0) return Invalid("max_pairs", "must be at least 1");
  if (component < 1 || component > 256) {
    return Invalid("component", "must be 1..256");
  }
  return absl::OkStatus();
}

}  // namespace simrtc::ice
