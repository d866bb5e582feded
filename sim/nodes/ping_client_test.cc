#include "sim/nodes/ping_client.h"

#include "core/base/sans_io.h"
#include "gtest/gtest.h"

namespace simrtc::sim {
namespace {

static_assert(SansIoEndpoint<PingClient>);

const SocketAddress kServer(IpAddress::V4(198, 51, 100, 1), 7);
const SocketAddress kLocal(IpAddress::V4(10, 0, 0, 2), 5000);

Datagram EchoOf(const Transmit& t) {
  Datagram d;
  d.local = kLocal;
  d.remote = t.remote;
  d.payload = t.payload;
  return d;
}

TEST(PingClientTest, MeasuresRttAndLoss) {
  PingConfig c;
  c.target = kServer;
  c.count = 4;
  c.interval = TimeDelta::Millis(100);
  c.timeout = TimeDelta::Millis(500);
  c.payload_size = 100;
  PingClient ping(c);
  ping.Start(Timestamp::Zero());

  std::vector<Transmit> sent;
  auto drain = [&] {
    while (auto t = ping.PollTransmit()) sent.push_back(*t);
  };
  drain();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].remote, kServer);
  EXPECT_EQ(sent[0].local.port(), 5000);
  EXPECT_FALSE(sent[0].local.ip().is_set());
  EXPECT_EQ(sent[0].payload.size(), 100u);

  // Probe 0 answered after 30 ms, twice.
  ping.HandleDatagram(Timestamp::Millis(30), EchoOf(sent[0]));
  ping.HandleDatagram(Timestamp::Millis(31), EchoOf(sent[0]));
  EXPECT_EQ(ping.NextTimeout(), Timestamp::Millis(100));
  for (int k = 1; k < 4; ++k) {
    ping.HandleTimeout(Timestamp::Millis(100 * k));
    drain();
  }
  ASSERT_EQ(sent.size(), 4u);
  EXPECT_FALSE(ping.PollTransmit().has_value());
  // Probe 1 answered at 150 (RTT 50); 2 never; 3 after its timeout (late).
  ping.HandleDatagram(Timestamp::Millis(150), EchoOf(sent[1]));
  EXPECT_EQ(ping.NextTimeout(), Timestamp::Millis(700));  // probe 2's deadline
  ping.HandleTimeout(Timestamp::Millis(700));
  EXPECT_EQ(ping.NextTimeout(), Timestamp::Millis(800));
  ping.HandleTimeout(Timestamp::Millis(800));
  EXPECT_FALSE(ping.NextTimeout().has_value());
  ping.HandleDatagram(Timestamp::Millis(900), EchoOf(sent[3]));

  const NodeReport r = ping.Report();
  EXPECT_EQ(r.metrics.at("probes_sent"), 4);
  EXPECT_EQ(r.metrics.at("replies_received"), 2);
  EXPECT_EQ(r.metrics.at("lost"), 2);
  EXPECT_EQ(r.metrics.at("loss_pct"), 50);
  EXPECT_EQ(r.metrics.at("duplicates"), 1);
  EXPECT_EQ(r.metrics.at("late"), 1);
  EXPECT_EQ(r.metrics.at("replies_total"), 4);
  EXPECT_EQ(r.metrics.at("rtt_min_ms"), 30);
  EXPECT_EQ(r.metrics.at("rtt_max_ms"), 50);
  EXPECT_EQ(r.metrics.at("rtt_avg_ms"), 40);
  EXPECT_EQ(r.states.at("first_reply"), Timestamp::Millis(30));
  EXPECT_EQ(r.states.at("done"), Timestamp::Millis(800));
}

TEST(PingClientTest, IgnoresForeignDatagrams) {
  PingConfig c;
  c.target = kServer;
  c.count = 1;
  PingClient ping(c);
  ping.Start(Timestamp::Zero());
  Datagram junk;
  junk.local = kLocal;
  junk.remote = kServer;
  junk.payload = {1, 2, 3};
  ping.HandleDatagram(Timestamp::Millis(1), junk);
  junk.payload = {'S', 'P', 'N', 'G', 0, 0, 0, 9};  // unknown sequence
  ping.HandleDatagram(Timestamp::Millis(2), junk);
  EXPECT_EQ(ping.Report().metrics.at("foreign"), 2);
  EXPECT_EQ(ping.Report().metrics.at("replies_received"), 0);
}

}  // namespace
}  // namespace simrtc::sim
