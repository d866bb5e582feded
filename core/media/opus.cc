#include "core/media/opus.h"

#include "absl/strings/str_format.h"

namespace simrtc::media {

absl::StatusOr<uint32_t> OpusPacketSamples(ByteSpan packet) {
  if (packet.empty()) {
    return absl::InvalidArgumentError("Opus packet: no TOC byte at offset 0");
  }
  const uint8_t toc = packet[0];
  const uint8_t config = toc >> 3;
  // Frame sizes in 48 kHz samples: SILK-only configs 0..11 cycle through
  // 10/20/40/60 ms, hybrid 12..15 through 10/20 ms, CELT-only 16..31
  // through 2.5/5/10/20 ms.
  uint32_t frame;
  if (config < 12) {
    static constexpr uint32_t kSilk[] = {480, 960, 1920, 2880};
    frame = kSilk[config % 4];
  } else if (config < 16) {
    frame = config % 2 == 0 ? 480 : 960;
  } else {
    static constexpr uint32_t kCelt[] = {120, 240, 480, 960};
    frame = kCelt[config % 4];
  }
  uint32_t frames;
  switch (toc & 0x03) {
    case 0:
      frames = 1;
      break;
    case 1:
    case 2:
      frames = 2;
      break;
    default:
      if (packet.size() < 2) {
        return absl::InvalidArgumentError(
            "Opus packet: code 3 needs a frame count byte at offset 1");
      }
      frames = packet[1] & 0x3F;
      if (frames == 0) {
        return absl::InvalidArgumentError(
            "Opus packet: code 3 frame count at offset 1 is 0");
      }
      break;
  }
  const uint32_t samples = frame * frames;
  if (samples > 5760) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "Opus packet: %d frames of %d samples exceed 120 ms", frames, frame));
  }
  return samples;
}

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
