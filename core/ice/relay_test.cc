// Relayed candidates through the RelayAllocator hook, with the in-memory
// FakeRelayAllocator / FakeRelayServer pair standing in for TURN.
#include <gtest/gtest.h>

#include "core/ice/agent.h"
#include "core/ice/priority.h"
#include "core/ice/test_util.h"

namespace simrtc::ice {
namespace {

using testing::AgentPair;
using testing::FakeRelayAllocator;
using testing::FakeRelayServer;

SocketAddress Addr(const char* s) { return SocketAddress::Parse(s).value(); }

const SocketAddress kA = Addr("10.0.0.1:5000");
const SocketAddress kB = Addr("10.0.0.2:6000");
const SocketAddress kRelay = Addr("10.0.0.100:3478");

bool Connected(const Agent& a) {
  return a.connection_state() == ConnectionState::kConnected ||
         a.connection_state() == ConnectionState::kCompleted;
}

struct RelayedPair {
  RelayedPair(std::vector<CandidateType> types_a,
              std::vector<CandidateType> types_b)
      : server(kRelay, kRelay.ip()), relay_a({kRelay}), relay_b({kRelay}) {
    AgentConfig a = testing::SimpleConfig(Role::kControlling, kA, "AAAA",
                                          "apassword0123456789012");
    a.relay = &relay_a;
    a.candidate_types = std::move(types_a);
    AgentConfig b = testing::SimpleConfig(Role::kControlled, kB, "BBBB",
                                          "bpassword0123456789012");
    b.relay = &relay_b;
    b.candidate_types = std::move(types_b);
    net = std::make_unique<AgentPair>(Agent::Create(a, Rng(1)).value(),
                                      Agent::Create(b, Rng(2)).value());
    net->set_relay_server(&server);
  }
  FakeRelayServer server;
  FakeRelayAllocator relay_a;
  FakeRelayAllocator relay_b;
  std::unique_ptr<AgentPair> net;
};

TEST(RelayTest, RelayOnlyPolicyConnectsThroughTheRelay) {
  RelayedPair p({CandidateType::kRelay}, {CandidateType::kRelay});
  p.net->Start();
  ASSERT_TRUE(p.net->RunUntil(Timestamp::Seconds(5), [&] {
    return Connected(p.net->a()) && Connected(p.net->b());
  }));
  auto sel = p.net->a().selected_pair();
  ASSERT_TRUE(sel.has_value());
  EXPECT_EQ(sel->local.type, CandidateType::kRelay);
  EXPECT_EQ(sel->remote.type, CandidateType::kRelay);
  EXPECT_EQ(sel->local.address.ip(), kRelay.ip());
  EXPECT_EQ(sel->local.url, "turn:10.0.0.100:3478?transport=udp");
  EXPECT_EQ(sel->local.relay_protocol, "udp");
  EXPECT_EQ(sel->local.related, kA);  // the mapped address
  EXPECT_EQ(sel->local.priority,
            CandidatePriority(CandidateType::kRelay, 65535, 1));
  // Application data goes through the relay both ways.
  const uint8_t data[] = {23, 9, 9};
  const uint64_t before = p.server.relayed_packets();
  ASSERT_TRUE(p.net->a().Send(p.net->now(), data).ok());
  ASSERT_TRUE(p.net->b().Send(p.net->now(), data).ok());
  p.net->RunUntil(p.net->now() + TimeDelta::Millis(200));
  // Each packet crosses two allocations (out of the sender's, into the
  // receiver's).
  EXPECT_EQ(p.server.relayed_packets(), before + 4);
  int got = 0;
  for (const Event& e : p.net->events_b()) {
    if (auto* d = std::get_if<ApplicationDataEvent>(&e)) {
      ++got;
      EXPECT_EQ(d->local.ip(), kRelay.ip());  // arrived on the relayed address
    }
  }
  EXPECT_EQ(got, 1);
  // Permissions were installed for the peer before traffic flowed.
  EXPECT_FALSE(p.relay_a.permits().empty());
  EXPECT_EQ(p.server.refused_packets(), 0u);
}

TEST(RelayTest, HostPairBeatsRelayWhenBothWork) {
  RelayedPair p({}, {});
  p.net->Start();
  ASSERT_TRUE(p.net->RunUntil(Timestamp::Seconds(5), [&] {
    return Connected(p.net->a()) && Connected(p.net->b());
  }));
  EXPECT_EQ(p.net->a().selected_pair()->local.type, CandidateType::kHost);
  bool saw_relay = false;
  for (const Candidate& c : p.net->a().local_candidates()) {
    saw_relay |= c.type == CandidateType::kRelay;
  }
  EXPECT_TRUE(saw_relay);
  EXPECT_EQ(p.net->a().gathering_state(), GatheringState::kComplete);
}

TEST(RelayTest, GatheringWaitsForRelayAllocation) {
  RelayedPair p({}, {});
  ASSERT_TRUE(p.net->a().GatherCandidates(Timestamp::Zero()).ok());
  EXPECT_EQ(p.net->a().gathering_state(), GatheringState::kGathering);
  p.net->RunUntil(Timestamp::Millis(100));
  EXPECT_EQ(p.net->a().gathering_state(), GatheringState::kComplete);
}

TEST(RelayTest, LostAllocationDropsItsPairsAndSelection) {
  RelayedPair p({CandidateType::kRelay}, {CandidateType::kRelay});
  p.net->Start();
  ASSERT_TRUE(p.net->RunUntil(Timestamp::Seconds(5), [&] {
    return Connected(p.net->a()) && Connected(p.net->b());
  }));
  p.relay_a.Lose(1);
  // The loss is noticed at the agent's next input.
  p.net->a().HandleTimeout(p.net->now());
  EXPECT_FALSE(p.net->a().selected_pair().has_value());
  for (const Candidate& c : p.net->a().local_candidates()) {
    EXPECT_NE(c.type, CandidateType::kRelay);
  }
  EXPECT_EQ(p.net->a().check_list().size(), 0u);
}

}  // namespace
}  // namespace simrtc::ice
