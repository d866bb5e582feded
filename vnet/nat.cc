#include "vnet/nat.h"

#include <algorithm>

namespace simrtc::vnet {

namespace {

// Random allocation gives up on blind draws after this many collisions and
// scans from a random start instead, so a nearly full pool still finds the
// last free port.
constexpr int kRandomPortTries = 64;

bool LaterExpiry(const auto& a, const auto& b) {
  if (a.at_us != b.at_us) return a.at_us > b.at_us;
  return a.binding > b.binding;
}

int FamilySlot(const IpAddress& ip) { return ip.is_v6() ? 1 : 0; }

}  // namespace

Nat::Nat(const NatConfig& config, std::vector<IpAddress> external_ips, Rng rng)
    : config_(config),
      external_ips_(std::move(external_ips)),
      cursor_(external_ips_.size(), config.port_min),
      rng_(rng) {}

bool Nat::IsExternalIp(const IpAddress& ip) const {
  for (const IpAddress& e : external_ips_) {
    if (e == ip) return true;
  }
  for (const auto& [in, out] : config_.static_mappings) {
    if (out == ip) return true;
  }
  return false;
}

std::vector<IpAddress> Nat::RoutedAddresses() const {
  std::vector<IpAddress> out = external_ips_;
  for (const auto& [in, ext] : config_.static_mappings) out.push_back(ext);
  return out;
}

SocketAddress Nat::RemotePart(const SocketAddress& dst) const {
  switch (config_.mapping) {
    case MappingBehavior::kEndpointIndependent:
      return SocketAddress();
    case MappingBehavior::kAddressDependent:
      return SocketAddress(dst.ip(), 0);
    case MappingBehavior::kAddressAndPortDependent:
      return dst;
  }
  return dst;
}

SocketAddress Nat::PermitPart(const SocketAddress& remote) const {
  if (config_.filtering == FilteringBehavior::kAddressDependent) {
    return SocketAddress(remote.ip(), 0);
  }
  return remote;
}

bool Nat::PortFree(const IpAddress& ip, uint16_t port, Timestamp now) {
  auto it = by_external_.find(SocketAddress(ip, port));
  if (it == by_external_.end()) return true;
  const uint32_t index = it->second;
  if (Expired(bindings_[index], now)) {
    Remove(index, /*expired=*/true);
    return true;
  }
  return false;
}

std::optional<uint16_t> Nat::AllocatePort(size_t ip_index,
                                          uint16_t internal_port,
                                          Timestamp now) {
  const IpAddress& ip = external_ips_[ip_index];
  const uint32_t lo = config_.port_min;
  const uint32_t hi = config_.port_max;
  if (config_.port_preservation && internal_port >= lo && internal_port <= hi &&
      PortFree(ip, internal_port, now)) {
    return internal_port;
  }
  // Candidates are first, first + step, ... up to hi.
  uint32_t first = lo;
  uint32_t step = 1;
  if (config_.port_parity) {
    step = 2;
    if ((first & 1u) != (internal_port & 1u)) ++first;
    if (first > hi) return std::nullopt;
  }
  const uint32_t n = (hi - first) / step + 1;
  auto candidate = [&](uint32_t i) {
    return static_cast<uint16_t>(first + (i % n) * step);
  };
  uint32_t start;
  if (config_.allocation == PortAllocation::kSequential) {
    const uint32_t c = cursor_[ip_index];
    start = c <= first ? 0 : (c - first + step - 1) / step;
    if (start >= n) start = 0;
  } else {
    for (int t = 0; t < kRandomPortTries; ++t) {
      const uint16_t p = candidate(static_cast<uint32_t>(rng_.Uniform(n)));
      if (PortFree(ip, p, now)) return p;
    }
    start = static_cast<uint32_t>(rng_.Uniform(n));
  }
  for (uint32_t i = 0; i < n; ++i) {
    const uint16_t p = candidate(start + i);
    if (PortFree(ip, p, now)) {
      if (config_.allocation == PortAllocation::kSequential) {
        cursor_[ip_index] = uint32_t{p} + 1;
      }
      return p;
    }
  }
  return std::nullopt;
}

std::optional<uint32_t> Nat::CreateBinding(Timestamp now, const MapKey& key,
                                           DropReason* why) {
  const IpAddress& internal_ip = key.internal.ip();
  std::vector<size_t> family_ips;
  for (size_t i = 0; i < external_ips_.size(); ++i) {
    if (external_ips_[i].family() == internal_ip.family()) {
      family_ips.push_back(i);
    }
  }
  if (family_ips.empty()) {
    *why = DropReason::kNoRoute;
    return std::nullopt;
  }
  size_t& rr = round_robin_[FamilySlot(internal_ip)];
  std::optional<uint16_t> port;
  size_t ip_index = 0;
  if (config_.pooling == AddressPooling::kPaired) {
    auto it = paired_.find(internal_ip);
    if (it == paired_.end()) {
      ip_index = family_ips[rr++ % family_ips.size()];
      paired_.emplace(internal_ip, ip_index);
    } else {
      ip_index = it->second;
    }
    port = AllocatePort(ip_index, key.internal.port(), now);
  } else {
    const size_t start =
        config_.allocation == PortAllocation::kRandom
            ? static_cast<size_t>(rng_.Uniform(family_ips.size()))
            : rr++ % family_ips.size();
    for (size_t k = 0; k < family_ips.size() && !port; ++k) {
      ip_index = family_ips[(start + k) % family_ips.size()];
      port = AllocatePort(ip_index, key.internal.port(), now);
    }
  }
  if (!port) {
    *why = DropReason::kNoPortFree;
    return std::nullopt;
  }
  uint32_t index;
  if (!free_.empty()) {
    index = free_.back();
    free_.pop_back();
  } else {
    index = static_cast<uint32_t>(bindings_.size());
    bindings_.emplace_back();
  }
  Binding& b = bindings_[index];
  b.live = true;
  b.key = key;
  b.external = SocketAddress(external_ips_[ip_index], *port);
  b.refreshed = now;
  b.permits.clear();
  by_key_.emplace(key, index);
  by_external_.emplace(b.external, index);
  expired_.erase(b.external);  // the endpoint is in use again
  ++stats_.bindings_created;
  ++stats_.active_bindings;
  PushExpiry(index);
  return index;
}

void Nat::PushExpiry(uint32_t index) {
  const Binding& b = bindings_[index];
  const Timestamp at = b.refreshed + config_.binding_lifetime;
  if (at.IsInfinite()) return;
  expiry_heap_.push_back(ExpiryEntry{at.us(), index, b.generation});
  std::push_heap(expiry_heap_.begin(), expiry_heap_.end(),
                 LaterExpiry<ExpiryEntry, ExpiryEntry>);
}

void Nat::Remove(uint32_t index, bool expired) {
  Binding& b = bindings_[index];
  by_key_.erase(b.key);
  by_external_.erase(b.external);
  for (const SocketAddress& r : b.permits) permits_.erase(PermitKey{index, r});
  b.permits.clear();
  b.live = false;
  ++b.generation;
  free_.push_back(index);
  --stats_.active_bindings;
  if (expired) {
    ++stats_.bindings_expired;
    RememberExpired(b.external);
  }
}

void Nat::RememberExpired(const SocketAddress& external) {
  const uint64_t sequence = ++expired_sequence_;
  expired_[external] = sequence;
  expired_order_.emplace_back(external, sequence);
  while (expired_order_.size() > kExpiredBindingMemory) {
    const auto& [oldest, oldest_sequence] = expired_order_.front();
    auto it = expired_.find(oldest);
    // A later expiry of the same endpoint has its own, newer entry.
    if (it != expired_.end() && it->second == oldest_sequence) {
      expired_.erase(it);
    }
    expired_order_.pop_front();
  }
}

void Nat::ExpireDue(Timestamp now) {
  while (!expiry_heap_.empty() && expiry_heap_.front().at_us <= now.us()) {
    std::pop_heap(expiry_heap_.begin(), expiry_heap_.end(),
                  LaterExpiry<ExpiryEntry, ExpiryEntry>);
    const ExpiryEntry e = expiry_heap_.back();
    expiry_heap_.pop_back();
    Binding& b = bindings_[e.binding];
    if (!b.live || b.generation != e.generation) continue;  // already gone
    if (Expired(b, now)) {
      Remove(e.binding, /*expired=*/true);
    } else {
      PushExpiry(e.binding);  // refreshed since it was queued
    }
  }
}

void Nat::ExpireAll() {
  for (uint32_t i = 0; i < bindings_.size(); ++i) {
    if (bindings_[i].live) Remove(i, /*expired=*/true);
  }
  expiry_heap_.clear();
}

void Nat::Flush() {
  for (uint32_t i = 0; i < bindings_.size(); ++i) {
    if (bindings_[i].live) Remove(i, /*expired=*/false);
  }
  paired_.clear();
  expiry_heap_.clear();
  expired_.clear();
  expired_order_.clear();
}

Nat::Result Nat::Outbound(Timestamp now, Transport transport,
                          const SocketAddress& src, const SocketAddress& dst) {
  if (config_.block_udp && transport == Transport::kUdp) {
    return Drop(DropReason::kFirewall);
  }
  for (const auto& [in, out] : config_.static_mappings) {
    if (in == src.ip()) {
      ++stats_.outbound_translated;
      return Result{true, DropReason::kCount, SocketAddress(out, src.port())};
    }
  }
  const MapKey key{src, RemotePart(dst)};
  uint32_t index;
  auto it = by_key_.find(key);
  if (it != by_key_.end() && !Expired(bindings_[it->second], now)) {
    index = it->second;
    bindings_[index].refreshed = now;
  } else {
    if (it != by_key_.end()) Remove(it->second, /*expired=*/true);
    DropReason why = DropReason::kNoPortFree;
    std::optional<uint32_t> created = CreateBinding(now, key, &why);
    if (!created) return Drop(why);
    index = *created;
  }
  Binding& b = bindings_[index];
  if (config_.filtering != FilteringBehavior::kEndpointIndependent) {
    const SocketAddress permit = PermitPart(dst);
    if (permits_.insert(PermitKey{index, permit}).second) {
      b.permits.push_back(permit);
    }
  }
  ++stats_.outbound_translated;
  return Result{true, DropReason::kCount, b.external};
}

Nat::Result Nat::Inbound(Timestamp now, Transport transport,
                         const SocketAddress& src, const SocketAddress& dst) {
  if (config_.block_udp && transport == Transport::kUdp) {
    return Drop(DropReason::kFirewall);
  }
  for (const auto& [in, out] : config_.static_mappings) {
    if (out == dst.ip()) {
      ++stats_.inbound_translated;
      return Result{true, DropReason::kCount, SocketAddress(in, dst.port())};
    }
  }
  auto it = by_external_.find(dst);
  if (it == by_external_.end()) {
    return Drop(expired_.contains(dst) ? DropReason::kExpiredBinding
                                       : DropReason::kNoBinding);
  }
  const uint32_t index = it->second;
  Binding& b = bindings_[index];
  if (Expired(b, now)) {
    Remove(index, /*expired=*/true);
    return Drop(DropReason::kExpiredBinding);
  }
  if (config_.filtering != FilteringBehavior::kEndpointIndependent &&
      !permits_.contains(PermitKey{index, PermitPart(src)})) {
    return Drop(DropReason::kFiltered);
  }
  if (config_.inbound_refreshes) b.refreshed = now;
  ++stats_.inbound_translated;
  return Result{true, DropReason::kCount, b.key.internal};
}

std::vector<std::pair<SocketAddress, SocketAddress>> Nat::Bindings(
    Timestamp now) const {
  std::vector<std::pair<SocketAddress, SocketAddress>> out;
  for (const Binding& b : bindings_) {
    if (b.live && !Expired(b, now))
      out.emplace_back(b.key.internal, b.external);
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace simrtc::vnet
