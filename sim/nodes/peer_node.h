// A simulated application around one core/peer PeerConnection: it
// negotiates with a peer node through the simulator's signalling channel
// and runs data-channel workloads (see Peer in scenarios/scenario.proto).
//
// Contract
//  * Sockets: `port` on every host address (binding without IP).
//  * Signalling messages (Node::Signal payloads, FIFO per direction):
//      "offer <sdp>", "answer <sdp>", "cand <candidate>", "eoc",
//      "need" (the answerer asks the offerer to renegotiate).
//    Only the offerer offers, so renegotiation never glares.
//  * Workloads (offerer side): each channel's protocol field carries its
//    mode ("echo", or "bulk:<bytes>"), so the answerer knows what to do
//    with a channel it did not create. Echo messages are
//    [u32 seq][pattern]; bulk messages [u64 offset][pattern], where the
//    pattern byte at stream offset k is (k * 131 + 7) mod 256, so every
//    byte is checked where it lands, in any order.
//  * Everything is driven by the node's inputs; Report() only reads.
#ifndef SIM_NODES_PEER_NODE_H_
#define SIM_NODES_PEER_NODE_H_

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/base/rng.h"
#include "core/peer/peer_connection.h"
#include "sim/node.h"

namespace simrtc::sim {

struct ChannelWorkload {
  std::string label;
  bool bulk = false;
  datachannel::ChannelInit init;
  int64_t bytes = 1000000;
  int message_size = 1024;
  int messages = 10;
  TimeDelta interval = TimeDelta::Millis(100);
  std::optional<TimeDelta> start_at;  // after the node's start
  int count = 1;
};

struct PeerNodeConfig {
  std::string peer;
  bool offerer = false;
  std::vector<IpAddress> addresses;
  uint16_t port = 5000;
  peer::Configuration pc;  // interfaces are filled in at Start
  bool trickle = true;
  TimeDelta signaling_delay = TimeDelta::Millis(50);
  std::vector<ChannelWorkload> channels;
  std::vector<peer::MediaKind> transceivers;
  std::optional<TimeDelta> restart_ice_at;
  std::optional<TimeDelta> close_at;
};

class PeerNode : public QueueingNode {
 public:
  PeerNode(PeerNodeConfig config, Rng rng);
  ~PeerNode() override;

  std::string_view kind() const override { return "peer"; }
  std::vector<SocketAddress> Bindings() const override;
  void Start(Timestamp now) override;
  void HandleDatagram(Timestamp now, const Datagram& d) override;
  void HandleTimeout(Timestamp now) override;
  std::optional<Transmit> PollTransmit() override;
  std::optional<Timestamp> NextTimeout() const override;
  NodeReport Report() const override;
  void HandleSignal(Timestamp now, std::string_view from,
                    std::string_view payload) override;

  const peer::PeerConnection* pc() const { return pc_.get(); }

 private:
  // One channel's workload state (offerer: sender; answerer: receiver).
  struct Flow {
    ChannelWorkload spec;
    datachannel::ChannelPtr channel;
    bool open = false;
    // Echo (offerer).
    int echo_sent = 0;
    std::map<uint32_t, Timestamp> in_flight;
    std::optional<Timestamp> next_echo;
    // Bulk.
    int64_t total = 0;     // bytes to move
    int64_t offset = 0;    // offerer: next byte to send
    int64_t received = 0;  // answerer: bytes checked good
    int64_t next_expected = 0;
    std::optional<Timestamp> first_at;
    std::optional<Timestamp> done_at;
  };

  void Send(std::string payload);
  void AfterInput(Timestamp now);
  void HandleEvent(Timestamp now, peer::Event& e);
  void HandleChannelEvent(Timestamp now, datachannel::Event& e);
  void Offer(Timestamp now);
  void SendDescription(Timestamp now);
  void OpenWorkloads(Timestamp now);
  void PumpEcho(Timestamp now, Flow& f);
  void PumpBulk(Timestamp now, Flow& f);
  void OnMessage(Timestamp now, Flow& f, const datachannel::Message& m);
  Flow* FlowOf(const datachannel::ChannelPtr& c);

  PeerNodeConfig config_;
  Rng rng_;
  std::unique_ptr<peer::PeerConnection> pc_;
  std::string error_;
  Timestamp started_at_;
  // A description waiting for gathering to complete (non-trickle).
  bool description_pending_ = false;
  bool renegotiate_when_stable_ = false;
  bool restarted_ = false;
  bool closed_ = false;
  std::vector<bool> workload_opened_;  // per config_.channels entry
  std::vector<Flow> flows_;
  std::optional<Timestamp> first_connected_;
  int negotiations_ = 0;
  int channels_open_ = 0;
  int64_t echo_ok_ = 0;
  int64_t echo_bad_ = 0;
  double echo_rtt_sum_ms_ = 0;
  int64_t bulk_sent_ = 0;
  int64_t bulk_bad_ = 0;
  int64_t messages_received_ = 0;
  int64_t bytes_received_ = 0;
  int64_t signal_errors_ = 0;
};

}  // namespace simrtc::sim

#endif  // SIM_NODES_PEER_NODE_H_
