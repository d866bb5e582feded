// H.264 RTP payload format (RFC 6184), packetization-mode 1.
//
// H264Payloader takes an Annex-B access unit (3- or 4-byte start codes),
// drops access unit delimiters and filler data, and greedily aggregates
// consecutive NAL units that fit together (SPS/PPS and other small NALs)
// into STAP-A packets; a NAL that fits alone goes as a single NAL unit
// packet, one larger than mtu is split into FU-A fragments.
//
// H264Depacketizer accepts single NAL, STAP-A and FU-A payloads and emits
// NAL units as Annex-B (00 00 00 01 prefix) or AVC (4-byte big-endian
// length) per the chosen output. FU-A fragments are reassembled across
// calls; a fragment whose start was lost is an error and the partial unit
// is discarded. STAP-B, MTAP and FU-B (interleaved mode) are rejected.
#ifndef CORE_MEDIA_H264_H_
#define CORE_MEDIA_H264_H_

#include <cstdint>
#include <vector>

#include "core/media/payloader.h"

namespace simrtc::media {

inline constexpr uint8_t kH264StapA = 24;
inline constexpr uint8_t kH264FuA = 28;

// NAL units of an Annex-B byte stream, without their start codes. Bytes
// before the first start code are ignored; trailing zero bytes of a NAL
// (the zero_byte of a following 4-byte start code) are trimmed.
std::vector<ByteSpan> SplitAnnexB(ByteSpan stream);

class H264Payloader : public Payloader {
 public:
  struct Options {
    bool disable_stap_a = false;
  };
  H264Payloader() = default;
  explicit H264Payloader(Options o) : options_(o) {}

  // Fails if mtu < 3 (an FU-A needs 2 header bytes plus data).
  absl::StatusOr<Payloads> Payload(size_t mtu, ByteSpan frame) override;

 private:
  Options options_;
};

class H264Depacketizer : public Depacketizer {
 public:
  enum class Output { kAnnexB, kAvc };
  H264Depacketizer() = default;
  explicit H264Depacketizer(Output o) : output_(o) {}

  absl::StatusOr<std::vector<uint8_t>> Depacketize(ByteSpan payload) override;
  // FU-A: only the fragment with S set; any other packet type starts a NAL.
  bool IsPartitionHead(ByteSpan payload) const override;
  bool IsPartitionTail(bool marker, ByteSpan payload) const override {
    (void)payload;
    return marker;
  }

 private:
  void AppendNal(std::vector<uint8_t>& out, ByteSpan nal) const;

  Output output_ = Output::kAnnexB;
  bool in_fu_ = false;
  std::vector<uint8_t> fu_buffer_;  // NAL header + fragments so far
};

}  // namespace simrtc::media

#endif  // CORE_MEDIA_H264_H_
