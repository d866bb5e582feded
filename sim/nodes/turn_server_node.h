// A TURN server (core/turn, RFC 8656) as a simulated application.
//
// Contract: binds the listening port and every relay port of its range on
// all host addresses (the simulator delivers by port, so a relayed address
// is reachable the moment the server hands it out) and feeds every
// datagram to turn::Server, which tells listening traffic from relayed
// traffic by the local address. Report metrics: allocations,
// allocations_created, relayed_to_peers, relayed_to_clients,
// dropped_no_permission, dropped_no_allocation, auth_failures.
#ifndef SIM_NODES_TURN_SERVER_NODE_H_
#define SIM_NODES_TURN_SERVER_NODE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/base/rng.h"
#include "core/turn/server.h"
#include "sim/node.h"

namespace simrtc::sim {

struct TurnServerNodeConfig {
  uint16_t port = 3478;
  uint16_t relay_port_min = 49152;
  uint16_t relay_port_max = 49251;
  turn::ServerConfig server;  // relay generator filled in from the above
};

class TurnServerNode : public QueueingNode {
 public:
  TurnServerNode(TurnServerNodeConfig config, Rng rng);

  std::string_view kind() const override { return "turn_server"; }
  std::vector<SocketAddress> Bindings() const override;
  void Start(Timestamp) override {}
  void HandleDatagram(Timestamp now, const Datagram& d) override;
  void HandleTimeout(Timestamp now) override;
  std::optional<Transmit> PollTransmit() override;
  std::optional<Timestamp> NextTimeout() const override;
  NodeReport Report() const override;

 private:
  void DrainEvents();

  TurnServerNodeConfig config_;
  turn::Server server_;
  int64_t allocations_created_ = 0;
};

}  // namespace simrtc::sim

#endif  // SIM_NODES_TURN_SERVER_NODE_H_
