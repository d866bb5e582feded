// Per-stream statistics: what was sent and received, loss and jitter as
// measured locally and as reported back by the peer, and round-trip time.
//
// Contract:
//  * Only bound streams are tracked; packets and RTCP about other SSRCs are
//    ignored. Unbinding forgets a stream.
//  * Inbound loss and jitter are the RFC 3550 receiver's values for the
//    packets this interceptor saw (duplicates are counted separately).
//  * RTT comes from report blocks (in incoming SRs or RRs) about a local
//    stream whose LSR is nonzero: now - LSR - DLSR in compact NTP. `now` is
//    mapped to NTP with the same `ntp_at_zero` the SenderReportInterceptor
//    of this endpoint uses, so both must be configured alike. Samples that
//    come out negative (clock trouble, stale reports) are dropped.
//  * Bytes are RTP header + payload + padding as marshalled.
//  * The interceptor never emits anything.
#ifndef CORE_INTERCEPTOR_STATS_H_
#define CORE_INTERCEPTOR_STATS_H_

#include <cstdint>
#include <map>
#include <optional>

#include "core/interceptor/interceptor.h"
#include "core/interceptor/receive_statistics.h"

namespace simrtc::interceptor {

struct InboundStreamStats {
  uint32_t ssrc = 0;
  uint64_t packets_received = 0;
  uint64_t bytes_received = 0;
  uint64_t duplicates = 0;
  int64_t packets_lost = 0;
  double jitter_rtp = 0;  // RTP timestamp units
  TimeDelta jitter;
  std::optional<Timestamp> last_packet_time;
  uint64_t nacks_sent = 0;  // generic NACK packets we sent about it
  uint64_t sender_reports_received = 0;
};

struct OutboundStreamStats {
  uint32_t ssrc = 0;
  uint64_t packets_sent = 0;
  uint64_t bytes_sent = 0;
  uint64_t nacks_received = 0;
  // From the latest report block the peer sent about this stream.
  uint64_t reports_received = 0;
  uint8_t remote_fraction_lost = 0;  // /256
  int32_t remote_cumulative_lost = 0;
  uint32_t remote_jitter_rtp = 0;
  std::optional<TimeDelta> rtt;  // latest sample
  uint64_t rtt_samples = 0;
};

class StatsInterceptor : public Interceptor {
 public:
  struct Config {
    TimeDelta ntp_at_zero = kDefaultNtpAtZero;
  };
  StatsInterceptor() : StatsInterceptor(Config{}) {}
  explicit StatsInterceptor(Config config) : config_(config) {}

  void BindLocalStream(const StreamInfo& info) override;
  void UnbindLocalStream(uint32_t ssrc) override;
  void BindRemoteStream(const StreamInfo& info) override;
  void UnbindRemoteStream(uint32_t ssrc) override;
  void OnOutgoingRtp(Timestamp now, rtp::RtpPacket& packet) override;
  void OnIncomingRtp(Timestamp now, const rtp::RtpPacketView& packet) override;
  void OnOutgoingRtcp(Timestamp now,
                      std::span<const rtcp::Packet> packets) override;
  void OnIncomingRtcp(Timestamp now,
                      std::span<const rtcp::Packet> packets) override;

  std::optional<InboundStreamStats> Inbound(uint32_t ssrc) const;
  std::optional<OutboundStreamStats> Outbound(uint32_t ssrc) const;

 private:
  struct InboundState {
    explicit InboundState(uint32_t ssrc, uint32_t clock_rate)
        : stats(ssrc, clock_rate) {}
    ReceiveStatistics stats;
    uint64_t bytes = 0;
    uint64_t nacks_sent = 0;
    uint64_t srs = 0;
  };
  void OnReportBlocks(Timestamp now, std::span<const rtcp::ReportBlock> blocks);

  Config config_;
  std::map<uint32_t, OutboundStreamStats> outbound_;
  std::map<uint32_t, InboundState> inbound_;
};

}  // namespace simrtc::interceptor

#endif  // CORE_INTERCEPTOR_STATS_H_
