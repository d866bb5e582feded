#include "core/rtcp/feedback.h"

#include <string>

#include "core/rtcp/packet.h"
#include "core/rtcp/test_util.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace simrtc::rtcp {
namespace {

using testing::Bytes;
using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::HasSubstr;
using testing::MarshalOne;
using testing::ParseOne;
using testing::TryMarshal;

std::string ErrorOf(const std::vector<uint8_t>& bytes) {
  auto p = ParseOne(bytes);
  EXPECT_FALSE(p.ok());
  return std::string(p.status().message());
}

TEST(PliTest, KnownBytes) {
  auto bytes =
      Bytes({0x81, 0xCE, 0x00, 0x02, 0, 0, 0, 1, 0xAA, 0xBB, 0xCC, 0xDD});
  auto p = ParseOne(bytes);
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(std::get<PictureLossIndication>(*p),
            (PictureLossIndication{1, 0xAABBCCDD}));
  EXPECT_THAT(DestinationSsrcs(*p), ElementsAre(0xAABBCCDDu));
  EXPECT_EQ(MarshalOne(*p), bytes);
  EXPECT_THAT(ErrorOf(Bytes({0x81, 0xCE, 0x00, 0x01, 0, 0, 0, 1})),
              HasSubstr("RTCP PLI at offset 0: feedback SSRCs at offset 4: "
                        "truncated: need 8 bytes, have 4"));
}

TEST(RapidResyncTest, KnownBytes) {
  auto bytes = Bytes({0x85, 0xCD, 0x00, 0x02, 0, 0, 0, 1, 0, 0, 0, 2});
  auto p = ParseOne(bytes);
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(std::get<RapidResyncRequest>(*p), (RapidResyncRequest{1, 2}));
  EXPECT_EQ(MarshalOne(*p), bytes);
}

TEST(SliTest, KnownBytesAndLimits) {
  // first=1, number=2, picture id=3: (1 << 19) | (2 << 6) | 3.
  auto bytes = Bytes(
      {0x82, 0xCE, 0x00, 0x03, 0, 0, 0, 1, 0, 0, 0, 2, 0x00, 0x08, 0x00, 0x83});
  auto p = ParseOne(bytes);
  ASSERT_TRUE(p.ok()) << p.status();
  const auto& sli = std::get<SliceLossIndication>(*p);
  ASSERT_EQ(sli.entries.size(), 1u);
  EXPECT_EQ(sli.entries[0], (SliEntry{1, 2, 3}));
  EXPECT_EQ(MarshalOne(*p), bytes);
  SliceLossIndication max{1, 2, {{0x1FFF, 0x1FFF, 0x3F}, {0, 0, 0}}};
  auto back = ParseOne(MarshalOne(max));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(std::get<SliceLossIndication>(*back), max);
  max.entries[0].first = 0x2000;
  EXPECT_FALSE(TryMarshal(Packet(max)).ok());
}

TEST(FirTest, KnownBytes) {
  auto bytes = Bytes({0x84, 0xCE, 0x00, 0x04, 0,    0, 0, 1, 0, 0, 0, 0,  //
                      0x12, 0x34, 0x56, 0x78, 0x07, 0, 0, 0});
  auto p = ParseOne(bytes);
  ASSERT_TRUE(p.ok()) << p.status();
  const auto& fir = std::get<FullIntraRequest>(*p);
  EXPECT_EQ(fir.sender_ssrc, 1u);
  ASSERT_EQ(fir.entries.size(), 1u);
  EXPECT_EQ(fir.entries[0], (FirEntry{0x12345678, 7}));
  EXPECT_THAT(DestinationSsrcs(*p), ElementsAre(0x12345678u));
  EXPECT_EQ(MarshalOne(*p), bytes);
  // FCI of 4 bytes is half an entry.
  EXPECT_THAT(ErrorOf(Bytes({0x84, 0xCE, 0x00, 0x03, 0, 0, 0, 1, 0, 0, 0, 0, 1,
                             2, 3, 4})),
              HasSubstr("RTCP FIR at offset 0: FCI at offset 12: 4 bytes is "
                        "not a multiple of 8"));
}

TEST(NackTest, KnownBytes) {
  // PID 100, BLP 0b101: 100, 101, 103 lost.
  auto bytes = Bytes(
      {0x81, 0xCD, 0x00, 0x03, 0, 0, 0, 1, 0, 0, 0, 2, 0x00, 0x64, 0x00, 0x05});
  auto p = ParseOne(bytes);
  ASSERT_TRUE(p.ok()) << p.status();
  const auto& nack = std::get<GenericNack>(*p);
  EXPECT_THAT(nack.LostSequenceNumbers(), ElementsAre(100, 101, 103));
  EXPECT_THAT(DestinationSsrcs(*p), ElementsAre(2u));
  EXPECT_EQ(MarshalOne(*p), bytes);
}

TEST(NackTest, PairHelpersAcrossWrap) {
  std::vector<uint16_t> seqs = {65534, 65535, 0, 5, 14, 100, 100, 116, 117};
  auto pairs = SequenceNumbersToNackPairs(seqs);
  ASSERT_EQ(pairs.size(), 3u);
  EXPECT_EQ(pairs[0].packet_id, 65534);
  EXPECT_EQ(pairs[0].lost_bitmask, (1 << 0) | (1 << 1) | (1 << 6) | (1 << 15));
  EXPECT_EQ(pairs[1], (NackPair{100, 1 << 15}));
  EXPECT_EQ(pairs[2], (NackPair{117, 0}));
  EXPECT_THAT(NackPairsToSequenceNumbers(pairs),
              ElementsAre(65534, 65535, 0, 5, 14, 100, 116, 117));
  EXPECT_TRUE(SequenceNumbersToNackPairs({}).empty());
  NackPair all{7, 0xFFFF};
  auto expanded = NackPairsToSequenceNumbers({&all, 1});
  ASSERT_EQ(expanded.size(), 17u);
  EXPECT_EQ(expanded.back(), 23);
}

TEST(NackTest, RoundTripsAndRejectsMisalignedFci) {
  GenericNack nack{
      5, 6,
      SequenceNumbersToNackPairs(std::vector<uint16_t>{1, 2, 3, 40, 41, 1000})};
  auto back = ParseOne(MarshalOne(nack));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(std::get<GenericNack>(*back), nack);
  // A padded NACK whose padding leaves half a pair.
  EXPECT_THAT(ErrorOf(Bytes({0xA1, 0xCD, 0x00, 0x03, 0, 0, 0, 1, 0, 0, 0, 2,
                             0x00, 0x64, 0x00, 0x02})),
              HasSubstr("RTCP NACK at offset 0: FCI at offset 12: 2 bytes is "
                        "not a multiple of 4"));
}

TEST(RembTest, KnownBytes) {
  // 1 Mbps = 250000 << 2: exponent 2, mantissa 0x3D090.
  auto bytes = Bytes({0x8F, 0xCE, 0x00, 0x05, 0,    0,    0,    1,
                      0,    0,    0,    0,    'R',  'E',  'M',  'B',
                      0x01, 0x0B, 0xD0, 0x90, 0xAB, 0xCD, 0xEF, 0x01});
  auto p = ParseOne(bytes);
  ASSERT_TRUE(p.ok()) << p.status();
  const auto& remb = std::get<Remb>(*p);
  EXPECT_EQ(remb.sender_ssrc, 1u);
  EXPECT_EQ(remb.bitrate_bps, 1000000u);
  EXPECT_THAT(remb.ssrcs, ElementsAre(0xABCDEF01u));
  EXPECT_THAT(DestinationSsrcs(*p), ElementsAre(0xABCDEF01u));
  EXPECT_EQ(MarshalOne(*p), bytes);
}

TEST(RembTest, BitrateEncoding) {
  for (uint64_t bps :
       {uint64_t{0}, uint64_t{1}, uint64_t{0x3FFFF}, uint64_t{0x40000},
        uint64_t{123456789}, (uint64_t{0x3FFFF} << 46)}) {
    Remb remb{9, bps, {1, 2}};
    auto back = ParseOne(MarshalOne(remb));
    ASSERT_TRUE(back.ok()) << back.status();
    const uint64_t got = std::get<Remb>(*back).bitrate_bps;
    EXPECT_LE(got, bps);
    // Truncation loses less than one part in 2^17.
    EXPECT_GE(got, bps - (bps >> 17)) << bps;
  }
  // A value that is exactly representable survives exactly.
  Remb exact{9, uint64_t{0x3FFFF} << 20, {}};
  auto back = ParseOne(MarshalOne(exact));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(std::get<Remb>(*back), exact);
}

TEST(RembTest, RejectsLiesAndOverflow) {
  // Num SSRC says 2, one present.
  EXPECT_THAT(ErrorOf(Bytes({0x8F, 0xCE, 0x00, 0x05, 0,   0,   0,   1,
                             0,    0,    0,    0,    'R', 'E', 'M', 'B',
                             0x02, 0x00, 0x00, 0x01, 0,   0,   0,   1})),
              HasSubstr("RTCP REMB at offset 0: SSRC list at offset 20: count "
                        "2 needs 8 bytes, have 4"));
  // Exponent 63 with a full mantissa.
  EXPECT_THAT(
      ErrorOf(Bytes({0x8F, 0xCE, 0x00, 0x04, 0,   0,    0,    1,    0,   0, 0,
                     0,    'R',  'E',  'M',  'B', 0x00, 0xFF, 0xFF, 0xFF})),
      HasSubstr("overflows 64 bits"));
  Remb many{1, 1, std::vector<uint32_t>(256, 7)};
  EXPECT_FALSE(TryMarshal(Packet(many)).ok());
}

TEST(RembTest, OtherAfbIsUnknown) {
  auto bytes = Bytes(
      {0x8F, 0xCE, 0x00, 0x03, 0, 0, 0, 1, 0, 0, 0, 2, 'X', 'Y', 'Z', 'W'});
  auto p = ParseOne(bytes);
  ASSERT_TRUE(p.ok()) << p.status();
  ASSERT_TRUE(std::holds_alternative<UnknownPacket>(*p));
  EXPECT_THAT(DestinationSsrcs(*p), ElementsAre(2u));
  EXPECT_EQ(MarshalOne(*p), bytes);
}

}  // namespace
}  // namespace simrtc::rtcp
