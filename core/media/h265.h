// H.265/HEVC RTP payload format (RFC 7798), without DONL fields
// (sprop-max-don-diff = 0).
//
// H265Payloader takes an Annex-B access unit, drops access unit delimiters
// (type 35), greedily aggregates consecutive NAL units that fit together
// into Aggregation Packets (type 48), sends one that fits alone as a single
// NAL unit packet and splits a larger one into Fragmentation Units (type 49).
// H265Depacketizer accepts single, AP, FU and PACI payloads and emits
// Annex-B (4-byte start codes), reassembling FUs across calls. A PACI
// (type 50, section 4.4.4) carries a single NAL unit, AP or FU (its cType)
// without that packet's own payload header, which the depacketizer rebuilds
// from A, cType and the PACI's LayerId and TID; the PHES is skipped (its
// TSCI, when F0 is set, is parsed by ParseH265PaciHeader). A frame starts at
// any packet but an FU without S, looking inside PACIs.
#ifndef CORE_MEDIA_H265_H_
#define CORE_MEDIA_H265_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "core/media/payloader.h"

namespace simrtc::media {

inline constexpr uint8_t kH265Ap = 48;
inline constexpr uint8_t kH265Fu = 49;
inline constexpr uint8_t kH265Paci = 50;

// Temporal scalability control information (RFC 7798 section 4.5), the
// first three PHES bytes of a PACI with F0 set.
struct H265Tsci {
  uint8_t tl0_pic_idx = 0;
  uint8_t irap_pic_id = 0;
  bool s = false;
  bool e = false;
};

// The fixed part of a PACI packet: PayloadHdr, A, cType, PHSsize, F0..F2, Y.
struct H265PaciHeader {
  uint8_t layer_id = 0;  // from PayloadHdr, shared with the contained unit
  uint8_t tid = 0;       // ditto (TID plus 1, as in the NAL unit header)
  bool a = false;        // F bit of the contained unit
  uint8_t ctype = 0;     // Type of the contained unit
  uint8_t phs_size = 0;  // PHES length in bytes
  bool f0 = false, f1 = false, f2 = false, y = false;
  std::optional<H265Tsci> tsci;  // F0
  size_t header_size = 0;        // 4 + PHSsize: where the contained unit starts
};

// Parses the header of a PACI payload. Fails on another packet type, a
// nested PACI or reserved cType (> 50), a PHES running past the payload,
// or F0 with a PHES too short for the TSCI.
absl::StatusOr<H265PaciHeader> ParseH265PaciHeader(ByteSpan payload);

class H265Payloader : public Payloader {
 public:
  // Fails if mtu < 4 (an FU needs 3 header bytes plus data).
  absl::StatusOr<Payloads> Payload(size_t mtu, ByteSpan frame) override;
};

class H265Depacketizer : public Depacketizer {
 public:
  absl::StatusOr<std::vector<uint8_t>> Depacketize(ByteSpan payload) override;
  bool IsPartitionHead(ByteSpan payload) const override;
  bool IsPartitionTail(bool marker, ByteSpan payload) const override {
    (void)payload;
    return marker;
  }

 private:
  // A single NAL unit, AP or FU given by its 2-byte payload header and the
  // rest; body_offset is where `body` starts in the RTP payload.
  absl::StatusOr<std::vector<uint8_t>> DepacketizeUnit(uint8_t h0, uint8_t h1,
                                                       ByteSpan body,
                                                       size_t body_offset);

  bool in_fu_ = false;
  std::vector<uint8_t> fu_buffer_;
};

}  // namespace simrtc::media

#endif  // CORE_MEDIA_H265_H_
