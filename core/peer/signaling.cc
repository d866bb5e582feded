#include "core/peer/signaling.h"

#include "absl/strings/str_format.h"

namespace simrtc::peer {

std::string_view SdpTypeName(SdpType t) {
  switch (t) {
    case SdpType::kOffer:
      return "offer";
    case SdpType::kPrAnswer:
      return "pranswer";
    case SdpType::kAnswer:
      return "answer";
    case SdpType::kRollback:
      return "rollback";
  }
  return "unknown";
}

absl::StatusOr<SdpType> ParseSdpType(std::string_view text) {
  for (SdpType t : {SdpType::kOffer, SdpType::kPrAnswer, SdpType::kAnswer,
                    SdpType::kRollback}) {
    if (text == SdpTypeName(t)) return t;
  }
  return absl::InvalidArgumentError(absl::StrFormat(
      "SDP type \"%s\": expected offer, pranswer, answer or rollback", text));
}

std::string_view SignalingStateName(SignalingState s) {
  switch (s) {
    case SignalingState::kStable:
      return "stable";
    case SignalingState::kHaveLocalOffer:
      return "have-local-offer";
    case SignalingState::kHaveRemoteOffer:
      return "have-remote-offer";
    case SignalingState::kHaveLocalPrAnswer:
      return "have-local-pranswer";
    case SignalingState::kHaveRemotePrAnswer:
      return "have-remote-pranswer";
    case SignalingState::kClosed:
      return "closed";
  }
  return "unknown";
}

std::ostream& operator<<(std::ostream& os, SignalingState s) {
  return os << SignalingStateName(s);
}

absl::StatusOr<SignalingState> Transition(SignalingState state,
                                          DescriptionSide side, SdpType type) {
  using S = SignalingState;
  const bool local = side == DescriptionSide::kLocal;
  auto refuse = [&](std::string_view why) {
    return absl::FailedPreconditionError(absl::StrFormat(
        "Set%sDescription(%s) in state %s: %s", local ? "Local" : "Remote",
        SdpTypeName(type), SignalingStateName(state), why));
  };
  if (state == S::kClosed) return refuse("the PeerConnection is closed");
  switch (type) {
    case SdpType::kOffer:
      if (state == S::kStable) {
        return local ? S::kHaveLocalOffer : S::kHaveRemoteOffer;
      }
      if (local && state == S::kHaveLocalOffer) return S::kHaveLocalOffer;
      if (!local && state == S::kHaveRemoteOffer) return S::kHaveRemoteOffer;
      return refuse(local ? "an offer from the peer is pending (answer or "
                            "roll it back first)"
                          : "our own offer is pending (glare: roll it back "
                            "or wait for the answer)");
    case SdpType::kPrAnswer:
      if (local &&
          (state == S::kHaveRemoteOffer || state == S::kHaveLocalPrAnswer)) {
        return S::kHaveLocalPrAnswer;
      }
      if (!local &&
          (state == S::kHaveLocalOffer || state == S::kHaveRemotePrAnswer)) {
        return S::kHaveRemotePrAnswer;
      }
      return refuse(local ? "no remote offer to answer"
                          : "no local offer to answer");
    case SdpType::kAnswer:
      if (local &&
          (state == S::kHaveRemoteOffer || state == S::kHaveLocalPrAnswer)) {
        return S::kStable;
      }
      if (!local &&
          (state == S::kHaveLocalOffer || state == S::kHaveRemotePrAnswer)) {
        return S::kStable;
      }
      return refuse(local ? "no remote offer to answer"
                          : "no local offer to answer");
    case SdpType::kRollback:
      // Either call cancels the pending offer, local or remote (RFC 8829
      // section 5.7); W3C refuses to roll back provisional answers.
      if (state == S::kHaveLocalOffer || state == S::kHaveRemoteOffer) {
        return S::kStable;
      }
      return refuse(state == S::kStable
                        ? "no offer to roll back"
                        : "a provisional answer cannot be rolled back");
  }
  return refuse("unknown type");
}

}  // namespace simrtc::peer
