#include "core/base/demux.h"

#include <array>
#include <cstdint>
#include <sstream>
#include <vector>

#include "gtest/gtest.h"

namespace simrtc {
namespace {

// The classifier is usable in constant expressions (and so costs nothing
// when the byte is known at compile time).
static_assert(ClassifyFirstByte(0) == PacketClass::kStun);
static_assert(ClassifyFirstByte(22) == PacketClass::kDtls);
static_assert(ClassifyFirstByte(0x80) == PacketClass::kRtp);
static_assert(ClassifyPacket(std::span<const uint8_t>()) ==
              PacketClass::kUnknown);

TEST(DemuxTest, EveryFirstByteFallsInItsRfc7983Range) {
  for (int b = 0; b < 256; ++b) {
    PacketClass want = PacketClass::kUnknown;
    if (b <= 3) {
      want = PacketClass::kStun;
    } else if (b >= 16 && b <= 19) {
      want = PacketClass::kZrtp;
    } else if (b >= 20 && b <= 63) {
      want = PacketClass::kDtls;
    } else if (b >= 64 && b <= 79) {
      want = PacketClass::kTurnChannel;
    } else if (b >= 128 && b <= 191) {
      want = PacketClass::kRtp;
    }
    EXPECT_EQ(ClassifyFirstByte(static_cast<uint8_t>(b)), want) << "byte " << b;
  }
}

TEST(DemuxTest, RangeBoundaries) {
  EXPECT_EQ(ClassifyFirstByte(3), PacketClass::kStun);
  EXPECT_EQ(ClassifyFirstByte(4), PacketClass::kUnknown);
  EXPECT_EQ(ClassifyFirstByte(15), PacketClass::kUnknown);
  EXPECT_EQ(ClassifyFirstByte(16), PacketClass::kZrtp);
  EXPECT_EQ(ClassifyFirstByte(19), PacketClass::kZrtp);
  EXPECT_EQ(ClassifyFirstByte(20), PacketClass::kDtls);
  EXPECT_EQ(ClassifyFirstByte(63), PacketClass::kDtls);
  EXPECT_EQ(ClassifyFirstByte(64), PacketClass::kTurnChannel);
  EXPECT_EQ(ClassifyFirstByte(79), PacketClass::kTurnChannel);
  EXPECT_EQ(ClassifyFirstByte(80), PacketClass::kUnknown);
  EXPECT_EQ(ClassifyFirstByte(127), PacketClass::kUnknown);
  EXPECT_EQ(ClassifyFirstByte(128), PacketClass::kRtp);
  EXPECT_EQ(ClassifyFirstByte(191), PacketClass::kRtp);
  EXPECT_EQ(ClassifyFirstByte(192), PacketClass::kUnknown);
  EXPECT_EQ(ClassifyFirstByte(255), PacketClass::kUnknown);
}

TEST(DemuxTest, RealPacketHeaders) {
  // STUN Binding Request: type 0x0001.
  const std::vector<uint8_t> stun = {0x00, 0x01, 0x00, 0x00, 0x21, 0x12};
  // DTLS 1.2 handshake record.
  const std::vector<uint8_t> dtls = {0x16, 0xfe, 0xfd, 0x00, 0x00};
  // DTLS application data record.
  const std::vector<uint8_t> dtls_app = {0x17, 0xfe, 0xfd};
  // TURN ChannelData for channel 0x4000.
  const std::vector<uint8_t> channel = {0x40, 0x00, 0x00, 0x04};
  // RTP version 2, PT 96.
  const std::vector<uint8_t> rtp = {0x80, 0x60, 0x12, 0x34};
  // RTCP sender report (PT 200).
  const std::vector<uint8_t> rtcp = {0x80, 200, 0x00, 0x06};
  EXPECT_EQ(ClassifyPacket(stun), PacketClass::kStun);
  EXPECT_EQ(ClassifyPacket(dtls), PacketClass::kDtls);
  EXPECT_EQ(ClassifyPacket(dtls_app), PacketClass::kDtls);
  EXPECT_EQ(ClassifyPacket(channel), PacketClass::kTurnChannel);
  EXPECT_EQ(ClassifyPacket(rtp), PacketClass::kRtp);
  EXPECT_EQ(ClassifyPacket(rtcp), PacketClass::kRtp);
  EXPECT_FALSE(IsRtcp(rtp));
  EXPECT_TRUE(IsRtcp(rtcp));
}

TEST(DemuxTest, RtcpSplitCoversPacketTypes192To223) {
  std::array<uint8_t, 2> p = {0x80, 0};
  for (int pt = 0; pt < 256; ++pt) {
    p[1] = static_cast<uint8_t>(pt);
    EXPECT_EQ(IsRtcp(p), pt >= 192 && pt <= 223) << "second byte " << pt;
  }
  const std::array<uint8_t, 1> one = {0x80};
  EXPECT_FALSE(IsRtcp(one));
}

TEST(DemuxTest, EmptyIsUnknownAndNamesArePrintable) {
  EXPECT_EQ(ClassifyPacket({}), PacketClass::kUnknown);
  EXPECT_EQ(PacketClassName(PacketClass::kDtls), "DTLS");
  EXPECT_EQ(PacketClassName(PacketClass::kTurnChannel), "TURN-ChannelData");
  std::ostringstream os;
  os << PacketClass::kStun;
  EXPECT_EQ(os.str(), "STUN");
}

}  // namespace
}  // namespace simrtc
