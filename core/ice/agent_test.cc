// The agent against hand-made STUN messages: check handling, role
// conflicts, nomination, validation and malformed input.
#include "core/ice/agent.h"

#include <gtest/gtest.h>

#include "absl/strings/str_format.h"
#include "core/base/sans_io.h"
#include "core/ice/priority.h"
#include "core/ice/test_util.h"
#include "core/stun/builder.h"

namespace simrtc::ice {
namespace {

// Drivers may be written against the generic sans-IO concept.
static_assert(SansIoEndpoint<Agent>);

using stun::AttributeType;
using stun::Message;
using stun::MessageBuilder;

const SocketAddress kLocal = SocketAddress::Parse("10.0.0.1:5000").value();
const SocketAddress kPeer = SocketAddress::Parse("10.0.0.2:6000").value();
const Credentials kLocalCreds{"LOCL", "localpassword0123456789"};
const Credentials kPeerCreds{"PEER", "peerpassword01234567890"};
const uint32_t kPeerPriority =
    CandidatePriority(CandidateType::kHost, 65535, 1);

struct Sent {
  Transmit t;
  Message msg;  // parsed view into t.payload (kept alive by the vector)
};

class AgentTest : public ::testing::Test {
 protected:
  void Make(Role role, bool add_peer = true,
            std::function<void(AgentConfig&)> tweak = nullptr) {
    AgentConfig c =
        testing::SimpleConfig(role, kLocal, kLocalCreds.ufrag, kLocalCreds.pwd);
    if (tweak) tweak(c);
    agent_ = Agent::Create(c, Rng(7)).value();
    ASSERT_TRUE(agent_->GatherCandidates(now_).ok());
    ASSERT_TRUE(agent_->SetRemoteCredentials(now_, kPeerCreds).ok());
    if (add_peer) {
      Candidate p;
      p.foundation = "peer1";
      p.priority = kPeerPriority;
      p.address = kPeer;
      ASSERT_TRUE(agent_->AddRemoteCandidate(now_, p).ok());
    }
    DrainEvents();
  }

  std::vector<Event> DrainEvents() {
    std::vector<Event> out;
    while (std::optional<Event> e = agent_->PollEvent()) {
      events_.push_back(*e);
      out.push_back(std::move(*e));
    }
    return out;
  }

  // Transmits parsed as STUN (non-STUN ones are kept with an empty msg).
  std::vector<std::unique_ptr<Sent>> Drain() {
    std::vector<std::unique_ptr<Sent>> out;
    while (std::optional<Transmit> t = agent_->PollTransmit()) {
      auto s = std::make_unique<Sent>();
      s->t = std::move(*t);
      absl::StatusOr<Message> m = Message::Parse(ByteSpan(s->t.payload));
      if (m.ok()) s->msg = *m;
      out.push_back(std::move(s));
    }
    return out;
  }

  void Deliver(const SocketAddress& from, std::vector<uint8_t> bytes,
               const SocketAddress& to = kLocal) {
    agent_->HandleDatagram(
        now_, Datagram{to, from, Transport::kUdp, std::move(bytes)});
  }

  // Advances to the agent's next timeout (bounded by `limit`).
  void Tick(TimeDelta limit = TimeDelta::Seconds(1)) {
    std::optional<Timestamp> t = agent_->NextTimeout();
    Timestamp next = now_ + limit;
    if (t && *t < next) next = std::max(*t, now_);
    now_ = next;
    agent_->HandleTimeout(now_);
  }

  // The peer's check towards us.
  std::vector<uint8_t> PeerCheck(Role peer_role, uint64_t tie_breaker,
                                 bool use_candidate = false, uint8_t id = 1,
                                 uint32_t priority = kPeerPriority) {
    CheckRequestParams p;
    p.local_ufrag = kPeerCreds.ufrag;
    p.remote = kLocalCreds;
    p.priority = priority;
    p.role = peer_role;
    p.tie_breaker = tie_breaker;
    p.use_candidate = use_candidate;
    stun::TransactionId txid;
    txid.bytes.fill(id);
    return BuildCheckRequest(txid, p).value();
  }

  // Our answer to one of the agent's checks, as the peer would send it.
  std::vector<uint8_t> PeerSuccess(const Message& request,
                                   const SocketAddress& mapped = kLocal) {
    return BuildCheckSuccess(request.transaction_id(), mapped, kPeerCreds.pwd)
        .value();
  }

  // Runs timers until the agent sends a Binding request; returns it.
  std::unique_ptr<Sent> NextCheck() {
    for (int i = 0; i < 50; ++i) {
      for (auto& s : Drain()) {
        if (s->msg.bytes().empty()) continue;
        if (s->msg.message_class() == stun::Class::kRequest)
          return std::move(s);
      }
      Tick(TimeDelta::Millis(100));
    }
    return nullptr;
  }

  template <typename T>
  int Count() const {
    int n = 0;
    for (const Event& e : events_) n += std::holds_alternative<T>(e) ? 1 : 0;
    return n;
  }

  Timestamp now_ = Timestamp::Seconds(1);
  std::unique_ptr<Agent> agent_;
  std::vector<Event> events_;
  Rng rng_{99};
};

TEST_F(AgentTest, AnswersValidCheckAndSendsTriggeredCheck) {
  Make(Role::kControlled, /*add_peer=*/true);
  Drain();
  Deliver(kPeer, PeerCheck(Role::kControlling, 5));
  auto sent = Drain();
  ASSERT_FALSE(sent.empty());
  const Sent& resp = *sent[0];
  EXPECT_EQ(resp.t.local, kLocal);
  EXPECT_EQ(resp.t.remote, kPeer);
  EXPECT_EQ(resp.msg.message_class(), stun::Class::kSuccess);
  EXPECT_EQ(resp.msg.transaction_id().bytes[0], 1);
  EXPECT_EQ(resp.msg.GetXorMappedAddress().value(), kPeer);
  EXPECT_TRUE(resp.msg.VerifyMessageIntegrity(kLocalCreds.pwd).ok());
  EXPECT_TRUE(resp.msg.VerifyFingerprint().ok());

  // The triggered check goes back on the same pair with our role.
  std::unique_ptr<Sent> check = NextCheck();
  ASSERT_NE(check, nullptr);
  EXPECT_EQ(check->t.local, kLocal);
  EXPECT_EQ(check->t.remote, kPeer);
  EXPECT_EQ(check->msg.GetUsername().value(), "PEER:LOCL");
  EXPECT_TRUE(check->msg.Has(AttributeType::kIceControlled));
  EXPECT_FALSE(check->msg.HasUseCandidate());
  EXPECT_EQ(check->msg.GetIceControlled().value(), agent_->tie_breaker());
  EXPECT_EQ(check->msg.GetPriority().value(),
            CandidatePriority(CandidateType::kPeerReflexive, 65535, 1));
  EXPECT_TRUE(check->msg.VerifyMessageIntegrity(kPeerCreds.pwd).ok());
  EXPECT_TRUE(check->msg.VerifyFingerprint().ok());
}

TEST_F(AgentTest, LearnsPeerReflexiveRemoteFromRequest) {
  Make(Role::kControlled, /*add_peer=*/false);
  const SocketAddress nat = SocketAddress::Parse("198.51.100.9:7000").value();
  const SocketAddress lan = SocketAddress::Parse("10.0.0.9:7000").value();
  (void)lan;
  Deliver(nat, PeerCheck(Role::kControlling, 5, false, 1, 1862270975));
  auto sent = Drain();
  ASSERT_FALSE(sent.empty());
  EXPECT_EQ(sent[0]->msg.GetXorMappedAddress().value(), nat);
  std::vector<Candidate> remotes = agent_->remote_candidates();
  ASSERT_EQ(remotes.size(), 1u);
  EXPECT_EQ(remotes[0].type, CandidateType::kPeerReflexive);
  EXPECT_EQ(remotes[0].address, nat);
  EXPECT_EQ(remotes[0].priority, 1862270975u);
  ASSERT_NE(agent_->check_list().FindByTuple(kLocal, nat), nullptr);

  // Signalling the same address later upgrades the candidate in place.
  Candidate signalled;
  signalled.foundation = "sig";
  signalled.type = CandidateType::kServerReflexive;
  signalled.priority = 1694498815;
  signalled.address = nat;
  signalled.related = lan;
  ASSERT_TRUE(agent_->AddRemoteCandidate(now_, signalled).ok());
  remotes = agent_->remote_candidates();
  ASSERT_EQ(remotes.size(), 1u);
  EXPECT_EQ(remotes[0].type, CandidateType::kServerReflexive);
  EXPECT_EQ(remotes[0].priority, 1694498815u);
  EXPECT_EQ(agent_->check_list().size(), 1u);
}

TEST_F(AgentTest, WrongIntegrityIsRefusedWith401) {
  Make(Role::kControlled);
  Drain();
  std::vector<uint8_t> bad =
      MessageBuilder(stun::Method::kBinding, stun::Class::kRequest, rng_)
          .AddUsername("LOCL:PEER")
          .AddPriority(1)
          .AddIceControlling(1)
          .AddMessageIntegrity("wrong password for this agent")
          .AddFingerprint()
          .Build()
          .value();
  Deliver(kPeer, bad);
  auto sent = Drain();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0]->msg.message_class(), stun::Class::kError);
  EXPECT_EQ(sent[0]->msg.GetErrorCode()->code, 401);
  EXPECT_FALSE(sent[0]->msg.HasMessageIntegrity());
  EXPECT_EQ(agent_->counters().requests_rejected, 1u);
  // Nothing was learned from it.
  EXPECT_FALSE(
      agent_->check_list().FindByTuple(kLocal, kPeer)->remote_validated);
}

TEST_F(AgentTest, UnknownComprehensionRequiredAttributeGets420) {
  Make(Role::kControlled);
  Drain();
  const uint8_t v[4] = {0, 0, 0, 1};
  std::vector<uint8_t> req =
      MessageBuilder(stun::Method::kBinding, stun::Class::kRequest, rng_)
          .AddUsername("LOCL:PEER")
          .AddPriority(1)
          .AddIceControlling(1)
          .AddRaw(static_cast<AttributeType>(0x0077), v)
          .AddMessageIntegrity(kLocalCreds.pwd)
          .AddFingerprint()
          .Build()
          .value();
  Deliver(kPeer, req);
  auto sent = Drain();
  ASSERT_EQ(sent.size(), 1u);
  const Message& m = sent[0]->msg;
  EXPECT_EQ(m.GetErrorCode()->code, 420);
  ASSERT_TRUE(m.GetUnknownAttributes().ok());
  EXPECT_EQ(m.GetUnknownAttributes()->at(0),
            static_cast<AttributeType>(0x0077));
  EXPECT_TRUE(m.VerifyMessageIntegrity(kLocalCreds.pwd).ok());
}

TEST_F(AgentTest, OtherMethodsGet400AndIndicationsAreQuiet) {
  Make(Role::kControlled);
  Drain();
  std::vector<uint8_t> alloc =
      MessageBuilder(stun::Method::kAllocate, stun::Class::kRequest, rng_)
          .AddFingerprint()
          .Build()
          .value();
  Deliver(kPeer, alloc);
  auto sent = Drain();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0]->msg.GetErrorCode()->code, 400);
  std::vector<uint8_t> ind = BuildKeepalive(stun::TransactionId{}).value();
  Deliver(kPeer, ind);
  EXPECT_TRUE(Drain().empty());
}

TEST_F(AgentTest, MalformedStunIsDroppedWithoutAnswer) {
  Make(Role::kControlled);
  Drain();
  std::vector<std::vector<uint8_t>> junk = {
      {},
      {0x00},
      {0x00, 0x01, 0x00, 0x00},
      // Header claiming 8 bytes of body that are not there.
      {0x00, 0x01, 0x00, 0x08, 0x21, 0x12, 0xA4, 0x42, 1,  2,
       3,    4,    5,    6,    7,    8,    9,    10,   11, 12},
      // Valid header, attribute running past the end.
      {0x00, 0x01, 0x00, 0x04, 0x21, 0x12, 0xA4, 0x42, 1,    2,    3,    4,
       5,    6,    7,    8,    9,    10,   11,   12,   0x00, 0x06, 0x00, 0x20},
  };
  for (auto& j : junk) Deliver(kPeer, j);
  EXPECT_TRUE(Drain().empty());
  EXPECT_GE(agent_->counters().malformed_dropped, 2u);
  EXPECT_EQ(agent_->connection_state(), ConnectionState::kChecking);
}

TEST_F(AgentTest, ControllingWinsConflictWith487) {
  Make(Role::kControlling);
  Drain();
  const uint64_t ours = agent_->tie_breaker();
  ASSERT_GT(ours, 0u);
  Deliver(kPeer, PeerCheck(Role::kControlling, ours - 1));
  auto sent = Drain();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0]->msg.GetErrorCode()->code, 487);
  EXPECT_TRUE(sent[0]->msg.VerifyMessageIntegrity(kLocalCreds.pwd).ok());
  EXPECT_EQ(agent_->role(), Role::kControlling);
  EXPECT_EQ(agent_->counters().role_conflicts, 1u);
}

TEST_F(AgentTest, ControllingLosesConflictAndSwitches) {
  Make(Role::kControlling);
  Drain();
  const uint64_t ours = agent_->tie_breaker();
  ASSERT_LT(ours, ~uint64_t{0});
  Deliver(kPeer, PeerCheck(Role::kControlling, ours + 1));
  auto sent = Drain();
  ASSERT_FALSE(sent.empty());
  EXPECT_EQ(sent[0]->msg.message_class(), stun::Class::kSuccess);
  EXPECT_EQ(agent_->role(), Role::kControlled);
  DrainEvents();
  EXPECT_EQ(Count<RoleEvent>(), 1);
  // Pair priorities now use the controlled formula.
  const CandidatePair* p = agent_->check_list().FindByTuple(kLocal, kPeer);
  EXPECT_EQ(p->priority, PairPriority(Role::kControlled, p->local_priority,
                                      p->remote_priority));
}

TEST_F(AgentTest, ControlledConflictResolvedByTieBreaker) {
  Make(Role::kControlled);
  Drain();
  const uint64_t ours = agent_->tie_breaker();
  Deliver(kPeer, PeerCheck(Role::kControlled, ours + 1));  // peer wins
  auto sent = Drain();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0]->msg.GetErrorCode()->code, 487);
  EXPECT_EQ(agent_->role(), Role::kControlled);
  Deliver(kPeer, PeerCheck(Role::kControlled, ours - 1, false, 2));  // we win
  sent = Drain();
  ASSERT_FALSE(sent.empty());
  EXPECT_EQ(sent[0]->msg.message_class(), stun::Class::kSuccess);
  EXPECT_EQ(agent_->role(), Role::kControlling);
}

TEST_F(AgentTest, RoleConflictResponseSwitchesRoleAndRetries) {
  Make(Role::kControlling);
  std::unique_ptr<Sent> check = NextCheck();
  ASSERT_NE(check, nullptr);
  EXPECT_TRUE(check->msg.Has(AttributeType::kIceControlling));
  Deliver(kPeer,
          BuildCheckError(check->msg.transaction_id(), 487, kPeerCreds.pwd)
              .value());
  EXPECT_EQ(agent_->role(), Role::kControlled);
  std::unique_ptr<Sent> retry = NextCheck();
  ASSERT_NE(retry, nullptr);
  EXPECT_TRUE(retry->msg.Has(AttributeType::kIceControlled));
  EXPECT_NE(retry->msg.transaction_id(), check->msg.transaction_id());
}

TEST_F(AgentTest, ControllingNominatesAndSelects) {
  Make(Role::kControlling);
  std::unique_ptr<Sent> check = NextCheck();
  ASSERT_NE(check, nullptr);
  EXPECT_FALSE(check->msg.HasUseCandidate());
  now_ += TimeDelta::Millis(20);
  Deliver(kPeer, PeerSuccess(check->msg));
  const CandidatePair* p = agent_->check_list().FindByTuple(kLocal, kPeer);
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->state, PairState::kSucceeded);
  EXPECT_EQ(p->current_round_trip_time, TimeDelta::Millis(20));
  // Nothing better is pending: the nomination check follows at once, not
  // in the next Ta slot (no timer runs before it goes out).
  const Timestamp succeeded_at = now_;
  std::unique_ptr<Sent> nomination = NextCheck();
  ASSERT_NE(nomination, nullptr);
  EXPECT_TRUE(nomination->msg.HasUseCandidate());
  EXPECT_EQ(now_, succeeded_at);
  Deliver(kPeer, PeerSuccess(nomination->msg));
  DrainEvents();
  EXPECT_EQ(Count<SelectedPairEvent>(), 1);
  ASSERT_TRUE(agent_->selected_pair().has_value());
  EXPECT_EQ(agent_->selected_pair()->remote.address, kPeer);
  EXPECT_TRUE(agent_->connection_state() == ConnectionState::kCompleted ||
              agent_->connection_state() == ConnectionState::kConnected);
  EXPECT_TRUE(agent_->check_list().FindByTuple(kLocal, kPeer)->nominated);
  // Data now flows on it.
  const uint8_t dtls[] = {22, 254, 253, 0};
  ASSERT_TRUE(agent_->Send(now_, dtls).ok());
  auto sent = Drain();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0]->t.payload, std::vector<uint8_t>(dtls, dtls + 4));
  EXPECT_EQ(sent[0]->t.remote, kPeer);
}

TEST_F(AgentTest, ResponseFromWrongAddressFailsThePair) {
  Make(Role::kControlling);
  std::unique_ptr<Sent> check = NextCheck();
  ASSERT_NE(check, nullptr);
  const SocketAddress other = SocketAddress::Parse("10.0.0.3:6000").value();
  Deliver(other, PeerSuccess(check->msg));
  EXPECT_EQ(agent_->check_list().FindByTuple(kLocal, kPeer)->state,
            PairState::kFailed);
}

TEST_F(AgentTest, ResponseWithWrongIntegrityIsIgnored) {
  Make(Role::kControlling);
  std::unique_ptr<Sent> check = NextCheck();
  ASSERT_NE(check, nullptr);
  Deliver(kPeer, BuildCheckSuccess(check->msg.transaction_id(), kLocal,
                                   "not the peer password!!")
                     .value());
  const CandidatePair* p = agent_->check_list().FindByTuple(kLocal, kPeer);
  EXPECT_EQ(p->state, PairState::kInProgress);
  // The transaction is still alive: the real answer still counts.
  Deliver(kPeer, PeerSuccess(check->msg));
  EXPECT_EQ(p->state, PairState::kSucceeded);
}

TEST_F(AgentTest, MappedAddressMakesPeerReflexiveLocal) {
  Make(Role::kControlling);
  std::unique_ptr<Sent> check = NextCheck();
  ASSERT_NE(check, nullptr);
  const SocketAddress mapped =
      SocketAddress::Parse("203.0.113.50:40000").value();
  Deliver(kPeer, PeerSuccess(check->msg, mapped));
  const CandidatePair* p = agent_->check_list().FindByTuple(kLocal, kPeer);
  ASSERT_TRUE(p->valid_local.has_value());
  bool found = false;
  for (const Candidate& c : agent_->local_candidates()) {
    if (c.address == mapped) {
      found = true;
      EXPECT_EQ(c.type, CandidateType::kPeerReflexive);
      EXPECT_EQ(c.base, kLocal);
      EXPECT_EQ(c.priority, check->msg.GetPriority().value());
    }
  }
  EXPECT_TRUE(found);
  // Local prflx candidates are never signalled.
  for (const Event& e : DrainEvents()) {
    if (auto* c = std::get_if<LocalCandidateEvent>(&e)) {
      EXPECT_FALSE(c->candidate &&
                   c->candidate->type == CandidateType::kPeerReflexive);
    }
  }
}

TEST_F(AgentTest, ControlledHonoursUseCandidateAfterOwnCheck) {
  Make(Role::kControlled);
  Drain();
  Deliver(kPeer, PeerCheck(Role::kControlling, 5, /*use_candidate=*/true));
  EXPECT_FALSE(agent_->selected_pair().has_value());
  std::unique_ptr<Sent> check = NextCheck();
  ASSERT_NE(check, nullptr);
  Deliver(kPeer, PeerSuccess(check->msg));
  ASSERT_TRUE(agent_->selected_pair().has_value());
  EXPECT_EQ(agent_->selected_pair()->remote.address, kPeer);
}

TEST_F(AgentTest, ApplicationDataOnlyOnValidatedPairs) {
  Make(Role::kControlled);
  Drain();
  const std::vector<uint8_t> rtp = {0x80, 96, 0, 1, 0, 0, 0, 0};
  Deliver(kPeer, rtp);
  EXPECT_EQ(agent_->counters().data_dropped, 1u);
  // Once the peer proved it has our credentials, its data is accepted.
  Deliver(kPeer, PeerCheck(Role::kControlling, 5));
  DrainEvents();
  Deliver(kPeer, rtp);
  std::vector<Event> ev = DrainEvents();
  ASSERT_EQ(ev.size(), 1u);
  auto* data = std::get_if<ApplicationDataEvent>(&ev[0]);
  ASSERT_NE(data, nullptr);
  EXPECT_EQ(data->payload, rtp);
  EXPECT_EQ(data->remote, kPeer);
  EXPECT_EQ(data->local, kLocal);
  // Bytes in RFC 7983's unassigned gap are dropped, not surfaced.
  Deliver(kPeer, {0x50, 1, 2});
  EXPECT_TRUE(DrainEvents().size() <= 1);
}

// A socket on 127.0.0.1 is never paired with a non-loopback candidate from
// the SDP, but a check that arrives from another address of the same host
// (Chromium's 192.0.2.x to our loopback socket) proves that path: the pair
// is formed and the data the peer then sends on it is delivered.
TEST_F(AgentTest, CheckFromLocalNonLoopbackAddressFormsAPairOnLoopback) {
  const SocketAddress loopback = SocketAddress::Parse("127.0.0.1:5000").value();
  const SocketAddress same_host =
      SocketAddress::Parse("192.0.2.2:7000").value();
  AgentConfig c = testing::SimpleConfig(Role::kControlled, loopback,
                                        kLocalCreds.ufrag, kLocalCreds.pwd);
  agent_ = Agent::Create(c, Rng(7)).value();
  ASSERT_TRUE(agent_->GatherCandidates(now_).ok());
  ASSERT_TRUE(agent_->SetRemoteCredentials(now_, kPeerCreds).ok());
  Candidate p;
  p.foundation = "peer1";
  p.priority = kPeerPriority;
  p.address = same_host;
  ASSERT_TRUE(agent_->AddRemoteCandidate(now_, p).ok());
  EXPECT_EQ(agent_->check_list().FindByTuple(loopback, same_host), nullptr);
  Drain();
  DrainEvents();

  Deliver(same_host, PeerCheck(Role::kControlling, 5, /*use_candidate=*/true),
          loopback);
  ASSERT_NE(agent_->check_list().FindByTuple(loopback, same_host), nullptr);
  const std::vector<uint8_t> dtls = {23, 0xfe, 0xfd, 0, 1, 0, 0, 0, 0, 0, 0};
  Deliver(same_host, dtls, loopback);
  EXPECT_EQ(agent_->counters().data_dropped, 0u);
  EXPECT_EQ(Count<ApplicationDataEvent>(), 0);
  DrainEvents();
  EXPECT_EQ(Count<ApplicationDataEvent>(), 1);
}

TEST_F(AgentTest, SendWithoutSelectionFails) {
  Make(Role::kControlled);
  const uint8_t b[] = {1};
  EXPECT_EQ(agent_->Send(now_, b).code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_F(AgentTest, RemoteCredentialChangeNeedsRestart) {
  Make(Role::kControlled);
  EXPECT_TRUE(agent_->SetRemoteCredentials(now_, kPeerCreds).ok());
  EXPECT_EQ(
      agent_->SetRemoteCredentials(now_, {"OTHR", "otherpassword0123456789"})
          .code(),
      absl::StatusCode::kFailedPrecondition);
  ASSERT_TRUE(agent_->Restart(now_).ok());
  EXPECT_NE(agent_->local_credentials().ufrag, kLocalCreds.ufrag);
  EXPECT_EQ(agent_->generation(), 1u);
  EXPECT_TRUE(
      agent_->SetRemoteCredentials(now_, {"OTHR", "otherpassword0123456789"})
          .ok());
}

TEST_F(AgentTest, StaleAndForeignCandidatesAreIgnored) {
  Make(Role::kControlled, /*add_peer=*/false);
  Candidate c;
  c.foundation = "x";
  c.priority = 1;
  c.address = kPeer;
  c.ufrag = "OLDUFRAG";
  EXPECT_TRUE(agent_->AddRemoteCandidate(now_, c).ok());
  c.ufrag.clear();
  c.component = 2;
  EXPECT_TRUE(agent_->AddRemoteCandidate(now_, c).ok());
  c.component = 1;
  c.transport = Transport::kTcp;
  EXPECT_TRUE(agent_->AddRemoteCandidate(now_, c).ok());
  EXPECT_TRUE(agent_->remote_candidates().empty());
  EXPECT_EQ(
      agent_->AddRemoteCandidate(now_, "candidate:1 1 udp 1 a.local 5 typ host")
          .code(),
      absl::StatusCode::kFailedPrecondition);  // mDNS disabled
  EXPECT_FALSE(agent_->AddRemoteCandidate(now_, "garbage").ok());
}

TEST_F(AgentTest, ConfigValidationNamesTheField) {
  AgentConfig c = testing::SimpleConfig(Role::kControlling, kLocal, "ab", "x");
  absl::StatusOr<std::unique_ptr<Agent>> a = Agent::Create(c, Rng(1));
  ASSERT_FALSE(a.ok());
  EXPECT_NE(std::string(a.status().message()).find("credentials.ufrag"),
            std::string::npos);
  c = testing::SimpleConfig(Role::kControlling, kLocal, kLocalCreds.ufrag,
                            kLocalCreds.pwd);
  c.mdns_mode = MdnsMode::kQueryOnly;
  a = Agent::Create(c, Rng(1));
  ASSERT_FALSE(a.ok());
  EXPECT_NE(std::string(a.status().message()).find("resolver"),
            std::string::npos);
  c.mdns_mode = MdnsMode::kDisabled;
  c.lite = true;
  EXPECT_FALSE(Agent::Create(c, Rng(1)).ok());  // lite must be controlled
  c.role = Role::kControlled;
  EXPECT_TRUE(Agent::Create(c, Rng(1)).ok());
}

TEST_F(AgentTest, LiteAgentSelectsOnUseCandidateAndNeverChecks) {
  Make(Role::kControlled, /*add_peer=*/true,
       [](AgentConfig& c) { c.lite = true; });
  Drain();
  Deliver(kPeer, PeerCheck(Role::kControlling, 5));
  auto sent = Drain();
  ASSERT_EQ(sent.size(), 1u);  // just the response
  EXPECT_EQ(sent[0]->msg.message_class(), stun::Class::kSuccess);
  Deliver(kPeer, PeerCheck(Role::kControlling, 5, /*use_candidate=*/true, 2));
  ASSERT_TRUE(agent_->selected_pair().has_value());
  for (int i = 0; i < 20; ++i) Tick(TimeDelta::Millis(100));
  for (auto& s : Drain()) {
    if (!s->msg.bytes().empty()) {
      EXPECT_NE(s->msg.message_class(), stun::Class::kRequest);
    }
  }
}

TEST_F(AgentTest, ChecksArePacedByTa) {
  Make(Role::kControlling, /*add_peer=*/false);
  for (int i = 0; i < 5; ++i) {
    Candidate c;
    c.foundation = absl::StrFormat("f%d", i);
    c.priority = kPeerPriority - i;
    c.address = SocketAddress(kPeer.ip(), static_cast<uint16_t>(6000 + i));
    ASSERT_TRUE(agent_->AddRemoteCandidate(now_, c).ok());
  }
  std::vector<Timestamp> times;
  for (int i = 0; i < 40 && times.size() < 5; ++i) {
    for (auto& s : Drain()) {
      if (!s->msg.bytes().empty() &&
          s->msg.message_class() == stun::Class::kRequest &&
          s->msg.transaction_id() != stun::TransactionId{}) {
        times.push_back(now_);
      }
    }
    Tick(TimeDelta::Millis(10));
  }
  ASSERT_GE(times.size(), 5u);
  for (size_t i = 1; i < times.size(); ++i) {
    EXPECT_GE(times[i] - times[i - 1], TimeDelta::Millis(50));
  }
}

}  // namespace
}  // namespace simrtc::ice
