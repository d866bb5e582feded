// Test and benchmark harness: two sans-IO endpoints joined by an in-memory
// link on virtual time, with delay, jitter, seeded loss, reordering and
// duplication.
//
// Contract: everything random comes from the Rng seeded in the constructor,
// so a run is reproducible packet for packet (usrsctp's own verification
// tags aside, which affect no size or timing). The link never reads a clock;
// RunUntil() advances its virtual time to the earliest of the next packet
// arrival and either endpoint's NextTimeout(). The caller drains events in
// the `done` predicate, which runs after every step.
#ifndef CORE_SCTP_TEST_LINK_H_
#define CORE_SCTP_TEST_LINK_H_

#include <cstdint>
#include <functional>
#include <queue>
#include <vector>

#include "core/base/byte_io.h"
#include "core/base/rng.h"
#include "core/base/time.h"

namespace simrtc::sctp::testing {

struct LinkConfig {
  TimeDelta delay = TimeDelta::Millis(10);  // one way
  TimeDelta jitter = TimeDelta::Zero();     // uniform extra in [0, jitter]
  double loss = 0;                          // per packet, independent
  double reorder = 0;  // probability a packet is held back by up to ...
  TimeDelta reorder_delay = TimeDelta::Millis(15);  // ... this much
  double duplicate = 0;  // probability a packet is delivered twice
};

struct LinkStats {
  uint64_t sent = 0;
  uint64_t dropped = 0;
  uint64_t duplicated = 0;
  uint64_t delivered = 0;
};

template <typename A, typename B>
class Link {
 public:
  Link(A* a, B* b, LinkConfig config, uint64_t seed,
       Timestamp start = Timestamp::Zero())
      : a_(a), b_(b), config_(config), rng_(seed), now_(start) {}

  Timestamp now() const { return now_; }
  const LinkStats& stats() const { return stats_; }
  void set_config(const LinkConfig& config) { config_ = config; }

  // Sees every packet put on the wire (before loss); from = 0 for a -> b.
  std::function<void(int from, ByteSpan packet)> tap;
  // If set, decides per packet whether to drop it (in addition to loss).
  std::function<bool(int from, ByteSpan packet)> drop_if;

  // Steps until done() is true (checked after every step) or `limit` of
  // virtual time has passed. Returns done().
  bool RunUntil(const std::function<bool()>& done, TimeDelta limit) {
    Timestamp deadline = now_ + limit;
    for (;;) {
      Collect();
      if (done()) return true;
      Timestamp next = Timestamp::Infinite();
      if (!wire_.empty()) next = wire_.top().at;
      if (auto t = a_->NextTimeout(); t && *t < next) next = *t;
      if (auto t = b_->NextTimeout(); t && *t < next) next = *t;
      if (next > deadline) {
        now_ = deadline;
        return done();
      }
      if (next > now_) now_ = next;
      while (!wire_.empty() && wire_.top().at <= now_) {
        InFlight p = wire_.top();
        wire_.pop();
        ++stats_.delivered;
        if (p.to == 1) {
          b_->HandleDatagram(now_, ByteSpan(p.bytes));
        } else {
          a_->HandleDatagram(now_, ByteSpan(p.bytes));
        }
        Collect();
      }
      if (auto t = a_->NextTimeout(); t && *t <= now_) a_->HandleTimeout(now_);
      if (auto t = b_->NextTimeout(); t && *t <= now_) b_->HandleTimeout(now_);
    }
  }
  void RunFor(TimeDelta d) {
    RunUntil([] { return false; }, d);
  }

  // Delivers raw bytes to one endpoint now, as if they came off the wire.
  void Inject(int to, ByteSpan bytes) {
    if (to == 1) {
      b_->HandleDatagram(now_, bytes);
    } else {
      a_->HandleDatagram(now_, bytes);
    }
  }

  // Drains both endpoints' transmit queues onto the wire.
  void Collect() {
    while (auto t = a_->PollTransmit()) Put(0, std::move(t->payload));
    while (auto t = b_->PollTransmit()) Put(1, std::move(t->payload));
  }

 private:
  struct InFlight {
    Timestamp at;
    uint64_t seq;
    int to;
    std::vector<uint8_t> bytes;
  };
  struct Later {
    bool operator()(const InFlight& x, const InFlight& y) const {
      if (x.at != y.at) return x.at > y.at;
      return x.seq > y.seq;
    }
  };

  TimeDelta Delay() {
    TimeDelta d = config_.delay;
    if (config_.jitter > TimeDelta::Zero()) {
      d += config_.jitter * rng_.UniformDouble();
    }
    if (config_.reorder > 0 && rng_.Bernoulli(config_.reorder)) {
      d += config_.reorder_delay * rng_.UniformDouble();
    }
    return d;
  }

  void Put(int from, std::vector<uint8_t> bytes) {
    ++stats_.sent;
    if (tap) tap(from, ByteSpan(bytes));
    if ((config_.loss > 0 && rng_.Bernoulli(config_.loss)) ||
        (drop_if && drop_if(from, ByteSpan(bytes)))) {
      ++stats_.dropped;
      return;
    }
    int to = 1 - from;
    if (config_.duplicate > 0 && rng_.Bernoulli(config_.duplicate)) {
      ++stats_.duplicated;
      wire_.push(InFlight{now_ + Delay(), seq_++, to, bytes});
    }
    wire_.push(InFlight{now_ + Delay(), seq_++, to, std::move(bytes)});
  }

  A* a_;
  B* b_;
  LinkConfig config_;
  Rng rng_;
  Timestamp now_;
  uint64_t seq_ = 0;
  std::priority_queue<InFlight, std::vector<InFlight>, Later> wire_;
  LinkStats stats_;
};

}  // namespace simrtc::sctp::testing

#endif  // CORE_SCTP_TEST_LINK_H_
