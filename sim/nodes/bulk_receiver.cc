#include "sim/nodes/bulk_receiver.h"

#include <algorithm>
#include <numeric>

#include "core/base/byte_io.h"
#include "sim/nodes/bulk_wire.h"

namespace simrtc::sim {
namespace {

// Sequence numbers far beyond what was seen are treated as garbage rather
// than letting one bad packet allocate a huge bitmap.
constexpr uint64_t kMaxSeqJump = 1 << 24;

double Mean(const double* begin, const double* end) {
  if (begin == end) return 0.0;
  return std::accumulate(begin, end, 0.0) / static_cast<double>(end - begin);
}

}  // namespace

BulkReceiver::BulkReceiver(const BulkReceiverConfig& config)
    : config_(config) {}

std::vector<SocketAddress> BulkReceiver::Bindings() const {
  return {SocketAddress(IpAddress(), config_.port)};
}

void BulkReceiver::Start(Timestamp now) { Reach("started", now); }

void BulkReceiver::HandleDatagram(Timestamp now, const Datagram& d) {
  const std::optional<bulk::DataHeader> h = bulk::ParseData(d.payload);
  if (!h.has_value() || h->seq > seen_.size() + kMaxSeqJump) {
    ++foreign_;
    return;
  }
  if (config_.ack) {
    std::vector<uint8_t> ack(bulk::kAckSize);
    StoreBE32(ack.data(), bulk::kAckMagic);
    StoreBE64(ack.data() + 4, h->seq);
    Send(d.local, d.remote, std::move(ack));
  }
  if (h->seq < seen_.size() && seen_[h->seq]) {
    ++duplicates_;
    return;
  }
  if (h->seq >= seen_.size()) seen_.resize(h->seq + 1, false);
  seen_[h->seq] = true;
  if (packets_ == 0) {
    first_at_ = now;
    first_bytes_ = static_cast<int64_t>(d.payload.size());
    Reach("first_packet", now);
  } else if (h->seq < max_seq_) {
    ++reordered_;
  }
  max_seq_ = std::max(max_seq_, h->seq);
  ++packets_;
  bytes_ += static_cast<int64_t>(d.payload.size());
  last_at_ = now;
  owd_ms_.push_back(static_cast<double>((now - h->sent).us()) / 1000.0);
}

NodeReport BulkReceiver::Report() const {
  NodeReport r;
  r.metrics["packets_received"] = static_cast<double>(packets_);
  r.metrics["bytes_received"] = static_cast<double>(bytes_);
  const double span = (last_at_ - first_at_).seconds();
  const double counted_bytes = static_cast<double>(bytes_ - first_bytes_);
  const double counted_packets =
      static_cast<double>(std::max<int64_t>(packets_ - 1, 0));
  r.metrics["goodput_bps"] = span > 0 ? counted_bytes * 8 / span : 0.0;
  r.metrics["wire_goodput_bps"] =
      span > 0 ? (counted_bytes + counted_packets * config_.overhead_bytes) *
                     8 / span
               : 0.0;
  const int64_t expected =
      packets_ > 0 ? static_cast<int64_t>(max_seq_) + 1 : 0;
  const int64_t lost = expected - packets_;
  r.metrics["lost"] = static_cast<double>(lost);
  r.metrics["loss_pct"] =
      expected > 0 ? 100.0 * static_cast<double>(lost) / expected : 0.0;
  r.metrics["duplicates"] = static_cast<double>(duplicates_);
  r.metrics["reordered"] = static_cast<double>(reordered_);
  r.metrics["foreign"] = static_cast<double>(foreign_);

  std::vector<double> sorted = owd_ms_;
  std::sort(sorted.begin(), sorted.end());
  r.metrics["owd_min_ms"] = sorted.empty() ? 0.0 : sorted.front();
  r.metrics["owd_max_ms"] = sorted.empty() ? 0.0 : sorted.back();
  r.metrics["owd_avg_ms"] = Mean(sorted.data(), sorted.data() + sorted.size());
  r.metrics["owd_p50_ms"] = Percentile(sorted, 50);
  r.metrics["owd_p95_ms"] = Percentile(sorted, 95);
  const size_t tenth =
      std::max<size_t>(owd_ms_.size() / 10, owd_ms_.empty() ? 0 : 1);
  r.metrics["owd_first_ms"] = Mean(owd_ms_.data(), owd_ms_.data() + tenth);
  r.metrics["owd_last_ms"] = Mean(owd_ms_.data() + owd_ms_.size() - tenth,
                                  owd_ms_.data() + owd_ms_.size());
  r.states = states();
  return r;
}

}  // namespace simrtc::sim
