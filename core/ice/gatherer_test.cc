#include "core/ice/gatherer.h"

#include <gtest/gtest.h>

#include "core/ice/connectivity_check.h"
#include "core/ice/priority.h"
#include "core/ice/test_util.h"
#include "core/stun/builder.h"

namespace simrtc::ice {
namespace {

SocketAddress Addr(const char* s) { return SocketAddress::Parse(s).value(); }

const SocketAddress kHost4 = Addr("192.168.1.10:5000");
const SocketAddress kHost6 = Addr("[fd00::10]:5002");
const SocketAddress kStun4 = Addr("203.0.113.1:3478");
const SocketAddress kStun6 = Addr("[2001:db8::1]:3478");

AgentConfig TwoInterfaces() {
  AgentConfig c;
  c.interfaces = {LocalInterface{kHost4, "eth0", 1, 10},
                  LocalInterface{kHost6, "eth0", 1, 10}};
  return c;
}

std::vector<Candidate> Candidates(Gatherer& g) {
  std::vector<Candidate> out;
  while (auto c = g.PollCandidate()) out.push_back(c->candidate);
  return out;
}

std::vector<Transmit> Transmits(Gatherer& g) {
  std::vector<Transmit> out;
  while (auto t = g.PollTransmit()) out.push_back(std::move(*t));
  return out;
}

// The STUN server's answer to `request`.
std::vector<uint8_t> Answer(const Transmit& request,
                            const SocketAddress& mapped) {
  stun::Message m = stun::Message::Parse(ByteSpan(request.payload)).value();
  return stun::MessageBuilder(stun::Method::kBinding, stun::Class::kSuccess,
                              m.transaction_id())
      .AddXorMappedAddress(mapped)
      .AddFingerprint()
      .Build()
      .value();
}

bool Respond(Gatherer& g, const Transmit& t, const SocketAddress& mapped,
             const SocketAddress& from = {}) {
  std::vector<uint8_t> bytes = Answer(t, mapped);
  stun::Message m = stun::Message::Parse(ByteSpan(bytes)).value();
  return g.HandleStunResponse(Timestamp::Zero(), t.local,
                              from.is_set() ? from : t.remote, m);
}

TEST(GathererTest, HostCandidatesForEachInterface) {
  AgentConfig c = TwoInterfaces();
  Gatherer g(c, c.interfaces, 3, "ufrg", Rng(1), nullptr);
  g.Start(Timestamp::Zero());
  std::vector<Candidate> cands = Candidates(g);
  ASSERT_EQ(cands.size(), 2u);
  EXPECT_TRUE(g.complete());
  for (const Candidate& k : cands) {
    EXPECT_EQ(k.type, CandidateType::kHost);
    EXPECT_EQ(k.base, k.address);
    EXPECT_EQ(k.generation, 3u);
    EXPECT_EQ(k.ufrag, "ufrg");
    EXPECT_EQ(k.network_id, 1u);
    EXPECT_EQ(k.network_cost, 10u);
  }
  // IPv6 first (RFC 8421), both host type preference.
  const Candidate& v4 = cands[0].address == kHost4 ? cands[0] : cands[1];
  const Candidate& v6 = cands[0].address == kHost6 ? cands[0] : cands[1];
  EXPECT_GT(v6.priority, v4.priority);
  EXPECT_EQ(v6.priority, CandidatePriority(CandidateType::kHost, 65535, 1));
  EXPECT_NE(v4.foundation, v6.foundation);
}

TEST(GathererTest, ServerReflexiveFromStunResponse) {
  AgentConfig c = TwoInterfaces();
  c.stun_servers = {kStun4, kStun6};
  Gatherer g(c, c.interfaces, 0, "u", Rng(1), nullptr);
  g.Start(Timestamp::Zero());
  Candidates(g);
  std::vector<Transmit> reqs = Transmits(g);
  ASSERT_EQ(reqs.size(), 2u);  // one per family-matching (interface, server)
  EXPECT_FALSE(g.complete());
  const Transmit& r4 = reqs[0].local == kHost4 ? reqs[0] : reqs[1];
  const Transmit& r6 = reqs[0].local == kHost6 ? reqs[0] : reqs[1];
  EXPECT_EQ(r4.remote, kStun4);
  EXPECT_EQ(r6.remote, kStun6);

  // A response from elsewhere is swallowed but ignored.
  EXPECT_TRUE(
      Respond(g, r4, Addr("198.51.100.1:1"), Addr("203.0.113.99:3478")));
  EXPECT_TRUE(Candidates(g).empty());

  const SocketAddress mapped = Addr("198.51.100.7:61000");
  EXPECT_TRUE(Respond(g, r4, mapped));
  std::vector<Candidate> s = Candidates(g);
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].type, CandidateType::kServerReflexive);
  EXPECT_EQ(s[0].address, mapped);
  EXPECT_EQ(s[0].base, kHost4);
  EXPECT_EQ(s[0].related, kHost4);
  EXPECT_EQ(s[0].url, "stun:203.0.113.1:3478");
  EXPECT_EQ(s[0].foundation, ComputeFoundation(CandidateType::kServerReflexive,
                                               kHost4.ip(), kStun4.ip()));
  // No NAT on v6: the mapped address equals the host, so no candidate.
  EXPECT_TRUE(Respond(g, r6, kHost6));
  EXPECT_TRUE(Candidates(g).empty());
  EXPECT_TRUE(g.complete());
  // Unknown transactions are not the gatherer's.
  std::vector<uint8_t> other =
      BuildCheckSuccess(stun::TransactionId{}, mapped, "pwd").value();
  EXPECT_FALSE(
      g.HandleStunResponse(Timestamp::Zero(), kHost4, kStun4,
                           stun::Message::Parse(ByteSpan(other)).value()));
}

TEST(GathererTest, RetransmitsThenGivesUp) {
  AgentConfig c;
  c.interfaces = {LocalInterface{kHost4, "eth0", {}, {}}};
  c.stun_servers = {kStun4};
  Gatherer g(c, c.interfaces, 0, "u", Rng(1), nullptr);
  g.Start(Timestamp::Zero());
  std::vector<int64_t> sends;
  sends.push_back(0);
  ASSERT_EQ(Transmits(g).size(), 1u);
  while (std::optional<Timestamp> t = g.NextTimeout()) {
    g.HandleTimeout(*t);
    if (!Transmits(g).empty()) sends.push_back(t->ms());
    if (g.complete()) {
      EXPECT_EQ(t->ms(), 39500);
      break;
    }
  }
  EXPECT_EQ(sends,
            (std::vector<int64_t>{0, 500, 1500, 3500, 7500, 15500, 31500}));
  EXPECT_TRUE(g.complete());
  EXPECT_EQ(g.stun_requests_sent(), 7u);
}

TEST(GathererTest, Nat1To1HostRewriteAndSrflxMode) {
  AgentConfig c;
  c.interfaces = {LocalInterface{kHost4, "eth0", {}, {}}};
  c.nat_1to1_ips = {Nat1To1Mapping{IpAddress::V4(203, 0, 113, 77), {}}};
  {
    Gatherer g(c, c.interfaces, 0, "u", Rng(1), nullptr);
    g.Start(Timestamp::Zero());
    std::vector<Candidate> cands = Candidates(g);
    ASSERT_EQ(cands.size(), 1u);
    EXPECT_EQ(cands[0].type, CandidateType::kHost);
    EXPECT_EQ(cands[0].address, Addr("203.0.113.77:5000"));
    EXPECT_EQ(cands[0].base, kHost4);  // still sent from the real socket
  }
  c.nat_1to1_candidate_type = CandidateType::kServerReflexive;
  {
    Gatherer g(c, c.interfaces, 0, "u", Rng(1), nullptr);
    g.Start(Timestamp::Zero());
    std::vector<Candidate> cands = Candidates(g);
    ASSERT_EQ(cands.size(), 2u);
    EXPECT_EQ(cands[0].address, kHost4);
    EXPECT_EQ(cands[1].type, CandidateType::kServerReflexive);
    EXPECT_EQ(cands[1].address, Addr("203.0.113.77:5000"));
    EXPECT_EQ(cands[1].related, kHost4);
  }
}

TEST(GathererTest, CandidateTypeFilterAndLite) {
  AgentConfig c;
  c.interfaces = {LocalInterface{kHost4, "eth0", {}, {}}};
  c.stun_servers = {kStun4};
  c.candidate_types = {CandidateType::kServerReflexive};
  {
    Gatherer g(c, c.interfaces, 0, "u", Rng(1), nullptr);
    g.Start(Timestamp::Zero());
    EXPECT_TRUE(Candidates(g).empty());  // no host
    std::vector<Transmit> t = Transmits(g);
    ASSERT_EQ(t.size(), 1u);  // but srflx gathering
    Respond(g, t[0], Addr("198.51.100.7:61000"));
    EXPECT_EQ(Candidates(g).size(), 1u);
  }
  c.candidate_types.clear();
  c.lite = true;
  c.role = Role::kControlled;
  {
    Gatherer g(c, c.interfaces, 0, "u", Rng(1), nullptr);
    g.Start(Timestamp::Zero());
    EXPECT_EQ(Candidates(g).size(), 1u);
    EXPECT_TRUE(Transmits(g).empty());  // lite: host only
    EXPECT_TRUE(g.complete());
  }
}

TEST(GathererTest, MdnsNamesReplaceHostAddresses) {
  testing::FakeMdnsRegistry lan;
  testing::FakeResolver resolver(&lan);
  AgentConfig c;
  c.interfaces = {LocalInterface{kHost4, "eth0", {}, {}},
                  LocalInterface{Addr("192.168.1.10:5001"), "eth0", {}, {}}};
  c.stun_servers = {kStun4};
  c.mdns_mode = MdnsMode::kQueryAndGather;
  c.resolver = &resolver;
  Gatherer g(c, c.interfaces, 0, "u", Rng(1), nullptr);
  g.Start(Timestamp::Zero());
  std::vector<Candidate> cands = Candidates(g);
  ASSERT_EQ(cands.size(), 2u);
  // One name per IP, shared by both sockets on it.
  EXPECT_EQ(cands[0].hostname, cands[1].hostname);
  EXPECT_EQ(g.published_names().size(), 1u);
  EXPECT_TRUE(cands[0].hostname.ends_with(".local"));
  EXPECT_EQ(lan.names.at(cands[0].hostname), kHost4.ip());
  EXPECT_EQ(cands[0].ToSdp().find("192.168"), std::string::npos);
  // srflx hides its related address.
  std::vector<Transmit> t = Transmits(g);
  ASSERT_EQ(t.size(), 2u);
  Respond(g, t[0], Addr("198.51.100.7:61000"));
  std::vector<Candidate> s = Candidates(g);
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].related, SocketAddress(IpAddress::AnyV4(), 0));
  EXPECT_NE(s[0].ToSdp().find("raddr 0.0.0.0 rport 0"), std::string::npos);
}

}  // namespace
}  // namespace simrtc::ice
