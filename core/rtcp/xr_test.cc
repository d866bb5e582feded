#include "core/rtcp/xr.h"

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

std::string ErrorOf(const std::vector<uint8_t>& bytes) {
  auto p = ParseOne(bytes);
  EXPECT_FALSE(p.ok());
  return std::string(p.status().message());
}

// RFC 3611 4.4 and 4.5 layouts by hand.
const std::vector<uint8_t> kXr = Bytes({
    0x80, 0xCF, 0x00, 0x08,                          // header, length 8
    0x01, 0x02, 0x03, 0x04,                          // sender SSRC
    0x04, 0x00, 0x00, 0x02,                          // RRTR, 2 words
    0xE1, 0x23, 0x45, 0x67, 0x89, 0xAB, 0xCD, 0xEF,  // NTP
    0x05, 0x00, 0x00, 0x03,                          // DLRR, 3 words
    0x0A, 0x0B, 0x0C, 0x0D,                          // SSRC
    0x45, 0x67, 0x89, 0xAB,                          // LRR
    0x00, 0x01, 0x00, 0x00,                          // DLRR (1 s)
});

TEST(XrTest, ParsesKnownBytes) {
  auto p = ParseOne(kXr);
  ASSERT_TRUE(p.ok()) << p.status();
  const auto& xr = std::get<ExtendedReport>(*p);
  EXPECT_EQ(xr.sender_ssrc, 0x01020304u);
  ASSERT_EQ(xr.blocks.size(), 2u);
  EXPECT_EQ(std::get<XrRrtr>(xr.blocks[0]).ntp_timestamp, 0xE123456789ABCDEFu);
  const auto& dlrr = std::get<XrDlrr>(xr.blocks[1]);
  ASSERT_EQ(dlrr.items.size(), 1u);
  EXPECT_EQ(dlrr.items[0], (XrDlrrItem{0x0A0B0C0D, 0x456789AB, 0x10000}));
  EXPECT_THAT(DestinationSsrcs(*p), ElementsAre(0x0A0B0C0Du));
  EXPECT_EQ(MarshalOne(*p), kXr);
}

TEST(XrTest, UnknownBlocksRoundTrip) {
  ExtendedReport xr;
  xr.sender_ssrc = 7;
  xr.blocks.push_back(XrUnknownBlock{6, 0xE0, std::vector<uint8_t>(36, 9)});
  xr.blocks.push_back(XrDlrr{});  // empty DLRR is allowed
  xr.blocks.push_back(XrUnknownBlock{42, 1, {}});
  xr.blocks.push_back(XrDlrr{{{1, 2, 3}, {4, 5, 6}}});
  Packet in = xr;
  auto wire = MarshalOne(in);
  ASSERT_EQ(wire.size(), MarshalSize(in));
  auto back = ParseOne(wire);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(*back, in);
  EXPECT_THAT(DestinationSsrcs(in), ElementsAre(1u, 4u));
}

TEST(XrTest, RejectsLies) {
  auto bytes = kXr;
  bytes[11] = 0x09;  // RRTR claims 9 words
  EXPECT_THAT(ErrorOf(bytes), HasSubstr("RTCP XR at offset 0: block 0 (type "
                                        "4) at offset 12: truncated: need 36 "
                                        "bytes, have 24"));
  bytes = kXr;
  bytes[11] = 0x01;  // RRTR of 1 word
  EXPECT_THAT(ErrorOf(bytes), HasSubstr("RRTR block 0 length at offset 10: 1 "
                                        "words, expected 2"));
  bytes = kXr;
  bytes[23] = 0x02;  // DLRR of 2 words
  bytes[3] = 0x07;
  bytes.resize(32);
  EXPECT_THAT(ErrorOf(bytes), HasSubstr("DLRR block 1 length at offset 22: 2 "
                                        "words is not a multiple of 3"));
  // A block header cut short by padding.
  EXPECT_THAT(ErrorOf(Bytes({0xA0, 0xCF, 0x00, 0x02, 0, 0, 0, 1, 4, 0, 0, 2})),
              HasSubstr("block 0 header at offset 8: truncated"));
  EXPECT_THAT(ErrorOf(Bytes({0x80, 0xCF, 0x00, 0x00})),
              HasSubstr("sender SSRC at offset 4"));
}

TEST(XrTest, MarshalRejectsRawTypedBlocks) {
  ExtendedReport xr;
  xr.blocks.push_back(XrUnknownBlock{kXrBlockRrtr, 0, std::vector<uint8_t>(8)});
  EXPECT_FALSE(TryMarshal(Packet(xr)).ok());
  xr.blocks[0] = XrUnknownBlock{9, 0, std::vector<uint8_t>(3)};
  EXPECT_FALSE(TryMarshal(Packet(xr)).ok());
}

}  // namespace
}  // namespace simrtc::rtcp
