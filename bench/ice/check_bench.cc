// ICE connectivity-check processing cost:
//  * BM_AgentHandlesCheckRequest: an agent receiving a peer's Binding
//    request (screening, HMAC-SHA1 verify, role check, pair lookup) and
//    producing the signed success response, drained from PollTransmit.
//  * BM_AgentHandlesCheckResponse: an agent receiving the success response
//    to one of its outstanding checks (transaction match, HMAC verify,
//    valid-pair bookkeeping), measured over batches of 100 checks.
//  * BM_ScreenRequestAndBuildResponse: the same request path as pure
//    functions, without the agent, to show what the agent adds.
// Run: bazel run -c opt //bench/ice:check_bench
#include <benchmark/benchmark.h>

#include <memory>
#include <set>
#include <vector>

#include "absl/strings/str_format.h"
#include "core/ice/agent.h"
#include "core/ice/connectivity_check.h"
#include "core/ice/test_util.h"
#include "core/stun/message.h"

namespace simrtc::ice {
namespace {

const SocketAddress kLocal = SocketAddress::Parse("10.0.0.1:5000").value();
const SocketAddress kPeer = SocketAddress::Parse("10.0.0.2:6000").value();
const Credentials kLocalCreds{"LOCL", "localpassword0123456789"};
const Credentials kPeerCreds{"PEER", "peerpassword01234567890"};

std::unique_ptr<Agent> MakeAgent(Role role, int remotes, Timestamp now) {
  AgentConfig c =
      testing::SimpleConfig(role, kLocal, kLocalCreds.ufrag, kLocalCreds.pwd);
  c.max_pairs = 1000;
  c.consent_freshness = false;
  std::unique_ptr<Agent> agent = Agent::Create(c, Rng(1)).value();
  (void)agent->GatherCandidates(now);
  (void)agent->SetRemoteCredentials(now, kPeerCreds);
  for (int i = 0; i < remotes; ++i) {
    Candidate p;
    p.foundation = absl::StrFormat("f%d", i);
    p.priority = 2130706431 - i;
    p.address = SocketAddress(kPeer.ip(), static_cast<uint16_t>(6000 + i));
    (void)agent->AddRemoteCandidate(now, p);
  }
  while (agent->PollEvent()) {
  }
  return agent;
}

std::vector<uint8_t> PeerRequest() {
  CheckRequestParams p;
  p.local_ufrag = kPeerCreds.ufrag;
  p.remote = kLocalCreds;
  p.priority = 2130706431;
  p.role = Role::kControlling;
  p.tie_breaker = 1;
  stun::TransactionId txid;
  txid.bytes.fill(7);
  return BuildCheckRequest(txid, p).value();
}

void BM_AgentHandlesCheckRequest(benchmark::State& state) {
  Timestamp now = Timestamp::Seconds(1);
  std::unique_ptr<Agent> agent = MakeAgent(Role::kControlled, 1, now);
  const Datagram d{kLocal, kPeer, Transport::kUdp, PeerRequest()};
  size_t bytes = 0;
  for (auto _ : state) {
    agent->HandleDatagram(now, d);
    while (std::optional<Transmit> t = agent->PollTransmit()) {
      bytes += t->payload.size();
      benchmark::DoNotOptimize(t);
    }
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["response_bytes"] =
      static_cast<double>(bytes) / static_cast<double>(state.iterations());
}
BENCHMARK(BM_AgentHandlesCheckRequest);

void BM_AgentHandlesCheckResponse(benchmark::State& state) {
  constexpr int kBatch = 100;
  int64_t processed = 0;
  for (auto _ : state) {
    state.PauseTiming();
    Timestamp now = Timestamp::Seconds(1);
    std::unique_ptr<Agent> agent = MakeAgent(Role::kControlling, kBatch, now);
    // Let the agent send one check per pair (one per Ta), then answer each.
    std::vector<Datagram> responses;
    std::set<stun::TransactionId> seen;
    responses.reserve(kBatch);
    for (int guard = 0;
         guard < 10 * kBatch && static_cast<int>(responses.size()) < kBatch;
         ++guard) {
      if (std::optional<Timestamp> t = agent->NextTimeout()) now = *t;
      agent->HandleTimeout(now);
      while (std::optional<Transmit> t = agent->PollTransmit()) {
        absl::StatusOr<stun::Message> m =
            stun::Message::Parse(ByteSpan(t->payload));
        if (!m.ok() || m->message_class() != stun::Class::kRequest ||
            m->transaction_id() == stun::TransactionId{}) {
          continue;
        }
        if (m->GetIceControlling().ok() && !m->HasUseCandidate() &&
            seen.insert(m->transaction_id()).second) {
          responses.push_back(Datagram{
              t->local, t->remote, Transport::kUdp,
              BuildCheckSuccess(m->transaction_id(), t->local, kPeerCreds.pwd)
                  .value()});
        }
      }
    }
    state.ResumeTiming();
    for (const Datagram& r : responses) {
      agent->HandleDatagram(now, r);
      while (std::optional<Transmit> t = agent->PollTransmit()) {
        benchmark::DoNotOptimize(t);
      }
    }
    processed += static_cast<int64_t>(responses.size());
    state.PauseTiming();
    agent.reset();
    state.ResumeTiming();
  }
  state.SetItemsProcessed(processed);
}
BENCHMARK(BM_AgentHandlesCheckResponse)->Unit(benchmark::kMicrosecond);

void BM_ScreenRequestAndBuildResponse(benchmark::State& state) {
  const std::vector<uint8_t> wire = PeerRequest();
  for (auto _ : state) {
    stun::Message m = stun::Message::Parse(ByteSpan(wire)).value();
    auto screened =
        ScreenRequest(m, std::span<const Credentials>(&kLocalCreds, 1));
    benchmark::DoNotOptimize(screened);
    std::vector<uint8_t> resp =
        BuildCheckSuccess(m.transaction_id(), kPeer, kLocalCreds.pwd).value();
    benchmark::DoNotOptimize(resp);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ScreenRequestAndBuildResponse);

}  // namespace
}  // namespace simrtc::ice
