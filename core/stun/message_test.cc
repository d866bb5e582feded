// Message-level behaviour: type encoding, header checks, attribute order,
// unknown attributes, the integrity boundary and the 420 helper.
#include "core/stun/message.h"

#include <array>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "core/base/rng.h"
#include "core/stun/builder.h"
#include "core/stun/integrity.h"
#include "core/stun/test_vectors.h"
#include "gtest/gtest.h"

namespace simrtc::stun {
namespace {

using ::simrtc::stun::testing::Hex;

TransactionId Txid(uint8_t fill) {
  TransactionId id;
  id.bytes.fill(fill);
  return id;
}

TEST(MessageTypeTest, InterleavesClassBits) {
  EXPECT_EQ(ComposeMessageType(Method::kBinding, Class::kRequest), 0x0001);
  EXPECT_EQ(ComposeMessageType(Method::kBinding, Class::kIndication), 0x0011);
  EXPECT_EQ(ComposeMessageType(Method::kBinding, Class::kSuccess), 0x0101);
  EXPECT_EQ(ComposeMessageType(Method::kBinding, Class::kError), 0x0111);
  EXPECT_EQ(ComposeMessageType(Method::kAllocate, Class::kRequest), 0x0003);
  EXPECT_EQ(ComposeMessageType(Method::kAllocate, Class::kError), 0x0113);
  EXPECT_EQ(ComposeMessageType(Method::kSend, Class::kIndication), 0x0016);
  EXPECT_EQ(ComposeMessageType(Method::kData, Class::kIndication), 0x0017);
  EXPECT_EQ(ComposeMessageType(Method::kChannelBind, Class::kSuccess), 0x0109);
  EXPECT_EQ(ComposeMessageType(static_cast<Method>(0xFFF), Class::kError),
            0x3FFF);
  // Every method/class pair survives the round trip.
  for (uint16_t m = 0; m <= kMaxMethod; ++m) {
    for (uint8_t c = 0; c < 4; ++c) {
      const uint16_t t =
          ComposeMessageType(static_cast<Method>(m), static_cast<Class>(c));
      ASSERT_EQ(t & 0xC000, 0);
      ASSERT_EQ(static_cast<uint16_t>(MethodFromType(t)), m);
      ASSERT_EQ(static_cast<uint8_t>(ClassFromType(t)), c);
    }
  }
}

TEST(MessageTypeTest, Names) {
  EXPECT_EQ(MethodName(Method::kCreatePermission), "CreatePermission");
  EXPECT_EQ(MethodName(static_cast<Method>(0x123)), "unknown");
  EXPECT_EQ(ClassName(Class::kError), "error response");
  EXPECT_EQ(MessageTypeName(0x0101), "Binding success response");
  EXPECT_EQ(MessageTypeName(0x0016), "Send indication");
  EXPECT_EQ(MessageTypeName(ComposeMessageType(static_cast<Method>(0x123),
                                               Class::kRequest)),
            "method 0x123 request");
  EXPECT_EQ(AttributeName(AttributeType::kXorPeerAddress), "XOR-PEER-ADDRESS");
  EXPECT_EQ(AttributeName(static_cast<AttributeType>(0x7777)), "unknown");
  EXPECT_EQ(DefaultReasonPhrase(error_codes::kStaleNonce), "Stale Nonce");
}

TEST(MessageTest, TransactionIdFromRngIsDeterministic) {
  Rng a(42), b(42), c(43);
  EXPECT_EQ(TransactionId::Random(a), TransactionId::Random(b));
  EXPECT_NE(TransactionId::Random(a), TransactionId::Random(c));
  EXPECT_FALSE(TransactionId::FromBytes(Hex("0102")).ok());
  EXPECT_EQ(Txid(0xab).ToHex(), "abababababababababababab");
}

TEST(MessageTest, IsStunMessage) {
  const auto good = Hex(testing::kSampleRequest);
  EXPECT_TRUE(IsStunMessage(good));
  auto bad = good;
  bad[0] |= 0x40;
  EXPECT_FALSE(IsStunMessage(bad));
  bad = good;
  bad[5] ^= 1;  // cookie
  EXPECT_FALSE(IsStunMessage(bad));
  bad = good;
  bad[3] += 2;  // length not a multiple of 4
  EXPECT_FALSE(IsStunMessage(bad));
  EXPECT_FALSE(IsStunMessage(ByteSpan(good).first(19)));
  EXPECT_FALSE(IsStunMessage(ByteSpan(good).first(good.size() - 4)));
  EXPECT_FALSE(IsStunMessage({}));
}

TEST(MessageTest, EmptyBodyParses) {
  auto wire =
      MessageBuilder(Method::kBinding, Class::kRequest, Txid(7)).Build();
  ASSERT_TRUE(wire.ok());
  ASSERT_EQ(wire->size(), kHeaderSize);
  auto msg = Message::Parse(*wire);
  ASSERT_TRUE(msg.ok()) << msg.status();
  EXPECT_EQ(msg->attribute_count(), 0u);
  EXPECT_EQ(msg->transaction_id(), Txid(7));
  EXPECT_EQ(msg->GetUsername().status().code(), absl::StatusCode::kNotFound);
}

TEST(MessageTest, KeepsOrderAndUnknownAttributesRaw) {
  const std::vector<uint8_t> blob = {1, 2, 3, 4, 5};
  auto wire = MessageBuilder(Method::kAllocate, Class::kRequest, Txid(1))
                  .AddRaw(static_cast<AttributeType>(0x7F01), blob)
                  .AddUsername("alice")
                  .AddRaw(static_cast<AttributeType>(0xC0DE), {})
                  .AddSoftware("simrtc")
                  .Build();
  ASSERT_TRUE(wire.ok());
  auto msg = Message::Parse(*wire);
  ASSERT_TRUE(msg.ok()) << msg.status();
  std::vector<uint16_t> types;
  for (RawAttribute a : msg->attributes()) {
    types.push_back(static_cast<uint16_t>(a.type));
  }
  EXPECT_EQ(types, (std::vector<uint16_t>{0x7F01, 0x0006, 0xC0DE, 0x8022}));
  const RawAttribute first = msg->attribute(0);
  EXPECT_EQ(first.offset, kHeaderSize);
  EXPECT_EQ(std::vector<uint8_t>(first.value.begin(), first.value.end()), blob);
  EXPECT_EQ(msg->attribute(1).offset, kHeaderSize + 4 + 8);
  auto found = msg->Find(static_cast<AttributeType>(0xC0DE));
  ASSERT_TRUE(found.has_value());
  EXPECT_TRUE(found->value.empty());
  EXPECT_FALSE(msg->Has(AttributeType::kRealm));

  EXPECT_EQ(UnknownComprehensionRequired(*msg),
            std::vector<AttributeType>{static_cast<AttributeType>(0x7F01)});
  const AttributeType handled[] = {static_cast<AttributeType>(0x7F01)};
  EXPECT_TRUE(UnknownComprehensionRequired(*msg, handled).empty());
  EXPECT_EQ(msg->ToString(),
            "Allocate request txid=010101010101010101010101 [0x7f01(5) "
            "USERNAME(5) 0xc0de(0) SOFTWARE(6)]");
}

TEST(MessageTest, UnknownComprehensionRequiredListsEachOnce) {
  auto wire = MessageBuilder(Method::kBinding, Class::kRequest, Txid(1))
                  .AddRaw(static_cast<AttributeType>(0x0031), {})
                  .AddRaw(static_cast<AttributeType>(0x0031), {})
                  .AddRaw(static_cast<AttributeType>(0x8031), {})  // optional
                  .AddRaw(AttributeType::kUserhash, {})  // named, not decoded
                  .AddPriority(1)
                  .Build();
  auto msg = Message::Parse(*wire);
  ASSERT_TRUE(msg.ok());
  EXPECT_EQ(UnknownComprehensionRequired(*msg),
            (std::vector<AttributeType>{static_cast<AttributeType>(0x0031),
                                        AttributeType::kUserhash}));
}

TEST(MessageTest, FirstOccurrenceWins) {
  auto wire = MessageBuilder(Method::kBinding, Class::kRequest, Txid(1))
                  .AddUsername("first")
                  .AddUsername("second")
                  .Build();
  auto msg = Message::Parse(*wire);
  ASSERT_TRUE(msg.ok());
  EXPECT_EQ(msg->GetUsername().value(), "first");
  EXPECT_EQ(msg->attribute_count(), 2u);
}

// Appends a raw attribute after the builder's output and fixes the length,
// the way an attacker would extend a signed message.
std::vector<uint8_t> Append(std::vector<uint8_t> wire, uint16_t type,
                            std::vector<uint8_t> value) {
  wire.push_back(static_cast<uint8_t>(type >> 8));
  wire.push_back(static_cast<uint8_t>(type));
  wire.push_back(0);
  wire.push_back(static_cast<uint8_t>(value.size()));
  wire.insert(wire.end(), value.begin(), value.end());
  while (wire.size() % 4) wire.push_back(0);
  StoreBE16(&wire[2], static_cast<uint16_t>(wire.size() - kHeaderSize));
  return wire;
}

TEST(MessageTest, AttributesAfterIntegrityAreIgnored) {
  auto signed_wire = MessageBuilder(Method::kBinding, Class::kRequest, Txid(3))
                         .AddUsername("a:b")
                         .AddMessageIntegrity("pw")
                         .Build()
                         .value();
  // An unauthenticated USE-CANDIDATE and a second USERNAME appended.
  auto tampered = Append(signed_wire, 0x0025, {});
  tampered = Append(tampered, 0x0006, {'e', 'v', 'e'});
  auto msg = Message::Parse(tampered);
  ASSERT_TRUE(msg.ok()) << msg.status();
  EXPECT_FALSE(msg->HasUseCandidate());
  EXPECT_EQ(msg->GetUsername().value(), "a:b");
  EXPECT_EQ(msg->attribute_count(), 2u);
  EXPECT_EQ(msg->ignored_attribute_count(), 2u);
  // The HMAC still verifies: it never covered the appended bytes.
  EXPECT_TRUE(msg->VerifyMessageIntegrity("pw").ok());
  EXPECT_NE(msg->ToString().find("+2 ignored"), std::string::npos);
}

TEST(MessageTest, Sha256AndFingerprintFollowIntegrity) {
  auto wire = MessageBuilder(Method::kBinding, Class::kRequest, Txid(4))
                  .AddUsername("a:b")
                  .AddMessageIntegrity("pw")
                  .AddMessageIntegritySha256("pw")
                  .AddFingerprint()
                  .Build();
  ASSERT_TRUE(wire.ok()) << wire.status();
  auto msg = Message::Parse(*wire);
  ASSERT_TRUE(msg.ok());
  EXPECT_EQ(msg->ignored_attribute_count(), 0u);
  EXPECT_TRUE(msg->VerifyMessageIntegrity("pw").ok());
  EXPECT_TRUE(msg->VerifyMessageIntegritySha256("pw").ok());
  EXPECT_TRUE(msg->VerifyFingerprint().ok());
  EXPECT_EQ(msg->VerifyMessageIntegritySha256("px").code(),
            absl::StatusCode::kUnauthenticated);
}

TEST(MessageTest, TruncatedSha256Verifies) {
  for (size_t len : {16u, 20u, 24u, 28u, 32u}) {
    auto wire = MessageBuilder(Method::kBinding, Class::kRequest, Txid(5))
                    .AddUsername("x")
                    .AddMessageIntegritySha256("key", len)
                    .Build();
    ASSERT_TRUE(wire.ok());
    auto msg = Message::Parse(*wire);
    ASSERT_TRUE(msg.ok());
    EXPECT_EQ(msg->Find(AttributeType::kMessageIntegritySha256)->value.size(),
              len);
    EXPECT_TRUE(msg->VerifyMessageIntegritySha256("key").ok()) << len;
    EXPECT_EQ(msg->VerifyMessageIntegrity("key").code(),
              absl::StatusCode::kNotFound);
  }
}

TEST(MessageTest, AttributesAfterSha256AreIgnoredIncludingIntegrity) {
  auto wire = MessageBuilder(Method::kBinding, Class::kRequest, Txid(6))
                  .AddMessageIntegritySha256("k")
                  .Build()
                  .value();
  // A MESSAGE-INTEGRITY after MESSAGE-INTEGRITY-SHA256 is not honoured.
  auto tampered = Append(wire, 0x0008, std::vector<uint8_t>(20, 0));
  auto msg = Message::Parse(tampered);
  ASSERT_TRUE(msg.ok());
  EXPECT_FALSE(msg->HasMessageIntegrity());
  EXPECT_EQ(msg->ignored_attribute_count(), 1u);
  EXPECT_TRUE(msg->VerifyMessageIntegritySha256("k").ok());
}

TEST(MessageTest, FingerprintMustBeLast) {
  auto wire = MessageBuilder(Method::kBinding, Class::kRequest, Txid(8))
                  .AddFingerprint()
                  .Build()
                  .value();
  auto bad = Append(wire, 0x8022, {'x'});
  auto msg = Message::Parse(bad);
  ASSERT_FALSE(msg.ok());
  EXPECT_NE(msg.status().message().find(
                "STUN attribute 0x8022 (SOFTWARE) at offset 28: follows "
                "FINGERPRINT"),
            std::string::npos)
      << msg.status();
}

TEST(MessageTest, FingerprintMismatchIsDataLoss) {
  auto wire = MessageBuilder(Method::kBinding, Class::kIndication, Txid(9))
                  .AddSoftware("abc")
                  .AddFingerprint()
                  .Build()
                  .value();
  wire[24] ^= 0x20;  // inside SOFTWARE
  auto msg = Message::Parse(wire);
  ASSERT_TRUE(msg.ok());
  EXPECT_EQ(msg->VerifyFingerprint().code(), absl::StatusCode::kDataLoss);
}

TEST(MessageTest, IntegrityWithWrongLengthIsInvalid) {
  auto wire =
      MessageBuilder(Method::kBinding, Class::kRequest, Txid(1))
          .AddRaw(AttributeType::kMessageIntegrity, std::vector<uint8_t>(16, 0))
          .Build()
          .value();
  auto msg = Message::Parse(wire);
  ASSERT_TRUE(msg.ok());
  const absl::Status s = msg->VerifyMessageIntegrity("k");
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("MESSAGE-INTEGRITY) at offset 20: length 16"),
            std::string::npos)
      << s;
}

TEST(MessageTest, LongTermKeySha256DiffersFromMd5) {
  const auto md5 = LongTermKey("user", "realm", "pass");
  const auto sha = LongTermKeySha256("user", "realm", "pass");
  EXPECT_EQ(md5.size(), 16u);
  EXPECT_EQ(sha.size(), 32u);
  // MD5("user:realm:pass") computed independently (coreutils md5sum).
  EXPECT_EQ(std::vector<uint8_t>(md5.begin(), md5.end()),
            Hex("8493fbc53ba582fb4c044c456bdc40eb"));
}

TEST(MessageTest, ManyAttributesSpillPastInlineCapacity) {
  MessageBuilder b(Method::kCreatePermission, Class::kRequest, Txid(2));
  for (int i = 0; i < 40; ++i) {
    b.AddXorPeerAddress(
        SocketAddress(IpAddress::V4(10, 0, 0, static_cast<uint8_t>(i)),
                      static_cast<uint16_t>(1000 + i)));
  }
  auto wire = b.Build();
  ASSERT_TRUE(wire.ok());
  auto msg = Message::Parse(*wire);
  ASSERT_TRUE(msg.ok());
  EXPECT_EQ(msg->attribute_count(), 40u);
  auto peers = msg->GetXorPeerAddresses();
  ASSERT_TRUE(peers.ok());
  ASSERT_EQ(peers->size(), 40u);
  EXPECT_EQ((*peers)[39].ToString(), "10.0.0.39:1039");
}

}  // namespace
}  // namespace simrtc::stun
