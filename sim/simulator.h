// The discrete-event driver: virtual clock, event queue, seeded randomness,
// a vnet::Network, and the nodes attached to its hosts.
//
// Contract
//  * Single-threaded and deterministic: with the same seed, topology, nodes
//    and scheduled callbacks, a run produces the same sequence of network
//    events, node inputs and reports, bit for bit. Nothing here reads a clock
//    or a system RNG.
//  * Ordering: every event has a time and an insertion sequence number; the
//    queue pops the smallest (time, sequence). When the network and a queued
//    event are due at the same instant the network goes first, so packets
//    that arrive "at t" are seen before timers that fire "at t".
//  * Randomness: one root Rng from the seed; the network gets Fork("vnet"),
//    components ask ForkRng(label) for their own stream, so adding a node
//    never perturbs another node's (or a link's) random draws.
//  * Sans-IO driving: after every input a node receives (Start, a datagram,
//    a timeout) the simulator drains its PollTransmit() into the network and
//    re-reads its NextTimeout(); a node's wake-up lives in a heap keyed by
//    that time (stale entries are skipped by generation), so a step costs
//    O(log nodes), independent of how many nodes are idle.
//  * A datagram delivered to a (host, port) no started node is bound to is
//    counted (`unbound_deliveries`) and dropped, like a closed UDP port.
//    A Transmit the network refuses is counted per node (`send_errors`).
//  * Signals (Node::PollSignal) are drained with transmits and delivered to
//    the named node after the signal's delay, in send order; a signal for a
//    node not yet started waits and is delivered right after its Start. A
//    signal to an unknown node is recorded in errors().
//  * NotifyAddressChange tells every node on a host its new address list.
//  * Scheduled callbacks (timeline steps, snapshots) run at their time in
//    insertion order, after the network has been advanced to that instant;
//    a callback's error is recorded, not fatal, so one bad step cannot hide
//    the results of the rest of the run.
#ifndef SIM_SIMULATOR_H_
#define SIM_SIMULATOR_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/base/rng.h"
#include "core/base/time.h"
#include "sim/node.h"
#include "vnet/network.h"

namespace simrtc::sim {

using NodeId = int32_t;

struct SimulatorStats {
  int64_t events = 0;      // network steps + queue pops that did work
  int64_t deliveries = 0;  // datagrams handed to nodes
  int64_t unbound_deliveries = 0;
  int64_t transmits = 0;  // datagrams nodes handed to the network
  int64_t send_errors = 0;
  int64_t node_wakeups = 0;  // HandleTimeout calls
  int64_t callbacks = 0;
  int64_t signals = 0;
};

struct NodeStats {
  int64_t datagrams_in = 0;
  int64_t datagrams_out = 0;
  int64_t send_errors = 0;
  int64_t wakeups = 0;
  std::string last_send_error;
};

class Simulator {
 public:
  explicit Simulator(uint64_t seed);
  ~Simulator();
  Simulator(const Simulator&) = delete;
  Simulator& operator=(const Simulator&) = delete;

  uint64_t seed() const { return seed_; }
  Timestamp now() const { return now_; }
  vnet::Network& network() { return network_; }
  const vnet::Network& network() const { return network_; }
  // An independent random stream for a component, stable across runs.
  Rng ForkRng(std::string_view label) const { return root_rng_.Fork(label); }

  // Attaches a node to a host; it is started at `start_at` (not before
  // now()). Fails on an unknown host, a duplicate name or a binding that
  // collides with another node's on the same host.
  absl::StatusOr<NodeId> AddNode(std::string name, vnet::HostId host,
                                 std::unique_ptr<Node> node,
                                 Timestamp start_at = Timestamp::Zero());
  int node_count() const { return static_cast<int>(nodes_.size()); }
  std::optional<NodeId> FindNode(std::string_view name) const;
  Node& node(NodeId id) { return *nodes_[id].node; }
  const Node& node(NodeId id) const { return *nodes_[id].node; }
  const std::string& node_name(NodeId id) const { return nodes_[id].name; }
  vnet::HostId node_host(NodeId id) const { return nodes_[id].host; }
  const NodeStats& node_stats(NodeId id) const { return nodes_[id].stats; }

  // Runs `fn(now)` at `at` (clamped to now()); errors are collected in
  // errors() prefixed with `label`.
  void Schedule(Timestamp at, std::string label,
                std::function<absl::Status(Timestamp)> fn);

  // Hands the host's current addresses to each of its started nodes
  // (Node::HandleAddressChange) and drains them; called after a timeline
  // address change.
  void NotifyAddressChange(vnet::HostId host);

  // Processes every event due at or before `until`, then sets now() to
  // `until`. May be called repeatedly with increasing times.
  void RunUntil(Timestamp until);
  // True when nothing (network, node timer, callback) is pending.
  bool Idle();

  // Observation. Trace sinks see every vnet TraceRecord; installing none
  // keeps the network from building records at all.
  void AddTraceSink(std::function<void(const vnet::TraceRecord&)> sink);
  // Called every `every_events` events with the current virtual time;
  // drives progress displays without the engine ever reading a clock.
  void SetProgressCallback(int64_t every_events,
                           std::function<void(Timestamp)> callback);

  const SimulatorStats& stats() const { return stats_; }
  const std::vector<std::string>& errors() const { return errors_; }

 private:
  enum class EventKind : uint8_t { kStart, kWake, kCallback, kSignal };
  struct PendingSignal {
    NodeId from = 0;
    NodeId to = 0;
    std::string payload;
  };
  struct Event {
    int64_t time_us;
    uint64_t seq;
    EventKind kind;
    int32_t index;
    uint64_t generation;
  };
  struct EventLater {
    bool operator()(const Event& a, const Event& b) const {
      if (a.time_us != b.time_us) return a.time_us > b.time_us;
      return a.seq > b.seq;
    }
  };
  struct NodeSlot {
    std::string name;
    vnet::HostId host;
    std::unique_ptr<Node> node;
    bool started = false;
    uint64_t generation = 0;  // bumped whenever the wake-up time changes
    std::optional<Timestamp> wake;
    Timestamp spin_time = Timestamp::Infinite();
    int64_t spin_count = 0;
    NodeStats stats;
    std::vector<PendingSignal> held;  // arrived before Start
  };
  struct Binding {
    IpAddress ip;  // unset = any address of the host
    NodeId node;
  };
  struct Callback {
    std::string label;
    std::function<absl::Status(Timestamp)> fn;
  };

  void Push(Timestamp at, EventKind kind, int32_t index, uint64_t generation);
  std::optional<Timestamp> NetworkNext();
  void StepNetwork();
  void Dispatch(vnet::Delivery& delivery);
  // Drains a node's transmits and re-arms its wake-up; called after every
  // input the node receives.
  void AfterInput(NodeId id);
  void SendTransmit(NodeId id, Transmit& t);
  void CountEvent();
  void DeliverSignal(PendingSignal signal);

  uint64_t seed_;
  Rng root_rng_;
  vnet::Network network_;
  Timestamp now_ = Timestamp::Zero();
  uint64_t next_seq_ = 0;
  std::vector<Event> queue_;  // binary heap under EventLater
  std::vector<NodeSlot> nodes_;
  std::vector<Callback> callbacks_;
  // In flight, keyed by the index their kSignal event carries.
  std::map<int32_t, PendingSignal> signals_;
  int32_t next_signal_ = 0;
  // Key: host << 16 | port.
  absl::flat_hash_map<uint64_t, std::vector<Binding>> bindings_;
  bool network_next_valid_ = false;
  std::optional<Timestamp> network_next_;
  std::vector<std::function<void(const vnet::TraceRecord&)>> trace_sinks_;
  int64_t progress_every_ = 0;
  int64_t progress_countdown_ = 0;
  std::function<void(Timestamp)> progress_;
  SimulatorStats stats_;
  std::vector<std::string> errors_;
};

}  // namespace simrtc::sim

#endif  // SIM_SIMULATOR_H_
