// Telling RTP from RTCP on a shared port (rtcp-mux, RFC 5761 section 4).
//
// With rtcp-mux both arrive on one 5-tuple; the second byte decides. RTCP
// packet types 192..223 occupy the bit positions of RTP's marker + payload
// type, so RTP payload types 64..95 are unusable under rtcp-mux and a
// second byte in 192..223 means RTCP. This is a classifier, not a parser:
// a packet classified as RTP or RTCP may still fail to parse.
#ifndef CORE_RTP_RTP_RTCP_DEMUX_H_
#define CORE_RTP_RTP_RTCP_DEMUX_H_

#include <cstdint>

#include "core/base/byte_io.h"

namespace simrtc::rtp {

enum class RtpRtcpKind { kRtp, kRtcp, kNeither };

// kNeither for anything without version 2 or shorter than the smallest
// header of its kind (12 bytes RTP, 4 bytes RTCP).
inline RtpRtcpKind ClassifyRtpRtcp(ByteSpan packet) {
  if (packet.size() < 4 || (packet[0] >> 6) != 2) return RtpRtcpKind::kNeither;
  if (packet[1] >= 192 && packet[1] <= 223) return RtpRtcpKind::kRtcp;
  return packet.size() >= 12 ? RtpRtcpKind::kRtp : RtpRtcpKind::kNeither;
}

inline bool IsRtcpPacket(ByteSpan packet) {
  return ClassifyRtpRtcp(packet) == RtpRtcpKind::kRtcp;
}
inline bool IsRtpPacket(ByteSpan packet) {
  return ClassifyRtpRtcp(packet) == RtpRtcpKind::kRtp;
}

// Payload types an RTP session may use when rtcp-mux is on.
constexpr bool IsPayloadTypeUsableWithRtcpMux(uint8_t payload_type) {
  return payload_type <= 127 && (payload_type < 64 || payload_type > 95);
}

}  // namespace simrtc::rtp

#endif  // CORE_RTP_RTP_RTCP_DEMUX_H_
