// ChannelData framing (RFC 8656 section 12.4) and stream framing.
#include "core/stun/channel_data.h"

#include <array>
#include <vector>

#include "absl/status/status.h"
#include "core/stun/builder.h"
#include "core/stun/test_vectors.h"
#include "gtest/gtest.h"

namespace simrtc::stun {
namespace {

using ::simrtc::stun::testing::Hex;

// Parses hex; the bytes are local, so only the status survives.
absl::Status ParseStatus(std::string_view hex) {
  const auto bytes = Hex(hex);
  return ParseChannelData(bytes).status();
}

TEST(ChannelDataTest, BuildPadsAndParses) {
  const std::vector<uint8_t> payload = {'h', 'e', 'l', 'l', 'o'};
  auto padded = BuildChannelData(0x4001, payload);
  ASSERT_TRUE(padded.ok());
  EXPECT_EQ(*padded, Hex("4001 0005 68656c6c6f 000000"));
  EXPECT_TRUE(IsChannelData(*padded));
  auto cd = ParseChannelData(*padded);
  ASSERT_TRUE(cd.ok()) << cd.status();
  EXPECT_EQ(cd->channel, 0x4001);
  EXPECT_EQ(std::vector<uint8_t>(cd->data.begin(), cd->data.end()), payload);

  auto unpadded = BuildChannelData(0x4FFF, payload, /*pad=*/false);
  ASSERT_TRUE(unpadded.ok());
  EXPECT_EQ(unpadded->size(), 9u);
  cd = ParseChannelData(*unpadded);
  ASSERT_TRUE(cd.ok());
  EXPECT_EQ(cd->channel, 0x4FFF);
  EXPECT_EQ(cd->data.size(), 5u);
}

TEST(ChannelDataTest, EmptyData) {
  auto frame = BuildChannelData(0x4000, {});
  ASSERT_TRUE(frame.ok());
  EXPECT_EQ(*frame, Hex("4000 0000"));
  auto cd = ParseChannelData(*frame);
  ASSERT_TRUE(cd.ok());
  EXPECT_TRUE(cd->data.empty());
}

TEST(ChannelDataTest, ReservedAndNonChannelNumbers) {
  const absl::Status reserved = ParseStatus("5000 0000");
  ASSERT_FALSE(reserved.ok());
  EXPECT_NE(reserved.message().find("0x5000 is reserved"), std::string::npos)
      << reserved;
  EXPECT_FALSE(ParseStatus("7fff 0000").ok());
  EXPECT_FALSE(ParseStatus("3fff 0000").ok());
  EXPECT_FALSE(ParseStatus("8000 0000").ok());
  EXPECT_FALSE(IsChannelData(Hex("5000 0000")));
  EXPECT_FALSE(BuildChannelData(0x5000, {}).ok());
  EXPECT_FALSE(BuildChannelData(0x3FFF, {}).ok());
}

TEST(ChannelDataTest, LengthLies) {
  const absl::Status s = ParseStatus("4001 0008 01020304");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("length 8 exceeds remaining 4"), std::string::npos)
      << s;
  EXPECT_FALSE(IsChannelData(Hex("4001 0008 01020304")));
  EXPECT_FALSE(ParseStatus("40").ok());
  EXPECT_FALSE(ParseChannelData(ByteSpan()).ok());
}

TEST(ChannelDataTest, WriteIntoCallerBuffer) {
  std::array<uint8_t, 8> buf;
  const std::vector<uint8_t> payload = {1, 2, 3};
  auto n = WriteChannelData(0x4002, payload, buf);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 8u);
  std::array<uint8_t, 7> small;
  EXPECT_EQ(WriteChannelData(0x4002, payload, small).status().code(),
            absl::StatusCode::kResourceExhausted);
  EXPECT_TRUE(WriteChannelData(0x4002, payload, small, /*pad=*/false).ok());
}

TEST(StreamFrameTest, FramesStunAndChannelData) {
  auto stun = MessageBuilder(Method::kRefresh, Class::kRequest, TransactionId())
                  .AddLifetime(TimeDelta::Seconds(0))
                  .Build()
                  .value();
  auto size = StreamFrameSize(stun);
  ASSERT_TRUE(size.ok());
  EXPECT_EQ(**size, stun.size());
  // Not enough bytes to see the STUN header yet.
  size = StreamFrameSize(ByteSpan(stun).first(19));
  ASSERT_TRUE(size.ok());
  EXPECT_FALSE(size->has_value());

  // ChannelData over a stream is always padded.
  size = StreamFrameSize(Hex("4001 0005"));
  ASSERT_TRUE(size.ok());
  EXPECT_EQ(**size, 12u);
  size = StreamFrameSize(Hex("40"));
  ASSERT_TRUE(size.ok());
  EXPECT_FALSE(size->has_value());

  EXPECT_FALSE(StreamFrameSize(Hex("8000 0000")).ok());
  EXPECT_FALSE(StreamFrameSize(Hex("5000 0000")).ok());
  auto bad_cookie = stun;
  bad_cookie[4] = 0;
  EXPECT_FALSE(StreamFrameSize(bad_cookie).ok());
}

}  // namespace
}  // namespace simrtc::stun
