// JSEP (RFC 8829) session descriptions as a model: what an offer or answer
// says about the shared transport and each m= section, built into SDP text
// and parsed (with validation) from the peer's SDP.
//
// Contract:
//  * One transport for everything: every m= section shares one ICE/DTLS
//    transport (BUNDLE, RFC 9143), as every browser negotiates. Sections
//    outside the BUNDLE group of a remote description are reported with
//    `bundled = false`, and the answerer rejects them (port 0).
//  * ParseDescription validates what a PeerConnection needs and names what
//    is missing or wrong, with the m-line index and mid: no m= sections,
//    missing mid, duplicate mid, missing/invalid ice-ufrag, ice-pwd,
//    fingerprint or setup, a=setup:actpass in an answer, a BUNDLE group
//    naming an unknown mid, audio/video without rtcp-mux. Unknown media
//    kinds and unsupported protocols are kept (kind kUnsupported) so the
//    answer can reject them.
//  * BuildSdp writes a description that ParseDescription accepts; both are
//    pure functions (no clock, no randomness).
#ifndef CORE_PEER_JSEP_H_
#define CORE_PEER_JSEP_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "core/dtls/certificate.h"
#include "core/peer/signaling.h"
#include "core/sdp/attributes.h"
#include "core/sdp/codec.h"

namespace simrtc::peer {

enum class MediaKind { kAudio, kVideo, kApplication, kUnsupported };
std::string_view MediaKindName(MediaKind k);  // "audio", ...

// The codecs we offer and accept (Chromium's payload types).
std::vector<sdp::Codec> SupportedCodecs(MediaKind kind);

struct MediaSection {
  MediaKind kind = MediaKind::kApplication;
  std::string mid;
  // Port 0: the section is rejected or stopped.
  bool rejected = false;
  // In the BUNDLE group (remote descriptions; local ones always are).
  bool bundled = true;
  // Offers under max-bundle: a=bundle-only on non-tag sections.
  bool bundle_only = false;
  // m= media and protocol as written (kept for rejected unknown kinds).
  std::string media = "application";
  std::string protocol = "UDP/DTLS/SCTP";
  std::vector<std::string> formats;  // for rejected unknown sections
  // Audio/video.
  sdp::Direction direction = sdp::Direction::kSendRecv;
  std::vector<sdp::Codec> codecs;
  std::optional<std::string> msid;  // "stream track"
  // Application.
  uint16_t sctp_port = 5000;
  size_t max_message_size = 65536;  // RFC 8841 default when absent
};

// The transport parameters every bundled section shares.
struct TransportDescription {
  std::string ice_ufrag;
  std::string ice_pwd;
  bool ice_lite = false;
  bool trickle = true;  // a=ice-options:trickle
  std::vector<dtls::Fingerprint> fingerprints;
  sdp::SetupRole setup = sdp::SetupRole::kActpass;
  // a=candidate values ("candidate:..."), in order.
  std::vector<std::string> candidates;
  bool end_of_candidates = false;
};

struct DescriptionModel {
  uint64_t session_id = 0;
  uint64_t session_version = 0;
  TransportDescription transport;
  std::vector<MediaSection> sections;
  // Mids of the BUNDLE group, in order; the first is the tag.
  std::vector<std::string> bundle;
};

// The m= section that carries the shared transport and the candidates: the
// first live (not rejected, supported) section of the BUNDLE group, or the
// first live one when there is no group. nullopt when all are rejected.
std::optional<size_t> TransportSectionIndex(const DescriptionModel& model);

std::string BuildSdp(const DescriptionModel& model);

// Validates and models a description of type `type` (offer, pranswer or
// answer). Error messages start with "SDP: ".
absl::StatusOr<DescriptionModel> ParseDescription(std::string_view sdp,
                                                  SdpType type);

// The codecs of `offered` we support, in the offer's order with the
// offer's payload types and our feedback intersected.
std::vector<sdp::Codec> NegotiateCodecs(MediaKind kind,
                                        const std::vector<sdp::Codec>& offered);

}  // namespace simrtc::peer

#endif  // CORE_PEER_JSEP_H_
