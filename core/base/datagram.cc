#include "core/base/datagram.h"

namespace simrtc {

std::string_view TransportName(Transport t) {
  switch (t) {
    case Transport::kUdp:
      return "udp";
    case Transport::kTcp:
      return "tcp";
  }
  return "unknown";
}

}  // namespace simrtc
