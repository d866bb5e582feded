#include "sim/nodes/ping_client.h"

#include <algorithm>
#include <numeric>

#include "core/base/byte_io.h"

namespace simrtc::sim {
namespace {

constexpr uint32_t kMagic = 0x53504e47;  // "SPNG"
constexpr int kHeaderSize = 8;

}  // namespace

PingClient::PingClient(const PingConfig& config) : config_(config) {
  config_.payload_size = std::max(config_.payload_size, kHeaderSize);
  config_.count = std::max(config_.count, 0);
  if (config_.interval <= TimeDelta::Zero()) {
    config_.interval = TimeDelta::Micros(1);
  }
}

std::vector<SocketAddress> PingClient::Bindings() const {
  return {SocketAddress(IpAddress(), config_.local_port)};
}

void PingClient::Start(Timestamp now) {
  Reach("started", now);
  start_ = now;
  probes_.reserve(static_cast<size_t>(config_.count));
  if (config_.count > 0) {
    next_send_ = now;
    HandleTimeout(now);
  } else {
    Reach("done", now);
  }
}

void PingClient::SendProbe(Timestamp now) {
  std::vector<uint8_t> payload(static_cast<size_t>(config_.payload_size), 0);
  StoreBE32(payload.data(), kMagic);
  StoreBE32(payload.data() + 4, static_cast<uint32_t>(probes_.size()));
  probes_.push_back(Probe{now});
  Send(SocketAddress(IpAddress(), config_.local_port), config_.target,
       std::move(payload));
}

void PingClient::HandleDatagram(Timestamp now, const Datagram& d) {
  ExpireProbes(now);
  if (d.payload.size() < kHeaderSize || LoadBE32(d.payload.data()) != kMagic) {
    ++foreign_;
    return;
  }
  const uint32_t seq = LoadBE32(d.payload.data() + 4);
  if (seq >= probes_.size()) {
    ++foreign_;
    return;
  }
  ++replies_total_;
  Probe& p = probes_[seq];
  switch (p.state) {
    case ProbeState::kPending:
      p.state = ProbeState::kAnswered;
      rtts_ms_.push_back(static_cast<double>((now - p.sent).us()) / 1000.0);
      Reach("first_reply", now);
      break;
    case ProbeState::kAnswered:
      ++duplicates_;
      break;
    case ProbeState::kLost:
      ++late_;
      break;
  }
  ExpireProbes(now);
}

void PingClient::ExpireProbes(Timestamp now) {
  while (first_pending_ < probes_.size()) {
    Probe& p = probes_[first_pending_];
    if (p.state == ProbeState::kPending) {
      if (p.sent + config_.timeout > now) break;
      p.state = ProbeState::kLost;
      ++lost_;
    }
    ++first_pending_;
  }
  if (first_pending_ == static_cast<size_t>(config_.count)) Reach("done", now);
}

void PingClient::HandleTimeout(Timestamp now) {
  while (next_send_.has_value() && *next_send_ <= now) {
    SendProbe(now);
    if (probes_.size() < static_cast<size_t>(config_.count)) {
      next_send_ =
          start_ + config_.interval * static_cast<int64_t>(probes_.size());
    } else {
      next_send_.reset();
    }
  }
  ExpireProbes(now);
}

std::optional<Timestamp> PingClient::NextTimeout() const {
  std::optional<Timestamp> next = next_send_;
  // Answered probes ahead of the first pending one do not need a timer.
  for (size_t i = first_pending_; i < probes_.size(); ++i) {
    if (probes_[i].state != ProbeState::kPending) continue;
    const Timestamp deadline = probes_[i].sent + config_.timeout;
    if (!next || deadline < *next) next = deadline;
    break;
  }
  return next;
}

NodeReport PingClient::Report() const {
  NodeReport r;
  std::vector<double> sorted = rtts_ms_;
  std::sort(sorted.begin(), sorted.end());
  const double received = static_cast<double>(sorted.size());
  const double decided = received + static_cast<double>(lost_);
  r.metrics["probes_sent"] = static_cast<double>(probes_.size());
  r.metrics["replies_received"] = received;
  r.metrics["lost"] = static_cast<double>(lost_);
  r.metrics["loss_pct"] =
      decided > 0 ? 100.0 * static_cast<double>(lost_) / decided : 0.0;
  r.metrics["late"] = static_cast<double>(late_);
  r.metrics["duplicates"] = static_cast<double>(duplicates_);
  r.metrics["replies_total"] = static_cast<double>(replies_total_);
  r.metrics["foreign"] = static_cast<double>(foreign_);
  r.metrics["rtt_min_ms"] = sorted.empty() ? 0.0 : sorted.front();
  r.metrics["rtt_max_ms"] = sorted.empty() ? 0.0 : sorted.back();
  r.metrics["rtt_avg_ms"] =
      sorted.empty()
          ? 0.0
          : std::accumulate(sorted.begin(), sorted.end(), 0.0) / received;
  r.metrics["rtt_p50_ms"] = Percentile(sorted, 50);
  r.metrics["rtt_p95_ms"] = Percentile(sorted, 95);
  r.states = states();
  r.details["target"] = config_.target.ToString();
  return r;
}

}  // namespace simrtc::sim
