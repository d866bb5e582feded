// The W3C signaling state machine (signaling.h): every (state, side, type)
// against the table of webrtc-pc "set the session description", and the
// errors of the forbidden ones.
#include "core/peer/signaling.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <tuple>

#include "absl/strings/str_format.h"

namespace simrtc::peer {
namespace {

using ::testing::StartsWith;
using S = SignalingState;
using D = DescriptionSide;
using T = SdpType;

constexpr S kStates[] = {S::kStable,
                         S::kHaveLocalOffer,
                         S::kHaveRemoteOffer,
                         S::kHaveLocalPrAnswer,
                         S::kHaveRemotePrAnswer,
                         S::kClosed};
constexpr D kSides[] = {D::kLocal, D::kRemote};
constexpr T kTypes[] = {T::kOffer, T::kPrAnswer, T::kAnswer, T::kRollback};

// The allowed transitions, written out from the W3C table (webrtc-pc,
// RTCSignalingState and "set the session description"). Rollback: either
// call cancels the pending offer, local or remote (RFC 8829 section 5.7:
// "the same regardless of whether setLocalDescription or
// setRemoteDescription is called"); provisional answers cannot be rolled
// back (webrtc-pc issue 2235) and stable has nothing to roll back.
const std::map<std::tuple<S, D, T>, S>& Allowed() {
  static const auto* table = new std::map<std::tuple<S, D, T>, S>{
      {{S::kStable, D::kLocal, T::kOffer}, S::kHaveLocalOffer},
      {{S::kStable, D::kRemote, T::kOffer}, S::kHaveRemoteOffer},

      {{S::kHaveLocalOffer, D::kLocal, T::kOffer}, S::kHaveLocalOffer},
      {{S::kHaveLocalOffer, D::kRemote, T::kPrAnswer}, S::kHaveRemotePrAnswer},
      {{S::kHaveLocalOffer, D::kRemote, T::kAnswer}, S::kStable},
      {{S::kHaveLocalOffer, D::kLocal, T::kRollback}, S::kStable},
      {{S::kHaveLocalOffer, D::kRemote, T::kRollback}, S::kStable},

      {{S::kHaveRemoteOffer, D::kRemote, T::kOffer}, S::kHaveRemoteOffer},
      {{S::kHaveRemoteOffer, D::kLocal, T::kPrAnswer}, S::kHaveLocalPrAnswer},
      {{S::kHaveRemoteOffer, D::kLocal, T::kAnswer}, S::kStable},
      {{S::kHaveRemoteOffer, D::kLocal, T::kRollback}, S::kStable},
      {{S::kHaveRemoteOffer, D::kRemote, T::kRollback}, S::kStable},

      {{S::kHaveLocalPrAnswer, D::kLocal, T::kPrAnswer}, S::kHaveLocalPrAnswer},
      {{S::kHaveLocalPrAnswer, D::kLocal, T::kAnswer}, S::kStable},

      {{S::kHaveRemotePrAnswer, D::kRemote, T::kPrAnswer},
       S::kHaveRemotePrAnswer},
      {{S::kHaveRemotePrAnswer, D::kRemote, T::kAnswer}, S::kStable},
  };
  return *table;
}

std::string Call(D side, T type) {
  return absl::StrFormat("Set%sDescription(%s)",
                         side == D::kLocal ? "Local" : "Remote",
                         SdpTypeName(type));
}

TEST(SignalingTest, EveryTransitionFollowsTheW3cTable) {
  int allowed = 0;
  int refused = 0;
  for (S state : kStates) {
    for (D side : kSides) {
      for (T type : kTypes) {
        const std::string what = absl::StrFormat("%s in %s", Call(side, type),
                                                 SignalingStateName(state));
        absl::StatusOr<S> next = Transition(state, side, type);
        auto it = Allowed().find({state, side, type});
        if (it != Allowed().end()) {
          ++allowed;
          ASSERT_TRUE(next.ok()) << what << ": " << next.status();
          EXPECT_EQ(*next, it->second) << what;
        } else {
          ++refused;
          ASSERT_FALSE(next.ok()) << what << " gave " << *next;
          EXPECT_EQ(next.status().code(), absl::StatusCode::kFailedPrecondition)
              << what;
          // Names the call, the type and the state, then says why.
          const std::string prefix = absl::StrFormat(
              "%s in state %s: ", Call(side, type), SignalingStateName(state));
          EXPECT_THAT(std::string(next.status().message()), StartsWith(prefix));
          EXPECT_GT(next.status().message().size(), prefix.size() + 5) << what;
        }
      }
    }
  }
  EXPECT_EQ(allowed, 16);
  EXPECT_EQ(refused, 6 * 2 * 4 - 16);
}

TEST(SignalingTest, RefusalsSayWhy) {
  auto message = [](S state, D side, T type) {
    return std::string(Transition(state, side, type).status().message());
  };
  EXPECT_EQ(message(S::kStable, D::kRemote, T::kAnswer),
            "SetRemoteDescription(answer) in state stable: no local offer "
            "to answer");
  EXPECT_EQ(message(S::kStable, D::kLocal, T::kAnswer),
            "SetLocalDescription(answer) in state stable: no remote offer "
            "to answer");
  EXPECT_EQ(message(S::kHaveLocalOffer, D::kRemote, T::kOffer),
            "SetRemoteDescription(offer) in state have-local-offer: our own "
            "offer is pending (glare: roll it back or wait for the answer)");
  EXPECT_EQ(message(S::kHaveRemoteOffer, D::kLocal, T::kOffer),
            "SetLocalDescription(offer) in state have-remote-offer: an offer "
            "from the peer is pending (answer or roll it back first)");
  EXPECT_EQ(message(S::kHaveLocalOffer, D::kLocal, T::kPrAnswer),
            "SetLocalDescription(pranswer) in state have-local-offer: no "
            "remote offer to answer");
  EXPECT_EQ(message(S::kStable, D::kLocal, T::kRollback),
            "SetLocalDescription(rollback) in state stable: no offer to roll "
            "back");
  EXPECT_EQ(message(S::kHaveLocalPrAnswer, D::kRemote, T::kRollback),
            "SetRemoteDescription(rollback) in state have-local-pranswer: a "
            "provisional answer cannot be rolled back");
  for (D side : kSides) {
    for (T type : kTypes) {
      EXPECT_THAT(message(S::kClosed, side, type),
                  testing::EndsWith(": the PeerConnection is closed"));
    }
  }
}

TEST(SignalingTest, NamesRoundTrip) {
  for (T type : kTypes) {
    absl::StatusOr<T> parsed = ParseSdpType(SdpTypeName(type));
    ASSERT_TRUE(parsed.ok()) << parsed.status();
    EXPECT_EQ(*parsed, type);
  }
  EXPECT_EQ(SdpTypeName(T::kPrAnswer), "pranswer");
  absl::StatusOr<T> bad = ParseSdpType("Offer");
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(bad.status().message(),
            "SDP type \"Offer\": expected offer, pranswer, answer or rollback");
  const char* names[] = {"stable",
                         "have-local-offer",
                         "have-remote-offer",
                         "have-local-pranswer",
                         "have-remote-pranswer",
                         "closed"};
  for (size_t i = 0; i < std::size(kStates); ++i) {
    EXPECT_EQ(SignalingStateName(kStates[i]), names[i]);
    std::ostringstream os;
    os << kStates[i];
    EXPECT_EQ(os.str(), names[i]);
  }
}

}  // namespace
}  // namespace simrtc::peer
