// RFC 5780 NAT behaviour discovery client: determines the NAT's mapping
// behaviour (section 4.3) and filtering behaviour (section 4.4) against a
// NatDiscoveryServer.
//
// Contract (the RFC's procedures, run one test at a time):
//  Mapping, from local port `mapping_port`:
//   I   Binding to the server's primary address -> X1 and OTHER-ADDRESS (O).
//       No answer: UDP blocked, nothing else is tested. No OTHER-ADDRESS:
//       the server cannot do RFC 5780, nothing else is tested.
//       X1 equal to the local address: no NAT ("mapping_none").
//   II  to (O.ip, primary port) -> X2. X2 == X1: endpoint-independent.
//   III to O -> X3. X3 == X2: address-dependent, else address-and-port-
//       dependent. No answer in II or III: "mapping_unknown".
//  Filtering, from a fresh local port `filtering_port` (the mapping tests
//  opened filters towards every server address on the first port, which
//  would make any NAT look endpoint-independent):
//   I   Binding to the primary address. No answer: "filtering_unknown".
//   II  CHANGE-REQUEST change IP and port; an answer from O means
//       endpoint-independent filtering.
//   III CHANGE-REQUEST change port; an answer from (primary ip, O.port)
//       means address-dependent, none address-and-port-dependent.
//  "No answer" = no response after `attempts` sends with doubling waits
//  starting at `rto`. Responses must match the transaction id and, for
//  filtering II/III, come from the expected server address.
// Metrics: mapping (0 none, 1 EIM, 2 ADM, 3 APDM, -1 unknown), filtering
// (1 EIF, 2 ADF, 3 APDF, -1 unknown), requests_sent, responses_received.
// States: "mapping_{none,eim,adm,apdm,unknown}",
// "filtering_{eif,adf,apdf,unknown}", "udp_blocked", "no_rfc5780", "done".
#ifndef SIM_NODES_NAT_DISCOVERY_CLIENT_H_
#define SIM_NODES_NAT_DISCOVERY_CLIENT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/base/rng.h"
#include "core/stun/message.h"
#include "sim/node.h"
#include "sim/nodes/rfc5780.h"
#include "sim/nodes/stun_transaction.h"

namespace simrtc::sim {

struct NatDiscoveryClientConfig {
  SocketAddress server;  // the server's primary address
  uint16_t mapping_port = 5100;
  uint16_t filtering_port = 5101;
  TimeDelta rto = TimeDelta::Millis(100);
  int attempts = 3;
};

class NatDiscoveryClient : public QueueingNode {
 public:
  NatDiscoveryClient(const NatDiscoveryClientConfig& config, Rng rng);

  std::string_view kind() const override { return "nat_discovery_client"; }
  std::vector<SocketAddress> Bindings() const override;
  void Start(Timestamp now) override;
  void HandleDatagram(Timestamp now, const Datagram& d) override;
  void HandleTimeout(Timestamp now) override;
  std::optional<Timestamp> NextTimeout() const override;
  NodeReport Report() const override;

 private:
  enum class Test {
    kMapping1,
    kMapping2,
    kMapping3,
    kFiltering1,
    kFiltering2,
    kFiltering3,
    kDone,
  };
  void Run(Timestamp now, Test test);
  void OnResponse(Timestamp now, const stun::Message& msg, const Datagram& d);
  void OnNoResponse(Timestamp now);
  void SetMapping(Timestamp now, int code, std::string_view name);
  void SetFiltering(Timestamp now, int code, std::string_view name);
  void Finish(Timestamp now);

  NatDiscoveryClientConfig config_;
  Rng rng_;
  Test test_ = Test::kDone;
  StunTransaction txn_;
  std::optional<SocketAddress> expected_source_;
  SocketAddress x1_, x2_;
  SocketAddress other_;
  int mapping_ = -1;
  int filtering_ = -1;
  std::string mapping_name_ = "unknown";
  std::string filtering_name_ = "unknown";
  int64_t requests_ = 0;
  int64_t responses_ = 0;
};

}  // namespace simrtc::sim

#endif  // SIM_NODES_NAT_DISCOVERY_CLIENT_H_
