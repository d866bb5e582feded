// One candidate pair: the check list entry of RFC 8445 section 6.1.2 and,
// once its check succeeds, the valid pair of section 7.2.5.3.2.
//
// Contract: a plain record owned by the CheckList. `local` names the local
// candidate the checks are sent from (host or relay: its base is the
// socket), `remote` the remote candidate. When a check succeeds the
// XOR-MAPPED-ADDRESS names the local candidate of the *valid* pair
// (`valid_local`: the same host, a srflx or a new prflx), whose priority
// is what both agents use to rank valid pairs; keeping both in one record
// means a 5-tuple always maps to exactly one pair. Counters follow the
// webrtc-stats RTCIceCandidatePairStats names.
#ifndef CORE_ICE_CANDIDATE_PAIR_H_
#define CORE_ICE_CANDIDATE_PAIR_H_

#include <cstdint>
#include <optional>
#include <string>

#include "core/base/socket_address.h"
#include "core/base/time.h"
#include "core/ice/types.h"

namespace simrtc::ice {

// Numeric candidate key inside one agent; the stats id is "L<n>"/"R<n>".
using CandidateKey = uint32_t;
using PairId = uint64_t;

struct CandidatePair {
  PairId id = 0;
  CandidateKey local = 0;
  CandidateKey remote = 0;
  // The 5-tuple, cached from the candidates: the socket we send from and
  // the address we send to.
  SocketAddress local_base;
  SocketAddress remote_address;
  // "local-foundation:remote-foundation", for unfreezing.
  std::string foundation;
  // Priorities of the candidates as each side sees them (our local's
  // priority, the remote candidate's), kept so a role switch can recompute.
  uint32_t local_priority = 0;
  uint32_t remote_priority = 0;
  uint64_t priority = 0;  // check-list order (RFC 8445 section 6.1.2.3)

  PairState state = PairState::kFrozen;
  // Set once a check on this pair succeeded.
  std::optional<CandidateKey> valid_local;
  uint32_t valid_local_priority = 0;
  uint64_t valid_priority = 0;
  bool nominated = false;
  // Controlled side: USE-CANDIDATE arrived before our own check succeeded
  // (RFC 8445 section 7.3.1.5): nominate when it does.
  bool nominate_on_success = false;
  // Controlling side: the next check on this pair carries USE-CANDIDATE.
  bool nominating = false;
  // The peer sent an authenticated check on this pair, so it knows our
  // credentials and will accept data on it.
  bool remote_validated = false;
  // Belongs to the ICE generation before the latest restart.
  bool previous_generation = false;

  // Statistics (webrtc-stats names).
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
  std::optional<Timestamp> last_packet_sent;
  std::optional<Timestamp> last_packet_received;
  std::optional<Timestamp> last_request_received;
  std::optional<Timestamp> last_response_received;
};

// "CP<local key>_<remote key>".
std::string PairStatsId(const CandidatePair& p);

}  // namespace simrtc::ice

#endif  // CORE_ICE_CANDIDATE_PAIR_H_
