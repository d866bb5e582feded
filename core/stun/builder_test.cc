// MessageBuilder: sticky errors, ordering rules, limits, caller buffers.
#include "core/stun/builder.h"

#include <array>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "core/base/rng.h"
#include "core/stun/message.h"
#include "core/stun/test_vectors.h"
#include "gtest/gtest.h"

namespace simrtc::stun {
namespace {

TransactionId Txid() {
  TransactionId id;
  for (size_t i = 0; i < id.bytes.size(); ++i) {
    id.bytes[i] = static_cast<uint8_t>(i);
  }
  return id;
}

TEST(BuilderTest, IceBindingRequestChain) {
  Rng rng(1);
  MessageBuilder b(Method::kBinding, Class::kRequest, rng);
  const TransactionId txid = b.transaction_id();
  auto wire = b.AddUsername("remote:local")
                  .AddPriority(0x6e0001ff)
                  .AddIceControlling(42)
                  .AddUseCandidate()
                  .AddMessageIntegrity("password")
                  .AddFingerprint()
                  .Build();
  ASSERT_TRUE(wire.ok()) << wire.status();
  EXPECT_TRUE(IsStunMessage(*wire));
  auto msg = Message::Parse(*wire);
  ASSERT_TRUE(msg.ok());
  EXPECT_EQ(msg->transaction_id(), txid);
  EXPECT_EQ(msg->size(), wire->size());
  EXPECT_TRUE(msg->VerifyMessageIntegrity("password").ok());
  EXPECT_TRUE(msg->VerifyFingerprint().ok());
  // Header length counts everything after the header.
  EXPECT_EQ(LoadBE16(&(*wire)[2]), wire->size() - kHeaderSize);
}

TEST(BuilderTest, HeaderLayout) {
  auto wire = MessageBuilder(Method::kRefresh, Class::kSuccess, Txid()).Build();
  ASSERT_TRUE(wire.ok());
  EXPECT_EQ(*wire, testing::Hex("0104 0000 2112a442 000102030405060708090a0b"));
}

TEST(BuilderTest, NothingAfterIntegrityExceptSha256AndFingerprint) {
  MessageBuilder b(Method::kBinding, Class::kRequest, Txid());
  b.AddMessageIntegrity("k").AddUsername("late");
  EXPECT_EQ(b.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(b.status().message().find("USERNAME (0x0006) added after "
                                      "MESSAGE-INTEGRITY"),
            std::string::npos)
      << b.status();
  // Sticky: later calls are no-ops and Build reports the first error.
  b.AddFingerprint();
  EXPECT_EQ(b.Build().status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST(BuilderTest, NothingAfterFingerprint) {
  MessageBuilder b(Method::kBinding, Class::kRequest, Txid());
  b.AddFingerprint().AddMessageIntegrity("k");
  EXPECT_NE(b.status().message().find("after FINGERPRINT"), std::string::npos);
}

TEST(BuilderTest, IntegrityNotAfterSha256) {
  MessageBuilder b(Method::kBinding, Class::kRequest, Txid());
  b.AddMessageIntegritySha256("k").AddMessageIntegrity("k");
  EXPECT_FALSE(b.status().ok());
}

TEST(BuilderTest, RejectsOutOfRangeValues) {
  auto fails = [](const std::function<void(MessageBuilder&)>& f) {
    MessageBuilder b(Method::kBinding, Class::kRequest, Txid());
    f(b);
    return !b.status().ok() && !b.Build().ok();
  };
  EXPECT_TRUE(fails([](MessageBuilder& b) { b.AddErrorCode(299); }));
  EXPECT_TRUE(fails([](MessageBuilder& b) { b.AddErrorCode(700); }));
  EXPECT_TRUE(fails([](MessageBuilder& b) { b.AddChannelNumber(0x3FFF); }));
  EXPECT_TRUE(fails([](MessageBuilder& b) { b.AddChannelNumber(0x5000); }));
  EXPECT_TRUE(
      fails([](MessageBuilder& b) { b.AddLifetime(TimeDelta::Seconds(-1)); }));
  EXPECT_TRUE(fails([](MessageBuilder& b) {
    b.AddLifetime(TimeDelta::Seconds(int64_t{1} << 32));
  }));
  EXPECT_TRUE(fails(
      [](MessageBuilder& b) { b.AddRequestedAddressFamily(IpFamily::kNone); }));
  EXPECT_TRUE(fails([](MessageBuilder& b) { b.AddXorMappedAddress({}); }));
  EXPECT_TRUE(
      fails([](MessageBuilder& b) { b.AddMessageIntegritySha256("k", 12); }));
  EXPECT_TRUE(
      fails([](MessageBuilder& b) { b.AddMessageIntegritySha256("k", 30); }));
  EXPECT_TRUE(fails([](MessageBuilder& b) {
    b.AddUsername(std::string(kMaxUsernameBytes + 1, 'u'));
  }));
  EXPECT_TRUE(fails([](MessageBuilder& b) {
    b.AddRealm(std::string(kMaxTextChars + 1, 'r'));
  }));
  EXPECT_TRUE(fails([](MessageBuilder& b) {
    b.AddErrorCode(400, std::string(kMaxTextChars + 1, 'x'));
  }));
  EXPECT_FALSE(fails([](MessageBuilder& b) {
    b.AddUsername(std::string(kMaxUsernameBytes, 'u'));
  }));
  // 127 three-byte characters: 381 bytes, within both limits.
  std::string kana;
  for (size_t i = 0; i < kMaxTextChars; ++i) kana += "\xe3\x83\x9e";
  EXPECT_FALSE(fails([&](MessageBuilder& b) { b.AddSoftware(kana); }));
  EXPECT_TRUE(
      fails([&](MessageBuilder& b) { b.AddSoftware(kana + "\xe3\x83\x9e"); }));
}

TEST(BuilderTest, MessageSizeLimit) {
  MessageBuilder b(Method::kSend, Class::kIndication, Txid());
  std::vector<uint8_t> big(kMaxBodySize - 4, 0xaa);
  b.AddData(big);
  ASSERT_TRUE(b.status().ok()) << b.status();
  b.AddDontFragment();
  EXPECT_EQ(b.status().code(), absl::StatusCode::kResourceExhausted);

  MessageBuilder too_big(Method::kSend, Class::kIndication, Txid());
  too_big.AddData(std::vector<uint8_t>(70000));
  EXPECT_EQ(too_big.status().code(), absl::StatusCode::kResourceExhausted);
}

TEST(BuilderTest, CallerBuffer) {
  std::array<uint8_t, 64> buf{};
  MessageBuilder b(Method::kBinding, Class::kRequest, Txid(), buf);
  b.AddPriority(7).AddFingerprint();
  auto view = b.Finish();
  ASSERT_TRUE(view.ok());
  EXPECT_EQ(view->data(), buf.data());
  EXPECT_EQ(view->size(), 20u + 8u + 8u);
  auto msg = Message::Parse(*view);
  ASSERT_TRUE(msg.ok());
  EXPECT_EQ(msg->GetPriority().value(), 7u);
  EXPECT_TRUE(msg->VerifyFingerprint().ok());
  // Build copies out of a caller buffer and leaves it intact.
  auto copy = b.Build();
  ASSERT_TRUE(copy.ok());
  EXPECT_EQ(*copy, std::vector<uint8_t>(view->begin(), view->end()));
}

TEST(BuilderTest, CallerBufferTooSmall) {
  std::array<uint8_t, 30> buf{};
  MessageBuilder b(Method::kBinding, Class::kRequest, Txid(), buf);
  b.AddUsername("0123456789");
  EXPECT_EQ(b.status().code(), absl::StatusCode::kResourceExhausted);
  std::array<uint8_t, 10> tiny{};
  MessageBuilder c(Method::kBinding, Class::kRequest, Txid(), tiny);
  EXPECT_EQ(c.status().code(), absl::StatusCode::kResourceExhausted);
}

TEST(BuilderTest, BuildMovesOutOnce) {
  MessageBuilder b(Method::kBinding, Class::kRequest, Txid());
  b.AddPriority(1);
  ASSERT_TRUE(b.Build().ok());
  EXPECT_EQ(b.Build().status().code(), absl::StatusCode::kFailedPrecondition);
  b.AddPriority(2);  // ignored, does not touch the moved-out storage
  EXPECT_FALSE(b.status().ok());
}

TEST(BuilderTest, PaddingIsZeroByDefault) {
  auto wire = MessageBuilder(Method::kBinding, Class::kRequest, Txid())
                  .AddUsername("abcde")
                  .Build();
  ASSERT_TRUE(wire.ok());
  ASSERT_EQ(wire->size(), 20u + 4u + 8u);
  EXPECT_EQ((*wire)[29], 0);
  EXPECT_EQ((*wire)[30], 0);
  EXPECT_EQ((*wire)[31], 0);
}

TEST(BuilderTest, MethodMustFitTwelveBits) {
  MessageBuilder b(static_cast<Method>(0x1000), Class::kRequest, Txid());
  EXPECT_EQ(b.status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace simrtc::stun
