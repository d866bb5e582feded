// RFC 7983 (updating RFC 5764 section 5.1.2) demultiplexing of everything
// that shares one WebRTC 5-tuple: STUN, ZRTP, DTLS, TURN ChannelData and
// SRTP/SRTCP are told apart by the first byte alone.
//
// Contract: classification never reads past the first byte (or the second,
// for the RTP/RTCP split), never fails and costs a couple of comparisons, so
// a receive path can call it on every datagram before any parsing. A
// classification is a routing hint, not validation: the chosen protocol
// still parses the datagram and may reject it.
#ifndef CORE_BASE_DEMUX_H_
#define CORE_BASE_DEMUX_H_

#include <cstdint>
#include <ostream>
#include <span>
#include <string_view>

namespace simrtc {

enum class PacketClass : uint8_t {
  kStun,         // first byte 0..3
  kZrtp,         // 16..19
  kDtls,         // 20..63
  kTurnChannel,  // 64..79 (TURN ChannelData, RFC 8656)
  kRtp,          // 128..191 (RTP or RTCP: see IsRtcp)
  kUnknown,      // anything else, or an empty datagram
};

// The RFC 7983 ranges. 20..63 is wider than today's DTLS content types
// (20..26) because the RFC reserves the rest for future ones. The gaps
// (4..15, 80..127, 192..255) belong to nothing and must be dropped.
constexpr PacketClass ClassifyFirstByte(uint8_t b) {
  if (b <= 3) return PacketClass::kStun;
  if (b >= 16 && b <= 19) return PacketClass::kZrtp;
  if (b >= 20 && b <= 63) return PacketClass::kDtls;
  if (b >= 64 && b <= 79) return PacketClass::kTurnChannel;
  if (b >= 128 && b <= 191) return PacketClass::kRtp;
  return PacketClass::kUnknown;
}

constexpr PacketClass ClassifyPacket(std::span<const uint8_t> datagram) {
  if (datagram.empty()) return PacketClass::kUnknown;
  return ClassifyFirstByte(datagram[0]);
}

// RFC 5761 section 4: within the RTP range, RTCP packet types 192..223
// (SR, RR, SDES, BYE, APP, RTPFB, PSFB, ...) occupy the second byte where
// RTP has marker bit + payload type, and RTP payload types 64..95 are
// avoided so the two never collide. Only meaningful for kRtp datagrams.
constexpr bool IsRtcp(std::span<const uint8_t> datagram) {
  return datagram.size() >= 2 && datagram[1] >= 192 && datagram[1] <= 223;
}

std::string_view PacketClassName(PacketClass c);
std::ostream& operator<<(std::ostream& os, PacketClass c);

}  // namespace simrtc

#endif  // CORE_BASE_DEMUX_H_
