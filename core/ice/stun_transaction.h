// Retransmission bookkeeping for one STUN request over UDP (RFC 8489
// section 6.2.1), used for server-reflexive gathering, connectivity checks
// and consent checks.
//
// Contract: pure bookkeeping, no bytes. Start() records the first
// transmission; the request is sent again after waits of rto, 2*rto, 4*rto
// ... (each wait capped at max_rto) until max_transmissions (Rc) sends;
// after the last one the transaction waits final_wait_multiplier (Rm) * rto
// and then times out. With the RFC defaults (500 ms, Rc 7, Rm 16) sends
// happen at 0, 0.5, 1.5, 3.5, 7.5, 15.5, 31.5 s and the timeout at 39.5 s.
// Advance(now) says what is due; NextTime() when to call it again.
#ifndef CORE_ICE_STUN_TRANSACTION_H_
#define CORE_ICE_STUN_TRANSACTION_H_

#include <cstdint>

#include "absl/status/status.h"
#include "core/base/time.h"

namespace simrtc::ice {

struct RetransmitPolicy {
  TimeDelta rto = TimeDelta::Millis(500);
  int max_transmissions = 7;       // Rc
  int final_wait_multiplier = 16;  // Rm
  // Caps each doubling (RFC 8489 allows a cap); infinite = pure doubling.
  TimeDelta max_rto = TimeDelta::Infinite();

  // InvalidArgument naming the field (prefixed with `name`) when rto <= 0,
  // Rc < 1, Rm < 1 or max_rto < rto.
  absl::Status Validate(std::string_view name) const;
  // Time from the first send to the timeout.
  TimeDelta TotalTimeout() const;
};

class StunTransaction {
 public:
  enum class Step { kNothing, kRetransmit, kTimedOut };

  StunTransaction() = default;
  // The request goes out at `now` (the caller sends it); `rto` overrides
  // policy.rto for this transaction (RFC 8445 section 14.3 scales it with
  // the number of active pairs).
  void Start(Timestamp now, const RetransmitPolicy& policy, TimeDelta rto);
  void Start(Timestamp now, const RetransmitPolicy& policy) {
    Start(now, policy, policy.rto);
  }

  // kRetransmit: send the request again now. kTimedOut: give up; the
  // transaction is finished. Calling after it finished returns kNothing.
  Step Advance(Timestamp now);
  // Stop retransmitting but keep waiting for a response to an earlier send
  // until the timeout it would have had (RFC 8445 section 7.2.5.4 cancel).
  void StopRetransmitting() { cancelled_ = true; }
  void Finish() { finished_ = true; }

  bool finished() const { return finished_; }
  int transmissions() const { return transmissions_; }
  Timestamp first_sent() const { return first_sent_; }
  Timestamp last_sent() const { return last_sent_; }
  // When Advance has something to do; Infinite once finished.
  Timestamp NextTime() const;

 private:
  RetransmitPolicy policy_;
  TimeDelta rto_;
  TimeDelta wait_;  // the wait following the latest send
  int transmissions_ = 0;
  Timestamp first_sent_;
  Timestamp last_sent_;
  Timestamp deadline_;  // next retransmission, or the timeout
  bool cancelled_ = false;
  bool finished_ = true;
};

}  // namespace simrtc::ice

#endif  // CORE_ICE_STUN_TRANSACTION_H_
