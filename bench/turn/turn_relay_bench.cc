// TURN server relay throughput in memory: ChannelData client -> peer and
// peer -> client (ChannelData framing), Send indications for comparison.
// Each iteration relays one packet and drains its transmit.
#include <vector>

#include "benchmark/benchmark.h"
#include "core/base/rng.h"
#include "core/stun/builder.h"
#include "core/stun/channel_data.h"
#include "core/turn/client.h"
#include "core/turn/server.h"

namespace simrtc::turn {
namespace {

const SocketAddress kServerAddr(IpAddress::V4(192, 0, 2, 1), 3478);
const SocketAddress kClientAddr(IpAddress::V4(10, 0, 0, 2), 40000);
const SocketAddress kPeer(IpAddress::V4(203, 0, 113, 5), 5000);

struct Setup {
  Server server;
  Client client;
  Timestamp now = Timestamp::Seconds(1);

  Setup() : server(MakeConfig(), Rng(1)), client(MakeClientConfig(), Rng(2)) {
    (void)client.Allocate(now);
    Pump();
    (void)client.BindChannel(now, kPeer);
    Pump();
    while (client.PollEvent()) {
    }
  }
  static ServerConfig MakeConfig() {
    ServerConfig c;
    c.realm = "bench";
    c.auth = StaticUsers({{"u", "p"}});
    return c;
  }
  static ClientConfig MakeClientConfig() {
    ClientConfig c;
    c.local = kClientAddr;
    c.server = kServerAddr;
    c.username = "u";
    c.password = "p";
    return c;
  }
  void Pump() {
    for (int i = 0; i < 20; ++i) {
      while (auto t = client.PollTransmit()) {
        server.HandleDatagram(
            now, Datagram{t->remote, t->local, Transport::kUdp, t->payload});
      }
      while (auto t = server.PollTransmit()) {
        client.HandleDatagram(
            now, Datagram{t->remote, t->local, Transport::kUdp, t->payload});
      }
    }
  }
};

void BM_ChannelDataClientToPeer(benchmark::State& state) {
  Setup s;
  std::vector<uint8_t> payload(state.range(0), 0xab);
  auto frame = stun::BuildChannelData(0x4000, payload).value();
  for (auto _ : state) {
    s.server.HandleDatagram(s.now, kServerAddr, kClientAddr, frame);
    auto t = s.server.PollTransmit();
    benchmark::DoNotOptimize(t);
  }
  if (s.server.stats().relayed_to_peers == 0) state.SkipWithError("no relay");
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * payload.size());
}
BENCHMARK(BM_ChannelDataClientToPeer)->Arg(160)->Arg(1200);

void BM_PeerToClientChannelData(benchmark::State& state) {
  Setup s;
  std::vector<uint8_t> payload(state.range(0), 0xcd);
  const SocketAddress relayed = s.client.relayed_address();
  for (auto _ : state) {
    s.server.HandleDatagram(s.now, relayed, kPeer, payload);
    auto t = s.server.PollTransmit();
    benchmark::DoNotOptimize(t);
  }
  if (s.server.stats().relayed_to_clients == 0) {
    state.SkipWithError("no relay");
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * payload.size());
}
BENCHMARK(BM_PeerToClientChannelData)->Arg(160)->Arg(1200);

void BM_SendIndicationClientToPeer(benchmark::State& state) {
  Setup s;
  Rng rng(3);
  std::vector<uint8_t> payload(state.range(0), 0xef);
  auto ind =
      stun::MessageBuilder(stun::Method::kSend, stun::Class::kIndication, rng)
          .AddXorPeerAddress(kPeer)
          .AddData(payload)
          .Build()
          .value();
  for (auto _ : state) {
    s.server.HandleDatagram(s.now, kServerAddr, kClientAddr, ind);
    auto t = s.server.PollTransmit();
    benchmark::DoNotOptimize(t);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_SendIndicationClientToPeer)->Arg(160);

}  // namespace
}  // namespace simrtc::turn
