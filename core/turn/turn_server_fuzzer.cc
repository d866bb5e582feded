// Feeds one arbitrary datagram to a TURN server that already holds an
// allocation (with a permission and a channel), so relay paths are reachable.
// Input: byte 0 picks where the datagram arrives (listening address from the
// allocated client, from a stranger, or the relayed address from a peer);
// the rest is the payload. The server is built exactly as in turn_test.cc
// (same Rng fork, realm, users and clock), so the seed corpus, recorded from
// that test, carries nonces and MESSAGE-INTEGRITY that verify here.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/base/rng.h"
#include "core/turn/client.h"
#include "core/turn/server.h"

namespace {

using simrtc::Datagram;
using simrtc::IpAddress;
using simrtc::Rng;
using simrtc::SocketAddress;
using simrtc::TimeDelta;
using simrtc::Timestamp;
using simrtc::Transport;
using namespace simrtc::turn;

const SocketAddress kServerAddr(IpAddress::V4(192, 0, 2, 1), 3478);
const SocketAddress kClientAddr(IpAddress::V4(10, 0, 0, 2), 40000);
const SocketAddress kStranger(IpAddress::V4(10, 0, 0, 3), 40001);
const SocketAddress kPeer(IpAddress::V4(203, 0, 113, 5), 5000);

void Pump(Server& s, Client& c, Timestamp now) {
  for (int i = 0; i < 100; ++i) {
    bool progress = false;
    while (auto t = c.PollTransmit()) {
      progress = true;
      s.HandleDatagram(now, Datagram{t->remote, t->local, Transport::kUdp,
                                     std::move(t->payload)});
    }
    while (auto t = s.PollTransmit()) {
      progress = true;
      if (t->remote == kClientAddr) {
        c.HandleDatagram(now, Datagram{t->remote, t->local, Transport::kUdp,
                                       std::move(t->payload)});
      }
    }
    if (!progress) return;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  ServerConfig config;
  config.realm = "example.org";
  config.auth = StaticUsers({{"alice", "secret"}, {"bob", "hunter2"}});
  config.relay =
      RelayAddressGenerator::Static(IpAddress::V4(192, 0, 2, 1), 50000, 50100);
  Server server(config, Rng(7).Fork("server"));
  ClientConfig cc;
  cc.local = kClientAddr;
  cc.server = kServerAddr;
  cc.username = "alice";
  cc.password = "secret";
  Client client(cc, Rng(1234));
  Timestamp now = Timestamp::Seconds(1);
  (void)client.Allocate(now);
  Pump(server, client, now);
  (void)client.BindChannel(now, kPeer);
  Pump(server, client, now);

  const uint8_t selector = data[0] & 3;
  Datagram d;
  d.payload.assign(data + 1, data + size);
  switch (selector) {
    case 0:
    case 1:
      d.local = kServerAddr;
      d.remote = kClientAddr;
      break;
    case 2:
      d.local = kServerAddr;
      d.remote = kStranger;
      break;
    default:
      d.local = client.relayed_address();
      d.remote = kPeer;
      break;
  }
  server.HandleDatagram(now, d);
  while (server.PollTransmit()) {
  }
  while (server.PollEvent()) {
  }
  server.HandleTimeout(now + TimeDelta::Seconds(700));
  (void)server.ListAllocations(now);
  (void)server.NextTimeout();
  return 0;
}
