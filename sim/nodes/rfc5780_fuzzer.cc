// Fuzzes the RFC 5780 attribute getters over arbitrary STUN messages.
#include <cstddef>
#include <cstdint>

#include "core/stun/message.h"
#include "sim/nodes/rfc5780.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  absl::StatusOr<simrtc::stun::Message> msg =
      simrtc::stun::Message::Parse(simrtc::ByteSpan(data, size));
  if (!msg.ok()) return 0;
  (void)simrtc::sim::rfc5780::GetChangeRequest(*msg);
  (void)simrtc::sim::rfc5780::GetResponseOrigin(*msg);
  (void)simrtc::sim::rfc5780::GetOtherAddress(*msg);
  (void)simrtc::sim::rfc5780::DecodeChangeRequest(simrtc::ByteSpan(data, size));
  return 0;
}
