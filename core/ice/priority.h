// Candidate and pair priorities and candidate foundations (RFC 8445
// sections 5.1.2, 5.1.1.3 and 6.1.2.3, RFC 8421 for dual-stack hosts).
//
// Contract: pure functions. Both agents must compute the same pair
// priority from the same two candidate priorities, so PairPriority is
// exactly the RFC formula; foundations only need to be equal for
// candidates that RFC 8445 says share one and are a stable hash otherwise
// (no per-process salt, so logs and simulations are reproducible).
#ifndef CORE_ICE_PRIORITY_H_
#define CORE_ICE_PRIORITY_H_

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/base/socket_address.h"
#include "core/ice/types.h"

namespace simrtc::ice {

// RFC 8445 section 5.1.2.2 recommended type preferences.
inline constexpr uint32_t kHostTypePreference = 126;
inline constexpr uint32_t kPeerReflexiveTypePreference = 110;
inline constexpr uint32_t kServerReflexiveTypePreference = 100;
inline constexpr uint32_t kRelayTypePreference = 0;
inline constexpr uint32_t kMaxLocalPreference = 65535;

uint32_t TypePreference(CandidateType type);

// (2^24) * type_pref + (2^8) * local_pref + (256 - component).
// type_pref is clamped to 0..126, local_pref to 0..65535, component to
// 1..256.
uint32_t CandidatePriority(uint32_t type_preference, uint32_t local_preference,
                           uint32_t component);
uint32_t CandidatePriority(CandidateType type, uint32_t local_preference,
                           uint32_t component);

// 2^32 * MIN(G,D) + 2 * MAX(G,D) + (G > D ? 1 : 0), where G is the
// controlling agent's candidate priority and D the controlled one's.
uint64_t PairPriority(uint32_t controlling_priority,
                      uint32_t controlled_priority);
// The same, from one agent's point of view.
uint64_t PairPriority(Role local_role, uint32_t local_priority,
                      uint32_t remote_priority);

// Local preferences for a multihomed host, one per address in `addresses`
// (same order): distinct, all <= kMaxLocalPreference, following RFC 8421
// section 4: IPv6 before IPv4, the families interleaved so a broken IPv6
// path does not delay all IPv4 checks, and the order of the list kept
// within a family. Loopback and link-local addresses rank last.
std::vector<uint32_t> LocalPreferences(std::span<const IpAddress> addresses);

// RFC 8445 section 5.1.1.3: candidates share a foundation when they have
// the same type, base IP, STUN/TURN server IP (unset for host and
// peer-reflexive) and transport. Returned as up to 10 decimal digits (an
// ice-char string as RFC 8839 requires), a fixed FNV-1a hash of those
// fields.
std::string ComputeFoundation(CandidateType type, const IpAddress& base_ip,
                              const IpAddress& server_ip,
                              std::string_view transport = "udp");

}  // namespace simrtc::ice

#endif  // CORE_ICE_PRIORITY_H_
