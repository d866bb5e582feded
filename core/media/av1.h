// AV1 RTP payload format (AOM "RTP Payload Format For AV1", v1.0).
//
// Every payload starts with an aggregation header Z|Y|W(2)|N|reserved(3):
// Z = the first OBU element continues one from the previous packet, Y = the
// last element continues in the next, W = element count when only the last
// lacks its LEB128 length (0 = every element has one), N = first packet of
// a coded video sequence.
//
// Av1Payloader takes a temporal unit in low-overhead bitstream format (OBUs
// with size fields), drops temporal delimiters and tile lists as the spec
// requires, strips the OBU size fields and packs elements with W=0,
// fragmenting across packets. Av1Depacketizer reverses it and emits OBUs
// with size fields restored; a continuation whose start was lost is an
// error and the fragment is discarded.
#ifndef CORE_MEDIA_AV1_H_
#define CORE_MEDIA_AV1_H_

#include <cstdint>
#include <vector>

#include "core/media/payloader.h"

namespace simrtc::media {

// Appends v as LEB128; returns the bytes written.
size_t AppendLeb128(std::vector<uint8_t>& out, uint64_t v);
// Reads LEB128 (at most 8 bytes, value < 2^32) from r.
absl::Status ReadLeb128(ByteReader& r, uint64_t& v);

class Av1Payloader : public Payloader {
 public:
  // Fails on a malformed OBU stream or an mtu below 3 bytes.
  absl::StatusOr<Payloads> Payload(size_t mtu, ByteSpan frame) override;
};

class Av1Depacketizer : public Depacketizer {
 public:
  absl::StatusOr<std::vector<uint8_t>> Depacketize(ByteSpan payload) override;
  // Z = 0: the packet starts a new OBU.
  bool IsPartitionHead(ByteSpan payload) const override {
    return !payload.empty() && (payload[0] & 0x80) == 0;
  }
  bool IsPartitionTail(bool marker, ByteSpan payload) const override {
    (void)payload;
    return marker;
  }

 private:
  absl::Status EmitObu(std::vector<uint8_t>& out, ByteSpan element) const;
  bool in_fragment_ = false;
  std::vector<uint8_t> fragment_;
};

}  // namespace simrtc::media

#endif  // CORE_MEDIA_AV1_H_
