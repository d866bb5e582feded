// Reception statistics for one remote RTP stream (RFC 3550 A.1, A.3, A.8)
// and the NTP helpers that reports and RTT need.
//
// Contract of ReceiveStatistics:
//  * Sequence numbers are unwrapped (wrap at 65535 and reordering are fine
//    as long as consecutive packets are < 32768 apart).
//  * Duplicates within the last kDuplicateWindow sequence numbers are
//    recognised and ignored entirely (not counted as received, no jitter
//    update), so cumulative loss does not go negative because of them.
//    A packet older than that window cannot be told apart from a duplicate
//    and is counted, as RFC 3550 does.
//  * Jitter uses the arrival time converted to the stream's clock rate,
//    exactly as A.8, and is kept in RTP timestamp units.
//  * MakeReportBlock() closes the current reporting interval: the fraction
//    lost it reports covers only packets since the previous call.
#ifndef CORE_INTERCEPTOR_RECEIVE_STATISTICS_H_
#define CORE_INTERCEPTOR_RECEIVE_STATISTICS_H_

#include <array>
#include <cstdint>
#include <optional>

#include "core/base/time.h"
#include "core/rtcp/reports.h"
#include "core/rtp/sequence_number.h"

namespace simrtc::interceptor {

// NTP time (seconds since 1900) at the driver's Timestamp::Zero(): the
// injected wall-clock anchor. The default pretends the driver started at
// the Unix epoch.
inline constexpr TimeDelta kDefaultNtpAtZero = TimeDelta::Seconds(2208988800);

// The 64-bit NTP timestamp (32.32 fixed point) of `now`.
uint64_t ToNtp(Timestamp now, TimeDelta ntp_at_zero);
// A duration in 1/65536 s (DLSR units), rounded down; negatives give 0.
uint32_t ToCompactDuration(TimeDelta d);
TimeDelta FromCompactDuration(uint32_t compact);

class ReceiveStatistics {
 public:
  static constexpr int64_t kDuplicateWindow = 1024;

  ReceiveStatistics(uint32_t ssrc, uint32_t clock_rate)
      : ssrc_(ssrc), clock_rate_(clock_rate == 0 ? 90000 : clock_rate) {}

  // Returns false (and changes nothing) for a recognised duplicate.
  bool OnPacket(Timestamp now, uint16_t sequence_number, uint32_t rtp_timestamp,
                size_t payload_bytes);
  // Remembers the SR for the LSR/DLSR fields of later report blocks.
  void OnSenderReport(Timestamp now, uint64_t ntp_timestamp);

  // Requires has_packets(). Starts a new interval for fraction lost.
  rtcp::ReportBlock MakeReportBlock(Timestamp now);

  uint32_t ssrc() const { return ssrc_; }
  uint32_t clock_rate() const { return clock_rate_; }
  bool has_packets() const { return received_ > 0; }
  uint64_t packets_received() const { return received_; }
  uint64_t payload_bytes_received() const { return bytes_; }
  uint64_t duplicates() const { return duplicates_; }
  int64_t expected() const {
    return received_ == 0 ? 0 : max_seq_ - base_seq_ + 1;
  }
  int64_t cumulative_lost() const {
    return expected() - static_cast<int64_t>(received_);
  }
  uint32_t extended_highest_sequence() const {
    return static_cast<uint32_t>(max_seq_);
  }
  // RTP timestamp units, unrounded.
  double jitter() const { return jitter_; }
  std::optional<Timestamp> last_packet_time() const { return last_arrival_; }

 private:
  bool Seen(int64_t seq) const {
    uint64_t i = static_cast<uint64_t>(seq) % kDuplicateWindow;
    return (window_[i / 64] >> (i % 64)) & 1;
  }
  void Mark(int64_t seq, bool on) {
    uint64_t i = static_cast<uint64_t>(seq) % kDuplicateWindow;
    if (on) {
      window_[i / 64] |= uint64_t{1} << (i % 64);
    } else {
      window_[i / 64] &= ~(uint64_t{1} << (i % 64));
    }
  }

  uint32_t ssrc_;
  uint32_t clock_rate_;
  rtp::SequenceNumberUnwrapper unwrapper_;
  int64_t base_seq_ = 0;
  int64_t max_seq_ = 0;
  uint64_t received_ = 0;
  uint64_t bytes_ = 0;
  uint64_t duplicates_ = 0;
  std::array<uint64_t, kDuplicateWindow / 64> window_{};

  int64_t expected_prior_ = 0;
  uint64_t received_prior_ = 0;

  bool has_transit_ = false;
  uint32_t last_transit_ = 0;
  double jitter_ = 0;
  std::optional<Timestamp> last_arrival_;

  std::optional<uint64_t> last_sr_ntp_;
  Timestamp last_sr_time_;
};

}  // namespace simrtc::interceptor

#endif  // CORE_INTERCEPTOR_RECEIVE_STATISTICS_H_
