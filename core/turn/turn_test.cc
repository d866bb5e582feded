// Client <-> server in memory on virtual time, plus hand-built requests for
// the cases a well-behaved client never produces.
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_format.h"
#include "core/base/rng.h"
#include "core/stun/builder.h"
#include "core/stun/channel_data.h"
#include "core/stun/integrity.h"
#include "core/stun/message.h"
#include "core/turn/client.h"
#include "core/turn/server.h"
#include "gtest/gtest.h"

namespace simrtc::turn {
namespace {

using stun::Class;
using stun::Message;
using stun::MessageBuilder;
using stun::Method;

const SocketAddress kServerAddr(IpAddress::V4(192, 0, 2, 1), 3478);
const IpAddress kRelayIp = IpAddress::V4(192, 0, 2, 1);
const SocketAddress kClientAddr(IpAddress::V4(10, 0, 0, 2), 40000);
const SocketAddress kClient2Addr(IpAddress::V4(10, 0, 0, 3), 40001);
const SocketAddress kPeer(IpAddress::V4(203, 0, 113, 5), 5000);
const SocketAddress kPeer2(IpAddress::V4(203, 0, 113, 6), 5000);

ServerConfig MakeServerConfig() {
  ServerConfig c;
  c.realm = "example.org";
  c.auth = StaticUsers({{"alice", "secret"}, {"bob", "hunter2"}});
  c.relay = RelayAddressGenerator::Static(kRelayIp, 50000, 50100);
  return c;
}

ClientConfig MakeClientConfig(SocketAddress local = kClientAddr,
                              std::string user = "alice",
                              std::string pass = "secret") {
  ClientConfig c;
  c.local = local;
  c.server = kServerAddr;
  c.username = std::move(user);
  c.password = std::move(pass);
  return c;
}

// Routes datagrams between clients, the server and peers, on virtual time.
// Set TURN_CORPUS_DIR to dump every datagram the server receives (the fuzz
// seed corpus was produced that way).
class Harness {
 public:
  explicit Harness(ServerConfig config = MakeServerConfig())
      : server_(std::move(config), Rng(7).Fork("server")) {}

  Server& server() { return server_; }
  Timestamp now() const { return now_; }
  void Add(Client* c) { clients_.push_back(c); }
  std::vector<Datagram>& peer_inbox() { return peer_inbox_; }
  bool client_timers = true;
  // Drops what clients send to the server (a cut uplink).
  bool drop_to_server = false;

  void ToServer(const SocketAddress& local, const SocketAddress& remote,
                std::vector<uint8_t> bytes) {
    Record(bytes);
    server_.HandleDatagram(
        now_, Datagram{local, remote, Transport::kUdp, std::move(bytes)});
  }

  void Pump() {
    for (int round = 0; round < 1000; ++round) {
      bool progress = false;
      for (Client* c : clients_) {
        while (auto t = c->PollTransmit()) {
          progress = true;
          if (t->remote == kServerAddr && !drop_to_server)
            ToServer(t->remote, t->local, std::move(t->payload));
        }
      }
      while (auto t = server_.PollTransmit()) {
        progress = true;
        bool delivered = false;
        for (Client* c : clients_) {
          // Every client on that address sees it, as sockets sharing a
          // port would; each ignores transactions it did not start.
          if (t->remote == c_local(c)) {
            c->HandleDatagram(now_, Datagram{t->remote, t->local,
                                             Transport::kUdp, t->payload});
            delivered = true;
          }
        }
        if (!delivered) {
          if (t->remote == kClientAddr || t->remote == kClient2Addr) {
            to_raw_clients_.push_back(std::move(*t));
          } else {
            peer_inbox_.push_back(Datagram{t->remote, t->local, Transport::kUdp,
                                           std::move(t->payload)});
          }
        }
      }
      if (!progress) return;
    }
  }

  void Advance(TimeDelta d) {
    const Timestamp target = now_ + d;
    while (true) {
      std::optional<Timestamp> next = server_.NextTimeout();
      if (client_timers) {
        for (Client* c : clients_) {
          auto n = c->NextTimeout();
          if (n && (!next || *n < *next)) next = n;
        }
      }
      if (!next || *next > target) break;
      now_ = std::max(now_, *next);
      server_.HandleTimeout(now_);
      if (client_timers) {
        for (Client* c : clients_) c->HandleTimeout(now_);
      }
      Pump();
    }
    now_ = target;
    server_.HandleTimeout(now_);
    if (client_timers) {
      for (Client* c : clients_) c->HandleTimeout(now_);
    }
    Pump();
  }

  void PeerSend(const SocketAddress& from, const SocketAddress& relay,
                std::vector<uint8_t> bytes) {
    ToServer(relay, from, std::move(bytes));
    Pump();
  }

  // Responses to hand-built requests from raw client addresses.
  std::vector<Transmit>& raw() { return to_raw_clients_; }

 private:
  static SocketAddress c_local(Client* c) { return c->local_address(); }
  void Record(const std::vector<uint8_t>& bytes) {
    const char* dir = std::getenv("TURN_CORPUS_DIR");
    if (dir == nullptr) return;
    std::ofstream f(absl::StrFormat("%s/msg_%04d.bin", dir, counter_++),
                    std::ios::binary);
    f.write(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  }

  Server server_;
  Timestamp now_ = Timestamp::Seconds(1);
  std::vector<Client*> clients_;
  std::vector<Datagram> peer_inbox_;
  std::vector<Transmit> to_raw_clients_;
  int counter_ = 0;
};

std::vector<ClientEvent> Drain(Client& c) {
  std::vector<ClientEvent> out;
  while (auto e = c.PollEvent()) out.push_back(std::move(*e));
  return out;
}

bool HasEvent(const std::vector<ClientEvent>& events, ClientEvent::Kind k) {
  for (const auto& e : events) {
    if (e.kind == k) return true;
  }
  return false;
}

std::vector<uint8_t> Bytes(std::string_view s) {
  return std::vector<uint8_t>(s.begin(), s.end());
}

struct Allocated {
  Harness h;
  Client client{MakeClientConfig(), Rng(11)};
  std::vector<ClientEvent> events;
  explicit Allocated(ServerConfig config = MakeServerConfig())
      : h(std::move(config)) {
    h.Add(&client);
    EXPECT_TRUE(client.Allocate(h.now()).ok());
    h.Pump();
    events = Drain(client);
  }
};

TEST(TurnTest, AllocateWithRealmNonceDance) {
  Allocated a;
  ASSERT_TRUE(HasEvent(a.events, ClientEvent::Kind::kAllocated));
  EXPECT_EQ(a.client.state(), Client::State::kAllocated);
  EXPECT_EQ(a.client.relayed_address().ip(), kRelayIp);
  EXPECT_GE(a.client.relayed_address().port(), 50000);
  EXPECT_LE(a.client.relayed_address().port(), 50100);
  EXPECT_EQ(a.client.mapped_address(), kClientAddr);
  auto list = a.h.server().ListAllocations(a.h.now());
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].username, "alice");
  EXPECT_EQ(list[0].five_tuple.client, kClientAddr);
  EXPECT_EQ(list[0].relayed, a.client.relayed_address());
  auto ev = a.h.server().PollEvent();
  ASSERT_TRUE(ev);
  EXPECT_EQ(ev->kind, ServerEvent::Kind::kAllocationCreated);
}

TEST(TurnTest, SendIndicationAndDataIndication) {
  Allocated a;
  // Before any permission: the client asks for one and holds the data.
  ASSERT_TRUE(a.client.SendTo(a.h.now(), kPeer, Bytes("hello")).ok());
  a.h.Pump();
  EXPECT_TRUE(HasEvent(Drain(a.client), ClientEvent::Kind::kPermissionCreated));
  ASSERT_EQ(a.h.peer_inbox().size(), 1u);
  EXPECT_EQ(a.h.peer_inbox()[0].local, kPeer);
  EXPECT_EQ(a.h.peer_inbox()[0].remote, a.client.relayed_address());
  EXPECT_EQ(a.h.peer_inbox()[0].payload, Bytes("hello"));
  a.h.PeerSend(kPeer, a.client.relayed_address(), Bytes("world"));
  auto events = Drain(a.client);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].kind, ClientEvent::Kind::kData);
  EXPECT_EQ(events[0].peer, kPeer);
  EXPECT_EQ(events[0].data, Bytes("world"));
}

TEST(TurnTest, ChannelDataBothWays) {
  Allocated a;
  ASSERT_TRUE(a.client.BindChannel(a.h.now(), kPeer).ok());
  a.h.Pump();
  auto events = Drain(a.client);
  ASSERT_TRUE(HasEvent(events, ClientEvent::Kind::kChannelBound));
  ASSERT_TRUE(a.client.ChannelFor(kPeer));
  EXPECT_EQ(*a.client.ChannelFor(kPeer), 0x4000);
  ASSERT_TRUE(a.client.SendTo(a.h.now(), kPeer, Bytes("abc")).ok());
  auto tx = a.client.PollTransmit();
  ASSERT_TRUE(tx);
  EXPECT_TRUE(stun::IsChannelData(tx->payload));
  a.h.ToServer(tx->remote, tx->local, tx->payload);
  a.h.Pump();
  ASSERT_EQ(a.h.peer_inbox().size(), 1u);
  EXPECT_EQ(a.h.peer_inbox()[0].payload, Bytes("abc"));
  a.h.PeerSend(kPeer, a.client.relayed_address(), Bytes("xyz"));
  events = Drain(a.client);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].kind, ClientEvent::Kind::kData);
  EXPECT_EQ(events[0].channel, 0x4000);
  EXPECT_EQ(events[0].data, Bytes("xyz"));
}

TEST(TurnTest, RefreshesKeepEverythingAliveAcrossStaleNonces) {
  ServerConfig config = MakeServerConfig();
  config.nonce_lifetime = TimeDelta::Seconds(100);  // forces 438 retries
  Allocated a(config);
  ASSERT_TRUE(a.client.BindChannel(a.h.now(), kPeer).ok());
  ASSERT_TRUE(a.client.CreatePermission(a.h.now(), kPeer2.ip()).ok());
  a.h.Pump();
  a.h.Advance(TimeDelta::Seconds(3600));
  auto events = Drain(a.client);
  EXPECT_FALSE(HasEvent(events, ClientEvent::Kind::kError));
  EXPECT_EQ(a.client.state(), Client::State::kAllocated);
  ASSERT_EQ(a.h.server().allocation_count(), 1u);
  auto list = a.h.server().ListAllocations(a.h.now());
  EXPECT_EQ(list[0].permissions.size(), 2u);
  EXPECT_EQ(list[0].channels.size(), 1u);
  a.h.PeerSend(kPeer2, a.client.relayed_address(), Bytes("late"));
  events = Drain(a.client);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].data, Bytes("late"));
}

// A refresh that gets no answer at all (the uplink is cut around the
// first refresh) is retried while the allocation lives, so a short outage
// does not lose it.
TEST(TurnTest, UnansweredRefreshIsRetriedUntilTheAllocationExpires) {
  Allocated a;
  a.h.Advance(TimeDelta::Seconds(500));
  a.h.drop_to_server = true;  // the refresh due at 540 s goes unanswered
  a.h.Advance(TimeDelta::Seconds(85));
  std::vector<ClientEvent> events = Drain(a.client);
  ASSERT_TRUE(HasEvent(events, ClientEvent::Kind::kError));
  EXPECT_EQ(a.client.state(), Client::State::kAllocated);
  a.h.drop_to_server = false;
  a.h.Advance(TimeDelta::Seconds(3600));
  EXPECT_EQ(a.client.state(), Client::State::kAllocated);
  EXPECT_EQ(a.h.server().allocation_count(), 1u);
  EXPECT_FALSE(HasEvent(Drain(a.client), ClientEvent::Kind::kError));
}

// With the uplink down for good the allocation ends at its lifetime, with
// an error saying so, instead of the client believing in it forever.
TEST(TurnTest, AllocationEndsWhenNoRefreshIsEverAnswered) {
  Allocated a;
  a.h.drop_to_server = true;
  a.h.Advance(TimeDelta::Seconds(700));
  std::vector<ClientEvent> events = Drain(a.client);
  EXPECT_EQ(a.client.state(), Client::State::kClosed);
  bool expired = false;
  for (const ClientEvent& e : events) {
    expired = expired || (e.kind == ClientEvent::Kind::kError &&
                          absl::StrContains(e.status.message(), "expired"));
  }
  EXPECT_TRUE(expired);
}

TEST(TurnTest, Deallocate) {
  Allocated a;
  ASSERT_TRUE(a.client.Deallocate(a.h.now()).ok());
  a.h.Pump();
  EXPECT_TRUE(HasEvent(Drain(a.client), ClientEvent::Kind::kDeallocated));
  EXPECT_EQ(a.client.state(), Client::State::kClosed);
  EXPECT_EQ(a.h.server().allocation_count(), 0u);
}

TEST(TurnTest, WrongPasswordIsAnError) {
  Harness h;
  Client c(MakeClientConfig(kClientAddr, "alice", "wrong"), Rng(3));
  h.Add(&c);
  ASSERT_TRUE(c.Allocate(h.now()).ok());
  h.Pump();
  auto events = Drain(c);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].kind, ClientEvent::Kind::kError);
  EXPECT_EQ(events[0].error_code, 401);
  EXPECT_EQ(c.state(), Client::State::kFailed);
  EXPECT_EQ(h.server().allocation_count(), 0u);
  EXPECT_GE(h.server().stats().auth_failures, 1u);
}

TEST(TurnTest, UserQuota486AndCapacity508) {
  ServerConfig config = MakeServerConfig();
  config.max_allocations_per_user = 1;
  config.max_allocations = 2;
  Harness h(config);
  Client c1(MakeClientConfig(kClientAddr), Rng(1));
  Client c2(MakeClientConfig(kClient2Addr), Rng(2));
  Client c3(MakeClientConfig(SocketAddress(IpAddress::V4(10, 0, 0, 4), 1),
                             "bob", "hunter2"),
            Rng(3));
  Client c4(MakeClientConfig(SocketAddress(IpAddress::V4(10, 0, 0, 5), 1),
                             "bob", "hunter2"),
            Rng(4));
  for (Client* c : {&c1, &c2, &c3, &c4}) {
    h.Add(c);
    ASSERT_TRUE(c->Allocate(h.now()).ok());
    h.Pump();
  }
  EXPECT_EQ(c1.state(), Client::State::kAllocated);
  auto e2 = Drain(c2);
  ASSERT_EQ(e2.size(), 1u);
  EXPECT_EQ(e2[0].error_code, 486);
  EXPECT_EQ(c3.state(), Client::State::kAllocated);
  auto e4 = Drain(c4);
  ASSERT_EQ(e4.size(), 1u);
  EXPECT_EQ(e4[0].error_code, 486);  // bob's quota is hit before capacity
  // A third user hits the total cap.
  ServerConfig config2 = MakeServerConfig();
  config2.max_allocations = 1;
  Harness h2(config2);
  Client d1(MakeClientConfig(kClientAddr), Rng(5));
  Client d2(MakeClientConfig(kClient2Addr, "bob", "hunter2"), Rng(6));
  for (Client* c : {&d1, &d2}) {
    h2.Add(c);
    ASSERT_TRUE(c->Allocate(h2.now()).ok());
    h2.Pump();
  }
  auto ed2 = Drain(d2);
  ASSERT_EQ(ed2.size(), 1u);
  EXPECT_EQ(ed2[0].error_code, 508);
  EXPECT_EQ(h2.server().allocation_count(), 1u);
}

TEST(TurnTest, SecondAllocateOnSameFiveTupleIs437) {
  Allocated a;
  Client again(MakeClientConfig(), Rng(99));
  a.h.Add(&again);
  ASSERT_TRUE(again.Allocate(a.h.now()).ok());
  a.h.Pump();
  auto events = Drain(again);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].error_code, 437);
  EXPECT_EQ(a.h.server().allocation_count(), 1u);
}

TEST(TurnTest, AdminDeletesByUser) {
  Allocated a;
  EXPECT_EQ(a.h.server().DeleteAllocationsForUser("bob"), 0u);
  EXPECT_EQ(a.h.server().DeleteAllocationsForUser("alice"), 1u);
  EXPECT_EQ(a.h.server().allocation_count(), 0u);
  a.h.PeerSend(kPeer, a.client.relayed_address(), Bytes("x"));
  EXPECT_TRUE(Drain(a.client).empty());
}

// ---- hand-built requests ----

std::string FetchNonce(Harness& h, const SocketAddress& from, Rng& rng) {
  h.ToServer(kServerAddr, from,
             MessageBuilder(Method::kAllocate, Class::kRequest, rng)
                 .AddRequestedTransport(stun::kProtocolUdp)
                 .Build()
                 .value());
  auto tx = h.server().PollTransmit();
  EXPECT_TRUE(tx);
  auto m = Message::Parse(tx->payload).value();
  EXPECT_EQ(m.GetErrorCode()->code, 401);
  EXPECT_EQ(m.GetRealm().value(), "example.org");
  return std::string(m.GetNonce().value());
}

int ErrorOf(Harness& h) {
  auto tx = h.server().PollTransmit();
  if (!tx) return -1;
  auto m = Message::Parse(tx->payload);
  if (!m.ok()) return -2;
  if (m->message_class() == Class::kSuccess) return 0;
  return m->GetErrorCode().value().code;
}

TEST(TurnSecurityTest, NothingRelayedWithoutAuthentication) {
  Harness h;
  Rng rng(5);
  // An unauthenticated Allocate gets 401 and no allocation.
  FetchNonce(h, kClientAddr, rng);
  EXPECT_EQ(h.server().allocation_count(), 0u);
  // Send indication and ChannelData without an allocation go nowhere.
  h.ToServer(kServerAddr, kClientAddr,
             MessageBuilder(Method::kSend, Class::kIndication, rng)
                 .AddXorPeerAddress(kPeer)
                 .AddData(Bytes("x"))
                 .Build()
                 .value());
  h.ToServer(kServerAddr, kClientAddr,
             stun::BuildChannelData(0x4000, Bytes("y")).value());
  h.Pump();
  EXPECT_TRUE(h.peer_inbox().empty());
  EXPECT_TRUE(h.raw().empty());
}

TEST(TurnSecurityTest, WrongIntegrityAndTamperingRejected) {
  Harness h;
  Rng rng(6);
  const std::string nonce = FetchNonce(h, kClientAddr, rng);
  auto wrong_key = stun::LongTermKey("alice", "example.org", "nope");
  h.ToServer(kServerAddr, kClientAddr,
             MessageBuilder(Method::kAllocate, Class::kRequest, rng)
                 .AddRequestedTransport(stun::kProtocolUdp)
                 .AddUsername("alice")
                 .AddRealm("example.org")
                 .AddNonce(nonce)
                 .AddMessageIntegrity(ByteSpan(wrong_key))
                 .Build()
                 .value());
  EXPECT_EQ(ErrorOf(h), 401);
  auto key = stun::LongTermKey("alice", "example.org", "secret");
  auto good = MessageBuilder(Method::kAllocate, Class::kRequest, rng)
                  .AddRequestedTransport(stun::kProtocolUdp)
                  .AddUsername("alice")
                  .AddRealm("example.org")
                  .AddNonce(nonce)
                  .AddMessageIntegrity(ByteSpan(key))
                  .Build()
                  .value();
  auto tampered = good;
  tampered[stun::kHeaderSize + 4 + 3] ^= 1;  // within REQUESTED-TRANSPORT
  h.ToServer(kServerAddr, kClientAddr, tampered);
  EXPECT_EQ(ErrorOf(h), 401);
  // Forged nonce.
  std::string forged = nonce;
  forged[0] = forged[0] == 'f' ? 'e' : 'f';
  h.ToServer(kServerAddr, kClientAddr,
             MessageBuilder(Method::kAllocate, Class::kRequest, rng)
                 .AddRequestedTransport(stun::kProtocolUdp)
                 .AddUsername("alice")
                 .AddRealm("example.org")
                 .AddNonce(forged)
                 .AddMessageIntegrity(ByteSpan(key))
                 .Build()
                 .value());
  EXPECT_EQ(ErrorOf(h), 438);
  EXPECT_EQ(h.server().allocation_count(), 0u);
  h.ToServer(kServerAddr, kClientAddr, good);
  EXPECT_EQ(ErrorOf(h), 0);
  EXPECT_EQ(h.server().allocation_count(), 1u);
}

TEST(TurnSecurityTest, TcpTransportIs442AndBadChannelIs400) {
  Harness h;
  Rng rng(8);
  const std::string nonce = FetchNonce(h, kClientAddr, rng);
  auto key = stun::LongTermKey("alice", "example.org", "secret");
  auto authed = [&](MessageBuilder& b) -> std::vector<uint8_t> {
    return b.AddUsername("alice")
        .AddRealm("example.org")
        .AddNonce(nonce)
        .AddMessageIntegrity(ByteSpan(key))
        .Build()
        .value();
  };
  {
    MessageBuilder b(Method::kAllocate, Class::kRequest, rng);
    b.AddRequestedTransport(stun::kProtocolTcp);
    h.ToServer(kServerAddr, kClientAddr, authed(b));
    EXPECT_EQ(ErrorOf(h), 442);
  }
  {
    MessageBuilder b(Method::kChannelBind, Class::kRequest, rng);
    b.AddChannelNumber(0x4001).AddXorPeerAddress(kPeer);
    h.ToServer(kServerAddr, kClientAddr, authed(b));
    EXPECT_EQ(ErrorOf(h), 437);  // no allocation yet
  }
  {
    MessageBuilder b(Method::kAllocate, Class::kRequest, rng);
    b.AddRequestedTransport(stun::kProtocolUdp).AddEvenPort(false);
    h.ToServer(kServerAddr, kClientAddr, authed(b));
    EXPECT_EQ(ErrorOf(h), 0);
    auto relayed = h.server().ListAllocations(h.now()).at(0).relayed;
    EXPECT_EQ(relayed.port() % 2, 0);
  }
  {
    const uint8_t bad_channel[4] = {0x30, 0x00, 0, 0};
    MessageBuilder b(Method::kChannelBind, Class::kRequest, rng);
    b.AddRaw(stun::AttributeType::kChannelNumber, bad_channel)
        .AddXorPeerAddress(kPeer);
    h.ToServer(kServerAddr, kClientAddr, authed(b));
    EXPECT_EQ(ErrorOf(h), 400);
  }
  {
    MessageBuilder b(Method::kChannelBind, Class::kRequest, rng);
    b.AddChannelNumber(0x4001).AddXorPeerAddress(kPeer);
    h.ToServer(kServerAddr, kClientAddr, authed(b));
    EXPECT_EQ(ErrorOf(h), 0);
  }
  {
    // The same channel to another peer, and the same peer on another channel.
    MessageBuilder b(Method::kChannelBind, Class::kRequest, rng);
    b.AddChannelNumber(0x4001).AddXorPeerAddress(kPeer2);
    h.ToServer(kServerAddr, kClientAddr, authed(b));
    EXPECT_EQ(ErrorOf(h), 400);
    MessageBuilder b2(Method::kChannelBind, Class::kRequest, rng);
    b2.AddChannelNumber(0x4002).AddXorPeerAddress(kPeer);
    h.ToServer(kServerAddr, kClientAddr, authed(b2));
    EXPECT_EQ(ErrorOf(h), 400);
  }
  {
    // Another user on the same 5-tuple.
    auto bob = stun::LongTermKey("bob", "example.org", "hunter2");
    h.ToServer(kServerAddr, kClientAddr,
               MessageBuilder(Method::kRefresh, Class::kRequest, rng)
                   .AddUsername("bob")
                   .AddRealm("example.org")
                   .AddNonce(nonce)
                   .AddMessageIntegrity(ByteSpan(bob))
                   .Build()
                   .value());
    EXPECT_EQ(ErrorOf(h), 441);
  }
}

TEST(TurnSecurityTest, NoRelayWithoutPermission) {
  Allocated a;
  // Peer traffic without a permission never reaches the client.
  a.h.PeerSend(kPeer, a.client.relayed_address(), Bytes("spam"));
  EXPECT_TRUE(Drain(a.client).empty());
  Rng rng(9);
  // A Send indication to a peer without permission is dropped.
  a.h.ToServer(kServerAddr, kClientAddr,
               MessageBuilder(Method::kSend, Class::kIndication, rng)
                   .AddXorPeerAddress(kPeer)
                   .AddData(Bytes("x"))
                   .Build()
                   .value());
  a.h.Pump();
  EXPECT_TRUE(a.h.peer_inbox().empty());
  EXPECT_EQ(a.h.server().stats().dropped_no_permission, 2u);
  // A permission for one peer does not open the relay to another.
  ASSERT_TRUE(a.client.CreatePermission(a.h.now(), kPeer.ip()).ok());
  a.h.Pump();
  a.h.PeerSend(kPeer2, a.client.relayed_address(), Bytes("spam"));
  EXPECT_FALSE(HasEvent(Drain(a.client), ClientEvent::Kind::kData));
}

TEST(TurnSecurityTest, ExpiredPermissionStopsRelaying) {
  Allocated a;
  ASSERT_TRUE(a.client.CreatePermission(a.h.now(), kPeer.ip()).ok());
  a.h.Pump();
  a.h.PeerSend(kPeer, a.client.relayed_address(), Bytes("1"));
  EXPECT_TRUE(HasEvent(Drain(a.client), ClientEvent::Kind::kData));
  a.h.client_timers = false;  // the client stops refreshing
  a.h.Advance(TimeDelta::Seconds(301));
  a.h.PeerSend(kPeer, a.client.relayed_address(), Bytes("2"));
  EXPECT_FALSE(HasEvent(Drain(a.client), ClientEvent::Kind::kData));
  EXPECT_EQ(a.h.server().allocation_count(), 1u);
}

TEST(TurnSecurityTest, AllocationExpiresWithoutRefresh) {
  Allocated a;
  a.h.client_timers = false;
  a.h.Advance(TimeDelta::Seconds(601));
  EXPECT_EQ(a.h.server().allocation_count(), 0u);
}

TEST(TurnTest, BindingAnsweredOnTurnPort) {
  Harness h;
  Rng rng(10);
  h.ToServer(
      kServerAddr, kClientAddr,
      MessageBuilder(Method::kBinding, Class::kRequest, rng).Build().value());
  auto tx = h.server().PollTransmit();
  ASSERT_TRUE(tx);
  auto m = Message::Parse(tx->payload).value();
  EXPECT_EQ(m.GetXorMappedAddress().value(), kClientAddr);
}

TEST(TurnTest, RelayGenerators) {
  Rng rng(1);
  auto g = RelayAddressGenerator::Range(IpAddress::V4(10, 1, 0, 1),
                                        IpAddress::V4(10, 1, 0, 2), 7000, 7000)
               .value();
  std::set<SocketAddress> used;
  for (int i = 0; i < 2; ++i) {
    auto a = g.Allocate(IpFamily::kIPv4, false, used, rng);
    ASSERT_TRUE(a);
    EXPECT_EQ(a->port(), 7000);
    used.insert(*a);
  }
  EXPECT_FALSE(g.Allocate(IpFamily::kIPv4, false, used, rng));
  EXPECT_FALSE(g.Allocate(IpFamily::kIPv6, false, {}, rng));
  EXPECT_FALSE(RelayAddressGenerator::Range(IpAddress::V4(10, 1, 0, 2),
                                            IpAddress::V4(10, 1, 0, 1), 1, 2)
                   .ok());
}

TEST(TurnTest, AllocateTimesOutWithoutServer) {
  Harness h;
  Client c(MakeClientConfig(), Rng(4));
  ASSERT_TRUE(c.Allocate(h.now()).ok());
  Timestamp now = h.now();
  while (auto n = c.NextTimeout()) {
    while (c.PollTransmit()) {
    }
    now = *n;
    c.HandleTimeout(now);
  }
  auto events = Drain(c);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].kind, ClientEvent::Kind::kError);
  EXPECT_EQ(events[0].error_code, 0);
  EXPECT_EQ(c.state(), Client::State::kFailed);
}

}  // namespace
}  // namespace simrtc::turn
