#include "sim/nodes/turn_server_node.h"

#include <utility>

namespace simrtc::sim {

TurnServerNode::TurnServerNode(TurnServerNodeConfig config, Rng rng)
    : config_(std::move(config)), server_(config_.server, std::move(rng)) {}

std::vector<SocketAddress> TurnServerNode::Bindings() const {
  std::vector<SocketAddress> out = {SocketAddress(IpAddress(), config_.port)};
  for (uint32_t p = config_.relay_port_min; p <= config_.relay_port_max; ++p) {
    if (p != config_.port) {
      out.push_back(SocketAddress(IpAddress(), static_cast<uint16_t>(p)));
    }
  }
  return out;
}

void TurnServerNode::HandleDatagram(Timestamp now, const Datagram& d) {
  server_.HandleDatagram(now, d.local, d.remote, d.payload);
  DrainEvents();
}

void TurnServerNode::HandleTimeout(Timestamp now) {
  server_.HandleTimeout(now);
  DrainEvents();
}

void TurnServerNode::DrainEvents() {
  while (std::optional<turn::ServerEvent> e = server_.PollEvent()) {
    if (e->kind == turn::ServerEvent::Kind::kAllocationCreated) {
      ++allocations_created_;
    }
  }
}

std::optional<Transmit> TurnServerNode::PollTransmit() {
  while (std::optional<Transmit> t = server_.PollTransmit()) {
    Send(std::move(*t));
  }
  return QueueingNode::PollTransmit();
}

std::optional<Timestamp> TurnServerNode::NextTimeout() const {
  return server_.NextTimeout();
}

NodeReport TurnServerNode::Report() const {
  NodeReport r;
  r.states = states();
  const turn::ServerStats& s = server_.stats();
  r.metrics["allocations"] = static_cast<double>(server_.allocation_count());
  r.metrics["allocations_created"] = static_cast<double>(allocations_created_);
  r.metrics["relayed_to_peers"] = static_cast<double>(s.relayed_to_peers);
  r.metrics["relayed_to_clients"] = static_cast<double>(s.relayed_to_clients);
  r.metrics["dropped_no_permission"] =
      static_cast<double>(s.dropped_no_permission);
  r.metrics["dropped_no_allocation"] =
      static_cast<double>(s.dropped_no_allocation);
  r.metrics["auth_failures"] = static_cast<double>(s.auth_failures);
  return r;
}

}  // namespace simrtc::sim
