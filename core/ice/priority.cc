#include "core/ice/priority.h"

#include <algorithm>

namespace simrtc::ice {

uint32_t TypePreference(CandidateType type) {
  switch (type) {
    case CandidateType::kHost:
      return kHostTypePreference;
    case CandidateType::kPeerReflexive:
      return kPeerReflexiveTypePreference;
    case CandidateType::kServerReflexive:
      return kServerReflexiveTypePreference;
    case CandidateType::kRelay:
      return kRelayTypePreference;
  }
  return 0;
}

uint32_t CandidatePriority(uint32_t type_preference, uint32_t local_preference,
                           uint32_t component) {
  type_preference = std::min<uint32_t>(type_preference, 126);
  local_preference = std::min(local_preference, kMaxLocalPreference);
  component = std::clamp<uint32_t>(component, 1, 256);
  return (type_preference << 24) + (local_preference << 8) + (256 - component);
}

uint32_t CandidatePriority(CandidateType type, uint32_t local_preference,
                           uint32_t component) {
  return CandidatePriority(TypePreference(type), local_preference, component);
}

uint64_t PairPriority(uint32_t controlling_priority,
                      uint32_t controlled_priority) {
  const uint64_t g = controlling_priority;
  const uint64_t d = controlled_priority;
  return (std::min(g, d) << 32) + 2 * std::max(g, d) + (g > d ? 1 : 0);
}

uint64_t PairPriority(Role local_role, uint32_t local_priority,
                      uint32_t remote_priority) {
  return local_role == Role::kControlling
             ? PairPriority(local_priority, remote_priority)
             : PairPriority(remote_priority, local_priority);
}

std::vector<uint32_t> LocalPreferences(std::span<const IpAddress> addresses) {
  // Rank: "good" addresses first (interleaved v6/v4), then loopback and
  // link-local ones (interleaved the same way), which rarely reach a peer.
  auto poor = [](const IpAddress& ip) {
    return ip.IsLoopback() || ip.IsLinkLocal();
  };
  std::vector<size_t> order;
  order.reserve(addresses.size());
  for (int pass = 0; pass < 2; ++pass) {
    std::vector<size_t> v6, v4;
    for (size_t i = 0; i < addresses.size(); ++i) {
      if (poor(addresses[i]) != (pass == 1)) continue;
      (addresses[i].is_v6() ? v6 : v4).push_back(i);
    }
    for (size_t k = 0; k < std::max(v6.size(), v4.size()); ++k) {
      if (k < v6.size()) order.push_back(v6[k]);
      if (k < v4.size()) order.push_back(v4[k]);
    }
  }
  std::vector<uint32_t> prefs(addresses.size(), 0);
  for (size_t rank = 0; rank < order.size(); ++rank) {
    // Steps of 128 leave room for the relay and NAT 1:1 variants of an
    // interface between two interfaces' values.
    const uint64_t step = 128;
    const uint64_t v = kMaxLocalPreference > rank * step
                           ? kMaxLocalPreference - rank * step
                           : (order.size() - rank);
    prefs[order[rank]] = static_cast<uint32_t>(v);
  }
  return prefs;
}

std::string ComputeFoundation(CandidateType type, const IpAddress& base_ip,
                              const IpAddress& server_ip,
                              std::string_view transport) {
  uint32_t h = 2166136261u;
  auto mix = [&h](uint8_t b) {
    h ^= b;
    h *= 16777619u;
  };
  mix(static_cast<uint8_t>(type));
  mix(static_cast<uint8_t>(base_ip.family()));
  for (uint8_t b : base_ip.bytes()) mix(b);
  mix(0xFF);
  mix(static_cast<uint8_t>(server_ip.family()));
  for (uint8_t b : server_ip.bytes()) mix(b);
  mix(0xFF);
  for (char c : transport) mix(static_cast<uint8_t>(c | 0x20));
  return std::to_string(h);
}

}  // namespace simrtc::ice
