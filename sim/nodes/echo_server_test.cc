#include "sim/nodes/echo_server.h"

#include "core/base/sans_io.h"
#include "gtest/gtest.h"

namespace simrtc::sim {
namespace {

static_assert(SansIoEndpoint<EchoServer>);

Datagram Request(std::vector<uint8_t> payload) {
  Datagram d;
  d.local = SocketAddress(IpAddress::V4(198, 51, 100, 1), 7);
  d.remote = SocketAddress(IpAddress::V4(203, 0, 113, 9), 40000);
  d.payload = std::move(payload);
  return d;
}

TEST(EchoServerTest, EchoesImmediatelyFromTheReceivingAddress) {
  EchoServer echo({});
  ASSERT_EQ(echo.Bindings().size(), 1u);
  EXPECT_EQ(echo.Bindings()[0].port(), 7);
  EXPECT_FALSE(echo.Bindings()[0].ip().is_set());
  echo.Start(Timestamp::Zero());
  const Datagram d = Request({1, 2, 3, 4});
  echo.HandleDatagram(Timestamp::Millis(10), d);
  auto t = echo.PollTransmit();
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(t->local, d.local);
  EXPECT_EQ(t->remote, d.remote);
  EXPECT_EQ(t->payload, d.payload);
  EXPECT_FALSE(echo.PollTransmit().has_value());
  EXPECT_FALSE(echo.NextTimeout().has_value());
  const NodeReport r = echo.Report();
  EXPECT_EQ(r.metrics.at("requests"), 1);
  EXPECT_EQ(r.metrics.at("replies_sent"), 1);
  EXPECT_EQ(r.metrics.at("bytes_echoed"), 4);
}

TEST(EchoServerTest, DelayedRepeatedReplies) {
  EchoServerConfig c;
  c.reply_delay = TimeDelta::Seconds(10);
  c.replies_per_request = 3;
  c.reply_interval = TimeDelta::Seconds(20);
  EchoServer echo(c);
  echo.Start(Timestamp::Zero());
  echo.HandleDatagram(Timestamp::Seconds(1), Request({9}));
  EXPECT_FALSE(echo.PollTransmit().has_value());
  EXPECT_EQ(echo.NextTimeout(), Timestamp::Seconds(11));
  echo.HandleTimeout(Timestamp::Seconds(11));
  EXPECT_TRUE(echo.PollTransmit().has_value());
  EXPECT_FALSE(echo.PollTransmit().has_value());
  EXPECT_EQ(echo.NextTimeout(), Timestamp::Seconds(31));
  echo.HandleTimeout(Timestamp::Seconds(60));  // late wake: both remaining
  EXPECT_TRUE(echo.PollTransmit().has_value());
  EXPECT_TRUE(echo.PollTransmit().has_value());
  EXPECT_FALSE(echo.NextTimeout().has_value());
  EXPECT_EQ(echo.Report().metrics.at("replies_sent"), 3);
}

TEST(EchoServerTest, KeepaliveIsPeriodic) {
  EchoServerConfig c;
  c.keepalive_target = SocketAddress(IpAddress::V4(198, 51, 100, 2), 9);
  c.keepalive_interval = TimeDelta::Seconds(5);
  EchoServer echo(c);
  echo.Start(Timestamp::Seconds(2));
  auto t = echo.PollTransmit();
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(t->remote, *c.keepalive_target);
  EXPECT_EQ(t->local.port(), 7);
  EXPECT_EQ(echo.NextTimeout(), Timestamp::Seconds(7));
  echo.HandleTimeout(Timestamp::Seconds(7));
  EXPECT_TRUE(echo.PollTransmit().has_value());
  EXPECT_EQ(echo.Report().metrics.at("keepalives_sent"), 2);
}

}  // namespace
}  // namespace simrtc::sim
