#include "core/interceptor/receive_statistics.h"

#include <algorithm>
#include <cstdlib>

namespace simrtc::interceptor {

uint64_t ToNtp(Timestamp now, TimeDelta ntp_at_zero) {
  const int64_t us = now.us() + ntp_at_zero.us();
  const uint64_t seconds = static_cast<uint64_t>(us / 1000000);
  const uint64_t frac_us = static_cast<uint64_t>(us % 1000000);
  return (seconds << 32) | ((frac_us << 32) / 1000000);
}

uint32_t ToCompactDuration(TimeDelta d) {
  if (d.us() <= 0) return 0;
  const unsigned __int128 v =
      static_cast<unsigned __int128>(d.us()) * 65536 / 1000000;
  return v > UINT32_MAX ? UINT32_MAX : static_cast<uint32_t>(v);
}

TimeDelta FromCompactDuration(uint32_t compact) {
  return TimeDelta::Micros(static_cast<int64_t>(compact) * 1000000 / 65536);
}

bool ReceiveStatistics::OnPacket(Timestamp now, uint16_t sequence_number,
                                 uint32_t rtp_timestamp, size_t payload_bytes) {
  const int64_t seq = unwrapper_.Unwrap(sequence_number);
  if (received_ == 0) {
    base_seq_ = max_seq_ = seq;
    expected_prior_ = 0;
    Mark(seq, true);
  } else if (seq > max_seq_) {
    if (seq - max_seq_ >= kDuplicateWindow) {
      window_.fill(0);
    } else {
      for (int64_t s = max_seq_ + 1; s < seq; ++s) Mark(s, false);
    }
    Mark(seq, true);
    max_seq_ = seq;
  } else if (max_seq_ - seq < kDuplicateWindow) {
    if (Seen(seq)) {
      ++duplicates_;
      return false;
    }
    Mark(seq, true);
    // A late packet from before the first one widens what we expected,
    // rather than making the loss negative.
    if (seq < base_seq_) base_seq_ = seq;
  }
  ++received_;
  bytes_ += payload_bytes;

  // RFC 3550 A.8, in the stream's clock. The 32-bit modular transit
  // difference makes RTP timestamp wrap harmless.
  const int64_t arrival = static_cast<int64_t>(static_cast<__int128>(now.us()) *
                                               clock_rate_ / 1000000);
  const uint32_t transit = static_cast<uint32_t>(arrival) - rtp_timestamp;
  if (has_transit_) {
    const int32_t d = static_cast<int32_t>(transit - last_transit_);
    const double ad = std::abs(static_cast<double>(d));
    jitter_ += (ad - jitter_) / 16.0;
  }
  has_transit_ = true;
  last_transit_ = transit;
  last_arrival_ = now;
  return true;
}

void ReceiveStatistics::OnSenderReport(Timestamp now, uint64_t ntp_timestamp) {
  last_sr_ntp_ = ntp_timestamp;
  last_sr_time_ = now;
}

rtcp::ReportBlock ReceiveStatistics::MakeReportBlock(Timestamp now) {
  rtcp::ReportBlock block;
  block.source_ssrc = ssrc_;
  const int64_t expected_total = expected();
  block.cumulative_lost = static_cast<int32_t>(std::clamp<int64_t>(
      cumulative_lost(), rtcp::ReportBlock::kMinCumulativeLost,
      rtcp::ReportBlock::kMaxCumulativeLost));
  const int64_t expected_interval = expected_total - expected_prior_;
  const int64_t received_interval =
      static_cast<int64_t>(received_) - static_cast<int64_t>(received_prior_);
  const int64_t lost_interval = expected_interval - received_interval;
  expected_prior_ = expected_total;
  received_prior_ = received_;
  if (expected_interval > 0 && lost_interval > 0) {
    block.fraction_lost = static_cast<uint8_t>(
        std::min<int64_t>(255, (lost_interval << 8) / expected_interval));
  }
  block.extended_highest_sequence = extended_highest_sequence();
  block.jitter = static_cast<uint32_t>(jitter_);
  if (last_sr_ntp_) {
    block.last_sr = rtcp::CompactNtp(*last_sr_ntp_);
    block.delay_since_last_sr = ToCompactDuration(now - last_sr_time_);
  }
  return block;
}

}  // namespace simrtc::interceptor
