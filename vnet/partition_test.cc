// Partitions between hosts and routers, one-way and two-way, and healing.
#include <string>

#include "gtest/gtest.h"
#include "vnet/network.h"
#include "vnet/test_util.h"

namespace simrtc::vnet {
namespace {

using testing::Addr;
using testing::Driver;
using testing::MakeHost;
using testing::MakeRouter;

// internet: servers s1 (.10) and s2 (.20); home (full cone NAT) with
// laptop; office (plain routing, 198.51.100.0/24) with desk.
void Build(Driver& d) {
  d.AddRouter(MakeRouter("internet", "", {"203.0.113.0/24"}));
  d.AddRouter(MakeRouter("home", "internet", {"192.168.1.0/24"},
                         NatConfig::Preset("full_cone")));
  d.AddRouter(MakeRouter("office", "internet", {"198.51.100.0/24"}));
  d.AddHost(MakeHost("s1", "internet", {"203.0.113.10"}));
  d.AddHost(MakeHost("s2", "internet", {"203.0.113.20"}));
  d.AddHost(MakeHost("laptop", "home"));
  d.AddHost(MakeHost("desk", "office"));
}

const SocketAddress kS1 = Addr("203.0.113.10:1");
const SocketAddress kS2 = Addr("203.0.113.20:1");
const SocketAddress kDesk = Addr("198.51.100.2:1");

bool Delivered(Driver& d, std::string_view from, const SocketAddress& src,
               const SocketAddress& dst) {
  d.deliveries.clear();
  d.Send(from, src, dst);
  d.RunUntilIdle();
  return d.deliveries.size() == 1;
}

TEST(PartitionTest, OneWayBlocksOnlyThatDirection) {
  Driver d;
  Build(d);
  ASSERT_TRUE(d.net.Partition(d.now, "s1", "s2", false).ok());
  EXPECT_FALSE(Delivered(d, "s1", kS1, kS2));
  EXPECT_TRUE(Delivered(d, "s2", kS2, kS1));
  EXPECT_EQ(d.net.host_link_stats(d.Host("s2"))
                .down.dropped_for(DropReason::kLinkDown),
            1);
}

TEST(PartitionTest, TwoWayAndHeal) {
  Driver d;
  Build(d);
  ASSERT_TRUE(d.net.Partition(d.now, "s1", "s2", true).ok());
  EXPECT_FALSE(Delivered(d, "s1", kS1, kS2));
  EXPECT_FALSE(Delivered(d, "s2", kS2, kS1));
  ASSERT_TRUE(d.net.Heal(d.now, "s2", "s1").ok());
  EXPECT_TRUE(Delivered(d, "s1", kS1, kS2));
  EXPECT_TRUE(Delivered(d, "s2", kS2, kS1));
  EXPECT_EQ(d.net.Heal(d.now, "s1", "s2").code(), absl::StatusCode::kNotFound);
}

TEST(PartitionTest, CoversEverythingBehindARouter) {
  Driver d;
  Build(d);
  ASSERT_TRUE(d.net.Partition(d.now, "office", "home", true).ok());
  // laptop -> desk: leaves home fine, refused entering office.
  EXPECT_FALSE(Delivered(d, "laptop", Addr("192.168.1.2:5000"), kDesk));
  EXPECT_EQ(d.net.router_uplink_stats(*d.net.FindRouter("office"))
                .down.dropped_for(DropReason::kLinkDown),
            1);
  // Other traffic of both LANs is untouched.
  EXPECT_TRUE(Delivered(d, "laptop", Addr("192.168.1.2:5000"), kS1));
  EXPECT_TRUE(Delivered(d, "desk", kDesk, kS1));
  // desk -> laptop's (open, full cone) mapping: refused entering home.
  EXPECT_FALSE(Delivered(d, "desk", kDesk, Addr("203.0.113.2:5000")));
  EXPECT_TRUE(Delivered(d, "s1", kS1, Addr("203.0.113.2:5000")));
  ASSERT_TRUE(d.net.Heal(d.now, "home", "office").ok());
  EXPECT_TRUE(Delivered(d, "desk", kDesk, Addr("203.0.113.2:5000")));
}

TEST(PartitionTest, PacketsAlreadyInFlightStillArrive) {
  Driver d;
  d.AddRouter(MakeRouter("lan", "", {"10.0.0.0/24"}));
  d.AddHost(MakeHost("a", "lan"));
  HostConfig b = MakeHost("b", "lan");
  b.link.down.delay.base = TimeDelta::Millis(50);
  d.AddHost(b);
  d.Send("a", Addr("10.0.0.2:1"), Addr("10.0.0.3:1"));
  d.Advance(TimeDelta::Millis(10));  // now on b's link
  ASSERT_TRUE(d.net.Partition(d.now, "a", "b", true).ok());
  d.Send("a", Addr("10.0.0.2:1"), Addr("10.0.0.3:1"));
  d.RunUntilIdle();
  ASSERT_EQ(d.deliveries.size(), 1u);
  EXPECT_EQ(d.deliveries[0].at, Timestamp::Millis(50));
}

TEST(PartitionTest, ErrorsNameTheProblem) {
  Driver d;
  Build(d);
  absl::Status s = d.net.Partition(d.now, "s1", "ghost", true);
  EXPECT_EQ(s.code(), absl::StatusCode::kNotFound);
  EXPECT_NE(std::string(s.message()).find("'ghost'"), std::string::npos);
  s = d.net.Partition(d.now, "laptop", "home", true);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  s = d.net.Partition(d.now, "internet", "desk", false);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  s = d.net.Partition(d.now, "s1", "s1", false);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace simrtc::vnet
