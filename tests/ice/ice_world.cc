#include "tests/ice/ice_world.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>

#include "absl/strings/str_format.h"

namespace simrtc::ice::world {

IceWorld::IceWorld(uint64_t seed) : rng_(seed), net_(rng_.Fork("vnet")) {}
IceWorld::~IceWorld() = default;

void IceWorld::AddRouter(const vnet::RouterConfig& c) {
  absl::StatusOr<vnet::RouterId> id = net_.AddRouter(c);
  EXPECT_TRUE(id.ok()) << id.status();
}

void IceWorld::AddHost(const vnet::HostConfig& c) {
  absl::StatusOr<vnet::HostId> id = net_.AddHost(c);
  EXPECT_TRUE(id.ok()) << id.status();
}

IpAddress IceWorld::HostIp(const std::string& host, IpFamily family) {
  std::optional<vnet::HostId> id = net_.FindHost(host);
  EXPECT_TRUE(id.has_value()) << host;
  if (!id) return IpAddress();
  for (const IpAddress& ip : net_.HostAddresses(*id)) {
    if (ip.family() == family) return ip;
  }
  ADD_FAILURE() << host << " has no address of the family";
  return IpAddress();
}

void IceWorld::AddStunServer(const std::string& host, uint16_t port) {
  sim::StunServerConfig c;
  c.port = port;
  Stun s;
  s.host = net_.FindHost(host).value();
  s.address = SocketAddress(HostIp(host), port);
  s.server = std::make_unique<sim::StunServer>(c);
  s.server->Start(now_);
  stun_servers_.push_back(std::move(s));
}

SocketAddress IceWorld::StunAddress(const std::string& host, uint16_t port) {
  return SocketAddress(HostIp(host), port);
}

void IceWorld::AddRelayServer(const std::string& host, uint16_t port) {
  Relay r;
  r.host = net_.FindHost(host).value();
  const IpAddress ip = HostIp(host);
  r.server =
      std::make_unique<testing::FakeRelayServer>(SocketAddress(ip, port), ip);
  relays_.push_back(std::move(r));
}

namespace {

const Logger* WorldLogger(const std::string& name, const Timestamp* clock) {
  if (std::getenv("ICE_TEST_LOG") == nullptr) return nullptr;
  static std::map<std::string, Logger*>* loggers =
      new std::map<std::string, Logger*>();
  Logger*& l = (*loggers)[name];
  if (l == nullptr) {
    l = new Logger(name);
    l->set_level(LogLevel::kDebug);
  }
  l->set_time_source([clock] { return *clock; });
  return l;
}

}  // namespace

int IceWorld::AddAgent(const std::string& host, uint16_t port,
                       AgentConfig config, bool use_relay, bool mdns) {
  auto slot = std::make_unique<AgentSlot>();
  slot->host = host;
  slot->host_id = net_.FindHost(host).value();
  config.interfaces.clear();
  std::vector<IpAddress> ips = net_.HostAddresses(slot->host_id);
  for (const IpAddress& ip : ips) {
    config.interfaces.push_back(
        LocalInterface{SocketAddress(ip, port), "eth0", 1, 10});
  }
  if (use_relay) {
    std::vector<SocketAddress> servers;
    for (const Relay& r : relays_) servers.push_back(r.server->listen());
    slot->relay = std::make_unique<testing::FakeRelayAllocator>(servers);
    config.relay = slot->relay.get();
  }
  if (mdns) {
    mdns::Config mc;
    mc.mode = config.mdns_mode == MdnsMode::kQueryAndGather
                  ? mdns::MulticastDnsMode::kQueryAndGather
                  : mdns::MulticastDnsMode::kQueryOnly;
    mc.local_addresses = ips;
    slot->resolver =
        std::make_unique<MdnsResolver>(MdnsResolver::Create(mc).value());
    config.resolver = slot->resolver.get();
  }
  const int index = static_cast<int>(agents_.size());
  const std::string name = absl::StrFormat("%s%d", host, index);
  absl::StatusOr<std::unique_ptr<Agent>> agent = Agent::Create(
      std::move(config), rng_.Fork(name), WorldLogger(name, &now_));
  EXPECT_TRUE(agent.ok()) << agent.status();
  slot->agent = std::move(*agent);
  agents_.push_back(std::move(slot));
  return index;
}

void IceWorld::Connect(int i, int j, TimeDelta signalling_delay) {
  AgentSlot& a = *agents_[i];
  AgentSlot& b = *agents_[j];
  a.peer = j;
  b.peer = i;
  a.signalling_delay = signalling_delay;
  b.signalling_delay = signalling_delay;
  EXPECT_TRUE(a.agent
                  ->SetRemoteCredentials(now_, b.agent->local_credentials(),
                                         b.agent->lite())
                  .ok());
  EXPECT_TRUE(b.agent
                  ->SetRemoteCredentials(now_, a.agent->local_credentials(),
                                         a.agent->lite())
                  .ok());
  EXPECT_TRUE(a.agent->GatherCandidates(now_).ok());
  EXPECT_TRUE(b.agent->GatherCandidates(now_).ok());
  Drain();
}

void IceWorld::Restart(int i, int j,
                       std::optional<std::vector<LocalInterface>> ifaces) {
  Agent& a = *agents_[i]->agent;
  Agent& b = *agents_[j]->agent;
  EXPECT_TRUE(a.Restart(now_, std::nullopt, std::move(ifaces)).ok());
  EXPECT_TRUE(b.Restart(now_).ok());
  EXPECT_TRUE(
      a.SetRemoteCredentials(now_, b.local_credentials(), b.lite()).ok());
  EXPECT_TRUE(
      b.SetRemoteCredentials(now_, a.local_credentials(), a.lite()).ok());
  Drain();
}

void IceWorld::SendFrom(vnet::HostId host, Transmit t) {
  // A socket on an address the host lost (after ChangeHostAddress) fails
  // to send, as a real one would; that is part of what tests exercise.
  if (!net_.Send(now_, host, std::move(t)).ok()) ++send_failures_;
}

void IceWorld::DrainAgent(int i) {
  AgentSlot& s = *agents_[i];
  while (std::optional<Transmit> t = s.agent->PollTransmit()) {
    SendFrom(s.host_id, std::move(*t));
  }
  while (std::optional<Event> e = s.agent->PollEvent()) {
    log_.push_back(absl::StrFormat("%s %s%d %s", now_.ToString(), s.host, i,
                                   testing::DescribeEvent(*e)));
    if (auto* c = std::get_if<LocalCandidateEvent>(&*e); c && s.peer) {
      Signal sig{*s.peer, std::nullopt};
      if (c->candidate) sig.candidate = c->candidate->ToSdp();
      signals_.emplace(std::make_pair(now_ + s.signalling_delay, signal_seq_++),
                       std::move(sig));
    }
    s.events.push_back(std::move(*e));
  }
}

void IceWorld::Drain() {
  for (size_t i = 0; i < agents_.size(); ++i) DrainAgent(static_cast<int>(i));
  for (Stun& s : stun_servers_) {
    while (std::optional<Transmit> t = s.server->PollTransmit()) {
      SendFrom(s.host, std::move(*t));
    }
  }
  for (Relay& r : relays_) {
    while (std::optional<Transmit> t = r.server->PollTransmit()) {
      SendFrom(r.host, std::move(*t));
    }
  }
}

void IceWorld::Deliver(const vnet::Delivery& d) {
  const Datagram& dg = d.datagram;
  for (Stun& s : stun_servers_) {
    if (s.host == d.host && s.address == dg.local) {
      s.server->HandleDatagram(now_, dg);
      return;
    }
  }
  for (Relay& r : relays_) {
    if (r.host == d.host && r.server->Owns(dg.local)) {
      r.server->HandleDatagram(now_, dg);
      return;
    }
  }
  for (auto& s : agents_) {
    if (s->host_id != d.host) continue;
    bool mine = dg.local.port() == 5353 && s->resolver != nullptr;
    for (const LocalInterface& itf : s->agent->interfaces()) {
      mine |= itf.address == dg.local;
    }
    if (mine) {
      s->agent->HandleDatagram(now_, dg);
      return;
    }
  }
}

void IceWorld::RunUntil(Timestamp until) {
  RunUntil(until, [] { return false; });
}

bool IceWorld::RunUntil(Timestamp until, const std::function<bool()>& done) {
  Drain();
  for (int guard = 0; guard < 5000000; ++guard) {
    if (done()) return true;
    Timestamp next = Timestamp::Infinite();
    if (auto t = net_.NextTimeout()) next = std::min(next, *t);
    for (auto& s : agents_) {
      if (auto t = s->agent->NextTimeout()) next = std::min(next, *t);
    }
    if (!signals_.empty()) next = std::min(next, signals_.begin()->first.first);
    if (next > until) {
      now_ = std::max(now_, until);
      return done();
    }
    now_ = std::max(now_, next);
    net_.HandleTimeout(now_);
    while (std::optional<vnet::Delivery> d = net_.PollDelivery()) {
      Deliver(*d);
      Drain();
    }
    while (!signals_.empty() && signals_.begin()->first.first <= now_) {
      Signal sig = std::move(signals_.begin()->second);
      signals_.erase(signals_.begin());
      Agent& to = *agents_[sig.to]->agent;
      if (sig.candidate) {
        (void)to.AddRemoteCandidate(now_, *sig.candidate);
      } else {
        to.SetRemoteEndOfCandidates(now_);
      }
      Drain();
    }
    for (auto& s : agents_) {
      if (auto t = s->agent->NextTimeout(); t && *t <= now_) {
        s->agent->HandleTimeout(now_);
      }
    }
    Drain();
  }
  ADD_FAILURE() << "event loop did not settle";
  return false;
}

bool IceWorld::Connected(int i) const {
  const ConnectionState s = agents_[i]->agent->connection_state();
  return s == ConnectionState::kConnected || s == ConnectionState::kCompleted;
}

std::vector<ConnectionState> IceWorld::States(int i) const {
  std::vector<ConnectionState> out;
  for (const Event& e : agents_[i]->events) {
    if (auto* s = std::get_if<ConnectionStateEvent>(&e))
      out.push_back(s->state);
  }
  return out;
}

void BuildTwoLans(IceWorld& w, const std::string& nat_a,
                  const std::string& nat_b) {
  auto subnet = [](const char* ip, int len) {
    return std::make_pair(IpAddress::Parse(ip).value(), len);
  };
  vnet::RouterConfig inet;
  inet.name = "inet";
  inet.subnets = {subnet("203.0.113.0", 24)};
  w.AddRouter(inet);
  auto lan = [&](const std::string& name, const char* prefix,
                 const std::string& preset) {
    vnet::RouterConfig r;
    r.name = name;
    r.parent = "inet";
    r.subnets = {subnet(prefix, 24)};
    if (!preset.empty()) {
      r.nat = vnet::NatConfig::Preset(preset);
      EXPECT_TRUE(r.nat.has_value()) << preset;
    }
    vnet::LinkDirectionConfig d;
    d.delay.base = TimeDelta::Millis(10);
    r.uplink = vnet::LinkConfig::Symmetric(d);
    w.AddRouter(r);
  };
  lan("lan_a", "192.168.1.0", nat_a);
  lan("lan_b", "192.168.2.0", nat_b);
  vnet::HostConfig stun;
  stun.name = "stun";
  stun.router = "inet";
  stun.addresses = {IpAddress::Parse("203.0.113.10").value()};
  w.AddHost(stun);
  vnet::HostConfig a;
  a.name = "a";
  a.router = "lan_a";
  vnet::LinkDirectionConfig d;
  d.delay.base = TimeDelta::Millis(5);
  a.link = vnet::LinkConfig::Symmetric(d);
  w.AddHost(a);
  vnet::HostConfig b = a;
  b.name = "b";
  b.router = "lan_b";
  w.AddHost(b);
  w.AddStunServer("stun");
}

}  // namespace simrtc::ice::world
