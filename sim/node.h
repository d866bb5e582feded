// A simulated application attached to a vnet host.
//
// Contract: a Node is a sans-IO endpoint (core/base/sans_io.h) plus a
// lifecycle and a report:
//  * Bindings() names the local transport addresses it receives on, fixed at
//    construction. A binding whose IP is unset means "this port on every
//    address of the host", which is what lets a node survive a timeline
//    address change.
//  * Start(now) is called once by the driver at the node's start time;
//    no other input arrives before it.
//  * HandleDatagram / HandleTimeout / PollTransmit / NextTimeout follow the
//    sans-IO contract exactly: inputs never call back into the driver, the
//    driver drains PollTransmit() after every input and re-reads
//    NextTimeout() afterwards. A Transmit whose `local` IP is unset is sent
//    from the host's current address of the destination's family.
//  * Report() may be called at any time (expectations evaluated mid-run take
//    snapshots) and must not change the node. Metric and state names are
//    snake_case; units are part of the name ("rtt_avg_ms", "goodput_bps").
//
// Nodes never see the network or the simulator, so each one is unit-tested
// by feeding it datagrams and timestamps directly.
#ifndef SIM_NODE_H_
#define SIM_NODE_H_

#include <deque>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/datagram.h"
#include "core/base/socket_address.h"
#include "core/base/time.h"

namespace simrtc::sim {

// What a node has measured. Ordered maps: reports are printed and hashed,
// and their order must not depend on anything but the names.
struct NodeReport {
  std::map<std::string, double> metrics;
  // State name -> virtual time it was first reached.
  std::map<std::string, Timestamp> states;
  // Human-readable facts for the report ("mapped_address": "203.0.113.1:1").
  std::map<std::string, std::string> details;
};

class Node {
 public:
  virtual ~Node() = default;

  // Short kind name for reports ("ping", "echo_server").
  virtual std::string_view kind() const = 0;
  virtual std::vector<SocketAddress> Bindings() const = 0;

  virtual void Start(Timestamp now) = 0;
  virtual void HandleDatagram(Timestamp now, const Datagram& d) = 0;
  virtual void HandleTimeout(Timestamp now) = 0;
  virtual std::optional<Transmit> PollTransmit() = 0;
  virtual std::optional<Timestamp> NextTimeout() const = 0;

  virtual NodeReport Report() const = 0;

  // ---- Optional inputs and outputs (defaults: the node has none) --------
  // Out-of-band messages between nodes (signalling: credentials,
  // candidates, restarts). The driver drains PollSignal() after every input
  // like PollTransmit() and hands the payload to node `to` after `delay`,
  // in send order; a node started later gets it right after its Start.
  struct Signal {
    std::string to;
    std::string payload;
    TimeDelta delay;
  };
  virtual std::optional<Signal> PollSignal() { return std::nullopt; }
  virtual void HandleSignal(Timestamp /*now*/, std::string_view /*from*/,
                            std::string_view /*payload*/) {}
  // The host's interface addresses changed (a timeline change_address);
  // `addresses` is the new full list. Sockets on a vanished address fail
  // to send from now on, as on a real host.
  virtual void HandleAddressChange(
      Timestamp /*now*/, const std::vector<IpAddress>& /*addresses*/) {}
};

// Shared plumbing for nodes: an outgoing queue and first-reached states.
// Why a base class: every node needs exactly this and getting PollTransmit's
// FIFO order or "first time only" state recording subtly wrong in one node
// would make its results differ from the others'.
class QueueingNode : public Node {
 public:
  std::optional<Transmit> PollTransmit() override;
  std::optional<Signal> PollSignal() override;

 protected:
  void Send(Transmit t) { out_.push_back(std::move(t)); }
  void Send(const SocketAddress& local, const SocketAddress& remote,
            std::vector<uint8_t> payload);
  // Records `state` at `now` unless it was reached before.
  void Reach(std::string_view state, Timestamp now);
  bool Reached(std::string_view state) const;
  // Queues an out-of-band message for PollSignal().
  void QueueSignal(Signal s) { signals_.push_back(std::move(s)); }
  const std::map<std::string, Timestamp>& states() const { return states_; }

 private:
  std::deque<Transmit> out_;
  std::deque<Signal> signals_;
  std::map<std::string, Timestamp> states_;
};

// Nearest-rank percentile (p in [0, 100]) of an ascending-sorted sample;
// 0 for an empty sample.
double Percentile(const std::vector<double>& sorted, double p);

}  // namespace simrtc::sim

#endif  // SIM_NODE_H_
