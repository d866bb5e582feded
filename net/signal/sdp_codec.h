// The seed's copy-paste signaling format (Pion's and webrtc-rs's
// signal::encode/decode): standard padded base64 of the JSON object
// {"type":"offer","sdp":"v=0\r\n..."}, one line that a user copies between
// terminals or a browser page.
//
// Contract: Encode output always decodes back to the same description.
// Decode tolerates surrounding whitespace and line breaks inside the base64
// (terminals wrap long lines), accepts unknown extra string members, and
// otherwise fails with InvalidArgument naming what is wrong: empty input,
// bad base64 (the offending character and its offset), not JSON (the JSON
// offset), a missing "type" or "sdp", an unknown type, or an empty SDP for
// a type other than rollback. It never crashes on any input.
#ifndef NET_SIGNAL_SDP_CODEC_H_
#define NET_SIGNAL_SDP_CODEC_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "core/peer/signaling.h"

namespace simrtc::signal {

// {"type":"offer","sdp":"..."} (W3C RTCSessionDescriptionInit as JSON, what
// JSON.stringify(pc.localDescription) gives in a browser).
std::string ToJson(const peer::SessionDescription& desc);
absl::StatusOr<peer::SessionDescription> FromJson(std::string_view json);

// base64(ToJson(desc)).
std::string Encode(const peer::SessionDescription& desc);
absl::StatusOr<peer::SessionDescription> Decode(std::string_view text);

}  // namespace simrtc::signal

#endif  // NET_SIGNAL_SDP_CODEC_H_
