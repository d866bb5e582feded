// Network ties the pieces together: Topology (who is where), Link (what a
// hop does to a packet), Nat (translation at a router), EventQueue (when
// things happen) and PacketPool (packets in flight). Each packet hop is one
// event: arrival at the far end of a link direction, where the packet is
// routed, translated, delivered or dropped at that event's virtual time.
#include "vnet/network.h"

#include <algorithm>
#include <type_traits>
#include <utility>

#include "absl/strings/str_format.h"
#include "vnet/config_check.h"
#include "vnet/event_queue.h"
#include "vnet/link.h"
#include "vnet/nat.h"
#include "vnet/packet_pool.h"
#include "vnet/topology.h"

namespace simrtc::vnet {

namespace {

// Deliveries already polled are compacted away once this many pile up in
// front of unpolled ones (a driver that never fully drains).
constexpr size_t kDeliveryCompactThreshold = 4096;

bool SameTarget(const LanTarget& a, const LanTarget& b) {
  return a.kind == b.kind && a.id == b.id;
}

}  // namespace

struct Network::Impl {
  // What happens at the far end of a link direction.
  struct Direction {
    enum class Arrival : uint8_t { kRouterFromBelow, kHost, kRouterFromAbove };
    LinkDirection* link;
    Arrival arrival;
    int32_t target;  // router or host id the packet reaches
    // Down directions enter `component` (and everything behind it), which
    // is what partitions cut.
    bool enters_component;
    LanTarget component;
  };
  struct PartitionRule {
    LanTarget from;
    LanTarget to;
  };

  explicit Impl(Rng root) : rng(root), link_rng(root.Fork("link")) {}

  // ---- helpers -----------------------------------------------------------

  void Emit(TraceRecord::Kind kind, Timestamp at, const Packet& p,
            const std::string& where, DropReason reason = DropReason::kCount) {
    if (!sink) return;
    scratch.kind = kind;
    scratch.at = at;
    scratch.packet_id = p.id;
    scratch.where.assign(where);
    scratch.src = p.src;
    scratch.dst = p.dst;
    scratch.size = static_cast<int64_t>(p.payload.size());
    scratch.reason = reason;
    scratch.payload = p.payload;
    sink(scratch);
  }

  bool Behind(HostId origin, const LanTarget& c) const {
    if (origin < 0) return false;
    if (c.kind == LanTarget::Kind::kHost) return origin == c.id;
    return topo.HostBehind(origin, c.id);
  }

  bool Blocked(HostId origin, const Direction& d) const {
    for (const PartitionRule& rule : partitions) {
      if (SameTarget(rule.to, d.component) && Behind(origin, rule.from)) {
        return true;
      }
    }
    return false;
  }

  // Puts the packet in `slot` on link direction `dir` at time t.
  void Forward(Timestamp t, uint32_t slot, int32_t dir) {
    const Direction& d = directions[dir];
    Packet& p = packets[slot];
    const bool blocked =
        d.enters_component && !partitions.empty() && Blocked(p.origin, d);
    const LinkDirection::Outcome o =
        d.link->Offer(t, static_cast<int64_t>(p.payload.size()), blocked);
    if (o.dropped) {
      Emit(TraceRecord::Kind::kDrop, t, p, d.link->name(), o.reason);
      packets.Free(slot);
      return;
    }
    p.link = dir;
    events.Push(o.arrival, slot);
    if (o.duplicate) {
      const uint32_t copy = packets.Allocate();  // invalidates `p`
      packets[copy] = packets[slot];
      events.Push(o.arrival, copy);
    }
  }

  void DropAtRouter(Timestamp t, uint32_t slot, RouterId r, DropReason reason,
                    bool already_counted) {
    RouterNode& router = topo.routers()[r];
    if (!already_counted) ++router.stats().dropped[static_cast<int>(reason)];
    Emit(TraceRecord::Kind::kDrop, t, packets[slot], router.config.name,
         reason);
    packets.Free(slot);
  }

  void SendDown(Timestamp t, uint32_t slot, const LanTarget& target) {
    const int32_t dir = target.kind == LanTarget::Kind::kHost
                            ? topo.hosts()[target.id].link_down
                            : topo.routers()[target.id].link_down;
    Forward(t, slot, dir);
  }

  // ---- per-hop processing -----------------------------------------------

  void ArriveAtHost(Timestamp t, uint32_t slot, HostId h) {
    HostNode& host = topo.hosts()[h];
    Packet& p = packets[slot];
    if (!p.dst.ip().IsMulticast() && !host.Owns(p.dst.ip())) {
      ++host.counters.dropped[static_cast<int>(DropReason::kNoRoute)];
      Emit(TraceRecord::Kind::kDrop, t, p, host.config.name,
           DropReason::kNoRoute);
      packets.Free(slot);
      return;
    }
    ++host.counters.packets_delivered;
    host.counters.bytes_delivered += static_cast<int64_t>(p.payload.size());
    Emit(TraceRecord::Kind::kDeliver, t, p, host.config.name);
    deliveries.push_back(Delivery{
        h, t, Datagram{p.dst, p.src, p.transport, std::move(p.payload)}, p.id});
    p.payload.clear();  // moved-from; make the state explicit
    packets.Free(slot);
  }

  void Multicast(Timestamp t, uint32_t slot, RouterId r) {
    const RouterNode& router = topo.routers()[r];
    const Packet& p = packets[slot];
    const IpFamily family = p.dst.family();
    const HostId origin = p.origin;
    recipients.clear();
    for (HostId h : router.hosts) {
      if (h == origin) continue;
      for (const IpAddress& a : topo.hosts()[h].addresses) {
        if (a.family() == family) {
          recipients.push_back(h);
          break;
        }
      }
    }
    if (recipients.empty()) {
      DropAtRouter(t, slot, r, DropReason::kNoRoute, false);
      return;
    }
    // Copies first, the original last (it gives up its payload).
    for (size_t i = 0; i + 1 < recipients.size(); ++i) {
      const uint32_t copy = packets.Allocate();
      packets[copy] = packets[slot];
      Forward(t, copy, topo.hosts()[recipients[i]].link_down);
    }
    Forward(t, slot, topo.hosts()[recipients.back()].link_down);
  }

  void Hairpin(Timestamp t, uint32_t slot, RouterId r) {
    RouterNode& router = topo.routers()[r];
    Nat& nat = *router.nat;
    Packet& p = packets[slot];
    if (!nat.config().hairpinning) {
      DropAtRouter(t, slot, r, DropReason::kNoHairpin, false);
      return;
    }
    const Nat::Result out = nat.Outbound(t, p.transport, p.src, p.dst);
    if (!out.ok) {
      DropAtRouter(t, slot, r, out.reason, true);
      return;
    }
    p.src = out.address;
    Emit(TraceRecord::Kind::kNatOut, t, p, router.config.name);
    const Nat::Result in = nat.Inbound(t, p.transport, p.src, p.dst);
    if (!in.ok) {
      DropAtRouter(t, slot, r, in.reason, true);
      return;
    }
    p.dst = in.address;
    ++nat.mutable_stats().hairpinned;
    Emit(TraceRecord::Kind::kNatIn, t, p, router.config.name);
    std::optional<LanTarget> target = topo.Lookup(r, p.dst.ip());
    if (!target) {
      DropAtRouter(t, slot, r, DropReason::kNoRoute, false);
      return;
    }
    SendDown(t, slot, *target);
  }

  // A packet reached router r from its LAN (a host or a child router).
  void FromBelow(Timestamp t, uint32_t slot, RouterId r) {
    RouterNode& router = topo.routers()[r];
    Packet& p = packets[slot];
    const IpAddress& dst = p.dst.ip();
    if (dst.IsMulticast()) {
      Multicast(t, slot, r);
      return;
    }
    if (std::optional<LanTarget> target = topo.Lookup(r, dst)) {
      SendDown(t, slot, *target);
      return;
    }
    if (router.nat && router.nat->IsExternalIp(dst)) {
      Hairpin(t, slot, r);
      return;
    }
    if (router.parent < 0 || topo.InOwnSubnet(r, dst)) {
      DropAtRouter(t, slot, r, DropReason::kNoRoute, false);
      return;
    }
    if (router.nat) {
      const Nat::Result out =
          router.nat->Outbound(t, p.transport, p.src, p.dst);
      if (!out.ok) {
        DropAtRouter(t, slot, r, out.reason, true);
        return;
      }
      p.src = out.address;
      Emit(TraceRecord::Kind::kNatOut, t, p, router.config.name);
    }
    Forward(t, slot, router.link_up);
  }

  // A packet reached router r from its parent's LAN.
  void FromAbove(Timestamp t, uint32_t slot, RouterId r) {
    RouterNode& router = topo.routers()[r];
    Packet& p = packets[slot];
    if (router.nat) {
      const Nat::Result in = router.nat->Inbound(t, p.transport, p.src, p.dst);
      if (!in.ok) {
        DropAtRouter(t, slot, r, in.reason, true);
        return;
      }
      p.dst = in.address;
      Emit(TraceRecord::Kind::kNatIn, t, p, router.config.name);
    }
    std::optional<LanTarget> target = topo.Lookup(r, p.dst.ip());
    if (!target) {
      DropAtRouter(t, slot, r, DropReason::kNoRoute, false);
      return;
    }
    SendDown(t, slot, *target);
  }

  void Process(const EventQueue::Entry& e) {
    const Timestamp t = Timestamp::Micros(e.at_us);
    const Packet& p = packets[e.slot];
    const Direction& d = directions[p.link];
    d.link->CountDelivered(static_cast<int64_t>(p.payload.size()));
    switch (d.arrival) {
      case Direction::Arrival::kHost:
        ArriveAtHost(t, e.slot, d.target);
        break;
      case Direction::Arrival::kRouterFromBelow:
        FromBelow(t, e.slot, d.target);
        break;
      case Direction::Arrival::kRouterFromAbove:
        FromAbove(t, e.slot, d.target);
        break;
    }
  }

  void AdvanceTo(Timestamp target) {
    while (std::optional<EventQueue::Entry> e = events.PopDue(target)) {
      now = std::max(now, Timestamp::Micros(e->at_us));
      Process(*e);
    }
    now = std::max(now, target);
    for (RouterId r : nat_routers) topo.routers()[r].nat->ExpireDue(now);
  }

  template <typename T>
  absl::StatusOr<uint64_t> Send(Timestamp at, HostId from, T&& d) {
    if (from < 0 || from >= static_cast<HostId>(topo.hosts().size())) {
      return absl::InvalidArgumentError(
          absl::StrFormat("Send: unknown host id %d", from));
    }
    const HostNode& host = topo.hosts()[from];
    SocketAddress local = d.local;
    if (!d.remote.is_set()) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "Send from host '%s': remote address is unset", host.config.name));
    }
    if (!local.is_set() || local.ip().IsUnspecified()) {
      const IpAddress* pick = nullptr;
      for (const IpAddress& a : host.addresses) {
        if (a.family() == d.remote.family()) {
          pick = &a;
          break;
        }
      }
      if (pick == nullptr) {
        return absl::InvalidArgumentError(absl::StrFormat(
            "Send from host '%s': no address of the family of %s",
            host.config.name, d.remote.ToString()));
      }
      local = SocketAddress(*pick, d.local.port());
    } else if (!host.Owns(local.ip())) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "Send from host '%s': local address %s is not one of its "
          "addresses",
          host.config.name, local.ip().ToString()));
    }
    if (local.family() != d.remote.family()) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "Send from host '%s': local %s and remote %s differ in family",
          host.config.name, local.ToString(), d.remote.ToString()));
    }
    AdvanceTo(at);
    const Timestamp t = now;  // never earlier than what was already seen
    const uint32_t slot = packets.Allocate();
    Packet& p = packets[slot];
    p.id = next_packet_id++;
    p.src = local;
    p.dst = d.remote;
    p.transport = d.transport;
    p.origin = from;
    p.link = -1;
    if constexpr (std::is_rvalue_reference_v<T&&>) {
      p.payload = std::move(d.payload);
    } else {
      p.payload.assign(d.payload.begin(), d.payload.end());
    }
    HostNode& sender = topo.hosts()[from];
    ++sender.counters.packets_sent;
    sender.counters.bytes_sent += static_cast<int64_t>(p.payload.size());
    Emit(TraceRecord::Kind::kSend, t, p, sender.config.name);
    const uint64_t id = p.id;
    Forward(t, slot, sender.link_up);
    return id;
  }

  // Resolves a host or router name for timeline operations.
  absl::StatusOr<LanTarget> Resolve(std::string_view op,
                                    std::string_view name) const {
    if (std::optional<HostId> h = topo.FindHost(name)) {
      return LanTarget{LanTarget::Kind::kHost, *h};
    }
    if (std::optional<RouterId> r = topo.FindRouter(name)) {
      return LanTarget{LanTarget::Kind::kRouter, *r};
    }
    return absl::NotFoundError(
        absl::StrFormat("%s: no host or router named '%s'", op, name));
  }

  Rng rng;
  Rng link_rng;
  Topology topo;
  std::vector<std::unique_ptr<Link>> links;  // a host's or router's: 2 dirs
  std::vector<Direction> directions;         // 2*link = up, 2*link+1 = down
  std::vector<RouterId> nat_routers;
  std::vector<PartitionRule> partitions;
  EventQueue events;
  PacketPool packets;
  std::vector<Delivery> deliveries;
  size_t delivery_head = 0;
  uint64_t next_packet_id = 1;
  Timestamp now = Timestamp::Zero();
  std::function<void(const TraceRecord&)> sink;
  TraceRecord scratch{};
  std::vector<HostId> recipients;  // reused by Multicast
};

Network::Network(Rng rng) : impl_(std::make_unique<Impl>(rng)) {}
Network::~Network() = default;

absl::StatusOr<RouterId> Network::AddRouter(const RouterConfig& config) {
  absl::StatusOr<RouterId> id = impl_->topo.AddRouter(config);
  if (!id.ok()) return id;
  RouterNode& node = impl_->topo.routers()[*id];
  if (node.parent >= 0) {
    const int32_t link = static_cast<int32_t>(impl_->links.size());
    impl_->links.push_back(
        std::make_unique<Link>(config.name, config.uplink, impl_->link_rng));
    Link& l = *impl_->links.back();
    using Arrival = Impl::Direction::Arrival;
    impl_->directions.push_back(
        {&l.up(), Arrival::kRouterFromBelow, node.parent, false, {}});
    impl_->directions.push_back({&l.down(), Arrival::kRouterFromAbove, *id,
                                 true,
                                 LanTarget{LanTarget::Kind::kRouter, *id}});
    node.link_up = 2 * link;
    node.link_down = 2 * link + 1;
  }
  if (config.nat) {
    std::vector<IpAddress> pool = config.nat->public_ips.empty()
                                      ? node.config.wan_addresses
                                      : config.nat->public_ips;
    node.nat = std::make_unique<Nat>(*config.nat, std::move(pool),
                                     impl_->rng.Fork("nat/" + config.name));
    impl_->nat_routers.push_back(*id);
  }
  return id;
}

absl::StatusOr<HostId> Network::AddHost(const HostConfig& config) {
  absl::StatusOr<HostId> id = impl_->topo.AddHost(config);
  if (!id.ok()) return id;
  HostNode& node = impl_->topo.hosts()[*id];
  const int32_t link = static_cast<int32_t>(impl_->links.size());
  impl_->links.push_back(
      std::make_unique<Link>(config.name, config.link, impl_->link_rng));
  Link& l = *impl_->links.back();
  using Arrival = Impl::Direction::Arrival;
  impl_->directions.push_back(
      {&l.up(), Arrival::kRouterFromBelow, node.router, false, {}});
  impl_->directions.push_back({&l.down(), Arrival::kHost, *id, true,
                               LanTarget{LanTarget::Kind::kHost, *id}});
  node.link_up = 2 * link;
  node.link_down = 2 * link + 1;
  return id;
}

std::optional<HostId> Network::FindHost(std::string_view name) const {
  return impl_->topo.FindHost(name);
}

std::optional<RouterId> Network::FindRouter(std::string_view name) const {
  return impl_->topo.FindRouter(name);
}

const HostConfig& Network::host_config(HostId id) const {
  static const HostConfig kNone;
  if (id < 0 || id >= host_count()) return kNone;
  return impl_->topo.hosts()[id].config;
}

const RouterConfig& Network::router_config(RouterId id) const {
  static const RouterConfig kNone;
  if (id < 0 || id >= router_count()) return kNone;
  return impl_->topo.routers()[id].config;
}

std::vector<IpAddress> Network::HostAddresses(HostId id) const {
  if (id < 0 || id >= host_count()) return {};
  return impl_->topo.hosts()[id].addresses;
}

int Network::host_count() const {
  return static_cast<int>(impl_->topo.hosts().size());
}

int Network::router_count() const {
  return static_cast<int>(impl_->topo.routers().size());
}

absl::StatusOr<uint64_t> Network::Send(Timestamp now, HostId from,
                                       const Transmit& d) {
  return impl_->Send(now, from, d);
}

absl::StatusOr<uint64_t> Network::Send(Timestamp now, HostId from,
                                       Transmit&& d) {
  return impl_->Send(now, from, std::move(d));
}

void Network::HandleTimeout(Timestamp now) { impl_->AdvanceTo(now); }

std::optional<Timestamp> Network::NextTimeout() const {
  return impl_->events.NextTime();
}

std::optional<Delivery> Network::PollDelivery() {
  Impl& m = *impl_;
  if (m.delivery_head == m.deliveries.size()) return std::nullopt;
  Delivery d = std::move(m.deliveries[m.delivery_head++]);
  if (m.delivery_head == m.deliveries.size()) {
    m.deliveries.clear();
    m.delivery_head = 0;
  } else if (m.delivery_head >= kDeliveryCompactThreshold &&
             2 * m.delivery_head >= m.deliveries.size()) {
    m.deliveries.erase(
        m.deliveries.begin(),
        m.deliveries.begin() + static_cast<std::ptrdiff_t>(m.delivery_head));
    m.delivery_head = 0;
  }
  return d;
}

absl::Status Network::SetHostLink(Timestamp now, std::string_view host,
                                  const LinkConfig& link) {
  std::optional<HostId> h = impl_->topo.FindHost(host);
  if (!h) {
    return absl::NotFoundError(
        absl::StrFormat("SetHostLink: no host named '%s'", host));
  }
  if (absl::Status s =
          ValidateLinkConfig(absl::StrFormat("host '%s' link", host), link);
      !s.ok()) {
    return s;
  }
  impl_->AdvanceTo(now);
  HostNode& node = impl_->topo.hosts()[*h];
  node.config.link = link;
  impl_->links[node.link_up / 2]->SetConfig(link);
  return absl::OkStatus();
}

absl::Status Network::SetRouterUplink(Timestamp now, std::string_view router,
                                      const LinkConfig& link) {
  std::optional<RouterId> r = impl_->topo.FindRouter(router);
  if (!r) {
    return absl::NotFoundError(
        absl::StrFormat("SetRouterUplink: no router named '%s'", router));
  }
  RouterNode& node = impl_->topo.routers()[*r];
  if (node.parent < 0) {
    return absl::FailedPreconditionError(absl::StrFormat(
        "SetRouterUplink: router '%s' is the root and has no uplink", router));
  }
  if (absl::Status s = ValidateLinkConfig(
          absl::StrFormat("router '%s' uplink", router), link);
      !s.ok()) {
    return s;
  }
  impl_->AdvanceTo(now);
  node.config.uplink = link;
  impl_->links[node.link_up / 2]->SetConfig(link);
  return absl::OkStatus();
}

absl::Status Network::SetLinkUp(Timestamp now, std::string_view host_or_router,
                                bool up) {
  absl::StatusOr<LanTarget> c = impl_->Resolve("SetLinkUp", host_or_router);
  if (!c.ok()) return c.status();
  LinkConfig* config;
  int32_t dir;
  if (c->kind == LanTarget::Kind::kHost) {
    HostNode& node = impl_->topo.hosts()[c->id];
    config = &node.config.link;
    dir = node.link_up;
  } else {
    RouterNode& node = impl_->topo.routers()[c->id];
    if (node.parent < 0) {
      return absl::FailedPreconditionError(absl::StrFormat(
          "SetLinkUp: router '%s' is the root and has no uplink",
          host_or_router));
    }
    config = &node.config.uplink;
    dir = node.link_up;
  }
  impl_->AdvanceTo(now);
  config->up.up = up;
  config->down.up = up;
  Link& link = *impl_->links[dir / 2];
  link.up().SetUp(up);
  link.down().SetUp(up);
  return absl::OkStatus();
}

absl::Status Network::Partition(Timestamp now, std::string_view a,
                                std::string_view b, bool both_directions) {
  absl::StatusOr<LanTarget> ca = impl_->Resolve("Partition", a);
  if (!ca.ok()) return ca.status();
  absl::StatusOr<LanTarget> cb = impl_->Resolve("Partition", b);
  if (!cb.ok()) return cb.status();
  auto behind = [&](const LanTarget& x, const LanTarget& y) {
    // Is x at or behind y?
    if (y.kind == LanTarget::Kind::kHost) {
      return x.kind == LanTarget::Kind::kHost && x.id == y.id;
    }
    return x.kind == LanTarget::Kind::kHost
               ? impl_->topo.HostBehind(x.id, y.id)
               : impl_->topo.RouterBehind(x.id, y.id);
  };
  if (behind(*ca, *cb) || behind(*cb, *ca)) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "Partition: '%s' and '%s' are the same or one is behind the other "
        "(use SetLinkUp or SetHostLink/SetRouterUplink to cut a link)",
        a, b));
  }
  impl_->AdvanceTo(now);
  auto add = [&](const LanTarget& from, const LanTarget& to) {
    for (const auto& rule : impl_->partitions) {
      if (SameTarget(rule.from, from) && SameTarget(rule.to, to)) return;
    }
    impl_->partitions.push_back({from, to});
  };
  add(*ca, *cb);
  if (both_directions) add(*cb, *ca);
  return absl::OkStatus();
}

absl::Status Network::Heal(Timestamp now, std::string_view a,
                           std::string_view b) {
  absl::StatusOr<LanTarget> ca = impl_->Resolve("Heal", a);
  if (!ca.ok()) return ca.status();
  absl::StatusOr<LanTarget> cb = impl_->Resolve("Heal", b);
  if (!cb.ok()) return cb.status();
  impl_->AdvanceTo(now);
  auto& rules = impl_->partitions;
  const size_t before = rules.size();
  rules.erase(std::remove_if(
                  rules.begin(), rules.end(),
                  [&](const Impl::PartitionRule& r) {
                    return (SameTarget(r.from, *ca) && SameTarget(r.to, *cb)) ||
                           (SameTarget(r.from, *cb) && SameTarget(r.to, *ca));
                  }),
              rules.end());
  if (rules.size() == before) {
    return absl::NotFoundError(
        absl::StrFormat("Heal: no partition between '%s' and '%s'", a, b));
  }
  return absl::OkStatus();
}

absl::Status Network::FlushNatBindings(Timestamp now, std::string_view router) {
  std::optional<RouterId> r = impl_->topo.FindRouter(router);
  if (!r) {
    return absl::NotFoundError(
        absl::StrFormat("FlushNatBindings: no router named '%s'", router));
  }
  RouterNode& node = impl_->topo.routers()[*r];
  if (!node.nat) {
    return absl::FailedPreconditionError(
        absl::StrFormat("FlushNatBindings: router '%s' has no NAT", router));
  }
  impl_->AdvanceTo(now);
  node.nat->Flush();
  return absl::OkStatus();
}

absl::Status Network::ExpireNatBindings(Timestamp now,
                                        std::string_view router) {
  std::optional<RouterId> r = impl_->topo.FindRouter(router);
  if (!r) {
    return absl::NotFoundError(
        absl::StrFormat("ExpireNatBindings: no router named '%s'", router));
  }
  RouterNode& node = impl_->topo.routers()[*r];
  if (!node.nat) {
    return absl::FailedPreconditionError(
        absl::StrFormat("ExpireNatBindings: router '%s' has no NAT", router));
  }
  impl_->AdvanceTo(now);
  node.nat->ExpireAll();
  return absl::OkStatus();
}

absl::Status Network::ChangeHostAddress(Timestamp now, std::string_view host,
                                        const IpAddress& old_address,
                                        const IpAddress& new_address) {
  std::optional<HostId> h = impl_->topo.FindHost(host);
  if (!h) {
    return absl::NotFoundError(
        absl::StrFormat("ChangeHostAddress: no host named '%s'", host));
  }
  impl_->AdvanceTo(now);
  return impl_->topo.ChangeHostAddress(*h, old_address, new_address);
}

const TrafficCounters& Network::host_counters(HostId id) const {
  static const TrafficCounters kNone;
  if (id < 0 || id >= host_count()) return kNone;
  return impl_->topo.hosts()[id].counters;
}

const LinkStats& Network::host_link_stats(HostId id) const {
  static const LinkStats kNone;
  if (id < 0 || id >= host_count()) return kNone;
  return impl_->links[impl_->topo.hosts()[id].link_up / 2]->stats();
}

const LinkStats& Network::router_uplink_stats(RouterId id) const {
  static const LinkStats kNone;
  if (id < 0 || id >= router_count()) return kNone;
  const RouterNode& node = impl_->topo.routers()[id];
  if (node.link_up < 0) return kNone;
  return impl_->links[node.link_up / 2]->stats();
}

const NatStats& Network::nat_stats(RouterId id) const {
  static const NatStats kNone;
  if (id < 0 || id >= router_count()) return kNone;
  return impl_->topo.routers()[id].stats();
}

std::vector<std::pair<SocketAddress, SocketAddress>> Network::NatBindings(
    RouterId id) const {
  if (id < 0 || id >= router_count()) return {};
  const RouterNode& node = impl_->topo.routers()[id];
  if (!node.nat) return {};
  return node.nat->Bindings(impl_->now);
}

void Network::SetTraceSink(std::function<void(const TraceRecord&)> sink) {
  impl_->sink = std::move(sink);
}

}  // namespace simrtc::vnet
