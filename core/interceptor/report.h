// RTCP sender and receiver report generation (RFC 3550 section 6.4).
//
// ReceiverReportInterceptor: keeps ReceiveStatistics per bound remote SSRC
// and emits ReceiverReports (at most 31 blocks each, sorted by SSRC) every
// `interval`, starting one interval after the first RTP packet of a bound
// stream arrives. Streams that have not received a packet are left out; an
// interval with nothing to report emits nothing. Incoming SRs from bound
// SSRCs feed LSR/DLSR; everything else is ignored.
//
// SenderReportInterceptor: counts packets and payload octets per bound local
// SSRC and emits one SenderReport per stream that has sent something, every
// `interval` after the first packet. The NTP timestamp is `now` plus the
// injected `ntp_at_zero`; the RTP timestamp is extrapolated from the last
// packet sent by the time elapsed since, in the stream's clock rate.
#ifndef CORE_INTERCEPTOR_REPORT_H_
#define CORE_INTERCEPTOR_REPORT_H_

#include <cstdint>
#include <map>
#include <optional>

#include "core/interceptor/interceptor.h"
#include "core/interceptor/receive_statistics.h"

namespace simrtc::interceptor {

class ReceiverReportInterceptor : public Interceptor {
 public:
  struct Config {
    TimeDelta interval = TimeDelta::Seconds(1);
    uint32_t sender_ssrc = 0;  // our SSRC in the RR header
  };
  ReceiverReportInterceptor() : ReceiverReportInterceptor(Config{}) {}
  explicit ReceiverReportInterceptor(Config config) : config_(config) {}

  void BindRemoteStream(const StreamInfo& info) override;
  void UnbindRemoteStream(uint32_t ssrc) override;
  void OnIncomingRtp(Timestamp now, const rtp::RtpPacketView& packet) override;
  void OnIncomingRtcp(Timestamp now,
                      std::span<const rtcp::Packet> packets) override;
  void HandleTimeout(Timestamp now) override;
  std::optional<Timestamp> NextTimeout() const override { return next_; }

  // Null for an unbound SSRC.
  const ReceiveStatistics* statistics(uint32_t ssrc) const;

 private:
  Config config_;
  std::map<uint32_t, ReceiveStatistics> streams_;
  std::optional<Timestamp> next_;
};

class SenderReportInterceptor : public Interceptor {
 public:
  struct Config {
    TimeDelta interval = TimeDelta::Seconds(1);
    TimeDelta ntp_at_zero = kDefaultNtpAtZero;
  };
  SenderReportInterceptor() : SenderReportInterceptor(Config{}) {}
  explicit SenderReportInterceptor(Config config) : config_(config) {}

  void BindLocalStream(const StreamInfo& info) override;
  void UnbindLocalStream(uint32_t ssrc) override;
  void OnOutgoingRtp(Timestamp now, rtp::RtpPacket& packet) override;
  void HandleTimeout(Timestamp now) override;
  std::optional<Timestamp> NextTimeout() const override { return next_; }

 private:
  struct Stream {
    uint32_t clock_rate = 90000;
    bool sent = false;
    uint32_t packets = 0;  // wraps, as the SR field does
    uint32_t octets = 0;
    uint32_t last_rtp_timestamp = 0;
    Timestamp last_send_time;
  };
  Config config_;
  std::map<uint32_t, Stream> streams_;
  std::optional<Timestamp> next_;
};

}  // namespace simrtc::interceptor

#endif  // CORE_INTERCEPTOR_REPORT_H_
