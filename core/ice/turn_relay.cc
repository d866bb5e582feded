#include "core/ice/turn_relay.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_format.h"

namespace simrtc::ice {

TurnRelayAllocator::TurnRelayAllocator(TurnRelayConfig config, Rng rng)
    : config_(std::move(config)), rng_(std::move(rng)) {}

TurnRelayAllocator::~TurnRelayAllocator() = default;

absl::Status TurnRelayAllocator::Allocate(Timestamp now,
                                          const SocketAddress& base) {
  if (pending_bases_.count(base) != 0) {
    return absl::FailedPreconditionError(absl::StrFormat(
        "TURN relay: allocation from %s already in progress", base.ToString()));
  }
  std::vector<RelayHandle> started;
  for (const TurnServerConfig& server : config_.servers) {
    if (server.address.ip().family() != base.ip().family()) continue;
    turn::ClientConfig c;
    c.local = base;
    c.server = server.address;
    c.username = server.username;
    c.password = server.password;
    c.lifetime = config_.lifetime;
    c.software = config_.software;
    c.transaction = config_.transaction;
    const RelayHandle handle = next_handle_++;
    Slot slot;
    slot.client = std::make_unique<turn::Client>(
        std::move(c), rng_.Fork(absl::StrFormat("turn%d", handle)));
    slot.base = base;
    slot.server = server.address;
    slots_.emplace(handle, std::move(slot));
    started.push_back(handle);
  }
  pending_bases_[base] = absl::OkStatus();
  allocated_per_base_[base] = 0;  // a restart allocates afresh
  if (started.empty()) {
    pending_bases_[base] = absl::NotFoundError(absl::StrFormat(
        "TURN relay: no TURN server of %s's address family configured",
        base.ToString()));
    MaybeDone(base);
    return absl::OkStatus();
  }
  for (RelayHandle h : started) {
    Slot& slot = slots_.at(h);
    absl::Status s = slot.client->Allocate(now);
    if (!s.ok()) {
      // The client could not even build its request; treat the server as
      // failed for this base.
      slot.phase = Phase::kLost;
      if (pending_bases_[base].ok()) pending_bases_[base] = s;
    }
    Drain(now, h, slot);
  }
  MaybeDone(base);
  return absl::OkStatus();
}

absl::Status TurnRelayAllocator::Send(Timestamp now, RelayHandle handle,
                                      const SocketAddress& peer,
                                      ByteSpan payload) {
  auto it = slots_.find(handle);
  if (it == slots_.end() || it->second.phase != Phase::kAllocated) {
    return absl::FailedPreconditionError(absl::StrFormat(
        "TURN relay: handle %d has no live allocation", handle));
  }
  Slot& slot = it->second;
  absl::Status s = slot.client->SendTo(now, peer, payload);
  if (s.ok() && slot.channel_requested.insert(peer).second) {
    // Best effort: without a channel, Send indications keep working.
    (void)slot.client->BindChannel(now, peer);
  }
  Drain(now, handle, slot);
  return s;
}

void TurnRelayAllocator::Permit(Timestamp now, RelayHandle handle,
                                const IpAddress& peer) {
  auto it = slots_.find(handle);
  if (it == slots_.end() || it->second.phase != Phase::kAllocated) return;
  Slot& slot = it->second;
  if (!slot.client->HasPermission(peer)) {
    (void)slot.client->CreatePermission(now, peer);
  }
  Drain(now, handle, slot);
}

void TurnRelayAllocator::Release(Timestamp now, RelayHandle handle) {
  auto it = slots_.find(handle);
  if (it == slots_.end()) return;
  Slot& slot = it->second;
  const bool was_allocating = slot.phase == Phase::kAllocating;
  if (slot.phase == Phase::kAllocated && slot.client->Deallocate(now).ok()) {
    slot.phase = Phase::kReleasing;
    Drain(now, handle, slot);
    return;
  }
  const SocketAddress base = slot.base;
  slots_.erase(it);
  if (was_allocating) MaybeDone(base);
}

bool TurnRelayAllocator::HandleDatagram(Timestamp now, const Datagram& d) {
  for (auto& [handle, slot] : slots_) {
    if (slot.base != d.local || slot.server != d.remote) continue;
    slot.client->HandleDatagram(now, d);
    Drain(now, handle, slot);
    // Drain may have finished a release; erase outside the loop.
    std::vector<RelayHandle> done;
    for (const auto& [h, s] : slots_) {
      if (s.phase == Phase::kReleasing &&
          s.client->state() != turn::Client::State::kDeallocating) {
        done.push_back(h);
      }
    }
    for (RelayHandle h : done) slots_.erase(h);
    return true;
  }
  return false;
}

void TurnRelayAllocator::HandleTimeout(Timestamp now) {
  std::vector<RelayHandle> done;
  for (auto& [handle, slot] : slots_) {
    std::optional<Timestamp> t = slot.client->NextTimeout();
    if (t.has_value() && *t <= now) {
      slot.client->HandleTimeout(now);
      Drain(now, handle, slot);
    }
    if (slot.phase == Phase::kReleasing &&
        slot.client->state() != turn::Client::State::kDeallocating) {
      done.push_back(handle);
    }
  }
  for (RelayHandle h : done) slots_.erase(h);
}

std::optional<Timestamp> TurnRelayAllocator::NextTimeout() const {
  std::optional<Timestamp> next;
  for (const auto& [handle, slot] : slots_) {
    std::optional<Timestamp> t = slot.client->NextTimeout();
    if (t.has_value() && (!next.has_value() || *t < *next)) next = t;
  }
  return next;
}

std::optional<Transmit> TurnRelayAllocator::PollTransmit() {
  if (transmits_.empty()) return std::nullopt;
  Transmit t = std::move(transmits_.front());
  transmits_.pop_front();
  return t;
}

std::optional<RelayEvent> TurnRelayAllocator::PollEvent() {
  if (events_.empty()) return std::nullopt;
  RelayEvent e = std::move(events_.front());
  events_.pop_front();
  return e;
}

size_t TurnRelayAllocator::allocation_count() const {
  return static_cast<size_t>(std::count_if(
      slots_.begin(), slots_.end(),
      [](const auto& kv) { return kv.second.phase == Phase::kAllocated; }));
}

void TurnRelayAllocator::Drain(Timestamp now, RelayHandle handle, Slot& slot) {
  while (std::optional<Transmit> t = slot.client->PollTransmit()) {
    transmits_.push_back(std::move(*t));
  }
  while (std::optional<turn::ClientEvent> e = slot.client->PollEvent()) {
    OnClientEvent(now, handle, slot, std::move(*e));
  }
}

void TurnRelayAllocator::OnClientEvent(Timestamp, RelayHandle handle,
                                       Slot& slot, turn::ClientEvent e) {
  using Kind = turn::ClientEvent::Kind;
  if (slot.phase == Phase::kReleasing || slot.phase == Phase::kLost) return;
  switch (e.kind) {
    case Kind::kAllocated: {
      slot.phase = Phase::kAllocated;
      ++allocated_per_base_[slot.base];
      RelayAllocated a;
      a.base = slot.base;
      a.handle = handle;
      a.relayed = e.relayed;
      a.server = slot.server;
      if (e.mapped.port() != 0) a.mapped = e.mapped;
      a.url = absl::StrFormat("turn:%s?transport=udp", slot.server.ToString());
      events_.push_back(std::move(a));
      MaybeDone(slot.base);
      break;
    }
    case Kind::kData:
      events_.push_back(RelayData{handle, e.peer, std::move(e.data)});
      break;
    case Kind::kError: {
      if (slot.phase == Phase::kAllocating) {
        slot.phase = Phase::kLost;
        absl::Status& first = pending_bases_[slot.base];
        if (first.ok()) {
          first = absl::Status(
              e.status.code(),
              absl::StrFormat("TURN server %s: %s", slot.server.ToString(),
                              e.status.message()));
        }
        MaybeDone(slot.base);
      } else if (slot.client->state() != turn::Client::State::kAllocated) {
        // A refresh that went unanswered is retried by the client while the
        // allocation lives; only a lost allocation loses the relay.
        slot.phase = Phase::kLost;
        events_.push_back(RelayLost{handle, e.status});
      }
      // Failed CreatePermission/ChannelBind: the checks through this relay
      // fail on their own; the allocation itself is still good.
      break;
    }
    case Kind::kDeallocated:
      slot.phase = Phase::kLost;
      events_.push_back(RelayLost{
          handle, absl::UnavailableError("TURN allocation deallocated")});
      break;
    case Kind::kPermissionCreated:
    case Kind::kChannelBound:
      break;
  }
}

void TurnRelayAllocator::MaybeDone(const SocketAddress& base) {
  auto pit = pending_bases_.find(base);
  if (pit == pending_bases_.end()) return;
  for (const auto& [handle, slot] : slots_) {
    if (slot.base == base && slot.phase == Phase::kAllocating) return;
  }
  RelayAllocationDone done;
  done.base = base;
  if (allocated_per_base_[base] == 0) {
    done.status = pit->second.ok()
                      ? absl::UnavailableError("TURN relay: no allocation")
                      : pit->second;
  }
  pending_bases_.erase(pit);
  events_.push_back(std::move(done));
}

}  // namespace simrtc::ice
