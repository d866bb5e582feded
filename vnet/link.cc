#include "vnet/link.h"

#include <algorithm>
#include <cmath>
#include <utility>

namespace simrtc::vnet {

namespace {
// Pareto draws are unbounded; a cap keeps one unlucky packet from stalling
// a no-reordering link for hours of virtual time.
constexpr double kParetoCapFactor = 50.0;
}  // namespace

LinkDirection::LinkDirection(std::string name,
                             const LinkDirectionConfig& config, Rng rng,
                             TrafficCounters* counters,
                             int64_t* max_queue_bytes_seen)
    : name_(std::move(name)),
      config_(config),
      loss_rng_(rng.Fork("loss")),
      delay_rng_(rng.Fork("delay")),
      dup_rng_(rng.Fork("dup")),
      counters_(counters),
      max_queue_bytes_seen_(max_queue_bytes_seen) {}

Link::Link(std::string_view name, const LinkConfig& config, const Rng& rng)
    : up_(std::string(name) + "/up", config.up,
          rng.Fork(std::string(name) + "/up"), &stats_.up,
          &stats_.max_queue_bytes_seen),
      down_(std::string(name) + "/down", config.down,
            rng.Fork(std::string(name) + "/down"), &stats_.down,
            &stats_.max_queue_bytes_seen) {}

void LinkDirection::SetConfig(const LinkDirectionConfig& config) {
  if (config.bandwidth_bps != config_.bandwidth_bps) {
    // The fraction is in units of the old rate; rounding the backlog up to
    // the next microsecond keeps it from moving earlier.
    if (busy_frac_ > 0) ++busy_us_;
    busy_frac_ = 0;
  }
  config_ = config;
}

bool LinkDirection::Lost() {
  const LossConfig& l = config_.loss;
  if (l.gilbert_elliott) {
    if (ge_bad_) {
      if (loss_rng_.Bernoulli(l.p_bad_to_good)) ge_bad_ = false;
    } else {
      if (loss_rng_.Bernoulli(l.p_good_to_bad)) ge_bad_ = true;
    }
    return loss_rng_.Bernoulli(ge_bad_ ? l.loss_in_bad : l.loss_in_good);
  }
  if (l.rate <= 0.0) return false;
  return loss_rng_.Bernoulli(l.rate);
}

TimeDelta LinkDirection::SampleExtraDelay() {
  const int64_t jitter_us = config_.delay.jitter.us();
  if (jitter_us <= 0) return TimeDelta::Zero();
  switch (config_.delay.distribution) {
    case DelayConfig::Distribution::kConstant:
      return TimeDelta::Zero();
    case DelayConfig::Distribution::kUniform:
      return TimeDelta::Micros(delay_rng_.UniformInt(0, jitter_us));
    case DelayConfig::Distribution::kNormal: {
      double v =
          std::fabs(delay_rng_.Normal(0.0, static_cast<double>(jitter_us)));
      return TimeDelta::Micros(static_cast<int64_t>(std::llround(v)));
    }
    case DelayConfig::Distribution::kPareto: {
      double u = 1.0 - delay_rng_.UniformDouble();  // (0, 1]
      double v = static_cast<double>(jitter_us) * (1.0 / std::sqrt(u) - 1.0);
      v = std::min(v, kParetoCapFactor * static_cast<double>(jitter_us));
      return TimeDelta::Micros(static_cast<int64_t>(std::llround(v)));
    }
  }
  return TimeDelta::Zero();
}

void LinkDirection::PopFinished(int64_t now_us) {
  while (ring_size_ > 0 && ring_[ring_head_].end_us <= now_us) {
    ring_bytes_ -= ring_[ring_head_].bytes;
    ring_head_ = (ring_head_ + 1) & (ring_.size() - 1);
    --ring_size_;
  }
}

void LinkDirection::PushQueued(Queued q) {
  if (ring_size_ == ring_.size()) {
    // Grow to the next power of two, unrolling the ring in order.
    std::vector<Queued> bigger(std::max<size_t>(16, ring_.size() * 2));
    for (size_t i = 0; i < ring_size_; ++i) {
      bigger[i] = ring_[(ring_head_ + i) & (ring_.size() - 1)];
    }
    ring_ = std::move(bigger);
    ring_head_ = 0;
  }
  ring_[(ring_head_ + ring_size_) & (ring_.size() - 1)] = q;
  ++ring_size_;
  ring_bytes_ += q.bytes;
}

int64_t LinkDirection::QueuedBytes(Timestamp now) {
  PopFinished(now.us());
  if (ring_size_ == 0) return 0;
  return ring_bytes_ - ring_[ring_head_].bytes;
}

LinkDirection::Outcome LinkDirection::Offer(Timestamp now,
                                            int64_t payload_bytes,
                                            bool blocked) {
  ++counters_->packets_sent;
  counters_->bytes_sent += payload_bytes;
  if (!config_.up || blocked) return Drop(DropReason::kLinkDown);
  const int64_t wire_bytes = payload_bytes + config_.per_packet_overhead;
  if (wire_bytes > config_.mtu) return Drop(DropReason::kMtu);
  if (Lost()) return Drop(DropReason::kLoss);

  Timestamp departure = now;
  const int64_t bps = config_.bandwidth_bps;
  if (bps > 0) {
    const int64_t now_us = now.us();
    PopFinished(now_us);
    if (ring_size_ > 0) {
      // The front packet is on the wire; the rest wait.
      const int64_t waiting_packets = static_cast<int64_t>(ring_size_) - 1;
      const int64_t waiting_bytes = ring_bytes_ - ring_[ring_head_].bytes;
      if ((config_.queue_packets > 0 &&
           waiting_packets + 1 > config_.queue_packets) ||
          (config_.queue_bytes > 0 &&
           waiting_bytes + wire_bytes > config_.queue_bytes)) {
        return Drop(DropReason::kQueueFull);
      }
      *max_queue_bytes_seen_ =
          std::max(*max_queue_bytes_seen_, waiting_bytes + wire_bytes);
    } else {
      busy_us_ = now_us;
      busy_frac_ = 0;
    }
    if (busy_us_ < now_us) {  // idle gap inside the ring's rounding slack
      busy_us_ = now_us;
      busy_frac_ = 0;
    }
    const int64_t total = busy_frac_ + wire_bytes * 8 * 1'000'000;
    busy_us_ += total / bps;
    busy_frac_ = total % bps;
    const int64_t end_us = busy_us_ + (busy_frac_ > 0 ? 1 : 0);
    PushQueued(Queued{end_us, wire_bytes});
    departure = Timestamp::Micros(end_us);
  }

  Outcome o;
  o.arrival = departure + config_.delay.base + SampleExtraDelay();
  if (!config_.delay.allow_reordering && o.arrival < last_arrival_) {
    o.arrival = last_arrival_;
  }
  last_arrival_ = std::max(last_arrival_, o.arrival);
  if (config_.duplicate > 0.0 && dup_rng_.Bernoulli(config_.duplicate)) {
    o.duplicate = true;
    ++counters_->duplicated;
  }
  return o;
}

}  // namespace simrtc::vnet
