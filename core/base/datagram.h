// What crosses the boundary between a sans-IO protocol object and its driver.
#ifndef CORE_BASE_DATAGRAM_H_
#define CORE_BASE_DATAGRAM_H_

#include <cstdint>
#include <string_view>
#include <vector>

#include "core/base/socket_address.h"
#include "core/base/time.h"

namespace simrtc {

enum class Transport : uint8_t { kUdp = 0, kTcp = 1 };

std::string_view TransportName(Transport t);

// A datagram received by a protocol object. `local` is the address it was
// received on (which local socket/interface), `remote` where it came from.
// The payload is owned so a datagram may be queued; hot paths that only
// inspect bytes take a ByteSpan instead.
struct Datagram {
  SocketAddress local;
  SocketAddress remote;
  Transport transport = Transport::kUdp;
  std::vector<uint8_t> payload;
};

// A datagram a protocol object asks its driver to send from `local` (the
// driver picks a socket bound there; unset means "any") to `remote`.
struct Transmit {
  SocketAddress local;
  SocketAddress remote;
  Transport transport = Transport::kUdp;
  std::vector<uint8_t> payload;
};

}  // namespace simrtc

#endif  // CORE_BASE_DATAGRAM_H_
