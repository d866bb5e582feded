// Fuzzes the copy-paste format end to end and the JSON reader alone. Any
// input must decode or fail cleanly; whatever decodes must encode back to
// text that decodes to the same description (members, for the JSON reader);
// any bytes quoted by the writer must read back as a valid object.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/peer/signaling.h"
#include "net/signal/json.h"
#include "net/signal/sdp_codec.h"

namespace {

using simrtc::peer::SessionDescription;

void CheckDescription(const absl::StatusOr<SessionDescription>& desc) {
  if (!desc.ok()) return;
  auto again = simrtc::signal::Decode(simrtc::signal::Encode(*desc));
  if (!again.ok() || again->type != desc->type || again->sdp != desc->sdp) {
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  // As pasted base64, and as the JSON inside it.
  CheckDescription(simrtc::signal::Decode(text));
  CheckDescription(simrtc::signal::FromJson(text));

  auto members = simrtc::signal::ParseJsonStringObject(text);
  if (members.ok()) {
    auto again = simrtc::signal::ParseJsonStringObject(
        simrtc::signal::WriteJsonStringObject(*members));
    if (!again.ok() || *again != *members) std::abort();
  }

  // The writer never produces what the reader rejects.
  const std::string quoted = simrtc::signal::JsonQuote(text);
  if (!simrtc::signal::ParseJsonStringObject("{" + quoted + ":" + quoted + "}")
           .ok()) {
    std::abort();
  }
  return 0;
}
