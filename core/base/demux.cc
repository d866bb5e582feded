#include "core/base/demux.h"

namespace simrtc {

std::string_view PacketClassName(PacketClass c) {
  switch (c) {
    case PacketClass::kStun:
      return "STUN";
    case PacketClass::kZrtp:
      return "ZRTP";
    case PacketClass::kDtls:
      return "DTLS";
    case PacketClass::kTurnChannel:
      return "TURN-ChannelData";
    case PacketClass::kRtp:
      return "RTP/RTCP";
    case PacketClass::kUnknown:
      return "unknown";
  }
  return "unknown";
}

std::ostream& operator<<(std::ostream& os, PacketClass c) {
  return os << PacketClassName(c);
}

}  // namespace simrtc
