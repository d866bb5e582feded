#include "core/media/packetizer.h"

#include "core/media/g7xx.h"
#include "core/media/vp8.h"
#include "core/rtp/rtp_header_extensions.h"
#include "gtest/gtest.h"

namespace simrtc::media {
namespace {

TEST(PacketizerTest, SequenceTimestampMarker) {
  Rng rng(42);
  Packetizer p(
      {.mtu = 112, .payload_type = 111, .ssrc = 0x1234, .clock_rate = 90000},
      std::make_unique<Vp8Payloader>(), rng);
  const uint32_t ts0 = p.timestamp();
  const uint16_t seq0 = p.next_sequence_number();
  std::vector<uint8_t> frame(250, 7);
  auto pk = p.Packetize(Timestamp::Zero(), frame, 3000);
  ASSERT_TRUE(pk.ok()) << pk.status();
  ASSERT_EQ(pk->size(), 3u);  // 99 bytes of frame per packet
  for (size_t i = 0; i < pk->size(); ++i) {
    const auto& x = (*pk)[i];
    EXPECT_EQ(x.sequence_number(), static_cast<uint16_t>(seq0 + i));
    EXPECT_EQ(x.timestamp(), ts0);
    EXPECT_EQ(x.marker(), i == 2);
    EXPECT_EQ(x.payload_type(), 111);
    EXPECT_EQ(x.ssrc(), 0x1234u);
    EXPECT_LE(x.MarshalSize(), 112u);
  }
  p.SkipSamples(100);
  auto next = p.Packetize(Timestamp::Zero(), frame, 3000);
  ASSERT_TRUE(next.ok());
  EXPECT_EQ((*next)[0].timestamp(), ts0 + 3100);
  EXPECT_EQ((*next)[0].sequence_number(), static_cast<uint16_t>(seq0 + 3));
}

TEST(PacketizerTest, RandomStartFromInjectedRng) {
  Rng a(1), b(1), c(2);
  PacketizerConfig cfg;
  Packetizer pa(cfg, std::make_unique<G7xxPayloader>(), a);
  Packetizer pb(cfg, std::make_unique<G7xxPayloader>(), b);
  Packetizer pc(cfg, std::make_unique<G7xxPayloader>(), c);
  EXPECT_EQ(pa.next_sequence_number(), pb.next_sequence_number());
  EXPECT_EQ(pa.timestamp(), pb.timestamp());
  EXPECT_TRUE(pa.next_sequence_number() != pc.next_sequence_number() ||
              pa.timestamp() != pc.timestamp());
}

TEST(PacketizerTest, AbsSendTimeFitsMtu) {
  Rng rng(3);
  Packetizer p({.mtu = 100, .payload_type = 0, .ssrc = 1, .clock_rate = 8000},
               std::make_unique<G7xxPayloader>(), rng);
  p.EnableAbsSendTime(3);
  std::vector<uint8_t> frame(400, 1);
  Timestamp now = Timestamp::Millis(1500);
  auto pk = p.Packetize(now, frame, 400);
  ASSERT_TRUE(pk.ok()) << pk.status();
  for (const auto& x : *pk) {
    EXPECT_LE(x.MarshalSize(), 100u);
    auto ast = rtp::ReadExtension<rtp::AbsSendTime>(x, 3);
    ASSERT_TRUE(ast.has_value());
    EXPECT_EQ(*ast, rtp::AbsSendTime::FromTimestamp(now));
  }
}

TEST(PacketizerTest, MtuTooSmallIsErrorAndKeepsState) {
  Rng rng(4);
  Packetizer p({.mtu = 12}, std::make_unique<G7xxPayloader>(), rng);
  uint16_t seq = p.next_sequence_number();
  std::vector<uint8_t> frame(10, 1);
  EXPECT_FALSE(p.Packetize(Timestamp::Zero(), frame, 10).ok());
  EXPECT_EQ(p.next_sequence_number(), seq);
}

}  // namespace
}  // namespace simrtc::media
