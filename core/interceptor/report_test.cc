#include "core/interceptor/report.h"

#include <vector>

#include "core/interceptor/receive_statistics.h"
#include "core/interceptor/test_util.h"
#include "gtest/gtest.h"

namespace simrtc::interceptor {
namespace {

using testing::DeliverRtcp;
using testing::DeliverRtp;
using testing::DrainRtcp;
using testing::MakeRtp;
using testing::Stream;

constexpr uint32_t kRemote = 0xAABBCCDD;

// Runs the interceptor's timer at `t` and returns the single RR it sends.
rtcp::ReceiverReport ReportAt(ReceiverReportInterceptor& rr, Timestamp t) {
  EXPECT_EQ(rr.NextTimeout(), t);
  rr.HandleTimeout(t);
  std::vector<rtcp::Packet> out = DrainRtcp(rr);
  EXPECT_EQ(out.size(), 1u);
  if (out.size() != 1) return {};
  return std::get<rtcp::ReceiverReport>(out[0]);
}

TEST(NtpTest, Conversions) {
  EXPECT_EQ(ToNtp(Timestamp::Millis(500), TimeDelta::Zero()), 0x80000000u);
  EXPECT_EQ(ToNtp(Timestamp::Seconds(3), TimeDelta::Seconds(7)),
            uint64_t{10} << 32);
  EXPECT_EQ(ToCompactDuration(TimeDelta::Millis(750)), 49152u);
  EXPECT_EQ(FromCompactDuration(65536 * 2), TimeDelta::Seconds(2));
  EXPECT_EQ(ToCompactDuration(TimeDelta::Millis(-5)), 0u);
}

TEST(ReceiverReportTest, FractionAndCumulativeLoss) {
  ReceiverReportInterceptor rr(
      {.interval = TimeDelta::Seconds(1), .sender_ssrc = 77});
  rr.BindRemoteStream(Stream(kRemote));
  EXPECT_EQ(rr.NextTimeout(), std::nullopt);
  // 100..109 with 103 and 105 missing: 8 of 10 arrive.
  Timestamp t = Timestamp::Zero();
  for (uint16_t seq = 100; seq <= 109; ++seq) {
    if (seq == 103 || seq == 105) continue;
    DeliverRtp(rr, t, MakeRtp(kRemote, seq, seq * 3000));
  }
  rtcp::ReceiverReport r1 = ReportAt(rr, Timestamp::Seconds(1));
  EXPECT_EQ(r1.sender_ssrc, 77u);
  ASSERT_EQ(r1.report_blocks.size(), 1u);
  EXPECT_EQ(r1.report_blocks[0].source_ssrc, kRemote);
  EXPECT_EQ(r1.report_blocks[0].cumulative_lost, 2);
  EXPECT_EQ(r1.report_blocks[0].fraction_lost, (2 * 256) / 10);  // 51
  EXPECT_EQ(r1.report_blocks[0].extended_highest_sequence, 109u);
  EXPECT_EQ(r1.report_blocks[0].last_sr, 0u);
  EXPECT_EQ(r1.report_blocks[0].delay_since_last_sr, 0u);

  // 110..119 with 115 missing: the fraction covers this interval only.
  for (uint16_t seq = 110; seq <= 119; ++seq) {
    if (seq == 115) continue;
    DeliverRtp(rr, Timestamp::Millis(1500), MakeRtp(kRemote, seq, 0));
  }
  rtcp::ReceiverReport r2 = ReportAt(rr, Timestamp::Seconds(2));
  ASSERT_EQ(r2.report_blocks.size(), 1u);
  EXPECT_EQ(r2.report_blocks[0].cumulative_lost, 3);
  EXPECT_EQ(r2.report_blocks[0].fraction_lost, 256 / 10);  // 25
  EXPECT_EQ(r2.report_blocks[0].extended_highest_sequence, 119u);

  // A late arrival of 115 makes the next interval's loss negative: the
  // fraction is clamped to 0 and cumulative loss drops.
  DeliverRtp(rr, Timestamp::Millis(2500), MakeRtp(kRemote, 115, 0));
  rtcp::ReceiverReport r3 = ReportAt(rr, Timestamp::Seconds(3));
  EXPECT_EQ(r3.report_blocks[0].fraction_lost, 0);
  EXPECT_EQ(r3.report_blocks[0].cumulative_lost, 2);
}

TEST(ReceiverReportTest, JitterForKnownArrivalPattern) {
  ReceiverReportInterceptor rr;
  rr.BindRemoteStream(Stream(kRemote, 90000));
  // Packets every 20 ms (1800 ticks at 90 kHz); the network adds these
  // extra delays, so transit (in ticks) is extra_ms * 90.
  const int extra_ms[] = {0, 5, 0, 10, 10};
  double expected = 0;
  double prev_transit = 0;
  for (int i = 0; i < 5; ++i) {
    Timestamp arrival = Timestamp::Millis(1000 + 20 * i + extra_ms[i]);
    DeliverRtp(rr, arrival,
               MakeRtp(kRemote, static_cast<uint16_t>(i), 1800u * i + 5000));
    double transit = extra_ms[i] * 90.0;
    if (i > 0) expected += (std::abs(transit - prev_transit) - expected) / 16;
    prev_transit = transit;
  }
  // By hand: 450/16 = 28.125; +(450-28.125)/16 = 54.4921875;
  // +(900-54.4921875)/16 = 107.33642578125; +(0-107.336...)/16.
  EXPECT_DOUBLE_EQ(rr.statistics(kRemote)->jitter(),
                   107.33642578125 - 107.33642578125 / 16);
  EXPECT_DOUBLE_EQ(rr.statistics(kRemote)->jitter(), expected);
  rtcp::ReceiverReport r = ReportAt(rr, Timestamp::Seconds(2));
  EXPECT_EQ(r.report_blocks[0].jitter, 100u);  // floor(100.6279...)
  EXPECT_EQ(r.report_blocks[0].cumulative_lost, 0);
}

TEST(ReceiverReportTest, JitterUsesStreamClockRate) {
  ReceiverReportInterceptor rr;
  rr.BindRemoteStream(Stream(kRemote, 48000));
  // Second packet arrives 10 ms late: D = 480 ticks at 48 kHz.
  DeliverRtp(rr, Timestamp::Millis(0), MakeRtp(kRemote, 1, 0));
  DeliverRtp(rr, Timestamp::Millis(30), MakeRtp(kRemote, 2, 960));
  EXPECT_DOUBLE_EQ(rr.statistics(kRemote)->jitter(), 480.0 / 16);
}

TEST(ReceiverReportTest, LsrAndDlsrFromLastSenderReport) {
  ReceiverReportInterceptor rr;
  rr.BindRemoteStream(Stream(kRemote));
  DeliverRtp(rr, Timestamp::Zero(), MakeRtp(kRemote, 1));
  rtcp::SenderReport sr;
  sr.sender_ssrc = kRemote;
  sr.ntp_timestamp = 0x1122334455667788;
  DeliverRtcp(rr, Timestamp::Millis(250), sr);
  // An SR from an unknown SSRC changes nothing.
  sr.sender_ssrc = 1234;
  sr.ntp_timestamp = 0x9999999999999999;
  DeliverRtcp(rr, Timestamp::Millis(300), sr);
  rtcp::ReceiverReport r = ReportAt(rr, Timestamp::Seconds(1));
  EXPECT_EQ(r.report_blocks[0].last_sr, 0x33445566u);
  EXPECT_EQ(r.report_blocks[0].delay_since_last_sr, 49152u);  // 0.75 s
}

TEST(ReceiverReportTest, SequenceWrap) {
  ReceiverReportInterceptor rr;
  rr.BindRemoteStream(Stream(kRemote));
  for (uint16_t seq : {65533, 65534, 0, 1}) {  // 65535 lost
    DeliverRtp(rr, Timestamp::Zero(), MakeRtp(kRemote, seq));
  }
  rtcp::ReceiverReport r = ReportAt(rr, Timestamp::Seconds(1));
  EXPECT_EQ(r.report_blocks[0].extended_highest_sequence, 65536u + 1);
  EXPECT_EQ(r.report_blocks[0].cumulative_lost, 1);
  EXPECT_EQ(r.report_blocks[0].fraction_lost, 256 / 5);
}

TEST(ReceiverReportTest, DuplicatesAndUnknownSsrcsIgnored) {
  ReceiverReportInterceptor rr;
  rr.BindRemoteStream(Stream(kRemote));
  DeliverRtp(rr, Timestamp::Zero(), MakeRtp(999, 5));  // unbound
  EXPECT_EQ(rr.NextTimeout(), std::nullopt);
  for (uint16_t seq : {1, 2, 2, 3, 1}) {
    DeliverRtp(rr, Timestamp::Zero(), MakeRtp(kRemote, seq));
  }
  EXPECT_EQ(rr.statistics(kRemote)->packets_received(), 3u);
  EXPECT_EQ(rr.statistics(kRemote)->duplicates(), 2u);
  rtcp::ReceiverReport r = ReportAt(rr, Timestamp::Seconds(1));
  ASSERT_EQ(r.report_blocks.size(), 1u);
  EXPECT_EQ(r.report_blocks[0].cumulative_lost, 0);
  EXPECT_EQ(r.report_blocks[0].fraction_lost, 0);
  EXPECT_EQ(rr.statistics(999), nullptr);
}

TEST(ReceiverReportTest, SplitsMoreThan31Streams) {
  ReceiverReportInterceptor rr;
  for (uint32_t ssrc = 1; ssrc <= 40; ++ssrc) {
    rr.BindRemoteStream(Stream(ssrc));
    DeliverRtp(rr, Timestamp::Zero(), MakeRtp(ssrc, 1));
  }
  rr.BindRemoteStream(Stream(41));  // bound, silent: not reported
  rr.HandleTimeout(Timestamp::Seconds(1));
  std::vector<rtcp::Packet> out = DrainRtcp(rr);
  ASSERT_EQ(out.size(), 2u);
  auto& a = std::get<rtcp::ReceiverReport>(out[0]);
  auto& b = std::get<rtcp::ReceiverReport>(out[1]);
  EXPECT_EQ(a.report_blocks.size(), 31u);
  EXPECT_EQ(b.report_blocks.size(), 9u);
  EXPECT_EQ(a.report_blocks[0].source_ssrc, 1u);
  EXPECT_EQ(b.report_blocks.back().source_ssrc, 40u);
  // Round-trips through the wire format.
  EXPECT_TRUE(rtcp::MarshalCompound(out).ok());
}

TEST(SenderReportTest, CountsAndCorrelatesTimestamps) {
  SenderReportInterceptor sri({.interval = TimeDelta::Seconds(1),
                               .ntp_at_zero = TimeDelta::Seconds(100)});
  sri.BindLocalStream(Stream(5, 90000));
  EXPECT_EQ(sri.NextTimeout(), std::nullopt);
  const int send_ms[] = {0, 33, 66};
  const uint32_t ts[] = {1000, 4000, 7000};
  for (int i = 0; i < 3; ++i) {
    rtp::RtpPacket p = MakeRtp(5, static_cast<uint16_t>(i), ts[i], 100);
    sri.OnOutgoingRtp(Timestamp::Millis(send_ms[i]), p);
  }
  rtp::RtpPacket other = MakeRtp(6, 0);  // unbound SSRC: not counted
  sri.OnOutgoingRtp(Timestamp::Millis(70), other);
  ASSERT_EQ(sri.NextTimeout(), Timestamp::Seconds(1));
  sri.HandleTimeout(Timestamp::Millis(999));  // early: nothing
  EXPECT_TRUE(DrainRtcp(sri).empty());
  sri.HandleTimeout(Timestamp::Seconds(1));
  std::vector<rtcp::Packet> out = DrainRtcp(sri);
  ASSERT_EQ(out.size(), 1u);
  const auto& sr = std::get<rtcp::SenderReport>(out[0]);
  EXPECT_EQ(sr.sender_ssrc, 5u);
  EXPECT_EQ(sr.ntp_timestamp, uint64_t{101} << 32);
  EXPECT_EQ(sr.rtp_timestamp, 7000u + (1000 - 66) * 90);
  EXPECT_EQ(sr.packet_count, 3u);
  EXPECT_EQ(sr.octet_count, 300u);
  EXPECT_EQ(sri.NextTimeout(), Timestamp::Seconds(2));
}

TEST(ReportTest, SenderAndReceiverAgreeOnLsr) {
  // The SR one side sends is what the other side echoes in LSR.
  SenderReportInterceptor sender;
  ReceiverReportInterceptor receiver;
  sender.BindLocalStream(Stream(kRemote));
  receiver.BindRemoteStream(Stream(kRemote));
  rtp::RtpPacket p = MakeRtp(kRemote, 1);
  sender.OnOutgoingRtp(Timestamp::Zero(), p);
  DeliverRtp(receiver, Timestamp::Millis(10), p);
  sender.HandleTimeout(Timestamp::Seconds(1));
  std::vector<rtcp::Packet> srs = DrainRtcp(sender);
  ASSERT_EQ(srs.size(), 1u);
  receiver.OnIncomingRtcp(Timestamp::Millis(1010), srs);
  receiver.HandleTimeout(Timestamp::Millis(1010));
  std::vector<rtcp::Packet> rrs = DrainRtcp(receiver);
  ASSERT_EQ(rrs.size(), 1u);
  const auto& block = std::get<rtcp::ReceiverReport>(rrs[0]).report_blocks[0];
  EXPECT_EQ(
      block.last_sr,
      rtcp::CompactNtp(std::get<rtcp::SenderReport>(srs[0]).ntp_timestamp));
  EXPECT_EQ(block.delay_since_last_sr, 0u);
}

}  // namespace
}  // namespace simrtc::interceptor
