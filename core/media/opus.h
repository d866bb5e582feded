// Opus RTP payload format (RFC 7587): one Opus packet per RTP payload,
// never fragmented, so every payload is both a frame head and tail. Plus
// the packet duration a writer needs (Ogg granule positions, RTP
// timestamps).
#ifndef CORE_MEDIA_OPUS_H_
#define CORE_MEDIA_OPUS_H_

#include "core/media/payloader.h"

namespace simrtc::media {

// The duration of an Opus packet in 48 kHz samples, from its TOC byte and,
// for code 3, its frame count byte (RFC 6716 section 3.1). Fails for an
// empty packet, a code 3 packet without its count byte or with zero frames,
// and more than 120 ms of audio (section 3.2.5).
absl::StatusOr<uint32_t> OpusPacketSamples(ByteSpan packet);

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
