// Hostile and broken input: every failure is a Status that names the field
// and offset, never a crash or an out-of-bounds read.
#include <cstdint>
#include <list>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "core/base/rng.h"
#include "core/stun/builder.h"
#include "core/stun/channel_data.h"
#include "core/stun/message.h"
#include "core/stun/test_vectors.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace simrtc::stun {
namespace {

using ::simrtc::stun::testing::Hex;
using ::testing::HasSubstr;

// A Binding request header (txid 0x01..0x0c) followed by `body`, with the
// header length set to body.size() unless `length` overrides it.
std::vector<uint8_t> WithBody(std::string_view body_hex, int length = -1) {
  auto msg = Hex("0001 0000 2112a442 0102030405060708090a0b0c");
  const auto body = Hex(body_hex);
  msg.insert(msg.end(), body.begin(), body.end());
  StoreBE16(&msg[2], static_cast<uint16_t>(length < 0 ? body.size() : length));
  return msg;
}

// Parses `body_hex` as in WithBody. The bytes are kept alive for the rest of
// the test binary, since a Message borrows them.
absl::StatusOr<Message> ParseBody(std::string_view body_hex) {
  static std::list<std::vector<uint8_t>> keep;
  keep.push_back(WithBody(body_hex));
  return Message::Parse(keep.back());
}

std::string ParseError(const std::vector<uint8_t>& bytes) {
  auto msg = Message::Parse(bytes);
  EXPECT_FALSE(msg.ok());
  return msg.ok() ? "" : std::string(msg.status().message());
}

TEST(MalformedTest, TruncatedHeader) {
  const auto good = Hex(testing::kSampleRequest);
  for (size_t n = 0; n < kHeaderSize; ++n) {
    auto msg = Message::Parse(ByteSpan(good).first(n));
    ASSERT_FALSE(msg.ok()) << n;
    EXPECT_EQ(msg.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(msg.status().message()),
                HasSubstr("STUN header at offset 0"));
  }
}

TEST(MalformedTest, EveryTruncationFails) {
  const auto good = Hex(testing::kSampleRequest);
  for (size_t n = 0; n < good.size(); ++n) {
    EXPECT_FALSE(Message::Parse(ByteSpan(good).first(n)).ok()) << n;
  }
}

TEST(MalformedTest, HeaderFields) {
  auto bad = WithBody("");
  bad[0] = 0x80;
  EXPECT_THAT(ParseError(bad), HasSubstr("top two bits"));
  bad = WithBody("");
  bad[7] = 0x43;
  EXPECT_THAT(ParseError(bad),
              HasSubstr("STUN header at offset 4: magic cookie 0x2112a443, "
                        "expected 0x2112a442"));
  EXPECT_THAT(ParseError(WithBody("00000000", 2)),
              HasSubstr("STUN header at offset 2: length 2 is not a multiple "
                        "of 4"));
  EXPECT_THAT(ParseError(WithBody("00000000", 8)),
              HasSubstr("length 8 does not match the 4 bytes after the "
                        "header"));
  EXPECT_THAT(ParseError(WithBody("0000000000000000", 4)),
              HasSubstr("length 4 does not match the 8 bytes"));
}

TEST(MalformedTest, AttributeLengthLies) {
  // PRIORITY then an XOR-MAPPED-ADDRESS claiming 9 bytes with 4 left.
  EXPECT_THAT(ParseError(WithBody("0024 0004 00000001  0020 0009 00010000")),
              HasSubstr("STUN attribute 0x0020 (XOR-MAPPED-ADDRESS) at offset "
                        "28: length 9 exceeds remaining 4"));
  EXPECT_THAT(ParseError(WithBody("7f00 ffff 00000000")),
              HasSubstr("STUN attribute 0x7f00 at offset 20: length 65535 "
                        "exceeds remaining 4"));
}

TEST(MalformedTest, MissingPadding) {
  // USERNAME of 5 bytes without its 3 padding bytes: the body length is no
  // longer a multiple of 4.
  EXPECT_THAT(ParseError(WithBody("0006 0005 6162636465")),
              HasSubstr("not a multiple of 4"));
  // Header claims the padded size but the datagram stops short.
  EXPECT_THAT(ParseError(WithBody("0006 0005 6162636465", 12)),
              HasSubstr("does not match"));
}

TEST(MalformedTest, PaddingContentIsIgnored) {
  auto msg = ParseBody("0006 0005 6162636465 ffffff");
  ASSERT_TRUE(msg.ok()) << msg.status();
  EXPECT_EQ(msg->GetUsername().value(), "abcde");
}

TEST(MalformedTest, BadAddressFamily) {
  const auto bytes = WithBody("0020 0008 00030000 01020304");
  auto msg = Message::Parse(bytes);
  ASSERT_TRUE(msg.ok());  // values are decoded lazily
  auto a = msg->GetXorMappedAddress();
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(a.status().message()),
              HasSubstr("STUN attribute 0x0020 (XOR-MAPPED-ADDRESS) at offset "
                        "20: address family 0x03 is neither IPv4"));
}

TEST(MalformedTest, ShortAddresses) {
  // IPv6 family with only 4 address bytes.
  auto msg = ParseBody("0020 0008 00020000 01020304");
  ASSERT_TRUE(msg.ok());
  EXPECT_THAT(std::string(msg->GetXorMappedAddress().status().message()),
              HasSubstr("address value is 8 bytes, IPv6 needs 20"));
  // Shorter than the family/port prefix.
  msg = ParseBody("0001 0003 000100 00");
  ASSERT_TRUE(msg.ok());
  EXPECT_THAT(std::string(msg->GetMappedAddress().status().message()),
              HasSubstr("MAPPED-ADDRESS) at offset 20: address value of 3 "
                        "bytes"));
  // Empty XOR-PEER-ADDRESS among valid ones: the list getter fails.
  msg = ParseBody("0012 0000");
  ASSERT_TRUE(msg.ok());
  EXPECT_FALSE(msg->GetXorPeerAddresses().ok());
  // IPv4 family with an IPv6-sized value.
  msg = ParseBody("0016 0014 00010000 00000000000000000000000000000000");
  ASSERT_TRUE(msg.ok());
  EXPECT_THAT(std::string(msg->GetXorRelayedAddress().status().message()),
              HasSubstr("address value is 20 bytes, IPv4 needs 8"));
}

TEST(MalformedTest, FixedSizeAttributesCheckLength) {
  auto msg = ParseBody("0024 0003 010203 00");
  ASSERT_TRUE(msg.ok());
  EXPECT_THAT(std::string(msg->GetPriority().status().message()),
              HasSubstr("STUN attribute 0x0024 (PRIORITY) at offset 20: "
                        "length 3, expected 4"));
  msg = ParseBody("802a 0004 01020304");
  ASSERT_TRUE(msg.ok());
  EXPECT_FALSE(msg->GetIceControlling().ok());
  msg = ParseBody("000d 0000");
  ASSERT_TRUE(msg.ok());
  EXPECT_FALSE(msg->GetLifetime().ok());
  msg = ParseBody("0018 0004 80000000");
  ASSERT_TRUE(msg.ok());
  EXPECT_FALSE(msg->GetEvenPort().ok());
  msg = ParseBody("0017 0004 03000000");
  ASSERT_TRUE(msg.ok());
  EXPECT_THAT(std::string(msg->GetRequestedAddressFamily().status().message()),
              HasSubstr("REQUESTED-ADDRESS-FAMILY) at offset 20: address "
                        "family 0x03"));
  msg = ParseBody("000c 0002 4001 0000");
  ASSERT_TRUE(msg.ok());
  EXPECT_FALSE(msg->GetChannelNumber().ok());
  msg = ParseBody("0022 0004 01020304");
  ASSERT_TRUE(msg.ok());
  EXPECT_FALSE(msg->GetReservationToken().ok());
  msg = ParseBody("0019 0001 11 000000");
  ASSERT_TRUE(msg.ok());
  EXPECT_FALSE(msg->GetRequestedTransport().ok());
}

TEST(MalformedTest, ErrorCodeAndUnknownAttributes) {
  auto msg = ParseBody("0009 0004 00000214");
  ASSERT_TRUE(msg.ok());
  EXPECT_THAT(std::string(msg->GetErrorCode().status().message()),
              HasSubstr("ERROR-CODE) at offset 20: ERROR-CODE class 2 is "
                        "outside 3..6"));
  msg = ParseBody("0009 0004 00000464");
  ASSERT_TRUE(msg.ok());
  EXPECT_THAT(std::string(msg->GetErrorCode().status().message()),
              HasSubstr("number 100 is above 99"));
  msg = ParseBody("0009 0003 000004 00");
  ASSERT_TRUE(msg.ok());
  EXPECT_FALSE(msg->GetErrorCode().ok());
  msg = ParseBody("000a 0003 000100 00");
  ASSERT_TRUE(msg.ok());
  EXPECT_THAT(std::string(msg->GetUnknownAttributes().status().message()),
              HasSubstr("length 3 is not a multiple of 2"));
}

TEST(MalformedTest, IntegrityChecksOnBrokenMessages) {
  // MESSAGE-INTEGRITY-SHA256 of a disallowed size.
  auto msg = ParseBody("001c 000c 000000000000000000000000");
  ASSERT_TRUE(msg.ok());
  EXPECT_EQ(msg->VerifyMessageIntegritySha256("k").code(),
            absl::StatusCode::kInvalidArgument);
  msg = ParseBody("8028 0002 0000 0000");
  ASSERT_TRUE(msg.ok());
  EXPECT_THAT(std::string(msg->VerifyFingerprint().message()),
              HasSubstr("FINGERPRINT) at offset 20: length 2, expected 4"));
}

// Deterministic random soup: valid header, random attributes. Whatever
// parses must answer every getter and check without crashing, and every
// recorded attribute must lie inside the message.
TEST(MalformedTest, RandomAttributeSoup) {
  Rng rng(0x5157);
  static constexpr uint16_t kTypes[] = {
      0x0001, 0x0006, 0x0008, 0x0009, 0x000a, 0x000c, 0x000d,
      0x0012, 0x0013, 0x0014, 0x0015, 0x0016, 0x0017, 0x0018,
      0x0019, 0x001a, 0x001c, 0x0020, 0x0022, 0x0024, 0x0025,
      0x8022, 0x8023, 0x8028, 0x8029, 0x802a, 0x7fff, 0xffff};
  int parsed = 0;
  for (int iter = 0; iter < 5000; ++iter) {
    std::vector<uint8_t> body;
    const int attrs = static_cast<int>(rng.Uniform(6));
    for (int i = 0; i < attrs; ++i) {
      const uint16_t type = kTypes[rng.Uniform(std::size(kTypes))];
      const uint16_t len = static_cast<uint16_t>(rng.Uniform(24));
      body.push_back(static_cast<uint8_t>(type >> 8));
      body.push_back(static_cast<uint8_t>(type));
      body.push_back(0);
      body.push_back(static_cast<uint8_t>(len));
      const size_t padded = rng.Bernoulli(0.9) ? (len + 3u) & ~3u : len;
      for (size_t k = 0; k < padded; ++k) {
        body.push_back(static_cast<uint8_t>(rng.NextU32()));
      }
    }
    auto wire = WithBody("");
    wire.insert(wire.end(), body.begin(), body.end());
    StoreBE16(&wire[2], static_cast<uint16_t>(body.size()));
    auto msg = Message::Parse(wire);
    if (!msg.ok()) continue;
    ++parsed;
    for (RawAttribute a : msg->attributes()) {
      ASSERT_GE(a.value.data(), wire.data());
      ASSERT_LE(a.value.data() + a.value.size(), wire.data() + wire.size());
    }
    (void)msg->GetMappedAddress();
    (void)msg->GetXorMappedAddress();
    (void)msg->GetXorPeerAddresses();
    (void)msg->GetXorRelayedAddress();
    (void)msg->GetAlternateServer();
    (void)msg->GetErrorCode();
    (void)msg->GetUnknownAttributes();
    (void)msg->GetPriority();
    (void)msg->GetLifetime();
    (void)msg->GetChannelNumber();
    (void)msg->GetEvenPort();
    (void)msg->GetRequestedAddressFamily();
    (void)msg->GetRequestedTransport();
    (void)msg->GetReservationToken();
    (void)msg->VerifyMessageIntegrity("k");
    (void)msg->VerifyMessageIntegritySha256("k");
    (void)msg->VerifyFingerprint();
    (void)UnknownComprehensionRequired(*msg);
    (void)msg->ToString();
  }
  EXPECT_GT(parsed, 1000);  // the soup is mostly well framed
}

}  // namespace
}  // namespace simrtc::stun
