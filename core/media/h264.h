// H.264 RTP payload format (RFC 6184), packetization-mode 1.
//
// H264Payloader takes an Annex-B access unit (3- or 4-byte start codes),
// drops access unit delimiters and filler data, and greedily aggregates
// consecutive NAL units that fit together (SPS/PPS and other small NALs)
// into STAP-A packets; a NAL that fits alone goes as a single NAL unit
// packet, one larger than mtu is split into FU-A fragments.
//
// Parameter sets: SPS and PPS that come in the same access unit as an IDR
// slice go out where they stand (usually one STAP-A with each other, and
// with the IDR too when it fits). SPS and PPS that come in an access unit
// without an IDR slice (an encoder's separate "codec config" unit, or a
// stream fed one NAL unit at a time) are held back instead and sent at the
// start of the next access unit with an IDR slice, where the same greedy
// aggregation puts them in a STAP-A with what follows (the IDR itself when
// it fits, else a STAP-A of their own before its FU-A fragments). The hold
// keeps the newest of each (type, id); a parameter set the IDR's access
// unit carries itself replaces the held one of the same type and id. A unit
// of nothing but parameter sets thus yields no payloads.
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

  // Fails if mtu < 3 (an FU-A needs 2 header bytes plus data); the held
  // parameter sets are then unchanged.
  absl::StatusOr<Payloads> Payload(size_t mtu, ByteSpan frame) override;

  // Parameter sets held for the next IDR, SPS before PPS, each in arrival
  // order.
  std::vector<ByteSpan> held_parameter_sets() const;

 private:
  struct HeldParameterSet {
    uint8_t type;  // 7 (SPS) or 8 (PPS)
    int id;        // seq/pic_parameter_set_id; -1 if unreadable
    std::vector<uint8_t> nal;
  };

  Options options_;
  std::vector<HeldParameterSet> held_;
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
