// Bulk UDP receiver: the sink of a BulkSender. Measures goodput, one-way
// delay and loss, and optionally acknowledges every data packet (which the
// sender's window mode needs).
//
// Contract: acks go back to the datagram's source, from the port it arrived
// on. Goodput counts UDP payload bits between the first and the last data
// packet (the first packet's own bytes are excluded, as they arrived "at"
// the start of the interval); `wire_goodput_bps` adds `overhead_bytes` per
// packet so it can be compared with a link's configured bandwidth, which
// counts headers too. One-way delay uses the sender's timestamp (valid only
// in simulation, where clocks are shared). owd_first_ms / owd_last_ms
// average the first and last 10% of arrivals, which shows a queue filling.
// Metrics: packets_received, bytes_received, goodput_bps, wire_goodput_bps,
// owd_{min,avg,max,p50,p95,first,last}_ms, lost (sequence gaps), loss_pct,
// duplicates, reordered, foreign. States: "first_packet".
#ifndef SIM_NODES_BULK_RECEIVER_H_
#define SIM_NODES_BULK_RECEIVER_H_

#include <cstdint>
#include <optional>
#include <vector>

#include "sim/node.h"

namespace simrtc::sim {

struct BulkReceiverConfig {
  uint16_t port = 6001;
  bool ack = true;
  int overhead_bytes = 28;  // IPv4 + UDP, as vnet's default link accounting
};

class BulkReceiver : public QueueingNode {
 public:
  explicit BulkReceiver(const BulkReceiverConfig& config);

  std::string_view kind() const override { return "bulk_receiver"; }
  std::vector<SocketAddress> Bindings() const override;
  void Start(Timestamp now) override;
  void HandleDatagram(Timestamp now, const Datagram& d) override;
  void HandleTimeout(Timestamp) override {}
  std::optional<Timestamp> NextTimeout() const override { return std::nullopt; }
  NodeReport Report() const override;

 private:
  BulkReceiverConfig config_;
  int64_t packets_ = 0;
  int64_t bytes_ = 0;
  int64_t first_bytes_ = 0;
  Timestamp first_at_;
  Timestamp last_at_;
  uint64_t max_seq_ = 0;
  std::vector<bool> seen_;
  int64_t duplicates_ = 0;
  int64_t reordered_ = 0;
  int64_t foreign_ = 0;
  std::vector<double> owd_ms_;  // arrival order
};

}  // namespace simrtc::sim

#endif  // SIM_NODES_BULK_RECEIVER_H_
