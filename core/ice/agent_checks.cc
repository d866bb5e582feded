// Agent: what arrives (STUN checks, responses, keepalives, application
// data) and the checks it sends, role conflicts and nomination (RFC 8445
// sections 7 and 8).
#include <algorithm>

#include "absl/strings/str_format.h"
#include "core/base/demux.h"
#include "core/ice/agent.h"
#include "core/ice/priority.h"

namespace simrtc::ice {

namespace codes = stun::error_codes;

void Agent::HandleDatagram(Timestamp now, const Datagram& d) {
  if (closed_) return;
  now_ = now;
  if (config_.relay != nullptr && config_.relay->HandleDatagram(now, d)) {
    Update(now);
    return;
  }
  if (config_.resolver != nullptr && config_.resolver->HandleDatagram(now, d)) {
    Update(now);
    return;
  }
  counters_.datagrams_received++;
  if (d.transport != Transport::kUdp) return;
  Receive(now, d.local, d.remote, d.payload);
  Update(now);
}

void Agent::Receive(Timestamp now, const SocketAddress& local,
                    const SocketAddress& remote, ByteSpan payload) {
  counters_.bytes_received += payload.size();
  if (ClassifyPacket(payload) == PacketClass::kStun) {
    if (!stun::IsStunMessage(payload)) {
      counters_.malformed_dropped++;
      return;
    }
    absl::StatusOr<stun::Message> msg = stun::Message::Parse(payload);
    if (!msg.ok()) {
      counters_.malformed_dropped++;
      SIMRTC_LOG(logger_, kDebug)
          << "dropping STUN from " << remote << ": " << msg.status().ToString();
      return;
    }
    counters_.stun_received++;
    HandleStun(now, local, remote, *msg);
    return;
  }
  HandleApplicationData(now, local, remote, payload);
}

void Agent::HandleStun(Timestamp now, const SocketAddress& local,
                       const SocketAddress& remote, const stun::Message& msg) {
  const bool binding = msg.method() == stun::Method::kBinding;
  switch (msg.message_class()) {
    case stun::Class::kRequest:
      if (!binding) {
        // RFC 8489 section 6.3.1: a method we do not serve.
        counters_.requests_rejected++;
        SendError(now, local, remote, msg.transaction_id(), codes::kBadRequest,
                  {});
        return;
      }
      HandleRequest(now, local, remote, msg);
      return;
    case stun::Class::kIndication:
      if (binding) HandleIndication(now, local, remote);
      return;
    case stun::Class::kSuccess:
    case stun::Class::kError:
      if (gatherer_ != nullptr &&
          gatherer_->HandleStunResponse(now, local, remote, msg)) {
        return;
      }
      if (binding) {
        HandleResponse(now, local, remote, msg);
      } else {
        counters_.unknown_transaction_dropped++;
      }
      return;
  }
}

void Agent::SendError(Timestamp now, const SocketAddress& local,
                      const SocketAddress& remote,
                      const stun::TransactionId& txid, int code,
                      std::string_view key,
                      std::span<const stun::AttributeType> unknown) {
  absl::StatusOr<std::vector<uint8_t>> bytes =
      BuildCheckError(txid, code, key, unknown, config_.software);
  if (!bytes.ok()) {
    SIMRTC_LOG(logger_, kWarning)
        << "cannot build error " << code << ": " << bytes.status().ToString();
    return;
  }
  SendRaw(now, local, remote, std::move(*bytes));
}

void Agent::NoteReceived(Timestamp now, CandidatePair* pair, size_t bytes,
                         bool data) {
  if (pair == nullptr) return;
  pair->last_packet_received = now;
  if (data) {
    pair->packets_received++;
    pair->bytes_received += bytes;
  }
  // Data on another pair of this generation also shows the peer is alive:
  // a controlling peer that renominates (libwebrtc does, RFC 8445 aside)
  // sends on its new choice while we keep the higher-priority pair.
  if (selected_ == pair->id || (data && !pair->previous_generation)) {
    last_received_ = now;
  }
}

void Agent::HandleRequest(Timestamp now, const SocketAddress& local,
                          const SocketAddress& remote,
                          const stun::Message& msg) {
  Credentials accepted[2] = {local_creds_, {}};
  size_t n = 1;
  if (previous_) accepted[n++] = previous_->local;
  std::variant<CheckRequest, CheckRejection> screened =
      ScreenRequest(msg, std::span<const Credentials>(accepted, n));
  if (auto* reject = std::get_if<CheckRejection>(&screened)) {
    counters_.requests_rejected++;
    SIMRTC_LOG(logger_, kDebug) << "check from " << remote << " refused ("
                                << reject->code << "): " << reject->reason;
    if (reject->code != 0) {
      SendError(now, local, remote, msg.transaction_id(), reject->code,
                reject->integrity_key, reject->unknown);
    }
    return;
  }
  const CheckRequest& req = std::get<CheckRequest>(screened);
  const stun::TransactionId& txid = msg.transaction_id();

  if (req.credentials_index == 1) {
    // The peer is still checking consent on the pair of the generation
    // before our restart: answer with the old password so it keeps
    // sending there until the new generation takes over.
    absl::StatusOr<std::vector<uint8_t>> ok =
        BuildCheckSuccess(txid, remote, previous_->local.pwd, config_.software);
    if (ok.ok()) SendRaw(now, local, remote, std::move(*ok));
    CandidatePair* pair = checklist_.FindByTuple(local, remote);
    if (pair != nullptr && pair->previous_generation) {
      pair->requests_received++;
      pair->responses_sent++;
      pair->last_request_received = now;
      NoteReceived(now, pair, 0, false);
    }
    return;
  }

  // RFC 8445 section 7.3.1.1: repair a role conflict. A lite agent is
  // controlled by definition and never argues.
  if (!config_.lite) {
    if (role_ == Role::kControlling && req.controlling) {
      counters_.role_conflicts++;
      if (tie_breaker_ >= *req.controlling) {
        SendError(now, local, remote, txid, codes::kRoleConflict,
                  local_creds_.pwd);
        return;
      }
      SwitchRole(now, Role::kControlled);
    } else if (role_ == Role::kControlled && req.controlled) {
      counters_.role_conflicts++;
      if (tie_breaker_ >= *req.controlled) {
        SwitchRole(now, Role::kControlling);
      } else {
        SendError(now, local, remote, txid, codes::kRoleConflict,
                  local_creds_.pwd);
        return;
      }
    }
  }

  absl::StatusOr<std::vector<uint8_t>> ok =
      BuildCheckSuccess(txid, remote, local_creds_.pwd, config_.software);
  if (!ok.ok()) {
    SIMRTC_LOG(logger_, kWarning)
        << "cannot build check response: " << ok.status().ToString();
    return;
  }
  SendRaw(now, local, remote, std::move(*ok));

  CandidateKey lkey = 0;
  const LocalEntry* le = PairableLocalForBase(local, &lkey);
  if (le == nullptr) return;  // not one of our gathered sockets (yet)

  // RFC 8445 section 7.3.1.3: an unknown source is a peer-reflexive
  // candidate with the priority the peer put in the request.
  CandidateKey rkey = 0;
  bool known = false;
  for (const auto& [key, r] : remote_) {
    if (!r.previous_generation && r.candidate.address == remote) {
      rkey = key;
      known = true;
      break;
    }
  }
  if (!known) rkey = LearnPeerReflexiveRemote(now, remote, req.priority);

  CandidatePair* pair = checklist_.FindByTuple(local, remote);
  if (pair == nullptr || pair->previous_generation) {
    MakePair(now, lkey, rkey, /*proven=*/true);
    pair = checklist_.FindByTuple(local, remote);
  }
  if (pair == nullptr) return;
  pair->requests_received++;
  pair->responses_sent++;
  pair->remote_validated = true;
  pair->last_request_received = now;
  NoteReceived(now, pair, 0, false);

  if (config_.lite) {
    // A lite agent does no checks of its own: an authenticated request is
    // all the validation a pair gets (RFC 8445 section 7.3.1.5 via 2.5).
    if (pair->state != PairState::kSucceeded) {
      pair->state = PairState::kSucceeded;
      pair->valid_local = lkey;
      pair->valid_local_priority = le->candidate.priority;
      checklist_.RecomputePriority(pair->id);
    }
    if (req.use_candidate) Nominate(now, *pair);
    return;
  }

  // RFC 8445 section 7.3.1.4 triggered check. An In-Progress pair keeps
  // its running transaction (its retransmissions do the same job) rather
  // than being cancelled and restarted.
  if (pair->state != PairState::kSucceeded &&
      pair->state != PairState::kInProgress) {
    checklist_.EnqueueTriggered(pair->id);
  }
  // RFC 8445 section 7.3.1.5: the controlled agent honours USE-CANDIDATE.
  if (role_ == Role::kControlled && req.use_candidate) {
    if (pair->state == PairState::kSucceeded) {
      Nominate(now, *pair);
    } else {
      pair->nominate_on_success = true;
    }
  }
}

CandidateKey Agent::LearnPeerReflexiveRemote(Timestamp now,
                                             const SocketAddress& remote,
                                             uint32_t priority) {
  Candidate c;
  c.type = CandidateType::kPeerReflexive;
  c.transport = Transport::kUdp;
  c.component = config_.component;
  c.address = remote;
  c.priority = priority;
  // Any value unique to this candidate will do (RFC 8445 section 7.3.1.3).
  c.foundation = ComputeFoundation(CandidateType::kPeerReflexive, remote.ip(),
                                   IpAddress());
  c.generation = generation_;
  SIMRTC_LOG(logger_, kDebug) << "learned peer-reflexive remote " << remote;
  return AddRemoteEntry(now, std::move(c), /*pair_all=*/false);
}

void Agent::HandleIndication(Timestamp now, const SocketAddress& local,
                             const SocketAddress& remote) {
  CandidatePair* pair = checklist_.FindByTuple(local, remote);
  if (pair == nullptr) return;
  if (pair->state == PairState::kSucceeded || pair->remote_validated) {
    NoteReceived(now, pair, 0, false);
  }
}

void Agent::HandleApplicationData(Timestamp now, const SocketAddress& local,
                                  const SocketAddress& remote,
                                  ByteSpan payload) {
  CandidatePair* pair = checklist_.FindByTuple(local, remote);
  if (pair == nullptr || !(pair->state == PairState::kSucceeded ||
                           pair->remote_validated || selected_ == pair->id)) {
    counters_.data_dropped++;
    return;
  }
  counters_.data_received++;
  NoteReceived(now, pair, payload.size(), true);
  Emit(ApplicationDataEvent{
      pair->id, local, remote,
      std::vector<uint8_t>(payload.begin(), payload.end())});
}

uint32_t Agent::PeerReflexivePriorityFor(const CandidatePair& pair) const {
  uint32_t local_pref = kMaxLocalPreference;
  if (auto l = local_.find(pair.local); l != local_.end()) {
    local_pref = (l->second.candidate.priority >> 8) & 0xFFFF;
  }
  return CandidatePriority(CandidateType::kPeerReflexive, local_pref,
                           config_.component);
}

void Agent::SendCheck(Timestamp now, CandidatePair& pair, bool consent) {
  const Credentials* remote = nullptr;
  std::string_view local_ufrag = local_creds_.ufrag;
  if (pair.previous_generation) {
    if (previous_ && previous_->remote) {
      remote = &*previous_->remote;
      local_ufrag = previous_->local.ufrag;
    }
  } else if (remote_creds_) {
    remote = &*remote_creds_;
  }
  if (remote == nullptr) return;
  if (!consent) {
    // One connectivity check per pair at a time: a newer one supersedes.
    for (auto it = checks_.begin(); it != checks_.end();) {
      const bool stale = it->second.pair == pair.id && !it->second.consent;
      it = stale ? checks_.erase(it) : std::next(it);
    }
  }
  OutgoingCheck out;
  out.pair = pair.id;
  out.local = pair.local_base;
  out.remote = pair.remote_address;
  out.role = role_;
  out.priority = PeerReflexivePriorityFor(pair);
  out.consent = consent;
  out.use_candidate =
      !consent && role_ == Role::kControlling && !config_.lite &&
      (pair.nominating || config_.nomination == NominationMode::kAggressive);
  out.remote_pwd = remote->pwd;
  CheckRequestParams params;
  params.local_ufrag = local_ufrag;
  params.remote = *remote;
  params.priority = out.priority;
  params.role = role_;
  params.tie_breaker = tie_breaker_;
  params.use_candidate = out.use_candidate;
  params.software = config_.software;
  const stun::TransactionId txid = stun::TransactionId::Random(rng_);
  absl::StatusOr<std::vector<uint8_t>> bytes = BuildCheckRequest(txid, params);
  if (!bytes.ok()) {
    SIMRTC_LOG(logger_, kWarning)
        << "cannot build check: " << bytes.status().ToString();
    return;
  }
  out.request = *bytes;
  out.tx.Start(now, config_.check_retransmit,
               consent ? config_.check_retransmit.rto : CheckRto());
  if (!consent && pair.state != PairState::kSucceeded) {
    pair.state = PairState::kInProgress;
  }
  pair.requests_sent++;
  if (consent) pair.consent_requests_sent++;
  pair.last_packet_sent = now;
  if (selected_ == pair.id) last_sent_ = now;
  SendRaw(now, out.local, out.remote, std::move(*bytes));
  checks_.emplace(txid, std::move(out));
}

void Agent::HandleResponse(Timestamp now, const SocketAddress& local,
                           const SocketAddress& remote,
                           const stun::Message& msg) {
  auto it = checks_.find(msg.transaction_id());
  if (it == checks_.end()) {
    counters_.unknown_transaction_dropped++;
    return;
  }
  CandidatePair* pair = checklist_.Find(it->second.pair);
  if (pair == nullptr) {
    checks_.erase(it);
    return;
  }
  absl::StatusOr<CheckResponse> resp =
      ScreenResponse(msg, it->second.remote_pwd);
  if (!resp.ok()) {
    // Discarded as if never received (RFC 8489 section 9.1.4): the
    // transaction keeps retransmitting.
    SIMRTC_LOG(logger_, kDebug) << "discarding response from " << remote << ": "
                                << resp.status().ToString();
    return;
  }
  OutgoingCheck done = std::move(it->second);
  checks_.erase(it);
  if (remote != done.remote || local != done.local) {
    // RFC 8445 section 7.2.5.2.1: non-symmetric addresses fail the check.
    SIMRTC_LOG(logger_, kDebug)
        << "asymmetric response for pair " << PairStatsId(*pair);
    if (!done.consent) OnCheckFailed(now, *pair, done);
    return;
  }
  pair->responses_received++;
  pair->last_response_received = now;
  NoteReceived(now, pair, 0, false);
  if (!resp->success) {
    if (resp->error_code == codes::kRoleConflict && !done.consent) {
      // RFC 8445 section 7.2.5.1: switch role (unless a conflict already
      // made us switch since the request left) and try again.
      counters_.role_conflicts++;
      if (done.role == role_ && !config_.lite) {
        SwitchRole(now, role_ == Role::kControlling ? Role::kControlled
                                                    : Role::kControlling);
      }
      checklist_.EnqueueTriggered(pair->id);
      return;
    }
    SIMRTC_LOG(logger_, kDebug) << "check on " << PairStatsId(*pair)
                                << " got error " << resp->error_code;
    if (!done.consent) OnCheckFailed(now, *pair, done);
    return;
  }
  if (done.tx.transmissions() == 1) {
    // Karn: a retransmitted request's response could answer any copy.
    const TimeDelta rtt = now - done.tx.first_sent();
    pair->current_round_trip_time = rtt;
    pair->total_round_trip_time += rtt;
    pair->round_trip_time_measurements++;
  }
  // RFC 7675: any authenticated answer on the selected pair is consent.
  if (selected_ == pair->id) consent_expires_ = now + config_.consent_timeout;
  if (done.consent) return;
  OnCheckSucceeded(now, *pair, done, resp->mapped);
}

CandidateKey Agent::ValidLocalFor(Timestamp now, const CandidatePair& pair,
                                  const SocketAddress& mapped,
                                  uint32_t priority) {
  for (const auto& [key, l] : local_) {
    if (l.previous_generation != pair.previous_generation) continue;
    if (l.candidate.address == mapped && l.candidate.base == pair.local_base) {
      return key;
    }
  }
  // RFC 8445 section 7.2.5.3.1: a mapped address we did not know is a
  // local peer-reflexive candidate, with the priority we sent.
  Candidate c;
  c.type = CandidateType::kPeerReflexive;
  c.transport = Transport::kUdp;
  c.component = config_.component;
  c.address = mapped;
  c.base = pair.local_base;
  c.related = pair.local_base;
  c.priority = priority;
  c.foundation = ComputeFoundation(CandidateType::kPeerReflexive,
                                   pair.local_base.ip(), IpAddress());
  c.generation = generation_;
  c.ufrag = local_creds_.ufrag;
  SIMRTC_LOG(logger_, kDebug) << "learned local peer-reflexive " << mapped;
  return AddLocalCandidate(now, std::move(c), std::nullopt);
}

void Agent::OnCheckSucceeded(Timestamp now, CandidatePair& pair,
                             const OutgoingCheck& out,
                             const SocketAddress& mapped) {
  const CandidateKey valid = ValidLocalFor(now, pair, mapped, out.priority);
  pair.valid_local = valid;
  if (auto l = local_.find(valid); l != local_.end()) {
    pair.valid_local_priority = l->second.candidate.priority;
  }
  pair.state = PairState::kSucceeded;
  checklist_.RecomputePriority(pair.id);
  // RFC 8445 section 7.2.5.3.3: the same foundation is likely to work.
  checklist_.UnfreezeFoundation(pair.foundation);
  if (!first_valid_at_) first_valid_at_ = now;
  if (out.use_candidate && role_ == Role::kControlling) {
    Nominate(now, pair);
  } else if (role_ == Role::kControlled && pair.nominate_on_success) {
    Nominate(now, pair);
  }
  pair.nominating = false;
}

void Agent::OnCheckFailed(Timestamp /*now*/, CandidatePair& pair,
                          const OutgoingCheck& out) {
  if (out.use_candidate || pair.state != PairState::kSucceeded) {
    pair.state = PairState::kFailed;
  }
  pair.nominating = false;
  SIMRTC_LOG(logger_, kDebug) << "pair " << PairStatsId(pair) << " failed";
}

void Agent::SwitchRole(Timestamp /*now*/, Role role) {
  if (role_ == role) return;
  SIMRTC_LOG(logger_, kInfo) << "role " << role_ << " -> " << role;
  role_ = role;
  counters_.role_switches++;
  checklist_.SetRole(role);
  if (role == Role::kControlled) {
    for (CandidatePair* p : checklist_.SortedMutable()) p->nominating = false;
  }
  Emit(RoleEvent{role});
}

void Agent::Nominate(Timestamp now, CandidatePair& pair) {
  pair.nominated = true;
  pair.nominate_on_success = false;
  pair.nominating = false;
  nominated_ = true;
  const bool aggressive_controlling =
      role_ == Role::kControlling &&
      config_.nomination == NominationMode::kAggressive;
  if (!aggressive_controlling) {
    // RFC 8445 section 8.1.1: stop ordinary checks; in-flight checks on
    // lower-priority pairs stop retransmitting.
    checklist_.StopOrdinaryChecks();
    for (auto& [txid, out] : checks_) {
      const CandidatePair* p = checklist_.Find(out.pair);
      if (!out.consent && p != nullptr && p->priority < pair.priority) {
        out.tx.StopRetransmitting();
      }
    }
  }
  const CandidatePair* current =
      selected_ ? checklist_.Find(*selected_) : nullptr;
  if (current == nullptr || current->previous_generation ||
      !current->nominated || current->id == pair.id ||
      pair.valid_priority > current->valid_priority) {
    Select(now, pair);
  }
}

void Agent::Select(Timestamp now, CandidatePair& pair) {
  if (!pair.previous_generation) DropPreviousGeneration(now);
  if (selected_ == pair.id) return;
  selected_ = pair.id;
  last_received_ = now;
  last_sent_ = now;
  consent_expires_ = now + config_.consent_timeout;
  next_consent_ = now + ConsentJitter();
  SelectedPairEvent e = DescribePair(pair);
  SIMRTC_LOG(logger_, kInfo)
      << "selected pair " << e.pair_id << ": " << e.local << " -> " << e.remote;
  Emit(std::move(e));
}

void Agent::MaybeNominate(Timestamp now) {
  if (config_.lite || role_ != Role::kControlling || nominated_ ||
      config_.nomination == NominationMode::kAggressive || !remote_creds_) {
    return;
  }
  // Walks the pairs in id order (no sort: this runs after every input);
  // ties on priority go to the older pair, so the choice is stable.
  const CandidatePair* best = nullptr;
  for (const auto& [id, p] : checklist_.pairs()) {
    if (p.nominating) return;  // one nomination at a time
    if (p.previous_generation || p.state != PairState::kSucceeded) continue;
    if (best == nullptr || p.valid_priority > best->valid_priority) best = &p;
  }
  if (best == nullptr) return;
  const bool better_pending = checklist_.HasPendingAbove(best->priority);
  if (better_pending && first_valid_at_ &&
      now < *first_valid_at_ + config_.nomination_delay) {
    return;
  }
  SIMRTC_LOG(logger_, kDebug) << "nominating " << PairStatsId(*best);
  CandidatePair* chosen = checklist_.Find(best->id);
  chosen->nominating = true;
  // The nomination goes out at once rather than in the next Ta slot: the
  // pair already works, and waiting up to 50 ms would be most of the setup
  // time on a LAN. It is one packet, so pacing loses nothing.
  SendCheck(now, *chosen, /*consent=*/false);
}

}  // namespace simrtc::ice
