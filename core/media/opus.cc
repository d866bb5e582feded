#include "core/media/opus.h"

namespace simrtc::media {

absl::StatusOr<Payloads> OpusPayloader::Payload(size_t, ByteSpan frame) {
  Payloads out;
  if (!frame.empty()) out.emplace_back(frame.begin(), frame.end());
  return out;
}

absl::StatusOr<std::vector<uint8_t>> OpusDepacketizer::Depacketize(
    ByteSpan payload) {
  if (payload.empty()) {
    return absl::InvalidArgumentError("Opus payload: empty (offset 0)");
  }
  return std::vector<uint8_t>(payload.begin(), payload.end());
}

}  // namespace simrtc::media
