// Agent lifecycle, commands, candidates and pairing, output queues and
// stats. STUN handling lives in agent_checks.cc, timers and the state
// machine in agent_timers.cc.
#include "core/ice/agent.h"

#include <algorithm>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_format.h"
#include "core/base/status_macros.h"
#include "core/ice/priority.h"

namespace simrtc::ice {

absl::StatusOr<std::unique_ptr<Agent>> Agent::Create(AgentConfig config,
                                                     Rng rng,
                                                     const Logger* logger) {
  SIMRTC_RETURN_IF_ERROR(config.Validate());
  return std::unique_ptr<Agent>(
      new Agent(std::move(config), std::move(rng), logger));
}

Agent::Agent(AgentConfig config, Rng rng, const Logger* logger)
    : config_(std::move(config)),
      rng_(std::move(rng)),
      logger_(logger),
      role_(config_.lite ? Role::kControlled : config_.role),
      tie_breaker_(rng_.NextU64()),
      checklist_(config_.max_pairs) {
  local_creds_ = config_.credentials ? *config_.credentials
                                     : Credentials{rng_.AlphaNumeric(16),
                                                   rng_.AlphaNumeric(32)};
  interfaces_ = config_.interfaces;
  checklist_.SetRole(role_);
}

Agent::~Agent() = default;

// ---- Output plumbing --------------------------------------------------------

void Agent::Emit(Event e) { events_.push_back(std::move(e)); }

void Agent::SetState(ConnectionState s) {
  if (state_ == s) return;
  SIMRTC_LOG(logger_, kInfo) << "connection state " << state_ << " -> " << s;
  state_ = s;
  Emit(ConnectionStateEvent{s});
}

void Agent::SetGatheringState(GatheringState s) {
  if (gathering_state_ == s) return;
  gathering_state_ = s;
  Emit(GatheringStateEvent{s});
}

std::optional<Transmit> Agent::PollTransmit() {
  if (!transmits_.empty()) {
    Transmit t = std::move(transmits_.front());
    transmits_.pop_front();
    return t;
  }
  if (config_.relay != nullptr) {
    if (std::optional<Transmit> t = config_.relay->PollTransmit()) return t;
  }
  if (config_.resolver != nullptr) {
    if (std::optional<Transmit> t = config_.resolver->PollTransmit()) return t;
  }
  return std::nullopt;
}

std::optional<Event> Agent::PollEvent() {
  if (events_.empty()) return std::nullopt;
  Event e = std::move(events_.front());
  events_.pop_front();
  return e;
}

void Agent::SendRaw(Timestamp now, const SocketAddress& local,
                    const SocketAddress& remote, std::vector<uint8_t> bytes) {
  counters_.bytes_sent += bytes.size();
  if (std::optional<RelayHandle> relay = RelayOfBase(local)) {
    absl::Status s = config_.relay->Send(now, *relay, remote, bytes);
    if (!s.ok()) {
      SIMRTC_LOG(logger_, kDebug)
          << "relay send to " << remote << " failed: " << s.ToString();
    }
    return;
  }
  transmits_.push_back(
      Transmit{local, remote, Transport::kUdp, std::move(bytes)});
}

// ---- Commands ---------------------------------------------------------------

absl::Status Agent::GatherCandidates(Timestamp now) {
  if (closed_) return absl::FailedPreconditionError("GatherCandidates: closed");
  now_ = now;
  if (gatherer_ != nullptr) return absl::OkStatus();
  gatherer_ = std::make_unique<Gatherer>(
      config_, interfaces_, generation_, local_creds_.ufrag,
      rng_.Fork(absl::StrFormat("gather-%d", generation_)), logger_);
  SetGatheringState(GatheringState::kGathering);
  gatherer_->Start(now);
  Update(now);
  return absl::OkStatus();
}

absl::Status Agent::SetRemoteCredentials(Timestamp now,
                                         const Credentials& remote,
                                         bool remote_lite) {
  if (closed_) {
    return absl::FailedPreconditionError("SetRemoteCredentials: closed");
  }
  now_ = now;
  if (remote.ufrag.empty() || remote.pwd.empty()) {
    return absl::InvalidArgumentError(
        "SetRemoteCredentials: ufrag and pwd must be non-empty");
  }
  if (remote_creds_) {
    if (*remote_creds_ == remote) return absl::OkStatus();
    return absl::FailedPreconditionError(absl::StrFormat(
        "SetRemoteCredentials: ufrag \"%s\" already set (new \"%s\"); an ICE "
        "restart needs Restart() first",
        remote_creds_->ufrag, remote.ufrag));
  }
  remote_creds_ = remote;
  remote_lite_ = remote_lite;
  for (auto& [key, r] : remote_) {
    if (!r.previous_generation && r.candidate.ufrag.empty()) {
      r.candidate.ufrag = remote.ufrag;
    }
  }
  if (remote_lite_ && !config_.lite && role_ != Role::kControlling) {
    // RFC 8445 section 6.1.1: against a lite peer the full agent controls.
    SwitchRole(now, Role::kControlling);
  }
  Update(now);
  return absl::OkStatus();
}

absl::Status Agent::SetRole(Timestamp now, Role role) {
  if (remote_creds_.has_value() || closed_) {
    return absl::FailedPreconditionError(
        "SetRole: the role is fixed once remote credentials are set");
  }
  if (config_.lite && role == Role::kControlling) {
    return absl::InvalidArgumentError("SetRole: a lite agent is controlled");
  }
  now_ = now;
  SwitchRole(now, role);
  return absl::OkStatus();
}

absl::Status Agent::AddRemoteCandidate(Timestamp now, std::string_view sdp) {
  absl::StatusOr<Candidate> c = Candidate::FromSdp(sdp);
  if (!c.ok()) return c.status();
  return AddRemoteCandidate(now, *c);
}

absl::Status Agent::AddRemoteCandidate(Timestamp now,
                                       const Candidate& candidate) {
  if (closed_)
    return absl::FailedPreconditionError("AddRemoteCandidate: closed");
  now_ = now;
  if (candidate.component != config_.component ||
      candidate.transport != Transport::kUdp) {
    SIMRTC_LOG(logger_, kDebug) << "ignoring remote candidate " << candidate
                                << ": component/transport not in use";
    return absl::OkStatus();
  }
  if (remote_creds_ && !candidate.ufrag.empty() &&
      candidate.ufrag != remote_creds_->ufrag) {
    SIMRTC_LOG(logger_, kDebug) << "ignoring remote candidate of ufrag "
                                << candidate.ufrag << " (stale generation)";
    return absl::OkStatus();
  }
  if (candidate.is_mdns() && !candidate.is_resolved()) {
    if (config_.mdns_mode == MdnsMode::kDisabled) {
      return absl::FailedPreconditionError(absl::StrFormat(
          "AddRemoteCandidate: %s needs mDNS, which is disabled",
          candidate.hostname));
    }
    const std::string& name = candidate.hostname;
    if (name.size() <= 6 ||
        absl::AsciiStrToLower(name.substr(name.size() - 6)) != ".local") {
      return absl::UnimplementedError(absl::StrFormat(
          "AddRemoteCandidate: cannot resolve non-mDNS name %s", name));
    }
    absl::StatusOr<ResolveId> id =
        config_.resolver->Resolve(now, name, IpFamily::kNone);
    if (!id.ok()) return id.status();
    pending_mdns_.emplace(*id, candidate);
    Update(now);
    return absl::OkStatus();
  }
  if (!candidate.address.is_set() || candidate.address.port() == 0) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "AddRemoteCandidate: %s has no usable address", candidate.ToString()));
  }
  AddRemoteEntry(now, candidate, /*pair_all=*/true);
  Update(now);
  return absl::OkStatus();
}

void Agent::SetRemoteEndOfCandidates(Timestamp now) {
  if (closed_) return;
  now_ = now;
  remote_end_of_candidates_ = true;
  Update(now);
}

absl::Status Agent::Send(Timestamp now, ByteSpan payload) {
  if (closed_) return absl::FailedPreconditionError("Send: agent closed");
  now_ = now;
  if (state_ == ConnectionState::kFailed) {
    return absl::FailedPreconditionError("Send: ICE failed");
  }
  CandidatePair* pair = selected_ ? checklist_.Find(*selected_) : nullptr;
  if (pair == nullptr) {
    return absl::FailedPreconditionError("Send: no selected candidate pair");
  }
  pair->packets_sent++;
  pair->bytes_sent += payload.size();
  pair->last_packet_sent = now;
  last_sent_ = now;
  counters_.data_sent++;
  SendRaw(now, pair->local_base, pair->remote_address,
          std::vector<uint8_t>(payload.begin(), payload.end()));
  return absl::OkStatus();
}

absl::Status Agent::Restart(
    Timestamp now, std::optional<Credentials> credentials,
    std::optional<std::vector<LocalInterface>> interfaces) {
  if (closed_) return absl::FailedPreconditionError("Restart: closed");
  now_ = now;
  if (credentials) {
    AgentConfig probe;
    probe.credentials = credentials;
    SIMRTC_RETURN_IF_ERROR(probe.Validate());
    if (credentials->ufrag == local_creds_.ufrag) {
      return absl::InvalidArgumentError(
          "Restart: the new ufrag must differ from the current one");
    }
  }
  if (interfaces) {
    AgentConfig probe;
    probe.interfaces = *interfaces;
    SIMRTC_RETURN_IF_ERROR(probe.Validate());
  }
  DropPreviousGeneration(now);
  std::vector<std::string> names;
  if (gatherer_ != nullptr) names = gatherer_->published_names();

  CandidatePair* keep = selected_ ? checklist_.Find(*selected_) : nullptr;
  if (keep != nullptr) {
    // RFC 8445 section 9: data keeps flowing on the old pair until the new
    // generation selects one, so it, its candidates, relay and credentials
    // survive as the "previous generation".
    previous_ =
        PreviousGeneration{local_creds_, remote_creds_, std::move(names)};
    keep->previous_generation = true;
    std::set<CandidateKey> keep_local = {keep->local};
    if (keep->valid_local) keep_local.insert(*keep->valid_local);
    const PairId keep_id = keep->id;
    const CandidateKey keep_remote = keep->remote;
    checklist_.RemoveIf(
        [keep_id](const CandidatePair& p) { return p.id != keep_id; });
    for (auto it = local_.begin(); it != local_.end();) {
      if (keep_local.count(it->first)) {
        it->second.previous_generation = true;
        ++it;
        continue;
      }
      if (it->second.relay) {
        config_.relay->Release(now, *it->second.relay);
        relays_.erase(*it->second.relay);
      }
      it = local_.erase(it);
    }
    for (auto it = remote_.begin(); it != remote_.end();) {
      if (it->first == keep_remote) {
        it->second.previous_generation = true;
        ++it;
      } else {
        it = remote_.erase(it);
      }
    }
    for (auto it = checks_.begin(); it != checks_.end();) {
      const bool keep_check = it->second.consent && it->second.pair == keep_id;
      it = keep_check ? std::next(it) : checks_.erase(it);
    }
  } else {
    for (const std::string& n : names) {
      if (config_.resolver) (void)config_.resolver->Unpublish(now, n);
    }
    for (const auto& [handle, addr] : relays_) {
      config_.relay->Release(now, handle);
    }
    relays_.clear();
    local_.clear();
    remote_.clear();
    checklist_.Clear();
    checks_.clear();
    selected_.reset();
  }
  for (const auto& [id, c] : pending_mdns_) {
    if (config_.resolver) config_.resolver->Cancel(id);
  }
  pending_mdns_.clear();

  ++generation_;
  local_creds_ =
      credentials ? *credentials
                  : Credentials{rng_.AlphaNumeric(16), rng_.AlphaNumeric(32)};
  remote_creds_.reset();
  remote_lite_ = false;
  remote_end_of_candidates_ = false;
  if (interfaces) interfaces_ = std::move(*interfaces);
  nominated_ = false;
  first_valid_at_.reset();
  checking_started_.reset();
  last_check_sent_.reset();
  checklist_.ResumeOrdinaryChecks();
  end_of_candidates_sent_ = false;
  if (state_ == ConnectionState::kFailed) {
    SetState(selected_ ? ConnectionState::kDisconnected
                       : ConnectionState::kNew);
  }
  SIMRTC_LOG(logger_, kInfo) << "ICE restart, generation " << generation_;
  gatherer_.reset();
  SetGatheringState(GatheringState::kNew);
  return GatherCandidates(now);
}

void Agent::Close(Timestamp now) {
  if (closed_) return;
  now_ = now;
  std::vector<std::string> names;
  if (gatherer_ != nullptr) names = gatherer_->published_names();
  if (previous_) {
    names.insert(names.end(), previous_->mdns_names.begin(),
                 previous_->mdns_names.end());
  }
  if (config_.resolver != nullptr) {
    for (const std::string& n : names) {
      (void)config_.resolver->Unpublish(now, n);
    }
    for (const auto& [id, c] : pending_mdns_) config_.resolver->Cancel(id);
  }
  pending_mdns_.clear();
  for (const auto& [handle, addr] : relays_)
    config_.relay->Release(now, handle);
  relays_.clear();
  checks_.clear();
  selected_.reset();
  closed_ = true;
  SetState(ConnectionState::kClosed);
}

// ---- Sub-component plumbing -------------------------------------------------

void Agent::Update(Timestamp now) {
  if (closed_) return;
  DrainRelay(now);
  DrainResolver(now);
  DrainGatherer(now);
  MaybeNominate(now);
  UpdateConnectionState(now);
}

void Agent::DrainGatherer(Timestamp now) {
  if (gatherer_ == nullptr) return;
  while (std::optional<Transmit> t = gatherer_->PollTransmit()) {
    counters_.stun_server_requests_sent++;
    counters_.bytes_sent += t->payload.size();
    transmits_.push_back(std::move(*t));
  }
  while (std::optional<GatheredCandidate> g = gatherer_->PollCandidate()) {
    AddLocalCandidate(now, std::move(g->candidate), g->relay);
  }
  if (gatherer_->complete() && !end_of_candidates_sent_ &&
      gathering_state_ == GatheringState::kGathering) {
    end_of_candidates_sent_ = true;
    Emit(LocalCandidateEvent{std::nullopt});
    SetGatheringState(GatheringState::kComplete);
  }
}

void Agent::DrainRelay(Timestamp now) {
  if (config_.relay == nullptr) return;
  while (std::optional<RelayEvent> e = config_.relay->PollEvent()) {
    if (auto* a = std::get_if<RelayAllocated>(&*e)) {
      if (gatherer_ == nullptr || !gatherer_->HandleRelayAllocated(*a)) {
        // Asked for by an earlier generation: nobody will use it.
        config_.relay->Release(now, a->handle);
      }
    } else if (auto* d = std::get_if<RelayAllocationDone>(&*e)) {
      if (gatherer_ != nullptr) gatherer_->HandleRelayDone(*d);
    } else if (auto* data = std::get_if<RelayData>(&*e)) {
      auto it = relays_.find(data->handle);
      if (it == relays_.end()) continue;
      counters_.datagrams_received++;
      const SocketAddress relayed = it->second;
      Receive(now, relayed, data->peer, data->payload);
    } else if (auto* lost = std::get_if<RelayLost>(&*e)) {
      SIMRTC_LOG(logger_, kInfo) << "relay allocation lost: " << lost->reason;
      RemoveRelay(now, lost->handle);
    }
  }
  // Gathering may have produced candidates from the events above.
  DrainGatherer(now);
}

void Agent::DrainResolver(Timestamp now) {
  if (config_.resolver == nullptr) return;
  while (std::optional<NameResolution> r = config_.resolver->PollResolution()) {
    auto it = pending_mdns_.find(r->id);
    if (it == pending_mdns_.end()) continue;
    Candidate c = std::move(it->second);
    pending_mdns_.erase(it);
    if (r->addresses.empty()) {
      SIMRTC_LOG(logger_, kInfo)
          << "mDNS name " << c.hostname << " did not resolve: " << r->status;
      continue;
    }
    // Prefer an address of a family we can reach; the list is sorted, so
    // the choice is deterministic.
    const IpAddress* pick = &r->addresses.front();
    for (const IpAddress& ip : r->addresses) {
      bool usable = false;
      for (const auto& [key, l] : local_) {
        usable |= l.pairable && l.candidate.base.family() == ip.family();
      }
      for (const LocalInterface& itf : interfaces_) {
        usable |= itf.address.family() == ip.family();
      }
      if (usable) {
        pick = &ip;
        break;
      }
    }
    c.address = SocketAddress(*pick, c.address.port());
    AddRemoteEntry(now, std::move(c), /*pair_all=*/true);
  }
}

// ---- Candidates and pairs ---------------------------------------------------

CandidateKey Agent::AddLocalCandidate(Timestamp now, Candidate c,
                                      std::optional<RelayHandle> relay) {
  for (const auto& [key, l] : local_) {
    if (!l.previous_generation && IsRedundant(l.candidate, c)) {
      // RFC 8445 section 5.1.3; the first one found was signalled already
      // and has the higher type preference in every case that occurs
      // (host before srflx, STUN srflx before the same TURN srflx).
      if (relay) config_.relay->Release(now, *relay);
      return key;
    }
  }
  const CandidateKey key = next_local_key_++;
  c.id = absl::StrFormat("L%d", key);
  LocalEntry e;
  // Checks go out from host sockets (a srflx candidate is pruned to its
  // base, RFC 8445 section 6.1.2.4). When host candidates are filtered
  // out, the srflx candidate stands for its base socket instead, so that
  // its socket still checks without revealing the host address.
  const bool hosts_filtered =
      !config_.candidate_types.empty() &&
      std::find(config_.candidate_types.begin(), config_.candidate_types.end(),
                CandidateType::kHost) == config_.candidate_types.end();
  e.pairable = c.type == CandidateType::kHost ||
               c.type == CandidateType::kRelay ||
               (hosts_filtered && c.type == CandidateType::kServerReflexive);
  e.relay = relay;
  if (relay) relays_[*relay] = c.base;
  e.candidate = std::move(c);
  const bool announce = e.candidate.type != CandidateType::kPeerReflexive;
  const bool pairable = e.pairable;
  auto [it, inserted] = local_.emplace(key, std::move(e));
  SIMRTC_LOG(logger_, kDebug) << "local candidate " << it->second.candidate;
  if (announce) Emit(LocalCandidateEvent{it->second.candidate});
  if (pairable && !config_.lite) PairLocalWithRemotes(now, key);
  return key;
}

CandidateKey Agent::AddRemoteEntry(Timestamp now, Candidate c, bool pair_all) {
  for (auto& [key, r] : remote_) {
    if (r.previous_generation || r.candidate.address != c.address) continue;
    if (r.candidate.type == CandidateType::kPeerReflexive &&
        c.type != CandidateType::kPeerReflexive) {
      // RFC 8838 section 11: a signalled candidate matching a learned
      // prflx one replaces its type, priority and foundation; the pairs
      // keep their state.
      const std::string id = r.candidate.id;
      r.candidate = std::move(c);
      r.candidate.id = id;
      for (CandidatePair* p : checklist_.SortedMutable()) {
        if (p->remote != key) continue;
        p->remote_priority = r.candidate.priority;
        const auto l = local_.find(p->local);
        if (l != local_.end()) {
          p->foundation =
              l->second.candidate.foundation + ":" + r.candidate.foundation;
        }
        checklist_.RecomputePriority(p->id);
      }
      if (pair_all) PairRemoteWithLocals(now, key);
    }
    return key;
  }
  const CandidateKey key = next_remote_key_++;
  c.id = absl::StrFormat("R%d", key);
  if (c.ufrag.empty() && remote_creds_) c.ufrag = remote_creds_->ufrag;
  RemoteEntry e;
  e.candidate = std::move(c);
  remote_.emplace(key, std::move(e));
  SIMRTC_LOG(logger_, kDebug)
      << "remote candidate " << remote_.at(key).candidate;
  if (pair_all) PairRemoteWithLocals(now, key);
  return key;
}

void Agent::PairLocalWithRemotes(Timestamp now, CandidateKey local) {
  for (const auto& [key, r] : remote_) {
    if (r.previous_generation) continue;
    // RFC 8445 section 7.3.1.3: a peer-reflexive remote is paired only
    // with the socket its request arrived on (done when it was learned).
    if (r.candidate.type == CandidateType::kPeerReflexive) continue;
    MakePair(now, local, key);
  }
}

void Agent::PairRemoteWithLocals(Timestamp now, CandidateKey remote) {
  if (config_.lite) return;  // a lite agent forms no check list
  for (const auto& [key, l] : local_) {
    if (l.previous_generation || !l.pairable) continue;
    MakePair(now, key, remote);
  }
}

void Agent::MakePair(Timestamp now, CandidateKey local, CandidateKey remote,
                     bool proven) {
  const auto l = local_.find(local);
  const auto r = remote_.find(remote);
  if (l == local_.end() || r == remote_.end()) return;
  const Candidate& lc = l->second.candidate;
  const Candidate& rc = r->second.candidate;
  if (!rc.is_resolved() || lc.base.family() != rc.address.family()) return;
  if (lc.component != rc.component) return;
  // A loopback socket reaches nothing but loopback, or another address of
  // its own host (which only an arrived check proves).
  if (!proven && lc.base.ip().IsLoopback() != rc.address.ip().IsLoopback()) {
    return;
  }
  if (CandidatePair* ex = checklist_.FindByTuple(lc.base, rc.address);
      ex != nullptr && ex->previous_generation) {
    // The new generation reuses the 5-tuple that carries our traffic: the
    // pair joins the new generation and is checked again with the new
    // credentials, without interrupting the data on it.
    ex->previous_generation = false;
    ex->local = local;
    ex->remote = remote;
    ex->local_priority = lc.priority;
    ex->remote_priority = rc.priority;
    ex->foundation = lc.foundation + ":" + rc.foundation;
    ex->state = PairState::kWaiting;
    ex->valid_local.reset();
    ex->nominated = false;
    ex->nominating = false;
    ex->nominate_on_success = false;
    ex->remote_validated = false;
    checklist_.RecomputePriority(ex->id);
    for (auto it = checks_.begin(); it != checks_.end();) {
      it = it->second.pair == ex->id ? checks_.erase(it) : std::next(it);
    }
    if (selected_ == ex->id) consent_expires_ = now + config_.consent_timeout;
    return;
  }
  CandidatePair p;
  p.local = local;
  p.remote = remote;
  p.local_base = lc.base;
  p.remote_address = rc.address;
  p.foundation = lc.foundation + ":" + rc.foundation;
  p.local_priority = lc.priority;
  p.remote_priority = rc.priority;
  CheckList::AddResult added = checklist_.Add(std::move(p));
  if (l->second.relay) {
    config_.relay->Permit(now, *l->second.relay, rc.address.ip());
  }
  if (added.added) {
    SIMRTC_LOG(logger_, kTrace) << "pair " << lc.id << " -> " << rc.id;
  }
}

const Agent::LocalEntry* Agent::PairableLocalForBase(const SocketAddress& base,
                                                     CandidateKey* key) const {
  const LocalEntry* fallback = nullptr;
  CandidateKey fallback_key = 0;
  for (const auto& [k, l] : local_) {
    if (!l.pairable || l.candidate.base != base) continue;
    if (!l.previous_generation) {
      *key = k;
      return &l;
    }
    if (fallback == nullptr) {
      fallback = &l;
      fallback_key = k;
    }
  }
  *key = fallback_key;
  return fallback;
}

std::optional<RelayHandle> Agent::RelayOfBase(const SocketAddress& base) const {
  for (const auto& [handle, addr] : relays_) {
    if (addr == base) return handle;
  }
  return std::nullopt;
}

void Agent::RemoveRelay(Timestamp now, RelayHandle handle) {
  auto rit = relays_.find(handle);
  if (rit == relays_.end()) return;
  const SocketAddress base = rit->second;
  relays_.erase(rit);
  std::set<CandidateKey> keys;
  for (const auto& [key, l] : local_) {
    if (l.candidate.base == base) keys.insert(key);
  }
  std::vector<PairId> removed = checklist_.RemoveIf(
      [&](const CandidatePair& p) { return keys.count(p.local) > 0; });
  for (PairId id : removed) {
    for (auto it = checks_.begin(); it != checks_.end();) {
      it = it->second.pair == id ? checks_.erase(it) : std::next(it);
    }
    if (selected_ == id) {
      // The path is gone; let the remaining valid pairs compete again.
      selected_.reset();
      nominated_ = false;
      checklist_.ResumeOrdinaryChecks();
    }
  }
  for (CandidateKey k : keys) local_.erase(k);
  (void)now;
}

void Agent::DropPreviousGeneration(Timestamp now) {
  if (!previous_) return;
  if (config_.resolver != nullptr) {
    for (const std::string& n : previous_->mdns_names) {
      (void)config_.resolver->Unpublish(now, n);
    }
  }
  std::vector<PairId> removed = checklist_.RemoveIf(
      [](const CandidatePair& p) { return p.previous_generation; });
  for (PairId id : removed) {
    for (auto it = checks_.begin(); it != checks_.end();) {
      it = it->second.pair == id ? checks_.erase(it) : std::next(it);
    }
    if (selected_ == id) selected_.reset();
  }
  for (auto it = local_.begin(); it != local_.end();) {
    if (!it->second.previous_generation) {
      ++it;
      continue;
    }
    if (it->second.relay) {
      config_.relay->Release(now, *it->second.relay);
      relays_.erase(*it->second.relay);
    }
    it = local_.erase(it);
  }
  for (auto it = remote_.begin(); it != remote_.end();) {
    it = it->second.previous_generation ? remote_.erase(it) : std::next(it);
  }
  previous_.reset();
}

// ---- Queries ----------------------------------------------------------------

std::vector<Candidate> Agent::local_candidates() const {
  std::vector<Candidate> out;
  for (const auto& [key, l] : local_) {
    if (!l.previous_generation) out.push_back(l.candidate);
  }
  return out;
}

std::vector<Candidate> Agent::remote_candidates() const {
  std::vector<Candidate> out;
  for (const auto& [key, r] : remote_) {
    if (!r.previous_generation) out.push_back(r.candidate);
  }
  return out;
}

SelectedPairEvent Agent::DescribePair(const CandidatePair& p) const {
  SelectedPairEvent e;
  e.pair = p.id;
  e.pair_id = PairStatsId(p);
  const CandidateKey lk = p.valid_local.value_or(p.local);
  if (auto l = local_.find(lk); l != local_.end())
    e.local = l->second.candidate;
  if (auto r = remote_.find(p.remote); r != remote_.end()) {
    e.remote = r->second.candidate;
  }
  return e;
}

std::optional<SelectedPairEvent> Agent::selected_pair() const {
  if (!selected_) return std::nullopt;
  const CandidatePair* p = checklist_.Find(*selected_);
  if (p == nullptr) return std::nullopt;
  return DescribePair(*p);
}

CandidateStats Agent::StatsOf(const Candidate& c, bool remote,
                              bool deleted) const {
  CandidateStats s;
  s.id = c.id;
  s.is_remote = remote;
  s.network_type = c.network_type();
  s.address = c.address.is_set() ? c.address.ip().ToString() : c.hostname;
  s.port = c.address.port();
  s.protocol = c.transport == Transport::kTcp ? "tcp" : "udp";
  s.candidate_type = c.type;
  s.priority = c.priority;
  s.foundation = c.foundation;
  if (c.related.is_set()) {
    s.related_address = c.related.ip().ToString();
    s.related_port = c.related.port();
  }
  s.url = c.url;
  s.relay_protocol = c.relay_protocol;
  s.username_fragment = c.ufrag;
  s.generation = c.generation;
  s.deleted = deleted;
  return s;
}

std::vector<CandidateStats> Agent::LocalCandidateStats() const {
  std::vector<CandidateStats> out;
  for (const auto& [key, l] : local_) {
    out.push_back(StatsOf(l.candidate, false, l.previous_generation));
  }
  return out;
}

std::vector<CandidateStats> Agent::RemoteCandidateStats() const {
  std::vector<CandidateStats> out;
  for (const auto& [key, r] : remote_) {
    out.push_back(StatsOf(r.candidate, true, r.previous_generation));
  }
  return out;
}

std::vector<CandidatePairStats> Agent::PairStats() const {
  std::vector<CandidatePairStats> out;
  for (const CandidatePair* p : checklist_.Sorted()) {
    CandidatePairStats s;
    s.id = PairStatsId(*p);
    s.local_candidate_id = absl::StrFormat("L%d", p->local);
    s.remote_candidate_id = absl::StrFormat("R%d", p->remote);
    s.valid_local_candidate_id =
        absl::StrFormat("L%d", p->valid_local.value_or(p->local));
    s.state = p->state;
    s.nominated = p->nominated;
    s.selected = selected_ == p->id;
    s.priority = p->priority;
    s.packets_sent = p->packets_sent;
    s.packets_received = p->packets_received;
    s.bytes_sent = p->bytes_sent;
    s.bytes_received = p->bytes_received;
    s.requests_sent = p->requests_sent;
    s.requests_received = p->requests_received;
    s.responses_sent = p->responses_sent;
    s.responses_received = p->responses_received;
    s.retransmissions_sent = p->retransmissions_sent;
    s.consent_requests_sent = p->consent_requests_sent;
    s.total_round_trip_time = p->total_round_trip_time;
    s.current_round_trip_time = p->current_round_trip_time;
    s.round_trip_time_measurements = p->round_trip_time_measurements;
    s.last_packet_sent_timestamp = p->last_packet_sent;
    s.last_packet_received_timestamp = p->last_packet_received;
    s.last_request_received_timestamp = p->last_request_received;
    s.last_response_received_timestamp = p->last_response_received;
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace simrtc::ice
