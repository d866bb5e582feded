#include "sim/nodes/rfc5780.h"

#include "core/stun/builder.h"
#include "core/stun/message.h"
#include "gtest/gtest.h"

namespace simrtc::sim::rfc5780 {
namespace {

TEST(Rfc5780Test, RoundTripsAllThreeAttributes) {
  const SocketAddress origin(IpAddress::V4(198, 51, 100, 1), 3479);
  const SocketAddress other(*IpAddress::Parse("2001:db8::2"), 3478);
  stun::TransactionId id;
  id.bytes[0] = 7;
  stun::MessageBuilder b(stun::Method::kBinding, stun::Class::kSuccess, id);
  AddChangeRequest(b, {true, false});
  AddResponseOrigin(b, origin);
  AddOtherAddress(b, other);
  b.AddFingerprint();
  auto wire = b.Build();
  ASSERT_TRUE(wire.ok()) << wire.status();
  auto msg = stun::Message::Parse(*wire);
  ASSERT_TRUE(msg.ok()) << msg.status();
  auto change = GetChangeRequest(*msg);
  ASSERT_TRUE(change.ok()) << change.status();
  EXPECT_EQ(*change, (ChangeRequest{true, false}));
  EXPECT_EQ(*GetResponseOrigin(*msg), origin);
  EXPECT_EQ(*GetOtherAddress(*msg), other);
  EXPECT_TRUE(msg->VerifyFingerprint().ok());
}

TEST(Rfc5780Test, FlagBitsFollowTheRfc) {
  EXPECT_EQ(EncodeChangeRequest({true, true}), 0x06u);
  EXPECT_EQ(EncodeChangeRequest({false, true}), 0x02u);
  EXPECT_EQ(EncodeChangeRequest({true, false}), 0x04u);
  const uint8_t other_bits[4] = {0xff, 0xff, 0xff, 0xf9};
  auto c = DecodeChangeRequest(other_bits);
  ASSERT_TRUE(c.ok());
  EXPECT_FALSE(c->change_ip);
  EXPECT_FALSE(c->change_port);
}

TEST(Rfc5780Test, MalformedValuesNameAttributeAndOffset) {
  stun::TransactionId id;
  stun::MessageBuilder b(stun::Method::kBinding, stun::Class::kRequest, id);
  const uint8_t short_value[3] = {0, 0, 6};
  b.AddRaw(kChangeRequest, short_value);
  const uint8_t bad_family[8] = {0, 9, 0, 1, 1, 2, 3, 4};
  b.AddRaw(kOtherAddress, bad_family);
  auto wire = b.Build();
  ASSERT_TRUE(wire.ok());
  auto msg = stun::Message::Parse(*wire);
  ASSERT_TRUE(msg.ok());
  const absl::Status change = GetChangeRequest(*msg).status();
  EXPECT_EQ(change.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(change.message().find("CHANGE-REQUEST (0x0003) at offset 20"),
            std::string::npos)
      << change;
  EXPECT_NE(change.message().find("length 3"), std::string::npos) << change;
  const absl::Status other = GetOtherAddress(*msg).status();
  EXPECT_EQ(other.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(other.message().find("OTHER-ADDRESS (0x802c) at offset 28"),
            std::string::npos)
      << other;
  EXPECT_EQ(GetResponseOrigin(*msg).status().code(),
            absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace simrtc::sim::rfc5780
