// Any input must parse or fail cleanly (with a message). Whatever parses
// must pack, with and without compression, into bytes that parse back to an
// equal Message: compression and escaping must never change a name.
#include <cstdint>
#include <cstdlib>

#include "core/mdns/dns_message.h"

namespace {

void CheckRepack(const simrtc::mdns::Message& msg, bool compress) {
  auto packed = simrtc::mdns::PackMessage(msg, {.compress = compress});
  if (!packed.ok()) std::abort();
  auto again = simrtc::mdns::ParseMessage(*packed);
  if (!again.ok() || !(*again == msg)) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto msg = simrtc::mdns::ParseMessage(simrtc::ByteSpan(data, size));
  if (!msg.ok()) {
    if (msg.status().message().empty()) std::abort();
    return 0;
  }
  CheckRepack(*msg, /*compress=*/true);
  CheckRepack(*msg, /*compress=*/false);
  return 0;
}
