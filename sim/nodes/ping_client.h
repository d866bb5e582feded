// Ping over UDP: sends `count` probes to an echo server, `interval` apart, and
// measures round-trip times and loss.
//
// Contract: probe k leaves at start + k * interval from `local_port` and
// carries a magic, its sequence number and padding up to `payload_size`.
// A probe counts as answered when its first echo arrives within `timeout`;
// otherwise it is lost (decided at send time + timeout, so loss never
// depends on when the run ends). Echoes after the timeout count as `late`,
// repeated echoes as `duplicates`; `replies_total` counts every echo packet.
// Metrics: probes_sent, replies_received, lost, loss_pct (of decided
// probes), rtt_{min,avg,max,p50,p95}_ms (answered probes; 0 when none),
// late, duplicates, replies_total, foreign (datagrams that are not our echo).
// States: "started", "first_reply", "done" (every probe decided).
#ifndef SIM_NODES_PING_CLIENT_H_
#define SIM_NODES_PING_CLIENT_H_

#include <cstdint>
#include <deque>
#include <optional>
#include <vector>

#include "sim/node.h"

namespace simrtc::sim {

struct PingConfig {
  SocketAddress target;
  uint16_t local_port = 5000;
  int count = 10;
  TimeDelta interval = TimeDelta::Seconds(1);
  int payload_size = 64;  // raised to the 8-byte header if smaller
  TimeDelta timeout = TimeDelta::Seconds(2);
};

class PingClient : public QueueingNode {
 public:
  explicit PingClient(const PingConfig& config);

  std::string_view kind() const override { return "ping"; }
  std::vector<SocketAddress> Bindings() const override;
  void Start(Timestamp now) override;
  void HandleDatagram(Timestamp now, const Datagram& d) override;
  void HandleTimeout(Timestamp now) override;
  std::optional<Timestamp> NextTimeout() const override;
  NodeReport Report() const override;

 private:
  enum class ProbeState : uint8_t { kPending, kAnswered, kLost };
  struct Probe {
    Timestamp sent;
    ProbeState state = ProbeState::kPending;
  };
  void SendProbe(Timestamp now);
  void ExpireProbes(Timestamp now);

  PingConfig config_;
  std::optional<Timestamp> next_send_;
  Timestamp start_;
  std::vector<Probe> probes_;
  size_t first_pending_ = 0;  // probes before it are decided
  std::vector<double> rtts_ms_;
  int64_t lost_ = 0;
  int64_t late_ = 0;
  int64_t duplicates_ = 0;
  int64_t replies_total_ = 0;
  int64_t foreign_ = 0;
};

}  // namespace simrtc::sim

#endif  // SIM_NODES_PING_CLIENT_H_
