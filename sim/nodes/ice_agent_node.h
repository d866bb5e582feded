// A simulated application around one core/ice Agent: it signals with a
// peer ice_agent node, connects, exchanges data packets, and (optionally)
// restarts ICE when the connection breaks or the host's address changes.
//
// Contract
//  * Sockets: one per host address at `port`; the binding has no IP, so an
//    address change keeps delivering to the node. With TURN servers the
//    agent gets a TurnRelayAllocator on the same sockets.
//  * Signalling protocol (Node::Signal payloads, one message each, FIFO per
//    direction because the delay is fixed):
//      "hello <epoch> <ufrag> <pwd> <full|lite>"  credentials
//      "cand <epoch> <candidate SDP>"              a trickled candidate
//      "eoc <epoch>"                               end-of-candidates
//    Epoch 0 is the first connection; each ICE restart increments it. A
//    node receiving "hello" for a newer epoch restarts too and answers with
//    its own hello; both sides restarting at once (glare) simply meet at
//    the same epoch. Messages for an older epoch are dropped.
//  * Data: while connected, a `data_size`-byte packet every
//    `data_interval`; the first 8 bytes carry a sequence number so the
//    receiver counts distinct packets.
//  * Report: see IceAgent in scenarios/scenario.proto.
#ifndef SIM_NODES_ICE_AGENT_NODE_H_
#define SIM_NODES_ICE_AGENT_NODE_H_

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/base/rng.h"
#include "core/ice/agent.h"
#include "core/ice/turn_relay.h"
#include "sim/node.h"

namespace simrtc::sim {

enum class IceRestartPolicy { kNever, kOnDisconnected, kOnFailed };

struct IceAgentNodeConfig {
  std::string peer;
  std::vector<IpAddress> addresses;  // the host's addresses at creation
  uint16_t port = 5000;
  ice::AgentConfig agent;  // interfaces, stun_servers, relay are filled in
  std::vector<ice::TurnServerConfig> turn_servers;
  IceRestartPolicy restart = IceRestartPolicy::kNever;
  TimeDelta data_interval = TimeDelta::Millis(100);
  int data_size = 200;
  TimeDelta signaling_delay = TimeDelta::Millis(50);
};

class IceAgentNode : public QueueingNode {
 public:
  IceAgentNode(IceAgentNodeConfig config, Rng rng);
  ~IceAgentNode() override;

  std::string_view kind() const override { return "ice_agent"; }
  std::vector<SocketAddress> Bindings() const override;
  void Start(Timestamp now) override;
  void HandleDatagram(Timestamp now, const Datagram& d) override;
  void HandleTimeout(Timestamp now) override;
  std::optional<Transmit> PollTransmit() override;
  std::optional<Timestamp> NextTimeout() const override;
  NodeReport Report() const override;

  void HandleSignal(Timestamp now, std::string_view from,
                    std::string_view payload) override;
  void HandleAddressChange(Timestamp now,
                           const std::vector<IpAddress>& addresses) override;

  // For tests: the agent, once started.
  const ice::Agent* agent() const { return agent_.get(); }

 private:
  std::vector<ice::LocalInterface> Interfaces() const;
  void SendSignal(std::string payload);
  void SendHello();
  // Restarts into `epoch` (with the current interfaces).
  void RestartInto(Timestamp now, uint32_t epoch);
  // Drains agent events, applies the restart policy, moves transmits.
  void AfterAgentInput(Timestamp now);
  void SendData(Timestamp now);
  bool IsConnected() const;

  IceAgentNodeConfig config_;
  Rng rng_;
  std::unique_ptr<ice::TurnRelayAllocator> relay_;
  std::unique_ptr<ice::Agent> agent_;
  absl::Status create_error_;
  Timestamp started_at_;
  uint32_t epoch_ = 0;
  bool remote_set_for_epoch_ = false;
  bool restart_requested_for_epoch_ = false;
  bool awaiting_reconnect_ = false;

  std::optional<Timestamp> next_data_;
  uint64_t data_seq_ = 0;
  std::set<uint64_t> received_seqs_;
  int64_t data_sent_ = 0;
  int64_t data_received_ = 0;
  int64_t restarts_ = 0;
  int64_t selected_changes_ = 0;
  int64_t remote_candidates_ = 0;
  int64_t signal_errors_ = 0;
  std::optional<ice::SelectedPairEvent> selected_;
  std::optional<Timestamp> first_connected_;
};

}  // namespace simrtc::sim

#endif  // SIM_NODES_ICE_AGENT_NODE_H_
