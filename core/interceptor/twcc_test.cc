#include "core/interceptor/twcc.h"

#include <vector>

#include "core/interceptor/test_util.h"
#include "core/rtp/rtp_header_extensions.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace simrtc::interceptor {
namespace {

using testing::DeliverRtp;
using testing::DrainRtcp;
using ::testing::IsEmpty;
using testing::MakeRtp;

constexpr uint8_t kExtId = 5;

StreamInfo TwccStream(uint32_t ssrc) {
  StreamInfo info = testing::Stream(ssrc);
  info.header_extensions = {
      {std::string(rtp::kTransportSequenceNumberUri), kExtId}};
  info.rtcp_feedback = {{"transport-cc", ""}};
  return info;
}

std::optional<uint16_t> Tsn(const rtp::RtpPacket& p) {
  auto t = rtp::ReadExtension<rtp::TransportSequenceNumber>(p, kExtId);
  if (!t) return std::nullopt;
  return t->sequence_number;
}

rtp::RtpPacket WithTsn(uint32_t ssrc, uint16_t tsn) {
  rtp::RtpPacket p = MakeRtp(ssrc, tsn);
  EXPECT_TRUE(
      rtp::WriteExtension(p, kExtId, rtp::TransportSequenceNumber{tsn}).ok());
  return p;
}

std::vector<rtcp::TransportCcFeedback> Feedback(TwccReceiver& r) {
  std::vector<rtcp::TransportCcFeedback> out;
  for (rtcp::Packet& p : DrainRtcp(r)) {
    out.push_back(std::get<rtcp::TransportCcFeedback>(std::move(p)));
  }
  return out;
}

TEST(TwccSenderTest, StampsSharedCounterAcrossStreamsWithWrap) {
  TwccSender sender({.initial_sequence_number = 65534});
  sender.BindLocalStream(TwccStream(1));
  sender.BindLocalStream(TwccStream(2));
  sender.BindLocalStream(testing::Stream(3));  // extension not negotiated
  std::vector<std::optional<uint16_t>> got;
  for (uint32_t ssrc : {1, 2, 3, 1, 99}) {
    rtp::RtpPacket p = MakeRtp(ssrc, 7);
    sender.OnOutgoingRtp(Timestamp::Zero(), p);
    got.push_back(Tsn(p));
  }
  EXPECT_EQ(got, (std::vector<std::optional<uint16_t>>{
                     65534, 65535, std::nullopt, 0, std::nullopt}));
  EXPECT_EQ(sender.next_sequence_number(), 1);
}

TEST(TwccReceiverTest, FeedbackListsEveryPacketWithArrivalDelta) {
  TwccReceiver receiver(
      {.interval = TimeDelta::Millis(100), .sender_ssrc = 42});
  receiver.BindRemoteStream(TwccStream(7));
  const struct {
    uint16_t tsn;
    int64_t arrival_us;
  } arrivals[] = {{0, 1000000}, {1, 1010000}, {3, 1030500}, {4, 1040100}};
  for (const auto& a : arrivals) {
    DeliverRtp(receiver, Timestamp::Micros(a.arrival_us), WithTsn(7, a.tsn));
  }
  DeliverRtp(receiver, Timestamp::Micros(1041000), WithTsn(7, 1));  // dup
  ASSERT_EQ(receiver.NextTimeout(), Timestamp::Millis(1100));
  receiver.HandleTimeout(Timestamp::Millis(1100));
  std::vector<rtcp::TransportCcFeedback> fb = Feedback(receiver);
  ASSERT_EQ(fb.size(), 1u);
  EXPECT_EQ(fb[0].sender_ssrc, 42u);
  EXPECT_EQ(fb[0].media_ssrc, 7u);
  EXPECT_EQ(fb[0].base_sequence_number, 0);
  EXPECT_EQ(fb[0].packet_status_count, 5);
  EXPECT_EQ(fb[0].feedback_packet_count, 0);
  auto results = fb[0].GetPacketResults();
  ASSERT_TRUE(results.ok()) << results.status();
  ASSERT_EQ(results->size(), 5u);
  for (int i = 0; i < 5; ++i) EXPECT_EQ((*results)[i].sequence_number, i);
  EXPECT_EQ((*results)[2].arrival_time, std::nullopt);
  // Deltas between received packets, on the 250 us grid (1040.1 ms
  // truncates to 1040.0 ms); the duplicate's later arrival is ignored.
  const Timestamp t0 = *(*results)[0].arrival_time;
  EXPECT_EQ(*(*results)[1].arrival_time - t0, TimeDelta::Millis(10));
  EXPECT_EQ(*(*results)[3].arrival_time - t0, TimeDelta::Micros(30500));
  EXPECT_EQ(*(*results)[4].arrival_time - t0, TimeDelta::Millis(40));
  // Absolute time too: the reference time grid is 64 ms.
  EXPECT_EQ(t0, Timestamp::Seconds(1));

  // Nothing new: no feedback, timer keeps running.
  receiver.HandleTimeout(Timestamp::Millis(1200));
  EXPECT_THAT(Feedback(receiver), IsEmpty());
  DeliverRtp(receiver, Timestamp::Millis(1250), WithTsn(7, 5));
  receiver.HandleTimeout(Timestamp::Millis(1300));
  fb = Feedback(receiver);
  ASSERT_EQ(fb.size(), 1u);
  EXPECT_EQ(fb[0].base_sequence_number, 5);
  EXPECT_EQ(fb[0].packet_status_count, 1);
  EXPECT_EQ(fb[0].feedback_packet_count, 1);
  // Marshals and parses back.
  std::vector<rtcp::Packet> packets = {fb[0]};
  auto bytes = rtcp::MarshalCompound(packets);
  ASSERT_TRUE(bytes.ok()) << bytes.status();
  auto parsed = rtcp::ParseCompound(*bytes);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(std::get<rtcp::TransportCcFeedback>((*parsed)[0]), fb[0]);
}

TEST(TwccReceiverTest, WrapAndSplitAndIgnoredPackets) {
  TwccReceiver receiver;
  receiver.BindRemoteStream(TwccStream(7));
  receiver.BindRemoteStream(testing::Stream(8));  // no extension
  DeliverRtp(receiver, Timestamp::Zero(), WithTsn(8, 100));
  DeliverRtp(receiver, Timestamp::Zero(), WithTsn(9, 100));  // unbound
  DeliverRtp(receiver, Timestamp::Zero(), MakeRtp(7, 1));    // no ext
  EXPECT_EQ(receiver.NextTimeout(), std::nullopt);
  DeliverRtp(receiver, Timestamp::Millis(1), WithTsn(7, 65534));
  DeliverRtp(receiver, Timestamp::Millis(2), WithTsn(7, 65535));
  DeliverRtp(receiver, Timestamp::Millis(3), WithTsn(7, 0));
  // The timer is late by 10 s; the next packet is too far in time from the
  // others for one feedback, so it goes into a second one.
  DeliverRtp(receiver, Timestamp::Millis(10003), WithTsn(7, 1));
  receiver.HandleTimeout(Timestamp::Millis(10003));
  std::vector<rtcp::TransportCcFeedback> fb = Feedback(receiver);
  ASSERT_EQ(fb.size(), 2u);
  EXPECT_EQ(fb[0].base_sequence_number, 65534);
  EXPECT_EQ(fb[0].packet_status_count, 3);
  EXPECT_EQ(fb[1].base_sequence_number, 1);
  EXPECT_EQ(fb[1].packet_status_count, 1);
  EXPECT_EQ(fb[1].feedback_packet_count, 1);
}

// Results of one feedback as (sequence number, received) pairs.
std::vector<std::pair<uint16_t, bool>> Statuses(
    const rtcp::TransportCcFeedback& fb) {
  std::vector<std::pair<uint16_t, bool>> out;
  auto results = fb.GetPacketResults();
  EXPECT_TRUE(results.ok()) << results.status();
  if (!results.ok()) return out;
  for (const auto& r : *results) {
    out.emplace_back(r.sequence_number, r.arrival_time.has_value());
  }
  return out;
}

TEST(TwccReceiverTest, LossBetweenTwoFeedbacksIsReported) {
  TwccReceiver receiver;
  receiver.BindRemoteStream(TwccStream(7));
  for (uint16_t tsn : {65533, 65534, 65535}) {
    DeliverRtp(receiver, Timestamp::Millis(tsn - 65500), WithTsn(7, tsn));
  }
  receiver.HandleTimeout(Timestamp::Millis(200));
  std::vector<rtcp::TransportCcFeedback> fb = Feedback(receiver);
  ASSERT_EQ(fb.size(), 1u);
  EXPECT_EQ(fb[0].base_sequence_number, 65533);
  // 0 and 1 are lost right at the boundary; the next feedback starts
  // where the previous ended, so it reports them.
  DeliverRtp(receiver, Timestamp::Millis(250), WithTsn(7, 2));
  DeliverRtp(receiver, Timestamp::Millis(260), WithTsn(7, 3));
  receiver.HandleTimeout(Timestamp::Millis(300));
  fb = Feedback(receiver);
  ASSERT_EQ(fb.size(), 1u);
  EXPECT_EQ(fb[0].base_sequence_number, 0);
  EXPECT_EQ(fb[0].packet_status_count, 4);
  EXPECT_EQ(fb[0].feedback_packet_count, 1);
  EXPECT_EQ(Statuses(fb[0]),
            (std::vector<std::pair<uint16_t, bool>>{
                {0, false}, {1, false}, {2, true}, {3, true}}));
  auto results = fb[0].GetPacketResults();
  ASSERT_TRUE(results.ok());
  EXPECT_EQ((*results)[2].arrival_time, Timestamp::Millis(250));
  EXPECT_EQ((*results)[3].arrival_time, Timestamp::Millis(260));
  // Still a valid packet on the wire.
  std::vector<rtcp::Packet> packets = {fb[0]};
  auto bytes = rtcp::MarshalCompound(packets);
  ASSERT_TRUE(bytes.ok()) << bytes.status();
  auto parsed = rtcp::ParseCompound(*bytes);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(std::get<rtcp::TransportCcFeedback>((*parsed)[0]), fb[0]);
}

TEST(TwccReceiverTest, LateArrivalDoesNotReReportNeighboursAsLost) {
  TwccReceiver receiver;
  receiver.BindRemoteStream(TwccStream(7));
  for (uint16_t tsn : {10, 11, 13}) {
    DeliverRtp(receiver, Timestamp::Millis(tsn), WithTsn(7, tsn));
  }
  receiver.HandleTimeout(Timestamp::Millis(200));
  std::vector<rtcp::TransportCcFeedback> fb = Feedback(receiver);
  ASSERT_EQ(fb.size(), 1u);
  EXPECT_EQ(Statuses(fb[0]),
            (std::vector<std::pair<uint16_t, bool>>{
                {10, true}, {11, true}, {12, false}, {13, true}}));
  // 12 turns up late; 15 is lost.
  DeliverRtp(receiver, Timestamp::Millis(210), WithTsn(7, 12));
  DeliverRtp(receiver, Timestamp::Millis(220), WithTsn(7, 14));
  DeliverRtp(receiver, Timestamp::Millis(230), WithTsn(7, 16));
  receiver.HandleTimeout(Timestamp::Millis(300));
  fb = Feedback(receiver);
  ASSERT_EQ(fb.size(), 2u);
  // 12 alone: a feedback from 12 to 16 would report 13 (received and
  // reported) as lost.
  EXPECT_EQ(Statuses(fb[0]),
            (std::vector<std::pair<uint16_t, bool>>{{12, true}}));
  EXPECT_EQ(Statuses(fb[1]), (std::vector<std::pair<uint16_t, bool>>{
                                 {14, true}, {15, false}, {16, true}}));
  EXPECT_EQ(fb[0].feedback_packet_count, 1);
  EXPECT_EQ(fb[1].feedback_packet_count, 2);
}

TEST(TwccTest, SenderToReceiverThroughChains) {
  Chain sender;
  sender.Add(std::make_unique<TwccSender>());
  Chain receiver;
  receiver.Add(std::make_unique<TwccReceiver>());
  sender.BindLocalStream(TwccStream(1));
  receiver.BindRemoteStream(TwccStream(1));
  for (uint16_t i = 0; i < 20; ++i) {
    rtp::RtpPacket p = MakeRtp(1, static_cast<uint16_t>(500 + i));
    sender.OnOutgoingRtp(Timestamp::Millis(i), p);
    if (i % 5 != 2) DeliverRtp(receiver, Timestamp::Millis(i + 30), p);
  }
  receiver.HandleTimeout(*receiver.NextTimeout());
  std::vector<rtcp::Packet> out = DrainRtcp(receiver);
  ASSERT_EQ(out.size(), 1u);
  auto results = std::get<rtcp::TransportCcFeedback>(out[0]).GetPacketResults();
  ASSERT_TRUE(results.ok());
  ASSERT_EQ(results->size(), 20u);
  for (size_t i = 0; i < results->size(); ++i) {
    EXPECT_EQ((*results)[i].sequence_number, i);
    EXPECT_EQ((*results)[i].arrival_time.has_value(), i % 5 != 2) << i;
    if (i % 5 != 2) {
      EXPECT_EQ(*(*results)[i].arrival_time,
                Timestamp::Millis(static_cast<int64_t>(i) + 30));
    }
  }
}

}  // namespace
}  // namespace simrtc::interceptor
