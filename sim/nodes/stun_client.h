// STUN Binding client: learns its server-reflexive address, optionally
// refreshing it periodically, and notices when the mapping changes (a NAT
// rebinding after a binding expired or was flushed).
//
// Contract: starting at Start(now), one Binding transaction every `interval`
// (`count` in total; count 1 = a single query), each retransmitted per
// StunTransaction (rto doubling, `attempts` sends). A transaction that
// times out is counted and the schedule continues.
// Metrics: requests_sent (transactions), responses, timeouts, rtt_avg_ms
// (first send to answer, so retransmissions show up as delay),
// mapped_changes (answers whose address differs from the previous one).
// States: "mapped" (first answer), "done". Details: mapped_address.
#ifndef SIM_NODES_STUN_CLIENT_H_
#define SIM_NODES_STUN_CLIENT_H_

#include <cstdint>
#include <optional>
#include <vector>

#include "core/base/rng.h"
#include "sim/node.h"
#include "sim/nodes/stun_transaction.h"

namespace simrtc::sim {

struct StunClientConfig {
  SocketAddress server;
  uint16_t local_port = 5200;
  int count = 1;
  TimeDelta interval = TimeDelta::Seconds(10);
  TimeDelta rto = TimeDelta::Millis(250);
  int attempts = 4;
};

class StunClient : public QueueingNode {
 public:
  StunClient(const StunClientConfig& config, Rng rng);

  std::string_view kind() const override { return "stun_client"; }
  std::vector<SocketAddress> Bindings() const override;
  void Start(Timestamp now) override;
  void HandleDatagram(Timestamp now, const Datagram& d) override;
  void HandleTimeout(Timestamp now) override;
  std::optional<Timestamp> NextTimeout() const override;
  NodeReport Report() const override;

 private:
  void StartTransaction(Timestamp now);
  void MaybeFinish(Timestamp now);

  StunClientConfig config_;
  Rng rng_;
  StunTransaction txn_;
  Timestamp txn_start_;
  std::optional<Timestamp> next_query_;
  Timestamp start_;
  int started_ = 0;
  int64_t responses_ = 0;
  int64_t timeouts_ = 0;
  int64_t mapped_changes_ = 0;
  double rtt_sum_ms_ = 0;
  std::optional<SocketAddress> mapped_;
};

}  // namespace simrtc::sim

#endif  // SIM_NODES_STUN_CLIENT_H_
