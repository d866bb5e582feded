// Bulk UDP sender: a constant-rate source or a window-limited saturating
// source, for measuring goodput and queueing delay on the path.
//
// Contract
//  * Rate mode (rate_bps > 0): packet k leaves at start + k * packet_size *
//    8 / rate_bps (payload bits; computed from k, so rounding never drifts).
//  * Window mode (rate_bps == 0): keeps `window_packets` data packets
//    unacknowledged; each ack (from a BulkReceiver with acks on) frees a slot,
//    and a packet unacked after `ack_timeout` is written off as lost so a
//    lossy path cannot stall the source. Nothing is retransmitted: this
//    measures the path, not a transport.
//  * Sending stops at start + duration or after max_packets (if > 0).
// Metrics: packets_sent, bytes_sent, send_rate_bps (payload bits over the
// sending period), acks_received, unacked_timeouts, ack_rtt_avg_ms.
// States: "started", "done" (stopped sending).
#ifndef SIM_NODES_BULK_SENDER_H_
#define SIM_NODES_BULK_SENDER_H_

#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "sim/node.h"

namespace simrtc::sim {

struct BulkSenderConfig {
  SocketAddress target;
  uint16_t local_port = 6000;
  int packet_size = 1200;  // UDP payload bytes, at least 20
  int64_t rate_bps = 0;    // 0 = window mode
  int window_packets = 32;
  TimeDelta ack_timeout = TimeDelta::Seconds(1);
  TimeDelta duration = TimeDelta::Seconds(10);
  int64_t max_packets = 0;  // 0 = no limit
};

class BulkSender : public QueueingNode {
 public:
  explicit BulkSender(const BulkSenderConfig& config);

  std::string_view kind() const override { return "bulk_sender"; }
  std::vector<SocketAddress> Bindings() const override;
  void Start(Timestamp now) override;
  void HandleDatagram(Timestamp now, const Datagram& d) override;
  void HandleTimeout(Timestamp now) override;
  std::optional<Timestamp> NextTimeout() const override;
  NodeReport Report() const override;

 private:
  bool window_mode() const { return config_.rate_bps <= 0; }
  bool MaySend(Timestamp now) const;
  void SendPacket(Timestamp now);
  void FillWindow(Timestamp now);
  void Stop(Timestamp now);
  Timestamp RateSendTime(uint64_t k) const;

  BulkSenderConfig config_;
  bool started_ = false;
  bool stopped_ = false;
  Timestamp start_;
  Timestamp end_;
  Timestamp last_send_;
  uint64_t next_seq_ = 0;
  std::map<uint64_t, Timestamp>
      in_flight_;  // window mode; seq order = time order
  int64_t acks_ = 0;
  int64_t timeouts_ = 0;
  double ack_rtt_sum_ms_ = 0;
};

}  // namespace simrtc::sim

#endif  // SIM_NODES_BULK_SENDER_H_
