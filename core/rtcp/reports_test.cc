#include "core/rtcp/reports.h"

#include <string>

#include "core/rtcp/packet.h"
#include "core/rtcp/test_util.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace simrtc::rtcp {
namespace {

using testing::Bytes;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::MarshalOne;
using testing::ParseOne;
using testing::TryMarshal;

// RFC 3550 6.4.2 layout by hand: RC=1, PT=201, length 7 (32 bytes).
const std::vector<uint8_t> kRr = Bytes({
    0x81, 0xC9, 0x00, 0x07,  // header
    0x90, 0x2F, 0x9E, 0x2E,  // reporter SSRC
    0xBC, 0x5E, 0x9A, 0x40,  // source SSRC
    0x80, 0xFF, 0xFF, 0xFE,  // fraction lost 128/256, cumulative lost -2
    0x00, 0x01, 0x00, 0x02,  // extended highest sequence
    0x00, 0x00, 0x00, 0x10,  // jitter
    0x12, 0x34, 0x56, 0x78,  // LSR
    0x00, 0x02, 0x00, 0x00,  // DLSR (2 s)
});

TEST(ReceiverReportTest, ParsesKnownBytes) {
  auto p = ParseOne(kRr);
  ASSERT_TRUE(p.ok()) << p.status();
  const auto& rr = std::get<ReceiverReport>(*p);
  EXPECT_EQ(rr.sender_ssrc, 0x902F9E2Eu);
  ASSERT_EQ(rr.report_blocks.size(), 1u);
  const ReportBlock& b = rr.report_blocks[0];
  EXPECT_EQ(b.source_ssrc, 0xBC5E9A40u);
  EXPECT_EQ(b.fraction_lost, 0x80);
  EXPECT_EQ(b.cumulative_lost, -2);
  EXPECT_EQ(b.extended_highest_sequence, 0x00010002u);
  EXPECT_EQ(b.jitter, 16u);
  EXPECT_EQ(b.last_sr, 0x12345678u);
  EXPECT_EQ(b.delay_since_last_sr, 0x20000u);
  EXPECT_TRUE(rr.profile_extensions.empty());
  EXPECT_THAT(DestinationSsrcs(*p), ElementsAre(0xBC5E9A40u));
  EXPECT_EQ(MarshalOne(*p), kRr);
}

TEST(SenderReportTest, KnownBytesAndRoundTrip) {
  auto bytes = Bytes({0x80, 0xC8, 0x00, 0x06,                          //
                      0x11, 0x22, 0x33, 0x44,                          // SSRC
                      0xE1, 0x23, 0x45, 0x67, 0x80, 0x00, 0x00, 0x00,  // NTP
                      0x00, 0x01, 0x5F, 0x90,                          // RTP
                      0x00, 0x00, 0x00, 0x64,                          // pkts
                      0x00, 0x01, 0x86, 0xA0});                        // bytes
  auto p = ParseOne(bytes);
  ASSERT_TRUE(p.ok()) << p.status();
  const auto& sr = std::get<SenderReport>(*p);
  EXPECT_EQ(sr.sender_ssrc, 0x11223344u);
  EXPECT_EQ(sr.ntp_timestamp, 0xE123456780000000u);
  EXPECT_EQ(CompactNtp(sr.ntp_timestamp), 0x45678000u);
  EXPECT_EQ(sr.rtp_timestamp, 90000u);
  EXPECT_EQ(sr.packet_count, 100u);
  EXPECT_EQ(sr.octet_count, 100000u);
  EXPECT_THAT(DestinationSsrcs(*p), ElementsAre(0x11223344u));
  EXPECT_EQ(MarshalOne(*p), bytes);

  SenderReport full = sr;
  for (int i = 0; i < 31; ++i) {
    full.report_blocks.push_back({static_cast<uint32_t>(i), 1,
                                  ReportBlock::kMinCumulativeLost + i, 3, 4, 5,
                                  6});
  }
  full.report_blocks[0].cumulative_lost = ReportBlock::kMaxCumulativeLost;
  full.profile_extensions = Bytes({1, 2, 3, 4, 5, 6, 7, 8});
  Packet in = full;
  auto wire = MarshalOne(in);
  ASSERT_EQ(wire.size(), MarshalSize(in));
  EXPECT_EQ(wire[0] & 0x1F, 31);
  auto back = ParseOne(wire);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(*back, in);
}

TEST(ReportsTest, RejectsLies) {
  // RC=2 with only one block present.
  auto two = kRr;
  two[0] = 0x82;
  auto p = ParseOne(two);
  ASSERT_FALSE(p.ok());
  EXPECT_THAT(std::string(p.status().message()),
              HasSubstr("RTCP RR at offset 0: 2 report blocks at offset 8: "
                        "truncated: need 48 bytes, have 24"));
  // SR too short for the sender info.
  auto sr = Bytes({0x80, 0xC8, 0x00, 0x02, 1, 2, 3, 4, 5, 6, 7, 8});
  p = ParseOne(sr);
  ASSERT_FALSE(p.ok());
  EXPECT_THAT(std::string(p.status().message()),
              HasSubstr("RTCP SR at offset 0: sender info at offset 4"));
  // Padding (2 bytes) leaves a profile extension that is not whole words.
  auto padded = Bytes({0xA0, 0xC9, 0x00, 0x02, 1, 2, 3, 4, 9, 9, 0, 2});
  p = ParseOne(padded);
  ASSERT_FALSE(p.ok());
  EXPECT_THAT(std::string(p.status().message()),
              HasSubstr("profile extension at offset 8: 2 bytes"));
}

TEST(ReportsTest, PaddedReportParses) {
  auto padded = kRr;
  padded[0] |= 0x20;
  padded[3] = 0x08;
  testing::Append(padded, {0, 0, 0, 4});
  auto p = ParseOne(padded);
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(MarshalOne(*p), kRr);
}

TEST(ReportsTest, MarshalRejectsUnrepresentable) {
  ReceiverReport rr;
  rr.report_blocks.resize(32);
  EXPECT_THAT(std::string(TryMarshal(Packet(rr)).status().message()),
              HasSubstr("32 report blocks exceed 31"));
  rr.report_blocks.resize(1);
  rr.report_blocks[0].cumulative_lost = 0x800000;
  EXPECT_THAT(std::string(TryMarshal(Packet(rr)).status().message()),
              HasSubstr("cumulative lost 8388608"));
  rr.report_blocks[0].cumulative_lost = -0x800001;
  EXPECT_FALSE(TryMarshal(Packet(rr)).ok());
  rr.report_blocks[0].cumulative_lost = 0;
  rr.profile_extensions = {1, 2, 3};
  EXPECT_FALSE(TryMarshal(Packet(rr)).ok());
}

}  // namespace
}  // namespace simrtc::rtcp
