#include <string>

#include "core/rtcp/bye_app.h"
#include "core/rtcp/packet.h"
#include "core/rtcp/sdes.h"
#include "core/rtcp/test_util.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace simrtc::rtcp {
namespace {

using testing::Append;
using testing::AppendString;
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

TEST(SdesTest, ParsesKnownBytes) {
  // SC=1; CNAME "user@host1" (2 + 10 bytes), END + 3 zero bytes.
  auto bytes =
      Bytes({0x81, 0xCA, 0x00, 0x05, 0x11, 0x22, 0x33, 0x44, 0x01, 0x0A});
  AppendString(bytes, "user@host1");
  Append(bytes, {0, 0, 0, 0});
  auto p = ParseOne(bytes);
  ASSERT_TRUE(p.ok()) << p.status();
  const auto& sdes = std::get<SourceDescription>(*p);
  ASSERT_EQ(sdes.chunks.size(), 1u);
  EXPECT_EQ(sdes.chunks[0].ssrc, 0x11223344u);
  EXPECT_EQ(sdes.Cname(0x11223344u), "user@host1");
  EXPECT_FALSE(sdes.Cname(1).has_value());
  EXPECT_THAT(DestinationSsrcs(*p), ElementsAre(0x11223344u));
  EXPECT_EQ(MarshalOne(*p), bytes);
}

TEST(SdesTest, RoundTripsManyChunksAndItemKinds) {
  SourceDescription sdes;
  sdes.chunks.push_back({1, {{kSdesCname, "a"}, {kSdesTool, "simrtc"}}});
  sdes.chunks.push_back({2, {}});  // no items: END + 3 zeros
  sdes.chunks.push_back({3,
                         {{kSdesPriv, std::string("\x03pfxvalue", 9)},
                          {42, ""},
                          {kSdesNote, std::string(255, 'n')}}});
  sdes.chunks.push_back({4, {{kSdesName, "abc"}}});  // 4+5 -> 3 pad
  Packet in = sdes;
  auto wire = MarshalOne(in);
  ASSERT_EQ(wire.size(), MarshalSize(in));
  EXPECT_EQ(wire.size() % 4, 0u);
  auto back = ParseOne(wire);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(*back, in);
  EXPECT_TRUE(std::get<SourceDescription>(*back).HasCname());
  EXPECT_THAT(DestinationSsrcs(in), ElementsAre(1u, 2u, 3u, 4u));
}

TEST(SdesTest, RejectsLies) {
  // Item length 20 with 6 bytes left.
  auto bytes = Bytes({0x81, 0xCA, 0x00, 0x03, 0, 0, 0, 1, 0x01, 0x14, 'a', 'b',
                      'c', 'd', 0, 0});
  EXPECT_THAT(ErrorOf(bytes), HasSubstr("RTCP SDES at offset 0: chunk 0 item "
                                        "type 1 at offset 10: truncated: need "
                                        "20 bytes, have 6"));
  // Items run to the end with no END byte.
  bytes = Bytes({0x81, 0xCA, 0x00, 0x02, 0, 0, 0, 1, 0x01, 0x02, 'a', 'b'});
  EXPECT_THAT(ErrorOf(bytes), HasSubstr("item list has no END byte"));
  // SC=2 but one chunk.
  bytes = Bytes({0x82, 0xCA, 0x00, 0x02, 0, 0, 0, 1, 0, 0, 0, 0});
  EXPECT_THAT(ErrorOf(bytes), HasSubstr("chunk 1 SSRC at offset 12"));
  // SC=0 with a chunk's worth of bytes.
  bytes = Bytes({0x80, 0xCA, 0x00, 0x02, 0, 0, 0, 1, 0, 0, 0, 0});
  EXPECT_THAT(ErrorOf(bytes), HasSubstr("trailing data at offset 4"));
}

TEST(SdesTest, MarshalRejectsUnrepresentable) {
  SourceDescription sdes;
  sdes.chunks.push_back({1, {{kSdesCname, std::string(256, 'x')}}});
  EXPECT_FALSE(TryMarshal(Packet(sdes)).ok());
  sdes.chunks[0].items[0] = {kSdesEnd, "x"};
  EXPECT_FALSE(TryMarshal(Packet(sdes)).ok());
  sdes.chunks.assign(32, SdesChunk{});
  EXPECT_FALSE(TryMarshal(Packet(sdes)).ok());
}

TEST(ByeTest, KnownBytesWithReason) {
  auto bytes = Bytes({0x81, 0xCB, 0x00, 0x03, 0xCA, 0xFE, 0xBA, 0xBE, 0x05});
  AppendString(bytes, "hello");
  Append(bytes, {0, 0});
  auto p = ParseOne(bytes);
  ASSERT_TRUE(p.ok()) << p.status();
  const auto& bye = std::get<Bye>(*p);
  EXPECT_THAT(bye.ssrcs, ElementsAre(0xCAFEBABEu));
  EXPECT_EQ(bye.reason, "hello");
  EXPECT_EQ(MarshalOne(*p), bytes);
}

TEST(ByeTest, RoundTripsAndRejectsLies) {
  for (size_t len : {0, 1, 2, 3, 4, 255}) {
    Bye bye{{1, 2, 3}, std::string(len, 'r')};
    auto wire = MarshalOne(bye);
    ASSERT_EQ(wire.size() % 4, 0u);
    auto back = ParseOne(wire);
    ASSERT_TRUE(back.ok()) << back.status();
    EXPECT_EQ(std::get<Bye>(*back), bye) << len;
  }
  auto bytes = Bytes({0x82, 0xCB, 0x00, 0x01, 0, 0, 0, 1});
  EXPECT_THAT(ErrorOf(bytes), HasSubstr("RTCP BYE at offset 0: 2 SSRCs at "
                                        "offset 4: truncated: need 8 bytes"));
  bytes = Bytes({0x81, 0xCB, 0x00, 0x02, 0, 0, 0, 1, 0x09, 'a', 'b', 'c'});
  EXPECT_THAT(ErrorOf(bytes), HasSubstr("reason at offset 9: truncated: need "
                                        "9 bytes, have 3"));
  Bye too_long{{1}, std::string(256, 'x')};
  EXPECT_FALSE(TryMarshal(Packet(too_long)).ok());
}

TEST(AppTest, KnownBytesAndErrors) {
  auto bytes = Bytes(
      {0x82, 0xCC, 0x00, 0x03, 0, 0, 0, 9, 'T', 'E', 'S', 'T', 1, 2, 3, 4});
  auto p = ParseOne(bytes);
  ASSERT_TRUE(p.ok()) << p.status();
  const auto& app = std::get<App>(*p);
  EXPECT_EQ(app.subtype, 2);
  EXPECT_EQ(app.ssrc, 9u);
  EXPECT_EQ(std::string(app.name.data(), 4), "TEST");
  EXPECT_THAT(app.data, ElementsAre(1, 2, 3, 4));
  EXPECT_TRUE(DestinationSsrcs(*p).empty());
  EXPECT_EQ(MarshalOne(*p), bytes);

  EXPECT_THAT(ErrorOf(Bytes({0x80, 0xCC, 0x00, 0x01, 0, 0, 0, 1})),
              HasSubstr("SSRC and name at offset 4"));
  // Padding of 1 leaves 3 data bytes.
  EXPECT_THAT(ErrorOf(Bytes({0xA0, 0xCC, 0x00, 0x03, 0, 0, 0, 1, 'a', 'b', 'c',
                             'd', 1, 2, 3, 1})),
              HasSubstr("application data at offset 12: 3 bytes"));
  App bad = app;
  bad.data = {1, 2};
  EXPECT_FALSE(TryMarshal(Packet(bad)).ok());
  bad.data = {};
  bad.subtype = 32;
  EXPECT_FALSE(TryMarshal(Packet(bad)).ok());
}

}  // namespace
}  // namespace simrtc::rtcp
