// Every packet is accounted for: per link direction, per router, per host,
// and in the trace, under mixed traffic with every kind of drop.
#include <map>
#include <string>
#include <vector>

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

constexpr int kReasons = static_cast<int>(DropReason::kCount);

TEST(StatsTest, EverythingAddsUp) {
  Driver d(42);
  d.AddRouter(MakeRouter("internet", "", {"203.0.113.0/24"}));
  NatConfig nat = *NatConfig::Preset("port_restricted_cone");
  nat.binding_lifetime = TimeDelta::Millis(300);
  RouterConfig home = MakeRouter("home", "internet", {"192.168.1.0/24"}, nat);
  home.uplink.down.loss.rate = 0.05;
  d.AddRouter(home);
  d.AddRouter(MakeRouter("office", "internet", {"198.51.100.0/24"}));
  d.AddHost(MakeHost("s1", "internet", {"203.0.113.10"}));
  d.AddHost(MakeHost("s2", "internet", {"203.0.113.20"}));
  HostConfig laptop = MakeHost("laptop", "home");
  laptop.link.up.loss.rate = 0.1;
  laptop.link.up.bandwidth_bps = 2'000'000;
  laptop.link.up.queue_packets = 5;
  d.AddHost(laptop);
  d.AddHost(MakeHost("phone", "home"));
  HostConfig desk = MakeHost("desk", "office");
  desk.link.down.duplicate = 0.1;
  desk.link.down.delay.jitter = TimeDelta::Millis(3);
  desk.link.down.mtu = 1000;
  d.AddHost(desk);

  std::map<TraceRecord::Kind, int64_t> kinds;
  int64_t trace_drops[kReasons] = {};
  d.net.SetTraceSink([&](const TraceRecord& r) {
    ++kinds[r.kind];
    if (r.kind == TraceRecord::Kind::kDrop) {
      ++trace_drops[static_cast<int>(r.reason)];
    }
  });

  const std::vector<std::string> hosts = {"s1", "s2", "laptop", "phone",
                                          "desk"};
  const std::vector<SocketAddress> targets = {
      Addr("203.0.113.10:7"),   Addr("203.0.113.20:7"),
      Addr("198.51.100.2:7"),   Addr("203.0.113.2:5000"),  // home's mapping
      Addr("203.0.113.2:6000"), Addr("192.168.1.3:7"),     // phone
      Addr("203.0.113.99:7"),   Addr("192.168.1.200:7"),
  };
  Rng rng(7);
  for (int i = 0; i < 4000; ++i) {
    d.RunUntil(Timestamp::Micros(500 * i));
    const std::string& h = hosts[rng.Uniform(hosts.size())];
    SocketAddress dst = targets[rng.Uniform(targets.size())];
    if (d.HostIp(h).InSubnet(Ip("192.168.1.0"), 24) == false &&
        dst.ip().InSubnet(Ip("192.168.1.0"), 24)) {
      dst = Addr("203.0.113.2:5000");
    }
    d.SendFrom(h, 5000, dst, 200 + rng.Uniform(1200));
  }
  d.RunUntilIdle();
  d.Advance(TimeDelta::Seconds(1));  // let the idle bindings time out
  // Answers to the timed-out mapping die as expired, not as never mapped.
  constexpr int kLate = 20;
  for (int i = 0; i < kLate; ++i) {
    d.SendFrom("s1", 7, Addr("203.0.113.2:5000"));
    d.Advance(TimeDelta::Millis(1));
  }
  d.RunUntilIdle();

  int64_t sent = 0, delivered = 0, dropped = 0, dups = 0;
  int64_t by_reason[kReasons] = {};
  auto add_link = [&](const TrafficCounters& c, const std::string& what) {
    EXPECT_EQ(c.packets_sent + c.duplicated,
              c.packets_delivered + c.total_dropped())
        << what;
    dups += c.duplicated;
    dropped += c.total_dropped();
    for (int r = 0; r < kReasons; ++r) by_reason[r] += c.dropped[r];
  };
  for (HostId h = 0; h < d.net.host_count(); ++h) {
    const TrafficCounters& hc = d.net.host_counters(h);
    sent += hc.packets_sent;
    delivered += hc.packets_delivered;
    dropped += hc.total_dropped();
    for (int r = 0; r < kReasons; ++r) by_reason[r] += hc.dropped[r];
    add_link(d.net.host_link_stats(h).up, hosts[0] + " up");
    add_link(d.net.host_link_stats(h).down, "host down");
  }
  for (RouterId r = 0; r < d.net.router_count(); ++r) {
    add_link(d.net.router_uplink_stats(r).up, "router up");
    add_link(d.net.router_uplink_stats(r).down, "router down");
    const NatStats& ns = d.net.nat_stats(r);
    dropped += ns.total_dropped();
    for (int k = 0; k < kReasons; ++k) by_reason[k] += ns.dropped[k];
  }
  EXPECT_EQ(sent, 4000 + kLate);
  EXPECT_EQ(sent + dups, delivered + dropped);
  EXPECT_EQ(static_cast<int64_t>(d.deliveries.size()), delivered);

  // The trace tells the same story, reason by reason.
  EXPECT_EQ(kinds[TraceRecord::Kind::kSend], sent);
  EXPECT_EQ(kinds[TraceRecord::Kind::kDeliver], delivered);
  EXPECT_EQ(kinds[TraceRecord::Kind::kDrop], dropped);
  for (int r = 0; r < kReasons; ++r) {
    EXPECT_EQ(trace_drops[r], by_reason[r])
        << DropReasonName(static_cast<DropReason>(r));
  }
  for (DropReason r :
       {DropReason::kLoss, DropReason::kQueueFull, DropReason::kMtu,
        DropReason::kFiltered, DropReason::kNoRoute, DropReason::kNoBinding,
        DropReason::kExpiredBinding}) {
    EXPECT_GT(by_reason[static_cast<int>(r)], 0) << DropReasonName(r);
  }
  EXPECT_GT(dups, 0);
  const NatStats& ns = d.net.nat_stats(1);
  EXPECT_EQ(ns.bindings_created - ns.bindings_expired, ns.active_bindings);
  EXPECT_GT(ns.bindings_expired, 0);
  EXPECT_EQ(kinds[TraceRecord::Kind::kNatOut], ns.outbound_translated);
  EXPECT_EQ(kinds[TraceRecord::Kind::kNatIn], ns.inbound_translated);
}

TEST(StatsTest, DropReasonNamesAreStable) {
  EXPECT_EQ(DropReasonName(DropReason::kLoss), "loss");
  EXPECT_EQ(DropReasonName(DropReason::kQueueFull), "queue_full");
  EXPECT_EQ(DropReasonName(DropReason::kNoBinding), "no_binding");
  EXPECT_EQ(DropReasonName(DropReason::kExpiredBinding), "expired_binding");
  EXPECT_EQ(DropReasonName(DropReason::kNoHairpin), "no_hairpin");
  for (int r = 0; r < kReasons; ++r) {
    EXPECT_NE(DropReasonName(static_cast<DropReason>(r)), "unknown");
  }
  EXPECT_EQ(TraceKindName(TraceRecord::Kind::kNatIn), "nat_in");
}

}  // namespace
}  // namespace simrtc::vnet
