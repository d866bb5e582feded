// Fuzzes PeerConnection::SetRemoteDescription with arbitrary SDP (the input
// format is in fuzz_peers.h: a mode byte, then the SDP text).
//
// Invariants (abort() on violation):
//  * A refused description returns a non-OK status and changes nothing:
//    signaling state, descriptions, transceivers, ICE credentials, role and
//    remote candidates, DTLS transport, states, timers; no event and no
//    datagram comes out.
//  * An accepted offer leads to have-remote-offer; CreateAnswer succeeds and
//    its SDP parses back (ParseDescription) with the offer's m-lines (mid
//    and media) in order; then either SetLocalDescription(answer) succeeds and
//    leads to stable, or a rollback returns to exactly the state before.
//  * An accepted answer keeps our offer's m-lines (mid and media, in
//    order), leads to stable and becomes the current remote description;
//    DTLS starts when it describes a transport.
// The receiving PeerConnections live for the whole process (one per mode)
// and are replaced only after an input was applied for good.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "core/peer/fuzz_peers.h"
#include "core/peer/jsep.h"
#include "core/peer/peer_connection.h"

namespace {

using namespace simrtc::peer;  // NOLINT: a fuzz driver, not library code
using simrtc::peer::fuzzing::FuzzMode;

[[noreturn]] void Fail(const char* what, const std::string& detail = "") {
  std::fprintf(stderr, "sdp_offer_fuzzer invariant violated: %s %s\n", what,
               detail.c_str());
  std::abort();
}

void Check(bool ok, const char* what, const std::string& detail = "") {
  if (!ok) Fail(what, detail);
}

// SDP_OFFER_FUZZER_TRACE=1 prints one line per input (mode, outcome, the
// refusal), to see what a corpus reaches.
void Trace(FuzzMode mode, const char* outcome, const absl::Status& s = {}) {
  static const bool on = std::getenv("SDP_OFFER_FUZZER_TRACE") != nullptr;
  if (!on) return;
  std::fprintf(stderr, "trace mode=%d %s %s\n", static_cast<int>(mode), outcome,
               std::string(s.message()).c_str());
}

// Everything a refused description must leave alone.
struct Snapshot {
  SignalingState signaling;
  std::optional<std::string> pending_local, current_local;
  std::optional<std::string> pending_remote, current_remote;
  std::vector<std::tuple<MediaKind, std::optional<std::string>, int,
                         std::optional<int>, size_t, bool>>
      transceivers;
  std::string local_ufrag, local_pwd;
  std::optional<std::string> remote_ufrag, remote_pwd;
  int ice_role;
  uint32_t ice_generation;
  size_t remote_candidates;
  bool dtls;
  PeerConnectionState state;
  int ice_state, gathering;
  std::optional<simrtc::Timestamp> next_timeout;

  bool operator==(const Snapshot&) const = default;
};

std::optional<std::string> Sdp(const std::optional<SessionDescription>& d) {
  if (!d.has_value()) return std::nullopt;
  return std::string(SdpTypeName(d->type)) + ":" + d->sdp;
}

Snapshot Take(const PeerConnection& pc) {
  Snapshot s;
  s.signaling = pc.signaling_state();
  s.pending_local = Sdp(pc.pending_local_description());
  s.current_local = Sdp(pc.current_local_description());
  s.pending_remote = Sdp(pc.pending_remote_description());
  s.current_remote = Sdp(pc.current_remote_description());
  for (const auto& t : pc.transceivers()) {
    std::optional<int> current;
    if (t->current_direction.has_value()) {
      current = static_cast<int>(*t->current_direction);
    }
    s.transceivers.emplace_back(t->kind, t->mid, static_cast<int>(t->direction),
                                current, t->codecs.size(), t->stopped);
  }
  const simrtc::ice::Agent& ice = pc.ice_agent();
  s.local_ufrag = ice.local_credentials().ufrag;
  s.local_pwd = ice.local_credentials().pwd;
  if (ice.remote_credentials().has_value()) {
    s.remote_ufrag = ice.remote_credentials()->ufrag;
    s.remote_pwd = ice.remote_credentials()->pwd;
  }
  s.ice_role = static_cast<int>(ice.role());
  s.ice_generation = ice.generation();
  s.remote_candidates = ice.remote_candidates().size();
  s.dtls = pc.dtls() != nullptr;
  s.state = pc.connection_state();
  s.ice_state = static_cast<int>(pc.ice_connection_state());
  s.gathering = static_cast<int>(pc.ice_gathering_state());
  s.next_timeout = pc.NextTimeout();
  return s;
}

void Drain(PeerConnection& pc) {
  while (pc.PollEvent()) {
  }
  while (pc.PollTransmit()) {
  }
}

const simrtc::dtls::Certificate& FixedCertificate() {
  static const simrtc::dtls::Certificate* cert = [] {
    auto c = simrtc::dtls::Certificate::Generate();
    if (!c.ok()) Fail("certificate", std::string(c.status().message()));
    return new simrtc::dtls::Certificate(*std::move(c));
  }();
  return *cert;
}

// One receiving PeerConnection per mode, made on first use.
std::unique_ptr<PeerConnection>& Peer(FuzzMode mode) {
  static std::unique_ptr<PeerConnection> peers[4];
  std::unique_ptr<PeerConnection>& p = peers[static_cast<int>(mode)];
  if (p == nullptr) {
    auto made = fuzzing::MakeFuzzPeer(mode, FixedCertificate());
    if (!made.ok()) Fail("MakeFuzzPeer", std::string(made.status().message()));
    p = *std::move(made);
  }
  return p;
}

void CheckAnswerFits(const std::string& offer_sdp,
                     const std::string& answer_sdp) {
  absl::StatusOr<DescriptionModel> offer =
      ParseDescription(offer_sdp, SdpType::kOffer);
  Check(offer.ok(), "accepted offer does not parse",
        std::string(offer.status().message()));
  absl::StatusOr<DescriptionModel> answer =
      ParseDescription(answer_sdp, SdpType::kAnswer);
  Check(answer.ok(), "CreateAnswer's SDP does not parse",
        std::string(answer.status().message()) + "\n" + answer_sdp);
  Check(answer->sections.size() == offer->sections.size(),
        "answer m-line count differs from the offer's", answer_sdp);
  for (size_t i = 0; i < offer->sections.size(); ++i) {
    const MediaSection& o = offer->sections[i];
    const MediaSection& a = answer->sections[i];
    Check(a.mid == o.mid, "answer mid differs from the offer's", answer_sdp);
    Check(a.media == o.media, "answer media differs from the offer's",
          answer_sdp);
    if (!a.rejected) {
      Check(!o.rejected && o.bundled, "answer accepts a rejected section",
            answer_sdp);
      Check(a.kind == o.kind && a.kind != MediaKind::kUnsupported,
            "answer accepts a section of another kind", answer_sdp);
    }
  }
  for (const std::string& mid : answer->bundle) {
    bool live = false;
    for (const MediaSection& a : answer->sections) {
      live |= a.mid == mid && !a.rejected;
    }
    Check(live, "answer bundles a rejected section", answer_sdp);
  }
}

void FuzzOffer(FuzzMode mode, bool rollback, const std::string& sdp) {
  const simrtc::Timestamp now = fuzzing::FuzzNow();
  std::unique_ptr<PeerConnection>& pc = Peer(mode);
  const Snapshot before = Take(*pc);
  absl::Status s =
      pc->SetRemoteDescription(now, SessionDescription{SdpType::kOffer, sdp});
  if (!s.ok()) {
    Trace(mode, "refused", s);
    Check(Take(*pc) == before, "refused offer changed the state",
          std::string(s.message()));
    Check(!pc->PollEvent().has_value(), "refused offer emitted an event");
    Check(!pc->PollTransmit().has_value(), "refused offer sent a datagram");
    return;
  }
  Check(pc->signaling_state() == SignalingState::kHaveRemoteOffer,
        "accepted offer: not have-remote-offer");
  Check(pc->remote_description().has_value() &&
            pc->remote_description()->sdp == sdp,
        "accepted offer is not the remote description");
  absl::StatusOr<SessionDescription> answer = pc->CreateAnswer(now);
  Check(answer.ok(), "CreateAnswer failed after an accepted offer",
        std::string(answer.status().message()));
  Check(answer->type == SdpType::kAnswer, "CreateAnswer type");
  CheckAnswerFits(sdp, answer->sdp);
  if (rollback) {
    absl::Status r = pc->SetRemoteDescription(
        now, SessionDescription{SdpType::kRollback, ""});
    Check(r.ok(), "rollback failed", std::string(r.message()));
    Drain(*pc);
    Check(Take(*pc) == before, "rollback did not restore the state");
    Trace(mode, "accepted+rolled-back");
    return;
  }
  absl::Status l = pc->SetLocalDescription(now, *answer);
  Check(l.ok(), "SetLocalDescription(answer) failed", std::string(l.message()));
  Check(pc->signaling_state() == SignalingState::kStable,
        "SetLocalDescription(answer): not stable");
  Check(pc->current_remote_description().has_value() &&
            pc->current_remote_description()->sdp == sdp,
        "answered offer is not the current remote description");
  Trace(mode, "accepted+answered");
  pc.reset();  // the next input starts from a fresh connection
}

void FuzzAnswer(FuzzMode mode, const std::string& sdp) {
  const simrtc::Timestamp now = fuzzing::FuzzNow();
  std::unique_ptr<PeerConnection>& pc = Peer(mode);
  const Snapshot before = Take(*pc);
  const std::optional<SessionDescription> our_offer =
      pc->pending_local_description();
  Check(our_offer.has_value(), "answer mode without a local offer");
  absl::Status s =
      pc->SetRemoteDescription(now, SessionDescription{SdpType::kAnswer, sdp});
  if (!s.ok()) {
    Trace(mode, "refused", s);
    Check(Take(*pc) == before, "refused answer changed the state",
          std::string(s.message()));
    Check(!pc->PollEvent().has_value(), "refused answer emitted an event");
    Check(!pc->PollTransmit().has_value(), "refused answer sent a datagram");
    return;
  }
  Check(pc->signaling_state() == SignalingState::kStable,
        "accepted answer: not stable");
  Check(pc->current_remote_description().has_value() &&
            pc->current_remote_description()->sdp == sdp,
        "accepted answer is not the current remote description");
  absl::StatusOr<DescriptionModel> model =
      ParseDescription(sdp, SdpType::kAnswer);
  Check(model.ok(), "accepted answer does not parse");
  absl::StatusOr<DescriptionModel> offer =
      ParseDescription(our_offer->sdp, SdpType::kOffer);
  Check(offer.ok(), "our offer does not parse");
  Check(model->sections.size() == offer->sections.size(),
        "accepted answer has another m-line count", sdp);
  for (size_t i = 0; i < offer->sections.size(); ++i) {
    Check(model->sections[i].mid == offer->sections[i].mid &&
              model->sections[i].media == offer->sections[i].media,
          "accepted answer changes an m-line's mid or media", sdp);
  }
  Check((pc->dtls() != nullptr) == !model->transport.ice_ufrag.empty(),
        "accepted answer: DTLS transport does not follow the answer");
  Trace(mode, "accepted");
  pc.reset();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const FuzzMode mode = fuzzing::ModeOf(data[0]);
  const std::string sdp(reinterpret_cast<const char*>(data) + 1, size - 1);
  if (fuzzing::IsOfferMode(mode)) {
    FuzzOffer(mode, (data[0] & 4) != 0, sdp);
  } else {
    FuzzAnswer(mode, sdp);
  }
  return 0;
}
