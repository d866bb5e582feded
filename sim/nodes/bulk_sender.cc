#include "sim/nodes/bulk_sender.h"

#include <algorithm>

#include "core/base/byte_io.h"
#include "sim/nodes/bulk_wire.h"

namespace simrtc::sim {

BulkSender::BulkSender(const BulkSenderConfig& config) : config_(config) {
  config_.packet_size = std::max<int>(config_.packet_size,
                                      static_cast<int>(bulk::kDataHeaderSize));
  config_.window_packets = std::max(config_.window_packets, 1);
  if (config_.ack_timeout <= TimeDelta::Zero()) {
    config_.ack_timeout = TimeDelta::Seconds(1);
  }
}

std::vector<SocketAddress> BulkSender::Bindings() const {
  return {SocketAddress(IpAddress(), config_.local_port)};
}

Timestamp BulkSender::RateSendTime(uint64_t k) const {
  // Exact integer schedule; 128-bit so long runs at high rates cannot
  // overflow the intermediate product.
  const __int128 bits = static_cast<__int128>(k) * config_.packet_size * 8;
  return start_ + TimeDelta::Micros(
                      static_cast<int64_t>(bits * 1000000 / config_.rate_bps));
}

void BulkSender::Start(Timestamp now) {
  started_ = true;
  start_ = now;
  last_send_ = now;
  end_ = now + config_.duration;
  Reach("started", now);
  HandleTimeout(now);
}

bool BulkSender::MaySend(Timestamp now) const {
  if (stopped_ || now >= end_) return false;
  if (config_.max_packets > 0 &&
      next_seq_ >= static_cast<uint64_t>(config_.max_packets)) {
    return false;
  }
  return true;
}

void BulkSender::SendPacket(Timestamp now) {
  std::vector<uint8_t> payload(static_cast<size_t>(config_.packet_size), 0);
  StoreBE32(payload.data(), bulk::kDataMagic);
  StoreBE64(payload.data() + 4, next_seq_);
  StoreBE64(payload.data() + 12, static_cast<uint64_t>(now.us()));
  if (window_mode()) in_flight_.emplace(next_seq_, now);
  ++next_seq_;
  last_send_ = now;
  Send(SocketAddress(IpAddress(), config_.local_port), config_.target,
       std::move(payload));
}

void BulkSender::FillWindow(Timestamp now) {
  while (MaySend(now) &&
         in_flight_.size() < static_cast<size_t>(config_.window_packets)) {
    SendPacket(now);
  }
}

void BulkSender::Stop(Timestamp now) {
  if (stopped_) return;
  stopped_ = true;
  in_flight_.clear();
  Reach("done", now);
}

void BulkSender::HandleDatagram(Timestamp now, const Datagram& d) {
  const std::optional<uint64_t> seq = bulk::ParseAck(d.payload);
  if (!seq.has_value()) return;
  const auto it = in_flight_.find(*seq);
  if (it == in_flight_.end()) return;  // late, duplicate or written off
  ++acks_;
  ack_rtt_sum_ms_ += static_cast<double>((now - it->second).us()) / 1000.0;
  in_flight_.erase(it);
  HandleTimeout(now);
}

void BulkSender::HandleTimeout(Timestamp now) {
  if (!started_ || stopped_) return;
  if (window_mode()) {
    while (!in_flight_.empty() &&
           in_flight_.begin()->second + config_.ack_timeout <= now) {
      in_flight_.erase(in_flight_.begin());
      ++timeouts_;
    }
    FillWindow(now);
  } else {
    while (MaySend(now) && RateSendTime(next_seq_) <= now) SendPacket(now);
  }
  if (!MaySend(now)) Stop(now);
}

std::optional<Timestamp> BulkSender::NextTimeout() const {
  if (!started_ || stopped_) return std::nullopt;
  std::optional<Timestamp> next = end_;
  if (window_mode()) {
    if (!in_flight_.empty()) {
      next = std::min(*next, in_flight_.begin()->second + config_.ack_timeout);
    }
  } else {
    next = std::min(*next, RateSendTime(next_seq_));
  }
  return next;
}

NodeReport BulkSender::Report() const {
  NodeReport r;
  const double bytes = static_cast<double>(next_seq_) * config_.packet_size;
  r.metrics["packets_sent"] = static_cast<double>(next_seq_);
  r.metrics["bytes_sent"] = bytes;
  // N packets span N-1 inter-send gaps.
  const double period = (last_send_ - start_).seconds();
  r.metrics["send_rate_bps"] = period > 0 && next_seq_ > 1
                                   ? static_cast<double>(next_seq_ - 1) *
                                         config_.packet_size * 8 / period
                                   : 0.0;
  r.metrics["acks_received"] = static_cast<double>(acks_);
  r.metrics["unacked_timeouts"] = static_cast<double>(timeouts_);
  r.metrics["ack_rtt_avg_ms"] =
      acks_ > 0 ? ack_rtt_sum_ms_ / static_cast<double>(acks_) : 0.0;
  r.states = states();
  r.details["target"] = config_.target.ToString();
  r.details["mode"] = window_mode() ? "window" : "rate";
  return r;
}

}  // namespace simrtc::sim
