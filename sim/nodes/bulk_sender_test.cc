#include "sim/nodes/bulk_sender.h"

#include "core/base/sans_io.h"
#include "gtest/gtest.h"
#include "sim/nodes/bulk_receiver.h"

namespace simrtc::sim {
namespace {

static_assert(SansIoEndpoint<BulkSender>);

const SocketAddress kRx(IpAddress::V4(10, 0, 0, 1), 6001);
const SocketAddress kTx(IpAddress::V4(10, 0, 0, 2), 6000);

TEST(BulkSenderTest, RateModeFollowsTheExactSchedule) {
  BulkSenderConfig c;
  c.target = kRx;
  c.packet_size = 1000;
  c.rate_bps = 3'000'000;  // 8000 bits per packet: one every 2666.67 us
  c.duration = TimeDelta::Millis(20);
  BulkSender tx(c);
  tx.Start(Timestamp::Zero());
  std::vector<Timestamp> times;
  while (true) {
    while (auto t = tx.PollTransmit()) {
      EXPECT_EQ(t->payload.size(), 1000u);
      EXPECT_EQ(t->remote, kRx);
    }
    auto next = tx.NextTimeout();
    if (!next) break;
    times.push_back(*next);
    tx.HandleTimeout(*next);
  }
  const NodeReport r = tx.Report();
  // Sends at k * 8000 / 3e6 s for k = 0..7 (k = 8 is at 21.33 ms > 20 ms).
  EXPECT_EQ(r.metrics.at("packets_sent"), 8);
  EXPECT_EQ(times[0], Timestamp::Micros(2666));
  EXPECT_EQ(times[2], Timestamp::Micros(8000));
  EXPECT_EQ(r.states.at("done"), Timestamp::Millis(20));
  EXPECT_NEAR(r.metrics.at("send_rate_bps"), 3e6, 3e6 * 0.001);
}

TEST(BulkSenderTest, WindowModeIsClockedByAcksAndWritesOffLosses) {
  BulkSenderConfig c;
  c.target = kRx;
  c.packet_size = 100;
  c.window_packets = 4;
  c.ack_timeout = TimeDelta::Millis(50);
  c.duration = TimeDelta::Seconds(1);
  BulkSender tx(c);
  BulkReceiver rx({});
  tx.Start(Timestamp::Zero());
  rx.Start(Timestamp::Zero());

  std::vector<Transmit> flight;
  while (auto t = tx.PollTransmit()) flight.push_back(*t);
  ASSERT_EQ(flight.size(), 4u);
  // Deliver two of them; their acks open two slots.
  for (int i = 0; i < 2; ++i) {
    Datagram d{kRx, kTx, Transport::kUdp, flight[i].payload};
    rx.HandleDatagram(Timestamp::Millis(10), d);
  }
  while (auto ack = rx.PollTransmit()) {
    tx.HandleDatagram(Timestamp::Millis(20),
                      Datagram{kTx, kRx, Transport::kUdp, ack->payload});
  }
  int more = 0;
  while (tx.PollTransmit()) ++more;
  EXPECT_EQ(more, 2);
  // The two undelivered ones time out at 50 ms and are replaced.
  EXPECT_EQ(tx.NextTimeout(), Timestamp::Millis(50));
  tx.HandleTimeout(Timestamp::Millis(50));
  more = 0;
  while (tx.PollTransmit()) ++more;
  EXPECT_EQ(more, 2);
  const NodeReport r = tx.Report();
  EXPECT_EQ(r.metrics.at("packets_sent"), 8);
  EXPECT_EQ(r.metrics.at("acks_received"), 2);
  EXPECT_EQ(r.metrics.at("unacked_timeouts"), 2);
  EXPECT_EQ(r.metrics.at("ack_rtt_avg_ms"), 20);
}

TEST(BulkSenderTest, MaxPacketsStops) {
  BulkSenderConfig c;
  c.target = kRx;
  c.rate_bps = 1'000'000;
  c.max_packets = 3;
  BulkSender tx(c);
  tx.Start(Timestamp::Zero());
  int sent = 0;
  while (true) {
    while (tx.PollTransmit()) ++sent;
    auto next = tx.NextTimeout();
    if (!next) break;
    tx.HandleTimeout(*next);
  }
  EXPECT_EQ(sent, 3);
  EXPECT_TRUE(tx.Report().states.count("done"));
}

}  // namespace
}  // namespace simrtc::sim
