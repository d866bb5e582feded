// RFC 5780 NAT behaviour discovery server: a STUN Binding server listening
// on two IP addresses x two ports of its host.
//
// Contract: every Binding success response carries XOR-MAPPED-ADDRESS,
// MAPPED-ADDRESS, RESPONSE-ORIGIN (the address the response is sent from)
// and OTHER-ADDRESS (the address differing in both IP and port from the one
// the request arrived on, RFC 5780 section 7.3). CHANGE-REQUEST's change-IP
// and change-port flags make the response leave from the other IP and/or
// port. Screening (non-STUN, bad FINGERPRINT, 400, 420) is the plain STUN
// server's (see stun_server.h), with CHANGE-REQUEST understood.
// Metrics: requests, responses_sent, change_ip_requests,
// change_port_requests, errors_sent, malformed, ignored.
#ifndef SIM_NODES_NAT_DISCOVERY_SERVER_H_
#define SIM_NODES_NAT_DISCOVERY_SERVER_H_

#include <cstdint>
#include <optional>
#include <vector>

#include "sim/node.h"

namespace simrtc::sim {

struct NatDiscoveryServerConfig {
  IpAddress primary_ip;
  IpAddress alternate_ip;
  uint16_t primary_port = 3478;
  uint16_t alternate_port = 3479;
};

class NatDiscoveryServer : public QueueingNode {
 public:
  explicit NatDiscoveryServer(const NatDiscoveryServerConfig& config);

  std::string_view kind() const override { return "nat_discovery_server"; }
  std::vector<SocketAddress> Bindings() const override;
  void Start(Timestamp now) override;
  void HandleDatagram(Timestamp now, const Datagram& d) override;
  void HandleTimeout(Timestamp) override {}
  std::optional<Timestamp> NextTimeout() const override { return std::nullopt; }
  NodeReport Report() const override;

 private:
  IpAddress OtherIp(const IpAddress& ip) const;
  uint16_t OtherPort(uint16_t port) const;

  NatDiscoveryServerConfig config_;
  int64_t requests_ = 0;
  int64_t responses_ = 0;
  int64_t change_ip_ = 0;
  int64_t change_port_ = 0;
  int64_t errors_ = 0;
  int64_t malformed_ = 0;
  int64_t ignored_ = 0;
};

}  // namespace simrtc::sim

#endif  // SIM_NODES_NAT_DISCOVERY_SERVER_H_
