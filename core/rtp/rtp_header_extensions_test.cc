#include "core/rtp/rtp_header_extensions.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace simrtc::rtp {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::vector<uint8_t> Write(const auto& ext) {
  std::array<uint8_t, 255> buf{};
  auto n = ext.WriteTo(buf);
  EXPECT_TRUE(n.ok()) << n.status();
  if (!n.ok()) return {};
  return std::vector<uint8_t>(buf.begin(), buf.begin() + *n);
}

TEST(AbsSendTimeTest, EncodesSixEighteenFixedPoint) {
  // 1.5 s = 1.5 * 2^18 = 0x060000.
  AbsSendTime t = AbsSendTime::FromTimestamp(Timestamp::Millis(1500));
  EXPECT_EQ(t.value, 0x060000u);
  EXPECT_THAT(Write(t), ElementsAre(0x06, 0x00, 0x00));
  EXPECT_EQ(t.ToTimeDelta(), TimeDelta::Millis(1500));
  // Wraps every 64 s.
  EXPECT_EQ(AbsSendTime::FromTimestamp(Timestamp::Millis(65500)).value,
            0x060000u);
  // Negative times wrap into range too.
  EXPECT_EQ(AbsSendTime::FromTimestamp(Timestamp::Millis(-62500)).value,
            0x060000u);
  // Truncation: just under one tick (3.81 us) is zero.
  EXPECT_EQ(AbsSendTime::FromTimestamp(Timestamp::Micros(3)).value, 0u);
  EXPECT_EQ(AbsSendTime::FromTimestamp(Timestamp::Micros(4)).value, 1u);
  // Huge timestamps do not overflow.
  EXPECT_LE(
      AbsSendTime::FromTimestamp(Timestamp::Micros(int64_t{1} << 62)).value,
      0xFFFFFFu);
}

TEST(AbsSendTimeTest, ParseAndErrors) {
  std::vector<uint8_t> raw = {0x12, 0x34, 0x56};
  auto t = AbsSendTime::Parse(raw);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->value, 0x123456u);
  std::vector<uint8_t> short_raw = {0x12, 0x34};
  EXPECT_THAT(std::string(AbsSendTime::Parse(short_raw).status().message()),
              HasSubstr("expected 3 bytes, got 2"));
  std::array<uint8_t, 3> buf;
  EXPECT_FALSE(AbsSendTime{0x1000000}.WriteTo(buf).ok());
  std::array<uint8_t, 2> small;
  EXPECT_FALSE(AbsSendTime{1}.WriteTo(small).ok());
}

TEST(AudioLevelTest, KnownBytes) {
  EXPECT_THAT(Write(AudioLevel{true, 0x21}), ElementsAre(0xA1));
  EXPECT_THAT(Write(AudioLevel{false, 127}), ElementsAre(0x7F));
  std::vector<uint8_t> raw = {0xA1};
  auto a = AudioLevel::Parse(raw);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(*a, (AudioLevel{true, 0x21}));
  std::array<uint8_t, 1> buf;
  EXPECT_FALSE((AudioLevel{false, 128}).WriteTo(buf).ok());
  std::vector<uint8_t> two = {0xA1, 0};
  EXPECT_FALSE(AudioLevel::Parse(two).ok());
}

TEST(TransportSequenceNumberTest, KnownBytes) {
  EXPECT_THAT(Write(TransportSequenceNumber{0xBEEF}), ElementsAre(0xBE, 0xEF));
  std::vector<uint8_t> raw = {0x01, 0x02};
  EXPECT_EQ(TransportSequenceNumber::Parse(raw)->sequence_number, 0x0102);
  std::vector<uint8_t> bad = {0x01};
  EXPECT_FALSE(TransportSequenceNumber::Parse(bad).ok());
}

TEST(VideoOrientationTest, KnownBytes) {
  EXPECT_THAT(Write(VideoOrientation{true, false, 3}), ElementsAre(0x0B));
  EXPECT_THAT(Write(VideoOrientation{false, true, 1}), ElementsAre(0x05));
  std::vector<uint8_t> raw = {0xF6};  // reserved bits ignored
  auto v = VideoOrientation::Parse(raw);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(*v, (VideoOrientation{false, true, 2}));
  EXPECT_EQ(v->rotation_degrees(), 180);
  std::array<uint8_t, 1> buf;
  EXPECT_FALSE((VideoOrientation{false, false, 4}).WriteTo(buf).ok());
}

TEST(SdesStringExtensionTest, ParsesAndTrimsAtNul) {
  std::vector<uint8_t> raw = {'a', 'u', 'd', 'i', 'o', 0, 0, 0};
  auto mid = MidExtension::Parse(raw);
  ASSERT_TRUE(mid.ok());
  EXPECT_EQ(mid->value, "audio");
  std::vector<uint8_t> empty = {0, 'x'};
  EXPECT_FALSE(RidExtension::Parse(empty).ok());
  EXPECT_FALSE(RidExtension::Parse({}).ok());
  EXPECT_THAT(Write(RepairedRidExtension{"r1"}), ElementsAre('r', '1'));
  std::array<uint8_t, 255> buf;
  EXPECT_FALSE(MidExtension{""}.WriteTo(buf).ok());
  EXPECT_FALSE(MidExtension{std::string_view("a\0b", 3)}.WriteTo(buf).ok());
  std::string long_value(256, 'x');
  EXPECT_FALSE(MidExtension{long_value}.WriteTo(buf).ok());
}

TEST(TypedExtensionsTest, ThroughPacketAndView) {
  RtpPacket p;
  ASSERT_TRUE(WriteExtension(p, 1, AudioLevel{true, 10}).ok());
  ASSERT_TRUE(WriteExtension(p, 2, AbsSendTime{0xABCDEF}).ok());
  ASSERT_TRUE(WriteExtension(p, 3, TransportSequenceNumber{42}).ok());
  ASSERT_TRUE(WriteExtension(p, 4, VideoOrientation{false, true, 1}).ok());
  ASSERT_TRUE(WriteExtension(p, 5, MidExtension{"0"}).ok());
  ASSERT_TRUE(WriteExtension(p, 6, RidExtension{"hi-res"}).ok());
  // 20 bytes does not fit the one-byte form: packet switches to two-byte.
  ASSERT_TRUE(
      WriteExtension(p, 7, RepairedRidExtension{"a-very-long-rid-name"}).ok());
  EXPECT_EQ(p.extension_profile(), ExtensionProfile::kTwoByte);
  EXPECT_FALSE(WriteExtension(p, 8, AudioLevel{false, 200}).ok());
  EXPECT_FALSE(p.GetExtension(8).has_value());

  auto bytes = p.Marshal();
  ASSERT_TRUE(bytes.ok());
  auto v = RtpPacketView::Parse(*bytes);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(ReadExtension<AudioLevel>(*v, 1), (AudioLevel{true, 10}));
  EXPECT_EQ(ReadExtension<AbsSendTime>(*v, 2)->value, 0xABCDEFu);
  EXPECT_EQ(ReadExtension<TransportSequenceNumber>(*v, 3)->sequence_number, 42);
  EXPECT_EQ(ReadExtension<VideoOrientation>(*v, 4),
            (VideoOrientation{false, true, 1}));
  EXPECT_EQ(ReadExtension<MidExtension>(*v, 5)->value, "0");
  EXPECT_EQ(ReadExtension<RidExtension>(*v, 6)->value, "hi-res");
  EXPECT_EQ(ReadExtension<RepairedRidExtension>(p, 7)->value,
            "a-very-long-rid-name");
  // Absent, and present but malformed, both read as nullopt.
  EXPECT_FALSE(ReadExtension<AudioLevel>(*v, 9).has_value());
  EXPECT_FALSE(ReadExtension<AudioLevel>(*v, 2).has_value());
}

TEST(TypedExtensionsTest, UrisAreTheNegotiatedStrings) {
  EXPECT_EQ(AbsSendTime::kUri,
            "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time");
  EXPECT_EQ(MidExtension::kUri, "urn:ietf:params:rtp-hdrext:sdes:mid");
  EXPECT_EQ(RidExtension::kUri,
            "urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id");
  EXPECT_EQ(RepairedRidExtension::kUri,
            "urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id");
  EXPECT_EQ(VideoOrientation::kUri, "urn:3gpp:video-orientation");
}

}  // namespace
}  // namespace simrtc::rtp
