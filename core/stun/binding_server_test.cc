#include "core/stun/binding_server.h"

#include "core/base/rng.h"
#include "core/stun/builder.h"
#include "core/stun/message.h"
#include "gtest/gtest.h"

namespace simrtc::stun {
namespace {

const SocketAddress kServer(IpAddress::V4(192, 0, 2, 1), 3478);
const SocketAddress kClient(IpAddress::V4(198, 51, 100, 7), 40000);

Datagram From(std::vector<uint8_t> bytes) {
  return Datagram{kServer, kClient, Transport::kUdp, std::move(bytes)};
}

TEST(BindingServerTest, AnswersWithMappedAddresses) {
  Rng rng(1);
  BindingServer server;
  auto req = MessageBuilder(Method::kBinding, Class::kRequest, rng)
                 .AddFingerprint()
                 .Build()
                 .value();
  server.HandleDatagram(Timestamp::Zero(), From(req));
  auto tx = server.PollTransmit();
  ASSERT_TRUE(tx);
  EXPECT_EQ(tx->local, kServer);
  EXPECT_EQ(tx->remote, kClient);
  auto m = Message::Parse(tx->payload).value();
  EXPECT_EQ(m.message_class(), Class::kSuccess);
  EXPECT_EQ(m.transaction_id(), Message::Parse(req)->transaction_id());
  EXPECT_EQ(m.GetXorMappedAddress().value(), kClient);
  EXPECT_EQ(m.GetMappedAddress().value(), kClient);
  EXPECT_EQ(m.GetSoftware().value(), "simrtc");
  EXPECT_TRUE(m.VerifyFingerprint().ok());
  EXPECT_FALSE(server.PollTransmit());
}

TEST(BindingServerTest, UnknownComprehensionRequiredGets420) {
  Rng rng(2);
  const uint8_t v[4] = {1, 2, 3, 4};
  auto req = MessageBuilder(Method::kBinding, Class::kRequest, rng)
                 .AddRaw(static_cast<AttributeType>(0x7777), v)
                 .AddRaw(static_cast<AttributeType>(0xC001), v)
                 .Build()
                 .value();
  auto r = AnswerBinding(req, kClient);
  ASSERT_TRUE(r);
  auto m = Message::Parse(*r).value();
  EXPECT_EQ(m.message_class(), Class::kError);
  EXPECT_EQ(m.GetErrorCode()->code, 420);
  EXPECT_EQ(m.GetUnknownAttributes().value(),
            std::vector<AttributeType>{static_cast<AttributeType>(0x7777)});
}

TEST(BindingServerTest, MalformedBodyGets400) {
  Rng rng(3);
  auto req = MessageBuilder(Method::kBinding, Class::kRequest, rng)
                 .AddSoftware("x")
                 .Build()
                 .value();
  // Attribute length claims more than the message holds.
  req[kHeaderSize + 3] = 40;
  auto r = AnswerBinding(req, kClient);
  ASSERT_TRUE(r);
  auto m = Message::Parse(*r).value();
  EXPECT_EQ(m.GetErrorCode()->code, 400);
  EXPECT_EQ(m.transaction_id().span()[0], req[8]);
}

TEST(BindingServerTest, IgnoresIndicationsResponsesAndGarbage) {
  Rng rng(4);
  BindingServer server;
  server.HandleDatagram(
      Timestamp::Zero(),
      From(MessageBuilder(Method::kBinding, Class::kIndication, rng)
               .Build()
               .value()));
  server.HandleDatagram(
      Timestamp::Zero(),
      From(MessageBuilder(Method::kBinding, Class::kSuccess, rng)
               .Build()
               .value()));
  server.HandleDatagram(
      Timestamp::Zero(),
      From(MessageBuilder(Method::kAllocate, Class::kRequest, rng)
               .Build()
               .value()));
  server.HandleDatagram(Timestamp::Zero(), From({0x16, 0xfe, 0xfd, 0, 0}));
  server.HandleDatagram(Timestamp::Zero(), From({}));
  // Bad fingerprint.
  auto req = MessageBuilder(Method::kBinding, Class::kRequest, rng)
                 .AddFingerprint()
                 .Build()
                 .value();
  req.back() ^= 1;
  server.HandleDatagram(Timestamp::Zero(), From(req));
  EXPECT_FALSE(server.PollTransmit());
  EXPECT_EQ(server.requests_answered(), 0u);
}

}  // namespace
}  // namespace simrtc::stun
