#include "core/ice/test_util.h"

#include <algorithm>
#include <variant>

#include "absl/strings/str_format.h"

namespace simrtc::ice::testing {

// ---- FakeResolver -----------------------------------------------------------

absl::StatusOr<ResolveId> FakeResolver::Resolve(Timestamp now,
                                                std::string_view name,
                                                IpFamily family) {
  now_ = std::max(now_, now);
  ++resolves_;
  const ResolveId id = next_id_++;
  pending_.push_back(Pending{id, std::string(name), family, now + delay_});
  return id;
}

void FakeResolver::Cancel(ResolveId id) {
  pending_.erase(std::remove_if(pending_.begin(), pending_.end(),
                                [id](const Pending& p) { return p.id == id; }),
                 pending_.end());
}

absl::Status FakeResolver::Publish(Timestamp, std::string_view name,
                                   const IpAddress& address) {
  if (!registry_->names.emplace(std::string(name), address).second) {
    return absl::AlreadyExistsError(std::string(name));
  }
  published_.insert(std::string(name));
  return absl::OkStatus();
}

absl::Status FakeResolver::Unpublish(Timestamp, std::string_view name) {
  if (published_.erase(std::string(name)) == 0) {
    return absl::NotFoundError(std::string(name));
  }
  registry_->names.erase(std::string(name));
  return absl::OkStatus();
}

std::optional<NameResolution> FakeResolver::PollResolution() {
  if (pending_.empty() || pending_.front().due > now_) return std::nullopt;
  Pending p = std::move(pending_.front());
  pending_.pop_front();
  NameResolution r;
  r.id = p.id;
  r.name = p.name;
  auto it = registry_->names.find(p.name);
  if (it != registry_->names.end() &&
      (p.family == IpFamily::kNone || p.family == it->second.family())) {
    r.addresses.push_back(it->second);
  } else {
    r.status = absl::DeadlineExceededError("no answer for " + p.name);
  }
  return r;
}

std::optional<Timestamp> FakeResolver::NextTimeout() const {
  if (pending_.empty() || pending_.front().due <= now_) return std::nullopt;
  return pending_.front().due;
}

// ---- Relay wire format ------------------------------------------------------

namespace {
constexpr uint8_t kMagic0 = 0xFF;
constexpr uint8_t kMagic1 = 'R';

std::vector<uint8_t> Header(char op) {
  return {kMagic0, kMagic1, static_cast<uint8_t>(op)};
}

void Append(std::vector<uint8_t>& out, ByteSpan b) {
  out.insert(out.end(), b.begin(), b.end());
}
}  // namespace

std::vector<uint8_t> EncodeRelayAddress(const SocketAddress& a) {
  std::vector<uint8_t> out;
  out.push_back(a.ip().is_v6() ? 6 : 4);
  Append(out, a.ip().bytes());
  out.push_back(static_cast<uint8_t>(a.port() >> 8));
  out.push_back(static_cast<uint8_t>(a.port()));
  return out;
}

std::optional<SocketAddress> DecodeRelayAddress(ByteSpan b, size_t* offset) {
  if (*offset >= b.size()) return std::nullopt;
  const uint8_t family = b[*offset];
  const size_t len = family == 6 ? 16 : family == 4 ? 4 : 0;
  if (len == 0 || *offset + 1 + len + 2 > b.size()) return std::nullopt;
  absl::StatusOr<IpAddress> ip =
      IpAddress::FromBytes(b.subspan(*offset + 1, len));
  if (!ip.ok()) return std::nullopt;
  const uint8_t* p = b.data() + *offset + 1 + len;
  const uint16_t port = static_cast<uint16_t>((p[0] << 8) | p[1]);
  *offset += 1 + len + 2;
  return SocketAddress(*ip, port);
}

// ---- FakeRelayAllocator -----------------------------------------------------

void FakeRelayAllocator::SendAllocate(Timestamp now, Alloc& a) {
  a.attempts++;
  a.retry_at = now + TimeDelta::Millis(500);
  transmits_.push_back(
      Transmit{a.base, a.server, Transport::kUdp, Header('A')});
}

absl::Status FakeRelayAllocator::Allocate(Timestamp now,
                                          const SocketAddress& base) {
  bool any = false;
  for (const SocketAddress& server : servers_) {
    if (server.family() != base.family()) continue;
    Alloc a;
    a.base = base;
    a.server = server;
    const RelayHandle h = next_handle_++;
    SendAllocate(now, a);
    allocs_.emplace(h, a);
    any = true;
  }
  if (!any) {
    events_.push_back(RelayAllocationDone{
        base, absl::NotFoundError("no relay server of this family")});
  }
  return absl::OkStatus();
}

absl::Status FakeRelayAllocator::Send(Timestamp, RelayHandle handle,
                                      const SocketAddress& peer,
                                      ByteSpan payload) {
  auto it = allocs_.find(handle);
  if (it == allocs_.end() || !it->second.granted) {
    return absl::NotFoundError(
        absl::StrFormat("relay %d not allocated", handle));
  }
  std::vector<uint8_t> msg = Header('S');
  Append(msg, EncodeRelayAddress(peer));
  Append(msg, payload);
  ++sends_;
  transmits_.push_back(Transmit{it->second.base, it->second.server,
                                Transport::kUdp, std::move(msg)});
  return absl::OkStatus();
}

void FakeRelayAllocator::Permit(Timestamp, RelayHandle handle,
                                const IpAddress& peer) {
  auto it = allocs_.find(handle);
  if (it == allocs_.end()) return;
  if (!permits_.insert({handle, peer}).second) return;
  std::vector<uint8_t> msg = Header('P');
  Append(msg, EncodeRelayAddress(SocketAddress(peer, 0)));
  transmits_.push_back(Transmit{it->second.base, it->second.server,
                                Transport::kUdp, std::move(msg)});
}

void FakeRelayAllocator::Release(Timestamp, RelayHandle handle) {
  auto it = allocs_.find(handle);
  if (it == allocs_.end()) return;
  transmits_.push_back(Transmit{it->second.base, it->second.server,
                                Transport::kUdp, Header('F')});
  allocs_.erase(it);
}

void FakeRelayAllocator::Lose(RelayHandle handle) {
  if (allocs_.erase(handle) == 0) return;
  events_.push_back(RelayLost{handle, absl::UnavailableError("test: lost")});
}

bool FakeRelayAllocator::HandleDatagram(Timestamp, const Datagram& d) {
  const bool from_server =
      std::find(servers_.begin(), servers_.end(), d.remote) != servers_.end();
  if (!from_server) return false;
  const std::vector<uint8_t>& b = d.payload;
  if (b.size() < 3 || b[0] != kMagic0 || b[1] != kMagic1) return true;
  size_t off = 3;
  if (b[2] == 'a') {
    std::optional<SocketAddress> relayed = DecodeRelayAddress(b, &off);
    std::optional<SocketAddress> mapped = DecodeRelayAddress(b, &off);
    if (!relayed || !mapped) return true;
    for (auto& [h, a] : allocs_) {
      if (a.base != d.local || a.server != d.remote || a.granted) continue;
      a.granted = true;
      RelayAllocated ev;
      ev.base = a.base;
      ev.handle = h;
      ev.relayed = *relayed;
      ev.server = a.server;
      ev.mapped = *mapped;
      ev.url = "turn:" + a.server.ToString() + "?transport=udp";
      events_.push_back(ev);
      events_.push_back(RelayAllocationDone{a.base, absl::OkStatus()});
      break;
    }
  } else if (b[2] == 'D') {
    std::optional<SocketAddress> peer = DecodeRelayAddress(b, &off);
    if (!peer) return true;
    for (auto& [h, a] : allocs_) {
      if (a.base == d.local && a.server == d.remote && a.granted) {
        events_.push_back(RelayData{
            h, *peer, std::vector<uint8_t>(b.begin() + off, b.end())});
        break;
      }
    }
  }
  return true;
}

void FakeRelayAllocator::HandleTimeout(Timestamp now) {
  for (auto it = allocs_.begin(); it != allocs_.end();) {
    Alloc& a = it->second;
    if (a.granted || now < a.retry_at) {
      ++it;
      continue;
    }
    if (a.attempts >= 5) {
      events_.push_back(RelayAllocationDone{
          a.base, absl::DeadlineExceededError("relay server silent")});
      it = allocs_.erase(it);
      continue;
    }
    SendAllocate(now, a);
    ++it;
  }
}

std::optional<Timestamp> FakeRelayAllocator::NextTimeout() const {
  std::optional<Timestamp> t;
  for (const auto& [h, a] : allocs_) {
    if (!a.granted && (!t || a.retry_at < *t)) t = a.retry_at;
  }
  return t;
}

std::optional<Transmit> FakeRelayAllocator::PollTransmit() {
  if (transmits_.empty()) return std::nullopt;
  Transmit t = std::move(transmits_.front());
  transmits_.pop_front();
  return t;
}

std::optional<RelayEvent> FakeRelayAllocator::PollEvent() {
  if (events_.empty()) return std::nullopt;
  RelayEvent e = std::move(events_.front());
  events_.pop_front();
  return e;
}

// ---- FakeRelayServer --------------------------------------------------------

bool FakeRelayServer::Owns(const SocketAddress& local) const {
  return local == listen_ || client_of_relayed_.count(local) > 0;
}

void FakeRelayServer::HandleDatagram(Timestamp, const Datagram& d) {
  if (d.local == listen_) {
    const std::vector<uint8_t>& b = d.payload;
    if (b.size() < 3 || b[0] != kMagic0 || b[1] != kMagic1) return;
    size_t off = 3;
    auto it = by_client_.find(d.remote);
    switch (b[2]) {
      case 'A': {
        if (it == by_client_.end()) {
          Allocation a;
          a.client = d.remote;
          a.relayed = SocketAddress(relay_ip_, next_port_++);
          client_of_relayed_[a.relayed] = d.remote;
          it = by_client_.emplace(d.remote, a).first;
        }
        std::vector<uint8_t> msg = Header('a');
        Append(msg, EncodeRelayAddress(it->second.relayed));
        Append(msg, EncodeRelayAddress(d.remote));
        transmits_.push_back(
            Transmit{listen_, d.remote, Transport::kUdp, std::move(msg)});
        return;
      }
      case 'P': {
        std::optional<SocketAddress> peer = DecodeRelayAddress(b, &off);
        if (it != by_client_.end() && peer) {
          it->second.permitted.insert(peer->ip());
        }
        return;
      }
      case 'S': {
        std::optional<SocketAddress> peer = DecodeRelayAddress(b, &off);
        if (it == by_client_.end() || !peer) return;
        if (!it->second.permitted.count(peer->ip())) {
          ++refused_;
          return;
        }
        ++relayed_;
        transmits_.push_back(
            Transmit{it->second.relayed, *peer, Transport::kUdp,
                     std::vector<uint8_t>(b.begin() + off, b.end())});
        return;
      }
      case 'F':
        if (it != by_client_.end()) {
          client_of_relayed_.erase(it->second.relayed);
          by_client_.erase(it);
        }
        return;
      default:
        return;
    }
  }
  auto c = client_of_relayed_.find(d.local);
  if (c == client_of_relayed_.end()) return;
  Allocation& a = by_client_.at(c->second);
  if (!a.permitted.count(d.remote.ip())) {
    ++refused_;
    return;
  }
  ++relayed_;
  std::vector<uint8_t> msg = Header('D');
  Append(msg, EncodeRelayAddress(d.remote));
  Append(msg, d.payload);
  transmits_.push_back(
      Transmit{listen_, a.client, Transport::kUdp, std::move(msg)});
}

std::optional<Transmit> FakeRelayServer::PollTransmit() {
  if (transmits_.empty()) return std::nullopt;
  Transmit t = std::move(transmits_.front());
  transmits_.pop_front();
  return t;
}

// ---- AgentPair --------------------------------------------------------------

AgentPair::AgentPair(std::unique_ptr<Agent> a, std::unique_ptr<Agent> b,
                     TimeDelta latency)
    : a_(std::move(a)), b_(std::move(b)), latency_(latency) {}

void AgentPair::Start(bool trickle) {
  (void)trickle;
  (void)a_->SetRemoteCredentials(now_, b_->local_credentials(), b_->lite());
  (void)b_->SetRemoteCredentials(now_, a_->local_credentials(), a_->lite());
  (void)a_->GatherCandidates(now_);
  (void)b_->GatherCandidates(now_);
  Drain();
}

bool AgentPair::Owns(Agent& agent, const SocketAddress& addr) const {
  for (const LocalInterface& itf : agent.interfaces()) {
    if (itf.address == addr) return true;
  }
  return false;
}

void AgentPair::Route(int from, Transmit t) {
  const bool blocked =
      (from == 0 && drop_a_to_b_) || (from == 1 && drop_b_to_a_);
  int to = -1;
  if (relay_server_ != nullptr && relay_server_->Owns(t.remote)) {
    // Traffic to the relay's listening port always passes (it is the
    // client's own leg); relayed traffic obeys the blackhole.
    if (blocked && t.remote != relay_server_->listen()) return;
    to = 2;
  } else {
    if (from != 0 && Owns(*a_, t.remote)) to = 0;
    if (from != 1 && Owns(*b_, t.remote)) to = 1;
    if (to < 0 || blocked) return;
  }
  InFlight f{now_ + latency_, seq_++, to,
             Datagram{t.remote, t.local, t.transport, std::move(t.payload)}};
  flight_.emplace(std::make_pair(f.at, f.seq), std::move(f));
}

void AgentPair::Drain() {
  bool progress = true;
  while (progress) {
    progress = false;
    while (std::optional<Transmit> t = a_->PollTransmit()) {
      Route(0, std::move(*t));
      progress = true;
    }
    while (std::optional<Transmit> t = b_->PollTransmit()) {
      Route(1, std::move(*t));
      progress = true;
    }
    if (relay_server_ != nullptr) {
      while (std::optional<Transmit> t = relay_server_->PollTransmit()) {
        Route(2, std::move(*t));
        progress = true;
      }
    }
    while (std::optional<Event> e = a_->PollEvent()) {
      if (auto* c = std::get_if<LocalCandidateEvent>(&*e)) {
        if (c->candidate) {
          (void)b_->AddRemoteCandidate(now_, c->candidate->ToSdp());
        } else {
          b_->SetRemoteEndOfCandidates(now_);
        }
      }
      events_a_.push_back(std::move(*e));
      progress = true;
    }
    while (std::optional<Event> e = b_->PollEvent()) {
      if (auto* c = std::get_if<LocalCandidateEvent>(&*e)) {
        if (c->candidate) {
          (void)a_->AddRemoteCandidate(now_, c->candidate->ToSdp());
        } else {
          a_->SetRemoteEndOfCandidates(now_);
        }
      }
      events_b_.push_back(std::move(*e));
      progress = true;
    }
  }
}

void AgentPair::RunUntil(Timestamp until) {
  RunUntil(until, [] { return false; });
}

bool AgentPair::RunUntil(Timestamp until, const std::function<bool()>& done) {
  Drain();
  for (int guard = 0; guard < 2000000; ++guard) {
    if (done()) return true;
    Timestamp next = Timestamp::Infinite();
    if (!flight_.empty()) next = flight_.begin()->first.first;
    if (auto t = a_->NextTimeout()) next = std::min(next, *t);
    if (auto t = b_->NextTimeout()) next = std::min(next, *t);
    if (next > until) {
      now_ = until;
      return done();
    }
    now_ = std::max(now_, next);
    while (!flight_.empty() && flight_.begin()->first.first <= now_) {
      InFlight f = std::move(flight_.begin()->second);
      flight_.erase(flight_.begin());
      ++delivered_;
      if (f.to == 0) a_->HandleDatagram(now_, f.d);
      if (f.to == 1) b_->HandleDatagram(now_, f.d);
      if (f.to == 2 && relay_server_ != nullptr) {
        relay_server_->HandleDatagram(now_, f.d);
      }
      Drain();
    }
    if (auto t = a_->NextTimeout(); t && *t <= now_) a_->HandleTimeout(now_);
    if (auto t = b_->NextTimeout(); t && *t <= now_) b_->HandleTimeout(now_);
    Drain();
  }
  return done();
}

// ---- Misc -------------------------------------------------------------------

std::string DescribeEvent(const Event& e) {
  if (auto* c = std::get_if<LocalCandidateEvent>(&e)) {
    return c->candidate ? "candidate " + c->candidate->ToSdp()
                        : std::string("end-of-candidates");
  }
  if (auto* g = std::get_if<GatheringStateEvent>(&e)) {
    return absl::StrFormat("gathering %s", GatheringStateName(g->state));
  }
  if (auto* s = std::get_if<ConnectionStateEvent>(&e)) {
    return absl::StrFormat("state %s", ConnectionStateName(s->state));
  }
  if (auto* p = std::get_if<SelectedPairEvent>(&e)) {
    return absl::StrFormat("selected %s %s -> %s", p->pair_id,
                           p->local.ToString(), p->remote.ToString());
  }
  if (auto* r = std::get_if<RoleEvent>(&e)) {
    return absl::StrFormat("role %s", RoleName(r->role));
  }
  if (auto* d = std::get_if<ApplicationDataEvent>(&e)) {
    return absl::StrFormat("data %s -> %s %d bytes", d->remote.ToString(),
                           d->local.ToString(), d->payload.size());
  }
  return "unknown";
}

SocketAddress FuzzLocalAddress() {
  return SocketAddress(IpAddress::V4(10, 0, 0, 1), 5000);
}
SocketAddress FuzzPeerAddress() {
  return SocketAddress(IpAddress::V4(10, 0, 0, 2), 6000);
}

std::unique_ptr<Agent> MakeFuzzAgent(Role role, Timestamp* now,
                                     std::vector<uint8_t>* first_check) {
  AgentConfig c =
      SimpleConfig(role, FuzzLocalAddress(), std::string(kFuzzLocalUfrag),
                   std::string(kFuzzLocalPwd));
  c.interfaces.push_back(LocalInterface{
      SocketAddress(IpAddress::Parse("fd00::1").value(), 5000), "eth0", 1, 10});
  std::unique_ptr<Agent> agent = Agent::Create(c, Rng(1)).value();
  *now = Timestamp::Seconds(1);
  (void)agent->GatherCandidates(*now);
  (void)agent->SetRemoteCredentials(
      *now,
      Credentials{std::string(kFuzzPeerUfrag), std::string(kFuzzPeerPwd)});
  Candidate peer;
  peer.foundation = "1";
  peer.priority = 2130706431;
  peer.address = FuzzPeerAddress();
  (void)agent->AddRemoteCandidate(*now, peer);
  while (agent->PollEvent()) {
  }
  for (int i = 0; i < 4 && first_check->empty(); ++i) {
    if (std::optional<Timestamp> t = agent->NextTimeout()) {
      *now = std::max(*now, *t);
      agent->HandleTimeout(*now);
    }
    while (std::optional<Transmit> t = agent->PollTransmit()) {
      if (first_check->empty() && t->remote == FuzzPeerAddress()) {
        *first_check = t->payload;
      }
    }
  }
  return agent;
}

AgentConfig SimpleConfig(Role role, const SocketAddress& address,
                         std::string ufrag, std::string pwd) {
  AgentConfig c;
  c.role = role;
  c.interfaces.push_back(LocalInterface{address, "eth0", 1, 10});
  c.credentials = Credentials{std::move(ufrag), std::move(pwd)};
  return c;
}

}  // namespace simrtc::ice::testing
