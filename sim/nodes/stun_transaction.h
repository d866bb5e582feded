// One outstanding STUN request with RFC 8489 section 6.2.1 style
// retransmission, for the simulator's STUN clients.
//
// Contract: Begin() records the request and its first send time; Due(now)
// reports whether to retransmit now (resends follow waits of rto, 2*rto,
// 4*rto, ...) or to give up (the last send's wait ran out without an answer,
// `attempts` sends in total). Pure bookkeeping: the owner sends the bytes.
#ifndef SIM_NODES_STUN_TRANSACTION_H_
#define SIM_NODES_STUN_TRANSACTION_H_

#include <algorithm>
#include <optional>

#include "core/base/datagram.h"
#include "core/base/time.h"
#include "core/stun/transaction_id.h"

namespace simrtc::sim {

class StunTransaction {
 public:
  enum class Step { kWait, kRetransmit, kTimedOut };

  void Begin(Timestamp now, const stun::TransactionId& id, Transmit request,
             TimeDelta rto, int attempts) {
    active_ = true;
    id_ = id;
    request_ = std::move(request);
    wait_ = std::max(rto, TimeDelta::Micros(1));
    attempts_left_ = std::max(attempts, 1) - 1;
    sent_at_ = now;
    deadline_ = now + wait_;
  }
  void End() { active_ = false; }

  bool active() const { return active_; }
  bool Matches(const stun::TransactionId& id) const {
    return active_ && id == id_;
  }
  const Transmit& request() const { return request_; }
  Timestamp sent_at() const { return sent_at_; }
  std::optional<Timestamp> deadline() const {
    return active_ ? std::optional<Timestamp>(deadline_) : std::nullopt;
  }

  Step Due(Timestamp now) {
    if (!active_ || now < deadline_) return Step::kWait;
    if (attempts_left_ == 0) {
      active_ = false;
      return Step::kTimedOut;
    }
    --attempts_left_;
    wait_ = wait_ * 2;
    sent_at_ = now;
    deadline_ = now + wait_;
    return Step::kRetransmit;
  }

 private:
  bool active_ = false;
  stun::TransactionId id_;
  Transmit request_;
  TimeDelta wait_;
  int attempts_left_ = 0;
  Timestamp sent_at_;
  Timestamp deadline_;
};

}  // namespace simrtc::sim

#endif  // SIM_NODES_STUN_TRANSACTION_H_
