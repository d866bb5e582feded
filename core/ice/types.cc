#include "core/ice/types.h"

namespace simrtc::ice {

std::string_view CandidateTypeName(CandidateType t) {
  switch (t) {
    case CandidateType::kHost:
      return "host";
    case CandidateType::kServerReflexive:
      return "srflx";
    case CandidateType::kPeerReflexive:
      return "prflx";
    case CandidateType::kRelay:
      return "relay";
  }
  return "unknown";
}

std::string_view NetworkTypeName(NetworkType t) {
  switch (t) {
    case NetworkType::kUdp4:
      return "udp4";
    case NetworkType::kUdp6:
      return "udp6";
    case NetworkType::kTcp4:
      return "tcp4";
    case NetworkType::kTcp6:
      return "tcp6";
  }
  return "unknown";
}

NetworkType UdpNetworkTypeOf(const IpAddress& ip) {
  return ip.is_v6() ? NetworkType::kUdp6 : NetworkType::kUdp4;
}

std::string_view RoleName(Role r) {
  switch (r) {
    case Role::kControlling:
      return "controlling";
    case Role::kControlled:
      return "controlled";
  }
  return "unknown";
}

std::string_view ConnectionStateName(ConnectionState s) {
  switch (s) {
    case ConnectionState::kNew:
      return "new";
    case ConnectionState::kChecking:
      return "checking";
    case ConnectionState::kConnected:
      return "connected";
    case ConnectionState::kCompleted:
      return "completed";
    case ConnectionState::kDisconnected:
      return "disconnected";
    case ConnectionState::kFailed:
      return "failed";
    case ConnectionState::kClosed:
      return "closed";
  }
  return "unknown";
}

std::string_view GatheringStateName(GatheringState s) {
  switch (s) {
    case GatheringState::kNew:
      return "new";
    case GatheringState::kGathering:
      return "gathering";
    case GatheringState::kComplete:
      return "complete";
  }
  return "unknown";
}

std::string_view PairStateName(PairState s) {
  switch (s) {
    case PairState::kFrozen:
      return "frozen";
    case PairState::kWaiting:
      return "waiting";
    case PairState::kInProgress:
      return "in-progress";
    case PairState::kSucceeded:
      return "succeeded";
    case PairState::kFailed:
      return "failed";
  }
  return "unknown";
}

std::string_view MdnsModeName(MdnsMode m) {
  switch (m) {
    case MdnsMode::kDisabled:
      return "disabled";
    case MdnsMode::kQueryOnly:
      return "query-only";
    case MdnsMode::kQueryAndGather:
      return "query-and-gather";
  }
  return "unknown";
}

std::string_view NominationModeName(NominationMode m) {
  switch (m) {
    case NominationMode::kRegular:
      return "regular";
    case NominationMode::kAggressive:
      return "aggressive";
  }
  return "unknown";
}

std::ostream& operator<<(std::ostream& os, CandidateType t) {
  return os << CandidateTypeName(t);
}
std::ostream& operator<<(std::ostream& os, ConnectionState s) {
  return os << ConnectionStateName(s);
}
std::ostream& operator<<(std::ostream& os, GatheringState s) {
  return os << GatheringStateName(s);
}
std::ostream& operator<<(std::ostream& os, PairState s) {
  return os << PairStateName(s);
}
std::ostream& operator<<(std::ostream& os, Role r) { return os << RoleName(r); }

}  // namespace simrtc::ice
