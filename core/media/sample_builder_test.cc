#include "core/media/sample_builder.h"

#include <algorithm>

#include "core/media/h264.h"
#include "core/media/packetizer.h"
#include "core/media/vp8.h"
#include "gtest/gtest.h"

namespace simrtc::media {
namespace {

rtp::RtpPacket Vp8Packet(uint16_t seq, uint32_t ts, bool head, bool marker,
                         uint8_t fill = 0xAA) {
  rtp::RtpPacket p;
  p.set_sequence_number(seq);
  p.set_timestamp(ts);
  p.set_marker(marker);
  p.set_payload(std::vector<uint8_t>{head ? uint8_t{0x10} : uint8_t{0}, fill});
  return p;
}

rtp::RtpPacket Padding(uint16_t seq, uint32_t ts) {
  rtp::RtpPacket p;
  p.set_sequence_number(seq);
  p.set_timestamp(ts);
  p.set_padding_size(4);
  return p;
}

SampleBuilder MakeVp8(uint16_t max_late) {
  return SampleBuilder(max_late, std::make_unique<Vp8Depacketizer>(), 90000);
}

TEST(SampleBuilderTest, ReassemblesOutOfOrderAcrossWrap) {
  auto sb = MakeVp8(50);
  // Frame 1: 65534, 65535, 0 (marker); frame 2 starts at 1.
  sb.Push(Vp8Packet(65535, 1000, false, false, 2));
  sb.Push(Vp8Packet(0, 1000, false, true, 3));
  EXPECT_FALSE(sb.Pop().has_value());
  sb.Push(Vp8Packet(65534, 1000, true, false, 1));
  EXPECT_FALSE(sb.Pop().has_value());  // duration needs the next frame
  sb.Push(Vp8Packet(1, 4000, true, true, 4));
  auto s = sb.PopWithTimestamp();
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->first.data, (std::vector<uint8_t>{1, 2, 3}));
  EXPECT_EQ(s->second, 1000u);
  EXPECT_EQ(s->first.packet_timestamp, 1000u);
  EXPECT_EQ(s->first.duration,
            TimeDelta::Micros(int64_t{3000} * 1'000'000 / 90000));
  EXPECT_EQ(s->first.prev_dropped_packets, 0);
  EXPECT_FALSE(sb.Pop().has_value());
}

TEST(SampleBuilderTest, LostPacketDroppedAfterMaxLate) {
  auto sb = MakeVp8(5);
  sb.Push(Vp8Packet(10, 100, true, false));
  // 11 (end of frame 100) is lost.
  sb.Push(Vp8Packet(12, 200, true, true, 5));
  EXPECT_FALSE(sb.Pop().has_value());
  sb.Push(Vp8Packet(13, 300, true, true, 6));
  sb.Push(Vp8Packet(14, 400, true, true, 7));
  EXPECT_FALSE(sb.Pop().has_value());
  sb.Push(Vp8Packet(15, 500, true, true, 8));  // 15 - 10 >= 5: give up 10
  auto s = sb.Pop();
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->packet_timestamp, 200u);
  EXPECT_EQ(s->prev_dropped_packets, 2);  // 10 given up, 11 lost
  EXPECT_EQ(sb.total_dropped_packets(), 2u);
  // Too late now.
  sb.Push(Vp8Packet(11, 100, false, true));
  auto s2 = sb.Pop();
  ASSERT_TRUE(s2.has_value());
  EXPECT_EQ(s2->packet_timestamp, 300u);
  EXPECT_EQ(s2->prev_dropped_packets, 0);
}

TEST(SampleBuilderTest, CompleteFrameBehindGivenUpGapIsNotDropped) {
  auto sb = MakeVp8(4);
  sb.Push(Vp8Packet(0, 100, true, true, 1));
  // 1 (frame 200, one packet) is lost.
  sb.Push(Vp8Packet(2, 300, true, false, 2));
  sb.Push(Vp8Packet(3, 300, false, true, 3));
  auto a = sb.Pop();
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->packet_timestamp, 100u);
  EXPECT_FALSE(sb.Pop().has_value());  // waiting for 1
  sb.Push(Vp8Packet(4, 400, true, true, 4));
  // 5 is lost too, so the newest jumps from 4 to 6: 6 - 1 >= 4 gives up
  // the gap at 1, and 6 - 2 >= 4 would give up frame 300 as well, which
  // is complete and must come out instead.
  sb.Push(Vp8Packet(6, 600, true, true, 6));
  auto b = sb.Pop();
  ASSERT_TRUE(b.has_value());
  EXPECT_EQ(b->packet_timestamp, 300u);
  EXPECT_EQ(b->data, (std::vector<uint8_t>{2, 3}));
  EXPECT_EQ(b->prev_dropped_packets, 1);
  auto c = sb.Pop();
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->packet_timestamp, 400u);
  EXPECT_EQ(c->prev_dropped_packets, 0);
  EXPECT_FALSE(sb.Pop().has_value());
  EXPECT_EQ(sb.total_dropped_packets(), 1u);
}

TEST(SampleBuilderTest, MaxLateTime) {
  auto sb = MakeVp8(1000);
  sb.SetMaxLateTime(TimeDelta::Millis(100));  // 9000 RTP ticks
  sb.Push(Vp8Packet(1, 0, true, false));
  sb.Push(Vp8Packet(3, 3000, true, true));
  sb.Push(Vp8Packet(4, 6000, true, true));
  EXPECT_FALSE(sb.Pop().has_value());
  sb.Push(Vp8Packet(5, 9001, true, true));  // 9001 ticks past packet 1
  auto s = sb.Pop();
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->packet_timestamp, 3000u);
  EXPECT_EQ(s->prev_dropped_packets, 2);
}

TEST(SampleBuilderTest, PaddingCounted) {
  auto sb = MakeVp8(50);
  sb.Push(Vp8Packet(1, 100, true, true, 1));
  sb.Push(Padding(2, 100));
  sb.Push(Padding(3, 100));
  sb.Push(Vp8Packet(4, 200, true, true, 2));
  sb.Push(Vp8Packet(5, 300, true, true, 3));
  auto a = sb.Pop();
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->prev_padding_packets, 0);
  EXPECT_EQ(a->duration, TimeDelta::Micros(int64_t{100} * 1'000'000 / 90000));
  auto b = sb.Pop();
  ASSERT_TRUE(b.has_value());
  EXPECT_EQ(b->packet_timestamp, 200u);
  EXPECT_EQ(b->prev_padding_packets, 2);
}

TEST(SampleBuilderTest, OrphanFragmentsAndBadPayloadDropped) {
  auto sb = MakeVp8(50);
  sb.Push(Vp8Packet(6, 40, true, true));
  sb.Push(Vp8Packet(7, 50, false, true));  // its head (50) was lost
  ASSERT_TRUE(sb.Pop().has_value());
  rtp::RtpPacket bad;
  bad.set_sequence_number(8);
  bad.set_timestamp(60);
  bad.set_marker(true);
  bad.set_payload(std::vector<uint8_t>{0x10});  // descriptor, no data
  sb.Push(bad);
  sb.Push(Vp8Packet(9, 70, true, true, 9));
  sb.Push(Vp8Packet(10, 80, true, true, 10));
  auto s = sb.Pop();
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->packet_timestamp, 70u);
  EXPECT_EQ(s->prev_dropped_packets, 2);
}

TEST(SampleBuilderTest, NonHeadAtStreamStartWaitsForReorderedHead) {
  auto sb = MakeVp8(50);
  sb.Push(Vp8Packet(21, 50, false, true, 2));
  sb.Push(Vp8Packet(22, 60, true, true, 3));
  EXPECT_FALSE(sb.Pop().has_value());
  sb.Push(Vp8Packet(20, 50, true, false, 1));
  auto s = sb.Pop();
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->data, (std::vector<uint8_t>{1, 2}));
}

TEST(SampleBuilderTest, H264EndToEndShuffled) {
  Rng rng(9);
  Packetizer pk(
      {.mtu = 100, .payload_type = 96, .ssrc = 5, .clock_rate = 90000},
      std::make_unique<H264Payloader>(), rng);
  std::vector<std::vector<uint8_t>> frames;
  std::vector<rtp::RtpPacket> packets;
  for (int f = 0; f < 6; ++f) {
    std::vector<uint8_t> fr = {0, 0, 0,    1, 0x67, 1, 2, 0, 0,
                               0, 1, 0x68, 3, 0,    0, 0, 1, 0x65};
    for (int i = 0; i < 300 + 40 * f; ++i)
      fr.push_back(static_cast<uint8_t>(i + f + 1));
    frames.push_back(fr);
    auto p = pk.Packetize(Timestamp::Zero(), fr, 3000);
    ASSERT_TRUE(p.ok());
    packets.insert(packets.end(), p->begin(), p->end());
  }
  // Swap neighbours to reorder.
  for (size_t i = 0; i + 1 < packets.size(); i += 3) {
    std::swap(packets[i], packets[i + 1]);
  }
  SampleBuilder sb(100, std::make_unique<H264Depacketizer>(), 90000);
  std::vector<std::vector<uint8_t>> got;
  for (const auto& p : packets) {
    sb.Push(p);
    while (auto s = sb.Pop()) {
      EXPECT_EQ(s->duration, TimeDelta::Micros(33333));
      got.push_back(s->data);
    }
  }
  ASSERT_EQ(got.size(), 5u);  // the last frame waits for a successor
  for (size_t i = 0; i < got.size(); ++i) EXPECT_EQ(got[i], frames[i]);
}

}  // namespace
}  // namespace simrtc::media
