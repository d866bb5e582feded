// Codec views of an RTP media description: the m= payload types joined with
// their rtpmap, fmtp and rtcp-fb attributes.
//
// Contract: lookups read the attributes afresh on every call (nothing is
// cached, so they never go stale after edits), report malformed attributes
// as InvalidArgument, and absent codecs as NotFound. Non-RTP media (e.g.
// m=application ... webrtc-datachannel) have no codecs: an empty list.
#ifndef CORE_SDP_CODEC_H_
#define CORE_SDP_CODEC_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "core/sdp/attributes.h"
#include "core/sdp/sdp.h"

namespace simrtc::sdp {

struct Codec {
  uint8_t payload_type = 0;
  std::string name;  // as written in rtpmap, e.g. "opus", "VP8", "rtx"
  uint32_t clock_rate = 0;
  std::optional<uint32_t> channels;
  std::string fmtp;  // parameters of the a=fmtp line, "" when none
  // rtcp-fb lines for this payload type and for "*", in attribute order.
  std::vector<RtcpFb> feedback;

  friend bool operator==(const Codec&, const Codec&) = default;
};

// True when the m= protocol carries RTP (its formats are payload types).
bool IsRtpProtocol(std::string_view protocol);

// Every codec, in m= line (preference) order. A static payload type
// (RFC 3551, e.g. 0 PCMU, 8 PCMA, 9 G722) without rtpmap gets its table
// entry; a dynamic one without rtpmap is an error.
absl::StatusOr<std::vector<Codec>> GetCodecs(const MediaDescription& media);

// The codec for one payload type; NotFound unless it is listed on m=.
absl::StatusOr<Codec> GetCodec(const MediaDescription& media,
                               uint8_t payload_type);

// Payload types whose encoding name equals `name` case-insensitively and,
// if `fmtp` is given, whose fmtp contains those parameters (FmtpContains).
// In m= order; empty when none match.
absl::StatusOr<std::vector<uint8_t>> FindPayloadTypes(
    const MediaDescription& media, std::string_view name,
    std::optional<std::string_view> fmtp = std::nullopt);

// Appends the codec to `media`: its payload type to the m= formats and its
// rtpmap, rtcp-fb and fmtp lines (Chromium's order) to the attributes.
void AddCodec(MediaDescription& media, const Codec& codec);

}  // namespace simrtc::sdp

#endif  // CORE_SDP_CODEC_H_
