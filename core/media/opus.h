// Opus RTP payload format (RFC 7587): one Opus packet per RTP payload,
// never fragmented, so every payload is both a frame head and tail.
#ifndef CORE_MEDIA_OPUS_H_
#define CORE_MEDIA_OPUS_H_

#include "core/media/payloader.h"

namespace simrtc::media {

class OpusPayloader : public Payloader {
 public:
  // The whole frame as one payload; `mtu` is not enforced because RFC 7587
  // forbids splitting an Opus packet.
  absl::StatusOr<Payloads> Payload(size_t mtu, ByteSpan frame) override;
};

class OpusDepacketizer : public Depacketizer {
 public:
  // Fails on an empty payload (RFC 7587 has no empty Opus packet).
  absl::StatusOr<std::vector<uint8_t>> Depacketize(ByteSpan payload) override;
  bool IsPartitionHead(ByteSpan) const override { return true; }
  bool IsPartitionTail(bool, ByteSpan) const override { return true; }
};

}  // namespace simrtc::media

#endif  // CORE_MEDIA_OPUS_H_
