// Turns scenario node specifications into Node objects, resolving endpoint
// names against a built network.
//
// Contract: CreateNode is the one place that knows every node kind of
// scenario.proto's `Node.kind` oneof; adding a kind means adding a case
// here (the loader validates ordinary fields generically). Errors name the
// node and say what could not be resolved; they never crash on a spec that
// passed Scenario::Parse.
#ifndef SIM_NODE_FACTORY_H_
#define SIM_NODE_FACTORY_H_

#include <memory>
#include <string_view>

#include "absl/status/statusor.h"
#include "core/base/rng.h"
#include "core/base/socket_address.h"
#include "sim/node.h"
#include "sim/scenario.h"
#include "vnet/network.h"

namespace simrtc::sim {

// "ip:port" as is; "host#i:port" the host's i-th current address;
// "router#i:port" the router's i-th NAT public IP, else its i-th WAN address.
absl::StatusOr<SocketAddress> ResolveEndpoint(const vnet::Network& network,
                                              std::string_view text);

absl::StatusOr<std::unique_ptr<Node>> CreateNode(const NodeSpec& spec,
                                                 const vnet::Network& network,
                                                 vnet::HostId host, Rng rng);

}  // namespace simrtc::sim

#endif  // SIM_NODE_FACTORY_H_
