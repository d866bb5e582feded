// Feeds one arbitrary datagram to (1) a fresh DTLS server, as an attacker's
// first packet would arrive, and (2) a server whose handshake has completed.
// Nothing may crash, hang or leave the endpoint in an inconsistent state;
// retransmission timers are fired to exercise the paths after bad input.
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <span>

#include "core/base/time.h"
#include "core/dtls/certificate.h"
#include "core/dtls/endpoint.h"

namespace {

using simrtc::Timestamp;
using simrtc::dtls::Certificate;
using simrtc::dtls::Config;
using simrtc::dtls::Endpoint;
using simrtc::dtls::Role;
using simrtc::dtls::State;

const Certificate& Cert(int which) {
  static Certificate certs[2] = {*Certificate::Generate(),
                                 *Certificate::Generate()};
  return certs[which];
}

std::unique_ptr<Endpoint> Make(Role role) {
  Config c;
  c.role = role;
  c.certificate = Cert(role == Role::kClient ? 0 : 1);
  c.remote_fingerprints = {Cert(role == Role::kClient ? 1 : 0).fingerprint()};
  c.initial_retransmit_timeout = simrtc::TimeDelta::Millis(50);
  auto ep = Endpoint::Create(c);
  if (!ep.ok()) std::abort();
  return std::move(*ep);
}

void Drain(Endpoint& ep) {
  while (ep.PollTransmit()) {
  }
  while (ep.PollEvent()) {
  }
}

void CheckSane(const Endpoint& ep) {
  if (ep.state() == State::kNew) std::abort();
  // A finished endpoint never asks to be woken again.
  if ((ep.state() == State::kFailed || ep.state() == State::kClosed) &&
      ep.NextTimeout().has_value()) {
    std::abort();
  }
}

void FireTimers(Endpoint& ep, Timestamp now) {
  for (int i = 0; i < 3; ++i) {
    auto t = ep.NextTimeout();
    if (!t) break;
    now = std::max(now, *t);
    ep.HandleTimeout(now);
    Drain(ep);
  }
}

// Connects a client and a server over an ideal in-memory link.
bool Handshake(Endpoint& client, Endpoint& server) {
  if (!client.Start(Timestamp::Zero()).ok()) return false;
  for (int round = 0; round < 20; ++round) {
    bool moved = false;
    while (auto t = client.PollTransmit()) {
      server.HandleDatagram(Timestamp::Zero(), t->payload);
      moved = true;
    }
    while (auto t = server.PollTransmit()) {
      client.HandleDatagram(Timestamp::Zero(), t->payload);
      moved = true;
    }
    if (!moved) break;
  }
  Drain(client);
  Drain(server);
  return client.state() == State::kConnected &&
         server.state() == State::kConnected;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::span<const uint8_t> input(data, size);
  {
    auto server = Make(Role::kServer);
    server->HandleDatagram(Timestamp::Zero(), input);
    Drain(*server);
    CheckSane(*server);
    // The same bytes again, as a retransmission would arrive.
    server->HandleDatagram(Timestamp::Millis(1), input);
    Drain(*server);
    FireTimers(*server, Timestamp::Millis(1));
    CheckSane(*server);
  }
  {
    auto client = Make(Role::kClient);
    auto server = Make(Role::kServer);
    if (!Handshake(*client, *server)) std::abort();
    server->HandleDatagram(Timestamp::Millis(5), input);
    Drain(*server);
    CheckSane(*server);
    FireTimers(*server, Timestamp::Millis(5));
  }
  return 0;
}
