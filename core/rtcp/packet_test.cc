#include "core/rtcp/packet.h"

#include <string>

#include "core/rtcp/test_util.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace simrtc::rtcp {
namespace {

using testing::Append;
using testing::Bytes;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::MarshalOne;
using testing::TryMarshal;

std::string ErrorOf(const std::vector<uint8_t>& bytes) {
  auto p = ParseCompound(bytes);
  EXPECT_FALSE(p.ok());
  return std::string(p.status().message());
}

std::vector<Packet> SrSdesRemb() {
  SenderReport sr;
  sr.sender_ssrc = 0x1111;
  sr.ntp_timestamp = 0xE000000100000000;
  sr.rtp_timestamp = 1234;
  sr.packet_count = 10;
  sr.octet_count = 12000;
  sr.report_blocks.push_back({0x2222, 5, 17, 70000, 30, 0xABCD, 0x1000});
  SourceDescription sdes;
  sdes.chunks.push_back({0x1111, {{kSdesCname, "abcdefghijklmnop"}}});
  Remb remb{0x1111, 2500000, {0x2222, 0x3333}};
  return {sr, sdes, remb};
}

std::vector<Packet> RrNackTwcc() {
  ReceiverReport rr;
  rr.sender_ssrc = 1;
  rr.report_blocks.push_back({0x2222, 0, 0, 5000, 12, 0, 0});
  GenericNack nack{
      1, 0x2222,
      SequenceNumbersToNackPairs(std::vector<uint16_t>{100, 102, 110, 300})};
  std::vector<ReceivedPacket> rx;
  for (int i = 0; i < 40; ++i) {
    if (i % 9 == 4) continue;
    rx.push_back({static_cast<uint16_t>(1000 + i),
                  Timestamp::Micros(5000000 + 1000 * i)});
  }
  auto twcc = BuildTransportCcFeedback(1, 0x2222, 17, rx);
  EXPECT_TRUE(twcc.ok());
  return {rr, nack, *twcc};
}

TEST(CompoundTest, RoundTripsFullCompounds) {
  for (const auto& packets : {SrSdesRemb(), RrNackTwcc()}) {
    auto wire = MarshalCompound(packets);
    ASSERT_TRUE(wire.ok()) << wire.status();
    EXPECT_EQ(wire->size(), MarshalSize(packets));
    EXPECT_TRUE(ValidateCompoundHeaders(*wire).ok());
    auto back = ParseCompound(*wire);
    ASSERT_TRUE(back.ok()) << back.status();
    EXPECT_EQ(*back, packets);
  }
  EXPECT_TRUE(ValidateCompound(SrSdesRemb()).ok());
}

TEST(CompoundTest, ValidateCompoundRules) {
  auto no_cname = RrNackTwcc();
  EXPECT_THAT(std::string(ValidateCompound(no_cname).message()),
              HasSubstr("no SDES packet with a CNAME"));
  auto pli_first = SrSdesRemb();
  pli_first.insert(pli_first.begin(), PictureLossIndication{1, 2});
  EXPECT_THAT(std::string(ValidateCompound(pli_first).message()),
              HasSubstr("first packet is PLI, must be SR or RR"));
  EXPECT_FALSE(ValidateCompound({}).ok());
}

// RFC 5506: a lone feedback packet is a valid reduced-size RTCP packet.
TEST(CompoundTest, AcceptsReducedSize) {
  auto pli = Bytes({0x81, 0xCE, 0x00, 0x02, 0, 0, 0, 1, 0, 0, 0, 2});
  auto packets = ParseCompound(pli);
  ASSERT_TRUE(packets.ok()) << packets.status();
  ASSERT_EQ(packets->size(), 1u);
  EXPECT_EQ(PacketName((*packets)[0]), "PLI");
  EXPECT_FALSE(ValidateCompound(*packets).ok());
  EXPECT_THAT(std::string(ValidateCompoundHeaders(pli).message()),
              HasSubstr("first packet is PLI"));
}

TEST(CompoundTest, HeaderChecks) {
  auto wire = *MarshalCompound(SrSdesRemb());
  // Padding on a non-last packet.
  auto bad = wire;
  bad[0] |= 0x20;
  bad[MarshalSize(SrSdesRemb()[0]) - 1] = 4;  // a plausible count
  EXPECT_THAT(std::string(ValidateCompoundHeaders(bad).message()),
              HasSubstr("padding bit set on a packet that is not last"));
  // Padding on the last packet is fine.
  auto good = wire;
  const size_t last = wire.size() - MarshalSize(SrSdesRemb()[2]);
  good[last] |= 0x20;
  good[last + 3] += 1;
  Append(good, {0, 0, 0, 4});
  EXPECT_TRUE(ValidateCompoundHeaders(good).ok())
      << ValidateCompoundHeaders(good);
  auto parsed = ParseCompound(good);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(*parsed, SrSdesRemb());
  EXPECT_FALSE(ValidateCompoundHeaders({}).ok());
}

TEST(CompoundTest, LengthLiesAreErrors) {
  auto wire = *MarshalCompound(RrNackTwcc());
  const size_t rr = MarshalSize(RrNackTwcc()[0]);
  // Second packet's length runs past the end.
  auto bad = wire;
  bad[rr + 2] = 0xFF;
  EXPECT_THAT(ErrorOf(bad),
              HasSubstr("RTCP NACK at offset 32: length field at offset 34 "
                        "says"));
  // Trailing bytes after the last packet.
  bad = wire;
  Append(bad, {0x80, 0xC9});
  EXPECT_THAT(ErrorOf(bad), HasSubstr("RTCP header at offset"));
  // Version 1.
  bad = wire;
  bad[rr] = 0x41;
  EXPECT_THAT(ErrorOf(bad), HasSubstr("at offset 32: version is 1"));
  // Padding count larger than the packet body.
  auto padded = Bytes({0xA0, 0xC9, 0x00, 0x01, 0, 0, 0, 9});
  EXPECT_THAT(ErrorOf(padded),
              HasSubstr("RTCP RR at offset 0: padding count at offset 7 is 9, "
                        "must be 1..4"));
  padded[7] = 0;
  EXPECT_THAT(ErrorOf(padded), HasSubstr("padding count at offset 7 is 0"));
  EXPECT_THAT(ErrorOf({}), HasSubstr("empty"));
  EXPECT_THAT(ErrorOf(Bytes({0x80, 0xC9})),
              HasSubstr("RTCP header at offset 0: need 4 bytes, have 2"));
}

TEST(UnknownPacketTest, KeptRawAndRoundTrips) {
  auto bytes = Bytes({0x83, 0xD2, 0x00, 0x01, 1, 2, 3, 4,  // PT 210
                      0x83, 0xCD, 0x00, 0x03, 0, 0, 0, 1, 0,
                      0,    0,    2,    9,    9, 9, 9});  // RTPFB FMT 3 (TMMBR)
  auto packets = ParseCompound(bytes);
  ASSERT_TRUE(packets.ok()) << packets.status();
  ASSERT_EQ(packets->size(), 2u);
  const auto& a = std::get<UnknownPacket>((*packets)[0]);
  EXPECT_EQ(a.type, 210);
  EXPECT_EQ(a.count, 3);
  EXPECT_THAT(a.body, ElementsAre(1, 2, 3, 4));
  EXPECT_TRUE(DestinationSsrcs((*packets)[0]).empty());
  EXPECT_THAT(DestinationSsrcs((*packets)[1]), ElementsAre(2u));
  EXPECT_EQ(*MarshalCompound(*packets), bytes);

  // A body that is not whole words is aligned with RTCP padding.
  UnknownPacket odd{220, 0, {1, 2, 3, 4, 5}};
  auto wire = MarshalOne(odd);
  EXPECT_THAT(wire, ElementsAre(0xA0, 220, 0x00, 0x02, 1, 2, 3, 4, 5, 0, 0, 3));
  auto back = ParseCompound(wire);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(std::get<UnknownPacket>((*back)[0]), odd);

  UnknownPacket typed{kPacketTypeRtpfb, kFmtGenericNack, {}};
  EXPECT_FALSE(TryMarshal(Packet(typed)).ok());
}

TEST(MarshalTest, BufferTooSmall) {
  auto packets = SrSdesRemb();
  std::vector<uint8_t> buf(MarshalSize(packets) - 1);
  auto n = MarshalCompoundTo(packets, buf);
  EXPECT_EQ(n.status().code(), absl::StatusCode::kResourceExhausted);
  std::vector<uint8_t> exact(MarshalSize(packets));
  n = MarshalCompoundTo(packets, exact);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, exact.size());
}

TEST(DestinationSsrcsTest, EveryType) {
  EXPECT_THAT(DestinationSsrcs(SrSdesRemb()[0]), ElementsAre(0x2222u, 0x1111u));
  EXPECT_THAT(DestinationSsrcs(SrSdesRemb()[1]), ElementsAre(0x1111u));
  EXPECT_THAT(DestinationSsrcs(SrSdesRemb()[2]), ElementsAre(0x2222u, 0x3333u));
  for (const Packet& p : RrNackTwcc()) {
    EXPECT_THAT(DestinationSsrcs(p), ElementsAre(0x2222u)) << PacketName(p);
  }
  EXPECT_THAT(DestinationSsrcs(Bye{{5, 6}, ""}), ElementsAre(5u, 6u));
  EXPECT_THAT(DestinationSsrcs(RapidResyncRequest{1, 7}), ElementsAre(7u));
  EXPECT_THAT(DestinationSsrcs(SliceLossIndication{1, 8, {}}), ElementsAre(8u));
}

}  // namespace
}  // namespace simrtc::rtcp
