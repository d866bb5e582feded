#include "vnet/config.h"

#include <cmath>

#include "absl/strings/str_format.h"
#include "vnet/config_check.h"

namespace simrtc::vnet {

std::optional<NatConfig> NatConfig::Preset(std::string_view name) {
  NatConfig c;
  if (name == "full_cone") {
    c.mapping = MappingBehavior::kEndpointIndependent;
    c.filtering = FilteringBehavior::kEndpointIndependent;
  } else if (name == "restricted_cone") {
    c.mapping = MappingBehavior::kEndpointIndependent;
    c.filtering = FilteringBehavior::kAddressDependent;
  } else if (name == "port_restricted_cone") {
    c.mapping = MappingBehavior::kEndpointIndependent;
    c.filtering = FilteringBehavior::kAddressAndPortDependent;
  } else if (name == "symmetric") {
    c.mapping = MappingBehavior::kAddressAndPortDependent;
    c.filtering = FilteringBehavior::kAddressAndPortDependent;
  } else {
    return std::nullopt;
  }
  return c;
}

namespace {

absl::Status CheckProbability(std::string_view what, std::string_view field,
                              double p) {
  // Written so NaN fails too.
  if (!(p >= 0.0 && p <= 1.0)) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "%s %s: %g is not a probability in [0, 1]", what, field, p));
  }
  return absl::OkStatus();
}

absl::Status CheckNonNegative(std::string_view what, std::string_view field,
                              int64_t v) {
  if (v < 0) {
    return absl::InvalidArgumentError(
        absl::StrFormat("%s %s: %d must not be negative", what, field, v));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ValidateLinkDirection(std::string_view what,
                                   const LinkDirectionConfig& c) {
  const DelayConfig& d = c.delay;
  if (d.base < TimeDelta::Zero() || d.base.IsInfinite()) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "%s delay.base: %s must be finite and >= 0", what, d.base.ToString()));
  }
  if (d.jitter < TimeDelta::Zero() || d.jitter.IsInfinite()) {
    return absl::InvalidArgumentError(
        absl::StrFormat("%s delay.jitter: %s must be finite and >= 0", what,
                        d.jitter.ToString()));
  }
  if (d.distribution == DelayConfig::Distribution::kConstant &&
      !d.jitter.IsZero()) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "%s delay.jitter: %s given with distribution kConstant (expected 0)",
        what, d.jitter.ToString()));
  }
  const LossConfig& l = c.loss;
  absl::Status s = CheckProbability(what, "loss.rate", l.rate);
  if (s.ok()) s = CheckProbability(what, "loss.p_good_to_bad", l.p_good_to_bad);
  if (s.ok()) s = CheckProbability(what, "loss.p_bad_to_good", l.p_bad_to_good);
  if (s.ok()) s = CheckProbability(what, "loss.loss_in_good", l.loss_in_good);
  if (s.ok()) s = CheckProbability(what, "loss.loss_in_bad", l.loss_in_bad);
  if (s.ok()) s = CheckProbability(what, "duplicate", c.duplicate);
  if (s.ok()) s = CheckNonNegative(what, "bandwidth_bps", c.bandwidth_bps);
  if (s.ok()) s = CheckNonNegative(what, "queue_bytes", c.queue_bytes);
  if (s.ok()) s = CheckNonNegative(what, "queue_packets", c.queue_packets);
  if (s.ok()) {
    s = CheckNonNegative(what, "per_packet_overhead", c.per_packet_overhead);
  }
  if (!s.ok()) return s;
  if (c.mtu <= 0) {
    return absl::InvalidArgumentError(
        absl::StrFormat("%s mtu: %d must be positive", what, c.mtu));
  }
  return absl::OkStatus();
}

absl::Status ValidateLinkConfig(std::string_view what, const LinkConfig& c) {
  absl::Status s = ValidateLinkDirection(absl::StrFormat("%s up", what), c.up);
  if (!s.ok()) return s;
  return ValidateLinkDirection(absl::StrFormat("%s down", what), c.down);
}

absl::Status ValidateNatConfig(std::string_view what, const NatConfig& c) {
  if (c.port_min == 0 || c.port_min > c.port_max) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "%s port range: [%d, %d] must be non-empty and start above 0", what,
        c.port_min, c.port_max));
  }
  if (c.port_parity && c.port_min == c.port_max) {
    return absl::InvalidArgumentError(
        absl::StrFormat("%s port_parity: range [%d, %d] holds only one parity",
                        what, c.port_min, c.port_max));
  }
  if (c.binding_lifetime <= TimeDelta::Zero()) {
    return absl::InvalidArgumentError(
        absl::StrFormat("%s binding_lifetime: %s must be positive", what,
                        c.binding_lifetime.ToString()));
  }
  for (size_t i = 0; i < c.public_ips.size(); ++i) {
    const IpAddress& ip = c.public_ips[i];
    if (!ip.is_set() || ip.IsUnspecified() || ip.IsMulticast()) {
      return absl::InvalidArgumentError(
          absl::StrFormat("%s public_ips[%d]: '%s' is not a unicast address",
                          what, i, ip.ToString()));
    }
    for (size_t j = 0; j < i; ++j) {
      if (c.public_ips[j] == ip) {
        return absl::InvalidArgumentError(absl::StrFormat(
            "%s public_ips[%d]: %s listed twice", what, i, ip.ToString()));
      }
    }
  }
  for (size_t i = 0; i < c.static_mappings.size(); ++i) {
    const auto& [in, out] = c.static_mappings[i];
    if (!in.is_set() || !out.is_set() || in.family() != out.family()) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "%s static_mappings[%d]: %s -> %s must be two addresses of one "
          "family",
          what, i, in.ToString(), out.ToString()));
    }
    for (size_t j = 0; j < i; ++j) {
      if (c.static_mappings[j].first == in ||
          c.static_mappings[j].second == out) {
        return absl::InvalidArgumentError(absl::StrFormat(
            "%s static_mappings[%d]: %s -> %s reuses an address of entry %d",
            what, i, in.ToString(), out.ToString(), j));
      }
    }
    for (const IpAddress& p : c.public_ips) {
      if (p == out) {
        return absl::InvalidArgumentError(absl::StrFormat(
            "%s static_mappings[%d]: external %s is also in public_ips", what,
            i, out.ToString()));
      }
    }
  }
  return absl::OkStatus();
}

}  // namespace simrtc::vnet
