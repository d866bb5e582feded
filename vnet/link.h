// One direction of a link: the per-packet fate (drop, or when it arrives).
//
// Contract
//  * Offer() is called once per packet entering the link at `now` and
//    decides everything at once: link down / partition, MTU, loss (uniform
//    or Gilbert-Elliott), drop-tail queueing behind a bandwidth-limited
//    transmitter, one-way delay with jitter, duplication. The caller
//    schedules the arrival and reports it with CountDelivered().
//  * Queue state is evaluated lazily from the departure times of admitted
//    packets, so the link needs no timer events of its own and queueing
//    delay is exact: serialization time is tracked in fractions of a
//    microsecond, so a saturated link carries exactly bandwidth_bps over
//    time, not a rate skewed by rounding.
//  * Without reordering, arrivals never go backwards in time; equal
//    arrival times keep their order through the event queue's sequence.
//  * Randomness: three streams forked from the link's Rng (loss, delay,
//    duplication), so e.g. enabling jitter does not change which packets a
//    given seed loses. A stream is drawn from only when its feature is on.
#ifndef VNET_LINK_H_
#define VNET_LINK_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/rng.h"
#include "core/base/time.h"
#include "vnet/config.h"
#include "vnet/types.h"

namespace simrtc::vnet {

class LinkDirection {
 public:
  struct Outcome {
    bool dropped = false;
    DropReason reason = DropReason::kCount;
    Timestamp arrival;       // when the packet reaches the far end
    bool duplicate = false;  // a second copy arrives at the same time
  };

  // Counts into *counters and *max_queue_bytes_seen, which must outlive
  // the direction (a Link owns both; see below).
  LinkDirection(std::string name, const LinkDirectionConfig& config, Rng rng,
                TrafficCounters* counters, int64_t* max_queue_bytes_seen);
  LinkDirection(const LinkDirection&) = delete;
  LinkDirection& operator=(const LinkDirection&) = delete;

  // A packet of `payload_bytes` enters at `now`. `blocked` = a partition
  // forbids this packet (counted as kLinkDown). `now` must not decrease.
  Outcome Offer(Timestamp now, int64_t payload_bytes, bool blocked);
  // The packet (or its duplicate) reached the far end.
  void CountDelivered(int64_t payload_bytes) {
    ++counters_->packets_delivered;
    counters_->bytes_delivered += payload_bytes;
  }

  // Takes effect for packets offered from now on; packets already admitted
  // keep their schedule. Loss-burst state and the transmitter's backlog
  // are kept.
  void SetConfig(const LinkDirectionConfig& config);
  void SetUp(bool up) { config_.up = up; }

  const std::string& name() const { return name_; }
  const LinkDirectionConfig& config() const { return config_; }
  const TrafficCounters& counters() const { return *counters_; }
  // Bytes waiting behind the packet being serialized at `now`.
  int64_t QueuedBytes(Timestamp now);

 private:
  struct Queued {
    int64_t end_us;  // serialization finished (rounded up to whole us)
    int64_t bytes;
  };

  Outcome Drop(DropReason r) {
    ++counters_->dropped[static_cast<int>(r)];
    Outcome o;
    o.dropped = true;
    o.reason = r;
    return o;
  }
  bool Lost();
  TimeDelta SampleExtraDelay();
  void PopFinished(int64_t now_us);
  void PushQueued(Queued q);

  std::string name_;
  LinkDirectionConfig config_;
  Rng loss_rng_;
  Rng delay_rng_;
  Rng dup_rng_;
  bool ge_bad_ = false;
  // The transmitter is busy until busy_us_ + busy_frac_ / bandwidth_bps.
  int64_t busy_us_ = 0;
  int64_t busy_frac_ = 0;
  // Admitted packets not yet fully serialized (a ring buffer, front first).
  std::vector<Queued> ring_;
  size_t ring_head_ = 0;
  size_t ring_size_ = 0;
  int64_t ring_bytes_ = 0;
  Timestamp last_arrival_ = Timestamp::Zero();
  TrafficCounters* counters_;
  int64_t* max_queue_bytes_seen_;
};

// Both directions of one attachment (host to router, or router to parent)
// and their shared statistics. Named after the attached host or router:
// directions are "<name>/up" and "<name>/down". Rng streams are forked from
// `rng` by direction name, so they depend only on the component's name.
class Link {
 public:
  Link(std::string_view name, const LinkConfig& config, const Rng& rng);
  Link(const Link&) = delete;
  Link& operator=(const Link&) = delete;

  LinkDirection& up() { return up_; }
  LinkDirection& down() { return down_; }
  const LinkStats& stats() const { return stats_; }
  void SetConfig(const LinkConfig& config) {
    up_.SetConfig(config.up);
    down_.SetConfig(config.down);
  }

 private:
  LinkStats stats_;  // declared first: the directions point into it
  LinkDirection up_;
  LinkDirection down_;
};

}  // namespace simrtc::vnet

#endif  // VNET_LINK_H_
