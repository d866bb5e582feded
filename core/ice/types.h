// Small enumerations shared by every part of the ICE agent (RFC 8445), with
// stable lower-case names for logs, stats and tests.
//
// Contract: plain values; the Name functions never allocate and return
// "unknown" for out-of-range values, so a corrupted enum cannot crash a log
// line.
#ifndef CORE_ICE_TYPES_H_
#define CORE_ICE_TYPES_H_

#include <cstdint>
#include <ostream>
#include <string_view>

#include "core/base/socket_address.h"

namespace simrtc::ice {

enum class CandidateType : uint8_t {
  kHost,
  kServerReflexive,
  kPeerReflexive,
  kRelay
};
// "host", "srflx", "prflx", "relay" (the SDP spelling).
std::string_view CandidateTypeName(CandidateType t);

// Transport and address family of a candidate (webrtc-rs NetworkType). Only
// the UDP types are gathered today; the TCP ones exist so remote RFC 6544
// candidates can be represented (and ignored) without loss.
enum class NetworkType : uint8_t { kUdp4, kUdp6, kTcp4, kTcp6 };
std::string_view NetworkTypeName(NetworkType t);  // "udp4", ...
NetworkType UdpNetworkTypeOf(const IpAddress& ip);

enum class Role : uint8_t { kControlling, kControlled };
std::string_view RoleName(Role r);  // "controlling", "controlled"

// RTCIceConnectionState / webrtc-rs ConnectionState.
enum class ConnectionState : uint8_t {
  kNew,           // no remote parameters or nothing to check yet
  kChecking,      // checks under way, no usable pair
  kConnected,     // a pair is selected (traffic flows)
  kCompleted,     // selected pair nominated, nothing left to check
  kDisconnected,  // the selected pair went quiet (disconnected_timeout)
  kFailed,        // nothing works; terminal until Restart()
  kClosed,        // Close() was called; terminal
};
std::string_view ConnectionStateName(ConnectionState s);

enum class GatheringState : uint8_t { kNew, kGathering, kComplete };
std::string_view GatheringStateName(GatheringState s);

// RFC 8445 section 6.1.2.6 candidate pair states.
enum class PairState : uint8_t {
  kFrozen,
  kWaiting,
  kInProgress,
  kSucceeded,
  kFailed
};
std::string_view PairStateName(PairState s);

// What the agent does with mDNS (draft-ietf-mmusic-mdns-ice-candidates).
enum class MdnsMode : uint8_t {
  kDisabled,        // remote .local candidates are refused
  kQueryOnly,       // resolve remote .local names; publish nothing
  kQueryAndGather,  // also hide our host addresses behind <uuid>.local
};
std::string_view MdnsModeName(MdnsMode m);

// RFC 8445 section 8.1.1 regular nomination, or the RFC 5245 aggressive
// variant (every check of the controlling agent carries USE-CANDIDATE).
enum class NominationMode : uint8_t { kRegular, kAggressive };
std::string_view NominationModeName(NominationMode m);

std::ostream& operator<<(std::ostream& os, CandidateType t);
std::ostream& operator<<(std::ostream& os, ConnectionState s);
std::ostream& operator<<(std::ostream& os, GatheringState s);
std::ostream& operator<<(std::ostream& os, PairState s);
std::ostream& operator<<(std::ostream& os, Role r);

}  // namespace simrtc::ice

#endif  // CORE_ICE_TYPES_H_
