#include "sim/nodes/stun_server.h"

#include "core/base/sans_io.h"
#include "core/stun/builder.h"
#include "core/stun/message.h"
#include "gtest/gtest.h"

namespace simrtc::sim {
namespace {

static_assert(SansIoEndpoint<StunServer>);

const SocketAddress kServer(IpAddress::V4(198, 51, 100, 1), 3478);
const SocketAddress kClient(IpAddress::V4(203, 0, 113, 7), 40001);

Datagram To(std::vector<uint8_t> payload) {
  return Datagram{kServer, kClient, Transport::kUdp, std::move(payload)};
}

stun::TransactionId Id(uint8_t b) {
  stun::TransactionId id;
  id.bytes.fill(b);
  return id;
}

TEST(StunServerTest, AnswersBindingWithXorMappedAddress) {
  StunServerConfig c;
  c.software = "simrtc";
  StunServer server(c);
  server.Start(Timestamp::Zero());
  stun::MessageBuilder b(stun::Method::kBinding, stun::Class::kRequest, Id(1));
  b.AddFingerprint();
  server.HandleDatagram(Timestamp::Millis(1), To(*b.Build()));
  auto t = server.PollTransmit();
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(t->local, kServer);
  EXPECT_EQ(t->remote, kClient);
  auto msg = stun::Message::Parse(t->payload);
  ASSERT_TRUE(msg.ok()) << msg.status();
  EXPECT_EQ(msg->message_class(), stun::Class::kSuccess);
  EXPECT_EQ(msg->transaction_id(), Id(1));
  EXPECT_EQ(*msg->GetXorMappedAddress(), kClient);
  EXPECT_EQ(*msg->GetSoftware(), "simrtc");
  EXPECT_TRUE(msg->VerifyFingerprint().ok());
  EXPECT_EQ(server.Report().metrics.at("responses_sent"), 1);
}

TEST(StunServerTest, UnknownComprehensionRequiredGets420) {
  StunServer server({});
  server.Start(Timestamp::Zero());
  stun::MessageBuilder b(stun::Method::kBinding, stun::Class::kRequest, Id(2));
  const uint8_t flags[4] = {0, 0, 0, 6};
  b.AddRaw(static_cast<stun::AttributeType>(0x0003), flags);  // CHANGE-REQUEST
  server.HandleDatagram(Timestamp::Millis(1), To(*b.Build()));
  auto t = server.PollTransmit();
  ASSERT_TRUE(t.has_value());
  auto msg = stun::Message::Parse(t->payload);
  ASSERT_TRUE(msg.ok());
  EXPECT_EQ(msg->message_class(), stun::Class::kError);
  EXPECT_EQ(msg->GetErrorCode()->code, 420);
  auto unknown = msg->GetUnknownAttributes();
  ASSERT_TRUE(unknown.ok());
  ASSERT_EQ(unknown->size(), 1u);
  EXPECT_EQ(static_cast<uint16_t>((*unknown)[0]), 0x0003);
}

TEST(StunServerTest, OtherMethodsGet400) {
  StunServer server({});
  server.Start(Timestamp::Zero());
  stun::MessageBuilder b(stun::Method::kAllocate, stun::Class::kRequest, Id(3));
  server.HandleDatagram(Timestamp::Millis(1), To(*b.Build()));
  auto t = server.PollTransmit();
  ASSERT_TRUE(t.has_value());
  auto msg = stun::Message::Parse(t->payload);
  ASSERT_TRUE(msg.ok());
  EXPECT_EQ(msg->GetErrorCode()->code, 400);
  EXPECT_EQ(server.Report().metrics.at("errors_sent"), 1);
}

TEST(StunServerTest, DropsGarbageIndicationsAndBadFingerprints) {
  StunServer server({});
  server.Start(Timestamp::Zero());
  server.HandleDatagram(Timestamp::Millis(1), To({1, 2, 3, 4}));
  stun::MessageBuilder ind(stun::Method::kBinding, stun::Class::kIndication,
                           Id(4));
  server.HandleDatagram(Timestamp::Millis(2), To(*ind.Build()));
  stun::MessageBuilder fp(stun::Method::kBinding, stun::Class::kRequest, Id(5));
  fp.AddFingerprint();
  std::vector<uint8_t> wire = *fp.Build();
  wire.back() ^= 1;
  server.HandleDatagram(Timestamp::Millis(3), To(wire));
  EXPECT_FALSE(server.PollTransmit().has_value());
  const NodeReport r = server.Report();
  EXPECT_EQ(r.metrics.at("ignored"), 2);
  EXPECT_EQ(r.metrics.at("malformed"), 1);
  EXPECT_EQ(r.metrics.at("requests"), 0);
}

}  // namespace
}  // namespace simrtc::sim
