// Two agents against each other in memory (AgentPair): nomination modes,
// lite, role conflicts, consent, keepalives, restart, mDNS, determinism.
#include <gtest/gtest.h>

#include <cstdlib>
#include <map>

#include "absl/strings/str_format.h"
#include "core/ice/agent.h"
#include "core/ice/test_util.h"

namespace simrtc::ice {
namespace {

using testing::AgentPair;
using testing::DescribeEvent;
using testing::SimpleConfig;

const SocketAddress kA = SocketAddress::Parse("10.0.0.1:5000").value();
const SocketAddress kB = SocketAddress::Parse("10.0.0.2:6000").value();

// ICE_TEST_LOG=1 in the environment logs both agents at debug level.
const Logger* TestLogger(const char* name) {
  if (std::getenv("ICE_TEST_LOG") == nullptr) return nullptr;
  static std::map<std::string, Logger*> loggers;
  Logger*& l = loggers[name];
  if (l == nullptr) {
    l = new Logger(name);
    l->set_level(LogLevel::kDebug);
  }
  return l;
}

std::unique_ptr<Agent> MakeAgent(AgentConfig c, uint64_t seed) {
  const char* name = c.interfaces.front().address == kA ? "a" : "b";
  return Agent::Create(std::move(c), Rng(seed), TestLogger(name)).value();
}

AgentConfig ConfigA(Role role = Role::kControlling) {
  return SimpleConfig(role, kA, "AAAA", "apassword0123456789012");
}
AgentConfig ConfigB(Role role = Role::kControlled) {
  return SimpleConfig(role, kB, "BBBB", "bpassword0123456789012");
}

bool Connected(const Agent& a) {
  return a.connection_state() == ConnectionState::kConnected ||
         a.connection_state() == ConnectionState::kCompleted;
}

std::vector<ConnectionState> States(const std::vector<Event>& events) {
  std::vector<ConnectionState> out;
  for (const Event& e : events) {
    if (auto* s = std::get_if<ConnectionStateEvent>(&e))
      out.push_back(s->state);
  }
  return out;
}

int CountData(const std::vector<Event>& events) {
  int n = 0;
  for (const Event& e : events)
    n += std::holds_alternative<ApplicationDataEvent>(e);
  return n;
}

void ExpectSamePath(Agent& a, Agent& b) {
  ASSERT_TRUE(a.selected_pair().has_value());
  ASSERT_TRUE(b.selected_pair().has_value());
  EXPECT_EQ(a.selected_pair()->local.base, b.selected_pair()->remote.address);
  EXPECT_EQ(b.selected_pair()->local.base, a.selected_pair()->remote.address);
}

TEST(AgentFlowTest, HostPairConnectsAndCarriesData) {
  AgentPair net(MakeAgent(ConfigA(), 1), MakeAgent(ConfigB(), 2));
  net.Start();
  ASSERT_TRUE(net.RunUntil(Timestamp::Seconds(5), [&] {
    return Connected(net.a()) && Connected(net.b());
  }));
  ExpectSamePath(net.a(), net.b());
  EXPECT_EQ(net.a().selected_pair()->local.type, CandidateType::kHost);
  const uint8_t hello[] = {23, 254, 253, 1, 2, 3};
  ASSERT_TRUE(net.a().Send(net.now(), hello).ok());
  ASSERT_TRUE(net.b().Send(net.now(), hello).ok());
  net.RunUntil(net.now() + TimeDelta::Seconds(1));
  EXPECT_EQ(CountData(net.events_a()), 1);
  EXPECT_EQ(CountData(net.events_b()), 1);
  // With nothing left to check and gathering done, both complete.
  EXPECT_EQ(net.a().connection_state(), ConnectionState::kCompleted);
  EXPECT_EQ(net.b().connection_state(), ConnectionState::kCompleted);
  EXPECT_EQ(States(net.events_a()),
            (std::vector<ConnectionState>{ConnectionState::kChecking,
                                          ConnectionState::kConnected,
                                          ConnectionState::kCompleted}));
  // Stats reflect it.
  bool found = false;
  for (const CandidatePairStats& s : net.a().PairStats()) {
    if (!s.selected) continue;
    found = true;
    EXPECT_TRUE(s.nominated);
    EXPECT_EQ(s.state, PairState::kSucceeded);
    EXPECT_EQ(s.packets_sent, 1u);
    EXPECT_EQ(s.bytes_sent, sizeof(hello));
    EXPECT_EQ(s.packets_received, 1u);
    EXPECT_GE(s.requests_sent, 2u);
    EXPECT_GE(s.responses_received, 2u);
    EXPECT_GE(s.requests_received, 1u);
    EXPECT_GE(s.responses_sent, 1u);
    EXPECT_GE(s.round_trip_time_measurements, 1u);
    EXPECT_EQ(s.current_round_trip_time, TimeDelta::Millis(20));
    EXPECT_EQ(s.local_candidate_id.substr(0, 1), "L");
    EXPECT_EQ(s.remote_candidate_id.substr(0, 1), "R");
  }
  EXPECT_TRUE(found);
  std::vector<CandidateStats> local = net.a().LocalCandidateStats();
  ASSERT_EQ(local.size(), 1u);
  EXPECT_EQ(local[0].address, "10.0.0.1");
  EXPECT_EQ(local[0].port, 5000);
  EXPECT_EQ(local[0].candidate_type, CandidateType::kHost);
  EXPECT_EQ(net.b().RemoteCandidateStats().size(), 1u);
}

TEST(AgentFlowTest, AggressiveNominationConnects) {
  AgentConfig a = ConfigA();
  a.nomination = NominationMode::kAggressive;
  AgentPair net(MakeAgent(a, 1), MakeAgent(ConfigB(), 2));
  net.Start();
  ASSERT_TRUE(net.RunUntil(Timestamp::Seconds(5), [&] {
    return Connected(net.a()) && Connected(net.b());
  }));
  ExpectSamePath(net.a(), net.b());
}

TEST(AgentFlowTest, FullAgentControlsAgainstLitePeer) {
  AgentConfig b = ConfigB();
  b.lite = true;
  // Even configured as controlled, the full agent takes control.
  AgentPair net(MakeAgent(ConfigA(Role::kControlled), 1), MakeAgent(b, 2));
  net.Start();
  EXPECT_EQ(net.a().role(), Role::kControlling);
  ASSERT_TRUE(net.RunUntil(Timestamp::Seconds(5), [&] {
    return Connected(net.a()) && Connected(net.b());
  }));
  ExpectSamePath(net.a(), net.b());
  // The lite agent stays quiet apart from answers and keepalives, and keeps
  // the connection up through the full agent's consent checks.
  net.RunUntil(net.now() + TimeDelta::Seconds(40));
  EXPECT_TRUE(Connected(net.a()));
  EXPECT_TRUE(Connected(net.b()));
  for (const CandidatePairStats& s : net.b().PairStats()) {
    EXPECT_EQ(s.requests_sent, 0u);
  }
}

TEST(AgentFlowTest, BothControllingResolvesToOneController) {
  AgentPair net(MakeAgent(ConfigA(Role::kControlling), 1),
                MakeAgent(ConfigB(Role::kControlling), 2));
  net.Start();
  ASSERT_TRUE(net.RunUntil(Timestamp::Seconds(5), [&] {
    return Connected(net.a()) && Connected(net.b());
  }));
  EXPECT_NE(net.a().role(), net.b().role());
  const Agent& winner =
      net.a().tie_breaker() >= net.b().tie_breaker() ? net.a() : net.b();
  EXPECT_EQ(winner.role(), Role::kControlling);
  EXPECT_GE(
      net.a().counters().role_conflicts + net.b().counters().role_conflicts,
      1u);
  ExpectSamePath(net.a(), net.b());
}

TEST(AgentFlowTest, BothControlledResolvesToOneController) {
  AgentPair net(MakeAgent(ConfigA(Role::kControlled), 3),
                MakeAgent(ConfigB(Role::kControlled), 4));
  net.Start();
  ASSERT_TRUE(net.RunUntil(Timestamp::Seconds(5), [&] {
    return Connected(net.a()) && Connected(net.b());
  }));
  EXPECT_NE(net.a().role(), net.b().role());
  ExpectSamePath(net.a(), net.b());
}

TEST(AgentFlowTest, IdleConnectionStaysUpOnConsentAndKeepalives) {
  AgentPair net(MakeAgent(ConfigA(), 1), MakeAgent(ConfigB(), 2));
  net.Start();
  ASSERT_TRUE(net.RunUntil(Timestamp::Seconds(5), [&] {
    return Connected(net.a()) && Connected(net.b());
  }));
  net.RunUntil(net.now() + TimeDelta::Seconds(120));
  EXPECT_EQ(net.a().connection_state(), ConnectionState::kCompleted);
  EXPECT_EQ(net.b().connection_state(), ConnectionState::kCompleted);
  for (const CandidatePairStats& s : net.a().PairStats()) {
    if (!s.selected) continue;
    // Every 4..6 s for 120 s.
    EXPECT_GE(s.consent_requests_sent, 20u);
    EXPECT_LE(s.consent_requests_sent, 31u);
  }
}

TEST(AgentFlowTest, SilenceGoesDisconnectedThenFailed) {
  AgentPair net(MakeAgent(ConfigA(), 1), MakeAgent(ConfigB(), 2));
  net.Start();
  ASSERT_TRUE(net.RunUntil(Timestamp::Seconds(5), [&] {
    return Connected(net.a()) && Connected(net.b());
  }));
  const Timestamp cut = net.now();
  net.set_blackhole(true, true);
  ASSERT_TRUE(net.RunUntil(cut + TimeDelta::Seconds(10), [&] {
    return net.a().connection_state() == ConnectionState::kDisconnected;
  }));
  // Within a keepalive interval of the 5 s timeout.
  EXPECT_LE(net.now() - cut, TimeDelta::Seconds(7));
  EXPECT_GE(net.now() - cut, TimeDelta::Seconds(4));
  ASSERT_TRUE(net.RunUntil(cut + TimeDelta::Seconds(40), [&] {
    return net.a().connection_state() == ConnectionState::kFailed &&
           net.b().connection_state() == ConnectionState::kFailed;
  }));
  EXPECT_LE(net.now() - cut, TimeDelta::Seconds(31));
  std::vector<ConnectionState> s = States(net.events_a());
  ASSERT_GE(s.size(), 2u);
  EXPECT_EQ(s[s.size() - 2], ConnectionState::kDisconnected);
  EXPECT_EQ(s.back(), ConnectionState::kFailed);
  const uint8_t b[] = {23};
  EXPECT_FALSE(net.a().Send(net.now(), b).ok());
}

TEST(AgentFlowTest, ShortOutageRecoversFromDisconnected) {
  AgentPair net(MakeAgent(ConfigA(), 1), MakeAgent(ConfigB(), 2));
  net.Start();
  ASSERT_TRUE(net.RunUntil(Timestamp::Seconds(5), [&] {
    return Connected(net.a()) && Connected(net.b());
  }));
  net.set_blackhole(true, true);
  ASSERT_TRUE(net.RunUntil(net.now() + TimeDelta::Seconds(10), [&] {
    return net.a().connection_state() == ConnectionState::kDisconnected;
  }));
  net.set_blackhole(false, false);
  ASSERT_TRUE(net.RunUntil(net.now() + TimeDelta::Seconds(10), [&] {
    return Connected(net.a()) && Connected(net.b());
  }));
}

TEST(AgentFlowTest, UnreachablePeerFailsAfterChecksTimeOut) {
  AgentPair net(MakeAgent(ConfigA(), 1), MakeAgent(ConfigB(), 2));
  net.set_blackhole(true, true);
  net.Start();
  ASSERT_TRUE(net.RunUntil(Timestamp::Seconds(60), [&] {
    return net.a().connection_state() == ConnectionState::kFailed &&
           net.b().connection_state() == ConnectionState::kFailed;
  }));
  // End-of-candidates arrived, so failure follows the check timeout
  // (9.9 s) instead of the 30 s backstop.
  EXPECT_LE(net.now(), Timestamp::Seconds(12));
}

TEST(AgentFlowTest, RestartKeepsDataFlowingAndSelectsNewPair) {
  AgentPair net(MakeAgent(ConfigA(), 1), MakeAgent(ConfigB(), 2));
  net.Start();
  ASSERT_TRUE(net.RunUntil(Timestamp::Seconds(5), [&] {
    return Connected(net.a()) && Connected(net.b());
  }));
  const std::string old_ufrag = net.a().local_credentials().ufrag;
  ASSERT_TRUE(net.a().Restart(net.now()).ok());
  ASSERT_TRUE(net.b().Restart(net.now()).ok());
  EXPECT_NE(net.a().local_credentials().ufrag, old_ufrag);
  // The old pair still carries data while signalling is under way.
  const uint8_t data[] = {23, 1};
  ASSERT_TRUE(net.a().Send(net.now(), data).ok());
  const size_t selected_before = [&] {
    size_t n = 0;
    for (const Event& e : net.events_a()) {
      n += std::holds_alternative<SelectedPairEvent>(e);
    }
    return n;
  }();
  ASSERT_TRUE(net.a()
                  .SetRemoteCredentials(net.now(), net.b().local_credentials())
                  .ok());
  ASSERT_TRUE(net.b()
                  .SetRemoteCredentials(net.now(), net.a().local_credentials())
                  .ok());
  net.RunUntil(net.now() + TimeDelta::Seconds(5));
  EXPECT_TRUE(Connected(net.a()));
  EXPECT_TRUE(Connected(net.b()));
  EXPECT_EQ(CountData(net.events_b()), 1);
  EXPECT_EQ(net.a().generation(), 1u);
  // All candidates now belong to the new generation.
  for (const CandidateStats& s : net.a().LocalCandidateStats()) {
    EXPECT_FALSE(s.deleted);
    EXPECT_EQ(s.username_fragment, net.a().local_credentials().ufrag);
  }
  (void)selected_before;
  ASSERT_TRUE(net.a().Send(net.now(), data).ok());
  net.RunUntil(net.now() + TimeDelta::Seconds(1));
  EXPECT_EQ(CountData(net.events_b()), 2);
}

TEST(AgentFlowTest, MdnsHidesHostAddressesAndStillConnects) {
  testing::FakeMdnsRegistry lan;
  testing::FakeResolver ra(&lan, TimeDelta::Millis(30));
  testing::FakeResolver rb(&lan, TimeDelta::Millis(30));
  AgentConfig a = ConfigA();
  a.mdns_mode = MdnsMode::kQueryAndGather;
  a.resolver = &ra;
  AgentConfig b = ConfigB();
  b.mdns_mode = MdnsMode::kQueryAndGather;
  b.resolver = &rb;
  AgentPair net(MakeAgent(a, 1), MakeAgent(b, 2));
  net.Start();
  ASSERT_TRUE(net.RunUntil(Timestamp::Seconds(5), [&] {
    return Connected(net.a()) && Connected(net.b());
  }));
  for (const Event& e : net.events_a()) {
    if (auto* c = std::get_if<LocalCandidateEvent>(&e); c && c->candidate) {
      const std::string sdp = c->candidate->ToSdp();
      EXPECT_NE(sdp.find(".local"), std::string::npos) << sdp;
      EXPECT_EQ(sdp.find("10.0.0.1"), std::string::npos) << sdp;
    }
  }
  EXPECT_EQ(ra.published().size(), 1u);
  EXPECT_GE(rb.resolves(), 1);
  ExpectSamePath(net.a(), net.b());
  net.a().Close(net.now());
  EXPECT_TRUE(ra.published().empty());  // names withdrawn on close
  EXPECT_EQ(net.a().connection_state(), ConnectionState::kClosed);
}

TEST(AgentFlowTest, MdnsQueryOnlyResolvesButDoesNotPublish) {
  testing::FakeMdnsRegistry lan;
  testing::FakeResolver ra(&lan);
  testing::FakeResolver rb(&lan);
  AgentConfig a = ConfigA();
  a.mdns_mode = MdnsMode::kQueryAndGather;
  a.resolver = &ra;
  AgentConfig b = ConfigB();
  b.mdns_mode = MdnsMode::kQueryOnly;
  b.resolver = &rb;
  AgentPair net(MakeAgent(a, 1), MakeAgent(b, 2));
  net.Start();
  ASSERT_TRUE(net.RunUntil(Timestamp::Seconds(5), [&] {
    return Connected(net.a()) && Connected(net.b());
  }));
  EXPECT_TRUE(rb.published().empty());
}

std::vector<std::string> RunScenario(uint64_t seed) {
  AgentPair net(MakeAgent(ConfigA(), seed), MakeAgent(ConfigB(), seed + 1));
  net.Start();
  net.RunUntil(Timestamp::Seconds(20));
  net.set_blackhole(true, true);
  net.RunUntil(Timestamp::Seconds(60));
  std::vector<std::string> log;
  for (const Event& e : net.events_a()) log.push_back("a " + DescribeEvent(e));
  for (const Event& e : net.events_b()) log.push_back("b " + DescribeEvent(e));
  log.push_back(absl::StrFormat("delivered %d", net.delivered()));
  return log;
}

TEST(AgentFlowTest, SameSeedSameEvents) {
  std::vector<std::string> one = RunScenario(42);
  std::vector<std::string> two = RunScenario(42);
  EXPECT_EQ(one, two);
  EXPECT_GT(one.size(), 8u);
}

TEST(AgentFlowTest, DualStackPairsOnlyWithinFamily) {
  AgentConfig a = ConfigA();
  a.interfaces.push_back(LocalInterface{
      SocketAddress::Parse("[fd00::1]:5000").value(), "eth0", {}, {}});
  AgentConfig b = ConfigB();
  b.interfaces.push_back(LocalInterface{
      SocketAddress::Parse("[fd00::2]:6000").value(), "eth0", {}, {}});
  AgentPair net(MakeAgent(a, 1), MakeAgent(b, 2));
  net.Start();
  ASSERT_TRUE(net.RunUntil(Timestamp::Seconds(5), [&] {
    return Connected(net.a()) && Connected(net.b());
  }));
  EXPECT_EQ(net.a().check_list().size(), 2u);
  for (const CandidatePairStats& s : net.a().PairStats()) (void)s;
  // RFC 8421: IPv6 is preferred.
  EXPECT_TRUE(net.a().selected_pair()->local.address.ip().is_v6());
}

TEST(AgentFlowTest, NetworkTypeAndIpFiltersRestrictGathering) {
  AgentConfig a = ConfigA();
  a.interfaces.push_back(LocalInterface{
      SocketAddress::Parse("[fd00::1]:5000").value(), "eth0", {}, {}});
  a.interfaces.push_back(LocalInterface{
      SocketAddress::Parse("10.9.9.9:5000").value(), "eth1", {}, {}});
  a.network_types = {NetworkType::kUdp4};
  a.ip_filter = [](const IpAddress& ip) {
    return ip != IpAddress::V4(10, 9, 9, 9);
  };
  std::unique_ptr<Agent> agent = MakeAgent(a, 1);
  ASSERT_TRUE(agent->GatherCandidates(Timestamp::Zero()).ok());
  std::vector<Candidate> c = agent->local_candidates();
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].address, kA);
  EXPECT_EQ(agent->gathering_state(), GatheringState::kComplete);
}

}  // namespace
}  // namespace simrtc::ice
