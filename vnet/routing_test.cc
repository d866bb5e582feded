// Routing: one LAN, nested routers with and without NAT, dual stack,
// multicast, address changes and routing drops.
#include <string>

#include "gtest/gtest.h"
#include "vnet/network.h"
#include "vnet/test_util.h"

namespace simrtc::vnet {
namespace {

using testing::Addr;
using testing::Driver;
using testing::Ip;
using testing::MakeHost;
using testing::MakeRouter;

TEST(RoutingTest, TwoHostsOnOneLanWithAutoAddresses) {
  Driver d;
  d.AddRouter(MakeRouter("lan", "", {"10.0.0.0/24"}));
  d.AddHost(MakeHost("a", "lan"));
  d.AddHost(MakeHost("b", "lan"));
  // prefix+1 is the router's; hosts count up from prefix+2 in add order.
  EXPECT_EQ(d.HostIp("a"), Ip("10.0.0.2"));
  EXPECT_EQ(d.HostIp("b"), Ip("10.0.0.3"));

  const uint64_t id = d.Send("a", Addr("10.0.0.2:1000"), Addr("10.0.0.3:2000"));
  d.RunUntilIdle();
  ASSERT_EQ(d.deliveries.size(), 1u);
  const Delivery& got = d.deliveries[0];
  EXPECT_EQ(got.host, d.Host("b"));
  EXPECT_EQ(got.packet_id, id);
  EXPECT_EQ(got.datagram.local, Addr("10.0.0.3:2000"));
  EXPECT_EQ(got.datagram.remote, Addr("10.0.0.2:1000"));
  EXPECT_EQ(got.datagram.payload.size(), 100u);
  EXPECT_EQ(got.at, Timestamp::Zero());
}

TEST(RoutingTest, AutoAssignmentSkipsTakenAddressesDeterministically) {
  Driver d;
  d.AddRouter(MakeRouter("lan", "", {"10.0.0.0/29"}));
  d.AddHost(MakeHost("fixed", "lan", {"10.0.0.3"}));
  d.AddHost(MakeHost("a", "lan"));
  d.AddHost(MakeHost("b", "lan"));
  d.AddHost(MakeHost("c", "lan"));
  EXPECT_EQ(d.HostIp("a"), Ip("10.0.0.2"));
  EXPECT_EQ(d.HostIp("b"), Ip("10.0.0.4"));
  EXPECT_EQ(d.HostIp("c"), Ip("10.0.0.5"));
  d.AddHost(MakeHost("e", "lan"));  // .6 is the last before broadcast .7
  EXPECT_EQ(d.HostIp("e"), Ip("10.0.0.6"));
  absl::StatusOr<HostId> full = d.net.AddHost(MakeHost("f", "lan"));
  EXPECT_EQ(full.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_NE(std::string(full.status().message()).find("host 'f'"),
            std::string::npos);
}

TEST(RoutingTest, DualStackHostGetsOneAddressPerFamily) {
  Driver d;
  d.AddRouter(MakeRouter("lan", "", {"10.0.0.0/24", "fd00:1::/64"}));
  d.AddHost(MakeHost("a", "lan"));
  d.AddHost(MakeHost("b", "lan"));
  EXPECT_EQ(d.HostIp("a", IpFamily::kIPv6), Ip("fd00:1::2"));
  EXPECT_EQ(d.HostIp("b", IpFamily::kIPv6), Ip("fd00:1::3"));
  d.Send("a", Addr("[fd00:1::2]:5"), Addr("[fd00:1::3]:6"));
  d.Send("a", Addr("10.0.0.2:5"), Addr("10.0.0.3:6"));
  d.RunUntilIdle();
  ASSERT_EQ(d.deliveries.size(), 2u);
  EXPECT_EQ(d.deliveries[0].datagram.remote, Addr("[fd00:1::2]:5"));
  EXPECT_EQ(d.deliveries[1].datagram.remote, Addr("10.0.0.2:5"));
}

TEST(RoutingTest, NestedPlainRoutersKeepAddresses) {
  Driver d;
  d.AddRouter(MakeRouter("internet", "", {"1.0.0.0/8"}));
  d.AddRouter(MakeRouter("isp", "internet", {"1.2.0.0/16"}));
  d.AddRouter(MakeRouter("office", "isp", {"1.2.3.0/24"}));
  d.AddHost(MakeHost("server", "internet"));
  d.AddHost(MakeHost("worker", "office"));
  d.AddHost(MakeHost("neighbour", "isp"));
  const IpAddress server = d.HostIp("server");
  const IpAddress worker = d.HostIp("worker");
  EXPECT_EQ(worker, Ip("1.2.3.2"));

  d.Send("worker", SocketAddress(worker, 1), SocketAddress(server, 2));
  d.Send("server", SocketAddress(server, 2), SocketAddress(worker, 1));
  d.Send("neighbour", SocketAddress(d.HostIp("neighbour"), 3),
         SocketAddress(worker, 1));
  d.RunUntilIdle();
  ASSERT_EQ(d.deliveries.size(), 3u);
  EXPECT_EQ(d.deliveries[0].datagram.remote, SocketAddress(worker, 1));
  EXPECT_EQ(d.deliveries[1].datagram.remote, SocketAddress(server, 2));
  EXPECT_EQ(d.deliveries[2].host, d.Host("worker"));
}

TEST(RoutingTest, HomeNatBehindCarrierNatBehindInternet) {
  Driver d;
  d.AddRouter(MakeRouter("internet", "", {"203.0.113.0/24"}));
  d.AddRouter(MakeRouter("carrier", "internet", {"100.64.0.0/16"},
                         NatConfig::Preset("full_cone")));
  d.AddRouter(MakeRouter("home", "carrier", {"192.168.1.0/24"},
                         NatConfig::Preset("full_cone")));
  d.AddHost(MakeHost("phone", "home"));
  d.AddHost(MakeHost("server", "internet"));
  const IpAddress carrier_wan =
      d.net.router_config(*d.net.FindRouter("carrier")).wan_addresses[0];
  const IpAddress home_wan =
      d.net.router_config(*d.net.FindRouter("home")).wan_addresses[0];
  EXPECT_EQ(carrier_wan, Ip("203.0.113.2"));
  EXPECT_EQ(home_wan, Ip("100.64.0.2"));
  const SocketAddress server(d.HostIp("server"), 3478);

  d.SendFrom("phone", 40000, server);
  d.RunUntilIdle();
  ASSERT_EQ(d.deliveries.size(), 1u);
  // Port preservation holds through both NATs.
  EXPECT_EQ(d.deliveries[0].datagram.remote, SocketAddress(carrier_wan, 40000));

  // The reply finds its way back through both translations.
  d.Send("server", server, d.deliveries[0].datagram.remote);
  d.RunUntilIdle();
  ASSERT_EQ(d.deliveries.size(), 2u);
  EXPECT_EQ(d.deliveries[1].host, d.Host("phone"));
  EXPECT_EQ(d.deliveries[1].datagram.local,
            SocketAddress(d.HostIp("phone"), 40000));
  EXPECT_EQ(d.deliveries[1].datagram.remote, server);
}

TEST(RoutingTest, TwoHomesMayShareAPrivateSubnet) {
  Driver d;
  d.AddRouter(MakeRouter("internet", "", {"203.0.113.0/24"}));
  d.AddRouter(MakeRouter("home1", "internet", {"192.168.1.0/24"},
                         NatConfig::Preset("full_cone")));
  d.AddRouter(MakeRouter("home2", "internet", {"192.168.1.0/24"},
                         NatConfig::Preset("full_cone")));
  d.AddHost(MakeHost("a", "home1"));
  d.AddHost(MakeHost("b", "home2"));
  EXPECT_EQ(d.HostIp("a"), d.HostIp("b"));
  // b opens its mapping (the packet itself dies at home1: no binding yet),
  // then a reaches b through it and b answers a's mapping.
  d.SendFrom("b", 5000, Addr("203.0.113.2:5000"));
  d.SendFrom("a", 5000, Addr("203.0.113.3:5000"));
  d.RunUntilIdle();
  ASSERT_EQ(d.deliveries.size(), 1u);
  EXPECT_EQ(d.deliveries[0].host, d.Host("b"));
  EXPECT_EQ(d.deliveries[0].datagram.remote, Addr("203.0.113.2:5000"));
  d.SendFrom("b", 5000, Addr("203.0.113.2:5000"));
  d.RunUntilIdle();
  ASSERT_EQ(d.deliveries.size(), 2u);
  EXPECT_EQ(d.deliveries[1].host, d.Host("a"));
  EXPECT_EQ(d.net.nat_stats(1).dropped_for(DropReason::kNoBinding), 1);
}

TEST(RoutingTest, MulticastReachesEveryOtherHostOnTheLanOnly) {
  Driver d;
  d.AddRouter(MakeRouter("lan", "", {"10.0.0.0/24", "fd00::/64"}));
  d.AddRouter(MakeRouter("sub", "lan", {"10.0.1.0/24"}));
  d.AddHost(MakeHost("a", "lan"));
  d.AddHost(MakeHost("b", "lan"));
  d.AddHost(MakeHost("c", "lan"));
  d.AddHost(MakeHost("far", "sub"));
  const SocketAddress group = Addr("224.0.0.251:5353");
  const uint64_t id = d.Send("a", SocketAddress(d.HostIp("a"), 5353), group);
  d.RunUntilIdle();
  ASSERT_EQ(d.deliveries.size(), 2u);
  EXPECT_EQ(d.deliveries[0].host, d.Host("b"));
  EXPECT_EQ(d.deliveries[1].host, d.Host("c"));
  for (const Delivery& got : d.deliveries) {
    EXPECT_EQ(got.packet_id, id);
    EXPECT_EQ(got.datagram.local, group);
    EXPECT_EQ(got.datagram.remote, SocketAddress(d.HostIp("a"), 5353));
  }
  d.deliveries.clear();

  // IPv6: "far" has no IPv6 and is on another LAN anyway.
  const SocketAddress group6 = Addr("[ff02::fb]:5353");
  d.Send("c", SocketAddress(d.HostIp("c", IpFamily::kIPv6), 5353), group6);
  d.RunUntilIdle();
  ASSERT_EQ(d.deliveries.size(), 2u);
  EXPECT_EQ(d.deliveries[0].host, d.Host("a"));
  EXPECT_EQ(d.deliveries[1].host, d.Host("b"));
  d.deliveries.clear();

  // Alone on its LAN: nobody hears it, and the drop is counted.
  d.Send("far", SocketAddress(d.HostIp("far"), 5353), group);
  d.RunUntilIdle();
  EXPECT_TRUE(d.deliveries.empty());
  EXPECT_EQ(d.net.nat_stats(*d.net.FindRouter("sub"))
                .dropped_for(DropReason::kNoRoute),
            1);
}

TEST(RoutingTest, UnknownDestinationsAreDroppedAsNoRoute) {
  Driver d;
  const RouterId internet =
      d.AddRouter(MakeRouter("internet", "", {"203.0.113.0/24"}));
  const RouterId home = d.AddRouter(MakeRouter(
      "home", "internet", {"192.168.1.0/24"}, NatConfig::Preset("full_cone")));
  d.AddHost(MakeHost("a", "home"));
  // Unassigned address on the own LAN: never leaves it.
  d.SendFrom("a", 1, Addr("192.168.1.77:1"));
  // Nowhere on the internet.
  d.SendFrom("a", 1, Addr("198.51.100.1:1"));
  d.RunUntilIdle();
  EXPECT_TRUE(d.deliveries.empty());
  EXPECT_EQ(d.net.nat_stats(home).dropped_for(DropReason::kNoRoute), 1);
  EXPECT_EQ(d.net.nat_stats(internet).dropped_for(DropReason::kNoRoute), 1);
}

TEST(RoutingTest, ChangeHostAddressDropsPacketsInFlightToTheOldOne) {
  Driver d;
  d.AddRouter(MakeRouter("lan", "", {"10.0.0.0/24"}));
  d.AddHost(MakeHost("a", "lan"));
  HostConfig b = MakeHost("b", "lan");
  b.link.down.delay.base = TimeDelta::Millis(10);
  d.AddHost(b);
  const SocketAddress old_b(d.HostIp("b"), 7);
  d.Send("a", SocketAddress(d.HostIp("a"), 7), old_b);  // in flight
  d.Advance(TimeDelta::Millis(5));
  ASSERT_TRUE(
      d.net.ChangeHostAddress(d.now, "b", old_b.ip(), Ip("10.0.0.99")).ok());
  EXPECT_EQ(d.net.HostAddresses(d.Host("b")),
            std::vector<IpAddress>{Ip("10.0.0.99")});
  d.Send("a", SocketAddress(d.HostIp("a"), 7), old_b);  // no longer routed
  d.Send("a", SocketAddress(d.HostIp("a"), 7), Addr("10.0.0.99:7"));
  d.RunUntilIdle();
  ASSERT_EQ(d.deliveries.size(), 1u);
  EXPECT_EQ(d.deliveries[0].datagram.local, Addr("10.0.0.99:7"));
  EXPECT_EQ(d.net.host_counters(d.Host("b")).dropped_for(DropReason::kNoRoute),
            1);
  EXPECT_EQ(d.net.nat_stats(0).dropped_for(DropReason::kNoRoute), 1);

  // Errors name what was wrong.
  absl::Status s =
      d.net.ChangeHostAddress(d.now, "b", Ip("10.0.0.50"), Ip("10.0.0.51"));
  EXPECT_EQ(s.code(), absl::StatusCode::kNotFound);
  s = d.net.ChangeHostAddress(d.now, "b", Ip("10.0.0.99"), Ip("10.0.0.2"));
  EXPECT_NE(std::string(s.message()).find("already used by host 'a'"),
            std::string::npos)
      << s;
  s = d.net.ChangeHostAddress(d.now, "b", Ip("10.0.0.99"), Ip("10.9.0.1"));
  EXPECT_NE(std::string(s.message()).find("outside the subnets"),
            std::string::npos)
      << s;
}

TEST(RoutingTest, SendValidatesTheLocalAddress) {
  Driver d;
  d.AddRouter(MakeRouter("lan", "", {"10.0.0.0/24"}));
  const HostId a = d.AddHost(MakeHost("a", "lan"));
  d.AddHost(MakeHost("b", "lan"));
  Transmit t;
  t.local = Addr("10.0.0.9:1");
  t.remote = Addr("10.0.0.3:1");
  absl::StatusOr<uint64_t> r = d.net.Send(d.now, a, t);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(std::string(r.status().message()).find("host 'a'"),
            std::string::npos);
  EXPECT_FALSE(d.net.Send(d.now, 42, t).ok());
  t.remote = Addr("[fd00::1]:1");
  t.local = SocketAddress(Ip("0.0.0.0"), 1);
  EXPECT_FALSE(d.net.Send(d.now, a, t).ok());  // no IPv6 on a

  // "Any" local address picks the host's address of that family.
  t.local = SocketAddress(Ip("0.0.0.0"), 1234);
  t.remote = Addr("10.0.0.3:1");
  ASSERT_TRUE(d.net.Send(d.now, a, t).ok());
  d.RunUntilIdle();
  ASSERT_EQ(d.deliveries.size(), 1u);
  EXPECT_EQ(d.deliveries[0].datagram.remote, Addr("10.0.0.2:1234"));
}

TEST(RoutingTest, LookupsAndConfigsReflectAssignment) {
  Driver d;
  d.AddRouter(MakeRouter("lan", "", {"10.0.0.0/24"}));
  d.AddHost(MakeHost("a", "lan"));
  EXPECT_EQ(d.net.host_count(), 1);
  EXPECT_EQ(d.net.router_count(), 1);
  EXPECT_FALSE(d.net.FindHost("lan").has_value());
  EXPECT_FALSE(d.net.FindRouter("a").has_value());
  EXPECT_EQ(d.net.host_config(0).addresses,
            std::vector<IpAddress>{Ip("10.0.0.2")});
  EXPECT_EQ(d.net.host_config(7).name, "");  // unknown id: empty, no crash
  EXPECT_TRUE(d.net.HostAddresses(-1).empty());
}

}  // namespace
}  // namespace simrtc::vnet
