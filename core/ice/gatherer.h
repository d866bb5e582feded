// Local candidate gathering for one ICE generation (RFC 8445 section
// 5.1.1, RFC 8838 trickle): host candidates, server-reflexive ones from
// STUN Binding requests, NAT 1:1 rewrites, mDNS names and relayed ones
// through the RelayAllocator.
//
// Contract:
//  * A sub-component of the agent, sans-IO like it: Start(now) emits host
//    (and NAT 1:1) candidates at once, sends one Binding request per
//    (allowed interface, STUN server of its family) and asks the relay
//    allocator for each allowed host socket. Candidates come out of
//    PollCandidate() in discovery order, transmits out of PollTransmit().
//  * STUN requests retransmit per config.gather_retransmit (RFC 8489 RTO
//    500 ms, Rc 7, Rm 16). A response counts only when it matches an
//    outstanding transaction id and arrives on the socket the request left
//    from, from the server it went to; its XOR-MAPPED-ADDRESS (or
//    MAPPED-ADDRESS from an RFC 3489 server) becomes a srflx candidate
//    unless it equals the host address (no NAT: redundant).
//  * complete() turns true once every STUN transaction ended and every
//    relay allocation request got its RelayAllocationDone; the agent then
//    signals end-of-candidates.
//  * With mDNS query-and-gather each host IP gets a random "<uuid>.local"
//    name, published through the resolver, and srflx/relay candidates hide
//    their related address as 0.0.0.0:0. A lite agent gathers host
//    candidates only.
//  * Priorities: type preference per RFC 8445, local preference per
//    interface from LocalPreferences (RFC 8421), component from config.
#ifndef CORE_ICE_GATHERER_H_
#define CORE_ICE_GATHERER_H_

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/base/datagram.h"
#include "core/base/logging.h"
#include "core/base/rng.h"
#include "core/ice/candidate.h"
#include "core/ice/config.h"
#include "core/ice/relay.h"
#include "core/ice/stun_transaction.h"
#include "core/stun/message.h"
#include "core/stun/transaction_id.h"

namespace simrtc::ice {

struct GatheredCandidate {
  Candidate candidate;
  std::optional<RelayHandle> relay;  // set for relay candidates
};

class Gatherer {
 public:
  // `config` must outlive the gatherer. `generation` and `ufrag` are
  // stamped on every candidate.
  Gatherer(const AgentConfig& config, std::vector<LocalInterface> interfaces,
           uint32_t generation, std::string ufrag, Rng rng,
           const Logger* logger);

  void Start(Timestamp now);
  // True when `msg` (from d.remote to d.local) answered one of our STUN
  // requests; the gatherer consumed it.
  bool HandleStunResponse(Timestamp now, const SocketAddress& local,
                          const SocketAddress& remote,
                          const stun::Message& msg);
  // Relay allocator events addressed to gathering. False when this
  // gatherer did not ask for that base (a stale generation's answer).
  bool HandleRelayAllocated(const RelayAllocated& a);
  bool HandleRelayDone(const RelayAllocationDone& d);

  void HandleTimeout(Timestamp now);
  std::optional<Timestamp> NextTimeout() const;
  std::optional<Transmit> PollTransmit();
  std::optional<GatheredCandidate> PollCandidate();

  bool started() const { return started_; }
  bool complete() const;
  // Names published with the resolver (to unpublish on close/restart).
  const std::vector<std::string>& published_names() const {
    return published_names_;
  }
  // The host sockets the gatherer uses, after filtering.
  const std::vector<LocalInterface>& interfaces() const { return interfaces_; }
  uint64_t stun_requests_sent() const { return stun_requests_sent_; }

 private:
  struct StunQuery {
    SocketAddress base;
    SocketAddress server;
    uint32_t local_preference = 0;
    size_t interface_index = 0;
    std::vector<uint8_t> request;
    StunTransaction tx;
  };

  bool Allowed(CandidateType type) const;
  void EmitHost(Timestamp now, size_t index, uint32_t local_pref);
  void EmitServerReflexive(const SocketAddress& mapped,
                           const SocketAddress& base, const IpAddress& server,
                           uint32_t local_pref, const std::string& url,
                           const LocalInterface& itf);
  std::optional<IpAddress> Nat1To1External(const IpAddress& local) const;
  uint32_t LocalPreferenceOfBase(const SocketAddress& base) const;
  const LocalInterface* InterfaceOfBase(const SocketAddress& base) const;
  void Emit(Candidate c, std::optional<RelayHandle> relay = std::nullopt);

  const AgentConfig& config_;
  std::vector<LocalInterface> interfaces_;
  std::vector<uint32_t> local_prefs_;
  uint32_t generation_;
  std::string ufrag_;
  Rng rng_;
  const Logger* logger_;
  bool started_ = false;
  std::map<IpAddress, std::string> mdns_names_;
  std::vector<std::string> published_names_;
  std::map<stun::TransactionId, StunQuery> queries_;
  std::set<SocketAddress> pending_relay_bases_;
  std::deque<Transmit> transmits_;
  std::deque<GatheredCandidate> candidates_;
  uint64_t stun_requests_sent_ = 0;
};

}  // namespace simrtc::ice

#endif  // CORE_ICE_GATHERER_H_
