// Any input must parse or fail cleanly. Because parsing is strict, whatever
// parses must build back to exactly the input bytes, and its reliability view
// must map back to an equivalent channel type.
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <variant>

#include "core/datachannel/dcep_message.h"

using simrtc::datachannel::DataChannelOpen;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  simrtc::ByteSpan input(data, size);
  auto parsed = simrtc::datachannel::ParseDcepMessage(input);
  if (!parsed.ok()) {
    if (parsed.status().message().empty()) std::abort();
    return 0;
  }
  auto built = simrtc::datachannel::BuildDcepMessage(*parsed);
  if (!built.ok() || built->size() != size ||
      (size != 0 && std::memcmp(built->data(), data, size) != 0)) {
    std::abort();
  }
  if (const auto* open = std::get_if<DataChannelOpen>(&*parsed)) {
    auto again = DataChannelOpen::FromReliability(
        open->GetReliability(), open->label, open->protocol, open->priority);
    if (!again.ok() || again->channel_type != open->channel_type ||
        again->GetReliability() != open->GetReliability()) {
      std::abort();
    }
  }
  return 0;
}
