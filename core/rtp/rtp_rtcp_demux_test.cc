#include "core/rtp/rtp_rtcp_demux.h"

#include <vector>

#include "gtest/gtest.h"

namespace simrtc::rtp {
namespace {

TEST(DemuxTest, SecondByteDecides) {
  std::vector<uint8_t> rtp = {0x80, 0x60, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3};
  EXPECT_EQ(ClassifyRtpRtcp(rtp), RtpRtcpKind::kRtp);
  std::vector<uint8_t> rr = {0x80, 201, 0, 1, 0, 0, 0, 1};
  EXPECT_EQ(ClassifyRtpRtcp(rr), RtpRtcpKind::kRtcp);
  EXPECT_TRUE(IsRtcpPacket(rr));
  for (int b = 0; b < 256; ++b) {
    rtp[1] = static_cast<uint8_t>(b);
    const bool rtcp = b >= 192 && b <= 223;
    EXPECT_EQ(IsRtcpPacket(rtp), rtcp) << b;
    EXPECT_EQ(IsRtpPacket(rtp), !rtcp) << b;
  }
  // Marker bit + PT 72 (= 200) is read as RTCP SR.
  rtp[1] = 0x80 | 72;
  EXPECT_TRUE(IsRtcpPacket(rtp));
}

TEST(DemuxTest, RejectsNonV2AndShort) {
  std::vector<uint8_t> stun = {0x00, 0x01, 0x00, 0x00, 0x21, 0x12,
                               0xA4, 0x42, 0,    0,    0,    0};
  EXPECT_EQ(ClassifyRtpRtcp(stun), RtpRtcpKind::kNeither);
  std::vector<uint8_t> tiny = {0x80, 200};
  EXPECT_EQ(ClassifyRtpRtcp(tiny), RtpRtcpKind::kNeither);
  std::vector<uint8_t> short_rtp = {0x80, 0x60, 0, 1, 0, 0};
  EXPECT_EQ(ClassifyRtpRtcp(short_rtp), RtpRtcpKind::kNeither);
}

TEST(DemuxTest, UsablePayloadTypes) {
  EXPECT_TRUE(IsPayloadTypeUsableWithRtcpMux(63));
  EXPECT_FALSE(IsPayloadTypeUsableWithRtcpMux(64));
  EXPECT_FALSE(IsPayloadTypeUsableWithRtcpMux(95));
  EXPECT_TRUE(IsPayloadTypeUsableWithRtcpMux(96));
  EXPECT_FALSE(IsPayloadTypeUsableWithRtcpMux(128));
}

}  // namespace
}  // namespace simrtc::rtp
