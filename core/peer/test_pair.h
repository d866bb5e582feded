// Test harness: two PeerConnections joined by an in-memory network with a
// fixed one-way latency, driven in virtual time, with helpers for the
// usual signaling exchanges. Used by the PeerConnection tests, the fuzz
// target and the benchmarks.
#ifndef CORE_PEER_TEST_PAIR_H_
#define CORE_PEER_TEST_PAIR_H_

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/peer/peer_connection.h"

namespace simrtc::peer::testing {

// One side: its PeerConnection and everything it reported.
struct Side {
  std::unique_ptr<PeerConnection> pc;
  SocketAddress address;
  std::vector<Event> events;
  std::vector<IceCandidateEvent> candidates;  // not yet delivered
  std::vector<datachannel::ChannelPtr> incoming;
  std::vector<datachannel::ChannelPtr> opened;
  std::vector<datachannel::ChannelPtr> closed;
  std::vector<std::pair<std::string, std::string>> messages;  // label, text
  std::vector<PeerConnectionState> states;
  std::vector<SignalingState> signaling;
  int negotiation_needed = 0;
  bool transport_closed = false;

  bool connected() const {
    return pc->connection_state() == PeerConnectionState::kConnected;
  }
};

struct PairOptions {
  TimeDelta latency = TimeDelta::Millis(10);
  // Candidates travel as they are gathered (trickle).
  bool trickle = true;
  Configuration a;
  Configuration b;
};

class Pair {
 public:
  explicit Pair(PairOptions options = {}, uint64_t seed = 1);

  Side& a() { return a_; }
  Side& b() { return b_; }
  Timestamp now() const { return now_; }

  // offerer: CreateOffer + SLD; answerer: SRD + CreateAnswer + SLD; then
  // SRD on the offerer. Returns the first error.
  absl::Status Negotiate(Side& offerer, Side& answerer);
  // Trickled candidates of both sides go to the other (AddIceCandidate).
  void DeliverCandidates();

  // Runs until `done` or `limit` of virtual time passes; drains events
  // (recording them) and delivers trickled candidates on the way.
  bool RunUntil(const std::function<bool()>& done,
                TimeDelta limit = TimeDelta::Seconds(30));
  void RunFor(TimeDelta d);

  // Drops every datagram from now on (a dead network) or restores it.
  void set_network_up(bool up) { network_up_ = up; }
  uint64_t datagrams_delivered() const { return delivered_; }

 private:
  void Drain(Side& s);
  void Step();

  PairOptions options_;
  Side a_;
  Side b_;
  Timestamp now_ = Timestamp::Zero() + TimeDelta::Seconds(1);
  // (arrival time, sequence) -> datagram for the side at `to`.
  std::map<std::pair<Timestamp, uint64_t>, std::pair<Side*, Datagram>> wire_;
  uint64_t seq_ = 0;
  bool network_up_ = true;
  uint64_t delivered_ = 0;
};

}  // namespace simrtc::peer::testing

#endif  // CORE_PEER_TEST_PAIR_H_
