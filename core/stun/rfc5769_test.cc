// The RFC 5769 test vectors: parse, verify MESSAGE-INTEGRITY and
// FINGERPRINT, decode the XOR addresses, and rebuild them byte for byte.
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "core/base/socket_address.h"
#include "core/stun/builder.h"
#include "core/stun/integrity.h"
#include "core/stun/message.h"
#include "core/stun/test_vectors.h"
#include "gtest/gtest.h"

namespace simrtc::stun {
namespace {

using ::simrtc::stun::testing::Hex;

TransactionId RfcTxid() {
  return TransactionId::FromBytes(Hex("b7e7a701bc34d686fa87dfae")).value();
}

TEST(Rfc5769Test, SampleRequestParses) {
  const auto bytes = Hex(testing::kSampleRequest);
  ASSERT_EQ(bytes.size(), 108u);
  ASSERT_TRUE(IsStunMessage(bytes));
  auto msg = Message::Parse(bytes);
  ASSERT_TRUE(msg.ok()) << msg.status();
  EXPECT_EQ(msg->method(), Method::kBinding);
  EXPECT_EQ(msg->message_class(), Class::kRequest);
  EXPECT_EQ(msg->transaction_id(), RfcTxid());
  EXPECT_EQ(msg->GetSoftware().value(), "STUN test client");
  EXPECT_EQ(msg->GetPriority().value(), 0x6e0001ffu);
  EXPECT_EQ(msg->GetIceControlled().value(), 0x932ff9b151263b36u);
  EXPECT_EQ(msg->GetUsername().value(), "evtj:h6vY");
  EXPECT_EQ(msg->attribute_count(), 6u);
  EXPECT_EQ(msg->ignored_attribute_count(), 0u);

  EXPECT_TRUE(msg->VerifyMessageIntegrity(testing::kShortTermPassword).ok());
  EXPECT_TRUE(msg->VerifyFingerprint().ok());
  EXPECT_EQ(msg->VerifyMessageIntegrity("VOkJxbRl1RmTxUk/WvJxBT").code(),
            absl::StatusCode::kUnauthenticated);
}

TEST(Rfc5769Test, SampleRequestRebuildsByteForByte) {
  // The RFC pads USERNAME with spaces; the hashes cover the padding, so
  // reproducing it needs SetPaddingByte.
  auto built = MessageBuilder(Method::kBinding, Class::kRequest, RfcTxid())
                   .SetPaddingByte(0x20)
                   .AddSoftware("STUN test client")
                   .AddPriority(0x6e0001ff)
                   .AddIceControlled(0x932ff9b151263b36)
                   .AddUsername("evtj:h6vY")
                   .AddMessageIntegrity(testing::kShortTermPassword)
                   .AddFingerprint()
                   .Build();
  ASSERT_TRUE(built.ok()) << built.status();
  EXPECT_EQ(*built, Hex(testing::kSampleRequest));
}

TEST(Rfc5769Test, SampleRequestWithZeroPaddingStillVerifies) {
  auto built = MessageBuilder(Method::kBinding, Class::kRequest, RfcTxid())
                   .AddSoftware("STUN test client")
                   .AddPriority(0x6e0001ff)
                   .AddIceControlled(0x932ff9b151263b36)
                   .AddUsername("evtj:h6vY")
                   .AddMessageIntegrity(testing::kShortTermPassword)
                   .AddFingerprint()
                   .Build();
  ASSERT_TRUE(built.ok());
  auto msg = Message::Parse(*built);
  ASSERT_TRUE(msg.ok());
  EXPECT_TRUE(msg->VerifyMessageIntegrity(testing::kShortTermPassword).ok());
  EXPECT_TRUE(msg->VerifyFingerprint().ok());
  EXPECT_NE(*built, Hex(testing::kSampleRequest));  // padding differs
}

TEST(Rfc5769Test, Ipv4Response) {
  const auto bytes = Hex(testing::kSampleIpv4Response);
  auto msg = Message::Parse(bytes);
  ASSERT_TRUE(msg.ok()) << msg.status();
  EXPECT_EQ(msg->method(), Method::kBinding);
  EXPECT_EQ(msg->message_class(), Class::kSuccess);
  EXPECT_EQ(msg->GetSoftware().value(), "test vector");
  EXPECT_EQ(msg->GetXorMappedAddress().value(),
            SocketAddress::Parse("192.0.2.1:32853").value());
  EXPECT_TRUE(msg->VerifyMessageIntegrity(testing::kShortTermPassword).ok());
  EXPECT_TRUE(msg->VerifyFingerprint().ok());

  auto built = MessageBuilder(Method::kBinding, Class::kSuccess, RfcTxid())
                   .SetPaddingByte(0x20)
                   .AddSoftware("test vector")
                   .AddXorMappedAddress(*msg->GetXorMappedAddress())
                   .AddMessageIntegrity(testing::kShortTermPassword)
                   .AddFingerprint()
                   .Build();
  ASSERT_TRUE(built.ok());
  EXPECT_EQ(*built, bytes);
}

TEST(Rfc5769Test, Ipv6Response) {
  const auto bytes = Hex(testing::kSampleIpv6Response);
  auto msg = Message::Parse(bytes);
  ASSERT_TRUE(msg.ok()) << msg.status();
  EXPECT_EQ(msg->GetXorMappedAddress().value(),
            SocketAddress::Parse("[2001:db8:1234:5678:11:2233:4455:6677]:32853")
                .value());
  EXPECT_TRUE(msg->VerifyMessageIntegrity(testing::kShortTermPassword).ok());
  EXPECT_TRUE(msg->VerifyFingerprint().ok());

  auto built = MessageBuilder(Method::kBinding, Class::kSuccess, RfcTxid())
                   .SetPaddingByte(0x20)
                   .AddSoftware("test vector")
                   .AddXorMappedAddress(*msg->GetXorMappedAddress())
                   .AddMessageIntegrity(testing::kShortTermPassword)
                   .AddFingerprint()
                   .Build();
  ASSERT_TRUE(built.ok());
  EXPECT_EQ(*built, bytes);
}

TEST(Rfc5769Test, LongTermRequest) {
  const auto bytes = Hex(testing::kSampleLongTermRequest);
  auto msg = Message::Parse(bytes);
  ASSERT_TRUE(msg.ok()) << msg.status();
  EXPECT_EQ(msg->method(), Method::kBinding);
  EXPECT_EQ(msg->message_class(), Class::kRequest);
  EXPECT_EQ(msg->GetUsername().value(), testing::kLongTermUsername);
  EXPECT_EQ(msg->GetNonce().value(), testing::kLongTermNonce);
  EXPECT_EQ(msg->GetRealm().value(), testing::kLongTermRealm);
  EXPECT_FALSE(msg->HasFingerprint());
  EXPECT_EQ(msg->VerifyFingerprint().code(), absl::StatusCode::kNotFound);

  const auto key =
      LongTermKey(testing::kLongTermUsername, testing::kLongTermRealm,
                  testing::kLongTermPassword);
  EXPECT_TRUE(msg->VerifyMessageIntegrity(key).ok());
  // The key is derived from what the message carries.
  const auto from_message = LongTermKey(*msg->GetUsername(), *msg->GetRealm(),
                                        testing::kLongTermPassword);
  EXPECT_EQ(from_message, key);
  EXPECT_EQ(msg->VerifyMessageIntegrity(LongTermKey(testing::kLongTermUsername,
                                                    testing::kLongTermRealm,
                                                    "thematrix"))
                .code(),
            absl::StatusCode::kUnauthenticated);
  // The short-term form (password as key) must not pass either.
  EXPECT_FALSE(msg->VerifyMessageIntegrity(testing::kLongTermPassword).ok());

  auto built =
      MessageBuilder(Method::kBinding, Class::kRequest, msg->transaction_id())
          .AddUsername(testing::kLongTermUsername)
          .AddNonce(testing::kLongTermNonce)
          .AddRealm(testing::kLongTermRealm)
          .AddMessageIntegrity(key)
          .Build();
  ASSERT_TRUE(built.ok()) << built.status();
  EXPECT_EQ(*built, bytes);
}

TEST(Rfc5769Test, EveryByteFlipBreaksIntegrityOrFraming) {
  const auto good = Hex(testing::kSampleRequest);
  // Everything up to the MESSAGE-INTEGRITY value is covered by the HMAC; the
  // HMAC value itself by the FINGERPRINT.
  for (size_t i = 0; i < good.size(); ++i) {
    auto bad = good;
    bad[i] ^= 0x01;
    auto msg = Message::Parse(bad);
    if (!msg.ok()) continue;  // header or framing broke: also a rejection
    const bool integrity_ok =
        msg->VerifyMessageIntegrity(testing::kShortTermPassword).ok();
    const bool fingerprint_ok = msg->VerifyFingerprint().ok();
    EXPECT_FALSE(integrity_ok && fingerprint_ok) << "byte " << i;
  }
}

}  // namespace
}  // namespace simrtc::stun
