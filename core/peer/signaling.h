// The W3C signaling state machine (RTCSignalingState) and SDP types.
//
// Contract: Transition() is a pure function from (state, operation, type)
// to the next state, or FailedPrecondition naming the call, the type and
// the state when W3C forbids it (e.g. "SetRemoteDescription(answer) in
// state stable: no local offer to answer").
#ifndef CORE_PEER_SIGNALING_H_
#define CORE_PEER_SIGNALING_H_

#include <ostream>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace simrtc::peer {

enum class SdpType { kOffer, kPrAnswer, kAnswer, kRollback };
std::string_view SdpTypeName(SdpType t);  // "offer", "pranswer", ...
absl::StatusOr<SdpType> ParseSdpType(std::string_view text);

// W3C RTCSessionDescriptionInit.
struct SessionDescription {
  SdpType type = SdpType::kOffer;
  std::string sdp;
};

enum class SignalingState {
  kStable,
  kHaveLocalOffer,
  kHaveRemoteOffer,
  kHaveLocalPrAnswer,
  kHaveRemotePrAnswer,
  kClosed,
};
std::string_view SignalingStateName(SignalingState s);
std::ostream& operator<<(std::ostream& os, SignalingState s);

enum class DescriptionSide { kLocal, kRemote };

absl::StatusOr<SignalingState> Transition(SignalingState state,
                                          DescriptionSide side, SdpType type);

}  // namespace simrtc::peer

#endif  // CORE_PEER_SIGNALING_H_
