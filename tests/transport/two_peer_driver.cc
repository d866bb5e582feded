#include "tests/transport/two_peer_driver.h"

#include <algorithm>
#include <utility>

#include "core/base/socket_address.h"

namespace simrtc::transport_test {

SecurePeer* TwoPeerDriver::PeerFor(vnet::HostId host) {
  if (host == a_->host()) return a_;
  if (host == b_->host()) return b_;
  return nullptr;
}

void TwoPeerDriver::Flush() {
  bool moved = true;
  while (moved) {
    moved = false;
    for (SecurePeer* p : {a_, b_}) {
      moved |= p->Pump(now_);
      while (auto t = p->PollTransmit()) {
        moved = true;
        if (!network_->Send(now_, p->host(), std::move(*t)).ok()) {
          ++send_errors_;
        }
      }
    }
    while (auto d = network_->PollDelivery()) {
      moved = true;
      if (SecurePeer* p = PeerFor(d->host))
        p->HandleDelivery(now_, d->datagram);
    }
    if (on_step) on_step(now_);
    // on_step may have queued work (channel sends): pump once more.
    for (SecurePeer* p : {a_, b_}) moved |= p->Pump(now_);
  }
}

bool TwoPeerDriver::RunUntil(const std::function<bool()>& done,
                             Timestamp deadline) {
  Flush();
  while (!done()) {
    std::optional<Timestamp> next = network_->NextTimeout();
    for (SecurePeer* p : {a_, b_}) {
      if (auto t = p->NextTimeout(); t && (!next || *t < *next)) next = t;
    }
    if (!next || *next > deadline) {
      if (deadline > now_) now_ = deadline;
      return done();
    }
    now_ = std::max(now_, *next);
    ++steps_;
    network_->HandleTimeout(now_);
    a_->HandleTimeout(now_);
    b_->HandleTimeout(now_);
    Flush();
  }
  return true;
}

void TwoPeerDriver::RunFor(TimeDelta duration) {
  RunUntil([] { return false; }, now_ + duration);
}

vnet::LinkConfig ImpairedLink(TimeDelta delay, double loss, TimeDelta jitter,
                              bool reorder, double duplicate) {
  vnet::LinkDirectionConfig clean;
  clean.delay.base = delay;
  clean.delay.jitter = TimeDelta::Zero();
  clean.delay.distribution = vnet::DelayConfig::Distribution::kConstant;
  vnet::LinkDirectionConfig up = clean;
  up.loss.rate = loss;
  up.duplicate = duplicate;
  if (jitter > TimeDelta::Zero()) {
    up.delay.jitter = jitter;
    up.delay.distribution = vnet::DelayConfig::Distribution::kUniform;
    up.delay.allow_reordering = reorder;
  }
  return vnet::LinkConfig{up, clean};
}

absl::StatusOr<World> MakeWorld(const WorldOptions& options) {
  World w;
  w.network = std::make_unique<vnet::Network>(Rng(options.seed));
  if (options.trace_sink) w.network->SetTraceSink(options.trace_sink);

  vnet::RouterConfig root;
  root.name = "internet";
  auto subnet = IpAddress::Parse("10.0.0.0");
  if (!subnet.ok()) return subnet.status();
  root.subnets.push_back({*subnet, 24});
  if (auto r = w.network->AddRouter(root); !r.ok()) return r.status();

  vnet::HostConfig ha;
  ha.name = "a";
  ha.router = "internet";
  ha.link = options.link_a;
  auto host_a = w.network->AddHost(ha);
  if (!host_a.ok()) return host_a.status();
  vnet::HostConfig hb = ha;
  hb.name = "b";
  hb.link = options.link_b;
  auto host_b = w.network->AddHost(hb);
  if (!host_b.ok()) return host_b.status();

  SocketAddress addr_a(w.network->HostAddresses(*host_a).at(0), 40000);
  SocketAddress addr_b(w.network->HostAddresses(*host_b).at(0), 50000);

  auto cert_a = MakeRsaCertificate(1);
  if (!cert_a.ok()) return cert_a.status();
  auto cert_b = MakeRsaCertificate(2);
  if (!cert_b.ok()) return cert_b.status();

  SecurePeerConfig ca;
  ca.name = "a";
  ca.host = *host_a;
  ca.local = addr_a;
  ca.remote = addr_b;
  ca.role = dtls::Role::kClient;
  ca.certificate = *cert_a;
  ca.remote_fingerprints = {cert_b->fingerprint()};
  ca.srtp_profiles = options.srtp_profiles_a;
  ca.sctp = options.sctp;

  SecurePeerConfig cb;
  cb.name = "b";
  cb.host = *host_b;
  cb.local = addr_b;
  cb.remote = addr_a;
  cb.role = dtls::Role::kServer;
  cb.certificate = *cert_b;
  dtls::Fingerprint expected_a = cert_a->fingerprint();
  if (options.corrupt_fingerprint_at_b) {
    // Flip the first hex digit.
    expected_a.value[0] = expected_a.value[0] == 'A' ? 'B' : 'A';
  }
  cb.remote_fingerprints = {expected_a};
  cb.srtp_profiles = options.srtp_profiles_b;
  cb.sctp = options.sctp;

  auto a = SecurePeer::Create(std::move(ca));
  if (!a.ok()) return a.status();
  auto b = SecurePeer::Create(std::move(cb));
  if (!b.ok()) return b.status();
  w.a = std::move(*a);
  w.b = std::move(*b);
  w.driver =
      std::make_unique<TwoPeerDriver>(w.network.get(), w.a.get(), w.b.get());
  if (auto s = w.b->Start(w.driver->now()); !s.ok()) return s;
  if (auto s = w.a->Start(w.driver->now()); !s.ok()) return s;
  return w;
}

}  // namespace simrtc::transport_test
