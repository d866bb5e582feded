#include "sim/nodes/stun_client.h"

#include "core/base/sans_io.h"
#include "gtest/gtest.h"
#include "sim/nodes/stun_server.h"

namespace simrtc::sim {
namespace {

static_assert(SansIoEndpoint<StunClient>);

TEST(StunClientTest, PeriodicQueriesNoticeMappingChanges) {
  const SocketAddress server_addr(IpAddress::V4(198, 51, 100, 1), 3478);
  StunClientConfig c;
  c.server = server_addr;
  c.count = 3;
  c.interval = TimeDelta::Seconds(10);
  StunClient client(c, Rng(1));
  StunServer server({});
  server.Start(Timestamp::Zero());
  client.Start(Timestamp::Zero());
  Timestamp now = Timestamp::Zero();
  uint16_t mapped_port = 40000;
  int lost = 0;
  auto pump = [&] {
    while (auto t = client.PollTransmit()) {
      EXPECT_EQ(t->remote, server_addr);
      if (now == Timestamp::Seconds(10) && lost++ == 0) continue;  // drop one
      server.HandleDatagram(
          now,
          Datagram{server_addr,
                   SocketAddress(IpAddress::V4(203, 0, 113, 1), mapped_port),
                   Transport::kUdp, t->payload});
    }
    while (auto t = server.PollTransmit()) {
      client.HandleDatagram(
          now, Datagram{SocketAddress(IpAddress::V4(10, 0, 0, 2), 5200),
                        t->remote, Transport::kUdp, t->payload});
    }
  };
  pump();
  while (auto next = client.NextTimeout()) {
    now = *next;
    if (now >= Timestamp::Seconds(20)) mapped_port = 40001;  // rebinding
    client.HandleTimeout(now);
    pump();
  }
  const NodeReport r = client.Report();
  EXPECT_EQ(r.metrics.at("requests_sent"), 3);
  EXPECT_EQ(r.metrics.at("responses"), 3);
  EXPECT_EQ(r.metrics.at("timeouts"), 0);
  EXPECT_EQ(r.metrics.at("mapped_changes"), 1);
  // One retransmission after 250 ms in the second transaction.
  EXPECT_NEAR(r.metrics.at("rtt_avg_ms"), 250.0 / 3, 1e-9);
  EXPECT_EQ(r.details.at("mapped_address"), "203.0.113.1:40001");
  EXPECT_EQ(r.states.at("mapped"), Timestamp::Zero());
  EXPECT_EQ(r.states.at("done"), Timestamp::Seconds(20));
}

}  // namespace
}  // namespace simrtc::sim
