// TurnRelayAllocator against core/turn's server, in memory on virtual time:
// allocation, Done accounting, permissions, channels, data both ways,
// wrong credentials, release and loss.
#include "core/ice/turn_relay.h"

#include <gtest/gtest.h>

#include <variant>
#include <vector>

#include "core/base/rng.h"
#include "core/turn/server.h"

namespace simrtc::ice {
namespace {

const SocketAddress kServer(IpAddress::V4(192, 0, 2, 1), 3478);
const SocketAddress kServer2(IpAddress::V4(192, 0, 2, 2), 3478);
const IpAddress kRelayIp = IpAddress::V4(192, 0, 2, 1);
const SocketAddress kBase(IpAddress::V4(10, 0, 0, 2), 5000);
const SocketAddress kPeer(IpAddress::V4(203, 0, 113, 5), 7000);

turn::ServerConfig ServerConfig() {
  turn::ServerConfig c;
  c.realm = "example.org";
  c.auth = turn::StaticUsers({{"alice", "secret"}});
  c.relay = turn::RelayAddressGenerator::Static(kRelayIp, 50000, 50100);
  return c;
}

TurnRelayConfig RelayConfig(std::string password = "secret") {
  TurnRelayConfig c;
  c.servers.push_back({kServer, "alice", std::move(password)});
  return c;
}

// Moves datagrams between the allocator (at kBase), the server (kServer)
// and a peer socket (kPeer), with zero latency, on virtual time.
class Harness {
 public:
  explicit Harness(TurnRelayConfig config)
      : server_(ServerConfig(), Rng(1).Fork("server")),
        relay_(std::move(config), Rng(2)) {}

  TurnRelayAllocator& relay() { return relay_; }
  turn::Server& server() { return server_; }
  Timestamp now() const { return now_; }
  std::vector<RelayEvent>& events() { return events_; }
  std::vector<Datagram>& peer_inbox() { return peer_inbox_; }
  std::vector<Transmit>& unrouted() { return unrouted_; }

  void PeerSends(const SocketAddress& to, std::vector<uint8_t> bytes) {
    server_.HandleDatagram(
        now_, Datagram{to, kPeer, Transport::kUdp, std::move(bytes)});
    Pump();
  }

  void Pump() {
    for (int guard = 0; guard < 1000; ++guard) {
      bool moved = false;
      while (std::optional<Transmit> t = relay_.PollTransmit()) {
        moved = true;
        if (t->remote == kServer) {
          server_.HandleDatagram(
              now_, Datagram{t->remote, t->local, Transport::kUdp, t->payload});
        } else {
          unrouted_.push_back(std::move(*t));
        }
      }
      while (std::optional<Transmit> t = server_.PollTransmit()) {
        moved = true;
        if (t->remote == kBase) {
          relay_.HandleDatagram(
              now_, Datagram{t->remote, t->local, Transport::kUdp, t->payload});
        } else if (t->remote == kPeer) {
          peer_inbox_.push_back(
              Datagram{t->remote, t->local, Transport::kUdp, t->payload});
        }
      }
      while (std::optional<RelayEvent> e = relay_.PollEvent()) {
        moved = true;
        events_.push_back(std::move(*e));
      }
      if (!moved) return;
    }
    FAIL() << "harness did not settle";
  }

  // Advances virtual time through every timer until `until`.
  void RunUntil(Timestamp until) {
    Pump();
    for (int guard = 0; guard < 100000; ++guard) {
      std::optional<Timestamp> next = relay_.NextTimeout();
      if (std::optional<Timestamp> s = server_.NextTimeout()) {
        if (!next || *s < *next) next = s;
      }
      if (!next || *next > until) break;
      now_ = std::max(now_, *next);
      relay_.HandleTimeout(now_);
      server_.HandleTimeout(now_);
      Pump();
    }
    now_ = until;
  }

  template <typename T>
  std::vector<T> EventsOf() const {
    std::vector<T> out;
    for (const RelayEvent& e : events_) {
      if (const T* t = std::get_if<T>(&e)) out.push_back(*t);
    }
    return out;
  }

 private:
  Timestamp now_ = Timestamp::Zero() + TimeDelta::Seconds(1);
  turn::Server server_;
  TurnRelayAllocator relay_;
  std::vector<RelayEvent> events_;
  std::vector<Datagram> peer_inbox_;
  std::vector<Transmit> unrouted_;
};

TEST(TurnRelayTest, AllocatesAndReportsDoneOnce) {
  Harness h(RelayConfig());
  ASSERT_TRUE(h.relay().Allocate(h.now(), kBase).ok());
  h.Pump();
  auto allocated = h.EventsOf<RelayAllocated>();
  auto done = h.EventsOf<RelayAllocationDone>();
  ASSERT_EQ(allocated.size(), 1u);
  ASSERT_EQ(done.size(), 1u);
  EXPECT_TRUE(done[0].status.ok()) << done[0].status;
  EXPECT_EQ(done[0].base, kBase);
  EXPECT_EQ(allocated[0].base, kBase);
  EXPECT_EQ(allocated[0].server, kServer);
  EXPECT_EQ(allocated[0].relayed.ip(), kRelayIp);
  ASSERT_TRUE(allocated[0].mapped.has_value());
  EXPECT_EQ(*allocated[0].mapped, kBase);  // no NAT between us and server
  EXPECT_EQ(allocated[0].url, "turn:192.0.2.1:3478?transport=udp");
  EXPECT_EQ(h.relay().allocation_count(), 1u);
  EXPECT_EQ(h.server().allocation_count(), 1u);
  // Done must come after the allocation it accounts for.
  EXPECT_TRUE(std::holds_alternative<RelayAllocated>(h.events()[0]));
  EXPECT_TRUE(std::holds_alternative<RelayAllocationDone>(h.events()[1]));
}

TEST(TurnRelayTest, SecondAllocateOnSameBaseWhilePendingIsRefused) {
  Harness h(RelayConfig());
  ASSERT_TRUE(h.relay().Allocate(h.now(), kBase).ok());
  absl::Status again = h.relay().Allocate(h.now(), kBase);
  EXPECT_EQ(again.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(again.message().find("already in progress"), std::string::npos);
}

TEST(TurnRelayTest, WrongPasswordGivesDoneWithReasonAndNoCandidate) {
  Harness h(RelayConfig("wrong"));
  ASSERT_TRUE(h.relay().Allocate(h.now(), kBase).ok());
  h.Pump();
  EXPECT_TRUE(h.EventsOf<RelayAllocated>().empty());
  auto done = h.EventsOf<RelayAllocationDone>();
  ASSERT_EQ(done.size(), 1u);
  EXPECT_FALSE(done[0].status.ok());
  EXPECT_NE(done[0].status.message().find("192.0.2.1:3478"), std::string::npos)
      << done[0].status;
  EXPECT_EQ(h.relay().allocation_count(), 0u);
}

TEST(TurnRelayTest, UnreachableServerTimesOutIntoDone) {
  TurnRelayConfig c = RelayConfig();
  c.servers[0].address = kServer2;  // nobody answers there
  Harness h(c);
  ASSERT_TRUE(h.relay().Allocate(h.now(), kBase).ok());
  h.RunUntil(h.now() + TimeDelta::Seconds(60));
  auto done = h.EventsOf<RelayAllocationDone>();
  ASSERT_EQ(done.size(), 1u);
  EXPECT_EQ(done[0].status.code(), absl::StatusCode::kDeadlineExceeded)
      << done[0].status;
  EXPECT_FALSE(h.unrouted().empty());  // it did try, with retransmissions
}

TEST(TurnRelayTest, ServerOfOtherFamilyIsSkipped) {
  TurnRelayConfig c;
  c.servers.push_back(
      {SocketAddress(IpAddress::Parse("2001:db8::1").value(), 3478), "alice",
       "secret"});
  Harness h(c);
  ASSERT_TRUE(h.relay().Allocate(h.now(), kBase).ok());
  h.Pump();
  auto done = h.EventsOf<RelayAllocationDone>();
  ASSERT_EQ(done.size(), 1u);
  EXPECT_EQ(done[0].status.code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(h.unrouted().empty());
}

TEST(TurnRelayTest, DataBothWaysAfterPermitUsesChannelAfterFirstSend) {
  Harness h(RelayConfig());
  ASSERT_TRUE(h.relay().Allocate(h.now(), kBase).ok());
  h.Pump();
  const RelayAllocated a = h.EventsOf<RelayAllocated>().at(0);

  // Without a permission, the peer cannot reach us through the relay.
  h.PeerSends(a.relayed, {9, 9});
  EXPECT_TRUE(h.EventsOf<RelayData>().empty());
  EXPECT_EQ(h.server().stats().dropped_no_permission, 1u);

  h.relay().Permit(h.now(), a.handle, kPeer.ip());
  h.Pump();
  const std::vector<uint8_t> hello = {1, 2, 3, 4};
  ASSERT_TRUE(h.relay().Send(h.now(), a.handle, kPeer, hello).ok());
  h.Pump();
  ASSERT_EQ(h.peer_inbox().size(), 1u);
  EXPECT_EQ(h.peer_inbox()[0].payload, hello);
  EXPECT_EQ(h.peer_inbox()[0].remote, a.relayed);

  h.PeerSends(a.relayed, {5, 6, 7});
  auto data = h.EventsOf<RelayData>();
  ASSERT_EQ(data.size(), 1u);
  EXPECT_EQ(data[0].handle, a.handle);
  EXPECT_EQ(data[0].peer, kPeer);
  EXPECT_EQ(data[0].payload, (std::vector<uint8_t>{5, 6, 7}));

  // The first Send bound a channel: the server now has it.
  auto allocs = h.server().ListAllocations(h.now());
  ASSERT_EQ(allocs.size(), 1u);
  ASSERT_EQ(allocs[0].channels.size(), 1u);
  EXPECT_EQ(allocs[0].channels[0].second, kPeer);
}

TEST(TurnRelayTest, SendBeforePermissionIsHeldNotLost) {
  Harness h(RelayConfig());
  ASSERT_TRUE(h.relay().Allocate(h.now(), kBase).ok());
  h.Pump();
  const RelayAllocated a = h.EventsOf<RelayAllocated>().at(0);
  const std::vector<uint8_t> one = {42};
  ASSERT_TRUE(h.relay().Send(h.now(), a.handle, kPeer, one).ok());
  h.Pump();
  ASSERT_EQ(h.peer_inbox().size(), 1u);
  EXPECT_EQ(h.peer_inbox()[0].payload, std::vector<uint8_t>{42});
}

TEST(TurnRelayTest, AllocationIsRefreshedForAnHour) {
  Harness h(RelayConfig());
  ASSERT_TRUE(h.relay().Allocate(h.now(), kBase).ok());
  h.Pump();
  const RelayAllocated a = h.EventsOf<RelayAllocated>().at(0);
  h.relay().Permit(h.now(), a.handle, kPeer.ip());
  h.RunUntil(h.now() + TimeDelta::Seconds(3600));
  EXPECT_TRUE(h.EventsOf<RelayLost>().empty());
  EXPECT_EQ(h.server().allocation_count(), 1u);
  // The permission was refreshed too: the peer still gets through.
  h.PeerSends(a.relayed, {1});
  EXPECT_EQ(h.EventsOf<RelayData>().size(), 1u);
}

TEST(TurnRelayTest, ReleaseDeallocatesAndReportsNothing) {
  Harness h(RelayConfig());
  ASSERT_TRUE(h.relay().Allocate(h.now(), kBase).ok());
  h.Pump();
  const RelayAllocated a = h.EventsOf<RelayAllocated>().at(0);
  const size_t before = h.events().size();
  h.relay().Release(h.now(), a.handle);
  h.Pump();
  EXPECT_EQ(h.server().allocation_count(), 0u);
  EXPECT_EQ(h.relay().allocation_count(), 0u);
  EXPECT_EQ(h.events().size(), before);
  const std::vector<uint8_t> one = {1};
  EXPECT_FALSE(h.relay().Send(h.now(), a.handle, kPeer, one).ok());
  // A later Allocate on the same base works (an ICE restart does this).
  ASSERT_TRUE(h.relay().Allocate(h.now(), kBase).ok());
  h.Pump();
  EXPECT_EQ(h.EventsOf<RelayAllocated>().size(), 2u);
  EXPECT_TRUE(h.EventsOf<RelayAllocationDone>().back().status.ok());
}

TEST(TurnRelayTest, ServerDroppingTheAllocationIsReportedAsLost) {
  Harness h(RelayConfig());
  ASSERT_TRUE(h.relay().Allocate(h.now(), kBase).ok());
  h.Pump();
  const RelayAllocated a = h.EventsOf<RelayAllocated>().at(0);
  EXPECT_EQ(h.server().DeleteAllocationsForUser("alice"), 1u);
  // The next refresh (a minute before the 600 s lifetime) finds it gone.
  h.RunUntil(h.now() + TimeDelta::Seconds(600));
  auto lost = h.EventsOf<RelayLost>();
  ASSERT_EQ(lost.size(), 1u);
  EXPECT_EQ(lost[0].handle, a.handle);
  EXPECT_EQ(h.relay().allocation_count(), 0u);
}

TEST(TurnRelayTest, TwoServersGiveTwoCandidatesAndOneDone) {
  TurnRelayConfig c = RelayConfig();
  c.servers.push_back({kServer2, "alice", "secret"});  // unreachable
  Harness h(c);
  ASSERT_TRUE(h.relay().Allocate(h.now(), kBase).ok());
  h.Pump();
  EXPECT_EQ(h.EventsOf<RelayAllocated>().size(), 1u);
  EXPECT_TRUE(h.EventsOf<RelayAllocationDone>().empty());  // still waiting
  h.RunUntil(h.now() + TimeDelta::Seconds(60));
  auto done = h.EventsOf<RelayAllocationDone>();
  ASSERT_EQ(done.size(), 1u);
  EXPECT_TRUE(done[0].status.ok());  // one server worked
}

TEST(TurnRelayTest, ForeignDatagramsAreNotClaimed) {
  Harness h(RelayConfig());
  ASSERT_TRUE(h.relay().Allocate(h.now(), kBase).ok());
  h.Pump();
  EXPECT_FALSE(h.relay().HandleDatagram(
      h.now(), Datagram{kBase, kPeer, Transport::kUdp, {0, 1}}));
  EXPECT_FALSE(h.relay().HandleDatagram(
      h.now(),
      Datagram{
          SocketAddress(kBase.ip(), 5001), kServer, Transport::kUdp, {0, 1}}));
  EXPECT_TRUE(h.relay().HandleDatagram(
      h.now(), Datagram{kBase, kServer, Transport::kUdp, {0, 1}}));
}

}  // namespace
}  // namespace simrtc::ice
