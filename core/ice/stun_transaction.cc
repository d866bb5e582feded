#include "core/ice/stun_transaction.h"

#include <algorithm>

#include "absl/strings/str_format.h"

namespace simrtc::ice {

absl::Status RetransmitPolicy::Validate(std::string_view name) const {
  if (rto <= TimeDelta::Zero()) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "%s.rto must be positive, got %s", name, rto.ToString()));
  }
  if (max_transmissions < 1) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "%s.max_transmissions must be >= 1, got %d", name, max_transmissions));
  }
  if (final_wait_multiplier < 1) {
    return absl::InvalidArgumentError(
        absl::StrFormat("%s.final_wait_multiplier must be >= 1, got %d", name,
                        final_wait_multiplier));
  }
  if (max_rto < rto) {
    return absl::InvalidArgumentError(
        absl::StrFormat("%s.max_rto (%s) is below rto (%s)", name,
                        max_rto.ToString(), rto.ToString()));
  }
  return absl::OkStatus();
}

TimeDelta RetransmitPolicy::TotalTimeout() const {
  TimeDelta total = TimeDelta::Zero();
  TimeDelta wait = rto;
  for (int i = 1; i < max_transmissions; ++i) {
    total += wait;
    wait = std::min(wait * 2, max_rto);
  }
  return total + rto * final_wait_multiplier;
}

void StunTransaction::Start(Timestamp now, const RetransmitPolicy& policy,
                            TimeDelta rto) {
  policy_ = policy;
  rto_ = std::max(rto, TimeDelta::Micros(1));
  wait_ = rto_;
  transmissions_ = 1;
  first_sent_ = now;
  last_sent_ = now;
  cancelled_ = false;
  finished_ = false;
  deadline_ = now + (policy_.max_transmissions > 1
                         ? wait_
                         : rto_ * policy_.final_wait_multiplier);
}

StunTransaction::Step StunTransaction::Advance(Timestamp now) {
  if (finished_ || now < deadline_) return Step::kNothing;
  if (transmissions_ >= policy_.max_transmissions || cancelled_) {
    finished_ = true;
    return Step::kTimedOut;
  }
  ++transmissions_;
  last_sent_ = now;
  if (transmissions_ >= policy_.max_transmissions) {
    deadline_ = now + rto_ * policy_.final_wait_multiplier;
  } else {
    // The cap never shortens a wait below this transaction's own RTO
    // (which RFC 8445 section 14.3 may have raised above max_rto).
    wait_ = std::min(wait_ * 2, std::max(policy_.max_rto, rto_));
    deadline_ = now + wait_;
  }
  return Step::kRetransmit;
}

Timestamp StunTransaction::NextTime() const {
  return finished_ ? Timestamp::Infinite() : deadline_;
}

}  // namespace simrtc::ice
