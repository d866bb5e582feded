// net::Runtime: address selection (pure), the loop thread's call
// semantics, sockets bound on exact loopback addresses and ports, two core
// PeerConnections connected through the low-level driver API, shutdown.
#include "net/runtime.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <mutex>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "net/test_util.h"

namespace simrtc::net {
namespace {

using ::simrtc::net::testing::kTimeout;
using ::simrtc::net::testing::LoopbackOptions;
using ::simrtc::net::testing::WaitUntil;

IpAddress Ip(std::string_view text) { return IpAddress::Parse(text).value(); }

std::vector<NetInterface> SampleInterfaces() {
  NetInterface lo;
  lo.name = "lo";
  lo.index = 1;
  lo.up = true;
  lo.loopback = true;
  lo.addresses = {Ip("127.0.0.1"), Ip("::1")};
  NetInterface eth;
  eth.name = "eth0";
  eth.index = 2;
  eth.up = true;
  eth.addresses = {Ip("192.0.2.10"), Ip("2001:db8::10"), Ip("fe80::1")};
  NetInterface down;
  down.name = "eth1";
  down.index = 3;
  down.up = false;
  down.addresses = {Ip("198.51.100.1")};
  NetInterface wlan;
  wlan.name = "wlan0";
  wlan.index = 4;
  wlan.up = true;
  wlan.addresses = {Ip("10.0.0.5")};
  return {lo, eth, down, wlan};
}

std::vector<IpAddress> Ips(const std::vector<LocalAddress>& v) {
  std::vector<IpAddress> out;
  for (const LocalAddress& a : v) out.push_back(a.ip);
  return out;
}

TEST(SelectLocalAddressesTest, DefaultSkipsLoopbackDownAndLinkLocalV6) {
  RuntimeOptions o;
  std::vector<LocalAddress> got = SelectLocalAddresses(SampleInterfaces(), o);
  EXPECT_EQ(Ips(got),
            (std::vector<IpAddress>{Ip("192.0.2.10"), Ip("2001:db8::10"),
                                    Ip("10.0.0.5")}));
  EXPECT_EQ(got[0].interface_name, "eth0");
  EXPECT_EQ(got[2].interface_name, "wlan0");
}

TEST(SelectLocalAddressesTest, LoopbackOnRequest) {
  RuntimeOptions o;
  o.include_loopback = true;
  o.interface_filter = [](std::string_view name) { return name == "lo"; };
  EXPECT_EQ(Ips(SelectLocalAddresses(SampleInterfaces(), o)),
            (std::vector<IpAddress>{Ip("127.0.0.1"), Ip("::1")}));
}

TEST(SelectLocalAddressesTest, FamilyAndIpFilters) {
  RuntimeOptions o;
  o.ipv6 = false;
  EXPECT_EQ(Ips(SelectLocalAddresses(SampleInterfaces(), o)),
            (std::vector<IpAddress>{Ip("192.0.2.10"), Ip("10.0.0.5")}));
  o = RuntimeOptions{};
  o.ipv4 = false;
  EXPECT_EQ(Ips(SelectLocalAddresses(SampleInterfaces(), o)),
            (std::vector<IpAddress>{Ip("2001:db8::10")}));
  o = RuntimeOptions{};
  o.ip_filter = [](const IpAddress& ip) { return ip.IsPrivate(); };
  EXPECT_EQ(Ips(SelectLocalAddresses(SampleInterfaces(), o)),
            (std::vector<IpAddress>{Ip("10.0.0.5")}));
}

TEST(RuntimeOptionsTest, ValidateNamesTheField) {
  RuntimeOptions o;
  EXPECT_TRUE(o.Validate().ok());
  o.port_min = 5000;
  absl::Status s = o.Validate();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(s.message(), "port range 5000-0")) << s;
  o.port_max = 4000;
  EXPECT_FALSE(o.Validate().ok());
  o = RuntimeOptions{};
  o.ipv4 = o.ipv6 = false;
  EXPECT_TRUE(absl::StrContains(o.Validate().message(), "ipv4 and ipv6"));
  EXPECT_FALSE(Runtime::Create(o).ok());
}

TEST(ResolveIceServerHostsTest, NamesBecomeLiteralsAndLiteralsStay) {
  std::vector<peer::IceServer> servers(2);
  servers[0].urls = {"stun:localhost:3478", "stun:192.0.2.1",
                     "turn:[2001:db8::1]:3478?transport=udp"};
  servers[1].urls = {"turn:localhost?transport=udp"};
  servers[0].username = servers[1].username = "user";
  servers[0].credential = servers[1].credential = "secret";
  ASSERT_TRUE(ResolveIceServerHosts(servers).ok());
  EXPECT_EQ(servers[0].urls, (std::vector<std::string>{
                                 "stun:127.0.0.1:3478", "stun:192.0.2.1",
                                 "turn:[2001:db8::1]:3478?transport=udp"}));
  EXPECT_EQ(servers[1].urls,
            (std::vector<std::string>{"turn:127.0.0.1?transport=udp"}));
  // What the core then accepts.
  EXPECT_TRUE(peer::ResolveIceServers(servers).ok());
}

TEST(RuntimeTest, CallsRunOnTheLoopThreadAndNestWithoutDeadlock) {
  auto rt = Runtime::Create(LoopbackOptions());
  ASSERT_TRUE(rt.ok()) << rt.status();
  const std::shared_ptr<RuntimeLoop>& loop = (*rt)->loop();
  EXPECT_FALSE(loop->IsLoopThread());
  bool on_loop = false, nested_on_loop = false;
  ASSERT_TRUE(loop->RunOnLoop([&] {
                    on_loop = loop->IsLoopThread();
                    // A call from the loop thread runs at once.
                    EXPECT_TRUE(loop->RunOnLoop([&] {
                                      nested_on_loop = loop->IsLoopThread();
                                    })
                                    .ok());
                  })
                  .ok());
  EXPECT_TRUE(on_loop);
  EXPECT_TRUE(nested_on_loop);

  std::atomic<int> posted{0};
  ASSERT_TRUE(loop->Post([&] { posted.fetch_add(1); }));
  EXPECT_TRUE(WaitUntil([&] { return posted.load() == 1; }));

  const Timestamp t1 = loop->Now();
  const Timestamp t2 = loop->Now();
  EXPECT_LE(t1, t2);

  // Many threads at once.
  std::atomic<int> runs{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&] {
      for (int k = 0; k < 100; ++k) {
        EXPECT_TRUE(loop->RunOnLoop([&] { runs.fetch_add(1); }).ok());
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(runs.load(), 400);

  (*rt)->Stop();
  absl::Status s = loop->RunOnLoop([] {});
  EXPECT_EQ(s.code(), absl::StatusCode::kUnavailable) << s;
  EXPECT_FALSE(loop->Post([] {}));
  (*rt)->Stop();  // idempotent
}

TEST(RuntimeTest, StopFromTheLoopThreadDoesNotDeadlock) {
  auto rt = Runtime::Create(LoopbackOptions());
  ASSERT_TRUE(rt.ok());
  std::shared_ptr<RuntimeLoop> loop = (*rt)->loop();
  ASSERT_TRUE(loop->RunOnLoop([&] { loop->Stop(); }).ok());
  EXPECT_TRUE(loop->stopped());
  rt->reset();  // joins
  EXPECT_EQ(loop->RunOnLoop([] {}).code(), absl::StatusCode::kUnavailable);
}

// Records what a driven core PeerConnection reports.
class Recorder : public RuntimeLoop::Observer {
 public:
  void OnEvents(RuntimeLoop::PcId, std::vector<peer::Event>& events) override {
    std::lock_guard<std::mutex> lock(mu_);
    for (const peer::Event& e : events) {
      if (const auto* c = std::get_if<peer::ConnectionStateChange>(&e)) {
        state_ = c->state;
      }
      if (const auto* d = std::get_if<peer::DataChannelEvent>(&e)) {
        if (const auto* m =
                std::get_if<datachannel::ChannelMessage>(&d->event)) {
          messages_.emplace_back(m->message.text());
        }
      }
    }
  }
  void OnRemoved(RuntimeLoop::PcId) override { removed_.store(true); }

  peer::PeerConnectionState state() const {
    std::lock_guard<std::mutex> lock(mu_);
    return state_;
  }
  std::vector<std::string> messages() const {
    std::lock_guard<std::mutex> lock(mu_);
    return messages_;
  }
  bool removed() const { return removed_.load(); }

 private:
  mutable std::mutex mu_;
  peer::PeerConnectionState state_ = peer::PeerConnectionState::kNew;
  std::vector<std::string> messages_;
  std::atomic<bool> removed_{false};
};

// A port that was free a moment ago.
uint16_t FreeUdpPort() {
  const int fd = socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(0x7f000001);
  bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a));
  socklen_t len = sizeof(a);
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  close(fd);
  return ntohs(a.sin_port);
}

std::vector<SocketAddress> Interfaces(RuntimeLoop& loop, RuntimeLoop::PcId id) {
  std::vector<SocketAddress> out;
  EXPECT_TRUE(loop.WithPeerConnection(id,
                                      [&](peer::PeerConnection& pc, Timestamp) {
                                        for (const auto& itf :
                                             pc.configuration().interfaces) {
                                          out.push_back(itf.address);
                                        }
                                      })
                  .ok());
  return out;
}

TEST(RuntimeTest, BindsExactAddressesAndHonoursAFixedPort) {
  RuntimeOptions o = LoopbackOptions();
  const uint16_t port = FreeUdpPort();
  o.port_min = o.port_max = port;
  auto rt = Runtime::Create(o);
  ASSERT_TRUE(rt.ok());
  RuntimeLoop& loop = *(*rt)->loop();
  auto a = loop.AddPeerConnection({}, std::make_shared<Recorder>());
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(Interfaces(loop, *a), (std::vector<SocketAddress>{SocketAddress(
                                      IpAddress::V4(127, 0, 0, 1), port)}));
  // The port is taken now: a second one fails, naming the address.
  auto b = loop.AddPeerConnection({}, std::make_shared<Recorder>());
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_TRUE(absl::StrContains(
      b.status().message(),
      SocketAddress(IpAddress::V4(127, 0, 0, 1), port).ToString()))
      << b.status();
  // Removing the first frees the port.
  loop.RemovePeerConnection(*a);
  EXPECT_TRUE(WaitUntil([&] {
    return loop.AddPeerConnection({}, std::make_shared<Recorder>()).ok();
  }));
}

TEST(RuntimeTest, CallerChosenAddressesAreBound) {
  auto rt = Runtime::Create(LoopbackOptions());
  ASSERT_TRUE(rt.ok());
  RuntimeLoop& loop = *(*rt)->loop();
  peer::Configuration config;
  ice::LocalInterface itf;
  itf.address = SocketAddress(IpAddress::V4(127, 0, 0, 1), 0);
  itf.name = "lo";
  config.interfaces.push_back(itf);
  auto id = loop.AddPeerConnection(config, nullptr);
  ASSERT_TRUE(id.ok()) << id.status();
  std::vector<SocketAddress> got = Interfaces(loop, *id);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].ip(), IpAddress::V4(127, 0, 0, 1));
  EXPECT_NE(got[0].port(), 0);

  EXPECT_EQ(
      loop.WithPeerConnection(12345, [](peer::PeerConnection&, Timestamp) {})
          .code(),
      absl::StatusCode::kNotFound);
}

// Two core PeerConnections on one runtime, negotiated through
// WithPeerConnection, connect over loopback UDP and carry a message.
TEST(RuntimeTest, DrivesTwoCorePeerConnectionsToConnected) {
  auto rt = Runtime::Create(LoopbackOptions());
  ASSERT_TRUE(rt.ok());
  RuntimeLoop& loop = *(*rt)->loop();
  auto ra = std::make_shared<Recorder>();
  auto rb = std::make_shared<Recorder>();
  auto a = loop.AddPeerConnection({}, ra);
  auto b = loop.AddPeerConnection({}, rb);
  ASSERT_TRUE(a.ok() && b.ok());

  datachannel::ChannelPtr channel;
  std::optional<peer::SessionDescription> offer, answer;
  ASSERT_TRUE(loop.WithPeerConnection(
                      *a,
                      [&](peer::PeerConnection& pc, Timestamp now) {
                        channel = pc.CreateDataChannel(now, "x").value();
                        ASSERT_TRUE(pc.SetLocalDescription(now).ok());
                      })
                  .ok());
  // Non-trickle: wait until the offer carries its candidate.
  ASSERT_TRUE(WaitUntil([&] {
    bool done = false;
    EXPECT_TRUE(
        loop.WithPeerConnection(*a,
                                [&](peer::PeerConnection& pc, Timestamp) {
                                  done = pc.ice_gathering_state() ==
                                         ice::GatheringState::kComplete;
                                  offer = pc.local_description();
                                })
            .ok());
    return done;
  }));
  ASSERT_TRUE(loop.WithPeerConnection(
                      *b,
                      [&](peer::PeerConnection& pc, Timestamp now) {
                        ASSERT_TRUE(pc.SetRemoteDescription(now, *offer).ok());
                        ASSERT_TRUE(pc.SetLocalDescription(now).ok());
                      })
                  .ok());
  ASSERT_TRUE(WaitUntil([&] {
    bool done = false;
    EXPECT_TRUE(
        loop.WithPeerConnection(*b,
                                [&](peer::PeerConnection& pc, Timestamp) {
                                  done = pc.ice_gathering_state() ==
                                         ice::GatheringState::kComplete;
                                  answer = pc.local_description();
                                })
            .ok());
    return done;
  }));
  ASSERT_TRUE(loop.WithPeerConnection(
                      *a,
                      [&](peer::PeerConnection& pc, Timestamp now) {
                        ASSERT_TRUE(pc.SetRemoteDescription(now, *answer).ok());
                      })
                  .ok());
  ASSERT_TRUE(WaitUntil([&] {
    return ra->state() == peer::PeerConnectionState::kConnected &&
           rb->state() == peer::PeerConnectionState::kConnected;
  }));
  ASSERT_TRUE(WaitUntil([&] {
    absl::Status sent;
    EXPECT_TRUE(loop.WithPeerConnection(
                        *a,
                        [&](peer::PeerConnection&, Timestamp now) {
                          if (channel->state() ==
                              datachannel::ChannelState::kOpen) {
                            sent = channel->SendText(now, "over udp");
                          } else {
                            sent = absl::UnavailableError("not open yet");
                          }
                        })
                    .ok());
    return sent.ok();
  }));
  ASSERT_TRUE(WaitUntil([&] { return !rb->messages().empty(); }));
  EXPECT_EQ(rb->messages()[0], "over udp");
  EXPECT_EQ(loop.send_errors(), 0u);

  // Stop closes both: each observer hears OnRemoved; calls are refused.
  (*rt)->Stop();
  EXPECT_TRUE(ra->removed());
  EXPECT_TRUE(rb->removed());
  EXPECT_EQ(ra->state(), peer::PeerConnectionState::kClosed);
  EXPECT_EQ(loop.WithPeerConnection(*a, [](peer::PeerConnection&, Timestamp) {})
                .code(),
            absl::StatusCode::kUnavailable);
  EXPECT_EQ(loop.AddPeerConnection({}, nullptr).status().code(),
            absl::StatusCode::kUnavailable);
  (void)kTimeout;
}

}  // namespace
}  // namespace simrtc::net
