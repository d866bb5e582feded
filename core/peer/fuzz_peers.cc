#include "core/peer/fuzz_peers.h"

#include <utility>

namespace simrtc::peer::fuzzing {

absl::StatusOr<std::unique_ptr<PeerConnection>> MakeFuzzPeer(
    FuzzMode mode, const dtls::Certificate& certificate) {
  const Timestamp now = FuzzNow();
  Configuration config;
  config.certificate = certificate;
  ice::LocalInterface itf;
  itf.address = SocketAddress(IpAddress::V4(10, 0, 0, 1), 5000);
  itf.name = "eth0";
  config.interfaces.push_back(itf);
  absl::StatusOr<std::unique_ptr<PeerConnection>> pc =
      PeerConnection::Create(std::move(config), Rng(7), now);
  if (!pc.ok()) return pc.status();
  PeerConnection& p = **pc;
  const bool media = mode == FuzzMode::kOfferWithTransceivers ||
                     mode == FuzzMode::kAnswerToAvOffer;
  if (media) {
    for (MediaKind kind : {MediaKind::kAudio, MediaKind::kVideo}) {
      if (absl::StatusOr<Transceiver*> t = p.AddTransceiver(now, kind);
          !t.ok()) {
        return t.status();
      }
    }
  }
  if (mode != FuzzMode::kOffer) {
    if (auto c = p.CreateDataChannel(now, "fuzz"); !c.ok()) return c.status();
  }
  if (!IsOfferMode(mode)) {
    if (absl::Status s = p.SetLocalDescription(now); !s.ok()) return s;
  }
  while (p.PollEvent()) {
  }
  while (p.PollTransmit()) {
  }
  return pc;
}

}  // namespace simrtc::peer::fuzzing
