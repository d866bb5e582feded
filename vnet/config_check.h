// Validation of the plain config structs. Topology-dependent checks (names,
// subnets, addresses) live in Topology; these only look at one struct.
#ifndef VNET_CONFIG_CHECK_H_
#define VNET_CONFIG_CHECK_H_

#include <string_view>

#include "absl/status/status.h"
#include "vnet/config.h"

namespace simrtc::vnet {

// `what` names the owner in messages, e.g. "host 'alice' link".
absl::Status ValidateLinkConfig(std::string_view what, const LinkConfig& c);
absl::Status ValidateLinkDirection(std::string_view what,
                                   const LinkDirectionConfig& c);
// Checks the NAT's own fields (ports, lifetime, duplicate addresses).
absl::Status ValidateNatConfig(std::string_view what, const NatConfig& c);

}  // namespace simrtc::vnet

#endif  // VNET_CONFIG_CHECK_H_
