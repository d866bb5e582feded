// Agent: everything time drives (Ta pacing, retransmissions, consent,
// keepalives, nomination delay) and the connection state machine.
#include <algorithm>

#include "core/ice/agent.h"
#include "core/ice/connectivity_check.h"

namespace simrtc::ice {

void Agent::HandleTimeout(Timestamp now) {
  if (closed_) return;
  now_ = now;
  if (config_.relay != nullptr) {
    std::optional<Timestamp> t = config_.relay->NextTimeout();
    if (t && *t <= now) config_.relay->HandleTimeout(now);
  }
  if (config_.resolver != nullptr) {
    std::optional<Timestamp> t = config_.resolver->NextTimeout();
    if (t && *t <= now) config_.resolver->HandleTimeout(now);
  }
  if (gatherer_ != nullptr) gatherer_->HandleTimeout(now);
  RunTransactions(now);
  // Nomination and new candidates may have queued triggered checks.
  Update(now);
  RunChecks(now);
  RunSelectedPairTimers(now);
  Update(now);
}

bool Agent::CanCheck() const {
  return !closed_ && !config_.lite && remote_creds_.has_value() &&
         state_ != ConnectionState::kFailed;
}

bool Agent::ChecksInFlight() const {
  for (const auto& [txid, out] : checks_) {
    if (!out.consent) return true;
  }
  return false;
}

TimeDelta Agent::CheckRto() const {
  // RFC 8445 section 14.3: RTO = MAX(500 ms, Ta * (Waiting + In-Progress)),
  // so retransmissions do not crowd out first checks of other pairs.
  const size_t active = checklist_.CountInState(PairState::kWaiting) +
                        checklist_.CountInState(PairState::kInProgress);
  return std::max(config_.check_retransmit.rto,
                  config_.check_interval * static_cast<int64_t>(active));
}

TimeDelta Agent::ConsentJitter() {
  // RFC 7675 section 5.1: uniformly within 0.8..1.2 of the interval, so
  // consent traffic of many flows does not synchronise.
  return config_.consent_interval * (0.8 + 0.4 * rng_.UniformDouble());
}

void Agent::RunChecks(Timestamp now) {
  if (!CanCheck() || !checklist_.HasWork()) return;
  if (last_check_sent_ && now < *last_check_sent_ + config_.check_interval) {
    return;
  }
  last_check_sent_ = now;
  while (std::optional<PairId> id = checklist_.NextCheck()) {
    CandidatePair* pair = checklist_.Find(*id);
    if (pair == nullptr || pair->previous_generation) continue;
    SendCheck(now, *pair, /*consent=*/false);
    return;
  }
}

void Agent::RunTransactions(Timestamp now) {
  std::vector<stun::TransactionId> timed_out;
  for (auto& [txid, out] : checks_) {
    switch (out.tx.Advance(now)) {
      case StunTransaction::Step::kNothing:
        break;
      case StunTransaction::Step::kRetransmit:
        if (CandidatePair* pair = checklist_.Find(out.pair)) {
          pair->requests_sent++;
          pair->retransmissions_sent++;
          pair->last_packet_sent = now;
          if (selected_ == pair->id) last_sent_ = now;
        }
        SendRaw(now, out.local, out.remote, out.request);
        break;
      case StunTransaction::Step::kTimedOut:
        timed_out.push_back(txid);
        break;
    }
  }
  for (const stun::TransactionId& txid : timed_out) {
    auto it = checks_.find(txid);
    if (it == checks_.end()) continue;
    OutgoingCheck out = std::move(it->second);
    checks_.erase(it);
    CandidatePair* pair = checklist_.Find(out.pair);
    if (pair != nullptr && !out.consent) OnCheckFailed(now, *pair, out);
  }
}

void Agent::RunSelectedPairTimers(Timestamp now) {
  if (!selected_) return;
  CandidatePair* pair = checklist_.Find(*selected_);
  if (pair == nullptr) {
    selected_.reset();
    return;
  }
  if (state_ == ConnectionState::kFailed) return;
  if (config_.consent_freshness && !config_.lite && now >= next_consent_) {
    SendCheck(now, *pair, /*consent=*/true);
    next_consent_ = now + ConsentJitter();
  }
  if (now - last_sent_ >= config_.keepalive_interval) {
    absl::StatusOr<std::vector<uint8_t>> ka =
        BuildKeepalive(stun::TransactionId::Random(rng_));
    if (ka.ok()) {
      pair->last_packet_sent = now;
      SendRaw(now, pair->local_base, pair->remote_address, std::move(*ka));
    }
    last_sent_ = now;
  }
}

bool Agent::CheckingFailedNow(Timestamp now) const {
  for (const auto& [id, p] : checklist_.pairs()) {
    if (!p.previous_generation && p.state != PairState::kFailed) return false;
  }
  for (const auto& [txid, out] : checks_) {
    if (out.consent) continue;
    const CandidatePair* p = checklist_.Find(out.pair);
    if (p != nullptr && !p->previous_generation) return false;
  }
  if (!pending_mdns_.empty()) return false;
  // A lite agent has no check list to exhaust; only the timeout applies.
  if (!config_.lite && remote_end_of_candidates_ &&
      gathering_state_ == GatheringState::kComplete) {
    return true;
  }
  std::optional<Timestamp> deadline = CheckingFailureDeadline();
  return deadline && now >= *deadline;
}

std::optional<Timestamp> Agent::CheckingFailureDeadline() const {
  const TimeDelta total = config_.disconnected_timeout + config_.failed_timeout;
  if (!checking_started_ || total <= TimeDelta::Zero()) return std::nullopt;
  return *checking_started_ + total;
}

std::optional<Timestamp> Agent::NominationDeadline() const {
  if (config_.lite || role_ != Role::kControlling || nominated_ ||
      !first_valid_at_ || config_.nomination == NominationMode::kAggressive) {
    return std::nullopt;
  }
  return *first_valid_at_ + config_.nomination_delay;
}

void Agent::UpdateConnectionState(Timestamp now) {
  if (closed_ || state_ == ConnectionState::kFailed) return;
  const CandidatePair* pair = selected_ ? checklist_.Find(*selected_) : nullptr;
  const bool consent_on = config_.consent_freshness && !config_.lite;
  const TimeDelta disc = config_.disconnected_timeout;
  const TimeDelta fail = config_.failed_timeout;
  if (pair != nullptr) {
    const TimeDelta silent = now - last_received_;
    const bool consent_lost = consent_on && now >= consent_expires_;
    const bool quiet = disc > TimeDelta::Zero() && silent >= disc;
    if (pair->previous_generation) {
      // Restart in progress: the old path only ever degrades to
      // Disconnected; failure is for the new generation to decide.
      if (checking_started_ && CheckingFailedNow(now)) {
        SetState(ConnectionState::kFailed);
      } else {
        SetState(consent_lost || quiet ? ConnectionState::kDisconnected
                                       : ConnectionState::kConnected);
      }
      return;
    }
    if (consent_lost) {
      SIMRTC_LOG(logger_, kInfo) << "consent expired on " << PairStatsId(*pair);
      SetState(ConnectionState::kFailed);
      return;
    }
    if (fail > TimeDelta::Zero() && silent >= disc + fail) {
      SetState(ConnectionState::kFailed);
      return;
    }
    if (quiet) {
      SetState(ConnectionState::kDisconnected);
      return;
    }
    const bool completed = pair->nominated && !checklist_.HasWork() &&
                           !ChecksInFlight() &&
                           gathering_state_ == GatheringState::kComplete;
    if (completed && state_ != ConnectionState::kConnected &&
        state_ != ConnectionState::kCompleted) {
      // Applications expect to see "connected" before "completed".
      SetState(ConnectionState::kConnected);
    }
    SetState(completed ? ConnectionState::kCompleted
                       : ConnectionState::kConnected);
    return;
  }
  if (!remote_creds_) {
    if (state_ != ConnectionState::kNew) SetState(ConnectionState::kChecking);
    return;
  }
  if (!checking_started_) checking_started_ = now;
  SetState(CheckingFailedNow(now) ? ConnectionState::kFailed
                                  : ConnectionState::kChecking);
}

std::optional<Timestamp> Agent::NextTimeout() const {
  if (closed_) return std::nullopt;
  Timestamp t = Timestamp::Infinite();
  auto consider = [&t](std::optional<Timestamp> x) {
    if (x) t = std::min(t, *x);
  };
  // Deadlines that only change state are reported while still ahead, so a
  // driver is never told to wake for a transition that already happened.
  auto consider_ahead = [&](Timestamp x) {
    if (x > now_) t = std::min(t, x);
  };
  if (gatherer_ != nullptr) consider(gatherer_->NextTimeout());
  if (config_.relay != nullptr) consider(config_.relay->NextTimeout());
  if (config_.resolver != nullptr) consider(config_.resolver->NextTimeout());
  for (const auto& [txid, out] : checks_) t = std::min(t, out.tx.NextTime());
  if (CanCheck() && checklist_.HasWork()) {
    t = std::min(t, last_check_sent_
                        ? *last_check_sent_ + config_.check_interval
                        : now_);
  }
  if (std::optional<Timestamp> n = NominationDeadline()) consider_ahead(*n);
  const CandidatePair* pair = selected_ ? checklist_.Find(*selected_) : nullptr;
  if (pair != nullptr && state_ != ConnectionState::kFailed) {
    if (config_.consent_freshness && !config_.lite) {
      t = std::min(t, next_consent_);
      consider_ahead(consent_expires_);
    }
    t = std::min(t, last_sent_ + config_.keepalive_interval);
    if (config_.disconnected_timeout > TimeDelta::Zero()) {
      consider_ahead(last_received_ + config_.disconnected_timeout);
    }
    if (config_.failed_timeout > TimeDelta::Zero()) {
      consider_ahead(last_received_ + config_.disconnected_timeout +
                     config_.failed_timeout);
    }
  }
  if (state_ != ConnectionState::kFailed) {
    if (std::optional<Timestamp> d = CheckingFailureDeadline()) {
      consider_ahead(*d);
    }
  }
  if (t.IsInfinite()) return std::nullopt;
  return t;
}

}  // namespace simrtc::ice
