// Packet deliveries per wall-second through vnet, for the echo pattern the
// simulator runs most: every delivered datagram is sent straight back,
// moving its payload buffer, with a fixed number of packets in flight.
//
//   BM_EchoOneRouter   two hosts on one LAN (2 hops, 2 events per packet)
//   BM_EchoTwoNats     two hosts behind two port-restricted NATs under one
//                      internet router (4 hops, 2 translations per packet)
//
// items_per_second is deliveries per second. Target: >= 1e6 with -c opt.
#include <cstdint>
#include <memory>
#include <optional>
#include <utility>

#include "benchmark/benchmark.h"
#include "core/base/rng.h"
#include "vnet/network.h"

namespace simrtc::vnet {
namespace {

IpAddress MustIp(const char* s) { return *IpAddress::Parse(s); }

std::pair<IpAddress, int> Net(const char* prefix, int len) {
  return {MustIp(prefix), len};
}

LinkConfig Wire(int64_t delay_us) {
  LinkDirectionConfig d;
  d.delay.base = TimeDelta::Micros(delay_us);
  d.delay.distribution = DelayConfig::Distribution::kConstant;
  return LinkConfig::Symmetric(d);
}

struct Setup {
  std::unique_ptr<Network> net;
  HostId a;
  HostId b;
  SocketAddress a_local;
  SocketAddress b_seen_by_a;  // where a sends to reach b
};

Setup OneRouter() {
  Setup s;
  s.net = std::make_unique<Network>(Rng(1));
  RouterConfig lan;
  lan.name = "lan";
  lan.subnets = {Net("10.0.0.0", 24)};
  (void)s.net->AddRouter(lan);
  HostConfig h;
  h.router = "lan";
  h.link = Wire(500);
  h.name = "a";
  s.a = *s.net->AddHost(h);
  h.name = "b";
  s.b = *s.net->AddHost(h);
  s.a_local = SocketAddress(MustIp("10.0.0.2"), 5000);
  s.b_seen_by_a = SocketAddress(MustIp("10.0.0.3"), 6000);
  return s;
}

Setup TwoNats() {
  Setup s;
  s.net = std::make_unique<Network>(Rng(1));
  RouterConfig internet;
  internet.name = "internet";
  internet.subnets = {Net("203.0.113.0", 24)};
  (void)s.net->AddRouter(internet);
  for (const char* name : {"home1", "home2"}) {
    RouterConfig home;
    home.name = name;
    home.parent = "internet";
    home.subnets = {Net("192.168.1.0", 24)};
    home.nat = NatConfig::Preset("port_restricted_cone");
    home.uplink = Wire(10000);
    (void)s.net->AddRouter(home);
  }
  HostConfig h;
  h.link = Wire(500);
  h.name = "a";
  h.router = "home1";
  s.a = *s.net->AddHost(h);
  h.name = "b";
  h.router = "home2";
  s.b = *s.net->AddHost(h);
  // Punch the hole: each side sends once to the other's public mapping
  // (home1 is 203.0.113.2, home2 203.0.113.3; ports are preserved).
  s.a_local = SocketAddress(MustIp("192.168.1.2"), 5000);
  s.b_seen_by_a = SocketAddress(MustIp("203.0.113.3"), 6000);
  Transmit t;
  t.local = SocketAddress(MustIp("192.168.1.2"), 6000);
  t.remote = SocketAddress(MustIp("203.0.113.2"), 5000);
  t.payload.assign(10, 0);
  (void)s.net->Send(Timestamp::Zero(), s.b, t);
  while (std::optional<Timestamp> next = s.net->NextTimeout()) {
    s.net->HandleTimeout(*next);
  }
  return s;
}

void RunEcho(benchmark::State& state, Setup s) {
  const int in_flight = static_cast<int>(state.range(0));
  Network& net = *s.net;
  Timestamp now = Timestamp::Seconds(1);
  for (int i = 0; i < in_flight; ++i) {
    Transmit t;
    t.local = s.a_local;
    t.remote = s.b_seen_by_a;
    t.payload.assign(1200, static_cast<uint8_t>(i));
    now += TimeDelta::Micros(7);
    (void)net.Send(now, s.a, std::move(t));
  }
  int64_t delivered = 0;
  for (auto _ : state) {
    // One batch: run the network until 10000 more deliveries were echoed.
    int64_t batch = 0;
    while (batch < 10000) {
      std::optional<Timestamp> next = net.NextTimeout();
      if (!next) {
        state.SkipWithError("network went idle: packets were lost");
        return;
      }
      now = *next;
      net.HandleTimeout(now);
      while (std::optional<Delivery> d = net.PollDelivery()) {
        ++batch;
        Transmit back;
        back.local = d->datagram.local;
        back.remote = d->datagram.remote;
        back.payload = std::move(d->datagram.payload);
        (void)net.Send(now, d->host, std::move(back));
      }
    }
    delivered += batch;
  }
  state.SetItemsProcessed(delivered);
  state.counters["virtual_seconds"] = now.seconds();
}

void BM_EchoOneRouter(benchmark::State& state) { RunEcho(state, OneRouter()); }
void BM_EchoTwoNats(benchmark::State& state) { RunEcho(state, TwoNats()); }

BENCHMARK(BM_EchoOneRouter)->Arg(1)->Arg(64)->Arg(1024);
BENCHMARK(BM_EchoTwoNats)->Arg(1)->Arg(64)->Arg(1024);

}  // namespace
}  // namespace simrtc::vnet
