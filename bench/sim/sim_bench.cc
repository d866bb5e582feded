// Simulator throughput.
//
// BM_TwoHostEcho: a client keeps `window` datagrams in flight to an echo
//   server on another host (1 ms links, no loss); every echo triggers the
//   next datagram. Reports simulated deliveries per wall-second (the driver
//   plus the network, per datagram handed to a node) and how many virtual
//   seconds pass per wall-second.
// BM_SixtySecondScenario: a 60 s two-host scenario from a scenario file
//   (ping every 20 ms plus a 2 Mbit/s bulk flow with acks through a 10 Mbit/s
//   link), parse excluded, build + run timed.
#include <memory>
#include <optional>
#include <vector>

#include "benchmark/benchmark.h"
#include "sim/node.h"
#include "sim/nodes/echo_server.h"
#include "sim/runner.h"
#include "sim/scenario.h"
#include "sim/simulator.h"

namespace simrtc::sim {
namespace {

// Keeps a fixed number of datagrams in flight, refilled by echoes.
class Blaster : public QueueingNode {
 public:
  Blaster(SocketAddress target, int window)
      : target_(target), window_(window) {}
  std::string_view kind() const override { return "blaster"; }
  std::vector<SocketAddress> Bindings() const override {
    return {SocketAddress(IpAddress(), 5000)};
  }
  void Start(Timestamp) override {
    for (int i = 0; i < window_; ++i) Fire();
  }
  void HandleDatagram(Timestamp, const Datagram&) override {
    ++echoes_;
    Fire();
  }
  void HandleTimeout(Timestamp) override {}
  std::optional<Timestamp> NextTimeout() const override { return std::nullopt; }
  NodeReport Report() const override {
    NodeReport r;
    r.metrics["echoes"] = static_cast<double>(echoes_);
    return r;
  }

 private:
  void Fire() {
    Send(SocketAddress(IpAddress(), 5000), target_,
         std::vector<uint8_t>(100, 0x5a));
  }
  SocketAddress target_;
  int window_;
  int64_t echoes_ = 0;
};

void BuildTwoHosts(Simulator& sim) {
  vnet::RouterConfig lan;
  lan.name = "lan";
  lan.subnets.push_back({IpAddress::V4(10, 0, 0, 0), 24});
  (void)sim.network().AddRouter(lan);
  vnet::LinkDirectionConfig d;
  d.delay.base = TimeDelta::Millis(1);
  for (int i = 1; i <= 2; ++i) {
    vnet::HostConfig h;
    h.name = i == 1 ? "client" : "server";
    h.router = "lan";
    h.addresses.push_back(IpAddress::V4(10, 0, 0, static_cast<uint8_t>(i)));
    h.link = vnet::LinkConfig::Symmetric(d);
    (void)sim.network().AddHost(h);
  }
}

void BM_TwoHostEcho(benchmark::State& state) {
  const int window = static_cast<int>(state.range(0));
  const TimeDelta slice = TimeDelta::Seconds(1);
  int64_t deliveries = 0;
  double virtual_seconds = 0;
  for (auto _ : state) {
    state.PauseTiming();
    Simulator sim(1);
    BuildTwoHosts(sim);
    (void)sim.AddNode("echo", 1,
                      std::make_unique<EchoServer>(EchoServerConfig{}));
    (void)sim.AddNode(
        "blaster", 0,
        std::make_unique<Blaster>(SocketAddress(IpAddress::V4(10, 0, 0, 2), 7),
                                  window));
    state.ResumeTiming();
    sim.RunUntil(Timestamp::Zero() + slice);
    deliveries += sim.stats().deliveries;
    virtual_seconds += slice.seconds();
  }
  state.counters["deliveries_per_s"] = benchmark::Counter(
      static_cast<double>(deliveries), benchmark::Counter::kIsRate);
  state.counters["virtual_s_per_wall_s"] =
      benchmark::Counter(virtual_seconds, benchmark::Counter::kIsRate);
}
BENCHMARK(BM_TwoHostEcho)
    ->Arg(1)
    ->Arg(64)
    ->Arg(1024)
    ->Unit(benchmark::kMillisecond);

constexpr char kSixtySeconds[] = R"scenario(
  name: "bench_60s"
  duration: "60s"
  topology {
    router { name: "internet" subnet: "198.51.100.0/24" }
    host {
      name: "a"
      router: "internet"
      link {
        both { delay: "10ms" jitter: "2ms" loss: 0.01 }
        up { bandwidth_bps: 10000000 }
      }
    }
    host {
      name: "b"
      router: "internet"
      link { both { delay: "5ms" } }
    }
  }
  node {
    name: "echo"
    host: "b"
    echo_server {}
  }
  node {
    name: "sink"
    host: "b"
    bulk_receiver { port: 6001 }
  }
  node {
    name: "ping"
    host: "a"
    ping { target: "b:7" count: 3000 interval: "20ms" }
  }
  node {
    name: "bulk"
    host: "a"
    bulk_sender {
      target: "b:6001"
      packet_size: 1000
      rate_bps: 2000000
      duration: "60s"
    }
  }
)scenario";

void BM_SixtySecondScenario(benchmark::State& state) {
  absl::StatusOr<Scenario> scenario = Scenario::Parse("bench", kSixtySeconds);
  if (!scenario.ok()) {
    state.SkipWithError(std::string(scenario.status().message()).c_str());
    return;
  }
  int64_t deliveries = 0;
  double virtual_seconds = 0;
  for (auto _ : state) {
    absl::StatusOr<std::unique_ptr<ScenarioRun>> run =
        ScenarioRun::Create(*scenario, 1);
    if (!run.ok()) {
      state.SkipWithError(std::string(run.status().message()).c_str());
      return;
    }
    (*run)->Run();
    deliveries += (*run)->simulator().stats().deliveries;
    virtual_seconds += scenario->duration().seconds();
    benchmark::DoNotOptimize((*run)->passed());
  }
  state.counters["deliveries_per_s"] = benchmark::Counter(
      static_cast<double>(deliveries), benchmark::Counter::kIsRate);
  state.counters["virtual_s_per_wall_s"] =
      benchmark::Counter(virtual_seconds, benchmark::Counter::kIsRate);
}
BENCHMARK(BM_SixtySecondScenario)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace simrtc::sim
