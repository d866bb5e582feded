#include "sim/simulator.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace simrtc::sim {
namespace {

// A node that keeps asking to be woken at the instant it is being woken is
// livelocked; stop it rather than hang the run.
constexpr int64_t kMaxWakeupsPerInstant = 100000;

uint64_t BindingKey(vnet::HostId host, uint16_t port) {
  return (static_cast<uint64_t>(static_cast<uint32_t>(host)) << 16) | port;
}

}  // namespace

Simulator::Simulator(uint64_t seed)
    : seed_(seed), root_rng_(seed), network_(root_rng_.Fork("vnet")) {}

Simulator::~Simulator() = default;

absl::StatusOr<NodeId> Simulator::AddNode(std::string name, vnet::HostId host,
                                          std::unique_ptr<Node> node,
                                          Timestamp start_at) {
  if (node == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("node \"", name, "\": no node object"));
  }
  if (host < 0 || host >= network_.host_count()) {
    return absl::InvalidArgumentError(
        absl::StrCat("node \"", name, "\": unknown host id ", host));
  }
  if (FindNode(name).has_value()) {
    return absl::AlreadyExistsError(
        absl::StrCat("node \"", name, "\": duplicate node name"));
  }
  const NodeId id = static_cast<NodeId>(nodes_.size());
  const std::vector<SocketAddress> wanted = node->Bindings();
  for (const SocketAddress& b : wanted) {
    if (b.port() == 0) {
      return absl::InvalidArgumentError(absl::StrCat(
          "node \"", name, "\": binding ", b.ToString(), " has port 0"));
    }
    const auto it = bindings_.find(BindingKey(host, b.port()));
    if (it == bindings_.end()) continue;
    for (const Binding& other : it->second) {
      if (!other.ip.is_set() || !b.ip().is_set() || other.ip == b.ip()) {
        return absl::AlreadyExistsError(absl::StrFormat(
            "node \"%s\": port %d on host \"%s\" is already bound by node "
            "\"%s\"",
            name, b.port(), network_.host_config(host).name,
            nodes_[other.node].name));
      }
    }
  }
  for (const SocketAddress& b : wanted) {
    bindings_[BindingKey(host, b.port())].push_back(Binding{b.ip(), id});
  }
  NodeSlot slot;
  slot.name = std::move(name);
  slot.host = host;
  slot.node = std::move(node);
  nodes_.push_back(std::move(slot));
  Push(std::max(start_at, now_), EventKind::kStart, id, 0);
  return id;
}

std::optional<NodeId> Simulator::FindNode(std::string_view name) const {
  for (size_t i = 0; i < nodes_.size(); ++i) {
    if (nodes_[i].name == name) return static_cast<NodeId>(i);
  }
  return std::nullopt;
}

void Simulator::Schedule(Timestamp at, std::string label,
                         std::function<absl::Status(Timestamp)> fn) {
  const int32_t index = static_cast<int32_t>(callbacks_.size());
  callbacks_.push_back(Callback{std::move(label), std::move(fn)});
  Push(std::max(at, now_), EventKind::kCallback, index, 0);
}

void Simulator::Push(Timestamp at, EventKind kind, int32_t index,
                     uint64_t generation) {
  queue_.push_back(Event{at.us(), next_seq_++, kind, index, generation});
  std::push_heap(queue_.begin(), queue_.end(), EventLater());
}

std::optional<Timestamp> Simulator::NetworkNext() {
  if (!network_next_valid_) {
    network_next_ = network_.NextTimeout();
    network_next_valid_ = true;
  }
  return network_next_;
}

bool Simulator::Idle() {
  // Drop stale wake-ups from the top so they do not count as pending work.
  while (!queue_.empty()) {
    const Event& top = queue_.front();
    if (top.kind != EventKind::kWake ||
        nodes_[top.index].generation == top.generation) {
      break;
    }
    std::pop_heap(queue_.begin(), queue_.end(), EventLater());
    queue_.pop_back();
  }
  return queue_.empty() && !NetworkNext().has_value();
}

void Simulator::RunUntil(Timestamp until) {
  while (true) {
    const std::optional<Timestamp> net = NetworkNext();
    const int64_t queued =
        queue_.empty() ? Timestamp::Infinite().us() : queue_.front().time_us;
    if (net.has_value() && net->us() <= queued) {
      if (*net > until) break;
      now_ = std::max(now_, *net);
      StepNetwork();
      continue;
    }
    if (queue_.empty() || queued > until.us()) break;

    const Event event = queue_.front();
    std::pop_heap(queue_.begin(), queue_.end(), EventLater());
    queue_.pop_back();
    now_ = std::max(now_, Timestamp::Micros(event.time_us));

    switch (event.kind) {
      case EventKind::kStart: {
        NodeSlot& slot = nodes_[event.index];
        slot.started = true;
        slot.node->Start(now_);
        CountEvent();
        AfterInput(event.index);
        std::vector<PendingSignal> held = std::move(slot.held);
        slot.held.clear();
        for (PendingSignal& signal : held) DeliverSignal(std::move(signal));
        break;
      }
      case EventKind::kSignal: {
        auto it = signals_.find(event.index);
        if (it == signals_.end()) break;
        PendingSignal signal = std::move(it->second);
        signals_.erase(it);
        CountEvent();
        DeliverSignal(std::move(signal));
        break;
      }
      case EventKind::kWake: {
        NodeSlot& slot = nodes_[event.index];
        if (slot.generation != event.generation) break;  // superseded
        slot.wake.reset();
        if (now_ == slot.spin_time) {
          if (++slot.spin_count > kMaxWakeupsPerInstant) {
            if (slot.spin_count == kMaxWakeupsPerInstant + 1) {
              errors_.push_back(absl::StrCat(now_.ToString(), " node \"",
                                             slot.name, "\": stopped after ",
                                             kMaxWakeupsPerInstant,
                                             " timeouts at the same instant "
                                             "(NextTimeout never advances)"));
            }
            break;
          }
        } else {
          slot.spin_time = now_;
          slot.spin_count = 1;
        }
        ++slot.stats.wakeups;
        ++stats_.node_wakeups;
        slot.node->HandleTimeout(now_);
        CountEvent();
        AfterInput(event.index);
        break;
      }
      case EventKind::kCallback: {
        // Bring the network's lazily kept state (binding expiry) up to now,
        // so a callback reading statistics sees them as of this instant.
        // Packets due by now were delivered already (the network goes first
        // at equal times), so this only sweeps; any delivery is dispatched.
        StepNetwork();
        Callback& cb = callbacks_[event.index];
        const absl::Status status = cb.fn(now_);
        if (!status.ok()) {
          errors_.push_back(absl::StrCat(now_.ToString(), " ", cb.label, ": ",
                                         status.message()));
        }
        ++stats_.callbacks;
        // A callback may have changed network state.
        network_next_valid_ = false;
        CountEvent();
        break;
      }
    }
  }
  now_ = std::max(now_, until);
}

void Simulator::StepNetwork() {
  network_.HandleTimeout(now_);
  network_next_valid_ = false;
  while (std::optional<vnet::Delivery> d = network_.PollDelivery()) {
    Dispatch(*d);
  }
  CountEvent();
}

void Simulator::Dispatch(vnet::Delivery& delivery) {
  const auto it =
      bindings_.find(BindingKey(delivery.host, delivery.datagram.local.port()));
  NodeId target = -1;
  if (it != bindings_.end()) {
    for (const Binding& b : it->second) {
      if (b.ip.is_set() && b.ip == delivery.datagram.local.ip()) {
        target = b.node;
        break;
      }
      if (!b.ip.is_set()) target = b.node;
    }
  }
  if (target < 0 || !nodes_[target].started) {
    ++stats_.unbound_deliveries;
    return;
  }
  NodeSlot& slot = nodes_[target];
  ++stats_.deliveries;
  ++slot.stats.datagrams_in;
  slot.node->HandleDatagram(now_, delivery.datagram);
  AfterInput(target);
}

void Simulator::DeliverSignal(PendingSignal signal) {
  NodeSlot& slot = nodes_[signal.to];
  if (!slot.started) {
    slot.held.push_back(std::move(signal));
    return;
  }
  ++stats_.signals;
  slot.node->HandleSignal(now_, nodes_[signal.from].name, signal.payload);
  AfterInput(signal.to);
}

void Simulator::NotifyAddressChange(vnet::HostId host) {
  const std::vector<IpAddress> addresses = network_.HostAddresses(host);
  for (size_t i = 0; i < nodes_.size(); ++i) {
    NodeSlot& slot = nodes_[i];
    if (slot.host != host || !slot.started) continue;
    slot.node->HandleAddressChange(now_, addresses);
    AfterInput(static_cast<NodeId>(i));
  }
}

void Simulator::AfterInput(NodeId id) {
  NodeSlot& slot = nodes_[id];
  while (std::optional<Transmit> t = slot.node->PollTransmit()) {
    SendTransmit(id, *t);
  }
  while (std::optional<Node::Signal> signal = slot.node->PollSignal()) {
    const std::optional<NodeId> to = FindNode(signal->to);
    if (!to.has_value()) {
      errors_.push_back(absl::StrCat(now_.ToString(), " node \"", slot.name,
                                     "\": signal to unknown node \"",
                                     signal->to, "\""));
      continue;
    }
    const int32_t index = next_signal_++;
    signals_.emplace(index, PendingSignal{id, *to, std::move(signal->payload)});
    Push(now_ + std::max(signal->delay, TimeDelta::Zero()), EventKind::kSignal,
         index, 0);
  }
  const std::optional<Timestamp> next = slot.node->NextTimeout();
  if (next == slot.wake) return;
  slot.wake = next;
  ++slot.generation;
  if (next.has_value()) {
    Push(std::max(*next, now_), EventKind::kWake, id, slot.generation);
  }
}

void Simulator::SendTransmit(NodeId id, Transmit& t) {
  NodeSlot& slot = nodes_[id];
  ++stats_.transmits;
  ++slot.stats.datagrams_out;
  network_next_valid_ = false;
  // An unset local IP is resolved by the network to the host's current
  // address of the destination's family, which follows address changes.
  absl::StatusOr<uint64_t> sent = network_.Send(now_, slot.host, std::move(t));
  if (!sent.ok()) {
    ++stats_.send_errors;
    ++slot.stats.send_errors;
    slot.stats.last_send_error = std::string(sent.status().message());
  }
}

void Simulator::AddTraceSink(
    std::function<void(const vnet::TraceRecord&)> sink) {
  if (trace_sinks_.empty()) {
    network_.SetTraceSink([this](const vnet::TraceRecord& r) {
      for (const auto& s : trace_sinks_) s(r);
    });
  }
  trace_sinks_.push_back(std::move(sink));
}

void Simulator::SetProgressCallback(int64_t every_events,
                                    std::function<void(Timestamp)> callback) {
  progress_every_ = std::max<int64_t>(1, every_events);
  progress_countdown_ = progress_every_;
  progress_ = std::move(callback);
}

void Simulator::CountEvent() {
  ++stats_.events;
  if (progress_ && --progress_countdown_ <= 0) {
    progress_countdown_ = progress_every_;
    progress_(now_);
  }
}

}  // namespace simrtc::sim
