#include "core/peer/test_pair.h"

#include <algorithm>
#include <cstdlib>

namespace simrtc::peer::testing {
namespace {

Configuration WithInterface(Configuration c, const SocketAddress& a) {
  if (c.interfaces.empty()) {
    ice::LocalInterface itf;
    itf.address = a;
    itf.name = "eth0";
    c.interfaces.push_back(itf);
  }
  return c;
}

}  // namespace

Pair::Pair(PairOptions options, uint64_t seed) : options_(std::move(options)) {
  a_.address = SocketAddress(IpAddress::V4(10, 0, 0, 1), 5000);
  b_.address = SocketAddress(IpAddress::V4(10, 0, 0, 2), 5000);
  Rng root(seed);
  auto pa = PeerConnection::Create(WithInterface(options_.a, a_.address),
                                   root.Fork("a"), now_);
  auto pb = PeerConnection::Create(WithInterface(options_.b, b_.address),
                                   root.Fork("b"), now_);
  if (!pa.ok() || !pb.ok()) {
    std::abort();  // a harness bug; tests construct valid configs
  }
  a_.pc = *std::move(pa);
  b_.pc = *std::move(pb);
}

absl::Status Pair::Negotiate(Side& offerer, Side& answerer) {
  absl::StatusOr<SessionDescription> offer = offerer.pc->CreateOffer(now_);
  if (!offer.ok()) return offer.status();
  if (absl::Status s = offerer.pc->SetLocalDescription(now_, *offer); !s.ok()) {
    return s;
  }
  if (absl::Status s = answerer.pc->SetRemoteDescription(now_, *offer);
      !s.ok()) {
    return s;
  }
  absl::StatusOr<SessionDescription> answer = answerer.pc->CreateAnswer(now_);
  if (!answer.ok()) return answer.status();
  if (absl::Status s = answerer.pc->SetLocalDescription(now_, *answer);
      !s.ok()) {
    return s;
  }
  if (absl::Status s = offerer.pc->SetRemoteDescription(now_, *answer);
      !s.ok()) {
    return s;
  }
  Drain(a_);
  Drain(b_);
  return absl::OkStatus();
}

void Pair::DeliverCandidates() {
  for (auto [from, to] : {std::pair{&a_, &b_}, std::pair{&b_, &a_}}) {
    std::vector<IceCandidateEvent> batch = std::move(from->candidates);
    from->candidates.clear();
    for (const IceCandidateEvent& e : batch) {
      IceCandidateInit init;
      if (e.candidate.has_value()) init = *e.candidate;
      // Errors (e.g. before the remote description) are the test's to
      // check through the states; the harness keeps going.
      (void)to->pc->AddIceCandidate(now_, init);
    }
  }
}

void Pair::Drain(Side& s) {
  Side& other = &s == &a_ ? b_ : a_;
  while (std::optional<Transmit> t = s.pc->PollTransmit()) {
    if (!network_up_) continue;
    Datagram d;
    d.local = t->remote;
    d.remote = t->local;
    d.transport = t->transport;
    d.payload = std::move(t->payload);
    if (t->remote != other.address) continue;  // e.g. STUN servers: none
    wire_.emplace(std::make_pair(now_ + options_.latency, seq_++),
                  std::make_pair(&other, std::move(d)));
  }
  while (std::optional<Event> e = s.pc->PollEvent()) {
    if (auto* c = std::get_if<IceCandidateEvent>(&*e)) {
      if (options_.trickle) s.candidates.push_back(*c);
    } else if (auto* st = std::get_if<ConnectionStateChange>(&*e)) {
      s.states.push_back(st->state);
    } else if (auto* sig = std::get_if<SignalingStateChange>(&*e)) {
      s.signaling.push_back(sig->state);
    } else if (std::holds_alternative<NegotiationNeeded>(*e)) {
      ++s.negotiation_needed;
    } else if (auto* d = std::get_if<DataChannelEvent>(&*e)) {
      if (auto* in = std::get_if<datachannel::IncomingChannel>(&d->event)) {
        s.incoming.push_back(in->channel);
      } else if (auto* o = std::get_if<datachannel::ChannelOpen>(&d->event)) {
        s.opened.push_back(o->channel);
      } else if (auto* c = std::get_if<datachannel::ChannelClosed>(&d->event)) {
        s.closed.push_back(c->channel);
      } else if (auto* m =
                     std::get_if<datachannel::ChannelMessage>(&d->event)) {
        s.messages.emplace_back(m->channel->label(),
                                std::string(m->message.text()));
      } else if (std::holds_alternative<datachannel::TransportClosed>(
                     d->event)) {
        s.transport_closed = true;
      }
    }
    s.events.push_back(std::move(*e));
  }
}

void Pair::Step() {
  Drain(a_);
  Drain(b_);
  if (options_.trickle) DeliverCandidates();
  Drain(a_);
  Drain(b_);
  Timestamp next = Timestamp::Infinite();
  if (!wire_.empty()) next = wire_.begin()->first.first;
  for (Side* s : {&a_, &b_}) {
    if (std::optional<Timestamp> t = s->pc->NextTimeout()) {
      next = std::min(next, *t);
    }
  }
  if (next.IsInfinite()) next = now_ + TimeDelta::Millis(100);
  now_ = std::max(now_, next);
  while (!wire_.empty() && wire_.begin()->first.first <= now_) {
    auto [side, d] = std::move(wire_.begin()->second);
    wire_.erase(wire_.begin());
    ++delivered_;
    side->pc->HandleDatagram(now_, d);
    Drain(*side);
  }
  for (Side* s : {&a_, &b_}) {
    if (std::optional<Timestamp> t = s->pc->NextTimeout(); t && *t <= now_) {
      s->pc->HandleTimeout(now_);
    }
    Drain(*s);
  }
}

bool Pair::RunUntil(const std::function<bool()>& done, TimeDelta limit) {
  const Timestamp end = now_ + limit;
  Drain(a_);
  Drain(b_);
  for (int guard = 0; guard < 10000000; ++guard) {
    if (done()) return true;
    if (now_ >= end) return false;
    Step();
  }
  return false;
}

void Pair::RunFor(TimeDelta d) {
  RunUntil([] { return false; }, d);
}

}  // namespace simrtc::peer::testing
