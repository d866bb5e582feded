// PeerConnection connection setup and memory, on core/peer/test_pair.h's
// in-memory network in virtual time (one thread does the work of both peers
// and the network):
//  * BM_ConnectionSetup: CPU cost of one complete setup: two PeerConnections
//    created, a data channel, offer/answer (trickle), ICE, DTLS, SCTP, DCEP,
//    until the channel is open on both sides, over a zero-latency link.
//    Arg cert:1 generates each peer's ECDSA certificate inside the loop (what
//    a default configuration does), cert:0 passes certificates made once.
//    Counters: virtual ms from CreateOffer to open, datagrams exchanged.
//  * BM_VirtualTimeToOpen: the same over a 10 ms one-way link; reports the
//    virtual time to open and it in round trips (virtual ms / 20).
//  * BM_MemoryPerIdlePeerConnection: N connected pairs held at once, each
//    with one open data channel and idle; resident-set growth (from
//    /proc/self/statm) and malloc'd bytes in use (mallinfo2) per
//    PeerConnection, with the default 1024 SCTP streams each way and with
//    256. Run each in its own process (--benchmark_filter), so that an
//    earlier benchmark's freed memory does not absorb the RSS growth.
//    BM_MemoryPerNewPeerConnection: the same for PeerConnections that are
//    only created (with a data channel), for the breakdown.
// Run: bazel run -c opt //bench/peer:peer_bench
#include <benchmark/benchmark.h>
#include <malloc.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <vector>

#include "core/dtls/certificate.h"
#include "core/peer/peer_connection.h"
#include "core/peer/test_pair.h"

namespace {

using simrtc::TimeDelta;
using simrtc::Timestamp;
using simrtc::datachannel::ChannelPtr;
using simrtc::datachannel::ChannelState;
using simrtc::peer::testing::Pair;
using simrtc::peer::testing::PairOptions;

[[noreturn]] void Fail(const char* what) {
  std::fprintf(stderr, "peer_bench: %s\n", what);
  std::abort();
}

struct Setup {
  std::unique_ptr<Pair> pair;
  ChannelPtr channel;  // a's end
  TimeDelta to_open;   // CreateOffer -> open on both sides
  uint64_t datagrams = 0;
};

// Creates the pair, negotiates a data channel and runs until it is open on
// both sides.
// `sctp_streams` > 0 overrides the SCTP stream counts (both directions).
Setup Connect(TimeDelta latency, const simrtc::dtls::Certificate* cert_a,
              const simrtc::dtls::Certificate* cert_b, uint64_t seed,
              int sctp_streams = 0) {
  PairOptions o;
  o.latency = latency;
  if (cert_a != nullptr) o.a.certificate = *cert_a;
  if (cert_b != nullptr) o.b.certificate = *cert_b;
  if (sctp_streams > 0) {
    for (simrtc::peer::Configuration* c : {&o.a, &o.b}) {
      c->sctp.outbound_streams = static_cast<uint16_t>(sctp_streams);
      c->sctp.inbound_streams = static_cast<uint16_t>(sctp_streams);
    }
  }
  Setup s;
  s.pair = std::make_unique<Pair>(std::move(o), seed);
  Pair& p = *s.pair;
  auto channel = p.a().pc->CreateDataChannel(p.now(), "bench");
  if (!channel.ok()) Fail("CreateDataChannel");
  s.channel = *channel;
  const Timestamp start = p.now();  // Negotiate calls CreateOffer now
  if (!p.Negotiate(p.a(), p.b()).ok()) Fail("Negotiate");
  const bool open = p.RunUntil([&] {
    return s.channel->state() == ChannelState::kOpen &&
           !p.b().incoming.empty() &&
           p.b().incoming[0]->state() == ChannelState::kOpen;
  });
  if (!open) Fail("data channel did not open");
  s.to_open = p.now() - start;
  s.datagrams = p.datagrams_delivered();
  return s;
}

simrtc::dtls::Certificate MakeCertificate() {
  auto c = simrtc::dtls::Certificate::Generate();
  if (!c.ok()) Fail("certificate");
  return *std::move(c);
}

void BM_ConnectionSetup(benchmark::State& state) {
  const bool generate = state.range(0) != 0;
  const simrtc::dtls::Certificate ca = MakeCertificate();
  const simrtc::dtls::Certificate cb = MakeCertificate();
  double virtual_ms = 0;
  double datagrams = 0;
  uint64_t seed = 1;
  for (auto _ : state) {
    Setup s = generate ? Connect(TimeDelta::Zero(), nullptr, nullptr, seed)
                       : Connect(TimeDelta::Zero(), &ca, &cb, seed);
    ++seed;
    virtual_ms += static_cast<double>(s.to_open.us()) / 1000.0;
    datagrams += static_cast<double>(s.datagrams);
    benchmark::DoNotOptimize(s.channel.get());
  }
  const double n = static_cast<double>(state.iterations());
  state.counters["virtual_ms"] = virtual_ms / n;
  state.counters["datagrams"] = datagrams / n;
}
BENCHMARK(BM_ConnectionSetup)
    ->ArgName("cert")
    ->Arg(1)
    ->Arg(0)
    ->Unit(benchmark::kMicrosecond);

void BM_VirtualTimeToOpen(benchmark::State& state) {
  const TimeDelta latency = TimeDelta::Millis(state.range(0));
  const simrtc::dtls::Certificate ca = MakeCertificate();
  const simrtc::dtls::Certificate cb = MakeCertificate();
  double virtual_ms = 0;
  double datagrams = 0;
  uint64_t seed = 1;
  for (auto _ : state) {
    Setup s = Connect(latency, &ca, &cb, seed++);
    virtual_ms += static_cast<double>(s.to_open.us()) / 1000.0;
    datagrams += static_cast<double>(s.datagrams);
  }
  const double n = static_cast<double>(state.iterations());
  state.counters["virtual_ms"] = virtual_ms / n;
  const double rtt_ms = 2.0 * static_cast<double>(state.range(0));
  if (rtt_ms > 0) state.counters["round_trips"] = virtual_ms / n / rtt_ms;
  state.counters["datagrams"] = datagrams / n;
}
BENCHMARK(BM_VirtualTimeToOpen)
    ->ArgName("one_way_ms")
    ->Arg(10)
    ->Unit(benchmark::kMicrosecond);

int64_t ResidentBytes() {
  std::FILE* f = std::fopen("/proc/self/statm", "r");
  if (f == nullptr) Fail("/proc/self/statm");
  long size = 0;
  long resident = 0;
  if (std::fscanf(f, "%ld %ld", &size, &resident) != 2) Fail("statm");
  std::fclose(f);
  return static_cast<int64_t>(resident) * sysconf(_SC_PAGESIZE);
}

int64_t HeapInUse() { return static_cast<int64_t>(mallinfo2().uordblks); }

void BM_MemoryPerIdlePeerConnection(benchmark::State& state) {
  const int pairs = static_cast<int>(state.range(0));
  const int streams = static_cast<int>(state.range(1));
  double rss_per_pc = 0;
  double heap_per_pc = 0;
  // Warm up once (usrsctp, BoringSSL and the allocator initialise on first
  // use), as the Pion counterpart does.
  { Setup warm_up = Connect(TimeDelta::Zero(), nullptr, nullptr, 999); }
  for (auto _ : state) {
    malloc_trim(0);
    const int64_t rss_before = ResidentBytes();
    const int64_t heap_before = HeapInUse();
    std::vector<Setup> held;
    held.reserve(pairs);
    for (int i = 0; i < pairs; ++i) {
      // Default configuration: each PeerConnection makes its certificate.
      Setup s = Connect(TimeDelta::Zero(), nullptr, nullptr, 1000 + i, streams);
      // Idle: a second of virtual time with nothing to send, then drop the
      // harness's record of past events (not part of a PeerConnection).
      s.pair->RunFor(TimeDelta::Seconds(1));
      for (auto* side : {&s.pair->a(), &s.pair->b()}) {
        side->events.clear();
        side->events.shrink_to_fit();
        side->states.clear();
        side->states.shrink_to_fit();
        side->signaling.clear();
        side->signaling.shrink_to_fit();
        side->messages.clear();
        side->messages.shrink_to_fit();
      }
      held.push_back(std::move(s));
    }
    malloc_trim(0);
    const double pcs = 2.0 * pairs;
    rss_per_pc = static_cast<double>(ResidentBytes() - rss_before) / pcs;
    heap_per_pc = static_cast<double>(HeapInUse() - heap_before) / pcs;
    for (const Setup& s : held) {
      if (!s.pair->a().connected() || !s.pair->b().connected() ||
          s.channel->state() != ChannelState::kOpen) {
        Fail("a held connection is not connected and open");
      }
    }
    state.PauseTiming();
    held.clear();
    state.ResumeTiming();
  }
  state.counters["rss_bytes_per_pc"] = rss_per_pc;
  state.counters["heap_bytes_per_pc"] = heap_per_pc;
  state.counters["peer_connections"] = 2.0 * pairs;
}
// For the breakdown: PeerConnections created (default configuration, each
// with its own certificate) with one data channel, never negotiated; the
// difference to BM_MemoryPerIdlePeerConnection is what a connection's ICE,
// DTLS and SCTP state adds.
void BM_MemoryPerNewPeerConnection(benchmark::State& state) {
  const int count = static_cast<int>(state.range(0));
  double rss_per_pc = 0;
  double heap_per_pc = 0;
  { Setup warm_up = Connect(TimeDelta::Zero(), nullptr, nullptr, 999); }
  for (auto _ : state) {
    malloc_trim(0);
    const int64_t rss_before = ResidentBytes();
    const int64_t heap_before = HeapInUse();
    std::vector<std::unique_ptr<simrtc::peer::PeerConnection>> held;
    std::vector<ChannelPtr> channels;
    simrtc::Rng rng(5);
    for (int i = 0; i < count; ++i) {
      simrtc::peer::Configuration c;
      simrtc::ice::LocalInterface itf;
      itf.address = simrtc::SocketAddress(
          simrtc::IpAddress::V4(10, 0, static_cast<uint8_t>(i >> 8),
                                static_cast<uint8_t>(i)),
          5000);
      itf.name = "eth0";
      c.interfaces.push_back(itf);
      auto pc = simrtc::peer::PeerConnection::Create(c, rng.Fork(i),
                                                     Timestamp::Seconds(1));
      if (!pc.ok()) Fail("PeerConnection::Create");
      auto channel = (*pc)->CreateDataChannel(Timestamp::Seconds(1), "bench");
      if (!channel.ok()) Fail("CreateDataChannel");
      while ((*pc)->PollEvent()) {
      }
      channels.push_back(*channel);
      held.push_back(*std::move(pc));
    }
    malloc_trim(0);
    rss_per_pc = static_cast<double>(ResidentBytes() - rss_before) / count;
    heap_per_pc = static_cast<double>(HeapInUse() - heap_before) / count;
    state.PauseTiming();
    channels.clear();
    held.clear();
    state.ResumeTiming();
  }
  state.counters["rss_bytes_per_pc"] = rss_per_pc;
  state.counters["heap_bytes_per_pc"] = heap_per_pc;
  state.counters["peer_connections"] = count;
}
BENCHMARK(BM_MemoryPerNewPeerConnection)
    ->ArgName("count")
    ->Arg(200)
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);

// streams: SCTP streams each way; 1024 is the default (sctp::Config, as
// Chromium), and usrsctp keeps per-stream state for all of them.
BENCHMARK(BM_MemoryPerIdlePeerConnection)
    ->ArgNames({"pairs", "streams"})
    ->Args({100, 1024})
    ->Args({100, 256})
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);

}  // namespace
