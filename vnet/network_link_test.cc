// Link behaviour seen end to end through the network, including timeline
// changes.
#include <map>
#include <vector>

#include "gtest/gtest.h"
#include "vnet/network.h"
#include "vnet/test_util.h"

namespace simrtc::vnet {
namespace {

using testing::Addr;
using testing::Driver;
using testing::MakeHost;
using testing::MakeRouter;

const SocketAddress kTx = Addr("10.0.0.2:1000");
const SocketAddress kRx = Addr("10.0.0.3:2000");

// "tx" (10.0.0.2) and "rx" (10.0.0.3) on one LAN; tx's link as given.
void TwoHosts(Driver& d, const LinkConfig& tx_link,
              const LinkConfig& rx_link = {}) {
  d.AddRouter(MakeRouter("lan", "", {"10.0.0.0/24"}));
  HostConfig tx = MakeHost("tx", "lan");
  tx.link = tx_link;
  d.AddHost(tx);
  HostConfig rx = MakeHost("rx", "lan");
  rx.link = rx_link;
  d.AddHost(rx);
}

TEST(NetworkLinkTest, DelayAddsUpExactlyAcrossHops) {
  Driver d;
  LinkConfig tx, rx;
  tx.up.delay.base = TimeDelta::Millis(5);
  rx.down.delay.base = TimeDelta::Millis(7);
  TwoHosts(d, tx, rx);
  d.RunUntil(Timestamp::Millis(100));
  d.Send("tx", kTx, kRx);
  EXPECT_EQ(d.net.NextTimeout(), Timestamp::Millis(105));
  d.RunUntilIdle();
  ASSERT_EQ(d.deliveries.size(), 1u);
  EXPECT_EQ(d.deliveries[0].at, Timestamp::Millis(112));
  EXPECT_FALSE(d.net.NextTimeout().has_value());
}

TEST(NetworkLinkTest, JitterKeepsOrderUnlessReorderingIsAllowed) {
  for (const bool reorder : {false, true}) {
    Driver d(3);
    LinkConfig tx;
    tx.up.delay.base = TimeDelta::Millis(20);
    tx.up.delay.jitter = TimeDelta::Millis(20);
    tx.up.delay.allow_reordering = reorder;
    TwoHosts(d, tx);
    std::vector<uint64_t> sent;
    for (int i = 0; i < 500; ++i) {
      d.RunUntil(Timestamp::Millis(i));
      sent.push_back(d.Send("tx", kTx, kRx));
    }
    d.RunUntilIdle();
    ASSERT_EQ(d.deliveries.size(), sent.size());
    int inversions = 0;
    for (size_t i = 1; i < d.deliveries.size(); ++i) {
      inversions += d.deliveries[i].packet_id < d.deliveries[i - 1].packet_id;
    }
    if (reorder) {
      EXPECT_GT(inversions, 20);
    } else {
      EXPECT_EQ(inversions, 0);
    }
  }
}

TEST(NetworkLinkTest, SaturatedLinkGoodputQueueingAndDrops) {
  Driver d;
  LinkConfig tx;
  tx.up.bandwidth_bps = 1'000'000;
  tx.up.queue_packets = 20;
  TwoHosts(d, tx);
  // 1200-byte payloads every 5 ms: ~1.96 Mbit/s on the wire, twice the rate.
  std::map<uint64_t, Timestamp> sent_at;
  const int n = 2000;
  for (int i = 0; i < n; ++i) {
    d.RunUntil(Timestamp::Millis(5 * i));
    sent_at[d.Send("tx", kTx, kRx, 1200)] = d.now;
  }
  d.RunUntilIdle();
  const auto& got = d.deliveries;
  ASSERT_GT(got.size(), 100u);

  // Goodput: payload share of the configured rate, within 2%.
  const double seconds = (got.back().at - got.front().at).seconds();
  const double goodput =
      static_cast<double>(got.size() - 1) * 1200 * 8 / seconds;
  const double expected = 1e6 * 1200.0 / 1228.0;
  EXPECT_NEAR(goodput, expected, 0.02 * expected);

  // Queueing delay grows while the queue fills, then stays at its cap.
  const TimeDelta per_packet = TimeDelta::Micros(9824);  // 1228 B at 1 Mb/s
  std::vector<TimeDelta> latency;
  for (const Delivery& g : got) latency.push_back(g.at - sent_at[g.packet_id]);
  EXPECT_EQ(latency[0], per_packet);
  EXPECT_GT(latency[5], latency[1]);
  EXPECT_GT(latency[15], latency[5]);
  TimeDelta max_latency;
  for (TimeDelta l : latency) max_latency = std::max(max_latency, l);
  EXPECT_LE(max_latency, per_packet * 21);
  EXPECT_GT(max_latency, per_packet * 19);

  const TrafficCounters& up = d.net.host_link_stats(d.Host("tx")).up;
  EXPECT_GT(up.dropped_for(DropReason::kQueueFull), 0);
  EXPECT_EQ(up.packets_sent, n);
  EXPECT_EQ(up.packets_delivered + up.total_dropped(), n);
  EXPECT_EQ(static_cast<int64_t>(got.size()), up.packets_delivered);
  EXPECT_EQ(d.net.host_link_stats(d.Host("tx")).max_queue_bytes_seen,
            20 * 1228);
}

TEST(NetworkLinkTest, TimelineChangesApplyToLaterPackets) {
  Driver d;
  LinkConfig slow;
  slow.up.delay.base = TimeDelta::Millis(100);
  TwoHosts(d, slow);
  d.Send("tx", kTx, kRx);  // arrives at 100 ms
  d.RunUntil(Timestamp::Millis(10));
  LinkConfig fast;
  fast.up.delay.base = TimeDelta::Millis(1);
  ASSERT_TRUE(d.net.SetHostLink(d.now, "tx", fast).ok());
  d.Send("tx", kTx, kRx);  // would arrive at 11 ms, but not before the first
  d.RunUntil(Timestamp::Millis(200));
  d.Send("tx", kTx, kRx);
  d.RunUntilIdle();
  ASSERT_EQ(d.deliveries.size(), 3u);
  EXPECT_EQ(d.deliveries[0].at, Timestamp::Millis(100));
  EXPECT_EQ(d.deliveries[1].at, Timestamp::Millis(100));
  EXPECT_LT(d.deliveries[0].packet_id, d.deliveries[1].packet_id);
  EXPECT_EQ(d.deliveries[2].at, Timestamp::Millis(201));
  EXPECT_EQ(d.net.host_config(d.Host("tx")).link.up.delay.base,
            TimeDelta::Millis(1));
}

TEST(NetworkLinkTest, LinkDownAndUpAgain) {
  Driver d;
  TwoHosts(d, {});
  ASSERT_TRUE(d.net.SetLinkUp(d.now, "rx", false).ok());
  d.Send("tx", kTx, kRx);
  d.RunUntilIdle();
  EXPECT_TRUE(d.deliveries.empty());
  EXPECT_EQ(d.net.host_link_stats(d.Host("rx"))
                .down.dropped_for(DropReason::kLinkDown),
            1);
  ASSERT_TRUE(d.net.SetLinkUp(d.now, "rx", true).ok());
  d.Send("tx", kTx, kRx);
  d.RunUntilIdle();
  EXPECT_EQ(d.deliveries.size(), 1u);
  EXPECT_EQ(d.net.SetLinkUp(d.now, "lan", false).code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(d.net.SetLinkUp(d.now, "nobody", false).code(),
            absl::StatusCode::kNotFound);
}

TEST(NetworkLinkTest, DuplicatesShareThePacketId) {
  Driver d;
  LinkConfig tx;
  tx.up.duplicate = 1.0;
  TwoHosts(d, tx);
  const uint64_t id = d.Send("tx", kTx, kRx);
  d.RunUntilIdle();
  ASSERT_EQ(d.deliveries.size(), 2u);
  EXPECT_EQ(d.deliveries[0].packet_id, id);
  EXPECT_EQ(d.deliveries[1].packet_id, id);
  EXPECT_EQ(d.deliveries[0].datagram.payload, d.deliveries[1].datagram.payload);
  const TrafficCounters& up = d.net.host_link_stats(d.Host("tx")).up;
  EXPECT_EQ(up.duplicated, 1);
  EXPECT_EQ(up.packets_delivered, 2);
  EXPECT_EQ(d.net.host_counters(d.Host("rx")).packets_delivered, 2);
}

TEST(NetworkLinkTest, OversizedPacketsAreDroppedForMtu) {
  Driver d;
  LinkConfig rx;
  rx.down.mtu = 1280;
  TwoHosts(d, {}, rx);
  d.Send("tx", kTx, kRx, 1252);  // 1252 + 28 = 1280: fits
  d.Send("tx", kTx, kRx, 1253);
  d.Send("tx", kTx, kRx, 1473);  // too big for tx's 1500 already
  d.RunUntilIdle();
  ASSERT_EQ(d.deliveries.size(), 1u);
  EXPECT_EQ(
      d.net.host_link_stats(d.Host("rx")).down.dropped_for(DropReason::kMtu),
      1);
  EXPECT_EQ(
      d.net.host_link_stats(d.Host("tx")).up.dropped_for(DropReason::kMtu), 1);
}

TEST(NetworkLinkTest, RouterUplinkIsALinkToo) {
  Driver d;
  d.AddRouter(MakeRouter("internet", "", {"203.0.113.0/24"}));
  RouterConfig home = MakeRouter("home", "internet", {"192.168.1.0/24"},
                                 NatConfig::Preset("full_cone"));
  home.uplink.up.delay.base = TimeDelta::Millis(30);
  const RouterId h = d.AddRouter(home);
  d.AddHost(MakeHost("a", "home"));
  d.AddHost(MakeHost("s", "internet"));
  d.SendFrom("a", 5000, SocketAddress(d.HostIp("s"), 1));
  d.RunUntilIdle();
  ASSERT_EQ(d.deliveries.size(), 1u);
  EXPECT_EQ(d.deliveries[0].at, Timestamp::Millis(30));
  EXPECT_EQ(d.net.router_uplink_stats(h).up.packets_delivered, 1);
  EXPECT_EQ(d.net.router_uplink_stats(0).up.packets_sent, 0);  // root
  LinkConfig cut;
  cut.up.up = false;
  ASSERT_TRUE(d.net.SetRouterUplink(d.now, "home", cut).ok());
  d.SendFrom("a", 5000, SocketAddress(d.HostIp("s"), 1));
  d.RunUntilIdle();
  EXPECT_EQ(d.deliveries.size(), 1u);
  EXPECT_EQ(d.net.router_uplink_stats(h).up.dropped_for(DropReason::kLinkDown),
            1);
  EXPECT_EQ(d.net.SetRouterUplink(d.now, "internet", cut).code(),
            absl::StatusCode::kFailedPrecondition);
  LinkConfig bad;
  bad.down.loss.rate = 2;
  absl::Status s = d.net.SetRouterUplink(d.now, "home", bad);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(
      std::string(s.message()).find("router 'home' uplink down loss.rate"),
      std::string::npos)
      << s;
}

}  // namespace
}  // namespace simrtc::vnet
