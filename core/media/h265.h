// H.265/HEVC RTP payload format (RFC 7798), without DONL fields
// (sprop-max-don-diff = 0).
//
// H265Payloader takes an Annex-B access unit, drops access unit delimiters
// (type 35), greedily aggregates consecutive NAL units that fit together
// into Aggregation Packets (type 48), sends one that fits alone as a single
// NAL unit packet and splits a larger one into Fragmentation Units (type 49).
// H265Depacketizer accepts single, AP and FU payloads and emits Annex-B
// (4-byte start codes), reassembling FUs across calls; PACI (type 50) is
// rejected. A frame starts at any non-FU packet or an FU with S set.
#ifndef CORE_MEDIA_H265_H_
#define CORE_MEDIA_H265_H_

#include <cstdint>
#include <vector>

#include "core/media/payloader.h"

namespace simrtc::media {

inline constexpr uint8_t kH265Ap = 48;
inline constexpr uint8_t kH265Fu = 49;
inline constexpr uint8_t kH265Paci = 50;

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
  bool in_fu_ = false;
  std::vector<uint8_t> fu_buffer_;
};

}  // namespace simrtc::media

#endif  // CORE_MEDIA_H265_H_
