// What an ICE agent reports through PollEvent(), in the order it happened.
//
// Contract: events are values; candidates inside are copies, so they stay
// valid whatever the agent does next.
#ifndef CORE_ICE_EVENTS_H_
#define CORE_ICE_EVENTS_H_

#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "core/base/socket_address.h"
#include "core/ice/candidate.h"
#include "core/ice/candidate_pair.h"
#include "core/ice/types.h"

namespace simrtc::ice {

// A local candidate to signal to the peer (trickle); nullopt is
// end-of-candidates (RFC 8838 section 8.2), sent once gathering completes.
struct LocalCandidateEvent {
  std::optional<Candidate> candidate;
};

struct GatheringStateEvent {
  GatheringState state;
};

struct ConnectionStateEvent {
  ConnectionState state;
};

// The pair Send() now uses. `local` is the valid pair's local candidate
// (the reflexive one when a NAT is in the way).
struct SelectedPairEvent {
  PairId pair = 0;
  std::string pair_id;  // stats id
  Candidate local;
  Candidate remote;
};

// The agent switched role (RFC 8445 section 7.3.1.1 / 7.2.5.1 conflict).
struct RoleEvent {
  Role role;
};

// Non-STUN bytes that arrived on a valid pair (DTLS, SRTP, ...).
struct ApplicationDataEvent {
  PairId pair = 0;
  SocketAddress local;   // the local socket (relayed address for relay)
  SocketAddress remote;  // the peer's transport address
  std::vector<uint8_t> payload;
};

using Event =
    std::variant<LocalCandidateEvent, GatheringStateEvent, ConnectionStateEvent,
                 SelectedPairEvent, RoleEvent, ApplicationDataEvent>;

}  // namespace simrtc::ice

#endif  // CORE_ICE_EVENTS_H_
