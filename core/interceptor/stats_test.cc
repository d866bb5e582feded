#include "core/interceptor/stats.h"

#include <vector>

#include "core/interceptor/test_util.h"
#include "gtest/gtest.h"

namespace simrtc::interceptor {
namespace {

using testing::DeliverRtcp;
using testing::DeliverRtp;
using testing::MakeRtp;
using testing::Stream;

TEST(StatsTest, CountsOutgoingAndIgnoresUnbound) {
  StatsInterceptor stats;
  stats.BindLocalStream(Stream(1));
  rtp::RtpPacket p = MakeRtp(1, 10, 0, 100);  // 12-byte header + 100
  stats.OnOutgoingRtp(Timestamp::Zero(), p);
  stats.OnOutgoingRtp(Timestamp::Zero(), p);
  rtp::RtpPacket q = MakeRtp(2, 10);
  stats.OnOutgoingRtp(Timestamp::Zero(), q);
  auto s = stats.Outbound(1);
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->packets_sent, 2u);
  EXPECT_EQ(s->bytes_sent, 224u);
  EXPECT_FALSE(stats.Outbound(2).has_value());
  stats.UnbindLocalStream(1);
  EXPECT_FALSE(stats.Outbound(1).has_value());
}

TEST(StatsTest, InboundLossJitterAndDuplicates) {
  StatsInterceptor stats;
  stats.BindRemoteStream(Stream(7, 8000));
  // 8 kHz, 20 ms packets (160 ticks); 2 lost, one duplicate; packet 3 is
  // 5 ms late (40 ticks).
  const struct {
    uint16_t seq;
    int arrival_ms;
  } pattern[] = {{0, 0}, {1, 20}, {3, 65}, {3, 66}, {5, 100}};
  for (const auto& e : pattern) {
    DeliverRtp(stats, Timestamp::Millis(e.arrival_ms),
               MakeRtp(7, e.seq, 160u * e.seq, 50));
  }
  DeliverRtp(stats, Timestamp::Millis(100), MakeRtp(8, 1));  // unbound
  auto s = stats.Inbound(7);
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->packets_received, 4u);
  EXPECT_EQ(s->bytes_received, 4u * 62);
  EXPECT_EQ(s->duplicates, 1u);
  EXPECT_EQ(s->packets_lost, 2);
  // Transits 0, 0, 40, 0 ticks, so D = 0, 40, 40: J = 0, 40/16, then
  // J2 + (40 - J2)/16.
  const double j2 = 40.0 / 16;
  const double j3 = j2 + (40 - j2) / 16;
  EXPECT_DOUBLE_EQ(s->jitter_rtp, j3);
  EXPECT_EQ(s->jitter, TimeDelta::SecondsF(j3 / 8000));
  EXPECT_EQ(s->last_packet_time, Timestamp::Millis(100));
  EXPECT_FALSE(stats.Inbound(8).has_value());
}

TEST(StatsTest, RttFromReportBlock) {
  StatsInterceptor stats({.ntp_at_zero = TimeDelta::Zero()});
  stats.BindLocalStream(Stream(1));
  // Our SR went out at t = 1 s (NTP 1.0, compact 0x00010000); the peer held
  // it 0.5 s; its RR arrives at 1.5625 s, so RTT = 62.5 ms exactly.
  rtcp::ReportBlock block;
  block.source_ssrc = 1;
  block.fraction_lost = 12;
  block.cumulative_lost = 3;
  block.jitter = 99;
  block.last_sr =
      rtcp::CompactNtp(ToNtp(Timestamp::Seconds(1), TimeDelta::Zero()));
  EXPECT_EQ(block.last_sr, 0x00010000u);
  block.delay_since_last_sr = ToCompactDuration(TimeDelta::Millis(500));
  rtcp::ReceiverReport rr;
  rr.report_blocks = {block};
  rtcp::ReportBlock unknown = block;
  unknown.source_ssrc = 55;  // not ours: ignored
  rr.report_blocks.push_back(unknown);
  DeliverRtcp(stats, Timestamp::Micros(1562500), rr);
  auto s = stats.Outbound(1);
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->rtt, TimeDelta::Micros(62500));
  EXPECT_EQ(s->rtt_samples, 1u);
  EXPECT_EQ(s->remote_fraction_lost, 12);
  EXPECT_EQ(s->remote_cumulative_lost, 3);
  EXPECT_EQ(s->remote_jitter_rtp, 99u);

  // LSR 0 means "no SR yet": no RTT sample. An RTT that would be negative
  // (DLSR larger than the elapsed time) is dropped too.
  block.last_sr = 0;
  rr.report_blocks = {block};
  DeliverRtcp(stats, Timestamp::Seconds(2), rr);
  block.last_sr = 0x00010000;
  block.delay_since_last_sr = ToCompactDuration(TimeDelta::Seconds(5));
  rtcp::SenderReport sr;
  sr.sender_ssrc = 99;
  sr.report_blocks = {block};
  DeliverRtcp(stats, Timestamp::Seconds(2), sr);
  s = stats.Outbound(1);
  EXPECT_EQ(s->reports_received, 3u);
  EXPECT_EQ(s->rtt_samples, 1u);
  EXPECT_EQ(s->rtt, TimeDelta::Micros(62500));
}

TEST(StatsTest, CountsNacksBothWays) {
  StatsInterceptor stats;
  stats.BindLocalStream(Stream(1));
  stats.BindRemoteStream(Stream(2));
  rtcp::GenericNack in;
  in.media_ssrc = 1;
  DeliverRtcp(stats, Timestamp::Zero(), in);
  std::vector<rtcp::Packet> out = {rtcp::GenericNack{0, 2, {}}};
  stats.OnOutgoingRtcp(Timestamp::Zero(), out);
  EXPECT_EQ(stats.Outbound(1)->nacks_received, 1u);
  EXPECT_EQ(stats.Inbound(2)->nacks_sent, 1u);
}

}  // namespace
}  // namespace simrtc::interceptor
