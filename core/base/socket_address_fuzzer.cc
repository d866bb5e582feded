// Fuzzes the textual address parsers: any input must parse or fail cleanly,
// and whatever parses must format back to something that parses to the same.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/base/socket_address.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto addr = simrtc::SocketAddress::Parse(text);
  if (addr.ok()) {
    auto again = simrtc::SocketAddress::Parse(addr->ToString());
    if (!again.ok() || *again != *addr) std::abort();
  }
  auto ip = simrtc::IpAddress::Parse(text);
  if (ip.ok()) {
    auto again = simrtc::IpAddress::Parse(ip->ToString());
    if (!again.ok() || *again != *ip) std::abort();
  }
  return 0;
}
