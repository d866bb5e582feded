#include "core/interceptor/nack.h"

#include <vector>

#include "core/interceptor/test_util.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace simrtc::interceptor {
namespace {

using testing::DeliverRtcp;
using testing::DeliverRtp;
using testing::DrainRtcp;
using testing::DrainRtp;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using testing::MakeRtp;

constexpr uint32_t kSsrc = 0x1234;

StreamInfo NackStream(uint32_t ssrc) {
  StreamInfo info = testing::Stream(ssrc);
  info.rtcp_feedback = {{"nack", ""}};
  return info;
}

// Runs timers due at `t` and returns the NACKed sequence numbers per NACK.
std::vector<std::vector<uint16_t>> NacksAt(NackGenerator& g, Timestamp t) {
  g.HandleTimeout(t);
  std::vector<std::vector<uint16_t>> out;
  for (const rtcp::Packet& p : DrainRtcp(g)) {
    const auto& nack = std::get<rtcp::GenericNack>(p);
    EXPECT_EQ(nack.media_ssrc, kSsrc);
    EXPECT_EQ(nack.sender_ssrc, 9u);
    out.push_back(nack.LostSequenceNumbers());
  }
  return out;
}

NackGenerator::Config TestConfig() {
  NackGenerator::Config c;
  c.initial_delay = TimeDelta::Millis(10);
  c.retry_interval = TimeDelta::Millis(50);
  c.max_retries = 2;
  c.sender_ssrc = 9;
  return c;
}

TEST(NackGeneratorTest, RequestsExactlyTheMissingAfterDelayAndRetries) {
  NackGenerator g(TestConfig());
  g.BindRemoteStream(NackStream(kSsrc));
  for (uint16_t seq : {10, 11, 14, 15, 18}) {  // 12, 13, 16, 17 missing
    DeliverRtp(g, Timestamp::Millis(100), MakeRtp(kSsrc, seq));
  }
  EXPECT_THAT(g.Missing(kSsrc), ElementsAre(12, 13, 16, 17));
  ASSERT_EQ(g.NextTimeout(), Timestamp::Millis(110));
  EXPECT_THAT(NacksAt(g, Timestamp::Millis(105)), IsEmpty());
  EXPECT_THAT(NacksAt(g, Timestamp::Millis(110)),
              ElementsAre(ElementsAre(12, 13, 16, 17)));
  // 13 is repaired; the rest are asked for once more, then given up.
  DeliverRtp(g, Timestamp::Millis(130), MakeRtp(kSsrc, 13));
  EXPECT_EQ(g.NextTimeout(), Timestamp::Millis(160));
  EXPECT_THAT(NacksAt(g, Timestamp::Millis(160)),
              ElementsAre(ElementsAre(12, 16, 17)));
  EXPECT_THAT(g.Missing(kSsrc), IsEmpty());
  EXPECT_EQ(g.NextTimeout(), std::nullopt);
  EXPECT_THAT(NacksAt(g, Timestamp::Millis(500)), IsEmpty());
}

TEST(NackGeneratorTest, ReorderingWithinDelayIsNotRequested) {
  NackGenerator g(TestConfig());
  g.BindRemoteStream(NackStream(kSsrc));
  DeliverRtp(g, Timestamp::Millis(0), MakeRtp(kSsrc, 1));
  DeliverRtp(g, Timestamp::Millis(1), MakeRtp(kSsrc, 3));
  DeliverRtp(g, Timestamp::Millis(2), MakeRtp(kSsrc, 2));
  DeliverRtp(g, Timestamp::Millis(3), MakeRtp(kSsrc, 3));  // duplicate
  EXPECT_EQ(g.NextTimeout(), std::nullopt);
  EXPECT_THAT(NacksAt(g, Timestamp::Millis(100)), IsEmpty());
}

TEST(NackGeneratorTest, WrapAt65535) {
  NackGenerator g(TestConfig());
  g.BindRemoteStream(NackStream(kSsrc));
  DeliverRtp(g, Timestamp::Zero(), MakeRtp(kSsrc, 65533));
  DeliverRtp(g, Timestamp::Zero(), MakeRtp(kSsrc, 1));
  EXPECT_THAT(NacksAt(g, Timestamp::Millis(10)),
              ElementsAre(ElementsAre(65534, 65535, 0)));
}

TEST(NackGeneratorTest, GivesUpOnTooOldAndBoundsHugeJumps) {
  NackGenerator::Config c = TestConfig();
  c.max_age = 100;
  c.max_missing = 50;
  NackGenerator g(c);
  g.BindRemoteStream(NackStream(kSsrc));
  DeliverRtp(g, Timestamp::Zero(), MakeRtp(kSsrc, 0));
  DeliverRtp(g, Timestamp::Zero(), MakeRtp(kSsrc, 2));  // 1 missing
  DeliverRtp(g, Timestamp::Zero(), MakeRtp(kSsrc, 200));
  // 1 is now more than 100 behind; of 3..199 only the newest 50 are kept.
  std::vector<uint16_t> missing = g.Missing(kSsrc);
  ASSERT_EQ(missing.size(), 50u);
  EXPECT_EQ(missing.front(), 150);
  EXPECT_EQ(missing.back(), 199);
}

TEST(NackGeneratorTest, IgnoresStreamsWithoutNackFeedbackAndUnknownSsrcs) {
  NackGenerator g(TestConfig());
  g.BindRemoteStream(testing::Stream(kSsrc));  // no a=rtcp-fb nack
  DeliverRtp(g, Timestamp::Zero(), MakeRtp(kSsrc, 1));
  DeliverRtp(g, Timestamp::Zero(), MakeRtp(kSsrc, 5));
  DeliverRtp(g, Timestamp::Zero(), MakeRtp(777, 1));
  DeliverRtp(g, Timestamp::Zero(), MakeRtp(777, 5));
  EXPECT_EQ(g.NextTimeout(), std::nullopt);

  NackGenerator::Config c = TestConfig();
  c.require_feedback = false;
  NackGenerator lax(c);
  lax.BindRemoteStream(testing::Stream(kSsrc));
  DeliverRtp(lax, Timestamp::Zero(), MakeRtp(kSsrc, 1));
  DeliverRtp(lax, Timestamp::Zero(), MakeRtp(kSsrc, 3));
  EXPECT_THAT(lax.Missing(kSsrc), ElementsAre(2));
}

TEST(NackResponderTest, RejectsBadBufferSizes) {
  EXPECT_FALSE(
      NackResponder::Create({.buffer_size = 0, .require_feedback = true}).ok());
  EXPECT_FALSE(
      NackResponder::Create({.buffer_size = 1000, .require_feedback = true})
          .ok());
  EXPECT_FALSE(
      NackResponder::Create({.buffer_size = 65536, .require_feedback = true})
          .ok());
  EXPECT_TRUE(
      NackResponder::Create({.buffer_size = 8, .require_feedback = true}).ok());
}

TEST(NackResponderTest, ResendsBufferedPackets) {
  auto r = NackResponder::Create({.buffer_size = 8, .require_feedback = true});
  ASSERT_TRUE(r.ok());
  NackResponder& resp = **r;
  resp.BindLocalStream(NackStream(kSsrc));
  for (uint16_t seq = 65530; seq != 4; ++seq) {  // 10 packets over the wrap
    rtp::RtpPacket p = MakeRtp(kSsrc, seq, seq * 10u);
    resp.OnOutgoingRtp(Timestamp::Zero(), p);
  }
  rtcp::GenericNack nack;
  nack.media_ssrc = kSsrc;
  // 65531 was overwritten (buffer of 8 holds 65532..3); 9 never sent.
  const uint16_t asked[] = {65531, 65535, 0, 3, 9};
  nack.pairs = rtcp::SequenceNumbersToNackPairs(asked);
  DeliverRtcp(resp, Timestamp::Millis(5), nack);
  std::vector<rtp::RtpPacket> resent = DrainRtp(resp);
  ASSERT_EQ(resent.size(), 3u);
  EXPECT_EQ(resent[0], MakeRtp(kSsrc, 65535, 65535 * 10u));
  EXPECT_EQ(resent[1], MakeRtp(kSsrc, 0, 0));
  EXPECT_EQ(resent[2], MakeRtp(kSsrc, 3, 30));

  nack.media_ssrc = 4242;  // unknown stream
  DeliverRtcp(resp, Timestamp::Millis(6), nack);
  EXPECT_THAT(DrainRtp(resp), IsEmpty());
}

TEST(NackTest, GeneratorAndResponderRepairLoss) {
  // Sender chain: responder. Receiver chain: generator. Packets 3 and 4
  // are dropped on the way; the NACK brings back exactly those.
  Chain sender;
  auto resp = NackResponder::Create();
  ASSERT_TRUE(resp.ok());
  sender.Add(std::move(*resp));
  Chain receiver;
  receiver.Add(std::make_unique<NackGenerator>(TestConfig()));
  sender.BindLocalStream(NackStream(kSsrc));
  receiver.BindRemoteStream(NackStream(kSsrc));

  for (uint16_t seq = 1; seq <= 6; ++seq) {
    rtp::RtpPacket p = MakeRtp(kSsrc, seq);
    sender.OnOutgoingRtp(Timestamp::Millis(seq), p);
    if (seq != 3 && seq != 4) DeliverRtp(receiver, Timestamp::Millis(seq), p);
  }
  ASSERT_EQ(receiver.NextTimeout(), Timestamp::Millis(15));
  receiver.HandleTimeout(Timestamp::Millis(15));
  std::vector<rtcp::Packet> feedback = DrainRtcp(receiver);
  ASSERT_EQ(feedback.size(), 1u);
  sender.OnIncomingRtcp(Timestamp::Millis(20), feedback);
  std::vector<rtp::RtpPacket> resent = DrainRtp(sender);
  ASSERT_EQ(resent.size(), 2u);
  EXPECT_EQ(resent[0].sequence_number(), 3);
  EXPECT_EQ(resent[1].sequence_number(), 4);
  for (const rtp::RtpPacket& p : resent) {
    DeliverRtp(receiver, Timestamp::Millis(30), p);
  }
  EXPECT_EQ(receiver.NextTimeout(), std::nullopt);
}

}  // namespace
}  // namespace simrtc::interceptor
