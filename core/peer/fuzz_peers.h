// The PeerConnections the SDP fuzzer (sdp_offer_fuzzer.cc) feeds, shared
// with the program that writes its seed corpus (sdp_offer_corpus_main.cc),
// so corpus answers fit the fuzzer's local offers.
//
// A fuzz input is one mode byte followed by SDP text. The mode byte's low
// two bits pick the receiving PeerConnection and the SDP type:
//   0  offer  -> a fresh PeerConnection (no transceivers, no channels)
//   1  answer -> a PeerConnection with a local data-only offer applied
//   2  offer  -> a fresh PeerConnection with an audio and a video
//                transceiver and a data channel
//   3  answer -> a PeerConnection with a local audio+video+data offer
// Bit 2 (offers only): after a successful SetRemoteDescription and
// CreateAnswer, roll back instead of applying the answer.
// Corpus files therefore start with '0'..'3' (0x30..0x33).
#ifndef CORE_PEER_FUZZ_PEERS_H_
#define CORE_PEER_FUZZ_PEERS_H_

#include <memory>

#include "absl/status/statusor.h"
#include "core/base/time.h"
#include "core/dtls/certificate.h"
#include "core/peer/peer_connection.h"

namespace simrtc::peer::fuzzing {

enum class FuzzMode {
  kOffer = 0,
  kAnswerToDataOffer = 1,
  kOfferWithTransceivers = 2,
  kAnswerToAvOffer = 3,
};

inline FuzzMode ModeOf(uint8_t mode_byte) {
  return static_cast<FuzzMode>(mode_byte & 3);
}
inline bool IsOfferMode(FuzzMode m) {
  return m == FuzzMode::kOffer || m == FuzzMode::kOfferWithTransceivers;
}

// The virtual time every fuzz input is applied at.
inline Timestamp FuzzNow() { return Timestamp::Seconds(1); }

// A PeerConnection in the starting state of `mode` (fixed configuration and
// seed; `certificate` saves generating one per connection). Events and
// transmits of the setup are drained.
absl::StatusOr<std::unique_ptr<PeerConnection>> MakeFuzzPeer(
    FuzzMode mode, const dtls::Certificate& certificate);

}  // namespace simrtc::peer::fuzzing

#endif  // CORE_PEER_FUZZ_PEERS_H_
