// A sans-IO ICE agent for one component (RFC 8445 full and lite, RFC 8838
// trickle, RFC 8839 candidate attributes, RFC 7675 consent freshness).
//
// Contract (see core/base/sans_io.h):
//  * Inputs: HandleDatagram(now, d) with every datagram received on the
//    interfaces' sockets (and, with an mDNS resolver, on port 5353),
//    HandleTimeout(now) at NextTimeout(), and the commands below. Outputs:
//    PollTransmit(), PollEvent(), NextTimeout(). No clock, socket, thread
//    or system randomness: ufrag/pwd, tie-breaker, transaction ids, mDNS
//    names and consent jitter come from the injected Rng, so one seed gives
//    one event sequence.
//  * Demultiplexing: the relay allocator and resolver see each datagram
//    first (they take their servers' / port 5353 traffic). The rest is
//    split by RFC 7983 first byte: STUN goes to gathering (responses from
//    STUN servers), checks (requests and responses) or keepalives; other
//    bytes are application data, surfaced as ApplicationDataEvent when
//    they arrive on a valid pair (its check succeeded, or the peer checked
//    it with our credentials) and dropped otherwise.
//  * Checks: paced one per Ta (config.check_interval), triggered checks
//    first (RFC 8445 section 6.1.4); each is a STUN transaction (RTO =
//    max(check_retransmit.rto, Ta * active pairs), section 14.3). Requests
//    are screened as connectivity_check.h describes; role conflicts are
//    settled per sections 7.3.1.1 (on requests) and 7.2.5.1 (487
//    responses) with the 64-bit tie-breaker. Responses must come back on
//    the 5-tuple the request used (section 7.2.5.2.1) or the pair fails.
//  * Nomination: controlling + regular nomination sends USE-CANDIDATE on
//    the best valid pair once no better pair is pending (or after
//    config.nomination_delay); aggressive nomination puts it on every
//    check. The controlled side nominates the pair a USE-CANDIDATE request
//    arrived on once its own check on it succeeds. A lite agent selects the
//    pair at once. Nomination stops ordinary checks (section 8.1.1).
//  * After selection: consent checks every consent_interval * U(0.8, 1.2)
//    and failure after consent_timeout without a response (RFC 7675);
//    Binding indications when nothing was sent for keepalive_interval;
//    Disconnected after disconnected_timeout without incoming traffic on
//    the selected pair, Failed after a further failed_timeout. Failed is
//    terminal until Restart().
//  * Failure while checking: every pair failed, gathering complete and the
//    peer signalled end-of-candidates; or, lacking that signal, nothing
//    left to check disconnected_timeout + failed_timeout after checking
//    began.
//  * Restart: new credentials, a new candidate generation, remote state
//    cleared; the selected pair keeps carrying data (and consent, with the
//    old credentials, which stay accepted) until the new generation
//    selects a pair.
//  * Events and transmits come out in a deterministic order; no
//    hash-map iteration reaches an output.
#ifndef CORE_ICE_AGENT_H_
#define CORE_ICE_AGENT_H_

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/base/byte_io.h"
#include "core/base/datagram.h"
#include "core/base/logging.h"
#include "core/base/rng.h"
#include "core/base/time.h"
#include "core/ice/candidate.h"
#include "core/ice/candidate_pair.h"
#include "core/ice/check_list.h"
#include "core/ice/config.h"
#include "core/ice/connectivity_check.h"
#include "core/ice/events.h"
#include "core/ice/gatherer.h"
#include "core/ice/stats.h"
#include "core/ice/stun_transaction.h"
#include "core/ice/types.h"
#include "core/stun/message.h"
#include "core/stun/transaction_id.h"

namespace simrtc::ice {

class Agent {
 public:
  // Validates the config (InvalidArgument naming the field). `logger` may
  // be null; it must outlive the agent.
  static absl::StatusOr<std::unique_ptr<Agent>> Create(
      AgentConfig config, Rng rng, const Logger* logger = nullptr);
  ~Agent();
  Agent(const Agent&) = delete;
  Agent& operator=(const Agent&) = delete;

  // ---- Commands ----------------------------------------------------------
  // Starts gathering (once per generation; Restart gathers again).
  absl::Status GatherCandidates(Timestamp now);
  // The peer's ufrag/pwd (from its SDP). `remote_lite` (a=ice-lite) makes
  // a full agent controlling. Setting different credentials again without
  // Restart() is FailedPrecondition.
  absl::Status SetRemoteCredentials(Timestamp now, const Credentials& remote,
                                    bool remote_lite = false);
  // A trickled or SDP candidate. Candidates for another component, TCP
  // candidates and ones stamped with a stale ufrag are ignored (OK). A
  // .local name is resolved first (FailedPrecondition when mDNS is
  // disabled); other FQDNs are Unimplemented.
  absl::Status AddRemoteCandidate(Timestamp now, const Candidate& candidate);
  absl::Status AddRemoteCandidate(Timestamp now, std::string_view sdp);
  // Sets the role before the peer's credentials are known (a
  // PeerConnection learns whether it offers or answers after it may have
  // started gathering). FailedPrecondition afterwards: from then on only
  // role-conflict repair changes it.
  absl::Status SetRole(Timestamp now, Role role);
  // RFC 8838 end-of-candidates from the peer.
  void SetRemoteEndOfCandidates(Timestamp now);
  // Application data on the selected pair. FailedPrecondition without one.
  absl::Status Send(Timestamp now, ByteSpan payload);
  // ICE restart (RFC 8445 section 9). `credentials` unset: fresh random
  // ones. `interfaces` set: gather on these sockets from now on (a host
  // address changed).
  absl::Status Restart(
      Timestamp now, std::optional<Credentials> credentials = std::nullopt,
      std::optional<std::vector<LocalInterface>> interfaces = std::nullopt);
  // Releases relays, unpublishes mDNS names, stops all timers.
  void Close(Timestamp now);

  // ---- sans-IO -----------------------------------------------------------
  void HandleDatagram(Timestamp now, const Datagram& d);
  void HandleTimeout(Timestamp now);
  std::optional<Transmit> PollTransmit();
  std::optional<Event> PollEvent();
  std::optional<Timestamp> NextTimeout() const;

  // ---- Queries -----------------------------------------------------------
  const Credentials& local_credentials() const { return local_creds_; }
  const std::optional<Credentials>& remote_credentials() const {
    return remote_creds_;
  }
  Role role() const { return role_; }
  bool lite() const { return config_.lite; }
  uint64_t tie_breaker() const { return tie_breaker_; }
  ConnectionState connection_state() const { return state_; }
  GatheringState gathering_state() const { return gathering_state_; }
  uint32_t generation() const { return generation_; }
  // The sockets gathering uses (config.interfaces, or Restart's).
  const std::vector<LocalInterface>& interfaces() const { return interfaces_; }
  std::vector<Candidate> local_candidates() const;
  std::vector<Candidate> remote_candidates() const;
  // The pair Send() uses, if any.
  std::optional<SelectedPairEvent> selected_pair() const;
  const CheckList& check_list() const { return checklist_; }

  std::vector<CandidateStats> LocalCandidateStats() const;
  std::vector<CandidateStats> RemoteCandidateStats() const;
  std::vector<CandidatePairStats> PairStats() const;
  const AgentCounters& counters() const { return counters_; }

 private:
  struct LocalEntry {
    Candidate candidate;
    std::optional<RelayHandle> relay;
    bool pairable = false;  // host/relay: checks are sent from it
    bool previous_generation = false;
  };
  struct RemoteEntry {
    Candidate candidate;
    bool previous_generation = false;
  };
  // One outstanding check or consent request.
  struct OutgoingCheck {
    PairId pair = 0;
    SocketAddress local;
    SocketAddress remote;
    std::vector<uint8_t> request;
    StunTransaction tx;
    std::string remote_pwd;
    Role role = Role::kControlling;
    uint32_t priority = 0;
    bool use_candidate = false;
    bool consent = false;
  };
  struct PreviousGeneration {
    Credentials local;
    std::optional<Credentials> remote;
    std::vector<std::string> mdns_names;
  };

  Agent(AgentConfig config, Rng rng, const Logger* logger);

  // agent.cc: candidates, events, plumbing.
  void Emit(Event e);
  void SetState(ConnectionState s);
  void SetGatheringState(GatheringState s);
  // Processes everything the sub-components produced, then re-evaluates
  // nomination and state. Called at the end of every input.
  void Update(Timestamp now);
  void DrainGatherer(Timestamp now);
  void DrainRelay(Timestamp now);
  void DrainResolver(Timestamp now);
  // Returns the key of the candidate kept (an earlier one if redundant).
  CandidateKey AddLocalCandidate(Timestamp now, Candidate c,
                                 std::optional<RelayHandle> relay);
  // Dedupes by address (upgrading a learned prflx); `pair_all` pairs it
  // with every local socket.
  CandidateKey AddRemoteEntry(Timestamp now, Candidate c, bool pair_all);
  void PairLocalWithRemotes(Timestamp now, CandidateKey local);
  void PairRemoteWithLocals(Timestamp now, CandidateKey remote);
  // `proven`: the peer's check arrived over this 5-tuple, so it works even
  // where the address scopes say it cannot (a loopback socket and a local
  // non-loopback address of the same host reach each other).
  void MakePair(Timestamp now, CandidateKey local, CandidateKey remote,
                bool proven = false);
  const LocalEntry* PairableLocalForBase(const SocketAddress& base,
                                         CandidateKey* key) const;
  std::optional<RelayHandle> RelayOfBase(const SocketAddress& base) const;
  void SendRaw(Timestamp now, const SocketAddress& local,
               const SocketAddress& remote, std::vector<uint8_t> bytes);
  void RemoveRelay(Timestamp now, RelayHandle handle);
  void DropPreviousGeneration(Timestamp now);
  CandidateStats StatsOf(const Candidate& c, bool remote, bool deleted) const;
  SelectedPairEvent DescribePair(const CandidatePair& p) const;

  // agent_checks.cc: STUN in and out.
  void Receive(Timestamp now, const SocketAddress& local,
               const SocketAddress& remote, ByteSpan payload);
  void HandleStun(Timestamp now, const SocketAddress& local,
                  const SocketAddress& remote, const stun::Message& msg);
  void HandleRequest(Timestamp now, const SocketAddress& local,
                     const SocketAddress& remote, const stun::Message& msg);
  void HandleResponse(Timestamp now, const SocketAddress& local,
                      const SocketAddress& remote, const stun::Message& msg);
  void HandleIndication(Timestamp now, const SocketAddress& local,
                        const SocketAddress& remote);
  void HandleApplicationData(Timestamp now, const SocketAddress& local,
                             const SocketAddress& remote, ByteSpan payload);
  void SendError(Timestamp now, const SocketAddress& local,
                 const SocketAddress& remote, const stun::TransactionId& txid,
                 int code, std::string_view key,
                 std::span<const stun::AttributeType> unknown = {});
  CandidateKey LearnPeerReflexiveRemote(Timestamp now,
                                        const SocketAddress& remote,
                                        uint32_t priority);
  CandidateKey ValidLocalFor(Timestamp now, const CandidatePair& pair,
                             const SocketAddress& mapped, uint32_t priority);
  void SendCheck(Timestamp now, CandidatePair& pair, bool consent);
  void SwitchRole(Timestamp now, Role role);
  void OnCheckSucceeded(Timestamp now, CandidatePair& pair,
                        const OutgoingCheck& out, const SocketAddress& mapped);
  void OnCheckFailed(Timestamp now, CandidatePair& pair,
                     const OutgoingCheck& out);
  void Nominate(Timestamp now, CandidatePair& pair);
  void Select(Timestamp now, CandidatePair& pair);
  void MaybeNominate(Timestamp now);
  // Traffic from the peer on `pair`; `data` counts it in the packet stats.
  void NoteReceived(Timestamp now, CandidatePair* pair, size_t bytes,
                    bool data);
  uint32_t PeerReflexivePriorityFor(const CandidatePair& pair) const;

  // agent_timers.cc: time-driven behaviour and the state machine.
  void RunChecks(Timestamp now);
  void RunTransactions(Timestamp now);
  void RunSelectedPairTimers(Timestamp now);
  void UpdateConnectionState(Timestamp now);
  bool CanCheck() const;
  bool ChecksInFlight() const;
  TimeDelta CheckRto() const;
  TimeDelta ConsentJitter();
  std::optional<Timestamp> NominationDeadline() const;
  std::optional<Timestamp> CheckingFailureDeadline() const;
  bool CheckingFailedNow(Timestamp now) const;

  AgentConfig config_;
  Rng rng_;
  const Logger* logger_;
  Role role_;
  uint64_t tie_breaker_;
  Credentials local_creds_;
  std::optional<Credentials> remote_creds_;
  bool remote_lite_ = false;
  bool remote_end_of_candidates_ = false;
  uint32_t generation_ = 0;
  std::vector<LocalInterface> interfaces_;
  std::unique_ptr<Gatherer> gatherer_;
  bool end_of_candidates_sent_ = false;
  std::optional<PreviousGeneration> previous_;

  ConnectionState state_ = ConnectionState::kNew;
  GatheringState gathering_state_ = GatheringState::kNew;
  std::optional<Timestamp> checking_started_;

  CandidateKey next_local_key_ = 1;
  CandidateKey next_remote_key_ = 1;
  std::map<CandidateKey, LocalEntry> local_;
  std::map<CandidateKey, RemoteEntry> remote_;
  // Remote .local candidates waiting for their name to resolve.
  std::map<ResolveId, Candidate> pending_mdns_;
  std::map<RelayHandle, SocketAddress> relays_;  // handle -> relayed addr
  CheckList checklist_;
  std::map<stun::TransactionId, OutgoingCheck> checks_;
  std::optional<Timestamp> last_check_sent_;
  std::optional<Timestamp> first_valid_at_;
  bool nominated_ = false;  // a pair of the current generation nominated

  std::optional<PairId> selected_;
  Timestamp last_received_;  // on the selected pair
  Timestamp last_sent_;      // on the selected pair
  Timestamp consent_expires_;
  Timestamp next_consent_;

  std::deque<Transmit> transmits_;
  std::deque<Event> events_;
  AgentCounters counters_;
  bool closed_ = false;
  Timestamp now_;
};

}  // namespace simrtc::ice

#endif  // CORE_ICE_AGENT_H_
