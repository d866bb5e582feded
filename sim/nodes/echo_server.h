// UDP echo server: sends every datagram back to where it came from, from the
// address it arrived on.
//
// Contract: each request is answered `replies_per_request` times, the first
// after `reply_delay`, the others `reply_interval` apart; with the defaults
// (one reply, no delay) the reply leaves in the same instant. Delayed replies
// exist to probe NAT binding lifetimes: a reply sent after the requester's
// binding expired must die in the NAT. An optional keepalive sends a small
// datagram to `keepalive_target` every `keepalive_interval`, which keeps an
// echo server behind a NAT reachable (e.g. through a hairpin); the target must
// not echo, or the two would ping-pong forever.
#ifndef SIM_NODES_ECHO_SERVER_H_
#define SIM_NODES_ECHO_SERVER_H_

#include <cstdint>
#include <optional>
#include <queue>
#include <vector>

#include "sim/node.h"

namespace simrtc::sim {

struct EchoServerConfig {
  uint16_t port = 7;
  TimeDelta reply_delay = TimeDelta::Zero();
  int replies_per_request = 1;
  TimeDelta reply_interval = TimeDelta::Seconds(1);
  std::optional<SocketAddress> keepalive_target;
  TimeDelta keepalive_interval = TimeDelta::Seconds(15);
};

class EchoServer : public QueueingNode {
 public:
  explicit EchoServer(const EchoServerConfig& config);

  std::string_view kind() const override { return "echo_server"; }
  std::vector<SocketAddress> Bindings() const override;
  void Start(Timestamp now) override;
  void HandleDatagram(Timestamp now, const Datagram& d) override;
  void HandleTimeout(Timestamp now) override;
  std::optional<Timestamp> NextTimeout() const override;
  NodeReport Report() const override;

 private:
  struct Pending {
    Timestamp at;
    uint64_t seq;
    Transmit transmit;
    bool operator>(const Pending& o) const {
      return at != o.at ? at > o.at : seq > o.seq;
    }
  };

  EchoServerConfig config_;
  std::priority_queue<Pending, std::vector<Pending>, std::greater<Pending>>
      pending_;
  uint64_t next_seq_ = 0;
  std::optional<Timestamp> next_keepalive_;
  int64_t requests_ = 0;
  int64_t replies_ = 0;
  int64_t bytes_echoed_ = 0;
  int64_t keepalives_ = 0;
};

}  // namespace simrtc::sim

#endif  // SIM_NODES_ECHO_SERVER_H_
