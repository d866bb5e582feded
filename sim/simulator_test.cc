#include "sim/simulator.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "gtest/gtest.h"
#include "sim/nodes/echo_server.h"
#include "sim/nodes/ping_client.h"

namespace simrtc::sim {
namespace {

vnet::LinkConfig Delay(int ms) {
  vnet::LinkDirectionConfig d;
  d.delay.base = TimeDelta::Millis(ms);
  return vnet::LinkConfig::Symmetric(d);
}

// Two hosts on one LAN: "a" (10 ms link) and "b" (5 ms link).
void TwoHosts(Simulator& sim) {
  vnet::RouterConfig lan;
  lan.name = "lan";
  lan.subnets.push_back({IpAddress::V4(10, 0, 0, 0), 24});
  ASSERT_TRUE(sim.network().AddRouter(lan).ok());
  vnet::HostConfig a;
  a.name = "a";
  a.router = "lan";
  a.addresses.push_back(IpAddress::V4(10, 0, 0, 1));
  a.link = Delay(10);
  ASSERT_TRUE(sim.network().AddHost(a).ok());
  vnet::HostConfig b = a;
  b.name = "b";
  b.addresses = {IpAddress::V4(10, 0, 0, 2)};
  b.link = Delay(5);
  ASSERT_TRUE(sim.network().AddHost(b).ok());
}

std::unique_ptr<PingClient> Ping(uint16_t port, int count) {
  PingConfig c;
  c.target = SocketAddress(IpAddress::V4(10, 0, 0, 2), port);
  c.count = count;
  c.interval = TimeDelta::Millis(100);
  c.timeout = TimeDelta::Millis(500);
  return std::make_unique<PingClient>(c);
}

// Sends each signal in `outgoing` at Start; records what arrives and the
// address lists it is told about.
class Chatty : public QueueingNode {
 public:
  explicit Chatty(std::vector<Signal> outgoing, uint16_t port)
      : outgoing_(std::move(outgoing)), port_(port) {}
  std::string_view kind() const override { return "chatty"; }
  std::vector<SocketAddress> Bindings() const override {
    return {SocketAddress(IpAddress(), port_)};
  }
  void Start(Timestamp now) override { started_ = now; }
  void HandleDatagram(Timestamp, const Datagram&) override {}
  void HandleTimeout(Timestamp) override {}
  std::optional<Timestamp> NextTimeout() const override { return std::nullopt; }
  NodeReport Report() const override { return {}; }
  std::optional<Signal> PollSignal() override {
    if (!started_.has_value() || outgoing_.empty()) return std::nullopt;
    Signal s = outgoing_.front();
    outgoing_.erase(outgoing_.begin());
    return s;
  }
  void HandleSignal(Timestamp now, std::string_view from,
                    std::string_view payload) override {
    received.push_back(
        absl::StrFormat("%s %s %s", now.ToString(), from, payload));
  }
  void HandleAddressChange(Timestamp now,
                           const std::vector<IpAddress>& addrs) override {
    received.push_back(
        absl::StrFormat("%s addresses %s", now.ToString(),
                        addrs.empty() ? "none" : addrs[0].ToString()));
  }
  std::vector<std::string> received;

 private:
  std::vector<Signal> outgoing_;
  std::optional<Timestamp> started_;
  uint16_t port_;
};

TEST(SimulatorTest, SignalsArriveAfterTheirDelayInOrderAndWaitForStart) {
  Simulator sim(1);
  TwoHosts(sim);
  auto x = std::make_unique<Chatty>(
      std::vector<Node::Signal>{{"y", "one", TimeDelta::Millis(50)},
                                {"y", "two", TimeDelta::Millis(50)},
                                {"nobody", "lost", TimeDelta::Millis(1)}},
      1000);
  Chatty* y_raw = nullptr;
  auto y = std::make_unique<Chatty>(std::vector<Node::Signal>{}, 1001);
  y_raw = y.get();
  ASSERT_TRUE(sim.AddNode("x", 0, std::move(x)).ok());
  // y starts after the signals are due: they wait for its Start.
  ASSERT_TRUE(sim.AddNode("y", 1, std::move(y),
                          Timestamp::Zero() + TimeDelta::Millis(80))
                  .ok());
  sim.RunUntil(Timestamp::Seconds(1));
  EXPECT_EQ(y_raw->received,
            (std::vector<std::string>{"0.080000s x one", "0.080000s x two"}));
  EXPECT_EQ(sim.stats().signals, 2);
  ASSERT_EQ(sim.errors().size(), 1u);
  EXPECT_NE(sim.errors()[0].find("signal to unknown node \"nobody\""),
            std::string::npos)
      << sim.errors()[0];
}

TEST(SimulatorTest, AddressChangesReachTheHostsNodes) {
  Simulator sim(1);
  TwoHosts(sim);
  auto on_a = std::make_unique<Chatty>(std::vector<Node::Signal>{}, 1000);
  auto on_b = std::make_unique<Chatty>(std::vector<Node::Signal>{}, 1000);
  Chatty* a_raw = on_a.get();
  Chatty* b_raw = on_b.get();
  ASSERT_TRUE(sim.AddNode("on_a", 0, std::move(on_a)).ok());
  ASSERT_TRUE(sim.AddNode("on_b", 1, std::move(on_b)).ok());
  sim.Schedule(Timestamp::Seconds(1), "move", [&](Timestamp now) {
    absl::Status s = sim.network().ChangeHostAddress(
        now, "a", IpAddress::V4(10, 0, 0, 1), IpAddress::V4(10, 0, 0, 9));
    sim.NotifyAddressChange(0);
    return s;
  });
  sim.RunUntil(Timestamp::Seconds(2));
  EXPECT_EQ(a_raw->received,
            (std::vector<std::string>{"1.000000s addresses 10.0.0.9"}));
  EXPECT_TRUE(b_raw->received.empty());
  EXPECT_TRUE(sim.errors().empty());
}

TEST(SimulatorTest, DrivesNodesThroughTheNetwork) {
  Simulator sim(1);
  TwoHosts(sim);
  ASSERT_TRUE(
      sim.AddNode("echo", 1, std::make_unique<EchoServer>(EchoServerConfig{}))
          .ok());
  auto ping = sim.AddNode("ping", 0, Ping(7, 5));
  ASSERT_TRUE(ping.ok()) << ping.status();
  sim.RunUntil(Timestamp::Seconds(2));
  EXPECT_EQ(sim.now(), Timestamp::Seconds(2));
  const NodeReport r = sim.node(*ping).Report();
  EXPECT_EQ(r.metrics.at("replies_received"), 5);
  EXPECT_EQ(r.metrics.at("rtt_min_ms"), 30);  // 2 x (10 + 5)
  EXPECT_EQ(r.metrics.at("rtt_max_ms"), 30);
  EXPECT_EQ(sim.stats().deliveries, 10);
  EXPECT_EQ(sim.stats().transmits, 10);
  EXPECT_EQ(sim.node_stats(*ping).datagrams_out, 5);
  EXPECT_TRUE(sim.errors().empty());
  EXPECT_TRUE(sim.Idle());
}

TEST(SimulatorTest, UnboundPortsAndCollisionsAndLateStarts) {
  Simulator sim(1);
  TwoHosts(sim);
  ASSERT_TRUE(sim.AddNode("p", 0, Ping(9, 3)).ok());
  EXPECT_FALSE(
      sim.AddNode("p", 1, std::make_unique<EchoServer>(EchoServerConfig{}))
          .ok());
  // b's echo on port 9 starts at 150 ms: the first two probes (0, 100 ms;
  // arriving at 15 and 115 ms) find the port closed.
  EchoServerConfig c;
  c.port = 9;
  ASSERT_TRUE(sim.AddNode("echo", 1, std::make_unique<EchoServer>(c),
                          Timestamp::Millis(150))
                  .ok());
  auto dup = sim.AddNode("echo2", 1, std::make_unique<EchoServer>(c));
  ASSERT_FALSE(dup.ok());
  EXPECT_NE(std::string(dup.status().message())
                .find("already bound by node \"echo\""),
            std::string::npos)
      << dup.status();
  sim.RunUntil(Timestamp::Seconds(1));
  EXPECT_EQ(sim.stats().unbound_deliveries, 2);
  EXPECT_EQ(sim.node(0).Report().metrics.at("replies_received"), 1);
}

// Records the order in which it is woken and started.
class Recorder : public QueueingNode {
 public:
  Recorder(std::string name, std::vector<std::string>* log,
           std::optional<Timestamp> wake)
      : name_(std::move(name)), log_(log), wake_(wake) {}
  std::string_view kind() const override { return "recorder"; }
  std::vector<SocketAddress> Bindings() const override { return {}; }
  void Start(Timestamp now) override {
    log_->push_back(name_ + " start " + now.ToString());
  }
  void HandleDatagram(Timestamp, const Datagram&) override {}
  void HandleTimeout(Timestamp now) override {
    log_->push_back(name_ + " wake " + now.ToString());
    wake_.reset();
  }
  std::optional<Timestamp> NextTimeout() const override { return wake_; }
  NodeReport Report() const override { return {}; }

 private:
  std::string name_;
  std::vector<std::string>* log_;
  std::optional<Timestamp> wake_;
};

TEST(SimulatorTest, TiesAreBrokenByInsertionOrder) {
  Simulator sim(1);
  TwoHosts(sim);
  std::vector<std::string> log;
  const Timestamp t = Timestamp::Millis(10);
  sim.Schedule(t, "cb1", [&](Timestamp now) {
    log.push_back("cb1 " + now.ToString());
    return absl::OkStatus();
  });
  ASSERT_TRUE(
      sim.AddNode("n1", 0, std::make_unique<Recorder>("n1", &log, t)).ok());
  ASSERT_TRUE(
      sim.AddNode("n2", 1, std::make_unique<Recorder>("n2", &log, t)).ok());
  sim.Schedule(t, "cb2", [&](Timestamp now) {
    log.push_back("cb2 " + now.ToString());
    return absl::InternalError("boom");
  });
  sim.RunUntil(Timestamp::Seconds(1));
  const std::vector<std::string> want = {
      "n1 start 0.000000s", "n2 start 0.000000s", "cb1 0.010000s",
      "cb2 0.010000s",      "n1 wake 0.010000s",  "n2 wake 0.010000s"};
  EXPECT_EQ(log, want);
  ASSERT_EQ(sim.errors().size(), 1u);
  EXPECT_EQ(sim.errors()[0], "0.010000s cb2: boom");
}

class Spinner : public QueueingNode {
 public:
  std::string_view kind() const override { return "spinner"; }
  std::vector<SocketAddress> Bindings() const override { return {}; }
  void Start(Timestamp now) override { now_ = now; }
  void HandleDatagram(Timestamp, const Datagram&) override {}
  void HandleTimeout(Timestamp now) override { now_ = now; }
  std::optional<Timestamp> NextTimeout() const override { return now_; }
  NodeReport Report() const override { return {}; }

 private:
  Timestamp now_;
};

TEST(SimulatorTest, LivelockedNodeIsStoppedWithAnError) {
  Simulator sim(1);
  TwoHosts(sim);
  ASSERT_TRUE(sim.AddNode("spin", 0, std::make_unique<Spinner>()).ok());
  sim.RunUntil(Timestamp::Seconds(1));
  ASSERT_EQ(sim.errors().size(), 1u);
  EXPECT_NE(sim.errors()[0].find("node \"spin\": stopped"), std::string::npos);
  EXPECT_EQ(sim.now(), Timestamp::Seconds(1));
}

class BadSender : public QueueingNode {
 public:
  std::string_view kind() const override { return "bad"; }
  std::vector<SocketAddress> Bindings() const override { return {}; }
  void Start(Timestamp) override {
    Send(SocketAddress(IpAddress::V4(192, 0, 2, 1), 1000),
         SocketAddress(IpAddress::V4(10, 0, 0, 2), 7), {1});
  }
  void HandleDatagram(Timestamp, const Datagram&) override {}
  void HandleTimeout(Timestamp) override {}
  std::optional<Timestamp> NextTimeout() const override { return {}; }
  NodeReport Report() const override { return {}; }
};

TEST(SimulatorTest, RefusedTransmitsAreCountedNotFatal) {
  Simulator sim(1);
  TwoHosts(sim);
  auto id = sim.AddNode("bad", 0, std::make_unique<BadSender>());
  ASSERT_TRUE(id.ok());
  sim.RunUntil(Timestamp::Seconds(1));
  EXPECT_EQ(sim.node_stats(*id).send_errors, 1);
  EXPECT_FALSE(sim.node_stats(*id).last_send_error.empty());
}

TEST(SimulatorTest, ProgressIsDrivenByEventCount) {
  Simulator sim(1);
  TwoHosts(sim);
  ASSERT_TRUE(
      sim.AddNode("echo", 1, std::make_unique<EchoServer>(EchoServerConfig{}))
          .ok());
  ASSERT_TRUE(sim.AddNode("ping", 0, Ping(7, 50)).ok());
  std::vector<Timestamp> calls;
  sim.SetProgressCallback(10, [&](Timestamp now) { calls.push_back(now); });
  sim.RunUntil(Timestamp::Seconds(10));
  EXPECT_EQ(static_cast<int64_t>(calls.size()), sim.stats().events / 10);
  EXPECT_TRUE(std::is_sorted(calls.begin(), calls.end()));
}

TEST(SimulatorTest, RngStreamsAreStablePerLabel) {
  Simulator a(5), b(5), c(6);
  EXPECT_EQ(a.ForkRng("node/x").NextU64(), b.ForkRng("node/x").NextU64());
  EXPECT_NE(a.ForkRng("node/x").NextU64(), a.ForkRng("node/y").NextU64());
  EXPECT_NE(a.ForkRng("node/x").NextU64(), c.ForkRng("node/x").NextU64());
}

}  // namespace
}  // namespace simrtc::sim
