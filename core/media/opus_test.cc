#include "core/media/opus.h"

#include <vector>

#include "gtest/gtest.h"

namespace simrtc::media {
namespace {

TEST(OpusTest, WholeFrameRoundTrip) {
  OpusPayloader p;
  std::vector<uint8_t> frame(300, 0xAB);
  auto pl = p.Payload(100, frame);  // never split
  ASSERT_TRUE(pl.ok());
  ASSERT_EQ(pl->size(), 1u);
  OpusDepacketizer d;
  auto out = d.Depacketize((*pl)[0]);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(*out, frame);
  EXPECT_TRUE(d.IsPartitionHead((*pl)[0]));
  EXPECT_TRUE(d.IsPartitionTail(false, (*pl)[0]));
  EXPECT_FALSE(d.Depacketize({}).ok());
  EXPECT_TRUE(p.Payload(100, {})->empty());
}

TEST(OpusTest, PacketSamplesFromToc) {
  struct Case {
    std::vector<uint8_t> packet;
    uint32_t samples;
  };
  const Case cases[] = {
      {{0x00}, 480},              // config 0: SILK NB 10 ms, code 0
      {{0x08}, 960},              // config 1: SILK NB 20 ms
      {{0x19}, 5760},             // config 3: 60 ms, code 1: two frames
      {{0x1A}, 5760},             // code 2: two frames of other sizes
      {{0x60}, 480},              // config 12: hybrid SWB 10 ms
      {{0x68}, 960},              // config 13: hybrid SWB 20 ms
      {{0x80}, 120},              // config 16: CELT NB 2.5 ms
      {{0xF8, 0xAA}, 960},        // config 31: CELT FB 20 ms
      {{0xFB, 0x06}, 5760},       // code 3, 6 frames of 20 ms
      {{0xFB, 0xC3, 0x01}, 2880}  // code 3, VBR + padding bits, 3 frames
  };
  for (const Case& c : cases) {
    auto s = OpusPacketSamples(c.packet);
    ASSERT_TRUE(s.ok()) << s.status() << " toc " << int{c.packet[0]};
    EXPECT_EQ(*s, c.samples) << "toc " << int{c.packet[0]};
  }
  const std::vector<uint8_t> bad[] = {
      {},            // no TOC
      {0xFB},        // code 3 without count
      {0xFB, 0x40},  // zero frames
      {0xFB, 0x07},  // 140 ms
      {0x1B, 0x03},  // 3 x 60 ms
  };
  for (const auto& b : bad) EXPECT_FALSE(OpusPacketSamples(b).ok());
}

}  // namespace
}  // namespace simrtc::media
