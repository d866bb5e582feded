// ICE statistics in the shape of W3C webrtc-stats RTCIceCandidateStats and
// RTCIceCandidatePairStats (and webrtc-rs CandidateStats /
// CandidatePairStats), plus agent-level counters.
//
// Contract: snapshots (plain values) taken by Agent; ids match the ones in
// events ("L<n>", "R<n>", "CP<l>_<r>"). Times are the driver's clock.
#ifndef CORE_ICE_STATS_H_
#define CORE_ICE_STATS_H_

#include <cstdint>
#include <optional>
#include <string>

#include "core/base/time.h"
#include "core/ice/types.h"

namespace simrtc::ice {

struct CandidateStats {
  std::string id;
  bool is_remote = false;
  NetworkType network_type = NetworkType::kUdp4;
  std::string address;  // IP, or the mDNS name while unresolved
  uint16_t port = 0;
  std::string protocol = "udp";
  CandidateType candidate_type = CandidateType::kHost;
  uint32_t priority = 0;
  std::string foundation;
  std::string related_address;
  uint16_t related_port = 0;
  std::string url;             // local srflx/relay: the server
  std::string relay_protocol;  // local relay: "udp"
  std::string username_fragment;
  uint32_t generation = 0;
  bool deleted = false;  // from an earlier ICE generation, still in use
};

struct CandidatePairStats {
  std::string id;
  std::string local_candidate_id;
  std::string remote_candidate_id;
  // The valid pair's local candidate (srflx/prflx for a NATed path);
  // equals local_candidate_id until a check succeeds.
  std::string valid_local_candidate_id;
  PairState state = PairState::kFrozen;
  bool nominated = false;
  bool selected = false;
  uint64_t priority = 0;
  uint64_t packets_sent = 0;
  uint64_t packets_received = 0;
  uint64_t bytes_sent = 0;
  uint64_t bytes_received = 0;
  uint64_t requests_sent = 0;
  uint64_t requests_received = 0;
  uint64_t responses_sent = 0;
  uint64_t responses_received = 0;
  uint64_t retransmissions_sent = 0;
  uint64_t consent_requests_sent = 0;
  TimeDelta total_round_trip_time = TimeDelta::Zero();
  std::optional<TimeDelta> current_round_trip_time;
  uint64_t round_trip_time_measurements = 0;
  std::optional<Timestamp> last_packet_sent_timestamp;
  std::optional<Timestamp> last_packet_received_timestamp;
  std::optional<Timestamp> last_request_received_timestamp;
  std::optional<Timestamp> last_response_received_timestamp;
};

// Agent-wide counters (not in webrtc-stats): where input went.
struct AgentCounters {
  uint64_t datagrams_received = 0;
  uint64_t stun_received = 0;
  uint64_t malformed_dropped = 0;  // STUN range but not parsable
  uint64_t unknown_transaction_dropped = 0;
  uint64_t requests_rejected = 0;  // error responses sent or dropped
  uint64_t role_conflicts = 0;     // 487 sent or received
  uint64_t role_switches = 0;
  uint64_t data_dropped = 0;  // non-STUN not on a valid pair
  uint64_t data_received = 0;
  uint64_t data_sent = 0;
  uint64_t stun_server_requests_sent = 0;
  uint64_t bytes_sent = 0;
  uint64_t bytes_received = 0;
};

}  // namespace simrtc::ice

#endif  // CORE_ICE_STATS_H_
