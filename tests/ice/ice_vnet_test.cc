// ICE agents over the virtual network: NAT traversal, loss, consent,
// restart, lite, role conflicts, relays, mDNS and determinism.
#include <gtest/gtest.h>

#include "tests/ice/ice_world.h"

namespace simrtc::ice::world {
namespace {

AgentConfig Controlling() {
  AgentConfig c;
  c.role = Role::kControlling;
  return c;
}
AgentConfig Controlled() {
  AgentConfig c;
  c.role = Role::kControlled;
  return c;
}

struct Pair {
  int a = -1;
  int b = -1;
};

// Agents on hosts "a" (controlling) and "b" with the STUN server.
Pair AddPair(IceWorld& w, AgentConfig ca = Controlling(),
             AgentConfig cb = Controlled(), bool relay = false) {
  ca.stun_servers = {w.StunAddress("stun")};
  cb.stun_servers = {w.StunAddress("stun")};
  Pair p;
  p.a = w.AddAgent("a", 5000, ca, relay);
  p.b = w.AddAgent("b", 6000, cb, relay);
  return p;
}

void ExpectSamePath(IceWorld& w, const Pair& p) {
  auto sa = w.agent(p.a).selected_pair();
  auto sb = w.agent(p.b).selected_pair();
  ASSERT_TRUE(sa.has_value());
  ASSERT_TRUE(sb.has_value());
  // Each side's local socket is what the other sees, modulo NAT: compare
  // what each side learned as the valid local with the other's remote.
  EXPECT_EQ(sa->local.address, sb->remote.address);
  EXPECT_EQ(sb->local.address, sa->remote.address);
}

void ExpectDataFlows(IceWorld& w, const Pair& p) {
  const uint8_t data[] = {23, 254, 253, 7, 7, 7};
  ASSERT_TRUE(w.agent(p.a).Send(w.now(), data).ok());
  ASSERT_TRUE(w.agent(p.b).Send(w.now(), data).ok());
  w.RunUntil(w.now() + TimeDelta::Millis(500));
  int got = 0;
  for (const std::string& line : w.log()) {
    got += line.find(" data ") != std::string::npos;
  }
  EXPECT_GE(got, 2);
}

TEST(IceVnetTest, NoNatSelectsHostPair) {
  IceWorld w(1);
  BuildTwoLans(w, "", "");
  Pair p = AddPair(w);
  w.Connect(p.a, p.b);
  ASSERT_TRUE(w.RunFor(TimeDelta::Seconds(10),
                       [&] { return w.BothConnected(p.a, p.b); }));
  auto sel = w.agent(p.a).selected_pair();
  EXPECT_EQ(sel->local.type, CandidateType::kHost);
  EXPECT_EQ(sel->remote.type, CandidateType::kHost);
  EXPECT_EQ(sel->remote.address.ip(), w.HostIp("b"));
  ExpectSamePath(w, p);
  ExpectDataFlows(w, p);
  // No NAT: the STUN answers equal the host addresses, so no srflx.
  for (const Candidate& c : w.agent(p.a).local_candidates()) {
    EXPECT_NE(c.type, CandidateType::kServerReflexive);
  }
}

TEST(IceVnetTest, FullConeBothSidesSelectsServerReflexivePair) {
  IceWorld w(2);
  BuildTwoLans(w, "full_cone", "full_cone");
  Pair p = AddPair(w);
  w.Connect(p.a, p.b);
  ASSERT_TRUE(w.RunFor(TimeDelta::Seconds(10),
                       [&] { return w.BothConnected(p.a, p.b); }));
  auto sa = w.agent(p.a).selected_pair();
  auto sb = w.agent(p.b).selected_pair();
  // The valid pair's local is our NAT mapping, which the STUN server
  // already taught us (srflx); the peer's side is its mapping too.
  EXPECT_EQ(sa->local.type, CandidateType::kServerReflexive);
  EXPECT_EQ(sb->local.type, CandidateType::kServerReflexive);
  EXPECT_EQ(sa->remote.address, sb->local.address);
  EXPECT_FALSE(sa->remote.address.ip().IsPrivate());
  ExpectDataFlows(w, p);
}

TEST(IceVnetTest, SymmetricAgainstFullConeFindsPeerReflexivePath) {
  IceWorld w(3);
  BuildTwoLans(w, "symmetric", "full_cone");
  Pair p = AddPair(w);
  w.Connect(p.a, p.b);
  ASSERT_TRUE(w.RunFor(TimeDelta::Seconds(15),
                       [&] { return w.BothConnected(p.a, p.b); }));
  auto sa = w.agent(p.a).selected_pair();
  auto sb = w.agent(p.b).selected_pair();
  // a's mapping towards b differs from the one the STUN server saw: a
  // learns it as a local prflx, b as a remote prflx.
  EXPECT_EQ(sa->local.type, CandidateType::kPeerReflexive);
  EXPECT_EQ(sb->remote.type, CandidateType::kPeerReflexive);
  EXPECT_EQ(sa->remote.type, CandidateType::kServerReflexive);
  ExpectSamePath(w, p);
  ExpectDataFlows(w, p);
}

TEST(IceVnetTest, SymmetricBothSidesWithoutRelayFails) {
  IceWorld w(4);
  BuildTwoLans(w, "symmetric", "symmetric");
  Pair p = AddPair(w);
  w.Connect(p.a, p.b);
  ASSERT_TRUE(w.RunFor(TimeDelta::Seconds(60), [&] {
    return w.agent(p.a).connection_state() == ConnectionState::kFailed &&
           w.agent(p.b).connection_state() == ConnectionState::kFailed;
  }));
  EXPECT_EQ(w.States(p.a),
            (std::vector<ConnectionState>{ConnectionState::kChecking,
                                          ConnectionState::kFailed}));
  EXPECT_FALSE(w.agent(p.a).selected_pair().has_value());
}

TEST(IceVnetTest, SymmetricBothSidesConnectsThroughRelay) {
  IceWorld w(5);
  BuildTwoLans(w, "symmetric", "symmetric");
  vnet::HostConfig relay;
  relay.name = "relay";
  relay.router = "inet";
  relay.addresses = {IpAddress::Parse("203.0.113.20").value()};
  w.AddHost(relay);
  w.AddRelayServer("relay");
  Pair p = AddPair(w, Controlling(), Controlled(), /*relay=*/true);
  w.Connect(p.a, p.b);
  ASSERT_TRUE(w.RunFor(TimeDelta::Seconds(30),
                       [&] { return w.BothConnected(p.a, p.b); }));
  auto sa = w.agent(p.a).selected_pair();
  auto sb = w.agent(p.b).selected_pair();
  EXPECT_TRUE(sa->local.type == CandidateType::kRelay ||
              sa->remote.type == CandidateType::kRelay);
  EXPECT_TRUE(sb->local.type == CandidateType::kRelay ||
              sb->remote.type == CandidateType::kRelay);
  ExpectDataFlows(w, p);
}

TEST(IceVnetTest, TwentyPercentLossStillConnects) {
  IceWorld w(6);
  BuildTwoLans(w, "full_cone", "port_restricted_cone");
  vnet::LinkDirectionConfig lossy;
  lossy.delay.base = TimeDelta::Millis(5);
  lossy.loss.rate = 0.2;
  ASSERT_TRUE(w.net()
                  .SetHostLink(w.now(), "a", vnet::LinkConfig::Symmetric(lossy))
                  .ok());
  ASSERT_TRUE(w.net()
                  .SetHostLink(w.now(), "b", vnet::LinkConfig::Symmetric(lossy))
                  .ok());
  Pair p = AddPair(w);
  w.Connect(p.a, p.b);
  ASSERT_TRUE(w.RunFor(TimeDelta::Seconds(30),
                       [&] { return w.BothConnected(p.a, p.b); }));
  ExpectSamePath(w, p);
  // And it stays up for a minute of consent checks over the lossy links.
  w.RunUntil(w.now() + TimeDelta::Seconds(60));
  EXPECT_TRUE(w.Connected(p.a));
  EXPECT_TRUE(w.Connected(p.b));
}

TEST(IceVnetTest, LinkDownGoesDisconnectedThenFailed) {
  IceWorld w(7);
  BuildTwoLans(w, "full_cone", "full_cone");
  Pair p = AddPair(w);
  w.Connect(p.a, p.b);
  ASSERT_TRUE(w.RunFor(TimeDelta::Seconds(10),
                       [&] { return w.BothConnected(p.a, p.b); }));
  w.RunUntil(w.now() + TimeDelta::Seconds(3));
  const Timestamp down = w.now();
  ASSERT_TRUE(w.net().SetLinkUp(down, "b", false).ok());
  ASSERT_TRUE(w.RunFor(TimeDelta::Seconds(10), [&] {
    return w.agent(p.a).connection_state() == ConnectionState::kDisconnected;
  }));
  EXPECT_GE(w.now() - down, TimeDelta::Seconds(4));
  EXPECT_LE(w.now() - down, TimeDelta::Seconds(7));
  ASSERT_TRUE(w.RunFor(TimeDelta::Seconds(40), [&] {
    return w.agent(p.a).connection_state() == ConnectionState::kFailed;
  }));
  // Consent (30 s after the last answer) or silence (5 + 25 s), whichever
  // first: never later than 31 s after the link died.
  EXPECT_LE(w.now() - down, TimeDelta::Seconds(31));
  std::vector<ConnectionState> s = w.States(p.a);
  ASSERT_GE(s.size(), 3u);
  EXPECT_EQ(s[s.size() - 2], ConnectionState::kDisconnected);
  EXPECT_EQ(s.back(), ConnectionState::kFailed);
}

TEST(IceVnetTest, RestartAfterHostAddressChangeRecovers) {
  IceWorld w(8);
  BuildTwoLans(w, "", "full_cone");
  Pair p = AddPair(w);
  w.Connect(p.a, p.b);
  ASSERT_TRUE(w.RunFor(TimeDelta::Seconds(10),
                       [&] { return w.BothConnected(p.a, p.b); }));
  const IpAddress old_ip = w.HostIp("a");
  const IpAddress new_ip = IpAddress::Parse("192.168.1.77").value();
  ASSERT_TRUE(w.net().ChangeHostAddress(w.now(), "a", old_ip, new_ip).ok());
  // The old path dies: a cannot send from the lost address.
  ASSERT_TRUE(w.RunFor(TimeDelta::Seconds(10), [&] {
    return w.agent(p.b).connection_state() == ConnectionState::kDisconnected;
  }));
  w.Restart(p.a, p.b,
            std::vector<LocalInterface>{
                LocalInterface{SocketAddress(new_ip, 5000), "eth0", 1, 10}});
  ASSERT_TRUE(w.RunFor(TimeDelta::Seconds(10), [&] {
    return w.BothConnected(p.a, p.b) &&
           w.agent(p.a).selected_pair()->local.base.ip() == new_ip;
  }));
  EXPECT_EQ(w.agent(p.a).generation(), 1u);
  EXPECT_EQ(w.agent(p.b).selected_pair()->remote.address.ip(), new_ip);
  ExpectDataFlows(w, p);
  EXPECT_GT(w.send_failures(), 0u);  // the old socket's attempts
}

TEST(IceVnetTest, LitePeerOnPublicAddress) {
  IceWorld w(9);
  BuildTwoLans(w, "port_restricted_cone", "");
  vnet::HostConfig server;
  server.name = "server";
  server.router = "inet";
  server.addresses = {IpAddress::Parse("203.0.113.30").value()};
  w.AddHost(server);
  AgentConfig lite = Controlled();
  lite.lite = true;
  AgentConfig full = Controlled();  // must become controlling
  full.stun_servers = {w.StunAddress("stun")};
  Pair p;
  p.a = w.AddAgent("a", 5000, full);
  p.b = w.AddAgent("server", 443, lite);
  w.Connect(p.a, p.b);
  EXPECT_EQ(w.agent(p.a).role(), Role::kControlling);
  ASSERT_TRUE(w.RunFor(TimeDelta::Seconds(10),
                       [&] { return w.BothConnected(p.a, p.b); }));
  EXPECT_EQ(w.agent(p.b).local_candidates().size(), 1u);  // host only
  // The lite server sees a's NAT mapping, which a also learned from STUN
  // (an endpoint-independent mapping), so it is a's signalled srflx.
  auto sb = w.agent(p.b).selected_pair();
  EXPECT_FALSE(sb->remote.address.ip().IsPrivate());
  EXPECT_EQ(sb->remote.type, CandidateType::kServerReflexive);
  ExpectDataFlows(w, p);
  w.RunUntil(w.now() + TimeDelta::Seconds(60));
  EXPECT_TRUE(w.BothConnected(p.a, p.b));
}

TEST(IceVnetTest, BothControllingRoleConflictResolves) {
  IceWorld w(10);
  BuildTwoLans(w, "full_cone", "full_cone");
  Pair p = AddPair(w, Controlling(), Controlling());
  w.Connect(p.a, p.b);
  ASSERT_TRUE(w.RunFor(TimeDelta::Seconds(10),
                       [&] { return w.BothConnected(p.a, p.b); }));
  EXPECT_NE(w.agent(p.a).role(), w.agent(p.b).role());
  EXPECT_GE(w.agent(p.a).counters().role_conflicts +
                w.agent(p.b).counters().role_conflicts,
            1u);
  ExpectSamePath(w, p);
}

TEST(IceVnetTest, MdnsCandidatesResolveOverMulticast) {
  IceWorld w(11);
  vnet::RouterConfig lan;
  lan.name = "lan";
  lan.subnets = {{IpAddress::Parse("192.168.5.0").value(), 24}};
  w.AddRouter(lan);
  for (const char* h : {"a", "b"}) {
    vnet::HostConfig c;
    c.name = h;
    c.router = "lan";
    w.AddHost(c);
  }
  AgentConfig ca = Controlling();
  ca.mdns_mode = MdnsMode::kQueryAndGather;
  AgentConfig cb = Controlled();
  cb.mdns_mode = MdnsMode::kQueryAndGather;
  Pair p;
  p.a = w.AddAgent("a", 5000, ca, false, /*mdns=*/true);
  p.b = w.AddAgent("b", 6000, cb, false, /*mdns=*/true);
  w.Connect(p.a, p.b);
  ASSERT_TRUE(w.RunFor(TimeDelta::Seconds(10),
                       [&] { return w.BothConnected(p.a, p.b); }));
  auto sa = w.agent(p.a).selected_pair();
  EXPECT_EQ(sa->remote.address.ip(), w.HostIp("b"));
  EXPECT_TRUE(sa->remote.is_mdns());
  for (const std::string& line : w.log()) {
    if (line.find(" candidate ") != std::string::npos) {
      EXPECT_NE(line.find(".local"), std::string::npos) << line;
      EXPECT_EQ(line.find("192.168.5."), std::string::npos) << line;
    }
  }
}

std::vector<std::string> RunLossyScenario(uint64_t seed) {
  IceWorld w(seed);
  BuildTwoLans(w, "symmetric", "full_cone");
  vnet::LinkDirectionConfig d;
  d.delay.base = TimeDelta::Millis(5);
  d.delay.jitter = TimeDelta::Millis(5);
  d.loss.rate = 0.05;
  (void)w.net().SetHostLink(w.now(), "a", vnet::LinkConfig::Symmetric(d));
  Pair p = AddPair(w, Controlling(), Controlling());
  w.Connect(p.a, p.b);
  w.RunUntil(Timestamp::Seconds(20));
  (void)w.net().SetLinkUp(w.now(), "b", false);
  w.RunUntil(Timestamp::Seconds(60));
  return w.log();
}

TEST(IceVnetTest, SameSeedGivesIdenticalEventSequence) {
  std::vector<std::string> one = RunLossyScenario(77);
  std::vector<std::string> two = RunLossyScenario(77);
  ASSERT_GT(one.size(), 10u);
  for (size_t i = 0; i < std::min(one.size(), two.size()); ++i) {
    ASSERT_EQ(one[i], two[i]) << "first divergence at event " << i;
  }
  EXPECT_EQ(one.size(), two.size());
  // A different seed draws different credentials, hence different logs.
  EXPECT_NE(one, RunLossyScenario(78));
}

}  // namespace
}  // namespace simrtc::ice::world
