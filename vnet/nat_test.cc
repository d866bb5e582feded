// RFC 4787 NAT behaviour, observed end to end through the network: which
// external endpoint a server sees and which inbound packets get through.
#include "vnet/nat.h"

#include <memory>
#include <set>
#include <string>
#include <tuple>
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

// internet 203.0.113.0/24 with servers s1 (.10) and s2 (.20); router "home"
// (NAT, WAN 203.0.113.2) serving 192.168.1.0/24 with "client" (.2) and
// "peer" (.3). All links ideal.
std::unique_ptr<Driver> World(const NatConfig& nat, uint64_t seed = 1) {
  auto d = std::make_unique<Driver>(seed);
  d->AddRouter(MakeRouter("internet", "", {"203.0.113.0/24"}));
  d->AddRouter(MakeRouter("home", "internet", {"192.168.1.0/24"}, nat));
  d->AddHost(MakeHost("s1", "internet", {"203.0.113.10"}));
  d->AddHost(MakeHost("s2", "internet", {"203.0.113.20"}));
  d->AddHost(MakeHost("client", "home"));
  d->AddHost(MakeHost("peer", "home"));
  return d;
}

const SocketAddress kS1a = Addr("203.0.113.10:7000");
const SocketAddress kS1b = Addr("203.0.113.10:7001");
const SocketAddress kS2a = Addr("203.0.113.20:7000");

// Sends from host:port to dst and returns the source the receiver saw
// (unset if nothing arrived).
SocketAddress SeenAs(Driver& d, std::string_view host, uint16_t port,
                     const SocketAddress& dst) {
  d.deliveries.clear();
  d.SendFrom(host, port, dst);
  d.RunUntilIdle();
  if (d.deliveries.size() != 1) return SocketAddress();
  return d.deliveries[0].datagram.remote;
}

// Sends from a server endpoint to `to`; true if something arrived.
bool Reaches(Driver& d, std::string_view host, const SocketAddress& from,
             const SocketAddress& to) {
  d.deliveries.clear();
  d.Send(host, from, to);
  d.RunUntilIdle();
  return d.deliveries.size() == 1;
}

NatConfig Behaviour(MappingBehavior m, FilteringBehavior f) {
  NatConfig c;
  c.mapping = m;
  c.filtering = f;
  return c;
}

class MappingFilteringTest
    : public ::testing::TestWithParam<
          std::tuple<MappingBehavior, FilteringBehavior>> {};

TEST_P(MappingFilteringTest, BehavesPerRfc4787) {
  const auto [mapping, filtering] = GetParam();
  const NatConfig nat = Behaviour(mapping, filtering);

  // Mapping: the external endpoint seen by three destinations.
  {
    auto d = World(nat);
    const SocketAddress e1 = SeenAs(*d, "client", 5000, kS1a);
    const SocketAddress e2 = SeenAs(*d, "client", 5000, kS1b);
    const SocketAddress e3 = SeenAs(*d, "client", 5000, kS2a);
    ASSERT_TRUE(e1.is_set() && e2.is_set() && e3.is_set());
    EXPECT_EQ(e1.ip(), Ip("203.0.113.2"));
    switch (mapping) {
      case MappingBehavior::kEndpointIndependent:
        EXPECT_EQ(e1, e2);
        EXPECT_EQ(e1, e3);
        EXPECT_EQ(d->net.NatBindings(1).size(), 1u);
        break;
      case MappingBehavior::kAddressDependent:
        EXPECT_EQ(e1, e2);  // same address, other port: same mapping
        EXPECT_NE(e1, e3);
        EXPECT_EQ(d->net.NatBindings(1).size(), 2u);
        break;
      case MappingBehavior::kAddressAndPortDependent:
        EXPECT_NE(e1, e2);
        EXPECT_NE(e1, e3);
        EXPECT_NE(e2, e3);
        EXPECT_EQ(d->net.NatBindings(1).size(), 3u);
        break;
    }
    EXPECT_EQ(e1.port(), 5000);  // port preservation for the first mapping
  }

  // Filtering: after one packet to s1:7000, who may send back to it?
  {
    auto d = World(nat);
    const SocketAddress e1 = SeenAs(*d, "client", 5000, kS1a);
    ASSERT_TRUE(e1.is_set());
    const bool same_endpoint = Reaches(*d, "s1", kS1a, e1);
    const bool same_address = Reaches(*d, "s1", kS1b, e1);
    const bool other_address = Reaches(*d, "s2", kS2a, e1);
    EXPECT_TRUE(same_endpoint);
    EXPECT_EQ(same_address,
              filtering != FilteringBehavior::kAddressAndPortDependent);
    EXPECT_EQ(other_address,
              filtering == FilteringBehavior::kEndpointIndependent);
    const int refused = !same_address + !other_address;
    EXPECT_EQ(d->net.nat_stats(1).dropped_for(DropReason::kFiltered), refused);
    // A port nobody mapped is refused as such, whatever the filtering.
    EXPECT_FALSE(Reaches(*d, "s1", kS1a, Addr("203.0.113.2:5999")));
    EXPECT_EQ(d->net.nat_stats(1).dropped_for(DropReason::kNoBinding), 1);
  }
}

INSTANTIATE_TEST_SUITE_P(
    AllNine, MappingFilteringTest,
    ::testing::Combine(
        ::testing::Values(MappingBehavior::kEndpointIndependent,
                          MappingBehavior::kAddressDependent,
                          MappingBehavior::kAddressAndPortDependent),
        ::testing::Values(FilteringBehavior::kEndpointIndependent,
                          FilteringBehavior::kAddressDependent,
                          FilteringBehavior::kAddressAndPortDependent)));

TEST(NatTest, PresetsNameTheClassicTypes) {
  auto check = [](std::string_view name, MappingBehavior m,
                  FilteringBehavior f) {
    std::optional<NatConfig> c = NatConfig::Preset(name);
    ASSERT_TRUE(c.has_value()) << name;
    EXPECT_EQ(c->mapping, m) << name;
    EXPECT_EQ(c->filtering, f) << name;
  };
  check("full_cone", MappingBehavior::kEndpointIndependent,
        FilteringBehavior::kEndpointIndependent);
  check("restricted_cone", MappingBehavior::kEndpointIndependent,
        FilteringBehavior::kAddressDependent);
  check("port_restricted_cone", MappingBehavior::kEndpointIndependent,
        FilteringBehavior::kAddressAndPortDependent);
  check("symmetric", MappingBehavior::kAddressAndPortDependent,
        FilteringBehavior::kAddressAndPortDependent);
  EXPECT_FALSE(NatConfig::Preset("cone").has_value());
}

TEST(NatTest, PortPreservationFallsBackWhenTheInternalPortIsTaken) {
  NatConfig nat;
  nat.port_min = 20000;
  nat.port_max = 20100;
  auto d = World(nat);
  // Outside the range: not preserved, first sequential port instead.
  EXPECT_EQ(SeenAs(*d, "client", 5000, kS1a).port(), 20000);
  EXPECT_EQ(SeenAs(*d, "client", 20050, kS1a).port(), 20050);
  // Same internal port on another host: taken, so the next free one.
  EXPECT_EQ(SeenAs(*d, "peer", 20050, kS1a).port(), 20001);

  nat.port_preservation = false;
  auto e = World(nat);
  EXPECT_EQ(SeenAs(*e, "client", 20050, kS1a).port(), 20000);
}

TEST(NatTest, PortParityIsKept) {
  NatConfig nat;
  nat.port_preservation = false;
  nat.port_parity = true;
  nat.port_min = 20000;
  nat.port_max = 20100;
  auto d = World(nat);
  // Sequential: the next port after the last one handed out that has the
  // internal port's parity.
  EXPECT_EQ(SeenAs(*d, "client", 5001, kS1a).port(), 20001);
  EXPECT_EQ(SeenAs(*d, "client", 5002, kS1a).port(), 20002);
  EXPECT_EQ(SeenAs(*d, "client", 5004, kS1a).port(), 20004);
  EXPECT_EQ(SeenAs(*d, "peer", 6001, kS1a).port(), 20005);
  for (int i = 0; i < 20; ++i) {
    const uint16_t port = static_cast<uint16_t>(7000 + i);
    EXPECT_EQ(SeenAs(*d, "peer", port, kS1a).port() % 2, port % 2);
  }
}

std::vector<uint16_t> SymmetricPorts(const NatConfig& nat, uint64_t seed) {
  auto d = World(nat, seed);
  std::vector<uint16_t> ports;
  for (int i = 0; i < 8; ++i) {
    ports.push_back(
        SeenAs(*d, "client", 5000,
               SocketAddress(kS1a.ip(), static_cast<uint16_t>(7000 + i)))
            .port());
  }
  return ports;
}

TEST(NatTest, SequentialAndRandomAllocation) {
  NatConfig nat = *NatConfig::Preset("symmetric");
  nat.port_preservation = false;
  nat.port_min = 30000;
  nat.port_max = 39999;
  EXPECT_EQ(SymmetricPorts(nat, 1),
            (std::vector<uint16_t>{30000, 30001, 30002, 30003, 30004, 30005,
                                   30006, 30007}));

  nat.allocation = PortAllocation::kRandom;
  const std::vector<uint16_t> r1 = SymmetricPorts(nat, 1);
  EXPECT_EQ(r1, SymmetricPorts(nat, 1));  // reproducible per seed
  EXPECT_NE(r1, SymmetricPorts(nat, 2));  // and seed-dependent
  std::set<uint16_t> distinct(r1.begin(), r1.end());
  EXPECT_EQ(distinct.size(), r1.size());
  int consecutive = 0;
  for (size_t i = 0; i < r1.size(); ++i) {
    EXPECT_GE(r1[i], 30000);
    EXPECT_LE(r1[i], 39999);
    if (i > 0 && r1[i] == r1[i - 1] + 1) ++consecutive;
  }
  EXPECT_LT(consecutive, 3);
}

TEST(NatTest, RunsOutOfPorts) {
  NatConfig nat = *NatConfig::Preset("symmetric");
  nat.port_min = 30000;
  nat.port_max = 30001;
  auto d = World(nat);
  EXPECT_TRUE(SeenAs(*d, "client", 5000, kS1a).is_set());
  EXPECT_TRUE(SeenAs(*d, "client", 5000, kS1b).is_set());
  EXPECT_FALSE(SeenAs(*d, "client", 5000, kS2a).is_set());
  EXPECT_EQ(d->net.nat_stats(1).dropped_for(DropReason::kNoPortFree), 1);
}

TEST(NatTest, PairedPoolingKeepsOneExternalAddressPerHost) {
  NatConfig nat = *NatConfig::Preset("symmetric");
  nat.public_ips = {Ip("203.0.113.100"), Ip("203.0.113.101")};
  auto d = World(nat);
  std::set<IpAddress> client_ips, peer_ips;
  for (int i = 0; i < 6; ++i) {
    const SocketAddress dst(kS1a.ip(), static_cast<uint16_t>(7000 + i));
    client_ips.insert(SeenAs(*d, "client", 5000, dst).ip());
    peer_ips.insert(SeenAs(*d, "peer", 5000, dst).ip());
  }
  EXPECT_EQ(client_ips, std::set<IpAddress>{Ip("203.0.113.100")});
  EXPECT_EQ(peer_ips, std::set<IpAddress>{Ip("203.0.113.101")});
}

TEST(NatTest, ArbitraryPoolingSpreadsMappingsOverAddresses) {
  NatConfig nat = *NatConfig::Preset("symmetric");
  nat.public_ips = {Ip("203.0.113.100"), Ip("203.0.113.101")};
  nat.pooling = AddressPooling::kArbitrary;
  auto d = World(nat);
  std::set<IpAddress> client_ips;
  for (int i = 0; i < 6; ++i) {
    const SocketAddress dst(kS1a.ip(), static_cast<uint16_t>(7000 + i));
    client_ips.insert(SeenAs(*d, "client", 5000, dst).ip());
  }
  EXPECT_EQ(client_ips,
            (std::set<IpAddress>{Ip("203.0.113.100"), Ip("203.0.113.101")}));
  // Replies to either address reach the client: both are routed to home.
  for (const auto& [internal, external] : d->net.NatBindings(1)) {
    EXPECT_EQ(internal, SocketAddress(d->HostIp("client"), 5000));
  }
}

TEST(NatTest, HairpinningTranslatesBackInWithTheSendersMapping) {
  NatConfig nat = *NatConfig::Preset("full_cone");
  nat.hairpinning = true;
  auto d = World(nat);
  const SocketAddress peer_ext = SeenAs(*d, "peer", 6000, kS1a);
  const SocketAddress client_ext = SeenAs(*d, "client", 5000, kS1a);
  ASSERT_TRUE(peer_ext.is_set() && client_ext.is_set());
  d->deliveries.clear();
  d->SendFrom("client", 5000, peer_ext);
  d->RunUntilIdle();
  ASSERT_EQ(d->deliveries.size(), 1u);
  EXPECT_EQ(d->deliveries[0].host, d->Host("peer"));
  EXPECT_EQ(d->deliveries[0].datagram.local,
            SocketAddress(d->HostIp("peer"), 6000));
  EXPECT_EQ(d->deliveries[0].datagram.remote, client_ext);
  EXPECT_EQ(d->net.nat_stats(1).hairpinned, 1);

  nat.hairpinning = false;
  auto e = World(nat);
  const SocketAddress peer_ext2 = SeenAs(*e, "peer", 6000, kS1a);
  EXPECT_FALSE(SeenAs(*e, "client", 5000, peer_ext2).is_set());
  EXPECT_EQ(e->net.nat_stats(1).dropped_for(DropReason::kNoHairpin), 1);
}

TEST(NatTest, HairpinnedPacketsAreFiltered) {
  NatConfig nat = *NatConfig::Preset("port_restricted_cone");
  nat.hairpinning = true;
  auto d = World(nat);
  const SocketAddress peer_ext = SeenAs(*d, "peer", 6000, kS1a);
  const SocketAddress client_ext = SeenAs(*d, "client", 5000, kS1a);
  // peer never sent to client's mapping: refused.
  EXPECT_FALSE(SeenAs(*d, "client", 5000, peer_ext).is_set());
  EXPECT_EQ(d->net.nat_stats(1).dropped_for(DropReason::kFiltered), 1);
  // client's attempt opened client's mapping to peer_ext, so peer's answer
  // passes, and from then on both ways do.
  EXPECT_EQ(SeenAs(*d, "peer", 6000, client_ext), peer_ext);
  EXPECT_EQ(SeenAs(*d, "client", 5000, peer_ext), client_ext);
  EXPECT_EQ(d->net.nat_stats(1).hairpinned, 2);
}

TEST(NatTest, BindingExpiresExactlyAfterLifetimeWithoutRefresh) {
  NatConfig nat;
  nat.binding_lifetime = TimeDelta::Seconds(30);
  for (const int64_t at_us : {29'999'999, 30'000'000}) {
    auto d = World(nat);
    const SocketAddress ext = SeenAs(*d, "client", 5000, kS1a);
    d->RunUntil(Timestamp::Micros(at_us));
    const bool alive = Reaches(*d, "s1", kS1a, ext);
    EXPECT_EQ(alive, at_us < 30'000'000) << at_us;
    EXPECT_EQ(d->net.nat_stats(1).active_bindings, alive ? 1 : 0);
    EXPECT_EQ(d->net.nat_stats(1).bindings_expired, alive ? 0 : 1);
    EXPECT_EQ(d->net.NatBindings(1).size(), alive ? 1u : 0u);
  }
}

TEST(NatTest, InboundToAnExpiredBindingIsCountedApartFromNoBinding) {
  NatConfig nat;
  nat.binding_lifetime = TimeDelta::Seconds(30);
  auto d = World(nat);
  const SocketAddress ext = SeenAs(*d, "client", 5000, kS1a);
  ASSERT_TRUE(ext.is_set());
  // Swept at exactly 30 s, then hit; and again later: still remembered.
  d->RunUntil(Timestamp::Seconds(30));
  EXPECT_FALSE(Reaches(*d, "s1", kS1a, ext));
  d->RunUntil(Timestamp::Seconds(40));
  EXPECT_FALSE(Reaches(*d, "s1", kS1a, ext));
  // A port that never had a mapping is something else.
  EXPECT_FALSE(Reaches(*d, "s1", kS1a, Addr("203.0.113.2:5999")));
  const NatStats& stats = d->net.nat_stats(1);
  EXPECT_EQ(stats.dropped_for(DropReason::kExpiredBinding), 2);
  EXPECT_EQ(stats.dropped_for(DropReason::kNoBinding), 1);
  EXPECT_EQ(stats.bindings_expired, 1);

  // A new binding on the same endpoint ends the memory of the old one: once
  // it expires in turn, it is one expired binding again, not two.
  EXPECT_EQ(SeenAs(*d, "client", 5000, kS1a), ext);  // port preserved
  EXPECT_TRUE(Reaches(*d, "s1", kS1a, ext));
  d->RunUntil(Timestamp::Seconds(80));
  EXPECT_FALSE(Reaches(*d, "s1", kS1a, ext));
  EXPECT_EQ(stats.dropped_for(DropReason::kExpiredBinding), 3);
  EXPECT_EQ(stats.bindings_expired, 2);
}

TEST(NatTest, ExpiredBindingsInTheTraceNameTheReason) {
  NatConfig nat;
  nat.binding_lifetime = TimeDelta::Seconds(5);
  auto d = World(nat);
  const SocketAddress ext = SeenAs(*d, "client", 5000, kS1a);
  std::vector<DropReason> reasons;
  d->net.SetTraceSink([&](const TraceRecord& r) {
    if (r.kind == TraceRecord::Kind::kDrop) reasons.push_back(r.reason);
  });
  d->RunUntil(Timestamp::Seconds(6));
  EXPECT_FALSE(Reaches(*d, "s1", kS1a, ext));
  ASSERT_EQ(reasons.size(), 1u);
  EXPECT_EQ(reasons[0], DropReason::kExpiredBinding);
  EXPECT_EQ(DropReasonName(reasons[0]), "expired_binding");
}

TEST(NatTest, HairpinToAnExpiredBindingIsAnExpiredBindingDrop) {
  NatConfig nat;
  nat.hairpinning = true;
  nat.binding_lifetime = TimeDelta::Seconds(10);
  auto d = World(nat);
  const SocketAddress peer_ext = SeenAs(*d, "peer", 6000, kS1a);
  ASSERT_TRUE(peer_ext.is_set());
  d->RunUntil(Timestamp::Seconds(20));
  EXPECT_FALSE(SeenAs(*d, "client", 5000, peer_ext).is_set());
  EXPECT_EQ(d->net.nat_stats(1).dropped_for(DropReason::kExpiredBinding), 1);
}

TEST(NatTest, ExpireNatBindingsEndsThemAsExpiredNotForgotten) {
  auto d = World(*NatConfig::Preset("full_cone"));
  const SocketAddress client_ext = SeenAs(*d, "client", 5000, kS1a);
  const SocketAddress peer_ext = SeenAs(*d, "peer", 6000, kS1a);
  ASSERT_TRUE(client_ext.is_set() && peer_ext.is_set());
  ASSERT_TRUE(d->net.ExpireNatBindings(d->now, "home").ok());
  EXPECT_TRUE(d->net.NatBindings(1).empty());
  const NatStats& stats = d->net.nat_stats(1);
  EXPECT_EQ(stats.active_bindings, 0);
  EXPECT_EQ(stats.bindings_expired, 2);
  EXPECT_FALSE(Reaches(*d, "s1", kS1a, client_ext));
  EXPECT_FALSE(Reaches(*d, "s1", kS1a, peer_ext));
  EXPECT_EQ(stats.dropped_for(DropReason::kExpiredBinding), 2);
  EXPECT_EQ(stats.dropped_for(DropReason::kNoBinding), 0);
  // Outbound traffic makes a fresh binding (the port is free again).
  EXPECT_EQ(SeenAs(*d, "client", 5000, kS1a), client_ext);
  EXPECT_EQ(stats.bindings_created, 3);

  // A flush afterwards forgets what had expired: no_binding from then on.
  ASSERT_TRUE(d->net.FlushNatBindings(d->now, "home").ok());
  EXPECT_FALSE(Reaches(*d, "s1", kS1a, client_ext));
  EXPECT_FALSE(Reaches(*d, "s1", kS1a, peer_ext));
  EXPECT_EQ(stats.dropped_for(DropReason::kNoBinding), 2);
  EXPECT_EQ(stats.dropped_for(DropReason::kExpiredBinding), 2);
  EXPECT_EQ(stats.bindings_expired, 2);  // flushing is not expiring

  EXPECT_EQ(d->net.ExpireNatBindings(d->now, "internet").code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(d->net.ExpireNatBindings(d->now, "nope").code(),
            absl::StatusCode::kNotFound);
}

TEST(NatTest, OutboundTrafficRefreshesTheBinding) {
  NatConfig nat;
  nat.binding_lifetime = TimeDelta::Seconds(30);
  auto d = World(nat);
  const SocketAddress ext = SeenAs(*d, "client", 5000, kS1a);
  d->RunUntil(Timestamp::Seconds(20));
  EXPECT_EQ(SeenAs(*d, "client", 5000, kS1a), ext);  // refresh at 20 s
  d->RunUntil(Timestamp::Seconds(45));
  EXPECT_TRUE(Reaches(*d, "s1", kS1a, ext));
  d->RunUntil(Timestamp::Seconds(50));
  EXPECT_FALSE(Reaches(*d, "s1", kS1a, ext));
  // After expiry a new mapping is made (here the same port again).
  EXPECT_EQ(d->net.nat_stats(1).bindings_created, 1);
  SeenAs(*d, "client", 5000, kS1a);
  EXPECT_EQ(d->net.nat_stats(1).bindings_created, 2);
}

TEST(NatTest, InboundTrafficRefreshesOnlyWhenConfigured) {
  for (const bool inbound_refreshes : {false, true}) {
    NatConfig nat;
    nat.binding_lifetime = TimeDelta::Seconds(30);
    nat.inbound_refreshes = inbound_refreshes;
    auto d = World(nat);
    const SocketAddress ext = SeenAs(*d, "client", 5000, kS1a);
    d->RunUntil(Timestamp::Seconds(20));
    EXPECT_TRUE(Reaches(*d, "s1", kS1a, ext));
    d->RunUntil(Timestamp::Seconds(40));
    EXPECT_EQ(Reaches(*d, "s1", kS1a, ext), inbound_refreshes);
  }
}

TEST(NatTest, ExpirySweepUpdatesStatsWithoutTraffic) {
  NatConfig nat;
  nat.binding_lifetime = TimeDelta::Seconds(10);
  auto d = World(nat);
  SeenAs(*d, "client", 5000, kS1a);
  SeenAs(*d, "peer", 5000, kS1a);
  EXPECT_EQ(d->net.nat_stats(1).active_bindings, 2);
  d->RunUntil(Timestamp::Seconds(10));
  EXPECT_EQ(d->net.nat_stats(1).active_bindings, 0);
  EXPECT_EQ(d->net.nat_stats(1).bindings_expired, 2);
}

TEST(NatTest, StaticOneToOneBypassesMappingAndFiltering) {
  NatConfig nat = *NatConfig::Preset("symmetric");
  nat.static_mappings = {{Ip("192.168.1.50"), Ip("203.0.113.50")}};
  auto d = World(nat);
  d->AddHost(MakeHost("dmz", "home", {"192.168.1.50"}));
  // Unsolicited inbound reaches it, port kept.
  EXPECT_TRUE(Reaches(*d, "s1", kS1a, Addr("203.0.113.50:8000")));
  EXPECT_EQ(d->deliveries[0].datagram.local, Addr("192.168.1.50:8000"));
  // Outbound keeps the port and uses the static address for every peer.
  EXPECT_EQ(SeenAs(*d, "dmz", 8000, kS1a), Addr("203.0.113.50:8000"));
  EXPECT_EQ(SeenAs(*d, "dmz", 8000, kS2a), Addr("203.0.113.50:8000"));
  EXPECT_TRUE(d->net.NatBindings(1).empty());
}

TEST(NatTest, FirewallBlocksUdpBothWaysButNotTcp) {
  NatConfig nat;
  nat.block_udp = true;
  auto d = World(nat);
  EXPECT_FALSE(SeenAs(*d, "client", 5000, kS1a).is_set());
  EXPECT_FALSE(Reaches(*d, "s1", kS1a, Addr("203.0.113.2:5000")));
  EXPECT_EQ(d->net.nat_stats(1).dropped_for(DropReason::kFirewall), 2);

  Transmit tcp;
  tcp.local = SocketAddress(d->HostIp("client"), 5000);
  tcp.remote = kS1a;
  tcp.transport = Transport::kTcp;
  d->deliveries.clear();
  ASSERT_TRUE(d->net.Send(d->now, d->Host("client"), tcp).ok());
  d->RunUntilIdle();
  ASSERT_EQ(d->deliveries.size(), 1u);
  EXPECT_EQ(d->deliveries[0].datagram.transport, Transport::kTcp);
}

TEST(NatTest, FlushRemovesBindings) {
  auto d = World(*NatConfig::Preset("full_cone"));
  const SocketAddress ext = SeenAs(*d, "client", 5000, kS1a);
  ASSERT_TRUE(d->net.FlushNatBindings(d->now, "home").ok());
  EXPECT_TRUE(d->net.NatBindings(1).empty());
  EXPECT_FALSE(Reaches(*d, "s1", kS1a, ext));
  // Flushed bindings are forgotten, not expired.
  EXPECT_EQ(d->net.nat_stats(1).dropped_for(DropReason::kNoBinding), 1);
  EXPECT_EQ(d->net.nat_stats(1).dropped_for(DropReason::kExpiredBinding), 0);
  EXPECT_EQ(d->net.nat_stats(1).bindings_expired, 0);
  EXPECT_EQ(d->net.FlushNatBindings(d->now, "internet").code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(d->net.FlushNatBindings(d->now, "nope").code(),
            absl::StatusCode::kNotFound);
}

// The table on its own: listing order and the family rule.
TEST(NatTableTest, BindingsAreSortedAndFamiliesNeedAnAddress) {
  Nat nat(NatConfig{}, {Ip("203.0.113.2")}, Rng(1));
  const Timestamp t = Timestamp::Zero();
  ASSERT_TRUE(
      nat.Outbound(t, Transport::kUdp, Addr("192.168.1.9:5000"), kS1a).ok);
  ASSERT_TRUE(
      nat.Outbound(t, Transport::kUdp, Addr("192.168.1.3:5001"), kS1a).ok);
  const auto list = nat.Bindings(t);
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].first, Addr("192.168.1.3:5001"));
  EXPECT_EQ(list[1].first, Addr("192.168.1.9:5000"));
  const Nat::Result v6 = nat.Outbound(t, Transport::kUdp, Addr("[fd00::2]:1"),
                                      Addr("[2001:db8::1]:1"));
  EXPECT_FALSE(v6.ok);
  EXPECT_EQ(v6.reason, DropReason::kNoRoute);
}

// The memory of expired endpoints is bounded: beyond the cap the oldest
// expiries are forgotten and count as no_binding again.
TEST(NatTableTest, ExpiredBindingMemoryIsBounded) {
  NatConfig config;
  config.binding_lifetime = TimeDelta::Seconds(1);
  Nat nat(config, {Ip("203.0.113.2")}, Rng(1));
  constexpr int kExtra = 3;
  constexpr int kBindings =
      static_cast<int>(Nat::kExpiredBindingMemory) + kExtra;
  std::vector<SocketAddress> external;
  for (int i = 0; i < kBindings; ++i) {
    const SocketAddress internal(Ip("192.168.1.9"),
                                 static_cast<uint16_t>(10000 + i));
    const Nat::Result r =
        nat.Outbound(Timestamp::Zero(), Transport::kUdp, internal, kS1a);
    ASSERT_TRUE(r.ok) << i;
    external.push_back(r.address);
  }
  // All expire in one sweep, in binding order.
  nat.ExpireDue(Timestamp::Seconds(1));
  EXPECT_EQ(nat.stats().bindings_expired, kBindings);
  const Timestamp t = Timestamp::Seconds(2);
  for (int i = 0; i < kBindings; ++i) {
    const Nat::Result r = nat.Inbound(t, Transport::kUdp, kS1a, external[i]);
    EXPECT_FALSE(r.ok);
    EXPECT_EQ(r.reason,
              i < kExtra ? DropReason::kNoBinding : DropReason::kExpiredBinding)
        << i;
  }
  EXPECT_EQ(nat.stats().dropped_for(DropReason::kNoBinding), kExtra);
  EXPECT_EQ(nat.stats().dropped_for(DropReason::kExpiredBinding),
            static_cast<int64_t>(Nat::kExpiredBindingMemory));
}

// Without a sweep, the lookup itself finds the binding expired.
TEST(NatTableTest, LookupOfAnUnsweptExpiredBindingCountsAsExpired) {
  NatConfig config;
  config.binding_lifetime = TimeDelta::Seconds(30);
  Nat nat(config, {Ip("203.0.113.2")}, Rng(1));
  const Nat::Result out = nat.Outbound(Timestamp::Zero(), Transport::kUdp,
                                       Addr("192.168.1.9:5000"), kS1a);
  ASSERT_TRUE(out.ok);
  EXPECT_TRUE(nat.Inbound(Timestamp::Micros(29'999'999), Transport::kUdp, kS1a,
                          out.address)
                  .ok);
  const Nat::Result late =
      nat.Inbound(Timestamp::Seconds(30), Transport::kUdp, kS1a, out.address);
  EXPECT_FALSE(late.ok);
  EXPECT_EQ(late.reason, DropReason::kExpiredBinding);
  EXPECT_EQ(nat.stats().bindings_expired, 1);
  EXPECT_EQ(
      nat.Inbound(Timestamp::Seconds(31), Transport::kUdp, kS1a, out.address)
          .reason,
      DropReason::kExpiredBinding);
}

TEST(NatTableTest, ExpireAllKeepsAddressPairing) {
  NatConfig config;
  config.pooling = AddressPooling::kPaired;
  Nat nat(config, {Ip("203.0.113.2"), Ip("203.0.113.3")}, Rng(1));
  const Timestamp t = Timestamp::Zero();
  const SocketAddress a = Addr("192.168.1.9:5000");
  const SocketAddress b = Addr("192.168.1.10:5000");
  const Nat::Result first = nat.Outbound(t, Transport::kUdp, a, kS1a);
  const Nat::Result second = nat.Outbound(t, Transport::kUdp, b, kS1a);
  ASSERT_TRUE(first.ok && second.ok);
  ASSERT_NE(first.address.ip(), second.address.ip());
  nat.ExpireAll();
  EXPECT_TRUE(nat.Bindings(t).empty());
  EXPECT_EQ(nat.stats().bindings_expired, 2);
  EXPECT_EQ(nat.Inbound(t, Transport::kUdp, kS1a, first.address).reason,
            DropReason::kExpiredBinding);
  // b comes back first, yet keeps its external address.
  EXPECT_EQ(nat.Outbound(t, Transport::kUdp, b, kS1a).address, second.address);
  EXPECT_EQ(nat.Outbound(t, Transport::kUdp, a, kS1a).address, first.address);
}

}  // namespace
}  // namespace simrtc::vnet
